"""How much of each report's body is its figures: built, laid out and drawn to PNG, on the real data.

    .venv/bin/python benchmarks/bench_figures.py [--config reports.yaml] [--runs 2]

Every report of the config runs, one at a time, in a kernel forked from the warm template (as ``tradeviz
render`` runs it), with one benchmark cell added after the parameters.  That cell times, inside the kernel:

* **build + layout**: from a figure's creation (``Figure.__init__``) to its chart record
  (``tradeviz.charts.export.record``, the last step of every chart function: the constrained layout is done);
* **PNG**: the inline display's ``image/png`` formatter (one draw of the figure and its PNG encoding).

It prints, per report (median over ``--runs``): the body (papermill's cell durations), the number of figures,
both figure times and their share of the body; then the totals.  The figures are the part of a report that
byte-identical images fix: their layout, pixels and PNG settings cannot change without changing the images.
A script, not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import nbformat
from bench_render import run_papermill  # this folder: run as a script

from tradeviz import paths
from tradeviz.reports.config import load_config

MARK = "tradeviz-bench-figures:"
TIMING_CELL = """\
import time as _bench_time
import matplotlib.figure as _bench_mfig
from IPython import get_ipython as _bench_ip
from tradeviz.charts import export as _bench_export

_bench = {"figures": 0, "build": 0.0, "png": 0.0}
_bench_init, _bench_record = _bench_mfig.Figure.__init__, _bench_export.record

def _bench_timed_init(self, *args, **kwargs):
    self._bench_t0 = _bench_time.perf_counter()
    _bench_init(self, *args, **kwargs)

def _bench_timed_record(fig, *args, **kwargs):
    rec = _bench_record(fig, *args, **kwargs)
    _bench["figures"] += 1
    _bench["build"] += _bench_time.perf_counter() - fig._bench_t0
    return rec

_bench_mfig.Figure.__init__, _bench_export.record = _bench_timed_init, _bench_timed_record
_bench_png = _bench_ip().display_formatter.formatters["image/png"]
_bench_print = _bench_png.lookup_by_type(_bench_mfig.Figure)

def _bench_timed_png(fig):
    return _bench_timed_call(_bench_print, fig)

_bench_png.for_type(_bench_mfig.Figure, _bench_timed_png)
# a later `%matplotlib inline` registers print_figure again, by its module name: time that one too
import IPython.core.pylabtools as _bench_pylab
_bench_pylab.print_figure = (lambda f: lambda *a, **k: _bench_timed_call(f, *a, **k))(_bench_pylab.print_figure)

def _bench_timed_call(func, *args, **kwargs):
    start = _bench_time.perf_counter()
    try:
        return func(*args, **kwargs)
    finally:
        _bench["png"] += _bench_time.perf_counter() - start
"""
REPORT_CELL = f'print("{MARK}" + __import__("json").dumps(_bench))'


def instrumented(source: Path) -> nbformat.NotebookNode:
    """The notebook with the timing cell after its parameters (so after papermill's injected cell) and a last
    cell that prints the totals."""
    nb = nbformat.read(source, as_version=4)
    at = next((i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), 0)
    nb.cells.insert(at, nbformat.v4.new_code_cell(TIMING_CELL))
    nb.cells.append(nbformat.v4.new_code_cell(REPORT_CELL))
    return nb


def run_one(report, manager) -> dict[str, float]:
    nb = run_papermill(report, instrumented(report.source), manager)
    code = [c for c in nb.cells if c.cell_type == "code"]
    text = "".join(o.get("text", "") for o in code[-1].outputs)
    found = json.loads(text.split(MARK, 1)[1])
    # the body: every cell but the two benchmark cells
    found["body"] = sum(c.metadata.papermill.get("duration") or 0.0 for c in code[:-1] if c.source != TIMING_CELL)
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=paths.PROJ_ROOT / "reports.yaml")
    parser.add_argument("--runs", type=int, default=2, help="runs of each report; medians are reported")
    args = parser.parse_args(argv)

    from tradeviz.reports import engine, execute, kernels

    reports = list(load_config(args.config.resolve()).reports)
    execute.init_worker()
    eng = engine.Engine(0)
    eng.start()
    os.environ[engine._ENV_SOCKET] = eng.socket_path
    os.environ[engine._ENV_TEMPLATE_PID] = str(eng.template.pid if eng.template else 0)
    manager = kernels.template_kernel_manager_class()
    started = time.perf_counter()
    try:
        run_one(reports[0], manager)  # the disk cache
        rows = {r.name: [run_one(r, manager) for _ in range(args.runs)] for r in reports}
    finally:
        eng.close()
    print(f"config: {args.config}; {len(reports)} reports x {args.runs} runs, forked kernels, one at a time")
    print("\n| report | body s | figures | build + layout s | PNG s | figures / body |\n|---|---:|---:|---:|---:|---:|")
    totals = {"body": 0.0, "figures": 0, "build": 0.0, "png": 0.0}
    for name, runs in rows.items():
        med = {k: statistics.median(r[k] for r in runs) for k in ("body", "build", "png")}
        n = int(runs[0]["figures"])
        share = (med["build"] + med["png"]) / med["body"] if med["body"] else 0.0
        print(f"| {name} | {med['body']:.2f} | {n} | {med['build']:.2f} | {med['png']:.2f} | {share:.0%} |")
        for k in ("body", "build", "png"):
            totals[k] += med[k]
        totals["figures"] += n
    figs = totals["build"] + totals["png"]
    print(
        f"| **all** | {totals['body']:.2f} | {totals['figures']} | {totals['build']:.2f} | {totals['png']:.2f} | "
        f"{figs / totals['body']:.0%} |"
    )
    per = figs / totals["figures"] if totals["figures"] else 0.0
    print(
        f"\nper figure: {per * 1000:.0f} ms (build + layout {totals['build'] / max(totals['figures'], 1) * 1000:.0f}"
        f" ms, PNG {totals['png'] / max(totals['figures'], 1) * 1000:.0f} ms); measured in "
        f"{time.perf_counter() - started:.0f} s",
        file=sys.stdout,
    )


if __name__ == "__main__":
    main()
