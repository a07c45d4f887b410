"""China's place among each reporter's trade partners: shares, ranks, top partners, China against Russia.

Pure functions over the ``partner_trade`` table (:func:`tradeviz.data.load_partner_trade`): one row per (year,
reporter, partner, flow), million current US$, from the reporter's own IMF DOTS workbook.

Conventions:

- A partner's **total** is exports + imports as the reporter reports them.  DOTS leaves a cell blank where the
  reporter recorded nothing, so a partner with one flow blank has the other flow as its total, with
  ``complete`` False.
- A partner's **share** is its total over the reporter's **world total** (the DOTS row "World", code WLD,
  both flows).  ``world_status`` says whether that total is ``reported``, an IMF ``estimate`` (either flow marked
  ' e') or ``missing`` (either flow blank: the share is then NaN, never computed on part of the total).
- **Ranks** are among countries and former countries only (``partner_kind``), by total, largest = 1 (ties share
  the better rank).  IMF aggregates (World, regions, groups) and the 'not specified' residuals are never ranked.
- **Customs unions.** Kazakhstan has been in a customs union with Russia since 2010 and Kyrgyzstan since 2015 (the
  Eurasian Economic Union from its accession).  Goods crossing a border inside the union are no longer declared to
  customs, so the reporter's figures for Russia come from other sources (statistical surveys, tax and transport
  records) from those years on.  Rows of those years carry ``customs_union`` True; no value is changed.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from tradeviz import countries
from tradeviz.countries import CHINA, FIVE, GROUP, WORLD
from tradeviz.measures import common

RUSSIA = "RUS"
RANKED_KINDS = ("country", "former_country")
CUSTOMS_UNION = {"KAZ": 2010, "KGZ": 2015}
"""First year in a customs union with Russia: Kazakhstan (Customs Union of Belarus, Kazakhstan and Russia, 2010),
Kyrgyzstan (Eurasian Economic Union, August 2015).  Tajikistan, Turkmenistan and Uzbekistan are not members."""
CUSTOMS_UNION_NOTE = (
    "{name} has been in a customs union with Russia since {year}: its trade with Russia no longer crosses a customs "
    "border, so {name} records it by other means (statistical surveys, tax and transport data) and its Russia "
    "figures change method from {year}; the values are shown as reported, not adjusted"
)


def customs_union_note(reporter: str) -> str:
    """The customs-union caveat for ``reporter`` ("" for a reporter outside the union)."""
    code = _reporter(reporter)
    if code not in CUSTOMS_UNION:
        return ""
    return CUSTOMS_UNION_NOTE.format(name=countries.name(code), year=CUSTOMS_UNION[code])


FLOWS = ("total", "exports", "imports")
_COLUMNS = ("year", "reporter", "partner", "partner_kind", "flow", common.VALUE, "imf_estimate", "source_id")
WITH_CHINA = countries.WITH_CHINA


def in_customs_union(reporter: str, year: int | np.ndarray) -> bool | np.ndarray:
    """True where ``reporter`` was in a customs union with Russia in ``year`` (see :data:`CUSTOMS_UNION`)."""
    first = CUSTOMS_UNION.get(reporter)
    if first is None:
        return np.zeros(np.shape(year), dtype=bool) if np.ndim(year) else False
    return np.asarray(year) >= first if np.ndim(year) else bool(year >= first)


def _reporter(value: str) -> str:
    return countries.resolve(value, allowed=WITH_CHINA)


def _check_flow(flow: str) -> str:
    if flow not in FLOWS:
        raise ValueError(f"flow must be one of {list(FLOWS)}, not {flow!r}")
    return flow


@common.memoised
def partner_totals(partner_trade: pd.DataFrame) -> pd.DataFrame:
    """One row per (year, reporter, partner): exports, imports, total, complete, imf_estimate, source_ids."""
    common.require(partner_trade, _COLUMNS, "partner_trade table")
    keys = ["year", "reporter", "partner", "partner_kind"]
    grouped = partner_trade.groupby(keys, sort=True)
    wide = partner_trade.groupby(keys + ["flow"], sort=True)[common.VALUE].sum().unstack("flow")
    out = wide.reindex(columns=["exports", "imports"]).reset_index()
    out.columns.name = None
    out["total"] = out[["exports", "imports"]].sum(axis=1, min_count=1)
    out["complete"] = out[["exports", "imports"]].notna().all(axis=1)
    out["imf_estimate"] = grouped["imf_estimate"].any().to_numpy()
    number = grouped.ngroup().to_numpy()
    kept = number >= 0  # NaN (a row with a missing key, left out of every group) is not >= 0
    out["source_ids"] = common.join_ids_by_group(
        number[kept].astype(np.int64), len(out), partner_trade["source_id"].to_numpy()[kept]
    )
    return out


@common.memoised
def world_totals(partner_trade: pd.DataFrame) -> pd.DataFrame:
    """Each reporter's world total per year with ``world_status``: reported, estimate or missing.

    Missing (a flow blank, or no World row at all in a year the reporter has other rows) gives NaN.
    """
    return _world_totals(partner_totals(partner_trade))


def _world_totals(totals: pd.DataFrame) -> pd.DataFrame:
    """:func:`world_totals` from the :func:`partner_totals` of the same rows."""
    grid = totals[["year", "reporter"]].drop_duplicates()
    world = totals.loc[totals["partner"].eq(WORLD), ["year", "reporter", "exports", "imports", "imf_estimate"]]
    out = grid.merge(world, on=["year", "reporter"], how="left")
    both = out[["exports", "imports"]].notna().all(axis=1)
    out["world_total"] = (out["exports"] + out["imports"]).where(both)
    out["world_status"] = np.select([~both, out["imf_estimate"].eq(True)], ["missing", "estimate"], "reported")
    out = out.rename(columns={"exports": "world_exports", "imports": "world_imports"}).drop(columns="imf_estimate")
    return out.sort_values(["reporter", "year"]).reset_index(drop=True)


def partner_shares(partner_trade: pd.DataFrame, reporter: str | None = None, flow: str = "total") -> pd.DataFrame:
    """Every partner's share of a reporter's trade and its rank, per year.

    ``flow``: "total" (exports + imports, share of the world total), "exports" or "imports" (share of the
    world exports or imports).  Columns: year, reporter, partner, partner_kind, value (US$ millions of ``flow``),
    complete, imf_estimate, world_value, world_status, share (fraction), rank (countries and former countries
    only; <NA> for aggregates and residuals), n_ranked, customs_union, source_ids.
    """
    _check_flow(flow)
    if reporter is None:
        return _all_shares(partner_trade, flow)
    return _reporter_rows(_all_shares(partner_trade, flow), _has_rows(partner_trade, reporter))


def _has_rows(partner_trade: pd.DataFrame, reporter: str) -> str:
    code = _reporter(reporter)
    if not partner_trade["reporter"].eq(code).any():
        raise ValueError(f"no partner_trade rows for reporter {reporter!r}")
    return code


def _reporter_rows(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    return frame.loc[frame["reporter"].eq(code)].reset_index(drop=True)


@common.memoised
def _all_shares(rows: pd.DataFrame, flow: str) -> pd.DataFrame:
    """:func:`partner_shares` of every reporter of ``rows`` at once.  Shares, ranks and world values are computed
    within (year, reporter) groups and the rows sorted by reporter first, so a reporter's rows are exactly those
    of the same call on its rows alone; the partner pages ask for several reporters of one table."""
    _check_flow(flow)
    if rows.empty:
        raise ValueError("no partner_trade rows")
    totals = partner_totals(rows)
    years = _world_totals(totals)
    world = years.copy()
    world_col = {"total": "world_total", "exports": "world_exports", "imports": "world_imports"}[flow]
    world = world.assign(world_value=world[world_col])
    if flow != "total":  # a flow's world value needs only that flow
        estimate = rows.loc[rows["partner"].eq(WORLD) & rows["flow"].eq(flow)].set_index(["year", "reporter"])
        flag = pd.MultiIndex.from_frame(world[["year", "reporter"]]).map(estimate["imf_estimate"].to_dict().get)
        world["world_status"] = np.select(
            [world["world_value"].isna(), pd.Series(flag).eq(True).to_numpy()], ["missing", "estimate"], "reported"
        )
    out = totals.merge(world[["year", "reporter", "world_value", "world_status"]], on=["year", "reporter"])
    out["value"] = out[flow]
    out = out.loc[out["value"].notna()].copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = np.where(out["world_value"] > 0, out["value"] / out["world_value"], np.nan)
    ranked = out["partner_kind"].isin(RANKED_KINDS)
    out["rank"] = (
        out.loc[ranked]
        .groupby(["year", "reporter"])["value"]
        .rank(method="min", ascending=False)
        .astype("Int64")
        .reindex(out.index)
    )
    out["n_ranked"] = out.loc[ranked].groupby(["year", "reporter"])["value"].transform("size").reindex(out.index)
    out["n_ranked"] = out.groupby(["year", "reporter"])["n_ranked"].transform("max").astype("Int64")
    out["customs_union"] = out["year"].to_numpy() >= out["reporter"].map(CUSTOMS_UNION).fillna(np.inf).to_numpy()
    out["flow"] = flow
    columns = [
        "year",
        "reporter",
        "partner",
        "partner_kind",
        "flow",
        "value",
        "complete",
        "imf_estimate",
        "world_value",
        "world_status",
        "share",
        "rank",
        "n_ranked",
        "customs_union",
        "source_ids",
    ]
    shares = out[columns].sort_values(["reporter", "year", "rank", "partner"], na_position="last")
    return shares.reset_index(drop=True)


def partner_share(partner_trade: pd.DataFrame, reporter: str, partner: str, flow: str = "total") -> pd.DataFrame:
    """One partner's share of a reporter's trade and its rank, one row per year the reporter has data.

    A year in which the reporter records nothing with the partner has value NaN (and no rank).
    """
    _check_flow(flow)
    code = _has_rows(partner_trade, reporter)
    rows = _reporter_rows(partner_trade, code)  # a profile asks for two reporters, not all six
    return _one_partner(_all_shares(rows, flow), world_totals(rows), code, partner, flow)


def _one_partner(shares: pd.DataFrame, years: pd.DataFrame, code: str, partner: str, flow: str) -> pd.DataFrame:
    rows = shares.loc[shares["partner"].eq(partner)]
    out = years[["year", "reporter", "world_status"]].merge(
        rows.drop(columns="world_status"), on=["year", "reporter"], how="left"
    )
    out["partner"], out["flow"] = partner, flow
    out["customs_union"] = in_customs_union(code, out["year"].to_numpy())
    return out


def _check_year(partner_trade: pd.DataFrame, code: str, year: int) -> int:
    available = partner_trade.loc[partner_trade["reporter"].eq(code), "year"]
    common.check_years(available, f"{countries.name(code)}'s IMF DOTS reports", year)
    return int(year)


def top_partners(
    partner_trade: pd.DataFrame, reporter: str, year: int, n: int = 10, flow: str = "total"
) -> pd.DataFrame:
    """The ``n`` largest partner countries of ``reporter`` in ``year`` (rank ≤ n, so ties may add rows).

    Columns as :func:`partner_shares`, plus ``name``.  An unknown reporter or a year outside the reporter's data
    raises ``UnknownCountryError``/``ValueError`` naming the valid choices.
    """
    _check_flow(flow)
    code = _checked_year(partner_trade, reporter, year)
    rows = _reporter_rows(partner_trade, code)  # one reporter: its rows, not all six (the CLI)
    return _top(_all_shares(rows, flow), code, year, n)


def _checked_year(partner_trade: pd.DataFrame, reporter: str, year: int) -> str:
    code = _reporter(reporter)
    _check_year(partner_trade, code, year)
    return code


def _top(shares: pd.DataFrame, code: str, year: int, n: int) -> pd.DataFrame:
    """:func:`top_partners` of reporter ``code`` (checked) from shares holding its rows (and maybe others')."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n must be a whole number of partners, at least 1, not {n!r}")
    shares = _reporter_rows(shares, code)
    top = shares.loc[shares["year"].eq(year) & shares["rank"].notna() & shares["rank"].le(n)].copy()
    top.insert(3, "name", [partner_name(p) for p in top["partner"]])
    return top.reset_index(drop=True)


def partner_name(code: str) -> str:
    """English name of a partner code (ISO3, ISO 3166-3 or a tradeviz code)."""
    import pycountry

    if code == WORLD:
        return "World"
    found = pycountry.countries.get(alpha_3=code) or pycountry.historic_countries.get(alpha_3=code)
    if found is None:
        return code
    return getattr(found, "common_name", None) or found.name


@common.memoised
def china_and_russia(partner_trade: pd.DataFrame, reporter: str | None = None, flow: str = "total") -> pd.DataFrame:
    """China's and Russia's shares of each of the five's trade and their ranks, per year, from its own reports.

    Columns: year, reporter, china_value, russia_value, china_share, russia_share, china_rank, russia_rank,
    china_estimate/russia_estimate (a cell of that value is an IMF estimate), leader (CHN, RUS, "tie" or "" when
    either value is missing), world_status, customs_union, flow.
    """
    reporters = FIVE if reporter is None else (_reporter(reporter),)
    if CHINA in reporters:
        raise ValueError("China's own reports cannot place China among its partners: choose one of the five")
    frames = []
    all_shares, all_years = _all_shares(partner_trade, flow), world_totals(partner_trade)
    for code in reporters:
        _has_rows(partner_trade, code)
        shares, years = _reporter_rows(all_shares, code), _reporter_rows(all_years, code)
        china = _one_partner(shares, years, code, CHINA, flow)
        russia = _one_partner(shares, years, code, RUSSIA, flow)
        out = china[["year", "reporter", "world_status", "customs_union"]].copy()
        for label, frame in (("china", china), ("russia", russia)):
            out[f"{label}_value"] = frame["value"].to_numpy()
            out[f"{label}_share"] = frame["share"].to_numpy()
            out[f"{label}_rank"] = frame["rank"].astype("Int64").array
            out[f"{label}_estimate"] = frame["imf_estimate"].eq(True).to_numpy()
        both = out["china_value"].notna() & out["russia_value"].notna()
        out["leader"] = np.select(
            [~both, out["china_value"] > out["russia_value"], out["china_value"] < out["russia_value"]],
            ["", CHINA, RUSSIA],
            "tie",
        )
        out["flow"] = flow
        frames.append(out)
    columns = [
        "year",
        "reporter",
        "china_value",
        "russia_value",
        "china_share",
        "russia_share",
        "china_rank",
        "russia_rank",
        "china_estimate",
        "russia_estimate",
        "leader",
        "world_status",
        "customs_union",
        "flow",
    ]
    return pd.concat(frames, ignore_index=True)[columns]


def crossings(partner_trade: pd.DataFrame, reporter: str | None = None, flow: str = "total") -> pd.DataFrame:
    """The years China's trade with each of the five passed Russia's, and the years Russia passed back.

    From the reporter's own reports (Russia's reports are not in the shipped DOTS workbooks, so this is the only
    side on which both exist).  A crossing is a year whose leader differs from the leader of the last earlier year
    with both values.  Columns: reporter, year, event ("China passed Russia" / "Russia passed China"),
    china_share, russia_share, imf_estimate (either value of that year is an IMF estimate), world_status,
    customs_union.
    """
    return _crossings(china_and_russia(partner_trade, reporter, flow))


def _crossings(table: pd.DataFrame) -> pd.DataFrame:
    """The crossings of a :func:`china_and_russia` table (see :func:`crossings`)."""
    rows = []
    for code, frame in table.groupby("reporter", sort=False):
        previous = None
        for row in frame.loc[frame["leader"].isin([CHINA, RUSSIA])].itertuples():
            if previous is not None and row.leader != previous:
                event = "China passed Russia" if row.leader == CHINA else "Russia passed China"
                rows.append(
                    dict(
                        reporter=code,
                        year=row.year,
                        event=event,
                        china_share=row.china_share,
                        russia_share=row.russia_share,
                        imf_estimate=row.china_estimate or row.russia_estimate,
                        world_status=row.world_status,
                        customs_union=row.customs_union,
                    )
                )
            previous = row.leader
    columns = [
        "reporter",
        "year",
        "event",
        "china_share",
        "russia_share",
        "imf_estimate",
        "world_status",
        "customs_union",
    ]
    return pd.DataFrame(rows, columns=columns)


def china_passes_russia(partner_trade: pd.DataFrame, flow: str = "total") -> pd.DataFrame:
    """For each of the five: the first year China led Russia in its own reports and whether China stayed ahead.

    Columns: reporter, first_year (<NA> = never), stayed_ahead (China leads in every year from first_year to the
    last year with both values), times_passed_back (Russia passing China again), leader_first_year (who led in
    the first year with both values), last_year, china_share_last, russia_share_last, china_rank_last,
    russia_rank_last, world_status_last, customs_union_first (first_year falls in a customs-union year),
    years_china_ahead.  China leading from the first year with data counts as a first_year (the leader_first_year
    column says so).
    """
    table = china_and_russia(partner_trade, None, flow)
    events = _crossings(table)
    rows = []
    for code, frame in table.groupby("reporter", sort=False):
        known = frame.loc[frame["leader"].isin([CHINA, RUSSIA])]
        ahead = known.loc[known["leader"].eq(CHINA), "year"]
        first = int(ahead.min()) if len(ahead) else None
        last = frame.loc[frame["year"].eq(known["year"].max())].iloc[0]
        back = events.loc[
            events["reporter"].eq(code)
            & events["event"].eq("Russia passed China")
            & events["year"].gt(first if first else 9999)
        ]
        after = known.loc[known["year"].ge(first)] if first else known.iloc[0:0]
        rows.append(
            dict(
                reporter=code,
                first_year=first,
                stayed_ahead=bool(first and after["leader"].eq(CHINA).all()),
                times_passed_back=len(back),
                leader_first_year=known.iloc[0]["leader"],
                last_year=int(last["year"]),
                china_share_last=last["china_share"],
                russia_share_last=last["russia_share"],
                china_rank_last=last["china_rank"],
                russia_rank_last=last["russia_rank"],
                world_status_last=last["world_status"],
                customs_union_first=bool(first and in_customs_union(code, first)),
                years_china_ahead=len(ahead),
            )
        )
    out = pd.DataFrame(rows)
    for col in ("first_year", "china_rank_last", "russia_rank_last"):
        out[col] = out[col].astype("Int64")
    return out


@common.memoised
def five_in_china(partner_trade: pd.DataFrame) -> pd.DataFrame:
    """The five's shares of China's total trade (China's reports), each and together (CA5), per year.

    Columns: year, partner, value, share, rank (among China's partner countries; <NA> for CA5), world_status,
    complete (CA5: all five reported both flows).
    """
    shares = partner_shares(partner_trade, CHINA)
    five = shares.loc[shares["partner"].isin(FIVE)]
    years = _reporter_rows(world_totals(partner_trade), CHINA)
    grid = pd.MultiIndex.from_product([years["year"], FIVE], names=["year", "partner"]).to_frame(index=False)
    each = grid.merge(
        five[["year", "partner", "value", "share", "rank", "complete"]], on=["year", "partner"], how="left"
    )
    each["complete"] = each["complete"].eq(True)
    group = (
        each.groupby("year")
        .agg(value=("value", lambda s: s.sum(min_count=len(FIVE))), complete=("complete", "all"))
        .reset_index()
    )
    group = group.merge(years[["year", "world_total"]], on="year")
    group["share"] = group["value"] / group["world_total"]
    group["partner"], group["rank"] = GROUP, pd.NA
    out = pd.concat([each, group.drop(columns="world_total")], ignore_index=True)
    out = out.merge(years[["year", "world_status"]], on="year")
    out["rank"] = out["rank"].astype("Int64")
    order = {code: i for i, code in enumerate(list(FIVE) + [GROUP])}
    out = out.sort_values(["year", "partner"], key=lambda s: s.map(order) if s.name == "partner" else s)
    return out[["year", "partner", "value", "share", "rank", "world_status", "complete"]].reset_index(drop=True)


def china_regions(partner_trade: pd.DataFrame, dots_partners: pd.DataFrame, year: int) -> pd.DataFrame:
    """China's trade with the five beside the IMF regions and groups China's workbook lists, in one year.

    ``dots_partners`` (:func:`tradeviz.data.load_dots_partners`) names the aggregates.  Columns: partner (code),
    name, value, share (of China's world total), world_status; sorted by value.
    """
    _check_year(partner_trade, CHINA, year)
    shares = partner_shares(partner_trade, CHINA)
    rows = shares.loc[shares["year"].eq(year) & shares["partner_kind"].eq("aggregate") & shares["partner"].ne(WORLD)]
    five = five_in_china(partner_trade)
    group = five.loc[five["year"].eq(year) & five["partner"].eq(GROUP)]
    out = pd.concat(
        [rows[["partner", "value", "share", "world_status"]], group[["partner", "value", "share", "world_status"]]],
        ignore_index=True,
    )
    labels = dict(zip(dots_partners["code"], dots_partners["name"], strict=True))
    out.insert(1, "name", [countries.name(GROUP) if p == GROUP else labels.get(p, p) for p in out["partner"]])
    return out.sort_values("value", ascending=False).reset_index(drop=True)


def steady_share_runs(
    table: pd.DataFrame,
    column: str,
    *,
    by: Sequence[str] = ("reporter",),
    tolerance: float = 0.02,
    min_years: int = 8,
) -> pd.DataFrame:
    """Runs of at least ``min_years`` consecutive years in which a share stays within ``tolerance`` of itself.

    ``tolerance`` is relative: (highest − lowest) / lowest ≤ 0.02 keeps a 19% share between 19.0% and 19.4%.
    Customs figures do not hold a large partner's share that still for eight years and more; such a run points to
    figures derived by the IMF (a total spread by fixed shares) that DOTS does not mark ' e'.
    ``table``: year, the ``by`` columns and ``column`` (e.g. :func:`china_and_russia` and "russia_share", or
    :func:`partner_shares` and "share" by reporter and partner); one series per ``by`` group, in the order the
    groups first appear.  Columns: the ``by`` columns, column, first_year, last_year, years, low, high.
    """
    keys = list(by)
    common.require(table, ["year", *keys, column], "share table")
    rows = table.dropna(subset=[column])
    group = rows.groupby(keys, sort=False).ngroup().to_numpy()  # -1: a row with a missing key, in no group
    rows, group = rows.loc[group >= 0], group[group >= 0]
    order = np.lexsort((rows["year"].to_numpy(), group))  # by group, then year
    group, labels = group[order], rows[keys].to_numpy(dtype=object)[order]
    years, values = rows["year"].to_numpy()[order].tolist(), rows[column].to_numpy(dtype=float)[order].tolist()
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]).tolist() if len(group) else []
    found = []
    for start, stop in zip(starts, [*starts[1:], len(group)][: len(starts)], strict=True):
        i = start
        while i < stop:
            j, low, high = i, values[i], values[i]
            while j + 1 < stop and years[j + 1] == years[j] + 1:
                low_next, high_next = min(low, values[j + 1]), max(high, values[j + 1])
                if not (low_next > 0 and high_next / low_next - 1 <= tolerance):
                    break
                j, low, high = j + 1, low_next, high_next
            if j - i + 1 >= min_years:
                found.append((*labels[i], column, int(years[i]), int(years[j]), j - i + 1, float(low), float(high)))
                i = j + 1
            else:
                i += 1
    return pd.DataFrame(found, columns=[*keys, "column", "first_year", "last_year", "years", "low", "high"])


