"""Charts of the published 2019–2025 figures beside the IMF DOTS series, in the house style of :mod:`tradeviz.charts`.

Published values are never drawn as if they were DOTS: DOTS are lines, published figures are markers
(filled diamonds for China's customs, hollow squares for the partner's own statistics), and a dotted rule
marks where the DOTS coverage ends.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.typing import LineStyleType

from tradeviz import countries
from tradeviz.charts.style import (
    Caption,
    check_caption,
    country_color,
    country_label,
    house_style,
    legend_outside,
    new_figure,
    require_columns,
    require_unique,
    usd_year_axes,
    wants_log,
    wrap,
)
from tradeviz.text.numbers import format_usd

SOURCE_PUBLISHED_RECENT = (
    "published figures 2019–2025: China's customs (GACC) and the partners' statistics "
    "offices as quoted by officials and the press (press-figures-2026)"
)
PUBLISHED_MARKERS = {"china": ("D", "filled"), "partner": ("s", "hollow")}
PUBLISHED_LABELS = {"china": "published, China's customs", "partner": "published, {name}'s own statistics"}
DOTS_STYLES = {"china": "-", "partner": "--"}
TARGET_STYLES: tuple[LineStyleType, ...] = ((0, (6, 2)), (0, (2, 2)), (0, (8, 2, 2, 2)), (0, (1, 1)), (0, (12, 3)))
DOTS_LABELS = {"china": "IMF DOTS, China's reports", "partner": "IMF DOTS, {name}'s reports"}


def _seam(ax: Axes, last_dots_year: int) -> None:
    ax.axvline(last_dots_year + 0.5, color="#777777", linestyle=":", linewidth=1.2, zorder=1)
    ax.annotate(
        "DOTS ends",
        (last_dots_year + 0.5, 1),
        xycoords=("data", "axes fraction"),
        xytext=(-3, -3),
        textcoords="offset points",
        ha="right",
        va="top",
        fontsize=8,
        color="#555555",
    )


def _published_sides(ax: Axes, frame: pd.DataFrame, name: str, color: str, value_col: str) -> None:
    """Both sides' published figures as markers: China's customs in ``color``, the partner's own in grey."""
    for side in ("china", "partner"):
        rows = frame.loc[frame["side"].eq(side)].sort_values("year")
        if len(rows):
            label = PUBLISHED_LABELS[side].format(name=name)
            _published_points(ax, rows, side, color if side == "china" else "#666666", label, value_col)


def _published_points(ax: Axes, rows: pd.DataFrame, side: str, color: str, label: str, value_col: str) -> None:
    marker, fill = PUBLISHED_MARKERS[side]
    ax.plot(
        rows["year"],
        rows[value_col],
        linestyle=":",
        linewidth=1.0,
        color=color,
        zorder=3,
        marker=marker,
        markersize=6.5,
        markeredgewidth=1.6,
        markeredgecolor=color,
        markerfacecolor=color if fill == "filled" else "white",
        label=label,
    )


@house_style
def sides_series(
    dots: pd.DataFrame,
    published: pd.DataFrame,
    caption: Caption,
    *,
    country: str,
    last_dots_year: int,
    dots_value_col: str = "total",
    value_col: str = "value_usd_millions",
    log: bool | None = None,
    title: str | None = None,
    ylabel: str = "Total trade with China",
) -> Figure:
    """Total trade of one partner with China from both sides: DOTS as lines, published figures as markers.

    ``dots`` columns, as :func:`tradeviz.measures.panels.total_trade` returns them: ``year``, ``side``
    ("china"/"partner"), ``total`` (US$ millions; or ``dots_value_col``).  ``published`` columns, as the
    published series: ``year``, ``side``, ``value_usd_millions`` (or ``value_col``).
    ``last_dots_year``: where the dotted "DOTS ends" rule goes.
    Axes: 1; lines: one per DOTS side and one per published side (markers joined by a thin dotted line).
    """
    caption = check_caption(caption)
    require_columns(dots, ["year", "side", dots_value_col], "sides_series")
    require_columns(published, ["year", "side", value_col], "sides_series(published=...)")
    require_unique(dots, ["year", "side"], "sides_series")
    require_unique(published, ["year", "side"], "sides_series(published=...)")
    name = country_label(country)
    color = country_color(country)
    values = list(dots[dots_value_col].dropna()) + list(published[value_col].dropna())
    use_log = wants_log(values, log)
    fig, (ax,) = new_figure(caption)
    for side in ("china", "partner"):
        rows = dots.loc[dots["side"].eq(side)].sort_values("year")
        if len(rows):
            ax.plot(
                rows["year"],
                rows[dots_value_col],
                color=color if side == "china" else "#666666",
                linestyle=DOTS_STYLES[side],
                linewidth=2.0,
                zorder=2,
                label=DOTS_LABELS[side].format(name=name),
            )
    _published_sides(ax, published, name, color, value_col)
    _seam(ax, last_dots_year)
    usd_year_axes(ax, values, use_log, ylabel)
    handles, labels = ax.get_legend_handles_labels()
    legend_outside(ax, handles, [wrap(label, 24) for label in labels])
    ax.set_title(title or f"China–{name}: total trade, both sides")
    return fig


