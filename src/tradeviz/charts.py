"""Charts in one house style: each function takes computed tables and returns a matplotlib Figure.

Nothing here loads data or computes metrics (``tradeviz.data`` / ``tradeviz.metrics`` do that); the
functions only reshape what they are given and draw it.  Every chart carries a footnote ON the figure
stating its source, unit and whose reports it shows, built from a required :class:`Caption`::

    from tradeviz import charts
    cap = charts.Caption(source=charts.SOURCE_DOTS, unit=charts.UNIT_CURRENT, side=charts.SIDE_CHINA)
    fig = charts.trade_series(df, cap)      # df: year, country, value_usd_millions

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
is returned and its constrained layout is then frozen (see :func:`_settle_layout`), so drawing it
later outside the style (inline display, a plain ``fig.savefig``) looks the same and stays stable.
Verified in a real kernel (tests/test_charts.py::test_figures_display_inline_in_a_real_kernel):
last expression -> one ``image/png`` + ``text/plain`` output; ``display(fig)`` -> the same;
trailing ``;`` -> no output.

Layout
------
This module is the single entry point: it re-exports every name of the modules the charts live in, so
``charts.trade_series``, ``charts.Caption``, ``charts.SOURCE_DOTS`` ... keep working.

* :mod:`tradeviz.charts_style` -- captions, sources/units/sides, colours, number formatting, the house-style
  decorator, figure set-up, deterministic saving and the helpers every chart module shares;
* :mod:`tradeviz.charts_series` -- trade over time, headline bars, multiples, shares and HHI, group comparisons,
  nominal against real, flows and balance;
* :mod:`tradeviz.charts_mirror` -- the mirror-statistics chart;
* :mod:`tradeviz.charts_map` -- the region map.

:mod:`tradeviz.charts_published` and :mod:`tradeviz.charts_partners` build on them.
"""

from __future__ import annotations

from tradeviz import chart_export
from tradeviz.charts_map import (  # noqa: F401  (re-exported: tradeviz.charts is the entry point)
    BORDER_LINEWIDTH,
    MAP_LABEL_POSITIONS,
    MapFeature,
    _feature_code,
    _ring_centroid,
    _signed_area,
    _values_by_code,
    default_geojson_path,
    load_map_features,
    map_bordering_codes,
    region_map,
)
from tradeviz.charts_mirror import (  # noqa: F401  (re-exported: tradeviz.charts is the entry point)
    mirror_gap,
)
from tradeviz.charts_series import (  # noqa: F401  (re-exported: tradeviz.charts is the entry point)
    BORDER_HATCH,
    BORDER_LABEL,
    _draw_hhi,
    _format_value,
    _hhi_label,
    _value_kind,
    flows_balance,
    group_comparison,
    headline_bars,
    hhi_line,
    multiples_bar,
    nominal_vs_real,
    percent_factor,
    share_area,
    trade_series,
)
from tradeviz.charts_style import (  # noqa: F401  (re-exported: tradeviz.charts is the entry point)
    _METADATA,
    BALANCE_COLOR,
    COUNTRY_COLORS,
    FOOTNOTE_FONTSIZE,
    FOOTNOTE_GID,
    LOG_THRESHOLD,
    MAP_EXTENT,
    NEIGHBOUR_COLOR,
    OKABE_ITO,
    PERIOD_COLORS,
    SIDE_BOTH,
    SIDE_CHINA,
    SIDE_COLORS,
    SIDE_LINESTYLES,
    SIDE_PARTNERS,
    SOURCE_DOTS,
    SOURCE_DOTS_AND_PUBLISHED,
    SOURCE_NATURAL_EARTH,
    SOURCE_PUBLISHED,
    UNIT_CONSTANT_2020,
    UNIT_CURRENT,
    UNIT_NOMINAL_AND_REAL,
    WATER_COLOR,
    Caption,
    CaptionError,
    _check_caption,
    _country_order,
    _house_style,
    _legend_outside,
    _new_figure,
    _require_columns,
    _require_unique,
    _scale_label,
    _set_usd_axis,
    _settle_layout,
    _trim,
    _usd_year_axes,
    _wrap,
    _year_axis,
    country_color,
    country_label,
    fig_to_png_bytes,
    footnote,
    footnote_text,
    format_multiple,
    format_percent,
    format_usd,
    save_figure,
    save_png,
    usd_formatter,
    wants_log,
)

__all__ = [
    "Caption",
    "CaptionError",
    "footnote_text",
    "footnote",
    "SOURCE_DOTS",
    "SOURCE_PUBLISHED",
    "SOURCE_DOTS_AND_PUBLISHED",
    "SOURCE_NATURAL_EARTH",
    "UNIT_CURRENT",
    "UNIT_CONSTANT_2020",
    "UNIT_NOMINAL_AND_REAL",
    "SIDE_CHINA",
    "SIDE_PARTNERS",
    "SIDE_BOTH",
    "COUNTRY_COLORS",
    "SIDE_COLORS",
    "OKABE_ITO",
    "country_color",
    "country_label",
    "format_usd",
    "usd_formatter",
    "format_multiple",
    "format_percent",
    "percent_factor",
    "wants_log",
    "LOG_THRESHOLD",
    "save_figure",
    "save_png",
    "fig_to_png_bytes",
    "trade_series",
    "headline_bars",
    "multiples_bar",
    "share_area",
    "hhi_line",
    "group_comparison",
    "nominal_vs_real",
    "flows_balance",
    "mirror_gap",
    "region_map",
    "load_map_features",
    "map_bordering_codes",
    "MAP_EXTENT",
]


chart_export.register_ipython()  # in a Jupyter kernel, each chart's record travels with its image
