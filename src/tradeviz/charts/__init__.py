"""Charts in one house style: each function takes computed tables and returns a matplotlib Figure.

Nothing here loads data or computes metrics (``tradeviz.data`` / ``tradeviz.measures`` do that); the
functions only reshape what they are given and draw it.  Every chart carries a footnote ON the figure
stating its source, unit and whose reports it shows, built from a required :class:`Caption`::

    from tradeviz import charts
    cap = charts.Caption(source=charts.SOURCE_DOTS, unit=charts.UNIT_CURRENT, side=charts.SIDE_CHINA)
    fig = charts.trade_series(df, cap)      # df: year, partner, total (as measures.panels.partner_totals)

Using the charts in notebooks
-----------------------------
End the cell with the call (no trailing semicolon), or pass the figure to ``display``::

    charts.trade_series(df, cap)            # last expression of the cell: shown once, inline
    fig = charts.trade_series(df, cap)
    display(fig)                            # or explicitly

Each figure is created through pyplot (so Jupyter's inline backend is activated and knows how to
render Figures as PNG) and is closed again at once, so it is not left in pyplot's registry and is
not shown a second time when the cell ends.  Do NOT end the cell with ``charts.xxx(...);`` -- the
semicolon suppresses the output, and as the figure is closed nothing would be shown.  Never call
``plt.show()``.  The text/plain part of the output is matplotlib's stable
``<Figure size 800x450 with 1 Axes>`` (no memory address), which is what nbval compares.

House style
-----------
``tradeviz.mplstyle`` (``tradeviz.paths.MPLSTYLE``) is applied with ``matplotlib.style.context``
while a chart is built and while it is saved by :func:`save_figure` / :func:`fig_to_png_bytes`;
the global rcParams are never changed.  Colours come from the Okabe-Ito colour-blind-safe palette;
each country has a fixed colour (:data:`COUNTRY_COLORS`), as have China's and the partners'
reports (:data:`SIDE_COLORS`).  Money columns are US$ millions (as in IMF DOTS); axes are labelled
"$500 m" / "$1 bn" by :func:`format_usd`.  Time series switch to a log scale when the largest value
is more than :data:`LOG_THRESHOLD` (50) times the smallest, and then say "log scale" on the axis.

Saving is deterministic: :func:`save_figure` and :func:`fig_to_png_bytes` strip the software/date
metadata, fonts are DejaVu Sans (shipped with matplotlib) and ``svg.hashsalt`` is fixed, so the same
figure renders to the same bytes every time.  Each chart is drawn once inside the style before it
is returned and its constrained layout is then frozen (see :func:`settle_layout`), so drawing it
later outside the style (inline display, a plain ``fig.savefig``) looks the same and stays stable.
Verified in a real kernel (tests/test_charts.py::test_figures_display_inline_in_a_real_kernel):
last expression -> one ``image/png`` + ``text/plain`` output; ``display(fig)`` -> the same;
trailing ``;`` -> no output.

Layout
------
This package is the entry point of the charts: ``charts.trade_series``, ``charts.Caption``, ``charts.SOURCE_DOTS``
... are the public API (:data:`__all__`), one module per chart family behind it:

* :mod:`tradeviz.charts.style` -- captions, sources/units/sides, colours, the house-style decorator, figure set-up,
  deterministic saving and the helpers every chart module builds on (public: a new chart family uses them);
* :mod:`tradeviz.charts.series` -- trade over time, headline bars, growth multiples;
* :mod:`tradeviz.charts.comparison` -- shares and HHI, group comparisons, nominal against real, flows and balance;
* :mod:`tradeviz.charts.mirror` -- the mirror-statistics chart;  :mod:`tradeviz.charts.map` -- the region map;
* :mod:`tradeviz.charts.published` -- published figures beside DOTS; :mod:`tradeviz.charts.partners` -- partners;
* :mod:`tradeviz.charts.products` -- what is traded: shares by HS section, the largest products, both sides' chapters;
* :mod:`tradeviz.charts.customs` -- China's customs' 2024 monthly tables, in yuan;
* :mod:`tradeviz.charts.export` -- each chart's plotted data, alt text and the record that travels with its image.

Numbers on axes and labels are formatted by :mod:`tradeviz.text.numbers`, as in prose and tables.
"""