@house_style
def target_progress(
    actuals: pd.DataFrame,
    targets: pd.DataFrame,
    caption: Caption,
    *,
    scope: str,
    statistics: pd.DataFrame | None = None,
    value_col: str = "value_usd_millions",
    title: str | None = None,
    ylabel: str = "Trade with China",
) -> Figure:
    """Annual totals of one scope (a country or CA5) against its announced targets.

    ``actuals`` columns: ``year``, ``side``, ``value_usd_millions``: published totals (press figures), drawn as
    markers.  ``statistics`` (optional) columns: ``year``, ``side``, ``value_usd_millions``, ``label`` (the
    series, e.g. "UN Comtrade (Kazakhstan's reports)"): totals from a statistical series, drawn as solid lines,
    one per series and side, never joined to the markers.  ``targets`` columns: ``value_usd_millions``,
    ``announced_year`` and ``deadline_year`` (either may be <NA>), ``label``.  Each target is a horizontal dashed
    segment from its announcement to its deadline (from the left edge when undated, to the right edge when it has
    no deadline), labelled with ``label``.  Linear scale.
    """
    caption = check_caption(caption)
    require_columns(
        targets, ["value_usd_millions", "announced_year", "deadline_year", "label"], "target_progress(targets=...)"
    )
    # either table may be empty (every year held by a statistical series, or none), not both
    stats = pd.DataFrame(columns=["year", "side", value_col, "label"])
    if statistics is not None and len(statistics):
        require_columns(statistics, ["year", "side", value_col, "label"], "target_progress(statistics=...)")
        stats = statistics
    if len(actuals) or not len(stats):
        require_columns(actuals, ["year", "side", value_col], "target_progress")
    else:
        actuals = pd.DataFrame(columns=["year", "side", value_col])
    name = "the five" if scope == countries.GROUP else country_label(scope)
    color = country_color(scope)
    fig, (ax,) = new_figure(caption)
    for (side, label), rows in stats.sort_values(["side", "year"], kind="stable").groupby(["side", "label"]):
        ax.plot(
            rows["year"],
            rows[value_col],
            color=color if side == "china" else "#666666",
            linewidth=2.0,
            zorder=3,
            label=str(label),
        )
    _published_sides(ax, actuals, name, color, value_col)
    years = [
        int(y)
        for y in list(actuals["year"])
        + list(stats["year"])
        + list(targets["announced_year"].dropna())
        + list(targets["deadline_year"].dropna())
    ]
    left, right = min(years) - 0.5, max(years) + 0.5
    for i, t in enumerate(targets.sort_values(["value_usd_millions", "announced_year"]).itertuples()):
        start = float(t.announced_year) if pd.notna(t.announced_year) else left  # undated: from the left edge
        end = float(t.deadline_year) if pd.notna(t.deadline_year) else right
        style = TARGET_STYLES[i % len(TARGET_STYLES)]
        ax.hlines(
            t.value_usd_millions,
            start,
            end,
            colors="#333333",
            linestyles=style,
            linewidth=1.5,
            zorder=2,
            label=f"target {format_usd(t.value_usd_millions)}, {t.label}",
        )
        ax.plot([end], [t.value_usd_millions], marker="|", markersize=10, color="#333333", zorder=2)
    values = list(actuals[value_col]) + list(stats[value_col]) + list(targets["value_usd_millions"])
    usd_year_axes(ax, values, False, ylabel)
    ax.set_ylim(0, max(values) * 1.25)
    ax.set_xlim(left, right)
    handles, labels = ax.get_legend_handles_labels()
    legend_outside(ax, handles, [wrap(label, 24) for label in labels])
    ax.set_title(title or f"Trade targets: China–{name}")
    return fig
