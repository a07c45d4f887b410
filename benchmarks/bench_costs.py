"""The floor of our own work in a report: what one figure, one table, one cell and the engine's start cost.

``bench_render.py`` compares whole renders with a floor of minimal notebooks (one figure each).  A report does
more than that floor by design: several house-style figures, formatted tables and dozens of cells of prose with
asserts under their numbers.  This script measures the unit costs on the real data, so that a render's time can
be read as (figures x per figure) + (tables x per table) + (cells x per cell) + the fixed start:

* **figure**: a house-style chart (``charts.trade_series`` of the five's DOTS totals) built and laid out
  (constrained layout, frozen), then drawn to PNG as the inline backend does (``bbox_inches=None``, zlib level
  ``charts.style.PNG_COMPRESS_LEVEL``); the PNG encoding alone, at that level and at Pillow's default 6; the floor
  notebook's figure (four points, no style) for comparison;
* **table**: ``text.tables.show`` of the overlap table (formatters, escaping) rendered to HTML;
* **cell**: an empty code cell, in a notebook of 1 and of 41 cells, in a kernel forked from the warm template
  (papermill and the message round trip);
* **start**: the template's imports and warm-up, and a worker's start (imports, compiled page template).

A script, not a test: nothing here asserts on time.

    .venv/bin/python benchmarks/bench_costs.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat


def median_ms(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def figure_costs(repeat: int) -> list[tuple[str, float]]:
    import io

    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    from tradeviz import charts, data
    from tradeviz.charts.style import PNG_COMPRESS_LEVEL
    from tradeviz.measures.panels import partner_totals

    totals = partner_totals(data.load_trade())
    caption = charts.Caption(source=charts.SOURCE_DOTS, unit=charts.UNIT_CURRENT, side=charts.SIDE_CHINA)
    charts.trade_series(totals, caption)  # fonts and caches, once

    def minimal() -> None:
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([1, 2, 3], [3, 1, 2])
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)

    built = [charts.trade_series(totals, caption) for _ in range(repeat)]
    drawn = charts.trade_series(totals, caption)
    canvas = FigureCanvasAgg(drawn)
    canvas.draw()
    pixels = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())

    def encode(level: int) -> Callable[[], object]:
        return lambda: pixels.save(io.BytesIO(), format="png", compress_level=level)

    pil_kwargs = {"compress_level": PNG_COMPRESS_LEVEL}
    return [
        (
            "figure: build + layout (trade_series, 6 lines, log axis)",
            median_ms(lambda: charts.trade_series(totals, caption), repeat),
        ),
        (
            "figure: draw to PNG as the inline display does",
            median_ms(lambda: print_figure(built.pop(), "png", bbox_inches=None, pil_kwargs=pil_kwargs), repeat),
        ),
        (
            f"figure: PNG encoding alone, zlib level {PNG_COMPRESS_LEVEL} (ours)",
            median_ms(encode(PNG_COMPRESS_LEVEL), repeat),
        ),
        ("figure: PNG encoding alone, zlib level 6 (Pillow's default)", median_ms(encode(6), repeat)),
        ("floor notebook's figure: build + PNG", median_ms(minimal, repeat)),
    ]


def table_costs(repeat: int) -> list[tuple[str, float]]:
    from tradeviz import data
    from tradeviz.measures.overlap import comtrade_dots_overlap
    from tradeviz.text import tables

    frame = comtrade_dots_overlap(data.load_comtrade(), data.load_trade()).head(30)
    money = [c for c in ("value_a", "value_b", "difference") if c in frame.columns]
    return [
        (
            f"table: tables.show + HTML ({len(frame)} rows x {len(frame.columns)} columns)",
            median_ms(lambda: tables.show(frame, money=money).to_html(), repeat),
        )
    ]


def cell_costs(repeat: int) -> list[tuple[str, float]]:
    """Per empty cell: (notebook of 41 cells - notebook of 1 cell) / 40, forked kernels, median of pairs."""
    import papermill

    from tradeviz.reports import engine

    work = Path(tempfile.mkdtemp(prefix="bench-costs-"))
    paths = {}
    for n in (1, 41):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1") for _ in range(n)])
        nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
        paths[n] = work / f"cells-{n}.ipynb"
        nbformat.write(nb, paths[n])
    engine.skip_unused_imports()
    from tradeviz.reports.kernels import template_kernel_manager_class

    per_cell = []
    with engine.Engine(0) as pool:  # the template only: this process asks it for kernels
        os.environ[engine._ENV_SOCKET] = pool.socket_path
        os.environ[engine._ENV_TEMPLATE_PID] = str(pool.template.pid if pool.template else 0)
        manager = template_kernel_manager_class()
        for _ in range(max(3, repeat // 3)):
            seconds = {}
            for n, path in paths.items():
                started = time.perf_counter()
                papermill.execute_notebook(
                    path,
                    work / f"out-{n}.ipynb",
                    kernel_manager_class=manager,
                    progress_bar=False,
                    request_save_on_cell_execute=False,
                    shutdown_kernel="immediate",
                )
                seconds[n] = time.perf_counter() - started
            per_cell.append((seconds[41] - seconds[1]) / 40)
    return [("cell: one empty code cell, forked kernel (papermill + messages)", 1000 * statistics.median(per_cell))]


def start_costs(repeat: int) -> list[tuple[str, float]]:
    code_template = (
        "import time, importlib, os; t = time.perf_counter(); "
        "os.environ['MPLBACKEND'] = 'module://matplotlib_inline.backend_inline'; "
        "from tradeviz.reports import engine, warmup; [importlib.import_module(m) for m in engine.template_imports()]; "
        "import signal; signal.signal(signal.SIGCHLD, signal.SIG_IGN); "
        "i = time.perf_counter(); warmup.warm_up(); w = time.perf_counter(); print(i - t, w - i)"
    )
    code_worker = (
        "import time; t = time.perf_counter(); from tradeviz.reports import engine; engine.skip_unused_imports(); "
        "from tradeviz.reports import execute, kernels; execute.init_worker(); "
        "kernels.template_kernel_manager_class(); print(time.perf_counter() - t)"
    )
    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    imports, warm, worker = [], [], []
    for _ in range(max(3, repeat // 3)):
        out = subprocess.run([sys.executable, "-c", code_template], capture_output=True, text=True, env=env, check=True)
        a, b = map(float, out.stdout.split()[-2:])
        imports.append(a)
        warm.append(b)
        out = subprocess.run([sys.executable, "-c", code_worker], capture_output=True, text=True, env=env, check=True)
        worker.append(float(out.stdout.split()[-1]))
    return [
        ("start: template imports (kernel and notebook modules)", 1000 * statistics.median(imports)),
        ("start: template warm-up (tables, shared measures, map, fonts)", 1000 * statistics.median(warm)),
        ("start: one worker (papermill, nbconvert, page template)", 1000 * statistics.median(worker)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="repetitions per measure (median reported)")
    args = parser.parse_args()
    rows = figure_costs(args.repeat) + table_costs(args.repeat) + cell_costs(args.repeat) + start_costs(args.repeat)
    print("| unit | median ms |\n|---|---:|")
    for name, ms in rows:
        print(f"| {name} | {ms:.1f} |")


if __name__ == "__main__":
    importlib.invalidate_caches()
    main()
