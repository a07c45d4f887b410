"""Charts of what is traded, in the house style of :mod:`tradeviz.charts`: shares by HS section over time, the
largest products with their descriptions, and the chapters both sides report side by side.

Each takes the tables of :mod:`tradeviz.measures.products` (labelled with
:func:`~tradeviz.measures.products.labelled`, which adds ``description`` and ``source_id``).  Raw materials
(:data:`~tradeviz.measures.products.RAW_MATERIAL_CHAPTERS`) have one colour wherever products are drawn.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from tradeviz.charts import export as chart_export
from tradeviz.charts.style import (
    OKABE_ITO,
    SIDE_COLORS,
    Caption,
    check_caption,
    country_label,
    house_style,
    legend_outside,
    new_figure,
    require_columns,
    require_unique,
    set_usd_axis,
    wrap,
)
from tradeviz.measures.products import RAW_MATERIAL_CHAPTERS
from tradeviz.text.numbers import fixed, format_usd, pct, percent_tick
from tradeviz.text.products import short_description

SECTION_COLORS = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["yellow"],
    "#8C6D31",
)
"""Colours of the largest sections, in order of size; the rest are :data:`OTHER_COLOR`."""
OTHER_COLOR = "#BBBBBB"
OTHER_LABEL = "Other sections"
RAW_COLOR = OKABE_ITO["blue"]
GOODS_COLOR = OKABE_ITO["orange"]
RAW_LABEL = "Raw material (HS Section V, base metals of XV)"
GOODS_LABEL = "Manufactures and other goods"
FLOW_WORDS = {"exports": ("exports to", "Exports"), "imports": ("imports from", "Imports")}


def _flow_title(rows: pd.DataFrame, flow: str) -> str:
    """``Kazakhstan's exports to China`` from the rows' reporter and partner, else ``Exports``."""
    noun, word = FLOW_WORDS.get(flow, (flow, flow.capitalize()))
    if {"reporter", "partner"} <= set(rows.columns) and rows["reporter"].nunique() == rows["partner"].nunique() == 1:
        return f"{country_label(rows['reporter'].iloc[0])}'s {noun} {country_label(rows['partner'].iloc[0])}"
    return word


@house_style
def section_shares(df: pd.DataFrame, caption: Caption, *, top: int = 7, title: str | None = None) -> Figure:
    """Each flow's shares by HS section, year by year: stacked bars (to 100%), one panel per flow.

    ``df``: :func:`~tradeviz.measures.products.composition` by section, labelled: ``year``, ``flow``, ``section``,
    ``share`` (0–1), ``description`` (optional: ``reporter``/``partner``, named in the title; ``value_usd_millions``).
    The ``top`` sections with the largest value over all years and flows (share where there is no value) have their
    own colour, in the same order in every panel; the rest are one grey "Other sections".  Axes: one per flow
    (exports first), one bar per year.
    """
    caption = check_caption(caption)
    require_columns(df, ["year", "flow", "section", "share", "description"], "section_shares")
    require_unique(df, ["year", "flow", "section"], "section_shares")
    if not 1 <= top <= len(SECTION_COLORS):
        raise ValueError(f"section_shares: top must be 1–{len(SECTION_COLORS)}, not {top}")
    flows = [f for f in ("exports", "imports") if f in set(df["flow"])] + sorted(
        set(df["flow"]) - {"exports", "imports"}
    )
    size = "value_usd_millions" if "value_usd_millions" in df.columns else "share"
    largest = df.groupby("section")[size].sum().sort_values(ascending=False, kind="stable")
    kept = list(largest.index[:top])
    names = df.drop_duplicates("section").set_index("section")["description"]
    labels = {s: f"{s} {short_description(names[s], 50)}" for s in kept}
    colors = dict(zip(kept, SECTION_COLORS, strict=False))
    fig, axes = new_figure(caption, nrows=len(flows), sharex=True, figsize=(8.0, 1.9 + 2.3 * len(flows)))
    rows_out = []
    for ax, flow in zip(axes, flows, strict=True):
        rows = df[df["flow"].eq(flow)]
        wide = rows.pivot_table(index="year", columns="section", values="share", aggfunc="sum").fillna(0.0) * 100
        wide = wide.sort_index()
        others = wide[[c for c in wide.columns if c not in kept]].sum(axis=1)
        bottom = pd.Series(0.0, index=wide.index)
        panel = f"{FLOW_WORDS.get(flow, (flow, flow.capitalize()))[1]}: share (%)"
        for section in [*kept, OTHER_LABEL]:
            values = others if section == OTHER_LABEL else wide.get(section, pd.Series(0.0, index=wide.index))
            label = OTHER_LABEL if section == OTHER_LABEL else labels[section]
            ax.bar(
                wide.index,
                values,
                bottom=bottom,
                width=0.8,
                color=OTHER_COLOR if section == OTHER_LABEL else colors[section],
                edgecolor="white",
                linewidth=0.4,
                label=wrap(label, 30),
                zorder=2,
            )
            bottom = bottom + values
            rows_out += [(panel, label, int(y), float(v)) for y, v in values.items()]
        ax.set_ylim(0, 100)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: percent_tick(x)))
        ax.set_ylabel(panel)
        ax.grid(axis="x", visible=False)
        ax.set_xticks(list(wide.index), [str(y) for y in wide.index])
    axes[-1].set_xlabel("Year")
    handles, legend_labels = axes[0].get_legend_handles_labels()
    legend_outside(axes[0], handles[::-1], legend_labels[::-1], title="HS section")
    trade = _flow_title(df, "exports").replace("'s exports to", "'s trade with") if len(flows) > 1 else ""
    axes[0].set_title(title or (f"{trade}, by HS section" if trade else _flow_title(df, flows[0])), loc="left")
    table = pd.DataFrame(rows_out, columns=["panel", "series", "x", "value"]).assign(unit="% of the flow")
    setattr(fig, chart_export.DATA_ATTR, table)
    setattr(fig, chart_export.KIND_ATTR, "Stacked bar chart")
    return fig


@house_style
def top_products_bars(df: pd.DataFrame, caption: Caption, *, title: str | None = None, label_width: int = 34) -> Figure:
    """The largest products of one flow in one year: horizontal bars of their value, each labelled with its code
    and description and annotated with value and share; raw materials in their own colour.

    ``df``: :func:`~tradeviz.measures.products.top_products` of one flow and year, labelled: ``rank``,
    ``heading`` (or ``chapter``), ``description``, ``value_usd_millions``, ``share`` (0–1).  Axes: 1; one bar each.
    """
    caption = check_caption(caption)
    code = "heading" if "heading" in df.columns else "chapter"
    require_columns(df, ["rank", code, "description", "value_usd_millions", "share"], "top_products_bars")
    require_unique(df, ["rank"], "top_products_bars")
    for key in ("flow", "year"):
        if key in df.columns and df[key].nunique() > 1:
            raise ValueError(f"top_products_bars: one {key} per chart, got {sorted(df[key].unique())}")
    rows = df.sort_values("rank").reset_index(drop=True)
    fig, (ax,) = new_figure(caption, figsize=(8.0, 1.5 + 0.52 * len(rows)))
    positions = list(range(len(rows)))[::-1]
    raw = rows[code].astype(str).str[:2].isin(RAW_MATERIAL_CHAPTERS)
    what = _flow_title(rows, str(rows["flow"].iloc[0])) if "flow" in rows else "Value"
    series = f"{what}, {int(rows['year'].iloc[0])}" if "year" in rows else what
    colors = raw.map({True: RAW_COLOR, False: GOODS_COLOR})
    ax.barh(positions, rows["value_usd_millions"], color=colors, height=0.7, label=series)
    labels = [
        f"{c} {wrap(short_description(d, 60), label_width)}"
        for c, d in zip(rows[code].astype(str), rows["description"], strict=True)
    ]
    ax.set_yticks(positions, labels, fontsize=8)
    for y, value, share in zip(positions, rows["value_usd_millions"], rows["share"], strict=True):
        ax.annotate(
            f"{format_usd(value, 1)} · {pct(share)}",
            (value, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    top = float(rows["value_usd_millions"].max())
    ax.set_xlim(0, top * 1.3)
    set_usd_axis(ax.xaxis, rows["value_usd_millions"], log=False)
    ax.set_xlabel("Value (US$); labels: value · share of the flow")
    ax.grid(axis="y", visible=False)
    handles = [Patch(color=c) for c, present in ((RAW_COLOR, raw.any()), (GOODS_COLOR, (~raw).any())) if present]
    names = [n for n, present in ((RAW_LABEL, raw.any()), (GOODS_LABEL, (~raw).any())) if present]
    ax.legend(handles, names, loc="lower right", fontsize=8)
    ax.set_title(title or series, loc="left")
    return fig


@house_style
def chapter_sides(df: pd.DataFrame, caption: Caption, *, title: str | None = None) -> Figure:
    """The chapters both sides report, in one year and direction: China's figure and the partner's side by side
    (horizontal bars), annotated with China's ÷ the partner's.

    ``df``: :func:`~tradeviz.measures.products.both_sides` rows of one year and ``china_flow``, labelled:
    ``chapter``, ``description``, ``partner``, ``china_usd_millions``, ``partner_usd_millions``, ``ratio``.
    Axes: 1; two bars per chapter (China's report, the partner's).
    """
    caption = check_caption(caption)
    columns = ["chapter", "description", "partner", "china_usd_millions", "partner_usd_millions", "ratio"]
    require_columns(df, columns, "chapter_sides")
    require_unique(df, ["chapter"], "chapter_sides")
    for key in ("year", "china_flow", "partner"):
        if key in df.columns and df[key].nunique() > 1:
            raise ValueError(f"chapter_sides: one {key} per chart, got {sorted(df[key].unique())}")
    rows = df.sort_values("china_usd_millions", ascending=False).reset_index(drop=True)
    partner = country_label(str(rows["partner"].iloc[0]))
    fig, (ax,) = new_figure(caption, figsize=(8.0, 1.6 + 0.62 * len(rows)))
    positions = pd.Series(range(len(rows))[::-1], dtype=float)
    ax.barh(
        positions + 0.19, rows["china_usd_millions"], height=0.36, color=SIDE_COLORS["china"], label="China's report"
    )
    ax.barh(
        positions - 0.19,
        rows["partner_usd_millions"],
        height=0.36,
        color=SIDE_COLORS["partner"],
        label=f"{partner}'s report",
    )
    ax.set_yticks(
        list(positions),
        [
            f"{c} {wrap(short_description(d, 40), 24)}"
            for c, d in zip(rows["chapter"], rows["description"], strict=True)
        ],
        fontsize=8,
    )
    both = rows[["china_usd_millions", "partner_usd_millions"]].max(axis=1)
    for y, value, ratio in zip(positions, both, rows["ratio"], strict=True):
        text = f"China ÷ {partner}: {fixed(ratio, 2)}" if pd.notna(ratio) else "not comparable"
        ax.annotate(text, (value, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_xlim(0, float(both.max()) * 1.45)
    set_usd_axis(ax.xaxis, both, log=False)
    ax.set_xlabel("Value (US$)")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize=8)
    if title:
        ax.set_title(title, loc="left")
    return fig
