"""Charts of series: trade over time, headline bars, growth multiples."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, NullFormatter

from tradeviz import countries
from tradeviz.charts.style import (
    Caption,
    check_caption,
    country_color,
    country_label,
    country_order,
    house_style,
    legend_outside,
    new_figure,
    require_columns,
    require_unique,
    scale_label,
    set_usd_axis,
    usd_year_axes,
    wants_log,
    wrap,
)
from tradeviz.text.numbers import format_usd, multiple_tick, percent_tick, times

# --------------------------------------------------------------------------------------------
# 1. Time series of total trade
# --------------------------------------------------------------------------------------------


@house_style
def trade_series(
    df: pd.DataFrame,
    caption: Caption,
    *,
    value_col: str = "total",
    log: bool | None = None,
    published: pd.DataFrame | None = None,
    published_value_col: str = "value_usd_millions",
    published_label: str = "published totals (press, China Customs)",
    series_col: str | None = None,
    title: str | None = None,
    ylabel: str = "Trade with China",
) -> Figure:
    """Annual trade per partner: one line per ``partner`` (ISO3; ``CA5`` = the five together).

    ``df`` columns, as :func:`tradeviz.measures.panels.partner_totals` / ``total_trade`` return them:
    ``year``, ``partner``, ``total`` (US$ millions; or ``value_col``).
    ``published`` (optional) columns, as the published series: ``year``, ``partner``, ``value_usd_millions``
    (or ``published_value_col``) -- figures quoted in the press; drawn as separate hollow diamonds in the
    partner's colour, never joined to the lines, with one legend entry ``published_label``.
    ``series_col`` (optional): the statistical series of each row (as :func:`tradeviz.measures.annual.annual_series`
    chooses it): each stretch of one series is its own line, never joined to the next; a stretch after a
    partner's first series is dashed and named in the legend ("Kazakhstan, UN Comtrade").
    ``log``: True/False, or None to decide automatically (max/min > 50, all points considered).
    Axes: 1; lines: one per country (and per later series); published points: one PathCollection.
    """
    caption = check_caption(caption)
    require_columns(df, ["year", "partner", value_col], "trade_series")
    require_unique(df, ["year", "partner"], "trade_series")
    if published is not None:
        require_columns(published, ["year", "partner", published_value_col], "trade_series(published=...)")
    values = list(df[value_col]) + (list(published[published_value_col]) if published is not None else [])
    use_log = wants_log(values, log)
    fig, (ax,) = new_figure(caption)
    for code in country_order(df["partner"].unique()):
        sub = df[df["partner"].astype(str) == code].sort_values("year").reset_index(drop=True)
        is_group = code == countries.GROUP
        runs: list[tuple[str | None, pd.Index]] = [(None, sub.index)]
        if series_col is not None:
            change = sub[series_col].ne(sub[series_col].shift()).cumsum()
            runs = [(str(sub.loc[idx[0], series_col]), idx) for _, idx in sub.groupby(change).groups.items()]
        for i, (series, idx) in enumerate(runs):
            ax.plot(
                sub.loc[idx, "year"],
                sub.loc[idx, value_col],
                color=country_color(code),
                label=country_label(code) if i == 0 else f"{country_label(code)}, {series}",
                linewidth=2.6 if is_group else 1.9,
                linestyle="-" if i == 0 else (0, (4, 1.5)),
                zorder=3 if is_group else 2,
            )
    handles, labels = ax.get_legend_handles_labels()
    if published is not None and len(published):
        pub = published.sort_values(["partner", "year"])
        ax.scatter(
            pub["year"],
            pub[published_value_col],
            marker="D",
            s=42,
            facecolors="white",
            zorder=5,
            edgecolors=[country_color(c) for c in pub["partner"].astype(str)],
            linewidths=1.6,
            label=published_label,
        )
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="D",
                markersize=6.5,
                markerfacecolor="white",
                markeredgecolor="#333333",
                markeredgewidth=1.6,
            )
        )
        labels.append(published_label)
    usd_year_axes(ax, values, use_log, ylabel)
    legend_outside(ax, handles, [wrap(label, 22) for label in labels])
    if title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# 2. Headline totals (first vs last year) with the multiple
# --------------------------------------------------------------------------------------------


@house_style
def headline_bars(
    df: pd.DataFrame,
    caption: Caption,
    *,
    value_col: str = "value_usd_millions",
    multiple: float | None = None,
    title: str | None = None,
    ylabel: str = "Trade with China",
) -> Figure:
    """Two headline totals (e.g. 1992 vs 2021) as bars, with "×N" annotated between them.

    ``df`` columns, as :func:`tradeviz.measures.growth.published_usd` returns them: ``year``,
    ``value_usd_millions`` (or ``value_col``); optional ``label`` (a second tick line, e.g. the source
    "MOFCOM") and ``partner`` (colour; default ``CA5``).
    Exactly two rows.  ``multiple``: the value to print (e.g. from ``tradeviz.measures.growth``); if None
    it is last/first.  Axes: 1; bars: 2.
    """
    caption = check_caption(caption)
    require_columns(df, ["year", value_col], "headline_bars")
    if len(df) != 2:
        raise ValueError(f"headline_bars: expected exactly 2 rows (first and last year), got {len(df)}")
    rows = df.sort_values("year").reset_index(drop=True)
    v0, v1 = float(rows.loc[0, value_col]), float(rows.loc[1, value_col])
    y0, y1 = int(rows.loc[0, "year"]), int(rows.loc[1, "year"])
    if multiple is None:
        multiple = v1 / v0
    code = str(rows.loc[0, "partner"]) if "partner" in rows else countries.GROUP
    fig, (ax,) = new_figure(caption)
    ticks = [
        f"{int(y)}" + (f"\n{lab}" if "label" in rows and isinstance(lab, str) and lab else "")
        for y, lab in zip(rows["year"], rows["label"] if "label" in rows else [None, None], strict=False)
    ]
    ax.bar([0, 1], [v0, v1], width=0.55, color=country_color(code), zorder=2)
    for x, v in zip([0, 1], [v0, v1], strict=False):
        ax.annotate(
            format_usd(v, sig=3),
            (x, v),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=11,
            fontweight="bold",
        )
    ax.set_xticks([0, 1], ticks)
    ax.set_xlim(-0.6, 1.6)
    top = max(v0, v1)
    ax.set_ylim(0, top * 1.15 if top > 0 else 1)
    # arrow from above the first bar's label to the side of the second bar, the multiple beside it
    ax.annotate(
        "",
        xy=(0.68, v1 * 0.55),
        xytext=(0.08, v0 + top * 0.1),
        arrowprops={
            "arrowstyle": "-|>",
            "color": "#555555",
            "lw": 1.6,
            "shrinkA": 0,
            "shrinkB": 2,
            "connectionstyle": "arc3,rad=-0.3",
        },
        zorder=3,
    )
    ax.text(
        0.22,
        top * 0.6,
        f"{times(multiple)}\nin {y1 - y0} years",
        ha="center",
        va="center",
        fontsize=15,
        fontweight="bold",
        color="#222222",
    )
    ax.grid(axis="x", visible=False)
    set_usd_axis(ax.yaxis, [v0, v1], False)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# 3. Multiples / CAGR per country
# --------------------------------------------------------------------------------------------


def value_kind(value_col: str, kind: str | None) -> str:
    if kind is not None:
        if kind not in ("multiple", "percent"):
            raise ValueError("kind must be 'multiple' or 'percent'")
        return kind
    col = value_col.lower()
    return "percent" if ("cagr" in col or "pct" in col or "percent" in col or "share" in col) else "multiple"


def percent_factor(column: str) -> float:
    """Columns named ``*pct*`` / ``*percent*`` hold percentages; others (``cagr``, ``share``) fractions.

    Fractions (the convention of ``tradeviz.measures``: ``cagr`` 0.157 = 15.7 %/yr, ``share`` 0.4)
    are multiplied by 100 for display; the rule goes by the name, never by the size of the values.
    """
    name = column.lower()
    return 1.0 if ("pct" in name or "percent" in name) else 100.0


def format_value(value: float, kind: str) -> str:
    """A bar's label, for a value as plotted: a multiple ("×108.9") or a value already in percent units ("15.7%")."""
    return times(value) if kind == "multiple" else percent_tick(value, 1)


