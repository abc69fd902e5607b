#!/usr/bin/env bash
# Runs the TorchSharp bench and the PyTorch reference side by side for N rounds, then prints per-measurement medians,
# ranges and the ratio TorchSharp / the better PyTorch (bench/summarize.py), as text and as a Markdown table.
#
# Each round runs three programs, in an order that rotates round by round (so slow phases of a shared machine hit all
# alike): torchsharp; pytorch_ob1 = the reference with OPENBLAS_NUM_THREADS=1 (torch's own intra-op threads do the
# work); pytorch_default = the reference with OpenBLAS's default threading (OPENBLAS_NUM_THREADS unset).
#
# Load gate: before each program run the script waits (polling every 5 s, up to LOAD_WAIT seconds) for the 1-minute
# load average to fall to LOAD_MAX or below. If it never does, the program runs anyway and its rows are marked
# "loaded": true (summarize.py leaves them out of the medians); with --strict (or STRICT=1) the script refuses to
# measure instead and exits 3.
#
#   bench/compare.sh [--strict] [ROUNDS] [-- args for both programs]   e.g. bench/compare.sh 3 -- --only rl_step_S
#   TS_ARGS="--attention manual" bench/compare.sh 3    extra args for the TorchSharp side only
#   PY_ARGS="--kv-cache cat" bench/compare.sh 3        extra args for the PyTorch side only
#   TS_DLL=/path/TrainingPipeline.Bench.dll            run that build of the TorchSharp bench (no build), e.g. an old one
#   LOAD_MAX=0.5 LOAD_WAIT=300                         the load gate (defaults shown); PYTHON=/usr/bin/python3
#
# Raw JSON lines, each with its round, the load average before its run and "loaded", go to
# bench/results/<timestamp>/<stack>.jsonl (RESULTS_DIR replaces bench/results); machine.txt records the machine and
# the settings.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
strict="${STRICT:-0}"
if [ "${1:-}" = "--strict" ]; then strict=1; shift; fi
rounds="${1:-3}"
shift || true
if [ "${1:-}" = "--" ]; then shift; fi
common_args=("$@")
if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then
    echo "compare.sh: ROUNDS must be a positive integer, not '$rounds' (usage: bench/compare.sh [--strict] [ROUNDS] [-- args])" >&2
    exit 2
fi
python="${PYTHON:-/usr/bin/python3}"   # Debian's interpreter: it sees python3-torch
load_max="${LOAD_MAX:-0.5}"
load_wait="${LOAD_WAIT:-300}"
if ! [[ "$load_wait" =~ ^[0-9]+$ ]]; then echo "compare.sh: LOAD_WAIT must be whole seconds (e.g. 300), not '$load_wait'" >&2; exit 2; fi
if ! [[ "$load_max" =~ ^-?[0-9]+([.][0-9]+)?$ ]]; then echo "compare.sh: LOAD_MAX must be a number (e.g. 0.5), not '$load_max'" >&2; exit 2; fi

if [ -n "${TS_DLL:-}" ]; then
    dll="$TS_DLL"
    if [ ! -f "$dll" ]; then echo "compare.sh: TS_DLL names no file: $dll (build the bench or unset TS_DLL)" >&2; exit 2; fi
else
    echo "building TorchSharp bench (Release)…" >&2
    dotnet build -c Release "$here/TrainingPipeline.Bench/TrainingPipeline.Bench.csproj" -v quiet -nologo >&2
    dll="$here/TrainingPipeline.Bench/bin/Release/net10.0/TrainingPipeline.Bench.dll"
fi

out="${RESULTS_DIR:-$here/results}/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
{
    date -u; uname -srm; grep -m1 "model name" /proc/cpuinfo; nproc
    echo "torchsharp bench: $dll"
    "$python" -c 'import torch; print("torch", torch.__version__)' 2>&1 || true
    echo "rounds $rounds, args: ${common_args[*]:-} | TS_ARGS: ${TS_ARGS:-} | PY_ARGS: ${PY_ARGS:-}"
    echo "load gate: LOAD_MAX $load_max, LOAD_WAIT ${load_wait}s, strict $strict"
} > "$out/machine.txt"

load1() { cut -d' ' -f1 /proc/loadavg; }

# Waits for a quiet machine; sets `loaded` to false when it got one, true when it gave up (or exits 3 if strict).
wait_for_quiet() {
    local waited=0
    while awk -v l="$(load1)" -v m="$load_max" 'BEGIN { exit !(l > m) }'; do
        if ((waited >= load_wait)); then
            if [ "$strict" = 1 ]; then
                echo "compare.sh: 1-minute load average $(load1) > $load_max after waiting ${waited}s; refusing to measure (--strict)." \
                    "Results so far: $out" >&2
                exit 3
            fi
            echo "  load $(load1) > $load_max after ${waited}s: running anyway, rows marked \"loaded\": true" >&2
            loaded=true
            return
        fi
        sleep 5
        waited=$((waited + 5))
    done
    loaded=false
}

# Runs one stack's program and appends its JSON lines, each prefixed with round, load and loaded.
run_stack() {
    local stack="$1" round="$2" load
    wait_for_quiet
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "round $round: $stack (load $load)" >&2
    local prefix="{\"round\": $round, \"load\": \"$load\", \"loaded\": $loaded, "
    case "$stack" in
        torchsharp)
            # shellcheck disable=SC2086
            dotnet "$dll" "${common_args[@]}" ${TS_ARGS:-} ;;
        pytorch_ob1)
            # shellcheck disable=SC2086
            OPENBLAS_NUM_THREADS=1 "$python" "$here/reference/gpt_bench.py" "${common_args[@]}" ${PY_ARGS:-} ;;
        pytorch_default)
            # shellcheck disable=SC2086
            env -u OPENBLAS_NUM_THREADS "$python" "$here/reference/gpt_bench.py" "${common_args[@]}" ${PY_ARGS:-} ;;
    esac | sed -e "s/^{/$prefix/" -e "s/\"stack\": \"pytorch\"/\"stack\": \"$stack\"/" >> "$out/$stack.jsonl"
}

stacks=(torchsharp pytorch_ob1 pytorch_default)
for ((round = 1; round <= rounds; round++)); do
    for ((i = 0; i < ${#stacks[@]}; i++)); do
        run_stack "${stacks[$(((round - 1 + i) % ${#stacks[@]}))]}" "$round"
    done
done

"$python" "$here/summarize.py" "$out"
