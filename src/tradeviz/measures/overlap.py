"""Statistical series side by side: where UN Comtrade, IMF DOTS and the published figures overlap, whether one may
continue another, growth within one series, and the package's one precedence rule.

Values are million current US$.  Every series is kept *per side*: China's reports (side "china": reporter CHN,
partner one of the five) and the partner's own reports (side "partner": reporter the partner, partner CHN) are
never mixed.  Measures: ``exports`` and ``imports`` are the reporter's flows, ``total`` their sum (only where both
are present).

The precedence rule (:data:`PRECEDENCE`), used wherever one value per year and side must be chosen:

1. **Statistics over press figures.**  A statistical series (UN Comtrade, IMF DOTS: customs records compiled by a
   statistical agency) comes before a published figure (officials and the press quoting customs).
2. **Newer vintage over older.**  Among statistical series, the more recently compiled one comes first: UN
   Comtrade as stored (retrieved after 2022, revised figures) before DOTS (the 2022-02-02 vintage); within one
   series the build already keeps the newest vintage of a year.
3. **Per side.**  The rule picks within China's reports or within the partner's, never across them.

A period whose two ends lie in one series needs no join (:func:`series_growth` takes the first series in
precedence holding both).  When the ends lie in different series, the overlap decides: the two series must both
hold at least one total in the last :data:`OVERLAP_WINDOW` years they share, and every figure they share in those
years (totals and flows) must agree within :data:`OVERLAP_TOLERANCE`.  Otherwise growth across the seam is
refused, naming the years and the size of the gap.  Disagreements are shown, never smoothed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tradeviz import countries
from tradeviz.countries import CHINA, GROUP
from tradeviz.measures import common, growth, published

OVERLAP_TOLERANCE = published.OVERLAP_TOLERANCE
"""|a / b − 1| at which two series agree for a figure: the same 2% as the DOTS–published join
(:data:`tradeviz.measures.published.OVERLAP_TOLERANCE`).  Statistical series are not rounded, so a larger gap is
a revision or a different basis, not rounding."""
OVERLAP_WINDOW = published.OVERLAP_WINDOW
"""Only the last five years two series share decide whether one may continue the other (older ones are shown)."""

COMTRADE = "UN Comtrade"
DOTS = "IMF DOTS"
PUBLISHED = "published"
PRECEDENCE = (COMTRADE, DOTS, PUBLISHED)
"""The one precedence rule (see the module docstring): statistics over press figures, newer vintage over older,
per side.  ``PUBLISHED`` is a press figure; the others are statistical series."""
STATISTICAL = (COMTRADE, DOTS)
MEASURES = ("exports", "imports", "total")
LONG_COLUMNS = [
    "series",
    "side",
    "reporter",
    "partner",
    "year",
    "measure",
    "value_usd_millions",
    "source_ids",
    "figure_id",
]
PUBLISHED_FLOWS = {
    "china": {"china_exports": "exports", "china_imports": "imports", "total_trade": "total"},
    "partner": {"china_exports": "imports", "china_imports": "exports", "total_trade": "total"},
}


def series_label(series: str, side: str, partner: str) -> str:
    """'UN Comtrade (China's reports)', 'IMF DOTS (Kazakhstan's reports)', 'published (China's customs)' ..."""
    whose = countries.name(CHINA) if side == "china" else countries.name(partner)
    if series == PUBLISHED:
        return f"published ({whose}'s {'customs' if side == 'china' else 'statistics'}, press figures)"
    return f"{series} ({whose}'s reports)"


