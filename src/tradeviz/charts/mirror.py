"""The mirror-statistics chart: what China reports against what each partner reports.

Part of :mod:`tradeviz.charts`; call it as ``charts.mirror_gap``.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from tradeviz.charts.style import (
    OKABE_ITO,
    SIDE_COLORS,
    SIDE_LINESTYLES,
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
    wants_log,
    wrap,
    year_axis,
)
from tradeviz.measures.mirror import CIF_FOB_BAND
from tradeviz.text.numbers import trim

# --------------------------------------------------------------------------------------------
# 8. Mirror statistics
# --------------------------------------------------------------------------------------------


@house_style
def mirror_gap(
    df: pd.DataFrame,
    caption: Caption,
    *,
    china_col: str = "exports_fob",
    partner_col: str = "imports_cif",
    ratio_col: str = "ratio",
    show_levels: bool | None = None,
    band: tuple[float, float] = CIF_FOB_BAND,
    estimate_col: str = "importer_is_estimate",
    log: bool | None = None,
    title: str | None = None,
    ylabel: str = "Partner's imports ÷\nChina's exports",
) -> Figure:
    """Mirror statistics: partner's reported imports (CIF) ÷ China's reported exports (FOB) over time.

    ``df`` columns, as :func:`tradeviz.measures.mirror.mirror_stats` returns them for China's exports
    (``exporter == "CHN"``): ``year``, ``partner`` (ISO3) and either ``ratio`` or both ``exports_fob``
    (China's report, US$ millions; or ``china_col``) and ``imports_cif`` (the partner's report of the same
    flow; or ``partner_col``); the ratio is then partner ÷ China.  The band
    ``band`` (1.0–1.1) is shaded: the importer's figure should be about the exporter's × 1.0–1.1
    because imports are valued CIF (incl. freight and insurance) and exports FOB.
    ``show_levels`` (default: True when there is one country and the level columns are present)
    adds a top panel with both reported series (China: sky blue solid; partner: grey dashed).
    Optional ``importer_is_estimate`` (bool, the IMF-estimate flag of the partner's figure; or ``estimate_col``):
    such years are drawn as hollow markers ("IMF estimate") -- DOTS fills missing partner reports
    from China's figure, which puts the ratio at exactly 1.1 and looks like agreement.
    ``log`` applies to the ratio axis (None: automatic); the levels panel decides on its own.
    ``ylabel`` names the ratio (e.g. "China's imports ÷ partner's exports" for the reverse flow).
    Axes: 1 (2 with levels); ratio lines: one per country.
    """
    caption = check_caption(caption)
    has_levels = china_col in df.columns and partner_col in df.columns
    require_columns(
        df, ["year", "partner"] + ([] if ratio_col in df.columns else [china_col, partner_col]), "mirror_gap"
    )
    require_unique(df, ["year", "partner"], "mirror_gap")
    data = df.copy()
    data["partner"] = data["partner"].astype(str)
    if ratio_col not in data:
        data[ratio_col] = data[partner_col] / data[china_col].where(data[china_col] != 0)
    codes = country_order(data["partner"].unique())
    if show_levels is None:
        show_levels = has_levels and len(codes) == 1
    if show_levels and not has_levels:
        raise ValueError(f"mirror_gap: show_levels needs columns {china_col!r} and {partner_col!r}")
    use_log = wants_log(list(data[ratio_col]) + list(band), log)
    if show_levels:
        fig, (ax_lv, ax) = new_figure(caption, nrows=2, height_ratios=[1.2, 1], sharex=True)
    else:
        fig, (ax,) = new_figure(caption)
        ax_lv = None
    band_label = (
        f"CIF/FOB band: importer's figure ≈ exporter's × {trim(band[0], 2)}–{trim(band[1], 2)} (freight and insurance)"
    )
    ax.axhspan(band[0], band[1], color=OKABE_ITO["sky_blue"], alpha=0.25, linewidth=0, zorder=1, label=band_label)
    ax.axhline(1.0, color="#777777", linewidth=0.9, linestyle=":", zorder=1)
    for code in codes:
        sub = data[data["partner"] == code].sort_values("year")
        ax.plot(
            sub["year"],
            sub[ratio_col],
            color=country_color(code),
            linewidth=2.0,
            marker="o",
            markersize=3,
            zorder=3,
            label=country_label(code),
        )
    if use_log:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=12))
        ax.yaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"{x:.3g}"))
    ax.set_ylabel(scale_label(ylabel, use_log))
    ax.set_xlabel("Year")
    year_axis(ax)
    handles, labels = ax.get_legend_handles_labels()
    if estimate_col in data and data[estimate_col].fillna(False).astype(bool).any():
        est = data[data[estimate_col].fillna(False).astype(bool)]
        ax.scatter(
            est["year"],
            est[ratio_col],
            marker="o",
            s=30,
            facecolors="white",
            linewidths=1.4,
            edgecolors=[country_color(c) for c in est["partner"]],
            zorder=4,
        )
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=5.5,
                markerfacecolor="white",
                markeredgecolor="#333333",
                markeredgewidth=1.4,
            )
        )
        labels.append("IMF estimate (partner did not report)")
    band_first = [i for i, h in enumerate(handles) if isinstance(h, Patch)]
    order = [i for i in range(len(handles)) if i not in band_first] + band_first  # countries, band last
    legend_outside(ax, [handles[i] for i in order], [wrap(labels[i], 30) for i in order])
    if ax_lv is not None:
        code = codes[0]
        sub = data[data["partner"] == code].sort_values("year")
        lv_values = list(sub[china_col]) + list(sub[partner_col])
        lv_log = wants_log(lv_values)
        ax_lv.plot(
            sub["year"],
            sub[china_col],
            color=SIDE_COLORS["china"],
            linestyle=SIDE_LINESTYLES["china"],
            linewidth=2.2,
            label=f"China's exports to {country_label(code)} (China's report, FOB)",
        )
        ax_lv.plot(
            sub["year"],
            sub[partner_col],
            color=SIDE_COLORS["partner"],
            linestyle=SIDE_LINESTYLES["partner"],
            linewidth=2.0,
            label=f"{country_label(code)}'s imports from China ({country_label(code)}'s report, CIF)",
        )
        if lv_log:
            ax_lv.set_yscale("log")
        set_usd_axis(ax_lv.yaxis, lv_values, lv_log)
        ax_lv.set_ylabel(scale_label("Reported value", lv_log))
        h, lab = ax_lv.get_legend_handles_labels()
        legend_outside(ax_lv, h, [wrap(x, 30) for x in lab])
        ax_lv.tick_params(labelbottom=False)
        ax_lv.set_title(title or f"Mirror statistics: China–{country_label(code)}")
    elif title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# 9. One reporter's flow as each statistical series holds it (breaks marked)
# --------------------------------------------------------------------------------------------

COVERAGE_LINES = (
    ("dots", "china", "IMF DOTS", "-", 2.0),
    ("comtrade", "china", "UN Comtrade", "-", 2.0),
    ("wits", "china", "WITS", ":", 1.4),
    ("dots", "world", "IMF DOTS", "--", 1.6),
    ("comtrade", "world", "UN Comtrade", "--", 1.6),
    ("wits", "world", "WITS", ":", 1.1),
)


@house_style
def reported_flows(
    table: pd.DataFrame,
    caption: Caption,
    *,
    country: str,
    flow: str = "imports",
    break_years: tuple[int, int] | None = None,
    break_label: str = "break",
    published: pd.DataFrame | None = None,
    published_label: str = "press figure",
    title: str | None = None,
) -> Figure:
    """One reporter's ``flow`` with China and with the world, one line per statistical series that holds it.

    ``table`` columns, as :func:`tradeviz.measures.annual.reporter_coverage` returns them: ``year``,
    ``<series>_china`` and ``<series>_world`` for dots, comtrade and wits (US$ millions; NaN where absent).
    IMF DOTS in grey, UN Comtrade in the country's colour, WITS dotted; with China solid, with the world dashed.
    ``break_years`` (first, last): a shaded band with ``break_label`` over those years.  ``published``
    (optional; ``year``, ``value_usd_millions``): press figures for the flow with China, drawn as markers only.
    Axes: 1; lines: one per series and partner present.
    """
    caption = check_caption(caption)
    require_columns(table, ["year"], "reported_flows")
    require_unique(table, ["year"], "reported_flows")
    name = country_label(country)
    color = country_color(country)
    rows = table.sort_values("year")
    fig, (ax,) = new_figure(caption)
    values: list[float] = []
    for key, partner, label, style, width in COVERAGE_LINES:
        column = f"{key}_{partner}"
        if column not in rows or rows[column].isna().all():
            continue
        part = rows.dropna(subset=[column])
        whom = "China" if partner == "china" else "the world"
        ax.plot(
            part["year"],
            part[column],
            color="#888888" if key == "dots" else color,
            linestyle=style,
            linewidth=width,
            marker="o" if key != "wits" else None,
            markersize=3,
            zorder=3,
            label=f"{flow} {'from' if flow == 'imports' else 'to'} {whom}, {label}",
        )
        values += list(part[column])
    if published is not None and len(published):
        require_columns(published, ["year", "value_usd_millions"], "reported_flows(published=...)")
        ax.scatter(
            published["year"],
            published["value_usd_millions"],
            marker="D",
            s=44,
            facecolors="white",
            edgecolors="#333333",
            linewidths=1.5,
            zorder=5,
            label=published_label,
        )
        values += list(published["value_usd_millions"])
    if break_years is not None:
        first, last = break_years
        ax.axvspan(first - 0.5, last + 0.5, color="#F0E442", alpha=0.25, zorder=0, linewidth=0)
        ax.annotate(
            break_label,
            ((first + last) / 2, 1),
            xycoords=("data", "axes fraction"),
            xytext=(0, -4),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=8,
            color="#444444",
        )
    set_usd_axis(ax.yaxis, values, False)
    ax.set_ylim(bottom=0)
    year_axis(ax)
    ax.set_xlabel("Year")
    ax.set_ylabel(f"{name}'s reported {flow}")
    handles, labels = ax.get_legend_handles_labels()
    legend_outside(ax, handles, [wrap(label, 24) for label in labels])
    ax.set_title(title or f"{name}'s {flow} as each statistical series holds them")
    return fig
