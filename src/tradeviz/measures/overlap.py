"""Statistical series side by side, the package's one precedence rule, and the one way series are joined.

Values are million current US$.  Every series is kept *per side*: China's reports (side "china": reporter CHN,
partner one of the five) and the partner's own reports (side "partner": reporter the partner, partner CHN) are
never mixed.  Measures: ``exports`` and ``imports`` are the reporter's flows, ``total`` their sum (only where both
are present).  The series (:data:`PRECEDENCE`): UN Comtrade (:data:`COMTRADE`, the ``comtrade`` table, China's and
Kazakhstan's reports of their mutual trade 2014–2024), IMF DOTS (:data:`DOTS`, the ``trade`` table, 1992–2020)
and the published figures (:data:`PUBLISHED`, press figures: officials and the press quoting customs or a
statistics office; the ``published_series`` table for values, every full-year figure of ``published`` as
evidence in an overlap).

**The precedence rule** (:data:`PRECEDENCE`), the one rule wherever the package picks one value per year and side
(:func:`tradeviz.measures.annual.annual_series`, the charts drawn from it, ``tradeviz growth`` through
:func:`series_growth`):

1. **Statistics over press figures.**  A statistical series (UN Comtrade, IMF DOTS: customs records compiled by a
   statistical agency; ``kind`` "statistics") comes before a published figure (``kind`` "press").
2. **Newer vintage over older.**  Among statistical series, the more recently compiled one comes first: UN
   Comtrade as stored (retrieved after 2022, revised figures) before DOTS (the 2022-02-02 vintage); within one
   series the build already keeps the newest vintage of a year (each row's ``source_id`` names it).
3. **Per side.**  The rule picks within China's reports or within the partner's, never across them.

For a year, the first series in that order holding any figure for the partner and side supplies every measure
of that year (flows of one year are never taken from two series).

**Joining series** (:func:`series_growth`, the one join path).  A period whose two ends lie in one statistical series
needs no join: it is computed in the first statistical series, in the order above, that holds both ends (two
press-figure ends, where no statistical series holds either, need none either).  When the ends lie in
different series, the overlap decides (:func:`join_check`): the window is the last :data:`OVERLAP_WINDOW` years of
the series that ends first (the years just before the seam); the two must share at least one total in it, and
every figure they share in it (totals and flows) must agree within :data:`OVERLAP_TOLERANCE`.  Otherwise growth
across the seam is refused, naming the years and the size of the gap.  Disagreements are shown, never smoothed.
Press figures join China's side only, and in current dollars.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from tradeviz import countries
from tradeviz.countries import CHINA, GROUP
from tradeviz.measures import common, growth, panels

OVERLAP_TOLERANCE = 0.02
"""|a / b − 1| at which two series agree for a figure.  Press figures are rounded to 0.1 billion (up to 1.7% of a
US$3 billion total) and a series may hold a later revision; 2% allows for both and no more.  Statistical series are
not rounded, so a larger gap between two of them is a revision or a different basis, not rounding."""
OVERLAP_WINDOW = 5
"""Only the last five years before a seam decide whether one series may continue another (older ones are shown)."""

COMTRADE = "UN Comtrade"
DOTS = "IMF DOTS"
PUBLISHED = "published"
PRECEDENCE = (COMTRADE, DOTS, PUBLISHED)
"""The one precedence rule (see the module docstring): statistics over press figures, newer vintage over older,
per side.  ``PUBLISHED`` is a press figure; the others are statistical series."""
STATISTICAL = (COMTRADE, DOTS)
Kind = Literal["statistics", "press"]
KINDS: dict[str, Kind] = {COMTRADE: "statistics", DOTS: "statistics", PUBLISHED: "press"}
"""What each series is: ``statistics`` (drawn as lines) or ``press`` (drawn as markers)."""
MEASURES = ("exports", "imports", "total")
SIDES = ("china", "partner")
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
    """'UN Comtrade (China's reports)', 'IMF DOTS (Kazakhstan's reports)', 'published (China's customs, ...)' ..."""
    whose = countries.name(CHINA) if side == "china" else countries.name(partner)
    if series == PUBLISHED:
        return f"published ({whose}'s {'customs' if side == 'china' else 'statistics'}, press figures)"
    return f"{series} ({whose}'s reports)"


