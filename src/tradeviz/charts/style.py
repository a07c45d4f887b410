"""House style shared by every chart: sources, units and sides for captions (:class:`Caption`), colours, US$ axes
(numbers are formatted by :mod:`tradeviz.text.numbers`), the house-style decorator and figure set-up
(:func:`house_style`, :func:`new_figure`, :func:`check_caption`), deterministic saving (:func:`save_figure`,
:func:`fig_to_png_bytes`) and the input checks every chart module uses.

This is the public API a chart family builds on (see CONTRIBUTING.md); notebooks reach the charts through
:mod:`tradeviz.charts`.
"""

from __future__ import annotations

import functools
import io
import math
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any, Literal, ParamSpec

import matplotlib as mpl
import matplotlib.pyplot as plt
import matplotlib.style as mstyle
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine, LayoutEngine
from matplotlib.legend import Legend
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter, NullLocator
from numpy.typing import ArrayLike

from tradeviz import countries, paths
from tradeviz.charts import export as chart_export
from tradeviz.text.numbers import format_usd

# --------------------------------------------------------------------------------------------
# Captions (source, unit, side): required by every chart
# --------------------------------------------------------------------------------------------

SOURCE_DOTS = "IMF Direction of Trade Statistics (via SamLeBlanc/Direction-of-Trade-Map)"
SOURCE_PUBLISHED = "published totals: RMOL 2022-01-26, press reports of China Customs"
SOURCE_DOTS_AND_PUBLISHED = f"{SOURCE_DOTS}; {SOURCE_PUBLISHED}"
SOURCE_NATURAL_EARTH = "Natural Earth 1:110m (public domain)"
SOURCE_COMTRADE = "UN Comtrade (via github.com/omirbeknikar-ship-it/dissertation-final @ 1078ec9)"
SOURCE_WITS = "World Bank WITS, UN Comtrade data (via github.com/AkshatSharma03/KazPaper-data-analysis @ ffe5d91)"

UNIT_CURRENT = "current US$ (m = millions, bn = billions)"
UNIT_CONSTANT_2020 = "constant 2020 US$ (m = millions, bn = billions)"
UNIT_NOMINAL_AND_REAL = "current US$ and constant 2020 US$ (m = millions, bn = billions)"

SIDE_CHINA = countries.SIDE_REPORTS["china"]
SIDE_PARTNERS = countries.SIDE_REPORTS["partner"]
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
            name
            for name in ("source", "unit", "side")
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


def check_caption(caption: object) -> Caption:
    if isinstance(caption, Caption):
        return caption
    raise CaptionError(
        f"caption must be a tradeviz.charts.Caption(source=..., unit=..., side=...), got {caption!r}. "
        "No chart is drawn without its source, unit and side."
    )


def footnote_text(caption: Caption, prefix: str = "") -> str:
    """The one-paragraph footnote: ``[prefix] Source: … Unit: … <Side>. [note]``."""
    caption = check_caption(caption)
    side = caption.side.strip()
    side = side[0].upper() + side[1:]
    parts = [
        prefix.strip(),
        f"Source: {caption.source.strip().rstrip('.')}.",
        f"Unit: {caption.unit.strip().rstrip('.')}.",
        f"{side.rstrip('.')}.",
        caption.note.strip(),
    ]
    return " ".join(p for p in parts if p)


