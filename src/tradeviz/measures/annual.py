"""The annual series per partner, side and measure as the package's one precedence rule chooses them, and one
reporter's flows series by series (where a series breaks).

The rule itself (statistics over press figures, newer vintage over older, per side) is written once, in
:mod:`tradeviz.measures.overlap` (:data:`~tradeviz.measures.overlap.PRECEDENCE`); this module applies it year by
year.  Values are million current US$.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from tradeviz import countries
from tradeviz.countries import CHINA, FIVE, GROUP
from tradeviz.measures import common
from tradeviz.measures.overlap import (
    COMTRADE,
    DOTS,
    KINDS,
    MEASURES,
    PRECEDENCE,
    SIDES,
    comtrade_long,
    dots_long,
    published_long,
    series_label,
)

ANNUAL_COLUMNS = [
    "partner",
    "side",
    "year",
    "measure",
    "value_usd_millions",
    "series",
    "kind",
    "label",
    "source_id",
    "figure_id",
]


@common.memoised
def annual_series(
    comtrade: pd.DataFrame,
    trade: pd.DataFrame,
    series: pd.DataFrame,
    partner: str | Iterable[str] | None = None,
    *,
    sides: Sequence[str] = SIDES,
) -> pd.DataFrame:
    """The annual series per partner, side and measure, each year's values from the series the precedence rule
    chooses (:data:`PRECEDENCE`: statistics over press figures, newer vintage over older, per side).

    ``partner``: a code or name, a list of codes, or None for the five and ``CA5`` (the five together: IMF DOTS,
    China's reports, then the published China-customs totals; no UN Comtrade series covers all five).
    DOTS flows the IMF estimated instead of the reporter are left out (not the reporter's own figures).

    Columns (:data:`ANNUAL_COLUMNS`): partner, side, year, measure (exports/imports/total, the reporter's flows),
    value_usd_millions, series (the chosen one), kind ("statistics" or "press"), label (:func:`series_label`),
    source_id (the vintage: e.g. ``imf-dots-2022-02-02``), figure_id (the published figure, else empty).  One row
    per partner, side, year and measure; a year no series holds has no row (never filled).
    """
    codes = (
        list(FIVE) + [GROUP]
        if partner is None
        else [countries.resolve(partner, allow_group=True)]
        if isinstance(partner, str)
        else [countries.resolve(p, allow_group=True) for p in partner]
    )
    for side in sides:
        common.check_side(side)
    long = pd.concat(
        [
            comtrade_long(comtrade),
            dots_long(trade, include_group=GROUP in codes, estimates=False),
            published_long(series),
        ],
        ignore_index=True,
    )
    long = long.loc[long["partner"].isin(codes) & long["side"].isin(list(sides))].copy()
    long["rank"] = long["series"].map({s: i for i, s in enumerate(PRECEDENCE)})
    chosen = long.groupby(["partner", "side", "year"])["rank"].transform("min")
    out = long.loc[long["rank"].eq(chosen)].copy()
    out["kind"] = out["series"].map(KINDS)
    out["label"] = [series_label(s, d, p) for s, d, p in zip(out["series"], out["side"], out["partner"], strict=True)]
    out = out.rename(columns={"source_ids": "source_id"})
    order = {c: i for i, c in enumerate(list(FIVE) + [GROUP])}
    measures = {m: i for i, m in enumerate(MEASURES)}
    out = out.sort_values(
        ["partner", "side", "year", "measure"],
        key=lambda s: s.map(order) if s.name == "partner" else s.map(measures) if s.name == "measure" else s,
    )
    return out[ANNUAL_COLUMNS].reset_index(drop=True)


def series_spans(annual: pd.DataFrame) -> pd.DataFrame:
    """The stretches of :func:`annual_series` drawn from one series: partner, side, series, kind, label, first,
    last (years; a series chosen again after another starts a new stretch).  What a chart caption names."""
    rows = annual.drop_duplicates(["partner", "side", "year"]).sort_values(["partner", "side", "year"])
    change = rows["series"].ne(rows.groupby(["partner", "side"])["series"].shift())
    rows = rows.assign(stretch=change.cumsum())
    out = rows.groupby("stretch").agg(
        partner=("partner", "first"),
        side=("side", "first"),
        series=("series", "first"),
        kind=("kind", "first"),
        label=("label", "first"),
        first=("year", "min"),
        last=("year", "max"),
    )
    return out.reset_index(drop=True)


def last_statistical_year(annual: pd.DataFrame, partner: str, side: str = "china") -> int | None:
    """The last year a statistical series holds for ``partner`` and ``side`` in :func:`annual_series` (None: none)."""
    rows = annual.loc[annual["partner"].eq(partner) & annual["side"].eq(side) & annual["kind"].eq("statistics")]
    return int(rows["year"].max()) if len(rows) else None


COVERAGE_SERIES = {"dots": DOTS, "comtrade": COMTRADE, "wits": "WITS"}


def reporter_coverage(
    comtrade: pd.DataFrame,
    wits_totals: pd.DataFrame,
    partner_trade: pd.DataFrame,
    reporter: str = "KAZ",
    flow: str = "imports",
) -> pd.DataFrame:
    """One reporter's ``flow`` with China and with the world, year by year, as each statistical series holds it.

    Columns: year; ``<series>_china`` and ``<series>_world`` for series dots (IMF DOTS, the partner_trade table),
    comtrade (UN Comtrade, commodity TOTAL) and wits (WITS HS-4 sums), million US$ (NaN where a series lacks the
    year); ``china_share_<series>`` (China ÷ world); ``comtrade_vs_dots_china`` and ``comtrade_vs_dots_world``
    (UN Comtrade ÷ DOTS).  A change of coverage that is not about China shows in the world columns too; a change
    of partner attribution (country of origin against country of consignment) would move imports between
    partners and leave the world total alone.
    """
    code = countries.resolve(reporter)
    out = pd.DataFrame(index=pd.Index([], name="year", dtype="int64"))
    frames = {
        "dots": partner_trade.loc[partner_trade["reporter"].eq(code) & partner_trade["flow"].eq(flow)],
        "comtrade": comtrade.loc[
            comtrade["reporter"].eq(code) & comtrade["flow"].eq(flow) & comtrade["commodity"].eq("TOTAL")
        ],
        "wits": wits_totals.loc[wits_totals["reporter"].eq(code) & wits_totals["flow"].eq(flow)],
    }
    columns = {}
    for key, rows in frames.items():
        for partner, suffix in ((CHINA, "china"), (countries.WORLD, "world")):
            columns[f"{key}_{suffix}"] = (
                rows.loc[rows["partner"].eq(partner)].groupby("year")["value_usd_millions"].sum()
            )
    out = pd.DataFrame(columns).sort_index()
    out.index = out.index.astype("int64")
    out.index.name = "year"
    for key in frames:
        out[f"china_share_{key}"] = out[f"{key}_china"] / out[f"{key}_world"]
    out["comtrade_vs_dots_china"] = out["comtrade_china"] / out["dots_china"]
    out["comtrade_vs_dots_world"] = out["comtrade_world"] / out["dots_world"]
    return out.reset_index()