def _long(frame: pd.DataFrame, series: str, value: str = "value_usd_millions") -> pd.DataFrame:
    """Bilateral rows (reporter, partner, year, flow) -> the long layout, with the total where both flows exist."""
    rows = frame.loc[frame["partner"].eq(CHINA) | frame["reporter"].eq(CHINA)]
    rows = rows.loc[~rows["partner"].eq(countries.WORLD)]
    keys = ["reporter", "partner", "year"]
    wide = rows.pivot_table(index=keys, columns="flow", values=value, aggfunc="first").reindex(
        columns=["exports", "imports"]
    )
    ids = rows.groupby(keys)["source_id"].agg(lambda s: common.join_ids(sorted(set(s))))
    wide["total"] = wide["exports"] + wide["imports"]  # NaN unless both flows are present
    out = wide.reset_index().melt(id_vars=keys, value_vars=list(MEASURES), var_name="measure", value_name=value)
    out = out.dropna(subset=[value])
    out["source_ids"] = out.set_index(keys).index.map(ids)
    out["series"] = series
    out["figure_id"] = ""
    out["side"] = np.where(out["reporter"].eq(CHINA), "china", "partner")
    out["partner"] = np.where(out["reporter"].eq(CHINA), out["partner"], out["reporter"])
    return out[LONG_COLUMNS].reset_index(drop=True)


def comtrade_long(comtrade: pd.DataFrame) -> pd.DataFrame:
    """The comtrade table's bilateral totals (commodity TOTAL) in the long layout (series "UN Comtrade")."""
    return _long(comtrade.loc[comtrade["commodity"].eq("TOTAL")], COMTRADE)


def dots_long(trade: pd.DataFrame) -> pd.DataFrame:
    """The DOTS trade table's bilateral rows in the long layout (series "IMF DOTS")."""
    return _long(trade, DOTS)


def published_long(series: pd.DataFrame) -> pd.DataFrame:
    """The published series (published_series table) in the long layout, flows named from the reporter's side.

    Lower bounds ("over US$ X") are left out: a bound is not a value to compare or to grow from.
    """
    rows = series.loc[series["qualifier"].ne("lower_bound")]
    measure = [PUBLISHED_FLOWS[s][m] for s, m in zip(rows["side"], rows["measure"], strict=True)]
    out = pd.DataFrame(
        {
            "series": PUBLISHED,
            "side": rows["side"],
            "reporter": rows["reporter"],
            "partner": rows["partner"],
            "year": rows["year"].astype("int64"),
            "measure": measure,
            "value_usd_millions": rows["value_usd_millions"].astype(float),
            "source_ids": rows["source_id"],
            "figure_id": rows["figure_id"],
        }
    )
    return out.reset_index(drop=True)[LONG_COLUMNS]


OVERLAP_COLUMNS = [
    "side",
    "partner",
    "measure",
    "year",
    "series_a",
    "value_a",
    "series_b",
    "value_b",
    "difference",
    "ratio",
    "agrees",
    "in_window",
    "window_first",
    "source_ids_a",
    "source_ids_b",
    "figure_id_b",
]


def agrees(ratio: pd.Series, tolerance: float = OVERLAP_TOLERANCE) -> pd.Series:
    """The one agreement rule of every overlap table: ``|ratio − 1| ≤ tolerance`` (False where the ratio is NaN)."""
    return (ratio - 1).abs() <= tolerance


def overlap(
    a: pd.DataFrame,
    b: pd.DataFrame,
    *,
    tolerance: float = OVERLAP_TOLERANCE,
    window: int = OVERLAP_WINDOW,
    value: str = "value_usd_millions",
) -> pd.DataFrame:
    """Every (side, partner, measure, year) both long series hold, side by side.

    Columns: side, partner, measure, year, series_a, value_a, series_b, value_b, difference (a − b, in the unit of
    ``value``: million US$ unless another column is named), ratio (a / b), agrees (:func:`agrees`), in_window (year
    among the last ``window`` years the two share for that side and partner), window_first, source_ids_a,
    source_ids_b, figure_id_b (the published figure when b is the published series, else empty).
    """
    keys = ["side", "partner", "measure", "year"]
    names = {
        "series": "series_{}",
        value: "value_{}",
        "source_ids": "source_ids_{}",
        "figure_id": "figure_id_{}",
    }
    left = a.rename(columns={k: v.format("a") for k, v in names.items()}).drop(columns=["reporter", "figure_id_a"])
    right = b.rename(columns={k: v.format("b") for k, v in names.items()}).drop(columns="reporter")
    out = left.merge(right, on=keys, how="inner")
    out["difference"] = out["value_a"] - out["value_b"]
    out["ratio"] = out["value_a"] / out["value_b"]
    out["agrees"] = agrees(out["ratio"], tolerance)
    last = out.groupby(["side", "partner"])["year"].transform("max")
    out["window_first"] = last - window + 1
    out["in_window"] = out["year"] >= out["window_first"]
    order = {m: i for i, m in enumerate(MEASURES)}
    out = out.sort_values(keys, key=lambda s: s.map(order) if s.name == "measure" else s)
    return out[OVERLAP_COLUMNS].reset_index(drop=True)


