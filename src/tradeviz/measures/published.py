"""Measures on the published 2019–2025 figures, and where they may meet the IMF DOTS series.

Inputs are the tables of :mod:`tradeviz.data`: ``trade`` (DOTS), ``published`` (every published figure) and
``series`` (published_series: one full-year US$ figure per year, partner, side and measure).  Values are
million current US$.

Where they meet DOTS.  DOTS takes China's reports from China's customs, so a published China-customs figure for a
DOTS year should match DOTS closely.  :func:`overlap_table` lists every published full-year figure for a DOTS year
beside DOTS (``ratio = published / DOTS``), with the figures that decide marked ``evidence``; :func:`join_check`
decides with the package's one join rule (:func:`tradeviz.measures.overlap.continuation_check`: the last
``OVERLAP_WINDOW`` DOTS years must hold an agreeing China-customs total, and every such figure in them must agree
within ``OVERLAP_TOLERANCE``).  Growth across the seam is computed by the one join path,
:func:`tradeviz.measures.overlap.series_growth`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from tradeviz import countries
from tradeviz.countries import CHINA, FIVE, GROUP
from tradeviz.measures import annual, common, mirror, overlap, panels

OVERLAP_TOLERANCE = overlap.OVERLAP_TOLERANCE
"""Largest relative gap at which a published China-customs figure agrees with DOTS: the one tolerance of
:mod:`tradeviz.measures.overlap` (2%)."""
OVERLAP_WINDOW = overlap.OVERLAP_WINDOW
"""Only published figures for the last five DOTS years decide whether the join is allowed (older ones are shown)."""
MEASURE_FLOWS = {"total_trade": "total", "china_exports": "exports", "china_imports": "imports"}
BASIS_DOTS = overlap.series_label(overlap.DOTS, "china", GROUP)
BASIS_PUBLISHED = overlap.series_label(overlap.PUBLISHED, "china", GROUP)


def _partners(partner: str | Iterable[str] | None) -> list[str]:
    """Partner codes: a name or code resolved ('all' -> CA5), a list of codes as given, None -> the five and CA5."""
    if partner is None:
        return list(FIVE) + [GROUP]
    return [countries.resolve(partner, allow_group=True)] if isinstance(partner, str) else list(partner)


def dots_china_side(trade: pd.DataFrame) -> pd.DataFrame:
    """China's DOTS reports per year, partner (the five and CA5) and measure: long table, million US$."""
    totals = panels.partner_totals(trade, "china")
    rows = totals.melt(
        id_vars=["year", "partner", "source_ids"],
        value_vars=list(MEASURE_FLOWS.values()),
        var_name="flow",
        value_name="dots_usd_millions",
    )
    rows["measure"] = rows["flow"].map({v: k for k, v in MEASURE_FLOWS.items()})
    return rows.dropna(subset=["dots_usd_millions"]).drop(columns="flow")


@common.memoised
def overlap_table(
    trade: pd.DataFrame, published: pd.DataFrame, *, tolerance: float = OVERLAP_TOLERANCE, window: int = OVERLAP_WINDOW
) -> pd.DataFrame:
    """Every full-year US$ published figure for a year DOTS also covers, beside China's DOTS value.

    China's-customs figures (side "china") are the evidence; figures whose page names no statistical source
    (side "unstated") are listed too, with ``evidence`` False, because a reader will ask about them.
    Columns: partner, year, measure, side, published_usd_millions, qualifier, dots_usd_millions, difference
    (published − DOTS), ratio (published / DOTS), agrees (``|ratio − 1| ≤ tolerance``; for a lower bound,
    DOTS ≥ bound × (1 − tolerance)), in_window (year among the last ``window`` DOTS years), evidence (an exact
    or approximate China-customs figure in the window: these decide the join), window_first, figure_id,
    source_id, dots_source_ids.
    """
    last = int(trade["year"].max())
    pub = published.loc[
        published["side"].isin(["china", "unstated"])
        & published["period"].eq("full_year")
        & published["value_usd_millions"].notna()
    ]
    dots = dots_china_side(trade)
    out = pub.merge(dots, on=["year", "partner", "measure"], how="inner")
    out = out.rename(columns={"value_usd_millions": "published_usd_millions", "source_ids": "dots_source_ids"})
    out["difference"] = out["published_usd_millions"] - out["dots_usd_millions"]
    out["ratio"] = out["published_usd_millions"] / out["dots_usd_millions"]
    bound = out["qualifier"].eq("lower_bound")
    out["agrees"] = np.where(
        bound,
        out["dots_usd_millions"] >= out["published_usd_millions"] * (1 - tolerance),
        (out["ratio"] - 1).abs() <= tolerance,
    )
    out["in_window"] = out["year"] > last - window
    out["evidence"] = out["in_window"] & out["side"].eq("china") & out["qualifier"].ne("lower_bound")
    out["window_first"] = last - window + 1
    columns = [
        "partner",
        "year",
        "measure",
        "side",
        "published_usd_millions",
        "qualifier",
        "dots_usd_millions",
        "difference",
        "ratio",
        "agrees",
        "in_window",
        "evidence",
        "window_first",
        "figure_id",
        "source_id",
        "dots_source_ids",
    ]
    order = {code: i for i, code in enumerate(list(FIVE) + [GROUP])}
    out = out[columns].sort_values(
        ["partner", "measure", "year", "figure_id"], key=lambda s: s.map(order) if s.name == "partner" else s
    )
    return out.reset_index(drop=True)


