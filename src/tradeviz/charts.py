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
"""

from __future__ import annotations

import functools
import io
import json
import math
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import matplotlib.style as mstyle
import numpy as np
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib import patheffects
from matplotlib.cm import ScalarMappable
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter, NullLocator

from tradeviz import chart_export, countries, paths
from tradeviz.metrics import CIF_FOB_BAND

# --------------------------------------------------------------------------------------------
# Captions (source, unit, side): required by every chart
# --------------------------------------------------------------------------------------------

SOURCE_DOTS = "IMF Direction of Trade Statistics (via SamLeBlanc/Direction-of-Trade-Map)"
SOURCE_PUBLISHED = "published totals: RMOL 2022-01-26, press reports of China Customs"
SOURCE_DOTS_AND_PUBLISHED = f"{SOURCE_DOTS}; {SOURCE_PUBLISHED}"
SOURCE_NATURAL_EARTH = "Natural Earth 1:110m (public domain)"

UNIT_CURRENT = "current US$ (m = millions, bn = billions)"
UNIT_CONSTANT_2020 = "constant 2020 US$ (m = millions, bn = billions)"
UNIT_NOMINAL_AND_REAL = "current US$ and constant 2020 US$ (m = millions, bn = billions)"

SIDE_CHINA = "China's reports"
SIDE_PARTNERS = "partners' reports"
SIDE_BOTH = "China's and partners' reports"


class CaptionError(ValueError):
    """A chart was asked for without saying its source, unit and whose reports it shows."""


@dataclass(frozen=True)
class Caption:
    """What the footnote of a chart must say.

    ``source``: where the numbers come from (e.g. :data:`SOURCE_DOTS`);
    ``unit``: e.g. :data:`UNIT_CURRENT` ("current US$ ...") or :data:`UNIT_CONSTANT_2020`;
    ``side``: whose reports -- :data:`SIDE_CHINA`, :data:`SIDE_PARTNERS` or :data:`SIDE_BOTH`;
    ``note``: optional extra sentence (e.g. "2021: press figure, not DOTS").
    All three of source/unit/side are required and must be non-empty text.
    """

    source: str
    unit: str
    side: str
    note: str = ""

    def __post_init__(self) -> None:
        missing = [
            name for name in ("source", "unit", "side")
            if not isinstance(getattr(self, name), str) or not getattr(self, name).strip()
        ]
        if missing:
            raise CaptionError(
                f"Caption is missing {', '.join(missing)}: every chart must state its source "
                f"(e.g. {SOURCE_DOTS!r}), its unit (e.g. {UNIT_CURRENT!r}) and whose reports it "
                f"shows ({SIDE_CHINA!r}, {SIDE_PARTNERS!r} or {SIDE_BOTH!r})."
            )
        if not isinstance(self.note, str):
            raise CaptionError(f"Caption.note must be text, got {type(self.note).__name__}")

    def text(self) -> str:
        return footnote_text(self)


def _check_caption(caption: object) -> Caption:
    if isinstance(caption, Caption):
        return caption
    raise CaptionError(
        f"caption must be a tradeviz.charts.Caption(source=..., unit=..., side=...), got {caption!r}. "
        "No chart is drawn without its source, unit and side."
    )


def footnote_text(caption: Caption, prefix: str = "") -> str:
    """The one-paragraph footnote: ``[prefix] Source: … Unit: … <Side>. [note]``."""
    caption = _check_caption(caption)
    side = caption.side.strip()
    side = side[0].upper() + side[1:]
    parts = [prefix.strip(), f"Source: {caption.source.strip().rstrip('.')}.",
             f"Unit: {caption.unit.strip().rstrip('.')}.", f"{side.rstrip('.')}.", caption.note.strip()]
    return " ".join(p for p in parts if p)


# --------------------------------------------------------------------------------------------
# Colours
# --------------------------------------------------------------------------------------------

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
COUNTRY_COLORS: dict[str, str] = {
    "KAZ": OKABE_ITO["blue"],
    "KGZ": OKABE_ITO["vermillion"],
    "TJK": OKABE_ITO["bluish_green"],
    "TKM": OKABE_ITO["reddish_purple"],
    "UZB": OKABE_ITO["orange"],
    countries.GROUP: OKABE_ITO["black"],   # the five together
    countries.CHINA: "#D4D4D4",            # China on maps (context, light grey)
}
"""Fixed colour of each country (ISO3; ``CA5`` = the five together): the same in every chart."""
SIDE_COLORS: dict[str, str] = {"china": OKABE_ITO["sky_blue"], "partner": "#444444"}
"""Colour of China's reports vs the partners' reports (mirror statistics); also drawn solid vs dashed."""
SIDE_LINESTYLES: dict[str, str] = {"china": "-", "partner": "--"}
PERIOD_COLORS = ("#BBBBBB", "#555555", OKABE_ITO["sky_blue"], OKABE_ITO["yellow"])
"""Neutral colours for periods (before/after ...) so they never look like a country."""
BALANCE_COLOR = "#BDBDBD"
NEIGHBOUR_COLOR = "#F2F2F2"
WATER_COLOR = "#D9E8F3"

LOG_THRESHOLD = 50.0
"""Time series use a log axis when max/min of the positive values exceeds this."""

MAP_EXTENT = (45.0, 135.0, 15.0, 56.0)
"""lon_min, lon_max, lat_min, lat_max of :func:`region_map`."""


def country_color(code: str) -> str:
    """Fixed colour of an ISO3 code (or ``CA5``); unknown codes get a neutral grey."""
    return COUNTRY_COLORS.get(str(code).upper(), "#888888")


def country_label(code: str) -> str:
    try:
        return countries.name(str(code).upper())
    except (AttributeError, LookupError):
        return str(code)


def _country_order(codes: Iterable[str]) -> list[str]:
    """The five in their fixed order, then CA5, then anything else alphabetically."""
    fixed = [*countries.FIVE, countries.GROUP]
    codes = list(dict.fromkeys(str(c) for c in codes))
    return [c for c in fixed if c in codes] + sorted(c for c in codes if c not in fixed)


# --------------------------------------------------------------------------------------------
# Number formatting
# --------------------------------------------------------------------------------------------

def _trim(number: float, digits: int) -> str:
    text = f"{number:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_usd(value_millions: float, digits: int | None = None, *, sig: int | None = None) -> str:
    """Format a value given in US$ millions: ``500 -> "$500 m"``, ``1000 -> "$1 bn"``, ``38630 -> "$38.63 bn"``.

    ``digits`` fixes the decimals (``format_usd(38630, 1) -> "$38.6 bn"``); ``sig`` rounds to
    significant figures (``format_usd(460, sig=3) -> "$460 m"``, ``format_usd(21385, sig=3) -> "$21.4 bn"``).
    By default up to two decimals are kept and trailing zeros dropped, which suits round tick values.
    """
    value = float(value_millions)
    if not math.isfinite(value):
        return ""
    if value == 0:
        return "$0"
    sign = "\u2212" if value < 0 else ""
    size = abs(value)
    number, suffix = (size / 1000.0, " bn") if size >= 1000 else (size, " m")
    if sig is not None:
        decimals = max(0, sig - 1 - math.floor(math.log10(number)))
        text = _trim(round(number, decimals), decimals)
    elif digits is None:
        text = _trim(number, 2)
    else:
        text = f"{number:,.{digits}f}"
    return f"{sign}${text}{suffix}"


def usd_formatter(digits: int | None = None) -> FuncFormatter:
    """Tick formatter for axes whose data are US$ millions."""
    return FuncFormatter(lambda x, _pos: format_usd(x, digits))


def format_multiple(value: float) -> str:
    """``108.9 -> "×109"``, ``3.42 -> "×3.4"``."""
    value = float(value)
    return f"\u00d7{_trim(value, 0 if abs(value) >= 10 else 1)}"


def format_percent(value: float, digits: int = 1) -> str:
    return f"{float(value):.{digits}f}%".replace("-", "\u2212")


def wants_log(values: Iterable[float], log: bool | None = None, threshold: float = LOG_THRESHOLD) -> bool:
    """``log`` if given, else True when the positive finite values span more than ``threshold``×."""
    if log is not None:
        return bool(log)
    arr = np.asarray(pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce"), dtype=float)
    arr = arr[np.isfinite(arr) & (arr > 0)]
    if arr.size < 2:
        return False
    return float(arr.max() / arr.min()) > threshold


def _set_usd_axis(axis, values, log: bool) -> None:
    """US$-millions tick labels on ``axis`` (ax.yaxis / ax.xaxis), log or linear."""
    if log:
        arr = np.asarray(values, dtype=float)
        arr = arr[np.isfinite(arr) & (arr > 0)]
        decades = math.log10(arr.max() / arr.min()) if arr.size else 0
        subs = (1.0, 2.0, 5.0) if decades <= 3.2 else (1.0,)
        axis.set_major_locator(LogLocator(base=10, subs=subs, numticks=12))
        axis.set_minor_locator(NullLocator())
        axis.set_minor_formatter(NullFormatter())
    else:
        axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(usd_formatter())
    setattr(axis.axes, chart_export.UNIT_ATTR, "million US$")


def _scale_label(label: str, log: bool) -> str:
    return f"{label} (log scale)" if log else label


# --------------------------------------------------------------------------------------------
# Figure creation, footnote, saving
# --------------------------------------------------------------------------------------------

FOOTNOTE_FONTSIZE = 7.5
FOOTNOTE_GID = "tradeviz-footnote"


def _house_style(func):
    """Build the chart inside the house-style context (global rcParams untouched)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with mstyle.context(paths.MPLSTYLE):
            fig = func(*args, **kwargs)
            _settle_layout(fig)
        inputs = [*args, *kwargs.values()]
        caption = next(a for a in inputs if isinstance(a, Caption))
        chart_export.record(fig, caption, inputs, format_usd)
        chart_export.register_ipython()  # here, not only at import: a kernel may import tradeviz before IPython runs
        return fig

    return wrapper


