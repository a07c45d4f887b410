"""Charts of series and comparisons: trade over time, headline bars, growth multiples, shares and
concentration, group comparisons, nominal against real, flows and balance.

Part of :mod:`tradeviz.charts` (split out of it unchanged); call them as ``charts.trade_series`` etc.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from tradeviz import chart_export, countries
from tradeviz.charts_style import (
    BALANCE_COLOR,
    PERIOD_COLORS,
    Caption,
    _check_caption,
    _country_order,
    _house_style,
    _legend_outside,
    _new_figure,
    _require_columns,
    _require_unique,
    _scale_label,
    _set_usd_axis,
    _trim,
    _usd_year_axes,
    _wrap,
    _year_axis,
    country_color,
    country_label,
    format_multiple,
    format_percent,
    format_usd,
    wants_log,
)

# --------------------------------------------------------------------------------------------
# 1. Time series of total trade
# --------------------------------------------------------------------------------------------


@_house_style
def trade_series(
    df: pd.DataFrame,
    caption: Caption,
    *,
    value_col: str = "value_usd_millions",
    log: bool | None = None,
    published: pd.DataFrame | None = None,
    published_label: str = "published totals (press, China Customs)",
    title: str | None = None,
    ylabel: str = "Trade with China",
) -> Figure:
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
        ax.plot(
            sub["year"],
            sub[value_col],
            color=country_color(code),
            label=country_label(code),
            linewidth=2.6 if is_group else 1.9,
            zorder=3 if is_group else 2,
        )
    handles, labels = ax.get_legend_handles_labels()
    if published is not None and len(published):
        pub = published.sort_values(["country", "year"])
        ax.scatter(
            pub["year"],
            pub[value_col],
            marker="D",
            s=42,
            facecolors="white",
            zorder=5,
            edgecolors=[country_color(c) for c in pub["country"].astype(str)],
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
    _usd_year_axes(ax, values, use_log, ylabel)
    _legend_outside(ax, handles, [_wrap(label, 22) for label in labels])
    if title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# 2. Headline totals (first vs last year) with the multiple
# --------------------------------------------------------------------------------------------


@_house_style
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
        f"{format_multiple(multiple)}\nin {y1 - y0} years",
        ha="center",
        va="center",
        fontsize=15,
        fontweight="bold",
        color="#222222",
    )
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
    rows = df.sort_values(value_col, ascending=True).reset_index(drop=True)  # largest at the top
    use_log = kind == "multiple" and wants_log(rows[value_col], log)
    fig, (ax,) = _new_figure(caption)
    codes = rows["country"].astype(str).tolist()
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
            _format_value(v, kind),
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
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: format_multiple(x)))
        if use_log:
            ax.xaxis.set_minor_formatter(NullFormatter())
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: format_percent(x, 0)))
        ax.axvline(0, color="#555555", linewidth=0.8)
    default = "Growth multiple (last year ÷ first year)" if kind == "multiple" else "Average annual growth (CAGR, %)"
    ax.set_xlabel(_scale_label(xlabel or default, use_log))
    if has_border:
        handles = [
            Patch(facecolor="white", edgecolor="#333333", hatch=BORDER_HATCH, label=BORDER_LABEL),
            Patch(facecolor="white", edgecolor="#333333", label="no land border with China"),
        ]
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
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: _trim(x, 2)))
    _year_axis(ax)


@_house_style
def share_area(
    df: pd.DataFrame,
    caption: Caption,
    *,
    share_col: str = "share_pct",
    hhi: pd.DataFrame | None = None,
    hhi_col: str = "hhi",
    title: str | None = None,
) -> Figure:
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
    fig._tradeviz_kind = "Stacked area chart"
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
def group_comparison(
    df: pd.DataFrame,
    caption: Caption,
    *,
    value_col: str = "cagr_pct",
    group_col: str = "group",
    period_col: str = "period",
    kind: str | None = None,
    title: str | None = None,
    ylabel: str | None = None,
) -> Figure:
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
                    _format_value(v, kind),
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
def nominal_vs_real(
    df: pd.DataFrame,
    caption: Caption,
    *,
    nominal_col: str = "nominal_usd_millions",
    real_col: str = "real_usd_millions",
    base_year: int = 2020,
    country: str = countries.GROUP,
    log: bool | None = None,
    title: str | None = None,
    ylabel: str = "Trade with China",
) -> Figure:
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
    _usd_year_axes(ax, values, use_log, ylabel)
    ax.legend(loc="upper left")
    if title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# 7. Exports, imports and balance for one partner
# --------------------------------------------------------------------------------------------


@_house_style
def flows_balance(
    df: pd.DataFrame,
    caption: Caption,
    *,
    country: str,
    exports_col: str = "exports_usd_millions",
    imports_col: str = "imports_usd_millions",
    balance_col: str = "balance_usd_millions",
    title: str | None = None,
) -> Figure:
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
    ax.bar(rows["year"], balance, width=0.7, color=BALANCE_COLOR, zorder=1, label="balance (China's exports − imports)")
    ax.plot(
        rows["year"],
        rows[exports_col],
        color=color,
        linewidth=2.2,
        marker="o",
        markersize=3.5,
        zorder=3,
        label=f"China's exports to {name}",
    )
    ax.plot(
        rows["year"],
        rows[imports_col],
        color=color,
        linewidth=2.0,
        linestyle="--",
        marker="s",
        markersize=3.5,
        zorder=3,
        label=f"China's imports from {name}",
    )
    ax.axhline(0, color="#555555", linewidth=0.8, zorder=2)
    _set_usd_axis(ax.yaxis, list(rows[exports_col]) + list(rows[imports_col]) + list(balance), False)
    _year_axis(ax)
    ax.set_xlabel("Year")
    ax.set_ylabel(f"Trade with {name}")
    handles, labels = ax.get_legend_handles_labels()
    _legend_outside(ax, handles, [_wrap(label, 22) for label in labels])
    ax.set_title(title or f"China–{name}: exports, imports and balance")
    return fig
