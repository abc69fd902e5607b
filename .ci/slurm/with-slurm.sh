#!/usr/bin/env bash
# Runs a command with a single-node Slurm up: starts it (start.sh), exports TP_SLURM=1 so the Slurm tests run (and
# fail loudly rather than skip if Slurm is broken), runs the command, then stops the daemons by PID (stop.sh), also
# when the command fails or is interrupted. Usage: bash .ci/slurm/with-slurm.sh dotnet test ...
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
trap 'bash "$here/stop.sh"' EXIT
if ! bash "$here/start.sh"; then
  echo "slurm: start failed; the Slurm tests will fail with the reason" >&2
fi
export TP_SLURM=1
"$@"