def _settle_layout(fig: Figure) -> None:
    """Draw once inside the house style, then freeze the layout.

    Ticks (and their labels and grid lines) are created lazily at the first draw, from the rcParams
    current at that moment, so drawing here, inside the house style, keeps the style when the
    figure is drawn later outside it (Jupyter's inline display, a caller's savefig).  Freezing the
    constrained layout computed by that draw makes every later rendering byte-identical (further
    draws would only move it by sub-pixel amounts, at ~0.1 s each).  To edit a returned figure and
    re-run the layout: ``fig.set_layout_engine("constrained")``.
    """
    fig.draw_without_rendering()
    fig.set_layout_engine("none")


def _new_figure(caption: Caption, *, nrows: int = 1, ncols: int = 1, prefix: str = "",
                height_ratios=None, sharex: bool = False, figsize=None):
    """A closed (not registered with pyplot) figure with the footnote and room reserved for it."""
    caption = _check_caption(caption)
    fig = plt.figure(figsize=figsize)
    plt.close(fig)  # keep pyplot's registry clean; the Figure still renders and displays inline
    text = footnote_text(caption, prefix=prefix)
    width_pt = fig.get_figwidth() * 72
    chars = max(40, int(width_pt / (FOOTNOTE_FONTSIZE * 0.56)))
    lines = textwrap.wrap(text, width=chars, break_on_hyphens=False) or [""]
    line_h = FOOTNOTE_FONTSIZE * 1.3 / 72 / fig.get_figheight()
    pad = 6 / 72 / fig.get_figheight()
    bottom = pad + len(lines) * line_h + pad
    fig.text(0.012, pad, "\n".join(lines), ha="left", va="bottom", fontsize=FOOTNOTE_FONTSIZE,
             color="#555555", linespacing=1.3, gid=FOOTNOTE_GID)
    fig.set_layout_engine(ConstrainedLayoutEngine(rect=(0, bottom, 1, 1 - bottom), h_pad=0.04, w_pad=0.04))
    gridspec_kw = {"height_ratios": height_ratios} if height_ratios else None
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=sharex, gridspec_kw=gridspec_kw)
    return fig, axes.ravel().tolist()


def footnote(fig: Figure) -> str:
    """The footnote text drawn on ``fig`` ("" if it has none)."""
    for text in fig.texts:
        if text.get_gid() == FOOTNOTE_GID:
            return text.get_text().replace("\n", " ")
    return ""


_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


