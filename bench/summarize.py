#!/usr/bin/env python3
"""Summarises a bench/compare.sh results folder: median (min-max) per measurement and stack, and the ratio of the
TorchSharp median to the PyTorch median. Usage: summarize.py bench/results/<timestamp>"""
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

folder = Path(sys.argv[1])
values = defaultdict(lambda: defaultdict(list))  # name -> stack -> [value]
loads = []
for stack in ("torchsharp", "pytorch"):
    path = folder / f"{stack}.jsonl"
    if not path.exists():
        continue
    for line in path.read_text().splitlines():
        row = json.loads(line)
        loads.append(float(row["load"].split()[0]))
        value = row.get("tokens_per_s", row.get("value"))
        if isinstance(value, (int, float)) and not row["name"].startswith("profile"):
            values[row["name"]][stack].append(value)

def cell(xs):
    if not xs:
        return "-"
    fmt = (lambda v: f"{v:,.0f}") if max(xs) >= 100 else (lambda v: f"{v:.3g}")
    return f"{fmt(statistics.median(xs))} ({fmt(min(xs))}-{fmt(max(xs))}, n={len(xs)})"

print(f"results: {folder}")
print(f"1-min load average before runs: median {statistics.median(loads):.1f}, range {min(loads):.1f}-{max(loads):.1f}")
print(f"{'measurement':<18} {'TorchSharp median (min-max)':<34} {'PyTorch median (min-max)':<34} ratio TS/PT")
for name, stacks in values.items():
    ts, pt = stacks.get("torchsharp", []), stacks.get("pytorch", [])
    ratio = f"{statistics.median(ts) / statistics.median(pt):.2f}" if ts and pt else "-"
    print(f"{name:<18} {cell(ts):<34} {cell(pt):<34} {ratio}")
