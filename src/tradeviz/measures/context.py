"""Real terms and context: deflation by the US CPI, trade per head and to GDP, borders and the Belt and Road."""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from tradeviz.countries import CHINA, FIVE, GROUP, WORLD
from tradeviz.measures.common import (
    VALUE,
    MetricWarning,
    check_period,
    check_years,
    growth_arrays,
    join_ids,
    require,
    select,
    status,
    union_ids,
    warn,
    with_ids,
)
from tradeviz.measures.growth import growth_between
from tradeviz.measures.panels import partner_panel, resolve_members, side_label, total_trade

# --------------------------------------------------------------------------- real terms and context


def _relative(
    trade: pd.DataFrame,
    context: pd.DataFrame,
    column: str,
    partner: str | Iterable[str],
    side: str,
    out_col: str,
    scale: float,
) -> pd.DataFrame:
    """Trade (US$ millions × 1e6 → US$) over the members' summed ``column``, × ``scale``."""
    require(context, ("country", "year", column), f"{column} table")
    members, _, _ = resolve_members(partner)
    series = total_trade(trade, partner, side)
    ctx = context.loc[context["country"].isin(members)].groupby("year")[column]
    denominator = ctx.sum(min_count=1).where(ctx.count().eq(len(members)))  # all members or nothing
    series[column] = denominator.reindex(series["year"]).to_numpy()
    reason = select(
        [series["total"].isna(), series[column].isna(), series[column] <= 0],
        ["trade incomplete or missing", f"{column} missing for a member", f"{column} is zero"],
    )
    warn(reason[series["total"].notna().to_numpy()], out_col)  # missing trade is already flagged upstream
    with np.errstate(divide="ignore", invalid="ignore"):
        series[out_col] = np.where(reason == "", series["total"] * 1e6 / series[column] * scale, np.nan)
    series["reason"] = reason
    series["source_ids"] = with_ids(series, context.get("source_id", []))
    return series[["year", "partner", "side", "total", column, out_col, "reason", "source_ids"]]


def trade_per_capita(
    trade: pd.DataFrame, population: pd.DataFrame, partner: str | Iterable[str] = "all", side: str = "china"
) -> pd.DataFrame:
    """Trade per person, US$: total (US$ millions) × 1e6 / population (persons, summed over the group)."""
    return _relative(trade, population, "population", partner, side, "trade_per_capita_usd", 1.0)


def trade_to_gdp(
    trade: pd.DataFrame, gdp: pd.DataFrame, partner: str | Iterable[str] = "all", side: str = "china"
) -> pd.DataFrame:
    """Trade as % of the partner's GDP: 100 × total (US$ millions) × 1e6 / GDP.

    GDP is in current US$ (not millions), summed over the group's members.
    """
    return _relative(trade, gdp, "gdp_usd", partner, side, "trade_pct_gdp", 100.0)


# --------------------------------------------------------------------------- group comparisons


def border_comparison(
    trade: pd.DataFrame, borders: pd.DataFrame, start: int, end: int, side: str = "china"
) -> pd.DataFrame:
    """Multiple and CAGR of summed total trade, partners bordering China vs not, ``start`` → ``end``.

    One row per group (bordering, non-bordering) with its members and the :func:`growth_between` columns.
    """
    require(borders, ("country", "borders_china"), "borders table")
    flags = borders.loc[borders["country"].isin(FIVE)].set_index("country")["borders_china"].astype(bool)
    groups = {"bordering": flags.index[flags].tolist(), "non-bordering": flags.index[~flags].tolist()}
    series = pd.concat(
        total_trade(trade, members, side).assign(group=name, members=", ".join(members))
        for name, members in groups.items()
        if members
    )
    check_years(series["year"], side_label("each group", side), start, end)
    series["source_ids"] = with_ids(series, borders.get("source_id", []))
    return growth_between(series, start, end, by=["group", "members", "side"])


