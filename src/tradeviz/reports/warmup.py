"""The template's warm-up: what every report would compute again, computed once before the first kernel forks.

The template process (:mod:`tradeviz.reports.engine`) calls :func:`warm_up` after its imports; kernels forked from
it then find the curated tables parsed and the shared measures memoised.  Half of the work runs in a forked helper
on the other core (the template is alone on the render's critical path here), whose results come back pickled,
keyed by the content of their tables.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import time
from collections.abc import Callable

from tradeviz.reports.kernels import die_with_parent


def warm_up() -> None:
    """Fill the template's read-only caches that every report would otherwise fill again.

    * The curated tables: ``tradeviz.data`` parses each file once per file version (path, size, modification
      time) and hands out copies, so a kernel gets exactly what it would have read itself, and a file changed
      since gets read again.
    * The pure results every report computes again from the same tables (the totals of the five on each side,
      their shares and concentration, the overlap tables (DOTS, UN Comtrade, GACC 2024, IMTS 2025), the long
      layouts of the statistical series and each partner's annual series by the precedence rule): the measures
      memoise them by the content of their tables (:func:`tradeviz.measures.common.memoised`) and hand out
      copies, so a kernel whose tables are the same gets a copy of each instead of computing it, and a kernel
      whose tables differ computes its own.
    * The map's countries (Natural Earth, parsed once per path).  Kernels are forks: whatever one of them does
      with a cached object, no other report sees it.
    * Matplotlib's font lookup and style machinery: one figure drawn off-screen (no pyplot state is touched).

    The template is alone on the critical path here (the checks and the workers are done sooner), so a forked
    helper computes half of the memoised results on the other core and hands them over, pickled, keyed by the
    content of their tables (:func:`tradeviz.measures.common.memo_entries`).  Anything that goes wrong here is
    left for the report to meet (and report) itself.
    """
    helper = fork_helper(_warm_up_series)
    _warm_up_tables_and_overlaps()
    _warm_up_map_and_figure()
    with contextlib.suppress(Exception):
        from tradeviz.measures import common

        common.add_memo_entries(pickle.loads(read_until_closed(helper, HELPER_TIMEOUT)))  # our own fork's bytes


HELPER_TIMEOUT = 60.0
"""Seconds the template waits for its warm-up helper; past them it goes on without the helper's results."""


def read_until_closed(fd: int, timeout: float) -> bytes:
    """Everything written to ``fd`` until its writer closes it; ``TimeoutError`` if that takes over ``timeout`` s."""
    import select

    deadline, chunks = time.monotonic() + timeout, list[bytes]()
    with os.fdopen(fd, "rb", buffering=0) as pipe:
        while (left := deadline - time.monotonic()) > 0 and select.select([pipe], [], [], left)[0]:
            if not (chunk := pipe.read(1 << 20)):
                return b"".join(chunks)
            chunks.append(chunk)
    raise TimeoutError(f"the warm-up helper sent nothing for {timeout:.0f} s")


def fork_helper(work: Callable[[], None]) -> int:
    """Run ``work`` in a forked child; return the read end of a pipe carrying the memoised results it added
    (pickled: :func:`tradeviz.measures.common.memo_entries`).  If there is no fork, ``work`` runs here."""
    read, write = os.pipe()
    me = os.getpid()  # before the fork: a child asking getppid() after a quick kill gets init's
    try:
        pid = os.fork()
    except OSError:
        os.close(write)
        with contextlib.suppress(Exception):
            work()
        return read  # closed at once: nothing to add
    if pid != 0:
        os.close(write)
        return read
    code = 1
    try:
        os.close(read)
        die_with_parent(me)
        from tradeviz.measures import common

        before = common.memo_keys()
        with contextlib.suppress(Exception):
            work()
        payload = pickle.dumps(common.memo_entries(before), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
        code = 0
    finally:
        os._exit(code)


def _warm_up_series() -> None:
    """The helper's half: the totals and shares of the five, the UN Comtrade overlaps, every annual series."""
    from tradeviz import countries, data
    from tradeviz.measures import annual, overlap, panels

    trade = data.load_trade()
    for side in ("china", "partner"):
        panels.partner_totals(trade, side)  # and so total_trade of each of the five and of CA5 on that side
    panels.concentration(trade)  # and so partner_shares
    comtrade, table, series = data.load_comtrade(), data.load_published(), data.load_published_series()
    overlap.comtrade_dots_overlap(comtrade, trade)  # and so the long layouts of both series
    overlap.comtrade_published_overlap(comtrade, table)
    annual.annual_series(comtrade, trade, series, sides=("china",))  # the overview's lines
    for code in countries.FIVE:  # each profile's first chart
        annual.annual_series(comtrade, trade, series, code, sides=("china",))


def _warm_up_tables_and_overlaps() -> None:
    """The template's half: every curated table, and the published, GACC 2024 and IMTS 2025 overlaps."""
    with contextlib.suppress(Exception):
        from tradeviz import data, paths

        package = json.loads(paths.datapackage_path().read_text(encoding="utf-8"))
        for res in package["resources"]:
            data.load_table(res["name"])
    with contextlib.suppress(Exception):
        from tradeviz import data
        from tradeviz.measures import published

        published.overlap_table(data.load_trade(), data.load_published())
    with contextlib.suppress(Exception):
        from tradeviz import data
        from tradeviz.measures import customs, imts

        series = data.load_published_series()
        customs.gacc_published_overlap(data.load_gacc_monthly(), data.load_published())  # the 2024 sections
        exports_2025 = data.load_imts_exports()  # and the 2025 sections
        imts.imts_published_overlap(exports_2025, series, data.load_stat_gov_kz())
        imts.imts_mirror(exports_2025, series)


def _warm_up_map_and_figure() -> None:
    import io

    with contextlib.suppress(Exception):
        from tradeviz.charts import map as region_map

        region_map.load_map_features(None)  # the overview's map: Natural Earth parsed once
    with contextlib.suppress(Exception):
        import matplotlib.style
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from tradeviz import paths

        with matplotlib.style.context(str(paths.MPLSTYLE)):
            fig = Figure(figsize=(4, 3))
            ax = fig.subplots()
            ax.plot([1992, 2025], [1.0, 2.0], label="warm-up")
            ax.set_title("warm-up")
            ax.legend()
            FigureCanvasAgg(fig).print_png(io.BytesIO())
