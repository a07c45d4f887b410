"""DOTS panels: bilateral totals, totals per partner and side, balance, shares and concentration (HHI)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from tradeviz import countries
from tradeviz.countries import CHINA, FIRST_YEAR_AS_STATES, FIVE, GROUP
from tradeviz.measures.common import (
    SIDES,
    TRADE_COLUMNS,
    VALUE,
    check_side,
    ids_from_codes,
    join_ids,
    memoised,
    require,
)

Scatter = Callable[[np.ndarray, float], tuple[np.ndarray, np.ndarray]]
"""``scatter(values, fill)`` of :func:`flow_cells`: per-row values -> (exports-row, imports-row values) per pair."""


# --------------------------------------------------------------------------- panels


def flow_cells(trade: pd.DataFrame, names: tuple[str, str], mirror: bool = False) -> tuple[pd.DataFrame, Scatter]:
    """Pivot the two flows without unstack: one slot per (year, a, b) country pair and flow.

    (a, b) = (reporter, partner); with ``mirror`` = (exporter, importer), i.e. imports rows swapped
    so both reports of one flow share a slot.  Returns the pair keys (columns ``year`` and
    ``names``, in order of first appearance) and ``scatter(values, fill)`` -> (values from
    exports rows, values from imports rows), one element per pair.
    """
    require(trade, TRADE_COLUMNS, "trade table")
    if trade.empty:
        raise ValueError("trade table has no rows")
    flow = trade["flow"].to_numpy()
    is_import = flow == "imports"
    unknown = ~is_import & (flow != "exports")
    if unknown.any():
        raise ValueError(f"flow must be 'exports' or 'imports', found {sorted(set(flow[unknown]))}")
    n = len(trade)
    codes, labels = pd.factorize(np.concatenate([trade["reporter"].to_numpy(), trade["partner"].to_numpy()]))
    if (codes < 0).any():
        raise ValueError("trade table has missing reporter or partner codes")
    a, b = codes[:n], codes[n:]
    if mirror:
        a, b = np.where(is_import, b, a), np.where(is_import, a, b)
    year = trade["year"].to_numpy(dtype=np.int64)
    first_year, width = int(year.min()), len(labels)
    pair, uniques = pd.factorize(((year - first_year) * width + a) * width + b)  # one int64 per pair
    slot = 2 * pair + is_import
    if np.bincount(slot, minlength=2 * len(uniques)).max() > 1:
        raise ValueError(f"trade table has more than one row per (year, {', '.join(names)}, flow)")
    keys = pd.DataFrame(
        {
            "year": uniques // width**2 + first_year,
            names[0]: labels.take(uniques // width % width),
            names[1]: labels.take(uniques % width),
        }
    )

    def scatter(values: np.ndarray, fill: float) -> tuple[np.ndarray, np.ndarray]:
        cells = np.full(2 * len(uniques), fill, dtype=np.asarray(values).dtype)
        cells[slot] = values
        return cells[0::2], cells[1::2]

    return keys, scatter


def source_cells(trade: pd.DataFrame, scatter: Scatter) -> tuple[list[np.ndarray], np.ndarray]:
    """Source-id codes per pair from the exports and the imports row (−1 = no row), and their labels."""
    source, labels = pd.factorize(trade["source_id"])
    return list(scatter(source, -1)), np.asarray(labels, dtype=object)


def bilateral_totals(trade: pd.DataFrame) -> pd.DataFrame:
    """One row per (year, reporter, partner) of any trade panel, from the reporter's side.

    exports, imports (US$ millions, as reported), total = exports + imports, balance = exports −
    imports; total and balance are NaN unless both flows are reported (``complete``).
    ``imf_estimate`` is True if either cell is an IMF estimate; ``source_ids`` joins both cells' ids.
    Rows come in order of first appearance in ``trade``.
    """
    out, scatter = flow_cells(trade, ("reporter", "partner"))
    out["exports"], out["imports"] = scatter(trade[VALUE].to_numpy(dtype=float), np.nan)
    out["total"] = out["exports"] + out["imports"]
    out["balance"] = out["exports"] - out["imports"]
    out["complete"] = out["total"].notna()
    if "imf_estimate" in trade.columns:
        estimate = scatter(trade["imf_estimate"].to_numpy(dtype=bool, na_value=False), False)
        out["imf_estimate"] = estimate[0] | estimate[1]
    codes, labels = source_cells(trade, scatter)
    out["source_ids"] = ids_from_codes(codes, [labels, labels])
    return out


def resolve_members(
    partner: str | Iterable[str], exclude: str | Iterable[str] = ()
) -> tuple[tuple[str, ...], str, str]:
    """Resolve a partner, 'all'/CA5, or a list of partners into (members, label, name)."""
    group = isinstance(partner, str) and countries.resolve(partner, allow_group=True) == GROUP
    if group:
        chosen = set(FIVE)
    elif isinstance(partner, str):
        chosen = {countries.resolve(partner)}
    else:
        chosen = {countries.resolve(p) for p in partner}
    dropped = {countries.resolve(x) for x in ([exclude] if isinstance(exclude, str) else exclude)}
    members = tuple(c for c in FIVE if c in chosen - dropped)
    if not members:
        raise ValueError(f"no partners left: {sorted(chosen)} minus excluded {sorted(dropped)}")
    if members == FIVE:
        return members, GROUP, countries.name(GROUP)
    if group:
        gone = sorted(dropped & set(FIVE))
        return (
            members,
            f"{GROUP} excl. {'+'.join(gone)}",
            f"{countries.name(GROUP)} excluding {', '.join(countries.name(c) for c in gone)}",
        )
    return members, "+".join(members), ", ".join(countries.name(c) for c in members)


def _side_rows(trade: pd.DataFrame, side: str, members: tuple[str, ...]) -> pd.DataFrame:
    """Rows of one reporting side between China and ``members`` (1992 on)."""
    require(trade, TRADE_COLUMNS, "trade table")
    if check_side(side) == "china":
        mask = trade["reporter"].eq(CHINA) & trade["partner"].isin(members)
    else:
        mask = trade["partner"].eq(CHINA) & trade["reporter"].isin(members)
    return trade.loc[mask & trade["year"].ge(FIRST_YEAR_AS_STATES)]


def side_label(code: str, side: str) -> str:
    """A series label naming its reporting side: ``"KAZ (China's reports)"``."""
    return f"{code} ({SIDES[side]})"


def partner_panel(trade: pd.DataFrame, members: tuple[str, ...], side: str, label: str) -> pd.DataFrame:
    """Year × member grid of :func:`bilateral_totals` on one side; absent cells are explicit NaN rows.

    ``country`` is the non-China party; the years span the side's data for ``members``.
    """
    rows = _side_rows(trade, side, members)
    if rows.empty:
        raise ValueError(f"no trade rows for {side_label(label, side)}")
    pairs = bilateral_totals(rows)
    pairs["country"] = pairs["partner"] if side == "china" else pairs["reporter"]
    grid = pd.MultiIndex.from_product(
        [range(int(rows["year"].min()), int(rows["year"].max()) + 1), members], names=["year", "country"]
    )
    panel = pairs.drop(columns=["reporter", "partner"]).set_index(["year", "country"]).reindex(grid)
    panel["complete"] = panel["complete"].eq(True)
    return panel.reset_index()


@memoised
def total_trade(
    trade: pd.DataFrame, partner: str | Iterable[str] = "all", side: str = "china", *, exclude: str | Iterable[str] = ()
) -> pd.DataFrame:
    """Total trade (exports + imports, US$ millions) per year between China and a partner or group.

    ``partner``: a country of the five, ``"all"`` (the five), or a list of them; ``exclude`` drops
    partners from the group (e.g. ``exclude="KAZ"``).  One row per year of the side's data with
    exports, imports, total, balance (exports − imports of the reporter: China for side="china", the
    partner(s) for side="partner"), all NaN unless every member reported both flows that year;
    ``n_reporting``/``n_expected``/``complete``/``missing`` say who did; ``partial_total`` is the sum
    of what was reported.
    """
    members, label, _ = resolve_members(partner, exclude)
    panel = partner_panel(trade, members, side, label)
    n = len(members)
    grouped = panel.groupby("year")
    out = pd.DataFrame({"partner": label, "side": side}, index=grouped.size().index)
    for col in ("exports", "imports", "total"):
        out[col] = grouped[col].sum(min_count=n)
    out["balance"] = out["exports"] - out["imports"]
    out["partial_total"] = grouped["total"].sum(min_count=1)
    out["n_reporting"] = grouped["complete"].sum().astype(int)
    out["n_expected"] = n
    out["complete"] = out["n_reporting"].eq(n)
    absent = panel.loc[~panel["complete"]].groupby("year")["country"].agg(", ".join)
    out["missing"] = absent.reindex(out.index).fillna("")
    if "imf_estimate" in panel.columns:
        out["imf_estimate"] = grouped["imf_estimate"].any()
    out["source_ids"] = grouped["source_ids"].agg(join_ids)
    return out.reset_index()


@memoised
def partner_totals(trade: pd.DataFrame, side: str = "china", *, include_group: bool = True) -> pd.DataFrame:
    """Total trade per year for each of the five, plus the five together (``CA5``) when ``include_group``.

    Long table (year, partner, exports, imports, total, ..., source_ids) stacking :func:`total_trade`
    for each partner; values in million current US$.
    """
    partners = list(FIVE) + (["all"] if include_group else [])
    return pd.concat([total_trade(trade, p, side) for p in partners], ignore_index=True)


def trade_balance(trade: pd.DataFrame, partner: str | Iterable[str] = "all", side: str = "china") -> pd.DataFrame:
    """Reporter's balance = exports − imports (US$ millions) per year.

    side="china": China's surplus (+) or deficit (−) with the partner, from China's reports;
    side="partner": the partner's surplus with China, from its own reports (``balance_of`` says whose).
    """
    series = total_trade(trade, partner, side)
    series["balance_of"] = CHINA if side == "china" else series["partner"]
    columns = ["year", "partner", "side", "balance_of", "exports", "imports", "balance", "complete", "missing"]
    return series[columns + ["source_ids"]]


# --------------------------------------------------------------------------- shares and concentration


def _groups(frame: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Group number of each row (first-appearance order) and the row index where each group first appears."""
    ids = frame.groupby(list(by), sort=False, dropna=False).ngroup().to_numpy()
    first = np.empty(int(ids.max()) + 1 if ids.size else 0, dtype=np.int64)
    first[ids[::-1]] = np.arange(ids.size)[::-1]  # reversed so the first occurrence wins
    return ids, first