def bri_comparison(
    trade: pd.DataFrame, bri: pd.DataFrame, side: str = "china", start: int | None = None, end: int | None = None
) -> pd.DataFrame:
    """CAGR of each partner's total trade before vs after its first BRI cooperation document.

    For first-document year b: before = CAGR from ``start`` (default first data year) to b, after =
    CAGR from b to ``end`` (default last data year).  Countries without a dated document, or whose
    document falls outside (start, end), are kept with status "not computable" and the reason.
    Only the five's own rows count: the CA5 row (the 2013 proposal) is not a cooperation document.
    Benchmark: ``world_cagr_before``/``world_cagr_after`` = CAGR of China's reported trade with the world
    over the same two periods, and ``excess_before``/``excess_after`` = partner CAGR − world CAGR
    (percentage points as fractions), so a China-wide slowdown is not read as a BRI effect.
    """
    require(bri, ("country", "year"), "BRI table")
    panel = partner_panel(trade, FIVE, side, GROUP)
    lo, hi = int(panel["year"].min()), int(panel["year"].max())
    start, end = lo if start is None else start, hi if end is None else end
    check_years(panel["year"], side_label(GROUP, side), start, end)
    check_period(start, end)
    dated = bri.loc[bri["country"].isin(FIVE)]
    first = dated.groupby("country")["year"].min().reindex(list(FIVE)).astype("Float64")
    listed = pd.Series(FIVE, index=list(FIVE)).isin(dated["country"])
    pivot = first.to_numpy(dtype=float, na_value=np.nan)
    totals = panel.set_index(["year", "country"])["total"]

    def at(years: np.ndarray) -> np.ndarray:
        index = pd.MultiIndex.from_arrays([np.nan_to_num(years, nan=-1).astype(int), list(FIVE)])
        return totals.reindex(index).to_numpy()

    before = growth_arrays(at(np.full(5, start)), at(pivot), pivot - start)
    after = growth_arrays(at(pivot), at(np.full(5, end)), end - pivot)
    world = trade.loc[trade["reporter"].eq(CHINA) & trade["partner"].eq(WORLD)].groupby("year")[VALUE].sum()

    def world_at(years: np.ndarray) -> np.ndarray:
        return world.reindex(np.nan_to_num(years, nan=-1).astype(int)).to_numpy(dtype=float)

    with warnings.catch_warnings():  # a missing world total only leaves the benchmark NaN
        warnings.simplefilter("ignore", MetricWarning)
        world_before = growth_arrays(world_at(np.full(5, start)), world_at(pivot), pivot - start)[1]
        world_after = growth_arrays(world_at(pivot), world_at(np.full(5, end)), end - pivot)[1]
    reason = np.select(
        [~listed.to_numpy(), np.isnan(pivot), pivot <= start, pivot >= end],
        [
            "no row in the BRI table",
            "no dated BRI cooperation document in the sources",
            [f"first document ({p:.0f}) is not after the start year ({start}): no 'before' period" for p in pivot],
            [f"first document ({p:.0f}) is not before the end year ({end}): no 'after' period" for p in pivot],
        ],
        default=np.where(
            before[2] != "",
            "before: " + np.asarray(before[2], dtype=object),
            np.where(after[2] != "", "after: " + np.asarray(after[2], dtype=object), ""),
        ),
    )
    ok = reason == ""
    warn(reason, "before/after-BRI CAGR")
    ids = panel.groupby("country")["source_ids"].agg(join_ids).reindex(list(FIVE)).fillna("")
    bri_ids = dated.groupby("country")["source_id"].agg(join_ids) if "source_id" in dated else pd.Series(dtype=object)
    return pd.DataFrame(
        {
            "country": list(FIVE),
            "side": side,
            "first_document_year": first.astype("Int64").array,
            "start_year": start,
            "end_year": end,
            "cagr_before": np.where(ok, before[1], np.nan),
            "cagr_after": np.where(ok, after[1], np.nan),
            "world_cagr_before": np.where(ok, world_before, np.nan),
            "world_cagr_after": np.where(ok, world_after, np.nan),
            "excess_before": np.where(ok, before[1] - world_before, np.nan),
            "excess_after": np.where(ok, after[1] - world_after, np.nan),
            "status": status(reason),
            "reason": reason,
            "source_ids": union_ids(ids, bri_ids.reindex(list(FIVE))).to_numpy(),
        }
    )