def _long(frame: pd.DataFrame, series: str, value: str = "value_usd_millions") -> pd.DataFrame:
    """Bilateral rows (reporter, partner, year, flow) -> the long layout, with the total where both flows exist.

    Per (reporter, partner, year), sorted: each flow's first non-missing value, total = exports + imports, the
    joined source ids of all its rows; rows measure by measure (exports, imports, total), none for a missing value.
    """
    rows = frame.loc[(frame["partner"].eq(CHINA) | frame["reporter"].eq(CHINA)) & ~frame["partner"].eq(countries.WORLD)]
    keys = ["reporter", "partner", "year"]
    grouped = rows.groupby(keys, sort=True)
    index = grouped.size().index
    group = grouped.ngroup().to_numpy()
    values = rows[value].to_numpy(dtype=float)
    flows = rows["flow"].to_numpy()
    by_flow = []
    for flow in ("exports", "imports"):
        picked = np.flatnonzero((flows == flow) & ~np.isnan(values))
        first, at = np.unique(group[picked], return_index=True)  # rows are in frame order: the first per group
        column = np.full(len(index), np.nan)
        column[first] = values[picked[at]]
        by_flow.append(column)
    exports, imports = by_flow
    ids = common.join_ids_by_group(group, len(index), rows["source_id"])
    stacked = np.concatenate([exports, imports, exports + imports])
    keep = ~np.isnan(stacked)
    position = np.tile(np.arange(len(index)), len(MEASURES))[keep]
    reporter = index.get_level_values("reporter").to_numpy()[position]
    partner = index.get_level_values("partner").to_numpy()[position]
    from_china = reporter == CHINA
    out = pd.DataFrame(
        {
            "series": series,
            "side": np.where(from_china, "china", "partner"),
            "reporter": reporter,
            "partner": np.where(from_china, partner, reporter),
            "year": index.get_level_values("year")[position],
            "measure": np.repeat(np.array(MEASURES, dtype=object), len(index))[keep],
            value: stacked[keep],
            "source_ids": ids[position],
            "figure_id": "",
        }
    )
    return out[LONG_COLUMNS].reset_index(drop=True)


@common.memoised
def comtrade_long(comtrade: pd.DataFrame) -> pd.DataFrame:
    """The comtrade table's bilateral totals (commodity TOTAL) in the long layout (series "UN Comtrade")."""
    return _long(comtrade.loc[comtrade["commodity"].eq("TOTAL")], COMTRADE)


@common.memoised
def dots_long(trade: pd.DataFrame, *, include_group: bool = False, estimates: bool = True) -> pd.DataFrame:
    """The DOTS trade table's bilateral rows in the long layout (series "IMF DOTS").

    ``include_group``: add the five together (``CA5``, China's reports; years where all five are reported).
    ``estimates=False`` leaves out flows the IMF estimated instead of the reporter (``imf_estimate``): they are
    not the reporter's own figures.
    """
    rows = trade if estimates or "imf_estimate" not in trade else trade.loc[~trade["imf_estimate"].astype(bool)]
    out = _long(rows, DOTS)
    if not include_group:
        return out
    five = panels.total_trade(trade, "all", "china")
    five = five.loc[five["complete"]].melt(
        id_vars=["year", "source_ids"], value_vars=list(MEASURES), var_name="measure", value_name="value_usd_millions"
    )
    group = five.assign(series=DOTS, side="china", reporter=CHINA, partner=GROUP, figure_id="")
    return pd.concat([out, group[LONG_COLUMNS]], ignore_index=True)


@common.memoised
def published_long(series: pd.DataFrame) -> pd.DataFrame:
    """Published figures in the long layout, flows named from the reporter's side (series "published").

    ``series`` is the published_series table (one figure per year, partner, side and measure: the values), or
    :func:`published_evidence` of the published table (every figure: the evidence in an overlap).  Lower bounds
    ("over US$ X") are left out: a bound is not a value to compare or to grow from.
    """
    rows = series.loc[series["qualifier"].ne("lower_bound") & series["side"].isin(SIDES)]
    measure = [PUBLISHED_FLOWS[s][m] for s, m in zip(rows["side"], rows["measure"], strict=True)]
    out = pd.DataFrame(
        {
            "series": PUBLISHED,
            "side": rows["side"],
            "reporter": np.where(rows["side"].eq("china"), CHINA, rows["partner"]),
            "partner": rows["partner"],
            "year": rows["year"].astype("int64"),
            "measure": measure,
            "value_usd_millions": rows["value_usd_millions"].astype(float),
            "source_ids": rows["source_id"],
            "figure_id": rows["figure_id"],
        }
    )
    return out.reset_index(drop=True)[LONG_COLUMNS]


