#!/usr/bin/env bash
# Runs the TorchSharp bench and the PyTorch reference alternately for N rounds (the order flips every round, so slow
# phases of a shared machine hit both stacks alike), then prints per-measurement medians, ranges and the ratio
# TorchSharp / PyTorch of the medians.
#
#   bench/compare.sh [ROUNDS] [-- args for both programs]        e.g. bench/compare.sh 3 -- --only train_S,train_M
#   TS_ARGS="--attention manual" bench/compare.sh 3             extra args for the TorchSharp side only
#   PY_ARGS="..."                                                extra args for the PyTorch side only
#
# Raw JSON lines (with the load average before each run) go to bench/results/<timestamp>/.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
rounds="${1:-3}"
shift || true
if [ "${1:-}" = "--" ]; then shift; fi
common_args=("$@")
python="${PYTHON:-/usr/bin/python3}"   # Debian's interpreter: it sees python3-torch

out="$here/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
echo "building TorchSharp bench (Release)…" >&2
dotnet build -c Release "$here/TrainingPipeline.Bench/TrainingPipeline.Bench.csproj" -v quiet -nologo >&2
dll="$here/TrainingPipeline.Bench/bin/Release/net10.0/TrainingPipeline.Bench.dll"

run_torchsharp() {
    # shellcheck disable=SC2086
    dotnet "$dll" "${common_args[@]}" ${TS_ARGS:-} | sed "s/^{/{\"round\": $1, \"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", /" >> "$out/torchsharp.jsonl"
}
run_pytorch() {
    # shellcheck disable=SC2086
    "$python" "$here/reference/gpt_bench.py" "${common_args[@]}" ${PY_ARGS:-} | sed "s/^{/{\"round\": $1, \"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", /" >> "$out/pytorch.jsonl"
}

{ date -u; uname -srm; grep -m1 "model name" /proc/cpuinfo; nproc; } > "$out/machine.txt"
for ((round = 1; round <= rounds; round++)); do
    echo "round $round/$rounds (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    if ((round % 2 == 1)); then run_torchsharp "$round"; run_pytorch "$round"
    else run_pytorch "$round"; run_torchsharp "$round"; fi
done

"$python" "$here/summarize.py" "$out"