def top_table(partner_trade: pd.DataFrame, year: int, n: int = 10, reporters: Iterable[str] = FIVE) -> pd.DataFrame:
    """The top ``n`` partners of each reporter in ``year`` side by side: rows rank 1..n, one column per reporter,
    cells "name (share %)" (partners tied on a rank share its cell)."""
    columns: dict[str, dict[int, str]] = {}
    shares = partner_shares(partner_trade)
    for code in reporters:
        top = _top(shares, _checked_year(partner_trade, code, year), year, n)
        cells: dict[int, str] = {}
        for row in top.itertuples():
            text = f"{row.name} ({100 * row.share:.1f}%)" if pd.notna(row.share) else row.name
            cells[int(row.rank)] = f"{cells[int(row.rank)]}; {text}" if int(row.rank) in cells else text
        columns[countries.name(code)] = cells
    out = pd.DataFrame(columns).reindex(range(1, n + 1)).fillna("")
    out.index.name = "rank"
    return out


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """:func:`china_passes_russia` for reading: one row per country, plain column names, shares in %."""
    out = pd.DataFrame(
        {
            "country": [countries.name(c) for c in summary["reporter"]],
            "China first ahead of Russia": summary["first_year"]
            .astype("object")
            .where(summary["first_year"].notna(), "never, to 2020"),
            "stayed ahead": summary["stayed_ahead"].map({True: "yes", False: "no"}),
            "Russia passed back (times)": summary["times_passed_back"],
            "last year": summary["last_year"],
            "China's share, last year (%)": (100 * summary["china_share_last"]).round(1),
            "Russia's share, last year (%)": (100 * summary["russia_share_last"]).round(1),
            "China's rank": summary["china_rank_last"],
            "Russia's rank": summary["russia_rank_last"],
            "customs union with Russia from": [CUSTOMS_UNION.get(c, "—") for c in summary["reporter"]],
        }
    )
    return out.set_index("country")


PERIOD_LABELS = {
    "full_year": "full year",
    **{
        f"jan_{m}": f"Jan–{m.capitalize()}"
        for m in ("feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov")
    },
}


def published_places_table(places: pd.DataFrame) -> pd.DataFrame:
    """:func:`tradeviz.data.load_published_places` for reading: country, period, partner, what the page says,
    whose statistics, the page date and the words that say it (by country, year, period and partner)."""
    order = {p: i for i, p in enumerate(PERIOD_LABELS)}
    places = places.assign(_p=places["period"].map(order)).sort_values(["reporter", "year", "_p", "partner"])
    out = pd.DataFrame(
        {
            "country": [countries.name(c) for c in places["reporter"]],
            "period": [f"{y} {PERIOD_LABELS[p]}" for y, p in zip(places["year"], places["period"], strict=True)],
            "partner": [partner_name(p) for p in places["partner"]],
            "stated": [
                f"No. {int(v)}" if m == "rank" else f"{v:g}% of trade"
                for m, v in zip(places["measure"], places["value"], strict=True)
            ],
            "statistics (as quoted)": places["statistical_source"],
            "page date": places["page_date"].fillna("undated"),
            "words on the page": places["evidence"],
        }
    )
    return out.reset_index(drop=True)
