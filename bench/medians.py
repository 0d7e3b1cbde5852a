#!/usr/bin/env python3
"""Medians over runs of bench summary lines: "[hh:mm:ss] <system> <scenario> run<N> key=value ...".
Usage: bench/medians.py summary.txt"""
import re
import statistics
import sys
from collections import defaultdict

runs = defaultdict(list)
for line in open(sys.argv[1]):
    match = re.match(r"\[[^\]]*\] (\S+) (\S+) run(\d+) (.*)", line.strip())
    if match:
        values = {k: float(v) for k, v in re.findall(r"(\w+)=(-?[\d.]+)", match.group(4))}
        runs[(match.group(1), match.group(2))].append(values)
for (system, scenario), measured in runs.items():
    names = sorted({name for values in measured for name in values})
    medians = {name: round(statistics.median(v[name] for v in measured if name in v), 3) for name in names}
    print(f"MEDIAN {system} {scenario} n={len(measured)} " + " ".join(f"{k}={v}" for k, v in medians.items()))