def join_check(overlap_rows: pd.DataFrame, partner: str, *, window: int = OVERLAP_WINDOW) -> dict[str, Any]:
    """May China's DOTS series for ``partner`` be continued with the published China-customs figures?

    ``overlap_rows``: :func:`overlap_table`.  Its ``evidence`` rows are put to the one join rule
    (:func:`tradeviz.measures.overlap.continuation_check`, DOTS as series a, the published figures as b), so the
    answer is the one ``tradeviz growth`` gives.  Returns {partner, allowed, reason, evidence (the figure ids
    that decided), window, largest_gap, disagreements}.
    """
    code = _partners(partner)[0]
    rows = overlap_rows.loc[overlap_rows["partner"].eq(code) & overlap_rows["evidence"]]
    first = int(overlap_rows["window_first"].iloc[0]) if len(overlap_rows) else None
    pairs = pd.DataFrame(
        {
            "side": "china",
            "partner": code,
            "measure": rows["measure"].map(MEASURE_FLOWS),
            "year": rows["year"],
            "series_a": overlap.DOTS,
            "value_a": rows["dots_usd_millions"],
            "series_b": overlap.PUBLISHED,
            "value_b": rows["published_usd_millions"],
            "ratio": rows["dots_usd_millions"] / rows["published_usd_millions"],
            "agrees": rows["agrees"].astype(bool),
            "in_window": True,
            "window_first": first,
            "window_last": None if first is None else first + window - 1,
        }
    )
    check = overlap.continuation_check(
        pairs,
        code,
        "china",
        series=(overlap.DOTS, overlap.PUBLISHED),
        window=None if first is None else (first, first + window - 1),
    )
    check["evidence"] = list(rows["figure_id"]) if check["allowed"] else list(rows.loc[~rows["agrees"], "figure_id"])
    return check


def as_trade(series: pd.DataFrame) -> pd.DataFrame:
    """The published series in the trade table's layout (year, reporter, partner, flow, value, source_id).

    China's side: reporter CHN, exports = china_exports.  Partner's side: reporter = the partner, partner CHN,
    exports = china_imports (its exports to China), imports = china_exports.  Totals are left out.
    """
    rows = series.loc[series["partner"].isin(FIVE) & series["measure"].ne("total_trade")]
    china = rows["side"].eq("china")
    flow = np.where(
        china,
        rows["measure"].map({"china_exports": "exports", "china_imports": "imports"}),
        rows["measure"].map({"china_exports": "imports", "china_imports": "exports"}),
    )
    return pd.DataFrame(
        {
            "year": rows["year"].astype("int64"),
            "reporter": np.where(china, CHINA, rows["partner"]),
            "partner": np.where(china, rows["partner"], CHINA),
            "flow": flow,
            "value_usd_millions": rows["value_usd_millions"].astype(float),
            "source_id": rows["source_id"],
        }
    ).reset_index(drop=True)


def recent_mirror(series: pd.DataFrame, partner: str | Iterable[str] = "all") -> pd.DataFrame:
    """China's published figure against the partner's own, per direction: :func:`tradeviz.measures.mirror.mirror_stats`
    applied to the published series (ratio = importer's figure / exporter's figure).

    Press figures do not say FOB or CIF; the CIF/FOB band is kept as the yardstick the DOTS tables use.
    """
    return mirror.mirror_stats(as_trade(series), partner)