def save_figure(fig: Figure, path, *, dpi: float | None = None) -> Path:
    """Save ``fig`` to ``path`` (.png, .svg or .pdf) deterministically; returns the path."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in _METADATA:
        raise ValueError(f"save_figure: unsupported format {path.suffix!r}; use .png, .svg or .pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    with mstyle.context(paths.MPLSTYLE):
        fig.savefig(path, format=fmt, dpi=dpi or "figure", metadata=_METADATA[fmt])
    return path


save_png = save_figure


def fig_to_png_bytes(fig: Figure, *, dpi: float | None = None) -> bytes:
    """PNG bytes of ``fig``, without the "Software" metadata: identical for identical figures."""
    buf = io.BytesIO()
    with mstyle.context(paths.MPLSTYLE):
        fig.savefig(buf, format="png", dpi=dpi or "figure", metadata=_METADATA["png"])
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------

def _require_columns(df: pd.DataFrame, columns: Iterable[str], chart: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{chart}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{chart}: missing column(s) {missing}; got {list(df.columns)}")
    if df.empty:
        raise ValueError(f"{chart}: the table is empty")


def _require_unique(df: pd.DataFrame, keys: list[str], chart: str) -> None:
    dup = df.duplicated(subset=keys, keep=False)
    if dup.any():
        example = df.loc[dup, keys].drop_duplicates().head(3).to_dict("records")
        raise ValueError(f"{chart}: more than one row per {'/'.join(keys)}, e.g. {example}")


def _legend_outside(ax, handles=None, labels=None, title=None):
    kwargs = {"loc": "center left", "bbox_to_anchor": (1.01, 0.5), "title": title, "borderaxespad": 0.2}
    if handles is not None:
        return ax.legend(handles, labels if labels is not None else [h.get_label() for h in handles], **kwargs)
    return ax.legend(**kwargs)


def _usd_year_axes(ax, values, use_log: bool, ylabel: str) -> None:
    """Years along x, US$ along y (log scale if ``use_log``), both labelled."""
    if use_log:
        ax.set_yscale("log")
    _set_usd_axis(ax.yaxis, values, use_log)
    _year_axis(ax)
    ax.set_xlabel("Year")
    ax.set_ylabel(_scale_label(ylabel, use_log))


def _year_axis(ax) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))


def _wrap(text: str, width: int = 24) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


# --------------------------------------------------------------------------------------------
# 1. Time series of total trade
# --------------------------------------------------------------------------------------------

@_house_style
def trade_series(df: pd.DataFrame, caption: Caption, *, value_col: str = "value_usd_millions",
                 log: bool | None = None, published: pd.DataFrame | None = None,
                 published_label: str = "published totals (press, China Customs)",
                 title: str | None = None, ylabel: str = "Trade with China") -> Figure:
    """Annual trade per partner: one line per ``country`` (ISO3; ``CA5`` = the five together).

    ``df`` columns: ``year``, ``country``, ``value_usd_millions`` (or ``value_col``).
    ``published`` (optional) columns: ``year``, ``country``, ``value_usd_millions`` -- figures
    quoted in the press; drawn as separate hollow diamonds in the country's colour, never joined
    to the lines, with one legend entry ``published_label``.
    ``log``: True/False, or None to decide automatically (max/min > 50, all points considered).
    Axes: 1; lines: one per country; published points: one PathCollection.
    """
    caption = _check_caption(caption)
    _require_columns(df, ["year", "country", value_col], "trade_series")
    _require_unique(df, ["year", "country"], "trade_series")
    if published is not None:
        _require_columns(published, ["year", "country", value_col], "trade_series(published=...)")
    values = list(df[value_col]) + (list(published[value_col]) if published is not None else [])
    use_log = wants_log(values, log)
    fig, (ax,) = _new_figure(caption)
    for code in _country_order(df["country"].unique()):
        sub = df[df["country"].astype(str) == code].sort_values("year")
        is_group = code == countries.GROUP
        ax.plot(sub["year"], sub[value_col], color=country_color(code), label=country_label(code),
                linewidth=2.6 if is_group else 1.9, zorder=3 if is_group else 2)
    handles, labels = ax.get_legend_handles_labels()
    if published is not None and len(published):
        pub = published.sort_values(["country", "year"])
        ax.scatter(pub["year"], pub[value_col], marker="D", s=42, facecolors="white", zorder=5,
                   edgecolors=[country_color(c) for c in pub["country"].astype(str)], linewidths=1.6,
                   label=published_label)
        handles.append(Line2D([], [], linestyle="none", marker="D", markersize=6.5, markerfacecolor="white",
                              markeredgecolor="#333333", markeredgewidth=1.6))
        labels.append(published_label)
    _usd_year_axes(ax, values, use_log, ylabel)
    _legend_outside(ax, handles, [_wrap(label, 22) for label in labels])
    if title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# 2. Headline totals (first vs last year) with the multiple
# --------------------------------------------------------------------------------------------

@_house_style
def headline_bars(df: pd.DataFrame, caption: Caption, *, value_col: str = "value_usd_millions",
                  multiple: float | None = None, title: str | None = None,
                  ylabel: str = "Trade with China") -> Figure:
    """Two headline totals (e.g. 1992 vs 2021) as bars, with "×N" annotated between them.

    ``df`` columns: ``year``, ``value_usd_millions`` (or ``value_col``); optional ``label`` (a
    second tick line, e.g. the source "MOFCOM") and ``country`` (colour; default ``CA5``).
    Exactly two rows.  ``multiple``: the value to print (e.g. from ``tradeviz.metrics``); if None
    it is last/first.  Axes: 1; bars: 2.
    """
    caption = _check_caption(caption)
    _require_columns(df, ["year", value_col], "headline_bars")
    if len(df) != 2:
        raise ValueError(f"headline_bars: expected exactly 2 rows (first and last year), got {len(df)}")
    rows = df.sort_values("year").reset_index(drop=True)
    v0, v1 = float(rows.loc[0, value_col]), float(rows.loc[1, value_col])
    y0, y1 = int(rows.loc[0, "year"]), int(rows.loc[1, "year"])
    if multiple is None:
        multiple = v1 / v0
    code = str(rows.loc[0, "country"]) if "country" in rows else countries.GROUP
    fig, (ax,) = _new_figure(caption)
    ticks = [f"{int(y)}" + (f"\n{lab}" if "label" in rows and isinstance(lab, str) and lab else "")
             for y, lab in zip(rows["year"], rows["label"] if "label" in rows else [None, None])]
    ax.bar([0, 1], [v0, v1], width=0.55, color=country_color(code), zorder=2)
    for x, v in zip([0, 1], [v0, v1]):
        ax.annotate(format_usd(v, sig=3), (x, v), xytext=(0, 4), textcoords="offset points",
                    ha="center", va="bottom", fontsize=11, fontweight="bold")
    ax.set_xticks([0, 1], ticks)
    ax.set_xlim(-0.6, 1.6)
    top = max(v0, v1)
    ax.set_ylim(0, top * 1.15 if top > 0 else 1)
    # arrow from above the first bar's label to the side of the second bar, the multiple beside it
    ax.annotate("", xy=(0.68, v1 * 0.55), xytext=(0.08, v0 + top * 0.1),
                arrowprops={"arrowstyle": "-|>", "color": "#555555", "lw": 1.6, "shrinkA": 0, "shrinkB": 2,
                            "connectionstyle": "arc3,rad=-0.3"}, zorder=3)
    ax.text(0.22, top * 0.6, f"{format_multiple(multiple)}\nin {y1 - y0} years", ha="center", va="center",
            fontsize=15, fontweight="bold", color="#222222")
    ax.grid(axis="x", visible=False)
    _set_usd_axis(ax.yaxis, [v0, v1], False)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# 3. Multiples / CAGR per country
# --------------------------------------------------------------------------------------------

def _value_kind(value_col: str, kind: str | None) -> str:
    if kind is not None:
        if kind not in ("multiple", "percent"):
            raise ValueError("kind must be 'multiple' or 'percent'")
        return kind
    col = value_col.lower()
    return "percent" if ("cagr" in col or "pct" in col or "percent" in col or "share" in col) else "multiple"


def percent_factor(column: str) -> float:
    """Columns named ``*pct*`` / ``*percent*`` hold percentages; others (``cagr``, ``share``) fractions.

    Fractions (the convention of ``tradeviz.metrics``: ``cagr`` 0.157 = 15.7 %/yr, ``share`` 0.4)
    are multiplied by 100 for display; the rule goes by the name, never by the size of the values.
    """
    name = column.lower()
    return 1.0 if ("pct" in name or "percent" in name) else 100.0


def _format_value(value: float, kind: str) -> str:
    return format_multiple(value) if kind == "multiple" else format_percent(value)


BORDER_HATCH = "///"
BORDER_LABEL = "shares a land border with China"


@_house_style
def multiples_bar(df: pd.DataFrame, caption: Caption, *, value_col: str = "multiple",
                  bordering_col: str = "borders_china", kind: str | None = None, log: bool | None = None,
                  title: str | None = None, xlabel: str | None = None) -> Figure:
    """Each country's growth multiple (or CAGR), sorted, one horizontal bar per country in its colour.

    ``df`` columns: ``country`` (ISO3), ``multiple`` (or e.g. ``cagr_pct``: set ``value_col``);
    optional ``borders_china`` (bool): bordering countries get a hatch and a legend entry.
    ``kind``: "multiple" (labels "×N", log axis from ×1 when values span > 50×) or "percent"
    (labels "N%", linear); None guesses from the column name (``cagr``/``pct``/``share`` -> percent).
    Percent columns named ``*pct*`` hold percentages, others (``cagr`` from tradeviz.metrics)
    fractions, shown ×100 (:func:`percent_factor`).  Axes: 1; bars: one per row.
    """
    caption = _check_caption(caption)
    _require_columns(df, ["country", value_col], "multiples_bar")
    _require_unique(df, ["country"], "multiples_bar")
    kind = _value_kind(value_col, kind)
    rows = df.sort_values(value_col, ascending=True).reset_index(drop=True)   # largest at the top
    use_log = kind == "multiple" and wants_log(rows[value_col], log)
    fig, (ax,) = _new_figure(caption)
    codes = rows["country"].astype(str).tolist()
    vals = rows[value_col].astype(float).to_numpy()
    if kind == "percent":
        vals = vals * percent_factor(value_col)
    has_border = bordering_col in rows
    hatches = [BORDER_HATCH if has_border and bool(b) else "" for b in
               (rows[bordering_col] if has_border else [False] * len(rows))]
    left = 1.0 if use_log else 0.0
    bars = ax.barh(range(len(rows)), vals - left, left=left, height=0.65,
                   color=[country_color(c) for c in codes], edgecolor="#333333", linewidth=0.6, zorder=2)
    for bar, hatch in zip(bars, hatches):
        bar.set_hatch(hatch)
    if use_log:
        ax.set_xscale("log")
        ax.set_xlim(left=1.0, right=float(np.nanmax(vals)) * 3)
    else:
        lo, hi = min(0.0, float(np.nanmin(vals))), max(0.0, float(np.nanmax(vals)))
        span = hi - lo or 1.0
        ax.set_xlim(lo - (0.12 * span if lo < 0 else 0), hi + 0.15 * span)
    for i, v in enumerate(vals):
        ax.annotate(_format_value(v, kind), (v, i), xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                    ha="left" if v >= 0 else "right", va="center", fontsize=9, fontweight="bold")
    ax.set_yticks(range(len(rows)), [country_label(c) for c in codes])
    ax.grid(axis="y", visible=False)
    if kind == "multiple":
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: format_multiple(x)))
        if use_log:
            ax.xaxis.set_minor_formatter(NullFormatter())
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: format_percent(x, 0)))
        ax.axvline(0, color="#555555", linewidth=0.8)
    default = "Growth multiple (last year ÷ first year)" if kind == "multiple" else "Average annual growth (CAGR, %)"
    ax.set_xlabel(_scale_label(xlabel or default, use_log))
    if has_border:
        handles = [Patch(facecolor="white", edgecolor="#333333", hatch=BORDER_HATCH, label=BORDER_LABEL),
                   Patch(facecolor="white", edgecolor="#333333", label="no land border with China")]
        ax.legend(handles=handles, loc="lower right", frameon=True, framealpha=0.95, edgecolor="#DDDDDD")
    if title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# 4. Shares and concentration (HHI)
# --------------------------------------------------------------------------------------------

def _hhi_label(values) -> str:
    arr = np.asarray(values, dtype=float)
    return "HHI (0–1)" if np.nanmax(arr) <= 1.0 else "HHI (0–10,000)"


def _draw_hhi(ax, hhi: pd.DataFrame, hhi_col: str) -> None:
    rows = hhi.sort_values("year")
    ax.plot(rows["year"], rows[hhi_col], color=country_color(countries.GROUP), linewidth=2.0,
            label="HHI (concentration of the five's trade)")
    ax.set_ylabel(_hhi_label(rows[hhi_col]))
    top = float(np.nanmax(rows[hhi_col].astype(float)))
    ax.set_ylim(0, top * 1.15 if top > 0 else 1)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: _trim(x, 2)))
    _year_axis(ax)


@_house_style
def share_area(df: pd.DataFrame, caption: Caption, *, share_col: str = "share_pct",
               hhi: pd.DataFrame | None = None, hhi_col: str = "hhi", title: str | None = None) -> Figure:
    """Each country's share of the five's trade with China over time (stacked areas).

    ``df`` columns: ``year``, ``country`` (ISO3), ``share_pct`` (0–100; a missing country-year is
    drawn as 0).  A ``share_col`` without "pct" in its name (e.g. metrics' ``share``) holds
    fractions 0–1 and is shown ×100.  ``hhi`` (optional) columns: ``year``, ``hhi`` (0–1 or 0–10,000): drawn as a
    line in a second panel below, sharing the year axis.
    Axes: 1 (2 with ``hhi``); one filled area (PolyCollection) per country.
    """
    caption = _check_caption(caption)
    _require_columns(df, ["year", "country", share_col], "share_area")
    _require_unique(df, ["year", "country"], "share_area")
    if hhi is not None:
        _require_columns(hhi, ["year", hhi_col], "share_area(hhi=...)")
    wide = df.pivot_table(index="year", columns="country", values=share_col, aggfunc="sum").sort_index()
    order = _country_order(wide.columns)
    wide = wide[order].fillna(0.0) * percent_factor(share_col)
    if hhi is not None:
        fig, (ax, ax_hhi) = _new_figure(caption, nrows=2, height_ratios=[3, 1.25], sharex=True)
    else:
        fig, (ax,) = _new_figure(caption)
        ax_hhi = None
    ax.stackplot(wide.index.to_numpy(), *[wide[c].to_numpy() for c in order],
                 colors=[country_color(c) for c in order], labels=[country_label(c) for c in order],
                 edgecolor="white", linewidth=0.4)
    top = float(wide.sum(axis=1).max())
    ax.set_ylim(0, 100.0 if top <= 100.5 else top)  # rounding in the shares must not show as 100.0000001
    ax.set_xlim(wide.index.min(), wide.index.max())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"{x:.0f}%"))
    ax.set_ylabel("Share of the five (%)")
    ax.grid(False)
    handles, labels = ax.get_legend_handles_labels()
    _legend_outside(ax, handles[::-1], labels[::-1])
    _year_axis(ax)
    if ax_hhi is not None:
        _draw_hhi(ax_hhi, hhi, hhi_col)
        ax_hhi.set_xlabel("Year")
        ax_hhi.legend(loc="upper right", fontsize=8)
        ax.tick_params(labelbottom=False)
    else:
        ax.set_xlabel("Year")
    if title:
        ax.set_title(title)
    shares = wide.rename(columns=country_label).stack().rename("value").reset_index()
    shares = shares.set_axis(["x", "series", "value"], axis=1).assign(panel=ax.get_ylabel(), unit="% of the five")
    parts = [shares[["panel", "series", "x", "value", "unit"]]]
    if ax_hhi is not None:
        parts.append(chart_export.plotted_data_of_axes(ax_hhi))
    setattr(fig, chart_export.DATA_ATTR, pd.concat(parts, ignore_index=True))
    fig._tradeviz_kind = "Stacked area chart"  # type: ignore[attr-defined]
    return fig


@_house_style
def hhi_line(df: pd.DataFrame, caption: Caption, *, hhi_col: str = "hhi", title: str | None = None) -> Figure:
    """Concentration of the five's trade with China (Herfindahl-Hirschman index) over time.

    ``df`` columns: ``year``, ``hhi`` (0–1 or 0–10,000; the axis label says which).  Axes: 1; lines: 1.
    """
    caption = _check_caption(caption)
    _require_columns(df, ["year", hhi_col], "hhi_line")
    _require_unique(df, ["year"], "hhi_line")
    fig, (ax,) = _new_figure(caption)
    _draw_hhi(ax, df, hhi_col)
    ax.set_xlabel("Year")
    if title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# 5. Bordering vs non-bordering, before vs after
# --------------------------------------------------------------------------------------------

@_house_style
def group_comparison(df: pd.DataFrame, caption: Caption, *, value_col: str = "cagr_pct",
                     group_col: str = "group", period_col: str = "period", kind: str | None = None,
                     title: str | None = None, ylabel: str | None = None) -> Figure:
    """Grouped bars: one group per ``group`` (e.g. "bordering" / "non-bordering"), one bar per ``period``.

    ``df`` columns: ``group``, ``period`` (e.g. "before BRI document" / "after"), ``cagr_pct`` (or
    ``value_col``; a column without "pct" in its name, e.g. ``cagr``, holds fractions, shown ×100),
    one row per group × period; order of first appearance is kept.
    Axes: 1; bars: groups × periods.
    """
    caption = _check_caption(caption)
    _require_columns(df, [group_col, period_col, value_col], "group_comparison")
    _require_unique(df, [group_col, period_col], "group_comparison")
    kind = _value_kind(value_col, kind)
    groups = list(dict.fromkeys(df[group_col].astype(str)))
    periods = list(dict.fromkeys(df[period_col].astype(str)))
    if len(periods) > len(PERIOD_COLORS):
        raise ValueError(f"group_comparison: at most {len(PERIOD_COLORS)} periods, got {len(periods)}")
    table = df.assign(**{group_col: df[group_col].astype(str), period_col: df[period_col].astype(str)})
    table = table.set_index([group_col, period_col])[value_col]
    fig, (ax,) = _new_figure(caption)
    width = 0.8 / len(periods)
    vals_all = []
    for j, period in enumerate(periods):
        xs = np.arange(len(groups)) + (j - (len(periods) - 1) / 2) * width
        vals = np.array([float(table.get((g, period), np.nan)) for g in groups])
        if kind == "percent":
            vals = vals * percent_factor(value_col)
        vals_all.extend(vals)
        ax.bar(xs, np.nan_to_num(vals), width=width * 0.92, color=PERIOD_COLORS[j], label=period,
               edgecolor="#333333", linewidth=0.6, zorder=2)
        for x, v in zip(xs, vals):
            if np.isfinite(v):
                ax.annotate(_format_value(v, kind), (x, v), xytext=(0, 3 if v >= 0 else -3),
                            textcoords="offset points", ha="center", va="bottom" if v >= 0 else "top",
                            fontsize=9, fontweight="bold")
    finite = [v for v in vals_all if np.isfinite(v)]
    lo, hi = min([0.0, *finite]), max([0.0, *finite])
    span = (hi - lo) or 1.0
    ax.set_ylim(lo - (0.1 * span if lo < 0 else 0), hi + 0.15 * span)
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.set_xticks(range(len(groups)), groups)
    ax.grid(axis="x", visible=False)
    if kind == "percent":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: format_percent(x, 0)))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: format_multiple(x)))
    ax.set_ylabel(ylabel or ("Average annual growth (CAGR, %)" if kind == "percent" else "Growth multiple"))
    _legend_outside(ax, title=None)
    if title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# 6. Nominal vs real
# --------------------------------------------------------------------------------------------

@_house_style
def nominal_vs_real(df: pd.DataFrame, caption: Caption, *, nominal_col: str = "nominal_usd_millions",
                    real_col: str = "real_usd_millions", base_year: int = 2020, country: str = countries.GROUP,
                    log: bool | None = None, title: str | None = None,
                    ylabel: str = "Trade with China") -> Figure:
    """Nominal (current US$) and real (constant ``base_year`` US$) trade as two lines.

    ``df`` columns: ``year``, ``nominal_usd_millions``, ``real_usd_millions``.  ``country`` only picks
    the colour (default ``CA5``).  Axes: 1; lines: 2 (+ a dotted vertical line at ``base_year``
    when it lies in the data, where the two series meet).
    """
    caption = _check_caption(caption)
    _require_columns(df, ["year", nominal_col, real_col], "nominal_vs_real")
    _require_unique(df, ["year"], "nominal_vs_real")
    rows = df.sort_values("year")
    values = list(rows[nominal_col]) + list(rows[real_col])
    use_log = wants_log(values, log)
    fig, (ax,) = _new_figure(caption)
    color = country_color(country)
    ax.plot(rows["year"], rows[nominal_col], color=color, linewidth=1.6, label="nominal (current US$)")
    ax.plot(rows["year"], rows[real_col], color=color, linewidth=2.2, linestyle="--",
            label=f"real (constant {base_year} US$)")
    if rows["year"].min() <= base_year <= rows["year"].max():
        ax.axvline(base_year, color="#999999", linewidth=0.9, linestyle=":", zorder=1)
        ax.annotate(f"{base_year}: base year", (base_year, 0.02), xycoords=("data", "axes fraction"),
                    xytext=(-4, 0), textcoords="offset points", ha="right", va="bottom", fontsize=8,
                    color="#666666")
    _usd_year_axes(ax, values, use_log, ylabel)
    ax.legend(loc="upper left")
    if title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# 7. Exports, imports and balance for one partner
# --------------------------------------------------------------------------------------------

@_house_style
def flows_balance(df: pd.DataFrame, caption: Caption, *, country: str,
                  exports_col: str = "exports_usd_millions", imports_col: str = "imports_usd_millions",
                  balance_col: str = "balance_usd_millions", title: str | None = None) -> Figure:
    """China's exports to and imports from one partner (lines) and the balance (bars), linear scale.

    ``df`` columns: ``year``, ``exports_usd_millions`` (China → partner), ``imports_usd_millions``
    (partner → China); optional ``balance_usd_millions`` (else exports − imports).
    ``country``: ISO3 of the partner (colour and labels).  Axes: 1; lines: 2; bars: one per year.
    """
    caption = _check_caption(caption)
    _require_columns(df, ["year", exports_col, imports_col], "flows_balance")
    _require_unique(df, ["year"], "flows_balance")
    rows = df.sort_values("year")
    balance = rows[balance_col] if balance_col in rows else rows[exports_col] - rows[imports_col]
    name = country_label(country)
    color = country_color(country)
    fig, (ax,) = _new_figure(caption)
    ax.bar(rows["year"], balance, width=0.7, color=BALANCE_COLOR, zorder=1,
           label="balance (China's exports − imports)")
    ax.plot(rows["year"], rows[exports_col], color=color, linewidth=2.2, marker="o", markersize=3.5,
            zorder=3, label=f"China's exports to {name}")
    ax.plot(rows["year"], rows[imports_col], color=color, linewidth=2.0, linestyle="--", marker="s",
            markersize=3.5, zorder=3, label=f"China's imports from {name}")
    ax.axhline(0, color="#555555", linewidth=0.8, zorder=2)
    _set_usd_axis(ax.yaxis, list(rows[exports_col]) + list(rows[imports_col]) + list(balance), False)
    _year_axis(ax)
    ax.set_xlabel("Year")
    ax.set_ylabel(f"Trade with {name}")
    handles, labels = ax.get_legend_handles_labels()
    _legend_outside(ax, handles, [_wrap(label, 22) for label in labels])
    ax.set_title(title or f"China–{name}: exports, imports and balance")
    return fig


# --------------------------------------------------------------------------------------------
# 8. Mirror statistics
# --------------------------------------------------------------------------------------------

@_house_style
def mirror_gap(df: pd.DataFrame, caption: Caption, *, china_col: str = "china_exports_usd_millions",
               partner_col: str = "partner_imports_usd_millions", ratio_col: str = "ratio",
               show_levels: bool | None = None, band: tuple[float, float] = CIF_FOB_BAND,
               estimate_col: str = "partner_is_estimate", log: bool | None = None,
               title: str | None = None, ylabel: str = "Partner's imports ÷\nChina's exports") -> Figure:
    """Mirror statistics: partner's reported imports (CIF) ÷ China's reported exports (FOB) over time.

    ``df`` columns: ``year``, ``country`` (ISO3) and either ``ratio`` or both
    ``china_exports_usd_millions`` (China's report) and ``partner_imports_usd_millions`` (the
    partner's report of the same flow); the ratio is then partner ÷ China.  The band
    ``band`` (1.0–1.1) is shaded: the importer's figure should be about the exporter's × 1.0–1.1
    because imports are valued CIF (incl. freight and insurance) and exports FOB.
    ``show_levels`` (default: True when there is one country and the level columns are present)
    adds a top panel with both reported series (China: sky blue solid; partner: grey dashed).
    Optional ``partner_is_estimate`` (bool, e.g. DOTS ``imf_estimate_flag`` of the partner's figure):
    such years are drawn as hollow markers ("IMF estimate") -- DOTS fills missing partner reports
    from China's figure, which puts the ratio at exactly 1.1 and looks like agreement.
    ``log`` applies to the ratio axis (None: automatic); the levels panel decides on its own.
    ``ylabel`` names the ratio (e.g. "China's imports ÷ partner's exports" for the reverse flow).
    Axes: 1 (2 with levels); ratio lines: one per country.
    """
    caption = _check_caption(caption)
    has_levels = china_col in df.columns and partner_col in df.columns
    _require_columns(df, ["year", "country"] + ([] if ratio_col in df.columns else [china_col, partner_col]),
                     "mirror_gap")
    _require_unique(df, ["year", "country"], "mirror_gap")
    data = df.copy()
    data["country"] = data["country"].astype(str)
    if ratio_col not in data:
        data[ratio_col] = data[partner_col] / data[china_col].where(data[china_col] != 0)
    codes = _country_order(data["country"].unique())
    if show_levels is None:
        show_levels = has_levels and len(codes) == 1
    if show_levels and not has_levels:
        raise ValueError(f"mirror_gap: show_levels needs columns {china_col!r} and {partner_col!r}")
    use_log = wants_log(list(data[ratio_col]) + list(band), log)
    if show_levels:
        fig, (ax_lv, ax) = _new_figure(caption, nrows=2, height_ratios=[1.2, 1], sharex=True)
    else:
        fig, (ax,) = _new_figure(caption)
        ax_lv = None
    band_label = (f"CIF/FOB band: importer's figure ≈ exporter's × {_trim(band[0], 2)}–{_trim(band[1], 2)} "
                  "(freight and insurance)")
    ax.axhspan(band[0], band[1], color=OKABE_ITO["sky_blue"], alpha=0.25, linewidth=0, zorder=1,
               label=band_label)
    ax.axhline(1.0, color="#777777", linewidth=0.9, linestyle=":", zorder=1)
    for code in codes:
        sub = data[data["country"] == code].sort_values("year")
        ax.plot(sub["year"], sub[ratio_col], color=country_color(code), linewidth=2.0, marker="o",
                markersize=3, zorder=3, label=country_label(code))
    if use_log:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=12))
        ax.yaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"{x:.3g}"))
    ax.set_ylabel(_scale_label(ylabel, use_log))
    ax.set_xlabel("Year")
    _year_axis(ax)
    handles, labels = ax.get_legend_handles_labels()
    if estimate_col in data and data[estimate_col].fillna(False).astype(bool).any():
        est = data[data[estimate_col].fillna(False).astype(bool)]
        ax.scatter(est["year"], est[ratio_col], marker="o", s=30, facecolors="white", linewidths=1.4,
                   edgecolors=[country_color(c) for c in est["country"]], zorder=4)
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=5.5, markerfacecolor="white",
                              markeredgecolor="#333333", markeredgewidth=1.4))
        labels.append("IMF estimate (partner did not report)")
    band_first = [i for i, h in enumerate(handles) if isinstance(h, Patch)]
    order = [i for i in range(len(handles)) if i not in band_first] + band_first  # countries, band last
    _legend_outside(ax, [handles[i] for i in order], [_wrap(labels[i], 30) for i in order])
    if ax_lv is not None:
        code = codes[0]
        sub = data[data["country"] == code].sort_values("year")
        lv_values = list(sub[china_col]) + list(sub[partner_col])
        lv_log = wants_log(lv_values)
        ax_lv.plot(sub["year"], sub[china_col], color=SIDE_COLORS["china"], linestyle=SIDE_LINESTYLES["china"],
                   linewidth=2.2, label=f"China's exports to {country_label(code)} (China's report, FOB)")
        ax_lv.plot(sub["year"], sub[partner_col], color=SIDE_COLORS["partner"],
                   linestyle=SIDE_LINESTYLES["partner"], linewidth=2.0,
                   label=f"{country_label(code)}'s imports from China ({country_label(code)}'s report, CIF)")
        if lv_log:
            ax_lv.set_yscale("log")
        _set_usd_axis(ax_lv.yaxis, lv_values, lv_log)
        ax_lv.set_ylabel(_scale_label("Reported value", lv_log))
        h, lab = ax_lv.get_legend_handles_labels()
        _legend_outside(ax_lv, h, [_wrap(x, 30) for x in lab])
        ax_lv.tick_params(labelbottom=False)
        ax_lv.set_title(title or f"Mirror statistics: China–{country_label(code)}")
    elif title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# 9. Map (plain matplotlib patches from Natural Earth GeoJSON)
# --------------------------------------------------------------------------------------------

def default_geojson_path() -> Path:
    return paths.raw_dir() / "naturalearth-110m" / "ne_110m_admin_0_countries.json"


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def _ring_centroid(ring: np.ndarray) -> tuple[float, float]:
    x, y = ring[:, 0], ring[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    if abs(area) < 1e-12:
        return float(x.mean()), float(y.mean())
    return (float(((x + np.roll(x, -1)) * cross).sum() / (6 * area)),
            float(((y + np.roll(y, -1)) * cross).sum() / (6 * area)))


@dataclass(frozen=True)
class MapFeature:
    """One country of the GeoJSON: ISO3 code, name, polygons as (exterior, *holes) arrays of lon/lat."""

    code: str
    name: str
    polygons: tuple[tuple[np.ndarray, ...], ...]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        pts = np.concatenate([ring for poly in self.polygons for ring in poly])
        return float(pts[:, 0].min()), float(pts[:, 0].max()), float(pts[:, 1].min()), float(pts[:, 1].max())

    def path(self) -> MplPath:
        """One compound path: exteriors counter-clockwise, holes clockwise (filled correctly by either rule)."""
        verts, codes = [], []
        for poly in self.polygons:
            for k, ring in enumerate(poly):
                ring = ring[:-1] if len(ring) > 1 and np.array_equal(ring[0], ring[-1]) else ring
                if len(ring) < 3:
                    continue
                ccw = _signed_area(ring) > 0
                if (k == 0) != ccw:       # exterior must be CCW, holes CW
                    ring = ring[::-1]
                verts.extend(ring.tolist())
                verts.append(ring[0].tolist())
                codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 1) + [MplPath.CLOSEPOLY])
        return MplPath(np.asarray(verts, dtype=float), codes)

    def label_point(self) -> tuple[float, float]:
        """Centroid of the largest exterior ring."""
        exteriors = [poly[0] for poly in self.polygons if len(poly[0]) >= 3]
        biggest = max(exteriors, key=lambda r: abs(_signed_area(r)))
        return _ring_centroid(biggest)


def _feature_code(props: Mapping) -> str:
    iso = str(props.get("ISO_A3") or "")
    return iso if len(iso) == 3 and iso.isalpha() else str(props.get("ADM0_A3") or iso)


@lru_cache(maxsize=4)
def load_map_features(geojson_path: str | None = None) -> tuple[MapFeature, ...]:
    """Parse a Natural Earth admin-0 GeoJSON once (cached per path) into :class:`MapFeature` s."""
    path = Path(geojson_path) if geojson_path else default_geojson_path()
    data = json.loads(path.read_text(encoding="utf-8"))
    features = []
    for feat in data.get("features", []):
        geom = feat.get("geometry") or {}
        props = feat.get("properties") or {}
        if geom.get("type") == "Polygon":
            raw = [geom["coordinates"]]
        elif geom.get("type") == "MultiPolygon":
            raw = geom["coordinates"]
        else:
            continue
        polys = tuple(tuple(np.asarray(ring, dtype=float)[:, :2] for ring in poly if len(ring) >= 3)
                      for poly in raw if poly)
        polys = tuple(p for p in polys if p)
        if polys:
            features.append(MapFeature(_feature_code(props), str(props.get("NAME") or ""), polys))
    return tuple(features)


# Label anchors (lon, lat); None = centroid of the largest ring.  A label placed outside its
# country gets a thin leader line to the centroid (small countries are labelled in the margin).
MAP_LABEL_POSITIONS: dict[str, tuple[float, float] | None] = {
    "KAZ": (68.0, 48.3), "UZB": (63.4, 41.6), "TKM": (54.5, 33.6), "KGZ": (84.5, 38.3), "TJK": (70.5, 33.2),
    countries.CHINA: (101.0, 35.0),
}
BORDER_LINEWIDTH = 2.4


def _values_by_code(values) -> dict[str, float]:
    if isinstance(values, pd.DataFrame):
        col = next((c for c in ("value_usd_millions", "value") if c in values.columns), None)
        if "country" not in values.columns or col is None:
            raise ValueError("region_map: a DataFrame of values needs columns 'country' and 'value_usd_millions'")
        values = dict(zip(values["country"].astype(str), values[col]))
    elif isinstance(values, pd.Series):
        values = values.to_dict()
    elif not isinstance(values, Mapping):
        raise TypeError("region_map: values must be a mapping ISO3 -> US$ millions, a Series or a DataFrame")
    return {str(k).upper(): float(v) for k, v in values.items() if v is not None and np.isfinite(float(v))}


@_house_style
def region_map(values, caption: Caption, *, year: int, bordering: Iterable[str],
               geojson_path: str | Path | None = None, cmap: str = "cividis", log: bool | None = None,
               title: str | None = None) -> Figure:
    """China and the five on a map; each of the five shaded by its trade with China in ``year``.

    ``values``: ISO3 -> trade in US$ millions (dict or Series), or a DataFrame with ``country``,
    ``value_usd_millions``.  ``bordering``: ISO3 codes sharing a land border with China (from the
    Factbook table) -- thick black outline and a legend entry.  ``caption`` describes the trade
    figures; the footnote adds "Map: Natural Earth 1:110m (public domain)".
    Countries come from ``geojson_path`` (default: ``data/raw/naturalearth-110m``), parsed once
    and drawn as PathPatches (gid = ISO3); neighbours in light grey for context; extent
    :data:`MAP_EXTENT`; aspect 1/cos(35.5°) so that a degree of longitude and of latitude have
    their true length ratio in mid-map.  Axes: 2 (map and colorbar).
    """
    caption = _check_caption(caption)
    vals = _values_by_code(values)
    border_set = {str(c).upper() for c in bordering}
    features = load_map_features(str(geojson_path) if geojson_path else None)
    by_code = {f.code: f for f in features}
    focus = [c for c in countries.FIVE]
    absent = [c for c in [countries.CHINA, *focus] if c not in by_code]
    if absent:
        raise ValueError(f"region_map: {absent} not found in the GeoJSON ({geojson_path or default_geojson_path()})")
    shown = {c: v for c, v in vals.items() if c in focus}
    lon0, lon1, lat0, lat1 = MAP_EXTENT
    fig, (ax,) = _new_figure(caption, prefix=f"Map: {SOURCE_NATURAL_EARTH}. Trade:")

    positive = [v for v in shown.values() if v > 0]
    use_log = wants_log(positive, log) and len(positive) >= 2
    bn = {c: v / 1000.0 for c, v in shown.items()}
    if use_log:
        norm = mcolors.LogNorm(vmin=min(v for v in bn.values() if v > 0), vmax=max(bn.values()))
    else:
        norm = mcolors.Normalize(vmin=0.0, vmax=max(bn.values()) if bn else 1.0)
    colormap = plt.get_cmap(cmap)

    ax.set_facecolor(WATER_COLOR)
    for feat in features:
        x0, x1, y0, y1 = feat.bbox
        if x1 < lon0 - 5 or x0 > lon1 + 5 or y1 < lat0 - 5 or y0 > lat1 + 5:
            continue
        if feat.code in focus:
            continue
        is_china = feat.code == countries.CHINA
        ax.add_patch(PathPatch(feat.path(), facecolor=country_color(feat.code) if is_china else NEIGHBOUR_COLOR,
                               edgecolor="white" if not is_china else "#9E9E9E",
                               linewidth=0.6 if not is_china else 0.9, zorder=2 if is_china else 1,
                               gid=feat.code))
    ordered = sorted(focus, key=lambda c: c in border_set)  # bordering last: outlines on top
    casing = [patheffects.Stroke(linewidth=BORDER_LINEWIDTH + 2.2, foreground="white"), patheffects.Normal()]
    for code in ordered:
        feat = by_code[code]
        v = bn.get(code)
        if v is None:
            face, hatch = "white", "xx"
        else:
            face, hatch = colormap(norm(v)), None
        is_border = code in border_set
        # bordering: black outline with a white casing, visible on dark and light fills alike
        ax.add_patch(PathPatch(feat.path(), facecolor=face, hatch=hatch,
                               edgecolor="black" if is_border else "white",
                               linewidth=BORDER_LINEWIDTH if is_border else 0.8,
                               zorder=4 if is_border else 3, gid=code,
                               path_effects=casing if is_border else None))
    halo = [patheffects.withStroke(linewidth=2.8, foreground="white")]
    for code in [*focus, countries.CHINA]:
        feat = by_code[code]
        anchor = feat.label_point()
        x, y = MAP_LABEL_POSITIONS.get(code) or anchor
        if code == countries.CHINA:
            ax.text(x, y, "CHINA", ha="center", va="center", fontsize=11, color="#6E6E6E",
                    fontweight="bold", zorder=6)
            continue
        v = vals.get(code)
        text = country_label(code) + ("\nno data" if v is None else f"\n{format_usd(v, sig=3)}")
        outside = not feat.path().contains_point((x, y))
        ax.annotate(text, xy=anchor, xytext=(x, y), ha="center", va="center", fontsize=8.5,
                    fontweight="bold", color="#111111", zorder=6, path_effects=halo, linespacing=1.1,
                    arrowprops={"arrowstyle": "-", "color": "#333333", "lw": 0.8, "shrinkA": 3, "shrinkB": 0}
                    if outside else None, annotation_clip=False)
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(1.0 / math.cos(math.radians((lat0 + lat1) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#BBBBBB")
    sm = ScalarMappable(norm=norm, cmap=colormap)
    cbar = fig.colorbar(sm, ax=ax, shrink=0.85, pad=0.02, aspect=25)
    cbar.set_label(f"Trade with China, {year} (US$ billions" + (", log scale)" if use_log else ")"))
    cbar.ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: _trim(x, 1)))
    cbar.outline.set_visible(False)
    handles = [Patch(facecolor="none", edgecolor="black", linewidth=BORDER_LINEWIDTH, label=BORDER_LABEL)]
    if any(c not in bn for c in focus):
        handles.append(Patch(facecolor="white", edgecolor="#777777", hatch="xx", label="no data"))
    ax.legend(handles=handles, loc="lower right", frameon=True, framealpha=0.95, edgecolor="#CCCCCC")
    ax.set_title(title or f"China's trade with the five Central Asian states, {year}")
    shaded = pd.DataFrame([(f"trade with China, {year}", country_label(code), year, v, "million US$")
                           for code, v in vals.items() if code in focus], columns=["panel", "series", "x", "value", "unit"])
    setattr(fig, chart_export.DATA_ATTR, shaded)
    fig._tradeviz_kind = "Map"  # type: ignore[attr-defined]
    return fig


def map_bordering_codes(fig: Figure) -> list[str]:
    """ISO3 codes drawn with the thick 'shares a land border' outline on a :func:`region_map` figure."""
    ax = fig.axes[0]
    return sorted(p.get_gid() for p in ax.patches
                  if p.get_gid() and math.isclose(p.get_linewidth(), BORDER_LINEWIDTH))


__all__ = [
    "Caption", "CaptionError", "footnote_text", "footnote",
    "SOURCE_DOTS", "SOURCE_PUBLISHED", "SOURCE_DOTS_AND_PUBLISHED", "SOURCE_NATURAL_EARTH",
    "UNIT_CURRENT", "UNIT_CONSTANT_2020", "UNIT_NOMINAL_AND_REAL", "SIDE_CHINA", "SIDE_PARTNERS", "SIDE_BOTH",
    "COUNTRY_COLORS", "SIDE_COLORS", "OKABE_ITO", "country_color", "country_label",
    "format_usd", "usd_formatter", "format_multiple", "format_percent", "percent_factor", "wants_log", "LOG_THRESHOLD",
    "save_figure", "save_png", "fig_to_png_bytes",
    "trade_series", "headline_bars", "multiples_bar", "share_area", "hhi_line", "group_comparison",
    "nominal_vs_real", "flows_balance", "mirror_gap", "region_map", "load_map_features",
    "map_bordering_codes", "MAP_EXTENT",
]


chart_export.register_ipython()  # in a Jupyter kernel, each chart's record travels with its image
