"""Charts of China's place among each country's partners, in the house style of :mod:`tradeviz.charts`.

Shares are drawn as percentages.  China is a solid black line, Russia a dashed grey one; years in which the
reporter is in a customs union with Russia are shaded (the Russia figures change method there), and values
resting on an IMF estimate are hollow markers.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.typing import LineStyleType

from tradeviz import countries
from tradeviz.charts.style import (
    OKABE_ITO,
    Caption,
    check_caption,
    country_color,
    country_label,
    house_style,
    legend_outside,
    new_figure,
    require_columns,
    require_unique,
    wrap,
    year_axis,
)
from tradeviz.text.numbers import format_usd, pct

SIDE_OWN = "each country's own reports (the reporter named above each panel)"
"""Caption side for shares of a country's trade computed from that country's DOTS workbook."""
LINES: dict[str, tuple[str, str, LineStyleType]] = {
    "china": ("China", "#000000", "-"),
    "russia": ("Russia", "#888888", "--"),
}
UNION_COLOR = OKABE_ITO["yellow"]
UNION_LABEL = "customs union with Russia (Russia figures change method)"
_PERCENT = FuncFormatter(lambda x, _p: pct(x, 0))  # shares plotted as fractions


def _union_span(ax: Axes, years: pd.Series, flags: pd.Series) -> bool:
    union = years[flags.astype(bool)]
    if union.empty:
        return False
    ax.axvspan(union.min() - 0.5, union.max() + 0.5, color=UNION_COLOR, alpha=0.25, linewidth=0, zorder=0)
    return True


@house_style
def china_russia_shares(df: pd.DataFrame, caption: Caption, *, title: str | None = None) -> Figure:
    """China's and Russia's shares of each country's trade, one panel per country (shared y axis).

    ``df``: :func:`tradeviz.measures.partners.china_and_russia` (year, reporter, china_share, russia_share,
    china_estimate, russia_estimate, customs_union).  Axes: one per reporter; lines: China and Russia.
    """
    caption = check_caption(caption)
    columns = ["year", "reporter", "china_share", "russia_share", "china_estimate", "russia_estimate", "customs_union"]
    require_columns(df, columns, "china_russia_shares")
    require_unique(df, ["year", "reporter"], "china_russia_shares")
    codes = [c for c in countries.FIVE if c in set(df["reporter"])] + sorted(set(df["reporter"]) - set(countries.FIVE))
    ncols = 2 if len(codes) > 1 else 1
    nrows = -(-len(codes) // ncols)
    fig, axes = new_figure(caption, nrows=nrows, ncols=ncols, sharex=True, figsize=(8.0, 2.0 + 1.9 * nrows))
    top = float(df[["china_share", "russia_share"]].max().max())
    any_union = any_estimate = False
    for ax, code in zip(axes, codes, strict=False):  # the grid may have spare axes
        rows = df[df["reporter"] == code].sort_values("year")
        any_union |= _union_span(ax, rows["year"], rows["customs_union"])
        for key, (label, color, style) in LINES.items():
            ax.plot(
                rows["year"], rows[f"{key}_share"], color=color, linestyle=style, linewidth=2.0, zorder=3, label=label
            )
            est = rows[rows[f"{key}_estimate"].astype(bool)]
            if not est.empty:
                any_estimate = True
                ax.scatter(
                    est["year"],
                    est[f"{key}_share"],
                    marker="o",
                    s=22,
                    facecolors="white",
                    edgecolors=color,
                    linewidths=1.3,
                    zorder=4,
                )
        ax.set_title(country_label(code), fontsize=10, loc="left")
        ax.set_ylim(0, top * 1.08)
        ax.yaxis.set_major_formatter(_PERCENT)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        year_axis(ax)
    for ax in axes[len(codes) :]:
        ax.set_axis_off()
    for ax in axes[len(codes) - ncols : len(codes)]:
        ax.set_xlabel("Year")
    handles: list[Artist] = [Line2D([], [], color=c, linestyle=s, linewidth=2.0) for _label, c, s in LINES.values()]
    labels = [f"{label}'s share of the country's trade" for label, _c, _s in LINES.values()]
    if any_union:
        handles.append(Patch(color=UNION_COLOR, alpha=0.25, linewidth=0))
        labels.append(UNION_LABEL)
    if any_estimate:
        handles.append(
            Line2D(
                [], [], linestyle="none", marker="o", markersize=5, markerfacecolor="white", markeredgecolor="#333333"
            )
        )
        labels.append("IMF estimate")
    legend_ax = axes[len(codes)] if len(codes) < len(axes) else axes[0]
    if legend_ax is axes[0]:
        legend_outside(axes[0], handles, [wrap(label, 28) for label in labels])
    else:
        legend_ax.legend(handles, [wrap(label, 34) for label in labels], loc="center", frameon=False)
    if title:
        fig.suptitle(title, x=0.02, ha="left")
    return fig


@house_style
def top_partner_bars(df: pd.DataFrame, caption: Caption, *, title: str | None = None) -> Figure:
    """Horizontal bars of the largest partners' shares in one year; China and Russia highlighted.

    ``df``: :func:`tradeviz.measures.partners.top_partners` (name, partner, share, value, rank).  Axes: 1; one bar each.
    """
    caption = check_caption(caption)
    require_columns(df, ["name", "partner", "share", "value", "rank"], "top_partner_bars")
    rows = df.sort_values(["rank", "name"]).reset_index(drop=True)
    fig, (ax,) = new_figure(caption, figsize=(8.0, 1.6 + 0.32 * len(rows)))
    colors = [{"CHN": "#000000", "RUS": "#888888"}.get(p, OKABE_ITO["sky_blue"]) for p in rows["partner"]]
    positions = range(len(rows))[::-1]
    ax.barh(list(positions), rows["share"], color=colors, height=0.7, zorder=2)
    ax.set_yticks(list(positions), [f"{int(r)}. {n}" for r, n in zip(rows["rank"], rows["name"], strict=True)])
    for y, share, value in zip(positions, rows["share"], rows["value"], strict=True):
        ax.annotate(
            f"{pct(share)} ({format_usd(value)})",
            (share, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_xlim(0, float(rows["share"].max()) * 1.35)
    ax.xaxis.set_major_formatter(_PERCENT)
    ax.set_xlabel("Share of the country's trade with the world (exports + imports)")
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title, loc="left")
    return fig


@house_style
def share_lines(
    df: pd.DataFrame,
    caption: Caption,
    *,
    share_col: str = "share",
    title: str | None = None,
    ylabel: str = "Share of China's trade",
) -> Figure:
    """Shares over time, one line per partner in the fixed country colours (CA5 black).

    ``df``: year, partner, ``share_col`` (fractions).  Axes: 1; lines: one per partner.
    """
    caption = check_caption(caption)
    require_columns(df, ["year", "partner", share_col], "share_lines")
    require_unique(df, ["year", "partner"], "share_lines")
    fig, (ax,) = new_figure(caption)
    for code in [c for c in [*countries.FIVE, countries.GROUP] if c in set(df["partner"])]:
        rows = df[df["partner"] == code].sort_values("year")
        ax.plot(
            rows["year"],
            rows[share_col],
            color=country_color(code),
            linewidth=2.6 if code == countries.GROUP else 1.8,
            label=country_label(code),
            zorder=3,
        )
    ax.set_ylim(0, None)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"{100 * x:.2g}%"))
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Year")
    year_axis(ax)
    legend_outside(ax)
    if title:
        ax.set_title(title, loc="left")
    return fig