# --------------------------------------------------------------------------------------------
# Colours
# --------------------------------------------------------------------------------------------

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
COUNTRY_COLORS: dict[str, str] = {
    "KAZ": OKABE_ITO["blue"],
    "KGZ": OKABE_ITO["vermillion"],
    "TJK": OKABE_ITO["bluish_green"],
    "TKM": OKABE_ITO["reddish_purple"],
    "UZB": OKABE_ITO["orange"],
    countries.GROUP: OKABE_ITO["black"],  # the five together
    countries.CHINA: "#D4D4D4",  # China on maps (context, light grey)
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


def country_order(codes: Iterable[str]) -> list[str]:
    """The five in their fixed order, then CA5, then anything else alphabetically."""
    fixed = [*countries.FIVE, countries.GROUP]
    codes = list(dict.fromkeys(str(c) for c in codes))
    return [c for c in fixed if c in codes] + sorted(c for c in codes if c not in fixed)


def usd_formatter(digits: int | None = None) -> FuncFormatter:
    """Tick formatter for axes whose data are US$ millions."""
    return FuncFormatter(lambda x, _pos: format_usd(x, digits))


def wants_log(values: Iterable[float], log: bool | None = None, threshold: float = LOG_THRESHOLD) -> bool:
    """``log`` if given, else True when the positive finite values span more than ``threshold``×."""
    if log is not None:
        return bool(log)
    arr = np.asarray(pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce"), dtype=float)
    arr = arr[np.isfinite(arr) & (arr > 0)]
    if arr.size < 2:
        return False
    return float(arr.max() / arr.min()) > threshold


def set_usd_axis(axis: Axis, values: ArrayLike, log: bool) -> None:
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


def scale_label(label: str, log: bool) -> str:
    return f"{label} (log scale)" if log else label


# --------------------------------------------------------------------------------------------
# Figure creation, footnote, saving
# --------------------------------------------------------------------------------------------

FOOTNOTE_FONTSIZE = 7.5
FOOTNOTE_GID = "tradeviz-footnote"


_P = ParamSpec("_P")


def house_style(func: Callable[_P, Figure]) -> Callable[_P, Figure]:
    """Build the chart inside the house-style context (global rcParams untouched)."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> Figure:
        with mstyle.context(paths.MPLSTYLE):
            fig = func(*args, **kwargs)
            settle_layout(fig)
        inputs = [*args, *kwargs.values()]
        caption = next(a for a in inputs if isinstance(a, Caption))
        chart_export.record(fig, caption, inputs, format_usd)
        chart_export.register_ipython()  # here, not only at import: a kernel may import tradeviz before IPython runs
        return fig

    return wrapper


def settle_layout(fig: Figure) -> None:
    """Lay the figure out once inside the house style, then freeze the layout.

    Ticks (and their labels and grid lines) are created lazily, at the first draw or layout, from
    the rcParams current at that moment, so laying out here, inside the house style, keeps the style
    when the figure is drawn later outside it (Jupyter's inline display, a caller's savefig).
    Freezing the constrained layout makes every later rendering byte-identical (further layouts
    would only move it by sub-pixel amounts, at ~0.1 s each).  A constrained layout is computed
    directly (it measures every artist, creating the ticks): the one draw of the figure is then its
    rendering, not a second, invisible draw here.  To edit a returned figure and re-run the layout:
    ``fig.set_layout_engine("constrained")``.
    """
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.execute(fig)
    else:
        fig.draw_without_rendering()
    # No layout engine at all (not the "none" placeholder): with one, every savefig and inline display first
    # draws the figure invisibly "to make sure the layout works" (a third of the cost of a display, for nothing).
    setattr(fig, _SETTLED_ATTR, True)
    fig.set_layout_engine(None)


_SETTLED_ATTR = "_tradeviz_settled"


class SettledFigure(Figure):
    """A chart's figure: once its layout is settled (:func:`settle_layout`), it has no layout engine, for good.

    ``savefig`` switches a figure's layout engine off while it prints and then restores it; restoring "no
    engine" reads ``figure.constrained_layout.use`` from the rcParams of that moment, so a settled figure saved
    inside the house style (or under a user's constrained-layout default) would be laid out again at its next
    save, and move.  Its repr is a plain Figure's (the text/plain output the stored notebooks compare).
    """

    def set_layout_engine(
        self,
        layout: Literal["constrained", "compressed", "tight", "none"] | LayoutEngine | None = None,
        **kwargs: Any,
    ) -> None:
        if layout is None and not kwargs and getattr(self, _SETTLED_ATTR, False):
            with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
                return super().set_layout_engine(None)
        return super().set_layout_engine(layout, **kwargs)

    def __repr__(self) -> str:
        return super().__repr__().replace(f"<{type(self).__name__} ", "<Figure ", 1)


def new_figure(
    caption: Caption,
    *,
    nrows: int = 1,
    ncols: int = 1,
    prefix: str = "",
    height_ratios: Sequence[float] | None = None,
    sharex: bool = False,
    figsize: tuple[float, float] | None = None,
) -> tuple[Figure, list[Axes]]:
    """A closed (not registered with pyplot) figure with the footnote and room reserved for it."""
    caption = check_caption(caption)
    fig = plt.figure(figsize=figsize, FigureClass=SettledFigure)
    plt.close(fig)  # keep pyplot's registry clean; the Figure still renders and displays inline
    text = footnote_text(caption, prefix=prefix)
    width_pt = fig.get_figwidth() * 72
    chars = max(40, int(width_pt / (FOOTNOTE_FONTSIZE * 0.56)))
    lines = textwrap.wrap(text, width=chars, break_on_hyphens=False) or [""]
    line_h = FOOTNOTE_FONTSIZE * 1.3 / 72 / fig.get_figheight()
    pad = 6 / 72 / fig.get_figheight()
    bottom = pad + len(lines) * line_h + pad
    fig.text(
        0.012,
        pad,
        "\n".join(lines),
        ha="left",
        va="bottom",
        fontsize=FOOTNOTE_FONTSIZE,
        color="#555555",
        linespacing=1.3,
        gid=FOOTNOTE_GID,
    )
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


PNG_COMPRESS_LEVEL = 3
"""zlib level of every PNG (saved files and the notebooks' inline images, whose ``%config`` line repeats it): on
the reports' charts about a third quicker to encode than Pillow's default 6, and smaller (benchmarks/bench_costs.py)."""

_SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "png": {"metadata": {"Software": None}, "pil_kwargs": {"compress_level": PNG_COMPRESS_LEVEL}},
    "svg": {"metadata": {"Date": None, "Creator": None}},
    "pdf": {"metadata": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}},
}
"""savefig options per format: no dates or software versions in the file, so equal figures save to equal bytes."""


def save_figure(fig: Figure, path: str | PathLike[str], *, dpi: float | None = None) -> Path:
    """Save ``fig`` to ``path`` (.png, .svg or .pdf) deterministically; returns the path."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in _SAVE_OPTIONS:
        raise ValueError(f"save_figure: unsupported format {path.suffix!r}; use .png, .svg or .pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    with mstyle.context(paths.MPLSTYLE):
        fig.savefig(path, format=fmt, dpi=dpi or "figure", **_SAVE_OPTIONS[fmt])
    return path


save_png = save_figure


def fig_to_png_bytes(fig: Figure, *, dpi: float | None = None) -> bytes:
    """PNG bytes of ``fig``, without the "Software" metadata: identical for identical figures."""
    buf = io.BytesIO()
    with mstyle.context(paths.MPLSTYLE):
        fig.savefig(buf, format="png", dpi=dpi or "figure", **_SAVE_OPTIONS["png"])
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------


def require_columns(df: pd.DataFrame, columns: Iterable[str], chart: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{chart}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{chart}: missing column(s) {missing}; got {list(df.columns)}")
    if df.empty:
        raise ValueError(f"{chart}: the table is empty")


def require_unique(df: pd.DataFrame, keys: list[str], chart: str) -> None:
    dup = df.duplicated(subset=keys, keep=False)
    if dup.any():
        example = df.loc[dup, keys].drop_duplicates().head(3).to_dict("records")
        raise ValueError(f"{chart}: more than one row per {'/'.join(keys)}, e.g. {example}")


def legend_outside(
    ax: Axes, handles: Sequence[Artist] | None = None, labels: Sequence[str] | None = None, title: str | None = None
) -> Legend:
    if handles is not None:
        names = labels if labels is not None else [str(h.get_label()) for h in handles]
        return ax.legend(handles, names, loc="center left", bbox_to_anchor=(1.01, 0.5), title=title, borderaxespad=0.2)
    return ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), title=title, borderaxespad=0.2)


def usd_year_axes(ax: Axes, values: ArrayLike, use_log: bool, ylabel: str) -> None:
    """Years along x, US$ along y (log scale if ``use_log``), both labelled."""
    if use_log:
        ax.set_yscale("log")
    set_usd_axis(ax.yaxis, values, use_log)
    year_axis(ax)
    ax.set_xlabel("Year")
    ax.set_ylabel(scale_label(ylabel, use_log))


def year_axis(ax: Axes) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))


def wrap(text: str, width: int = 24) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text