@common.memoised
def published_evidence(published: pd.DataFrame) -> pd.DataFrame:
    """Every full-year US$ figure of the published table whose page names China's customs or the partner's own
    statistics (sides "china"/"partner"), exact or approximate, in the published_series layout.

    This, not only the one figure per year that the series keeps, is what an overlap compares: a join is allowed
    only if every such figure agrees.  Figures whose page names no statistical source (side "unstated") decide
    nothing.
    """
    rows = published.loc[
        published["side"].isin(SIDES)
        & published["period"].eq("full_year")
        & published["value_usd_millions"].notna()
        & published["qualifier"].ne("lower_bound")
    ]
    return rows.reset_index(drop=True)


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
    "window_last",
    "source_ids_a",
    "source_ids_b",
    "figure_id_b",
]


def _windows(a: pd.DataFrame, b: pd.DataFrame, window: int) -> pd.DataFrame:
    """Per side and partner: the last ``window`` years of whichever of the two series ends first."""
    ends = pd.concat(
        [a.groupby(["side", "partner"])["year"].max(), b.groupby(["side", "partner"])["year"].max()], axis=1
    )
    last = ends.min(axis=1).dropna().astype("int64").rename("window_last")
    return pd.DataFrame({"window_first": last - window + 1, "window_last": last}).reset_index()


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
    among the last ``window`` years of the series that ends first: the years just before the seam), window_first,
    window_last, source_ids_a, source_ids_b, figure_id_b (the published figure when b is the published series, else
    empty).
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
    out = left.merge(right, on=keys, how="inner").merge(_windows(a, b, window), on=["side", "partner"], how="left")
    out["difference"] = out["value_a"] - out["value_b"]
    out["ratio"] = out["value_a"] / out["value_b"]
    out["agrees"] = agrees(out["ratio"], tolerance)
    out["in_window"] = out["year"].between(out["window_first"], out["window_last"])
    order = {m: i for i, m in enumerate(MEASURES)}
    out = out.sort_values(keys + ["figure_id_b"], key=lambda s: s.map(order) if s.name == "measure" else s)
    return out[OVERLAP_COLUMNS].reset_index(drop=True)