def shares(frame: pd.DataFrame, value: str = "total", by: Sequence[str] = ("year",)) -> pd.DataFrame:
    """Add ``share`` = V_i / Σ_j V_j over the rows of each ``by`` group (fraction; sums to 1 per group).

    A group with any missing value gets NaN shares and ``complete`` = False (a share of a partial
    total would be too large).
    """
    ids, _ = _groups(frame, by)
    values = frame[value].to_numpy(dtype=float)
    missing = np.isnan(values)
    incomplete = np.bincount(ids, weights=missing)[ids] > 0
    total = np.bincount(ids, weights=np.where(missing, 0.0, values))[ids]
    out = frame.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = np.where(incomplete | (total <= 0), np.nan, values / total)
    out["complete"] = ~incomplete
    return out


def hhi(frame: pd.DataFrame, share: str = "share", by: Sequence[str] = ("year",)) -> pd.DataFrame:
    """Herfindahl–Hirschman index HHI = Σ s_i² per group (shares as fractions), in [1/n, 1].

    1/n = equal shares among n partners (``hhi_min``), 1 = all trade with one.  NaN if any share
    is missing.  One row per group, in order of first appearance.
    """
    ids, first = _groups(frame, by)
    values = frame[share].to_numpy(dtype=float)
    missing = np.isnan(values)
    out = frame[list(by)].take(first).reset_index(drop=True)
    n = np.bincount(ids)
    squares = np.bincount(ids, weights=np.where(missing, 0.0, values**2))
    out["hhi"] = np.where(np.bincount(ids, weights=missing) > 0, np.nan, squares)
    out["n"] = n
    out["hhi_min"] = 1.0 / n
    return out


@memoised
def partner_shares(trade: pd.DataFrame, side: str = "china", *, exclude: str | Iterable[str] = ()) -> pd.DataFrame:
    """Each partner's share of China's total trade with the five (or the five minus ``exclude``), per year."""
    members, label, _ = resolve_members("all", exclude)
    panel = partner_panel(trade, members, side, label).rename(columns={"country": "partner"})
    out = shares(panel, value="total", by=("year",))
    out.insert(2, "side", side)
    return out[["year", "partner", "side", "total", "share", "complete", "source_ids"]]


@memoised
def concentration(trade: pd.DataFrame, side: str = "china", *, exclude: str | Iterable[str] = ()) -> pd.DataFrame:
    """HHI of the partners' shares per year (see :func:`hhi`), with ``side`` and ``source_ids``."""
    parts = partner_shares(trade, side, exclude=exclude)
    out = hhi(parts, by=("year",))
    out["side"] = side
    out["source_ids"] = out["year"].map(parts.groupby("year")["source_ids"].agg(join_ids))
    return out
