#!/usr/bin/env bash
# Stops the daemons that start.sh started, by the PIDs it recorded (never by name), waiting for each to exit.
set -uo pipefail
state=${TP_SLURM_STATE:-/tmp/tp-slurm}
for daemon in slurmd slurmctld munged; do
  file="$state/$daemon.pid"
  [ -f "$file" ] || continue
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; echo "slurm: $daemon ($pid) needed SIGKILL"; fi
  fi
  rm -f "$file"
  echo "slurm: stopped $daemon ($pid)"
done