def comtrade_dots_overlap(comtrade: pd.DataFrame, trade: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    """UN Comtrade (a) against IMF DOTS (b), both sides: China's reports and the partner's (2014–2020 here)."""
    return overlap(comtrade_long(comtrade), dots_long(trade), **kwargs)


def comtrade_published_overlap(comtrade: pd.DataFrame, series: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    """UN Comtrade (a) against the published figures (b), per side (2021–2024 here)."""
    return overlap(comtrade_long(comtrade), published_long(series), **kwargs)


def continuation_check(
    table: pd.DataFrame, partner: str, side: str = "china", *, tolerance: float = OVERLAP_TOLERANCE
) -> dict[str, Any]:
    """May series_b be continued by series_a (or the reverse) for ``partner`` and ``side``?  The overlap decides.

    Returns {partner, side, allowed, reason, window (first, last), disagreements: [{year, measure, value_a, value_b,
    ratio}], largest_gap (max |ratio − 1| in the window)}.
    """
    code = countries.resolve(partner, allow_group=True)
    rows = table.loc[table["partner"].eq(code) & table["side"].eq(side)]
    base: dict[str, Any] = dict(partner=code, side=side, disagreements=[], largest_gap=None, window=None)
    if rows.empty:
        return base | dict(allowed=False, reason="the two series share no year, so they cannot be shown to agree")
    a, b = rows["series_a"].iloc[0], rows["series_b"].iloc[0]
    label_a, label_b = series_label(a, side, code), series_label(b, side, code)
    inside = rows.loc[rows["in_window"]]
    first, last = int(inside["window_first"].iloc[0]), int(inside["year"].max())
    span = f"{first}–{last}" if first != last else str(first)
    base |= dict(window=(first, last), largest_gap=float((inside["ratio"] - 1).abs().max()))
    if not inside["measure"].eq("total").any():
        return base | dict(
            allowed=False,
            reason=f"{label_a} and {label_b} share no total-trade figure in {span}, so they cannot be shown to agree",
        )
    bad = inside.loc[~inside["agrees"]]
    base["disagreements"] = [
        dict(year=int(r.year), measure=r.measure, value_a=float(r.value_a), value_b=float(r.value_b), ratio=r.ratio)
        for r in bad.itertuples()
    ]
    if len(bad):
        listing = "; ".join(
            f"{r.year} {r.measure} {r.value_a:,.1f} vs {r.value_b:,.1f} ({r.ratio - 1:+.1%})" for r in bad.itertuples()
        )
        return base | dict(
            allowed=False,
            reason=f"{label_a} and {label_b} differ by more than {tolerance:.0%} in {span}: {listing}",
        )
    years = ", ".join(str(y) for y in sorted(inside["year"].unique()))
    return base | dict(
        allowed=True,
        reason=f"{label_a} and {label_b} agree within {tolerance:.0%} in every shared figure of {span} ({years}; "
        f"largest gap {base['largest_gap']:.1%})",
    )


def _holdings(long: pd.DataFrame, code: str, side: str) -> dict[str, pd.DataFrame]:
    """Per series (in precedence order), its total-trade rows for the partner and side, indexed by year."""
    rows = long.loc[long["partner"].eq(code) & long["side"].eq(side) & long["measure"].eq("total")]
    return {s: rows.loc[rows["series"].eq(s)].set_index("year") for s in PRECEDENCE}


def series_growth(
    comtrade: pd.DataFrame,
    trade: pd.DataFrame,
    published_table: pd.DataFrame,
    series: pd.DataFrame,
    partner: str,
    start: int,
    end: int,
    *,
    side: str = "china",
    real: bool = False,
    cpi: pd.DataFrame | None = None,
    base_year: int | None = None,
) -> growth.GrowthResult:
    """Growth of total trade between two years, within one statistical series where one holds both ends.

    The series is the first of :data:`PRECEDENCE` holding both years for ``side``: UN Comtrade, then IMF DOTS (for
    DOTS: :func:`tradeviz.measures.growth.growth_summary`).  Otherwise the two ends come from different series and
    the overlap of those two decides (:func:`continuation_check`); a refused join gives status "not computable"
    with the years and the size of the gap.  Periods that only DOTS and the published China-customs figures reach
    keep their own rule (:func:`tradeviz.measures.published.chained_growth`).  The result's ``series`` names
    the series each end was read from and ``chain`` says whether a join was needed.
    """
    common.check_side(side)
    common.check_period(start, end)
    code = countries.resolve(partner, allow_group=True)
    long = pd.concat(
        [comtrade_long(comtrade), dots_long(trade), published_long(series) if side == "china" else None],
        ignore_index=True,
    )
    held = _holdings(long, code, side)
    both = [s for s in STATISTICAL if {start, end} <= set(held[s].index)]
    first = next((s for s in PRECEDENCE if start in held[s].index), None)
    last = next((s for s in PRECEDENCE if end in held[s].index), None)
    if both[:1] == [COMTRADE]:
        result = _result(held, code, side, start, end, COMTRADE, COMTRADE, None, real, cpi, base_year)
        return result.with_details(cautions=revision_cautions(long, code, side, (start, end)))
    if held[COMTRADE].empty or first is None or last is None or both:
        return _dots_or_published(trade, published_table, series, code, start, end, side, real, cpi, base_year)
    a, b = (first, last) if PRECEDENCE.index(first) <= PRECEDENCE.index(last) else (last, first)
    table = overlap(long.loc[long["series"].eq(a)], long.loc[long["series"].eq(b)])
    check = continuation_check(table, code, side)
    return _result(held, code, side, start, end, first, last, check, real, cpi, base_year)


def _dots_or_published(
    trade: pd.DataFrame,
    published_table: pd.DataFrame,
    series: pd.DataFrame,
    code: str,
    start: int,
    end: int,
    side: str,
    real: bool,
    cpi: pd.DataFrame | None,
    base_year: int | None,
) -> growth.GrowthResult:
    """Where UN Comtrade plays no part: DOTS alone, or DOTS joined to the published China-customs figures."""
    dots_last = int(trade["year"].max())
    if max(start, end) <= dots_last:
        result = growth.growth_summary(
            trade, "all" if code == GROUP else code, start, end, side=side, real=real, cpi=cpi, base_year=base_year
        )
        if code != GROUP:
            result = result.with_details(
                series=[series_label(DOTS, side, code)] * 2, chain=dict(joined=False, crosses=False)
            )
        return result
    if real or side != "china":
        raise ValueError(
            f"year {end} is after the IMF DOTS data (1992–{dots_last}); after {dots_last} only China's customs "
            "figures are joined to DOTS, in current dollars: drop --real/--side, or use --published (with "
            "--side partner for the partner's own figures)"
        )
    return published.chained_growth(trade, published_table, series, code, start, end)


def revision_cautions(long: pd.DataFrame, code: str, side: str, years: tuple[int, ...]) -> list[str]:
    """For years read from UN Comtrade: where DOTS holds the same total and differs by more than the tolerance."""
    table = overlap(long.loc[long["series"].eq(COMTRADE)], long.loc[long["series"].eq(DOTS)])
    rows = table.loc[
        table["partner"].eq(code)
        & table["side"].eq(side)
        & table["measure"].eq("total")
        & table["year"].isin(years)
        & ~table["agrees"]
    ]
    return [
        f"{r.year}: {series_label(COMTRADE, side, code)} total {r.value_a:,.1f} vs {series_label(DOTS, side, code)} "
        f"{r.value_b:,.1f} ({r.ratio - 1:+.1%}); the two differ there by more than {OVERLAP_TOLERANCE:.0%}"
        for r in rows.itertuples()
    ]


def _result(
    held: dict[str, pd.DataFrame],
    code: str,
    side: str,
    start: int,
    end: int,
    first: str,
    last: str,
    check: dict[str, Any] | None,
    real: bool,
    cpi: pd.DataFrame | None,
    base_year: int | None,
) -> growth.GrowthResult:
    labels = [series_label(first, side, code), series_label(last, side, code)]
    refused = check is not None and not check["allowed"]
    v0, v1 = (float(held[s].at[y, "value_usd_millions"]) for s, y in ((first, start), (last, end)))
    ids = sorted({i for s, y in ((first, start), (last, end)) for i in str(held[s].at[y, "source_ids"]).split("; ")})
    figures = [str(held[s].at[y, "figure_id"]) for s, y in ((first, start), (last, end))]
    chain: dict[str, Any] = dict(
        joined=check is not None, crosses=check is not None, figure_ids=[f for f in figures if f]
    )
    if check is not None:
        chain |= dict(
            overlap_check=check["reason"],
            window=check["window"],
            largest_gap=check["largest_gap"],
            disagreements=check["disagreements"],
            tolerance=OVERLAP_TOLERANCE,
        )
    reason = ""
    if check is not None and refused:
        reason = f"the period crosses from {labels[0]} ({start}) to {labels[1]} ({end}), and {check['reason']}"
    return growth.growth_result(
        code=code,
        name=countries.name(code),
        start=start,
        end=end,
        start_value=np.nan if refused else v0,
        end_value=np.nan if refused else v1,
        source=first if first == last else f"{first} + {last}",
        side=side,
        source_ids=[] if refused else ids,
        measure="total_trade",
        reason=reason,
        real=real,
        cpi=cpi,
        base_year=base_year,
        extra={"series": labels, "chain": chain},
    )


def wits_check(
    wits_totals: pd.DataFrame, comtrade: pd.DataFrame, *, tolerance: float = OVERLAP_TOLERANCE
) -> pd.DataFrame:
    """The WITS HS-4 sums against the UN Comtrade totals of Kazakhstan's reports, per year, partner and flow.

    Columns: year, partner, flow, wits_usd_millions, hs4_rows, comtrade_usd_millions, difference (WITS −
    Comtrade), ratio, agrees (``|ratio − 1| ≤ tolerance``).  Only years both hold.
    """
    totals = comtrade.loc[comtrade["reporter"].eq("KAZ") & comtrade["commodity"].eq("TOTAL")]
    out = wits_totals.rename(columns={"value_usd_millions": "wits_usd_millions"}).merge(
        totals[["year", "partner", "flow", "value_usd_millions"]].rename(
            columns={"value_usd_millions": "comtrade_usd_millions"}
        ),
        on=["year", "partner", "flow"],
        how="inner",
    )
    out["difference"] = out["wits_usd_millions"] - out["comtrade_usd_millions"]
    out["ratio"] = out["wits_usd_millions"] / out["comtrade_usd_millions"]
    out["agrees"] = agrees(out["ratio"], tolerance)
    columns = ["year", "partner", "flow", "wits_usd_millions", "hs4_rows", "comtrade_usd_millions", "difference"]
    return out[columns + ["ratio", "agrees"]].sort_values(["partner", "flow", "year"]).reset_index(drop=True)
