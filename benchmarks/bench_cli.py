"""Benchmark the CLI's answers against the floor every pandas program pays: ``python -c "import pandas"``.

Paired runs, in fresh processes (imports count): each repetition runs the baseline and then each command, back
to back, so that a noisy machine slows both sides of a pair alike.  Prints, per command, the median and range of
the per-pair ratios command / baseline (goal for ``growth KAZ 1992 2020``: <= 1.3) and the median seconds.
A script, not a test: nothing here asserts on time.

    .venv/bin/python benchmarks/bench_cli.py [--repeat 11]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

BASELINE = [sys.executable, "-c", "import pandas"]
COMMANDS = {
    "growth KAZ 1992 2020": ["growth", "KAZ", "1992", "2020"],
    "growth KAZ 2020 2024": ["growth", "KAZ", "2020", "2024"],
    "growth KGZ 2020 2025": ["growth", "KGZ", "2020", "2025"],
    "partners KAZ 2020": ["partners", "KAZ", "2020"],
}
GOAL = {"growth KAZ 1992 2020": 1.3}


def seconds(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=11, help="paired repetitions; median and range are reported")
    args = parser.parse_args()
    tradeviz = [sys.executable, "-m", "tradeviz"]
    for argv in [BASELINE, *([*tradeviz, *c] for c in COMMANDS.values())]:  # warm the file cache and .pyc files
        seconds(argv)
    base: list[float] = []
    runs: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):
        base.append(seconds(BASELINE))
        for name, command in COMMANDS.items():
            runs[name].append(seconds([*tradeviz, *command]))
    print(f"baseline `python -c 'import pandas'`: median {statistics.median(base):.3f} s ({args.repeat} runs)\n")
    print("| command | ratio to baseline, median (range) | median s | goal |")
    print("|---|---:|---:|---:|")
    for name, times in runs.items():
        ratios = [t / b for t, b in zip(times, base, strict=True)]
        goal = f"<= {GOAL[name]}" if name in GOAL else ""
        print(
            f"| `tradeviz {name}` | {statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f}) "
            f"| {statistics.median(times):.3f} | {goal} |"
        )


if __name__ == "__main__":
    main()