@common.memoised
def comtrade_dots_overlap(comtrade: pd.DataFrame, trade: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    """UN Comtrade (a) against IMF DOTS (b), both sides: China's reports and the partner's (2014–2020 here)."""
    return overlap(comtrade_long(comtrade), dots_long(trade), **kwargs)


@common.memoised
def comtrade_published_overlap(comtrade: pd.DataFrame, published: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    """UN Comtrade (a) against the published figures (b), per side (2021–2024 here).

    ``published``: the published table (every full-year figure is compared, :func:`published_evidence`) or the
    published_series table (the one figure per year it keeps)."""
    evidence = published_evidence(published) if "period" in published else published
    return overlap(comtrade_long(comtrade), published_long(evidence), **kwargs)


def continuation_check(
    table: pd.DataFrame,
    partner: str,
    side: str = "china",
    *,
    tolerance: float = OVERLAP_TOLERANCE,
    series: tuple[str, str] | None = None,
    window: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """May one series continue the other for ``partner`` and ``side``?  The overlap decides (the one join rule).

    ``table``: an :func:`overlap` table.  ``series`` and ``window`` name the pair and the years before the seam
    when the table holds no row for the partner (otherwise they are read from it).
    Returns {partner, side, allowed, reason, window (first, last), disagreements: [{year, measure, value_a, value_b,
    ratio}], largest_gap (max |ratio − 1| in the window)}.
    """
    code = countries.resolve(partner, allow_group=True)
    rows = table.loc[table["partner"].eq(code) & table["side"].eq(side)]
    base: dict[str, Any] = dict(partner=code, side=side, disagreements=[], largest_gap=None, window=window)
    if len(rows):
        series = (str(rows["series_a"].iloc[0]), str(rows["series_b"].iloc[0]))
        window = (int(rows["window_first"].iloc[0]), int(rows["window_last"].iloc[0]))
        base["window"] = window
    if series is None or window is None:
        return base | dict(allowed=False, reason="the two series share no year, so they cannot be shown to agree")
    label_a, label_b = series_label(series[0], side, code), series_label(series[1], side, code)
    first, last = window
    span = f"{first}–{last}" if first != last else str(first)
    inside = rows.loc[rows["in_window"]]
    if not inside["measure"].eq("total").any():
        return base | dict(
            allowed=False,
            reason=f"{label_a} and {label_b} share no total-trade figure for {countries.name(code)} in {span} "
            f"(the last {last - first + 1} years before the seam), so the two series cannot be shown to agree",
        )
    base["largest_gap"] = float((inside["ratio"] - 1).abs().max())
    bad = inside.loc[~inside["agrees"].astype(bool)]
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


def join_check(
    a: pd.DataFrame, b: pd.DataFrame, partner: str, side: str = "china", *, tolerance: float = OVERLAP_TOLERANCE
) -> dict[str, Any]:
    """May long series ``a`` and ``b`` be joined for ``partner`` and ``side``?  :func:`continuation_check` on
    their :func:`overlap`, with the pair and the window known even when they share no year.  The result also
    holds ``table`` (the overlap rows of the partner and side) and ``evidence`` (the figure ids in the window)."""
    code = countries.resolve(partner, allow_group=True)
    table = overlap(a, b, tolerance=tolerance)
    table = table.loc[table["partner"].eq(code) & table["side"].eq(side)].reset_index(drop=True)
    windows = _windows(a, b, OVERLAP_WINDOW)
    mine = windows.loc[windows["partner"].eq(code) & windows["side"].eq(side)]
    window = (int(mine["window_first"].iloc[0]), int(mine["window_last"].iloc[0])) if len(mine) else None
    pair = (str(a["series"].iloc[0]), str(b["series"].iloc[0])) if len(a) and len(b) else None
    check = continuation_check(table, code, side, tolerance=tolerance, series=pair, window=window)
    inside = table.loc[table["in_window"]]
    check["evidence"] = [f for f in inside["figure_id_b"] if f]
    check["table"] = table
    return check


def _holdings(long: pd.DataFrame, code: str, side: str) -> dict[str, pd.DataFrame]:
    """Per series (in precedence order), its total-trade rows for the partner and side, indexed by year."""
    rows = long.loc[long["partner"].eq(code) & long["side"].eq(side) & long["measure"].eq("total")]
    return {s: rows.loc[rows["series"].eq(s)].set_index("year") for s in PRECEDENCE}


def series_growth(
    comtrade: pd.DataFrame,
    trade: pd.DataFrame,
    published_table: pd.DataFrame | Callable[[], pd.DataFrame],
    series: pd.DataFrame,
    partner: str,
    start: int,
    end: int,
    *,
    side: str = "china",
    real: bool = False,
    cpi: pd.DataFrame | None = None,
    base_year: int | None = None,
    within: Sequence[str] = PRECEDENCE,
) -> growth.GrowthResult:
    """Growth of total trade between two years: the package's one join path (see the module docstring).

    Within one statistical series where one holds both ends: the first of :data:`PRECEDENCE` (restricted to
    ``within``) that does (IMF DOTS: :func:`tradeviz.measures.growth.growth_summary`).  Otherwise each end comes
    from the first series holding it (press figures only where no statistical series does; two press ends need
    no join) and their overlap decides (:func:`join_check`; published figures as evidence are every
    full-year figure of the published table).  A refused join gives status "not computable" with the years and
    the size of the gap.  Press figures take part on China's side only and in current dollars.  The result's
    ``series`` names the series each end was read from, ``chain`` whether a join was needed and which check
    allowed it (``basis``: the series of each end year).  ``published_table`` may be a function returning it
    (e.g. ``data.load_published``): it is then read only where a join with press figures needs the evidence.
    """
    common.check_side(side)
    common.check_period(start, end)
    code = countries.resolve(partner, allow_group=True)
    names = [s for s in PRECEDENCE if s in within and (s != PUBLISHED or side == "china")]
    long = pd.concat(
        [
            comtrade_long(comtrade) if COMTRADE in names else None,
            dots_long(trade, include_group=code == GROUP) if DOTS in names else None,
            published_long(series) if PUBLISHED in names else None,
        ],
        ignore_index=True,
    )
    held = _holdings(long, code, side)
    dots_last = int(trade["year"].max())
    stats_last = max([dots_last] + [int(held[s].index.max()) for s in STATISTICAL if s in names and len(held[s])])
    if PUBLISHED not in names or real:
        if max(start, end) > stats_last:  # only press figures reach that year: they join China's side, nominal only
            comtrade_note = f" and UN Comtrade (to {stats_last})" if stats_last > dots_last else ""
            raise ValueError(
                f"year {max(start, end)} is after the IMF DOTS data (1992–{dots_last}){comtrade_note}; after "
                f"{stats_last} only China's customs figures are joined, in current dollars: drop --real/--side, or "
                "use --published (with --side partner for the partner's own figures)"
            )
        names = [s for s in names if s != PUBLISHED]
    years = pd.concat([trade["year"]] + [held[s].index.to_series() for s in names], ignore_index=True)
    common.check_years(years, f"{code} total trade ({' + '.join(names)})", start, end)
    both = [s for s in names if s in STATISTICAL and {start, end} <= set(held[s].index)]
    first = next((s for s in names if start in held[s].index), None)
    last = next((s for s in names if end in held[s].index), None)
    if both[:1] == [DOTS] or (not both and (first is None or last is None) and max(start, end) <= dots_last):
        # within DOTS, or a DOTS year with no complete figure: growth_summary names what is missing
        return _within_dots(trade, code, start, end, side, real, cpi, base_year)
    if both:
        result = _result(held, code, side, start, end, both[0], both[0], None, real, cpi, base_year)
        return (
            result.with_details(cautions=revision_cautions(long, code, side, (start, end)))
            if both[0] == COMTRADE
            else result
        )
    if first is None or last is None:
        return _missing(held, names, code, side, start if first is None else end, start, end)
    if first == last:  # only press figures hold either end: within them, no join
        return _result(held, code, side, start, end, first, last, None, real, cpi, base_year)
    a, b = sorted((first, last), key=PRECEDENCE.index)
    if PUBLISHED in (a, b):
        table = published_table() if callable(published_table) else published_table
        evidence = published_long(published_evidence(table))
    else:
        evidence = None
    pick = {s: long.loc[long["series"].eq(s)] if s != PUBLISHED else evidence for s in (a, b)}
    check = join_check(pick[a], pick[b], code, side)
    return _result(held, code, side, start, end, first, last, check, real, cpi, base_year)


def _missing(
    held: dict[str, pd.DataFrame], names: Sequence[str], code: str, side: str, year: int, start: int, end: int
) -> growth.GrowthResult:
    """Not computable: no series holds a total for ``year`` (each series' years are listed)."""
    spans = "; ".join(
        f"{series_label(s, side, code)} {int(held[s].index.min())}–{int(held[s].index.max())}"
        for s in names
        if len(held[s])
    )
    return growth.growth_result(
        code=code,
        name=countries.name(code),
        start=start,
        end=end,
        start_value=np.nan,
        end_value=np.nan,
        source=" + ".join(names),
        side=side,
        source_ids=[],
        measure="total_trade",
        reason=f"no series holds a total for {countries.name(code)} in {year} ({spans or 'none holds any'})",
        extra={"series": [], "chain": dict(joined=False, crosses=False, basis={})},
    )


def _within_dots(
    trade: pd.DataFrame,
    code: str,
    start: int,
    end: int,
    side: str,
    real: bool,
    cpi: pd.DataFrame | None,
    base_year: int | None,
) -> growth.GrowthResult:
    result = growth.growth_summary(
        trade, "all" if code == GROUP else code, start, end, side=side, real=real, cpi=cpi, base_year=base_year
    )
    if code != GROUP:
        result = result.with_details(
            series=[series_label(DOTS, side, code)] * 2, chain=dict(joined=False, crosses=False)
        )
    return result


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

    def read(s: str, y: int, column: str) -> Any:
        return held[s].at[y, column] if y in held[s].index else None

    ends = ((first, start), (last, end))
    v0, v1 = (
        np.nan if read(s, y, "value_usd_millions") is None else float(read(s, y, "value_usd_millions")) for s, y in ends
    )
    ids = sorted({i for s, y in ends for i in str(read(s, y, "source_ids") or "").split("; ") if i})
    figures = [str(read(s, y, "figure_id") or "") for s, y in ends]
    chain: dict[str, Any] = dict(
        joined=check is not None,
        crosses=check is not None,
        figure_ids=[f for f in figures if f],
        basis={int(start): labels[0], int(end): labels[1]},
    )
    if check is not None:
        chain |= dict(
            overlap_check=check["reason"],
            window=check["window"],
            largest_gap=check["largest_gap"],
            disagreements=check["disagreements"],
            evidence=check.get("evidence", []),
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
