"""Benchmark ``tradeviz render`` against a floor and against the naive shell loop: 7, 35 and all the reports.

    .venv/bin/python benchmarks/bench_render.py [--config reports.yaml] [--jobs N] [--repeat 5] [--breakdown]

Three fan-outs come from the config: **7** = its first seven reports, **35** = its ``country_profile``
notebook for 5 partners x 7 start years, **site** = every report it lists (the default site; goal <= 1.0).
For each, in fresh processes so that imports count, and in *paired* runs (one of each per repetition, back to
back):

* ours:   ``render_reports(..., force=True)`` into an empty folder;
* nochange: the same render again, nothing changed (every report skipped);
* floor:  N minimal notebooks (import pandas + matplotlib, draw one figure) executed with
  ``papermill.execute_notebook`` in a ``ProcessPoolExecutor`` with the same number of jobs;
* naive:  for each report, ``papermill in.ipynb out.ipynb -p ...`` then ``jupyter nbconvert --to html
  --no-input out.ipynb``, one after the other (slow: ``--naive-repeat`` repetitions only, default 1).

It prints, per fan-out, the median and range of the per-pair ratios ours/floor (goal: <= 1.0 for 7, <= 0.8
for 35), ours/naive, and nochange/ours (goal < 0.1).  ``--breakdown`` also measures where the time of one report
goes (kernel start and papermill overhead, the import cell, the rest of the body, the HTML export), with a
kernel started per report and with a kernel forked from the warm template, then the slowest cells of each
notebook across ``--breakdown-runs`` runs (``--cells N`` per notebook; ``--breakdown-only`` skips the fan-outs,
``--forked-only`` the kernel-per-report mode).
A script, not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from tradeviz import paths
from tradeviz.reports.config import Report, load_config
from tradeviz.reports.render import default_jobs

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

from tradeviz.reports.render import render_reports

if __name__ == "__main__":
    config, out, jobs, force = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "force"
    summary = render_reports(config=config, out=out, jobs=jobs, progress=False, force=force)
    sys.exit(0 if summary.ok else 1)
"""

PARTNERS = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
START_YEARS = [1992, 1995, 2000, 2005, 2010, 2013, 2016]


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


