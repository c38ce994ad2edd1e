#!/usr/bin/env python3
"""Prints criterion's latest estimates as Markdown tables, one per group.

    python3 benches/criterion_table.py [CRITERION_DIR]   (default: $CARGO_TARGET_DIR/criterion)

Each row is one input (file size or count x size), each column one variant,
each cell the mean time and, where criterion knows the bytes, the throughput.
"""
import json
import os
import sys
from pathlib import Path


def main():
    default = Path(os.environ.get("CARGO_TARGET_DIR", "target")) / "criterion"
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    for group in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "report"):
        cells, variants, inputs = {}, [], []
        for bench in sorted(group.glob("*/*/new/benchmark.json")):
            meta = json.loads(bench.read_text())
            estimates = json.loads((bench.parent / "estimates.json").read_text())
            mean_ns = estimates["mean"]["point_estimate"]
            variant, value = meta["function_id"], meta["value_str"]
            throughput = meta.get("throughput") or {}
            text = fmt_time(mean_ns)
            if "Bytes" in throughput:
                text += f" ({throughput['Bytes'] / mean_ns:.2f} GB/s)"
            cells[(value, variant)] = text
            if variant not in variants:
                variants.append(variant)
            if value not in inputs:
                inputs.append(value)
        inputs.sort(key=sort_key)
        print(f"\n### {group.name}\n")
        print("| input | " + " | ".join(variants) + " |")
        print("|---" * (len(variants) + 1) + "|")
        for value in inputs:
            row = [cells.get((value, v), "-") for v in variants]
            print(f"| {value} | " + " | ".join(row) + " |")


def sort_key(value):
    parts = value.split("x")
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        return (float("inf"),)


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


if __name__ == "__main__":
    main()
