#!/usr/bin/env python3
"""Summarises a bench/compare.sh results folder: per measurement, the median (min-max, n) of TorchSharp and of each
PyTorch variant (pytorch_ob1, pytorch_default; an older folder's single pytorch.jsonl works too), the better PyTorch
median ("best": the higher for rates, the lower for the memory growth measurements), and the ratio TorchSharp / best.
Rows that compare.sh marked "loaded" (the 1-minute load average stayed above LOAD_MAX) are left out of the medians and
counted; --include-loaded keeps them. Prints a text table, then the same as Markdown for docs/performance.md.

Usage: summarize.py bench/results/<timestamp> [--include-loaded]"""
import argparse
import json
import statistics
from collections import defaultdict
from pathlib import Path

TORCHSHARP = "torchsharp"
# Memory growth in MB: less is better, and a ratio of two growths means nothing.
LOWER_IS_BETTER = {"memory", "memory_rl", "soak_summary"}


def read_rows(folder):
    """Every JSON line of <stack>.jsonl in the folder, with "stack" set from the file name."""
    rows = []
    for path in sorted(Path(folder).glob("*.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                row["stack"] = path.stem
                rows.append(row)
    return rows


def measurement_value(row):
    """The headline number of a row, or None for rows that have none (profile rows, per-minute soak rows)."""
    if row["name"].startswith("profile"):
        return None
    value = row.get("tokens_per_s", row.get("value"))
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def collect(rows, include_loaded=False):
    """name -> stack -> [values] of the rows kept, and name -> stack -> number of loaded rows left out."""
    values = defaultdict(lambda: defaultdict(list))
    excluded = defaultdict(lambda: defaultdict(int))
    for row in rows:
        value = measurement_value(row)
        if value is None:
            continue
        if row.get("loaded") is True and not include_loaded:
            excluded[row["name"]][row["stack"]] += 1
        else:
            values[row["name"]][row["stack"]].append(value)
    return values, excluded


def best_pytorch(name, stacks):
    """(variant, median) of the better PyTorch variant with kept rows, or None."""
    medians = {stack: statistics.median(xs) for stack, xs in stacks.items() if stack.startswith("pytorch") and xs}
    if not medians:
        return None
    pick = min if name in LOWER_IS_BETTER else max
    return pick(medians.items(), key=lambda item: item[1])


def ratio(name, stacks):
    """TorchSharp median / best PyTorch median, or None (no rows on one side, or a memory measurement)."""
    best = best_pytorch(name, stacks)
    ts = stacks.get(TORCHSHARP)
    if name in LOWER_IS_BETTER or not ts or best is None or best[1] == 0:
        return None
    return statistics.median(ts) / best[1]


def fmt(v, big):
    return f"{v:,.0f}" if big else f"{v:.3g}"


def cell(xs, excluded=0):
    note = f", {excluded} loaded left out" if excluded else ""
    if not xs:
        return f"–{' (' + note[2:] + ')' if note else ''}"
    big = max(abs(x) for x in xs) >= 100
    return f"{fmt(statistics.median(xs), big)} ({fmt(min(xs), big)}–{fmt(max(xs), big)}, n={len(xs)}{note})"


def table(values, excluded, pytorch_stacks):
    """Header and rows (lists of cells), one row per measurement in first-seen order."""
    header = ["measurement", "TorchSharp", *pytorch_stacks, "best PyTorch", "TS / best"]
    body = []
    for name, stacks in values.items():
        best = best_pytorch(name, stacks)
        r = ratio(name, stacks)
        body.append([name, cell(stacks.get(TORCHSHARP, []), excluded[name][TORCHSHARP]),
                     *(cell(stacks.get(s, []), excluded[name][s]) for s in pytorch_stacks),
                     f"{best[0]} {fmt(best[1], abs(best[1]) >= 100)}" if best else "–",
                     f"{r:.2f}" if r is not None else "–"])
    return header, body


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--include-loaded", action="store_true", help="keep rows measured above the load gate in the medians")
    args = parser.parse_args()
    rows = read_rows(args.folder)
    values, excluded = collect(rows, args.include_loaded)
    for name in excluded:  # a measurement whose every row was loaded still gets a line
        values[name]
    pytorch_stacks = sorted({row["stack"] for row in rows if row["stack"].startswith("pytorch")},
                            key=lambda s: (s != "pytorch_ob1", s != "pytorch_default", s))
    header, body = table(values, excluded, pytorch_stacks)

    runs = {(row["stack"], row.get("round")): row for row in rows if "load" in row}
    loads = [float(row["load"].split()[0]) for row in runs.values()]
    loaded_runs = sum(1 for row in runs.values() if row.get("loaded") is True)
    print(f"results: {args.folder}")
    if loads:
        print(f"1-min load average before program runs: median {statistics.median(loads):.2f}, range {min(loads):.2f}-{max(loads):.2f}; "
              f"{loaded_runs} of {len(runs)} runs above the load gate ({'kept' if args.include_loaded else 'left out of the medians'})")
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    for r in [header, *body]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    if not args.include_loaded and any(not any(stacks.values()) for stacks in values.values()):
        print("(every row of some measurement was above the load gate: --include-loaded shows them)")
    print("\nMarkdown (medians (min–max, n)):\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in body:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