def fan_outs(config_path: Path, tmp: Path) -> dict[str, Path]:
    """Config files for the 7-report and the 35-report fan-outs, and the config itself ("site": every report)."""
    import yaml

    config = load_config(config_path)
    first = list(config.reports)[:7]
    profile = next(r for r in config.reports if r.notebook == "country_profile")
    end = profile.parameters.get("end_year", 2020)
    title = config.entries.get("country_profile", {}).get("title", "{partner}")
    seven = {
        "title": "benchmark: 7",
        "notebook_dir": str(config.notebook_dir),
        "reports": [
            {"notebook": r.notebook, "title": r.title, **({"parameters": [r.parameters]} if r.parameters else {})}
            for r in first
        ],
    }
    sweep = [{"partner": p, "start_year": y, "end_year": end} for p in PARTNERS for y in START_YEARS]
    thirty_five = {
        "title": "benchmark: 35",
        "notebook_dir": str(config.notebook_dir),
        "reports": [{"notebook": "country_profile", "title": title, "parameters": sweep}],
    }
    paths_ = {"7": tmp / "seven.yaml", "35": tmp / "thirty_five.yaml", "site": config_path}
    paths_["7"].write_text(yaml.safe_dump(seven, sort_keys=False, allow_unicode=True), encoding="utf-8")
    paths_["35"].write_text(yaml.safe_dump(thirty_five, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return paths_


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def bench_fan_out(label: str, config_path: Path, tmp: Path, args: argparse.Namespace) -> dict[str, list[float]]:
    reports = list(load_config(config_path).reports)
    n = len(reports)
    work = tmp / label
    work.mkdir()
    minimal = work / "minimal.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(MINIMAL_CELL)])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nbformat.write(nb, minimal)
    (work / "floor.json").write_text(json.dumps([[str(minimal), {}]] * n))
    (work / "pool.py").write_text(POOL_SCRIPT)
    (work / "ours.py").write_text(OURS_SCRIPT)
    (work / "naive.sh").write_text(naive_script(reports, work / "naive"))
    (work / "floor").mkdir()
    (work / "naive").mkdir()
    print(f"\n## {label} reports ({config_path.name}), jobs {args.jobs}", flush=True)
    times: dict[str, list[float]] = {"ours": [], "nochange": [], "floor": [], "naive": []}
    for rep in range(args.repeat):
        out = work / f"ours-{rep}"
        ours = [sys.executable, str(work / "ours.py"), str(config_path), str(out), str(args.jobs)]
        times["ours"].append(timed([*ours, "force"]))
        times["nochange"].append(timed([*ours, "changed-only"]))
        times["floor"].append(
            timed(
                [sys.executable, str(work / "pool.py"), str(work / "floor.json"), str(work / "floor"), str(args.jobs)]
            )
        )
        if rep < args.naive_repeat and not args.skip_naive:
            times["naive"].append(timed(["bash", str(work / "naive.sh")]))
        shutil.rmtree(out)
        line = ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items() if len(v) == rep + 1)
        print(f"  run {rep + 1}: {line}", flush=True)
    return times


def report_ratios(label: str, times: dict[str, list[float]], goal: float) -> list[str]:
    pairs = {
        "ours / floor": [o / f for o, f in zip(times["ours"], times["floor"], strict=True)],
        "nochange / ours (forced)": [c / o for c, o in zip(times["nochange"], times["ours"], strict=True)],
    }
    if times["naive"]:
        pairs["ours / naive"] = [o / nv for o, nv in zip(times["ours"], times["naive"], strict=False)]
    goals = {"ours / floor": f"<= {goal}", "nochange / ours (forced)": "< 0.10", "ours / naive": ""}
    rows = [f"| {label} | {name} | {spread(v)} | {goals[name]} |" for name, v in pairs.items()]
    rows += [f"| {label} | {name} (s) | {spread(v)} | |" for name, v in times.items() if v]
    return rows


def run_papermill(report: Report, notebook: Path | nbformat.NotebookNode, manager: type) -> nbformat.NotebookNode:
    """``notebook`` (the report's source, or a copy of it) run by papermill with the report's parameters, as
    ``tradeviz render`` runs it, in a kernel of ``manager``; the executed notebook keeps papermill's timings."""
    import papermill

    with tempfile.TemporaryDirectory() as scratch:
        return papermill.execute_notebook(
            notebook,
            Path(scratch) / "x.ipynb",
            parameters=report.parameters,
            kernel_name="python3",
            kernel_manager_class=manager,
            progress_bar=False,
            request_save_on_cell_execute=False,
            shutdown_kernel="immediate",
            cwd=report.source.parent,
        )


def breakdown(config_path: Path, jobs: int, runs: int = 1, top: int = 5, forked_only: bool = False) -> None:
    """Median seconds per report of each phase, kernel started per report vs forked from the template; then, per
    notebook, its ``top`` slowest cells across every run of both modes (papermill's own per-cell durations, read
    from its output before tradeviz normalises them away)."""
    import os

    from tradeviz.reports import engine, execute, kernels

    reports = list(load_config(config_path).reports)
    execute.init_worker()
    eng = engine.Engine(0)
    eng.start()
    os.environ[engine._ENV_SOCKET] = eng.socket_path
    os.environ[engine._ENV_TEMPLATE_PID] = str(eng.template.pid if eng.template else 0)
    modes = {
        "kernel per report": execute.kernel_manager_class(),
        "forked from template": kernels.template_kernel_manager_class(),
    }
    if forked_only:
        del modes["kernel per report"]

    cells: dict[tuple[str, int], list[float]] = {}
    first_lines: dict[tuple[str, int], str] = {}

    def one(report, manager) -> tuple[float, float, float, float]:
        start = time.perf_counter()
        nb = run_papermill(report, report.source, manager)
        executed = time.perf_counter() - start
        code = [c for c in nb.cells if c.cell_type == "code"]
        durations = [c.metadata.papermill.get("duration") or 0.0 for c in code]
        for i, (cell, seconds) in enumerate(zip(code, durations, strict=True)):
            key = (report.notebook, i)
            cells.setdefault(key, []).append(seconds)
            lines = [line for line in cell.source.splitlines() if line.strip() and not line.startswith(("%", "#"))]
            first_lines[key] = (lines[0] if lines else cell.source.split("\n")[0])[:70]
        first_import = next((i for i, c in enumerate(code) if "import " in c.source), 0)
        start = time.perf_counter()
        execute._normalise(nb, report)
        execute._html_bytes(nb, report)
        export = time.perf_counter() - start
        return executed - sum(durations), durations[first_import], sum(durations) - durations[first_import], export

    print(f"\n## Where the time of one report goes ({len(reports)} reports, one at a time; median s)")
    print(
        "| kernel | kernel start + papermill | import cell | rest of body | HTML export | total |\n"
        "|---|---:|---:|---:|---:|---:|"
    )
    try:
        for mode, manager in modes.items():
            one(reports[0], manager)  # warm the disk cache
            cells.clear()
            rows = [one(r, manager) for _ in range(runs) for r in reports]
            cols = [statistics.median(c) for c in zip(*rows, strict=True)]
            total = statistics.median([sum(r) for r in rows])
            print(f"| {mode} | " + " | ".join(f"{c:.2f}" for c in cols) + f" | {total:.2f} |", flush=True)
    finally:
        eng.close()
    print_cells(cells, first_lines, top)


def print_cells(cells: dict[tuple[str, int], list[float]], first_lines: dict[tuple[str, int], str], top: int) -> None:
    """Per notebook: body seconds (median over its runs) and its ``top`` slowest code cells, median (range)."""
    print("\n## The slowest cells of each notebook (forked kernels; s per run, median (range) over all its runs)")
    for notebook in sorted({nb for nb, _ in cells}):
        mine = {i: v for (nb, i), v in cells.items() if nb == notebook}
        n = len(next(iter(mine.values())))
        body = [sum(v[r] for v in mine.values()) for r in range(n)]
        print(f"\n### {notebook}: body {spread(body)} s, {len(mine)} code cells, {n} runs")
        print("| code cell | seconds | first line |\n|---:|---:|---|")
        for i in sorted(mine, key=lambda i: statistics.median(mine[i]), reverse=True)[:top]:
            print(f"| {i} | {spread(mine[i])} | `{first_lines[notebook, i]}` |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=None, help="render config (default: real or fixtures)")
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--repeat", type=int, default=5, help="paired repetitions; median and range are reported")
    parser.add_argument("--naive-repeat", type=int, default=1, help="repetitions of the (slow) naive shell loop")
    parser.add_argument("--skip-naive", action="store_true", help="skip the naive shell loop")
    parser.add_argument("--only", choices=["7", "35", "site"], default=None, help="one fan-out only")
    parser.add_argument("--breakdown", action="store_true", help="also measure the time per report by phase")
    parser.add_argument("--breakdown-runs", type=int, default=1, help="runs of each report in the breakdown")
    parser.add_argument("--cells", type=int, default=5, help="slowest cells listed per notebook in the breakdown")
    parser.add_argument("--forked-only", action="store_true", help="breakdown: forked kernels only")
    parser.add_argument("--breakdown-only", action="store_true", help="the breakdown only (no fan-outs)")
    args = parser.parse_args(argv)

    config_path = (args.config or default_config()).resolve()
    print(f"config: {config_path}\njobs: {args.jobs}, paired repetitions: {args.repeat}, naive: {args.naive_repeat}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp_name:
        tmp = Path(tmp_name)
        configs = fan_outs(config_path, tmp)
        for label, goal in (("7", 1.0), ("35", 0.8), ("site", 1.0)):
            if args.only in (None, label) and not args.breakdown_only:
                rows += report_ratios(label, bench_fan_out(label, configs[label], tmp, args), goal)
        if rows:
            print("\n| reports | ratio (per pair) | median (range) | goal |\n|---|---|---:|---:|")
            print("\n".join(rows))
        if args.breakdown or args.breakdown_only:
            breakdown(configs["7"], args.jobs, args.breakdown_runs, args.cells, args.forked_only)


if __name__ == "__main__":
    main()
