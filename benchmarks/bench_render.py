"""Benchmark ``tradeviz render`` against a floor and against the naive shell loop.

    .venv/bin/python benchmarks/bench_render.py [--config reports.yaml] [--jobs N] [--repeat 3]

For the N reports of the config it times, each in a fresh process so that imports count:

* ours:  ``render_reports(config=..., jobs=...)``;
* floor: N minimal notebooks (import pandas + matplotlib, draw one figure) executed with
  ``papermill.execute_notebook`` in a ``ProcessPoolExecutor`` with the same number of jobs;
* exec:  the config's own N reports executed the same way (papermill only, no HTML): what the
  notebooks themselves cost, so ours/exec is the overhead of the render machinery;
* naive: for each report, ``papermill in.ipynb out.ipynb -p ...`` then
  ``jupyter nbconvert --to html --no-input out.ipynb``, one after the other.

and prints the medians and the ratios ours/floor (target <= 1.5) and ours/naive (target <= 0.4).
Without ``--config`` it uses the repo's reports.yaml if all its notebooks exist, else the same
fan-out on the test fixtures (tests/fixtures/render/reports-bench.yaml).
A script, not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from tradeviz import paths
from tradeviz.render import Report, default_jobs, load_config

FIXTURE_CONFIG = paths.PROJ_ROOT / "tests" / "fixtures" / "render" / "reports-bench.yaml"
BIN = Path(sys.executable).parent

MINIMAL_CELL = """\
import matplotlib.pyplot as plt
import pandas as pd

frame = pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]})
fig, ax = plt.subplots(figsize=(4, 3))
ax.plot(frame["x"], frame["y"])
plt.show()
"""

POOL_SCRIPT = """\
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import papermill

runs, out, jobs = json.loads(Path(sys.argv[1]).read_text()), sys.argv[2], int(sys.argv[3])


def run(i):
    notebook, parameters = runs[i]
    papermill.execute_notebook(
        notebook, f"{out}/{i}.ipynb", parameters, kernel_name="python3", progress_bar=False, cwd=Path(notebook).parent
    )


if __name__ == "__main__":
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(run, range(len(runs))))
"""

OURS_SCRIPT = """\
import sys
from pathlib import Path

from tradeviz.render import render_reports

summary = render_reports(config=Path(sys.argv[1]), out=Path(sys.argv[2]), jobs=int(sys.argv[3]), progress=False)
sys.exit(0 if summary.ok else 1)
"""


def default_config() -> Path:
    real = paths.RENDER_CONFIG
    if real.exists() and all(r.source.is_file() for r in load_config(real).reports):
        return real
    return FIXTURE_CONFIG


def naive_script(reports: list[Report], out: Path) -> str:
    """The shell loop a user would write."""
    lines = ["set -e"]
    for r in reports:
        params = " ".join(f"-p {shlex.quote(k)} {shlex.quote(str(v))}" for k, v in r.parameters.items())
        executed = shlex.quote(str(out / r.ipynb_name))
        lines.append(
            f"{BIN / 'papermill'} {shlex.quote(str(r.source))} {executed} {params} -k python3 "
            f"--cwd {shlex.quote(str(r.source.parent))} --no-progress-bar --log-level ERROR"
        )
        lines.append(f"{BIN / 'jupyter'} nbconvert --to html --no-input --log-level ERROR {executed}")
    return "\n".join(lines)


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=None, help="render config (default: real or fixtures)")
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--repeat", type=int, default=3, help="repetitions; medians are reported")
    parser.add_argument("--skip-naive", action="store_true", help="skip the (slow) naive shell loop")
    args = parser.parse_args(argv)

    config_path = (args.config or default_config()).resolve()
    reports = list(load_config(config_path).reports)
    n = len(reports)
    print(f"config: {config_path}\nreports: {n}, jobs: {args.jobs}, repetitions: {args.repeat}\n")

    times: dict[str, list[float]] = {"ours": [], "floor": [], "exec": [], "naive": []}
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        tmp = Path(tmp)
        minimal = tmp / "minimal.ipynb"
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(MINIMAL_CELL)])
        nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
        nbformat.write(nb, minimal)
        (tmp / "floor.json").write_text(json.dumps([[str(minimal), {}]] * n))
        (tmp / "exec.json").write_text(json.dumps([[str(r.source), r.parameters] for r in reports]))
        (tmp / "pool.py").write_text(POOL_SCRIPT)
        (tmp / "ours.py").write_text(OURS_SCRIPT)
        (tmp / "naive.sh").write_text(naive_script(reports, tmp / "naive"))
        pool = [sys.executable, str(tmp / "pool.py")]
        commands = {
            "ours": [sys.executable, str(tmp / "ours.py"), str(config_path), str(tmp / "ours"), str(args.jobs)],
            "floor": [*pool, str(tmp / "floor.json"), str(tmp / "floor"), str(args.jobs)],
            "exec": [*pool, str(tmp / "exec.json"), str(tmp / "exec"), str(args.jobs)],
            "naive": ["bash", str(tmp / "naive.sh")],
        }
        for name in ("floor", "exec", "naive"):
            (tmp / name).mkdir()
        for rep in range(args.repeat):
            for name, cmd in commands.items():
                if name == "naive" and args.skip_naive:
                    continue
                times[name].append(timed(cmd))
                print(f"  run {rep + 1}: {name:5} {times[name][-1]:6.2f} s", flush=True)

    med = {name: statistics.median(ts) for name, ts in times.items() if ts}
    print("\n| measure | median (s) | runs (s) |\n|---|---:|---|")
    for name, ts in times.items():
        if ts:
            print(f"| {name} | {med[name]:.2f} | {', '.join(f'{t:.2f}' for t in ts)} |")
    print("\n| ratio | value | target |\n|---|---:|---:|")
    print(f"| ours / floor | {med['ours'] / med['floor']:.2f} | <= 1.5 |")
    print(f"| ours / exec (machinery overhead) | {med['ours'] / med['exec']:.2f} | |")
    if "naive" in med:
        print(f"| ours / naive | {med['ours'] / med['naive']:.2f} | <= 0.4 |")


if __name__ == "__main__":
    main()