def total_gap(series: pd.DataFrame, partner: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Total trade as published by China's customs and by the partner's statistics, per year.

    Columns: partner, year, china_usd_millions, partner_usd_millions, ratio (China's / partner's),
    china_figure_id, partner_figure_id.  Years where one side has no figure have ratio NaN.
    """
    rows = series.loc[series["measure"].eq("total_trade") & series["partner"].isin(_partners(partner or FIVE))]
    wide = rows.pivot_table(index=["partner", "year"], columns="side", values="value_usd_millions", aggfunc="first")
    ids = rows.pivot_table(index=["partner", "year"], columns="side", values="figure_id", aggfunc="first")
    wide = wide.reindex(columns=["china", "partner"])
    ids = ids.reindex(columns=["china", "partner"])
    out = pd.DataFrame({"china_usd_millions": wide["china"], "partner_usd_millions": wide["partner"]})
    out["ratio"] = out["china_usd_millions"] / out["partner_usd_millions"]
    out["china_figure_id"], out["partner_figure_id"] = ids["china"], ids["partner"]
    return out.reset_index()


def sum_check(series: pd.DataFrame, years: Iterable[int] | None = None) -> pd.DataFrame:
    """Each year: the published total for the five (CA5) against the sum of the five per-country totals.

    China's side only.  Columns: year, ca5_usd_millions, sum_of_five (NaN unless all five have a figure),
    n_countries, missing (ISO3 codes without a figure), difference (CA5 − sum), relative_difference.
    """
    china = series.loc[series["side"].eq("china") & series["measure"].eq("total_trade")]
    years = sorted(set(china["year"])) if years is None else list(years)
    by = china.set_index(["partner", "year"])["value_usd_millions"]
    rows = []
    for year in years:
        parts = {c: by.get((c, year), np.nan) for c in FIVE}
        present = [c for c, v in parts.items() if v == v]
        total = sum(parts.values()) if len(present) == len(FIVE) else np.nan
        ca5 = by.get((GROUP, year), np.nan)
        rows.append(
            dict(
                year=year,
                ca5_usd_millions=ca5,
                sum_of_five=total,
                n_countries=len(present),
                missing=", ".join(c for c in FIVE if c not in present),
                partial_sum=sum(parts[c] for c in present) if present else np.nan,
                difference=ca5 - total,
                relative_difference=(ca5 - total) / ca5,
            )
        )
    return pd.DataFrame(rows)


def quote_is_clean(text: str) -> bool:
    """False for a quote that reads like a spam copy of its page: a replacement character (U+FFFD), or a sentence
    mostly in Latin or Cyrillic letters with Chinese characters in it (mdbrecords.com prints "China" as
    "皇冠体育app").  Chinese quotes (mostly Chinese characters, Latin digits and units allowed) are clean."""
    if "\ufffd" in text:
        return False
    letters = [c for c in text if c.isalpha()]
    han = [c for c in letters if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"]
    return not han or len(han) / len(letters) > 0.5


def distinct_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """One row per target (scope, value, deadline): a target restated on several pages counts once.

    The row kept is the earliest dated announcement (undated restatements only when none is dated);
    ``n_pages`` counts the pages that state it and ``target_ids`` lists them.  ``quote`` is the quote of the
    cleanest of those pages (:func:`quote_is_clean`; among clean ones the same order: dated first, earliest
    first), with ``quote_target_id`` and ``quote_page_url``; ``quote_clean`` is False only when no page's quote
    is clean.  The kept row's own ``quoted_text`` and ``note`` stay as they are.
    """
    key = ["scope", "value_usd_millions", "deadline_year"]
    frame = targets.assign(
        _deadline=targets["deadline_year"].fillna(-1),
        _undated=targets["announced_date"].isna(),
        _clean=targets["quoted_text"].map(quote_is_clean).astype(bool),
    )
    frame = frame.sort_values(["_undated", "announced_date", "target_id"], na_position="last")
    by = ["scope", "value_usd_millions", "_deadline"]
    groups = frame.groupby(by, sort=False, dropna=False)
    first = groups.head(1).copy()
    first["n_pages"] = groups["target_id"].transform("size").loc[first.index]
    first["target_ids"] = groups["target_id"].transform(lambda ids: "; ".join(ids)).loc[first.index]
    cleanest = frame.sort_values("_clean", ascending=False, kind="stable").groupby(by, sort=False, dropna=False).head(1)
    quotes = cleanest.set_index(by)[["quoted_text", "target_id", "page_url", "_clean"]]
    quotes.columns = ["quote", "quote_target_id", "quote_page_url", "quote_clean"]
    first = first.join(quotes, on=by)
    return (
        first.drop(columns=["_deadline", "_undated", "_clean"])
        .sort_values(["scope", "announced_date"] + key[1:], na_position="last")
        .reset_index(drop=True)
    )


TOTALS_COLUMNS = ["partner", "side", "year", "value_usd_millions", "basis", "label", "source_id", "figure_id"]


def annual_totals(
    series: pd.DataFrame, trade: pd.DataFrame | None = None, comtrade: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Total trade per (partner, side, year) for target tracking, each year from the series the package's one
    precedence rule chooses (:data:`tradeviz.measures.overlap.PRECEDENCE`, applied by
    :func:`tradeviz.measures.annual.annual_series`): UN Comtrade (``comtrade``: Kazakhstan, both sides,
    2014–2024), then IMF DOTS (``trade``; IMF estimates left out: not the reporter's own figures), then the
    published series; per side (China's reports for side "china", the partner's own for side "partner"; CA5 from
    DOTS on China's side only, then published).

    Columns (:data:`TOTALS_COLUMNS`): partner, side, year, value_usd_millions, basis (the series: "UN Comtrade",
    "IMF DOTS" or "published"), label (e.g. "UN Comtrade (Kazakhstan's reports)"), source_id, figure_id (a
    published figure's, else empty).  The years are listed one by one, not joined into one growth rate; a year
    whose chosen series holds no total (one flow only) has no row.  Without ``trade``: the published series only.
    """
    if trade is None:
        pub = series.loc[series["measure"].eq("total_trade") & series["qualifier"].ne("lower_bound")]
        out = pub.assign(
            basis=overlap.PUBLISHED,
            label=[
                overlap.series_label(overlap.PUBLISHED, d, p) for d, p in zip(pub["side"], pub["partner"], strict=True)
            ],
        )
        return out[TOTALS_COLUMNS].sort_values(["partner", "side", "year"]).reset_index(drop=True)
    if comtrade is None:  # no UN Comtrade table given: DOTS, then the published series
        comtrade = pd.DataFrame(
            columns=["year", "reporter", "partner", "flow", "commodity", "value_usd_millions", "source_id"]
        )
    chosen = annual.annual_series(comtrade, trade, series)
    totals = chosen.loc[chosen["measure"].eq("total")].rename(columns={"series": "basis"})
    return totals[TOTALS_COLUMNS].sort_values(["partner", "side", "year"]).reset_index(drop=True)


def target_progress(
    targets: pd.DataFrame,
    series: pd.DataFrame,
    trade: pd.DataFrame | None = None,
    comtrade: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each target against the annual totals, from each side that reports them.

    One row per distinct target and side (china; also partner where the scope is one country).  With ``trade``
    (and ``comtrade``), each year's total comes from the series the precedence rule chooses (:func:`annual_totals`:
    UN Comtrade, IMF DOTS, then the published series); without it, the published series only.  Columns:
    target_id, scope, side, target_usd_millions, deadline_year, announced_year, announced_by, n_pages, latest_year,
    latest_usd_millions, share_reached (latest / target), reached_year (first year from the announcement on whose
    total ≥ target; <NA> if none), reached_basis (the series label of that year), latest_basis (of the latest
    year), met_by_deadline (<NA> without a deadline or before it), status (text).
    Years without a figure are not assumed either way.
    """
    totals = annual_totals(series, trade, comtrade)
    rows = []
    for t in distinct_targets(targets).itertuples():
        sides = ["china"] if t.scope == GROUP else ["china", "partner"]
        for side in sides:
            values = totals.loc[totals["partner"].eq(t.scope) & totals["side"].eq(side)].sort_values("year")
            since = values.loc[values["year"].ge(t.announced_year)] if pd.notna(t.announced_year) else values
            reached = since.loc[since["value_usd_millions"].ge(t.value_usd_millions)]
            latest = values.iloc[-1] if len(values) else None
            row = dict(
                target_id=t.target_id,
                scope=t.scope,
                side=side,
                target_usd_millions=t.value_usd_millions,
                deadline_year=t.deadline_year,
                announced_year=t.announced_year,
                announced_by=t.announced_by,
                n_pages=t.n_pages,
                latest_year=None if latest is None else int(latest["year"]),
                latest_usd_millions=np.nan if latest is None else float(latest["value_usd_millions"]),
                reached_year=int(reached["year"].iloc[0]) if len(reached) else None,
                reached_basis=str(reached["label"].iloc[0]) if len(reached) else None,
                latest_basis=None if latest is None else str(latest["label"]),
            )
            row["share_reached"] = row["latest_usd_millions"] / t.value_usd_millions
            deadline = t.deadline_year
            if pd.isna(deadline) or latest is None:
                row["met_by_deadline"] = None
            elif row["reached_year"] is not None and row["reached_year"] <= deadline:
                row["met_by_deadline"] = True
            elif row["latest_year"] >= deadline:
                row["met_by_deadline"] = False
            else:
                row["met_by_deadline"] = None
            if latest is None:
                row["status"] = "no total published"
            elif row["reached_year"] is not None:
                late = " (after its deadline)" if row["met_by_deadline"] is False else ""
                row["status"] = f"reached in {row['reached_year']}{late}"
            else:
                row["status"] = f"not reached by {row['latest_year']} (latest year with a figure)"
            rows.append(row)
    out = pd.DataFrame(rows)
    for col in ("deadline_year", "announced_year", "latest_year", "reached_year"):
        out[col] = out[col].astype("Int64")
    out["met_by_deadline"] = out["met_by_deadline"].astype("boolean")
    return out


SIDE_LABELS = {"china": "China's customs", "partner": "partner's own statistics"}
MEASURE_LABELS = {"total_trade": "total", "china_exports": "China → partner", "china_imports": "partner → China"}


def both_sides_table(series: pd.DataFrame, partner: str, first: int, last: int) -> pd.DataFrame:
    """The published series for one partner, one row per year ``first``..``last``, in US$ billions.

    Columns "<side>: <measure> (US$ bn)" for both sides and the three measures, plus "China ÷ partner (total)".
    A figure no page gives is NaN: shown as missing, never filled.
    """
    code = _partners(partner)[0]
    rows = series.loc[series["partner"].eq(code) & series["year"].between(first, last)]
    out = pd.DataFrame(index=pd.Index(range(first, last + 1), name="year"))
    for side in ("china", "partner"):
        for measure in MEASURE_LABELS:
            values = rows.loc[rows["side"].eq(side) & rows["measure"].eq(measure)].set_index("year")
            out[f"{SIDE_LABELS[side]}: {MEASURE_LABELS[measure]} (US$ bn)"] = values["value_usd_millions"] / 1000
    china = out[f"{SIDE_LABELS['china']}: total (US$ bn)"]
    own = out[f"{SIDE_LABELS['partner']}: total (US$ bn)"]
    out["China ÷ partner (total)"] = china / own
    return out


GAS_SHARE_COLUMNS = (
    "year",
    "gas_low",
    "gas_high",
    "china_imports",
    "share_low",
    "share_high",
    "gas_figure_ids",
    "imports_figure_id",
)


def gas_share(gas: pd.DataFrame, series: pd.DataFrame, partner: str) -> pd.DataFrame:
    """China's pipeline-gas imports from a partner against all China's imports from it, full years (China's customs).

    Where pages give different gas values for a year, both ends are kept (gas_low/gas_high, share_low/share_high).
    Columns: year, gas_low, gas_high (million US$), china_imports (million US$, published series), share_low,
    share_high, gas_figure_ids, imports_figure_id.  Years without both figures are left out.
    """
    code = _partners(partner)[0]
    rows = gas.loc[gas["supplier"].eq(code) & gas["period"].eq("full_year") & gas["value_usd_millions"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=list(GAS_SHARE_COLUMNS))
    by_year = rows.groupby("year").agg(
        gas_low=("value_usd_millions", "min"),
        gas_high=("value_usd_millions", "max"),
        gas_figure_ids=("figure_id", "; ".join),
    )
    imports = series.loc[
        series["partner"].eq(code) & series["side"].eq("china") & series["measure"].eq("china_imports")
    ]
    imports = imports.set_index("year")
    out = by_year.join(
        imports[["value_usd_millions", "figure_id"]].rename(
            columns={"value_usd_millions": "china_imports", "figure_id": "imports_figure_id"}
        ),
        how="inner",
    )
    out["share_low"] = out["gas_low"] / out["china_imports"]
    out["share_high"] = out["gas_high"] / out["china_imports"]
    return out.reset_index()[list(GAS_SHARE_COLUMNS)]