BORDER_HATCH = "///"
BORDER_LABEL = "shares a land border with China"


@house_style
def multiples_bar(
    df: pd.DataFrame,
    caption: Caption,
    *,
    value_col: str = "multiple",
    bordering_col: str = "borders_china",
    kind: str | None = None,
    log: bool | None = None,
    title: str | None = None,
    xlabel: str | None = None,
) -> Figure:
    """Each partner's growth multiple (or CAGR), sorted, one horizontal bar per partner in its colour.

    ``df`` columns, as :func:`tradeviz.measures.growth.growth_between` returns them: ``partner`` (ISO3),
    ``multiple`` (or e.g. ``cagr``: set ``value_col``); optional ``borders_china`` (bool, from the borders
    table): bordering partners get a hatch and a legend entry.
    ``kind``: "multiple" (labels "×N", log axis from ×1 when values span > 50×) or "percent"
    (labels "N%", linear); None guesses from the column name (``cagr``/``pct``/``share`` -> percent).
    Percent columns named ``*pct*`` hold percentages, others (``cagr`` from tradeviz.measures)
    fractions, shown ×100 (:func:`percent_factor`).  Axes: 1; bars: one per row.
    """
    caption = check_caption(caption)
    require_columns(df, ["partner", value_col], "multiples_bar")
    require_unique(df, ["partner"], "multiples_bar")
    kind = value_kind(value_col, kind)
    rows = df.sort_values(value_col, ascending=True).reset_index(drop=True)  # largest at the top
    use_log = kind == "multiple" and wants_log(rows[value_col], log)
    fig, (ax,) = new_figure(caption)
    codes = rows["partner"].astype(str).tolist()
    vals = rows[value_col].astype(float).to_numpy()
    if kind == "percent":
        vals = vals * percent_factor(value_col)
    has_border = bordering_col in rows
    hatches = [
        BORDER_HATCH if has_border and bool(b) else ""
        for b in (rows[bordering_col] if has_border else [False] * len(rows))
    ]
    left = 1.0 if use_log else 0.0
    bars = ax.barh(
        range(len(rows)),
        vals - left,
        left=left,
        height=0.65,
        color=[country_color(c) for c in codes],
        edgecolor="#333333",
        linewidth=0.6,
        zorder=2,
    )
    for bar, hatch in zip(bars, hatches, strict=False):
        bar.set_hatch(hatch)
    if use_log:
        ax.set_xscale("log")
        ax.set_xlim(left=1.0, right=float(np.nanmax(vals)) * 3)
    else:
        lo, hi = min(0.0, float(np.nanmin(vals))), max(0.0, float(np.nanmax(vals)))
        span = hi - lo or 1.0
        ax.set_xlim(lo - (0.12 * span if lo < 0 else 0), hi + 0.15 * span)
    for i, v in enumerate(vals):
        ax.annotate(
            format_value(v, kind),
            (v, i),
            xytext=(4 if v >= 0 else -4, 0),
            textcoords="offset points",
            ha="left" if v >= 0 else "right",
            va="center",
            fontsize=9,
            fontweight="bold",
        )
    ax.set_yticks(range(len(rows)), [country_label(c) for c in codes])
    ax.grid(axis="y", visible=False)
    if kind == "multiple":
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: multiple_tick(x)))
        if use_log:
            ax.xaxis.set_minor_formatter(NullFormatter())
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: percent_tick(x)))
        ax.axvline(0, color="#555555", linewidth=0.8)
    default = "Growth multiple (last year ÷ first year)" if kind == "multiple" else "Average annual growth (CAGR, %)"
    ax.set_xlabel(scale_label(xlabel or default, use_log))
    if has_border:
        handles = [
            Patch(facecolor="white", edgecolor="#333333", hatch=BORDER_HATCH, label=BORDER_LABEL),
            Patch(facecolor="white", edgecolor="#333333", label="no land border with China"),
        ]
        ax.legend(handles=handles, loc="lower right", frameon=True, framealpha=0.95, edgecolor="#DDDDDD")
    if title:
        ax.set_title(title)
    return fig