from __future__ import annotations

from tradeviz.charts.comparison import flows_balance, group_comparison, hhi_line, nominal_vs_real, share_area
from tradeviz.charts.customs import SOURCE_GACC, UNIT_YUAN, monthly_yuan
from tradeviz.charts.export import register_ipython
from tradeviz.charts.map import MAP_LABEL_POSITIONS, MapFeature, load_map_features, map_bordering_codes, region_map
from tradeviz.charts.mirror import mirror_gap, reported_flows
from tradeviz.charts.partners import SIDE_OWN, china_russia_shares, share_lines, top_partner_bars
from tradeviz.charts.products import chapter_sides, section_shares, top_products_bars
from tradeviz.charts.published import SOURCE_PUBLISHED_RECENT, sides_series, target_progress
from tradeviz.charts.series import headline_bars, multiples_bar, percent_factor, trade_series
from tradeviz.charts.style import (
    COUNTRY_COLORS,
    LOG_THRESHOLD,
    MAP_EXTENT,
    OKABE_ITO,
    SIDE_BOTH,
    SIDE_CHINA,
    SIDE_COLORS,
    SIDE_PARTNERS,
    SOURCE_COMTRADE,
    SOURCE_DOTS,
    SOURCE_DOTS_AND_PUBLISHED,
    SOURCE_NATURAL_EARTH,
    SOURCE_PUBLISHED,
    SOURCE_WITS,
    UNIT_CONSTANT_2020,
    UNIT_CURRENT,
    UNIT_NOMINAL_AND_REAL,
    Caption,
    CaptionError,
    country_color,
    country_label,
    fig_to_png_bytes,
    footnote,
    footnote_text,
    save_figure,
    save_png,
    usd_formatter,
    wants_log,
)

__all__ = [
    # captions: every chart needs one
    "Caption",
    "CaptionError",
    "footnote",
    "footnote_text",
    "SOURCE_DOTS",
    "SOURCE_PUBLISHED",
    "SOURCE_DOTS_AND_PUBLISHED",
    "SOURCE_PUBLISHED_RECENT",
    "SOURCE_NATURAL_EARTH",
    "SOURCE_COMTRADE",
    "SOURCE_WITS",
    "SOURCE_GACC",
    "UNIT_CURRENT",
    "UNIT_CONSTANT_2020",
    "UNIT_NOMINAL_AND_REAL",
    "UNIT_YUAN",
    "SIDE_CHINA",
    "SIDE_PARTNERS",
    "SIDE_BOTH",
    # colours and axes
    "COUNTRY_COLORS",
    "SIDE_COLORS",
    "OKABE_ITO",
    "country_color",
    "country_label",
    "usd_formatter",
    "percent_factor",
    "wants_log",
    "LOG_THRESHOLD",
    # saving
    "save_figure",
    "save_png",
    "fig_to_png_bytes",
    # chart families
    "trade_series",
    "headline_bars",
    "multiples_bar",
    "share_area",
    "hhi_line",
    "group_comparison",
    "nominal_vs_real",
    "flows_balance",
    "mirror_gap",
    "reported_flows",
    "sides_series",
    "target_progress",
    "china_russia_shares",
    "SIDE_OWN",
    "share_lines",
    "top_partner_bars",
    "section_shares",
    "top_products_bars",
    "chapter_sides",
    "monthly_yuan",
    "region_map",
    "load_map_features",
    "map_bordering_codes",
    "MapFeature",
    "MAP_EXTENT",
    "MAP_LABEL_POSITIONS",
]

register_ipython()  # in a Jupyter kernel, each chart's record travels with its image
