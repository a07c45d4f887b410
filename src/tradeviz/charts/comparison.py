"""Charts of comparisons: shares and HHI, group comparisons, nominal against real, flows and balance."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from numpy.typing import ArrayLike

from tradeviz import countries
from tradeviz.charts import export as chart_export
from tradeviz.charts.series import format_value, percent_factor, value_kind
from tradeviz.charts.style import (
    BALANCE_COLOR,
    PERIOD_COLORS,
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
    set_usd_axis,
    usd_year_axes,
    wants_log,
    wrap,
    year_axis,
)
from tradeviz.text.numbers import multiple_tick, percent_tick, trim

# --------------------------------------------------------------------------------------------
# 4. Shares and concentration (HHI)
# --------------------------------------------------------------------------------------------


def _hhi_label(values: ArrayLike) -> str:
    arr = np.asarray(values, dtype=float)
    return "HHI (0–1)" if np.nanmax(arr) <= 1.0 else "HHI (0–10,000)"


def _draw_hhi(ax: Axes, hhi: pd.DataFrame, hhi_col: str) -> None:
    rows = hhi.sort_values("year")
    ax.plot(
        rows["year"],
        rows[hhi_col],
        color=country_color(countries.GROUP),
        linewidth=2.0,
        label="HHI (concentration of the five's trade)",
    )
    ax.set_ylabel(_hhi_label(rows[hhi_col]))
    top = float(np.nanmax(rows[hhi_col].astype(float)))
    ax.set_ylim(0, top * 1.15 if top > 0 else 1)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: trim(x, 2)))
    year_axis(ax)


@house_style
def share_area(
    df: pd.DataFrame,
    caption: Caption,
    *,
    share_col: str = "share",
    hhi: pd.DataFrame | None = None,
    hhi_col: str = "hhi",
    title: str | None = None,
) -> Figure:
    """Each country's share of the five's trade with China over time (stacked areas).

    ``df`` columns, as :func:`tradeviz.measures.panels.partner_shares` returns them: ``year``, ``partner``
    (ISO3), ``share`` (a fraction 0–1, shown ×100; a missing partner-year is drawn as 0).  A ``share_col``
    with "pct" in its name (e.g. ``share_pct``) holds percentages 0–100 instead.
    ``hhi`` (optional) columns: ``year``, ``hhi`` (0–1 or 0–10,000): drawn as a line in a second panel below,
    sharing the year axis.
    Axes: 1 (2 with ``hhi``); one filled area (PolyCollection) per country.
    """
    caption = check_caption(caption)
    require_columns(df, ["year", "partner", share_col], "share_area")
    require_unique(df, ["year", "partner"], "share_area")
    if hhi is not None:
        require_columns(hhi, ["year", hhi_col], "share_area(hhi=...)")
    wide = df.pivot_table(index="year", columns="partner", values=share_col, aggfunc="sum").sort_index()
    order = country_order(wide.columns)
    wide = wide[order].fillna(0.0) * percent_factor(share_col)
    if hhi is not None:
        fig, (ax, ax_hhi) = new_figure(caption, nrows=2, height_ratios=[3, 1.25], sharex=True)
    else:
        fig, (ax,) = new_figure(caption)
        ax_hhi = None
    ax.stackplot(
        wide.index.to_numpy(),
        *[wide[c].to_numpy() for c in order],
        colors=[country_color(c) for c in order],
        labels=[country_label(c) for c in order],
        edgecolor="white",
        linewidth=0.4,
    )
    top = float(wide.sum(axis=1).max())
    ax.set_ylim(0, 100.0 if top <= 100.5 else top)  # rounding in the shares must not show as 100.0000001
    ax.set_xlim(wide.index.min(), wide.index.max())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: percent_tick(x)))
    ax.set_ylabel("Share of the five (%)")
    ax.grid(False)
    handles, labels = ax.get_legend_handles_labels()
    legend_outside(ax, handles[::-1], labels[::-1])
    year_axis(ax)
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
    setattr(fig, chart_export.KIND_ATTR, "Stacked area chart")
    return fig


@house_style
def hhi_line(df: pd.DataFrame, caption: Caption, *, hhi_col: str = "hhi", title: str | None = None) -> Figure:
    """Concentration of the five's trade with China (Herfindahl-Hirschman index) over time.

    ``df`` columns: ``year``, ``hhi`` (0–1 or 0–10,000; the axis label says which).  Axes: 1; lines: 1.
    """
    caption = check_caption(caption)
    require_columns(df, ["year", hhi_col], "hhi_line")
    require_unique(df, ["year"], "hhi_line")
    fig, (ax,) = new_figure(caption)
    _draw_hhi(ax, df, hhi_col)
    ax.set_xlabel("Year")
    if title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# 5. Bordering vs non-bordering, before vs after
# --------------------------------------------------------------------------------------------


@house_style
def group_comparison(
    df: pd.DataFrame,
    caption: Caption,
    *,
    value_col: str = "cagr",
    group_col: str = "group",
    period_col: str = "period",
    kind: str | None = None,
    title: str | None = None,
    ylabel: str | None = None,
) -> Figure:
    """Grouped bars: one group per ``group`` (e.g. "bordering" / "non-bordering"), one bar per ``period``.

    ``df`` columns: ``group`` (or ``group_col``, e.g. ``partner``), ``period`` (e.g. "before BRI document" /
    "after"), ``cagr`` (a fraction, as the growth measures return it, shown ×100; or ``value_col``: one with
    "pct" in its name, e.g. ``cagr_pct``, holds percentages), one row per group × period; order of first
    appearance is kept.
    Axes: 1; bars: groups × periods.
    """
    caption = check_caption(caption)
    require_columns(df, [group_col, period_col, value_col], "group_comparison")
    require_unique(df, [group_col, period_col], "group_comparison")
    kind = value_kind(value_col, kind)
    groups = list(dict.fromkeys(df[group_col].astype(str)))
    periods = list(dict.fromkeys(df[period_col].astype(str)))
    if len(periods) > len(PERIOD_COLORS):
        raise ValueError(f"group_comparison: at most {len(PERIOD_COLORS)} periods, got {len(periods)}")
    table = df.assign(**{group_col: df[group_col].astype(str), period_col: df[period_col].astype(str)})
    table = table.set_index([group_col, period_col])[value_col]
    fig, (ax,) = new_figure(caption)
    width = 0.8 / len(periods)
    vals_all: list[float] = []
    for j, period in enumerate(periods):
        xs = np.arange(len(groups)) + (j - (len(periods) - 1) / 2) * width
        vals = np.array([float(table.get((g, period), np.nan)) for g in groups])
        if kind == "percent":
            vals = vals * percent_factor(value_col)
        vals_all.extend(vals)
        ax.bar(
            xs,
            np.nan_to_num(vals),
            width=width * 0.92,
            color=PERIOD_COLORS[j],
            label=period,
            edgecolor="#333333",
            linewidth=0.6,
            zorder=2,
        )
        for x, v in zip(xs, vals, strict=False):
            if np.isfinite(v):
                ax.annotate(
                    format_value(v, kind),
                    (x, v),
                    xytext=(0, 3 if v >= 0 else -3),
                    textcoords="offset points",
                    ha="center",
                    va="bottom" if v >= 0 else "top",
                    fontsize=9,
                    fontweight="bold",
                )
    finite = [v for v in vals_all if np.isfinite(v)]
    lo, hi = min([0.0, *finite]), max([0.0, *finite])
    span = (hi - lo) or 1.0
    ax.set_ylim(lo - (0.1 * span if lo < 0 else 0), hi + 0.15 * span)
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.set_xticks(range(len(groups)), groups)
    ax.grid(axis="x", visible=False)
    if kind == "percent":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: percent_tick(x)))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: multiple_tick(x)))
    ax.set_ylabel(ylabel or ("Average annual growth (CAGR, %)" if kind == "percent" else "Growth multiple"))
    legend_outside(ax, title=None)
    if title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# 6. Nominal vs real
# --------------------------------------------------------------------------------------------


@house_style
def nominal_vs_real(
    df: pd.DataFrame,
    caption: Caption,
    *,
    nominal_col: str = "total",
    real_col: str = "total_real",
    base_year: int = 2020,
    country: str = countries.GROUP,
    log: bool | None = None,
    title: str | None = None,
    ylabel: str = "Trade with China",
) -> Figure:
    """Nominal (current US$) and real (constant ``base_year`` US$) trade as two lines.

    ``df`` columns, as :func:`tradeviz.measures.deflation.deflate` returns them: ``year``, ``total`` (current
    US$ millions), ``total_real`` (constant ``base_year`` US$ millions).  ``country`` only picks
    the colour (default ``CA5``).  Axes: 1; lines: 2 (+ a dotted vertical line at ``base_year``
    when it lies in the data, where the two series meet).
    """
    caption = check_caption(caption)
    require_columns(df, ["year", nominal_col, real_col], "nominal_vs_real")
    require_unique(df, ["year"], "nominal_vs_real")
    rows = df.sort_values("year")
    values = list(rows[nominal_col]) + list(rows[real_col])
    use_log = wants_log(values, log)
    fig, (ax,) = new_figure(caption)
    color = country_color(country)
    ax.plot(rows["year"], rows[nominal_col], color=color, linewidth=1.6, label="nominal (current US$)")
    ax.plot(
        rows["year"],
        rows[real_col],
        color=color,
        linewidth=2.2,
        linestyle="--",
        label=f"real (constant {base_year} US$)",
    )
    if rows["year"].min() <= base_year <= rows["year"].max():
        ax.axvline(base_year, color="#999999", linewidth=0.9, linestyle=":", zorder=1)
        ax.annotate(
            f"{base_year}: base year",
            (base_year, 0.02),
            xycoords=("data", "axes fraction"),
            xytext=(-4, 0),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=8,
            color="#666666",
        )
    usd_year_axes(ax, values, use_log, ylabel)
    ax.legend(loc="upper left")
    if title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# 7. Exports, imports and balance for one partner
# --------------------------------------------------------------------------------------------


def stretches(years: pd.Series, series: pd.Series) -> list[tuple[str, pd.Index]]:
    """Consecutive runs of one series in a year-sorted table: [(series, index of its rows), ...]."""
    change = series.ne(series.shift()).cumsum()
    return [(str(series.loc[idx[0]]), idx) for _, idx in series.groupby(change).groups.items()]


def seam(ax: Axes, x: float, left: str, right: str) -> None:
    """A dotted rule where one series gives way to another, the two named on either side at the top."""
    ax.axvline(x, color="#777777", linestyle=":", linewidth=1.2, zorder=1)
    for text, dx, ha in ((f"← {left}", -3, "right"), (f"{right} →", 3, "left")):
        ax.annotate(
            text,
            (x, 1),
            xycoords=("data", "axes fraction"),
            xytext=(dx, -3),
            textcoords="offset points",
            ha=ha,
            va="top",
            fontsize=7.5,
            color="#555555",
        )


FLOW_STYLES = {"exports": ("-", "o", 2.2), "imports": ("--", "s", 2.0)}


@house_style
def flows_balance(
    df: pd.DataFrame,
    caption: Caption,
    *,
    country: str,
    exports_col: str = "exports",
    imports_col: str = "imports",
    balance_col: str = "balance",
    series_col: str | None = None,
    published: pd.DataFrame | None = None,
    title: str | None = None,
) -> Figure:
    """China's exports to and imports from one partner (lines) and the balance (bars), linear scale.

    ``df`` columns, as :func:`tradeviz.measures.panels.total_trade` returns them (US$ millions): ``year``,
    ``exports`` (China → partner), ``imports`` (partner → China); optional ``balance`` (else exports − imports).
    ``series_col`` (optional): the statistical series of each year (as :func:`tradeviz.measures.annual.annual_series`
    chooses it, e.g. "IMF DOTS" then "UN Comtrade"): each stretch of one series is its own pair of lines, named in
    the legend ("exports, UN Comtrade"; hollow markers after the first series), never joined to the next, and a
    dotted rule names the series on either side of each seam.
    ``published`` (optional): press figures, columns ``year`` and the flow columns (NaN where none): drawn as
    markers only (hollow diamond: exports, hollow triangle: imports), never as lines or bars.
    ``country``: ISO3 of the partner (colour and labels).  Axes: 1; lines: 2 per series; bars: one per year.
    """
    caption = check_caption(caption)
    require_columns(df, ["year", exports_col, imports_col], "flows_balance")
    require_unique(df, ["year"], "flows_balance")
    rows = df.sort_values("year").reset_index(drop=True)
    balance = rows[balance_col] if balance_col in rows else rows[exports_col] - rows[imports_col]
    name = country_label(country)
    color = country_color(country)
    fig, (ax,) = new_figure(caption)
    ax.bar(rows["year"], balance, width=0.7, color=BALANCE_COLOR, zorder=1, label="balance (China's exports − imports)")
    runs = stretches(rows["year"], rows[series_col]) if series_col else [("", rows.index)]
    for i, (series, idx) in enumerate(runs):
        part = rows.loc[idx]
        for flow, col in (("exports", exports_col), ("imports", imports_col)):
            style, marker, width = FLOW_STYLES[flow]
            what = f"China's {flow} {'to' if flow == 'exports' else 'from'} {name}"
            ax.plot(
                part["year"],
                part[col],
                color=color,
                linewidth=width,
                linestyle=style,
                marker=marker,
                markersize=3.5,
                markerfacecolor=color if i == 0 else "white",
                zorder=3,
                label=f"{flow}, {series}" if series else what,
            )
        if i:
            seam(ax, float(part["year"].iloc[0]) - 0.5, runs[i - 1][0], series)
    values = list(rows[exports_col]) + list(rows[imports_col]) + list(balance)
    if published is not None and len(published):
        require_columns(published, ["year", exports_col, imports_col], "flows_balance(published=...)")
        for flow, col, marker in (("exports", exports_col, "D"), ("imports", imports_col, "^")):
            points = published.dropna(subset=[col]).sort_values("year")
            if len(points):
                ax.scatter(
                    points["year"],
                    points[col],
                    marker=marker,
                    s=46,
                    facecolors="white",
                    edgecolors=color,
                    linewidths=1.6,
                    zorder=5,
                    label=f"{flow}, press figure",
                )
                values += list(points[col])
    ax.axhline(0, color="#555555", linewidth=0.8, zorder=2)
    set_usd_axis(ax.yaxis, values, False)
    year_axis(ax)
    ax.set_xlabel("Year")
    ax.set_ylabel(f"Trade with {name}")
    handles, labels = ax.get_legend_handles_labels()
    legend_outside(ax, handles, [wrap(label, 22) for label in labels])
    ax.set_title(title or f"China–{name}: exports, imports and balance")
    return fig
