"""Pure metric functions over the tidy tables of :mod:`tradeviz.data`.

Conventions used throughout:

- Values are goods trade in **current US$ millions** (``value_usd_millions``) unless a column or
  ``unit`` field says otherwise.  GDP is in US$ and population in persons (not millions).
- Growth between years s < e: multiple ``M = V_e / V_s``; CAGR ``(V_e / V_s) ** (1 / (e - s)) - 1``,
  a fraction per year (0.15 = 15 %/yr).  Year-on-year change ``V_t / V_{t-1} - 1``; index ``100 V_t / V_b``.
- A zero, negative or missing base never yields inf, a ZeroDivisionError or a silent number: the
  result is NaN, a ``status``/``reason`` column (or field) says why, and a :class:`MetricWarning` is issued.
- ``side="china"`` uses China's reports (reporter CHN, partner X); ``side="partner"`` uses the
  partners' own reports (reporter X, partner CHN).  A sum over several partners is NaN for any year
  in which one of them is missing on that side (``complete``/``n_reporting``/``missing`` say which),
  with the sum of what *was* reported kept apart as ``partial_total``.
- Years before 1992 are rejected: the five became independent states at the end of 1991.
- Results name their inputs: ``side`` and ``source_ids`` columns, or fields of the same names.

Core functions (:func:`bilateral_totals`, :func:`growth_between`, :func:`index_to_base`,
:func:`yoy_change`, :func:`shares`, :func:`hhi`, :func:`mirror_table`) work on any reporter × partner
panel; the others are thin wrappers for China and the five.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from tradeviz import countries
from tradeviz.countries import CHINA, FIRST_YEAR_AS_STATES, FIVE, GROUP, WORLD

SIDES = {"china": "China's reports", "partner": "partners' reports"}
"""Reporting sides: whose customs figures a series comes from."""

CIF_FOB_BAND = (1.0, 1.1)
"""Expected range of importer-reported (CIF) / exporter-reported (FOB) value for the same flow.

Imports are valued CIF (cost, insurance, freight to the importer's border) and exports FOB (free on
board at the exporter's border), so with perfect reporting the importer's figure exceeds the
exporter's by the freight and insurance margin — conventionally about 10 % (the IMF uses a 1.10
CIF/FOB factor when it estimates DOTS cells).  A mirror ratio inside the band is consistent with
valuation alone; outside it points to reporting differences (transit, re-exports, informal trade).
"""

DEFLATOR = "US CPI-U annual average, {base}=100"
VALUE = "value_usd_millions"
MEASURES = ("total_trade", "china_exports", "china_imports")
OK, NOT_COMPUTABLE = "ok", "not computable"
QUALIFIER_RANK = {"exact": 0, "approximate": 1, "lower_bound": 2}
"""Preference among published figures for the same year: exact, then approximate, then lower bound."""

_TRADE_COLUMNS = ("year", "reporter", "partner", "flow", VALUE, "source_id")
_PUBLISHED_COLUMNS = ("year", "partner", "measure", "value_usd_millions", "qualifier", "source_id")
_GROUP_KEYS = ("side", "partner", "reporter", "exporter", "importer", "country")


class MetricWarning(UserWarning):
    """A metric came out NaN because an input was zero, negative or missing (the message says which)."""


# --------------------------------------------------------------------------- helpers


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} is missing columns {missing}; got {list(frame.columns)}")


def _check_side(side: str) -> str:
    if side not in SIDES:
        raise ValueError(f"side must be one of {list(SIDES)} (China's or the partners' reports), not {side!r}")
    return side


def check_years(available: pd.Series, label: str, *years: int) -> None:
    """Raise ValueError unless every year is an integer within the data and not before 1992."""
    if available.empty:
        raise ValueError(f"no data for {label}")
    lo, hi = max(int(available.min()), FIRST_YEAR_AS_STATES), int(available.max())
    for year in years:
        if isinstance(year, bool) or not isinstance(year, numbers.Integral):
            raise ValueError(f"year must be a whole number, not {year!r}; valid years for {label} are {lo}–{hi}")
        if year < FIRST_YEAR_AS_STATES:
            raise ValueError(
                f"year {year} is before {FIRST_YEAR_AS_STATES}: the five Central Asian states became independent "
                f"at the end of 1991; valid years for {label} are {lo}–{hi}"
            )
        if not lo <= year <= hi:
            raise ValueError(f"year {year} is outside the data: valid years for {label} are {lo}–{hi}")


def check_period(start: int, end: int) -> None:
    if end <= start:
        raise ValueError(f"end year ({end}) must be after start year ({start})")


def _keys(frame: pd.DataFrame, by: Iterable[str] | None) -> list[str]:
    keys = [c for c in _GROUP_KEYS if c in frame.columns] if by is None else list(by)
    if not keys:
        raise ValueError(f"no group columns: pass by=...; none of {_GROUP_KEYS} is in the table")
    return keys


def _select(conditions: list[np.ndarray], labels: list[str]) -> pd.Categorical:
    """Per row, the label of the first true condition, else '' — as a Categorical ('' is code 0).

    A Categorical keeps reason columns cheap on large panels (no per-row string objects).
    """
    codes = np.select(conditions, np.arange(1, len(labels) + 1, dtype=np.int8), default=0)
    return pd.Categorical.from_codes(np.atleast_1d(codes), categories=["", *labels])


def _problems(base, end=None, years=None) -> pd.Categorical:
    """Reasons ('' = fine) for a base value (and optionally an end value and a period)."""
    base = np.atleast_1d(np.asarray(base, dtype=float))
    conds = [np.isnan(base), base == 0, base < 0]
    labels = ["missing base value", "zero base value", "negative base value"]
    if end is not None:
        end = np.atleast_1d(np.asarray(end, dtype=float))
        conds += [np.isnan(end), end < 0]
        labels += ["missing end value", "negative end value"]
    if years is not None:
        conds.append(~(np.asarray(years, dtype=float) > 0))
        labels.append("period shorter than one year")
    return _select(conds, labels)


def _warn(reason, what: str) -> None:
    """Issue one MetricWarning summarising the non-empty reasons.

    E.g. "CAGR is NaN for 1 of 5 value(s): zero base value (1)".
    """
    counts = pd.Series(np.atleast_1d(reason)).value_counts()
    counts = counts[(counts.index != "") & (counts > 0)]
    if len(counts):
        detail = ", ".join(f"{r} ({n})" for r, n in counts.items())
        total = len(np.atleast_1d(reason))
        warnings.warn(f"{what} is NaN for {counts.sum()} of {total} value(s): {detail}", MetricWarning, stacklevel=3)


def _growth(start, end, years):
    """Vectorised multiple, CAGR and reason; NaN wherever the reason is non-empty."""
    start, end, years = np.broadcast_arrays(*(np.atleast_1d(np.asarray(a, dtype=float)) for a in (start, end, years)))
    reason = _problems(start, end, years)
    ok = reason == ""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        multiple = np.where(ok, end / start, np.nan)
        rate = np.where(ok, multiple ** (1.0 / years) - 1.0, np.nan)
    return multiple, rate, reason


def _like(values: np.ndarray, *inputs):
    """Shape the result like the inputs: a Series if any input is one, a float if all are scalars."""
    for item in inputs:
        if isinstance(item, pd.Series):
            return pd.Series(values, index=item.index)
    return float(values[0]) if all(np.ndim(item) == 0 for item in inputs) else values


def _status(reason) -> pd.Categorical:
    return pd.Categorical.from_codes((reason != "").astype(np.int8), categories=[OK, NOT_COMPUTABLE])


def _join_ids(ids: Iterable) -> str:
    return "; ".join(sorted({i for s in ids if isinstance(s, str) for i in s.split("; ") if i}))


def _ids_from_codes(codes: list[np.ndarray], labels: list) -> pd.Categorical:
    """Row-wise union of source ids; ``codes[i]`` indexes ``labels[i]`` (−1 = none).

    The union is formed once per distinct combination of codes, not per row, so this stays
    vectorised on large panels; the result is a Categorical of '; '-joined, sorted ids.
    """
    key, radix, radices = np.zeros(len(codes[0]), dtype=np.int64), 1, []
    for code, label in zip(codes, labels):  # mixed-radix key: one digit (code + 1) per column
        radices.append(radix)
        key += (np.asarray(code, dtype=np.int64) + 1) * radix
        radix *= len(label) + 1
    combo, keys = pd.factorize(key)

    def members(k: int) -> list[str]:
        digits = ((k // r) % (len(label) + 1) for r, label in zip(radices, labels))
        return [label[d - 1] for d, label in zip(digits, labels) if d]

    names = [_join_ids(members(k)) for k in keys]
    name_codes, categories = pd.factorize(np.array(names, dtype=object))
    return pd.Categorical.from_codes(name_codes[combo], categories=categories)


def _union_ids(*columns: pd.Series) -> pd.Series:
    """Row-wise union of the '; '-joined source-id strings in several aligned columns."""
    factorized = [pd.factorize(col) for col in columns]
    ids = _ids_from_codes([c for c, _ in factorized], [np.asarray(u, dtype=object) for _, u in factorized])
    return pd.Series(ids, index=columns[0].index)


def _with_ids(frame: pd.DataFrame, extra: Iterable) -> pd.Series:
    """``frame``'s source_ids plus the ids in ``extra`` (the same on every row)."""
    current = frame["source_ids"] if "source_ids" in frame.columns else pd.Series("", index=frame.index)
    return _union_ids(current, pd.Series(_join_ids(extra), index=frame.index))


def _float_or_none(value) -> float | None:
    """A JSON-safe number: NaN/NA -> None."""
    return None if pd.isna(value) else float(value)


# --------------------------------------------------------------------------- growth primitives


def growth_multiple(start, end):
    """Growth multiple ``M = end / start`` (dimensionless; scalars, arrays or Series).

    NaN with a :class:`MetricWarning` where ``start`` is zero, negative or missing.
    """
    multiple, _, reason = _growth(start, end, 1)
    _warn(reason, "growth multiple")
    return _like(multiple, start, end)


def cagr(start, end, years):
    """Compound annual growth rate ``(end / start) ** (1 / years) - 1`` (fraction per year).

    ``years`` = end year − start year.  NaN with a :class:`MetricWarning` where ``start`` is zero,
    negative or missing, ``end`` is missing or negative, or ``years`` ≤ 0.
    """
    _, rate, reason = _growth(start, end, years)
    _warn(reason, "CAGR")
    return _like(rate, start, end, years)


def growth_between(frame: pd.DataFrame, start: int, end: int, value: str = "total", by=None) -> pd.DataFrame:
    """Multiple and CAGR of ``value`` from ``start`` to ``end`` for every group of a tidy panel.

    ``frame`` has a ``year`` column and one row per (group, year); groups are the ``by`` columns
    (default: whichever of side/partner/reporter/exporter/importer/country are present).
    Returns one row per group: start_year, end_year, start_value, end_value, multiple,
    cagr (fraction/yr), status, reason (and source_ids when the input has them).
    """
    keys = _keys(frame, by)
    check_years(frame["year"], "this table", start, end)
    check_period(start, end)
    cols = keys + [value] + (["source_ids"] if "source_ids" in frame.columns else [])
    first = frame.loc[frame["year"].eq(start), cols].set_index(keys)
    last = frame.loc[frame["year"].eq(end), cols].set_index(keys)
    if first.index.has_duplicates or last.index.has_duplicates:
        raise ValueError(
            f"more than one row per group and year: pass by= the columns that identify a series (now {keys})"
        )
    first, last = first.align(last, join="outer")
    multiple, rate, reason = _growth(first[value].to_numpy(), last[value].to_numpy(), end - start)
    _warn(reason, f"growth {start}–{end}")
    out = pd.DataFrame(
        {
            "start_year": start,
            "end_year": end,
            "start_value": first[value].to_numpy(),
            "end_value": last[value].to_numpy(),
            "multiple": multiple,
            "cagr": rate,
            "status": _status(reason),
            "reason": reason,
        },
        index=first.index,
    ).reset_index()
    if "source_ids" in cols:
        out["source_ids"] = _union_ids(first["source_ids"], last["source_ids"]).to_numpy()
    return out


def index_to_base(frame: pd.DataFrame, base_year: int, value: str = "total", by=None) -> pd.DataFrame:
    """Add ``index`` = 100 × V_t / V_base_year within each group, and ``index_reason``.

    NaN (with a :class:`MetricWarning`) for groups whose base value is zero, negative or missing.
    """
    keys = _keys(frame, by)
    check_years(frame["year"], "this table", base_year)
    base = frame.loc[frame["year"].eq(base_year), keys + [value]].rename(columns={value: "_base"})
    out = frame.merge(base, on=keys, how="left", validate="many_to_one")
    reason = _problems(out["_base"])
    _warn(reason[~out.duplicated(keys).to_numpy()], f"index (base {base_year}=100)")  # once per group
    out["index"] = 100.0 * out[value] / out["_base"].where(reason == "")
    out["index_reason"] = reason
    return out.drop(columns="_base")


def yoy_change(frame: pd.DataFrame, value: str = "total", by=None) -> pd.DataFrame:
    """Add ``yoy`` = V_t / V_{t−1} − 1 (fraction) within each group, and ``yoy_reason``.

    NaN where the previous calendar year is absent ("first year" / "missing base value"), its value
    is zero or negative, or the year's own value is missing; a :class:`MetricWarning` is issued for
    every such row except the first year of a group.  Rows come back sorted by group and year.
    """
    keys = _keys(frame, by)
    out = frame.sort_values(keys + ["year"]).reset_index(drop=True)
    grouped = out.groupby(keys, sort=False)
    prev_year, prev = grouped["year"].shift(), grouped[value].shift()
    first = prev_year.isna().to_numpy()
    prev = prev.where(prev_year.eq(out["year"] - 1))  # a gap in years is a missing base, not last-but-one
    reason = _problems(prev, out[value]).add_categories("first year")
    reason[first] = "first year"
    _warn(reason[~first], "year-on-year change")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["yoy"] = np.where(reason == "", out[value] / prev - 1.0, np.nan)
    out["yoy_reason"] = reason
    return out


# --------------------------------------------------------------------------- panels


def _flow_cells(trade: pd.DataFrame, names: tuple[str, str], mirror: bool = False):
    """Pivot the two flows without unstack: one slot per (year, a, b) country pair and flow.

    (a, b) = (reporter, partner); with ``mirror`` = (exporter, importer), i.e. imports rows swapped
    so both reports of one flow share a slot.  Returns the pair keys (columns ``year`` and
    ``names``, in order of first appearance) and ``scatter(values, fill)`` -> (values from
    exports rows, values from imports rows), one element per pair.
    """
    _require(trade, _TRADE_COLUMNS, "trade table")
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

    def scatter(values, fill) -> tuple[np.ndarray, np.ndarray]:
        cells = np.full(2 * len(uniques), fill, dtype=np.asarray(values).dtype)
        cells[slot] = values
        return cells[0::2], cells[1::2]

    return keys, scatter


def _source_cells(trade: pd.DataFrame, scatter) -> tuple[list[np.ndarray], np.ndarray]:
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
    out, scatter = _flow_cells(trade, ("reporter", "partner"))
    out["exports"], out["imports"] = scatter(trade[VALUE].to_numpy(dtype=float), np.nan)
    out["total"] = out["exports"] + out["imports"]
    out["balance"] = out["exports"] - out["imports"]
    out["complete"] = out["total"].notna()
    if "imf_estimate" in trade.columns:
        estimate = scatter(trade["imf_estimate"].to_numpy(dtype=bool, na_value=False), False)
        out["imf_estimate"] = estimate[0] | estimate[1]
    codes, labels = _source_cells(trade, scatter)
    out["source_ids"] = _ids_from_codes(codes, [labels, labels])
    return out


def _members(partner, exclude: Iterable[str] = ()) -> tuple[tuple[str, ...], str, str]:
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
    _require(trade, _TRADE_COLUMNS, "trade table")
    if _check_side(side) == "china":
        mask = trade["reporter"].eq(CHINA) & trade["partner"].isin(members)
    else:
        mask = trade["partner"].eq(CHINA) & trade["reporter"].isin(members)
    return trade.loc[mask & trade["year"].ge(FIRST_YEAR_AS_STATES)]


def _label(code: str, side: str) -> str:
    return f"{code} ({SIDES[side]})"


def _partner_panel(trade: pd.DataFrame, members: tuple[str, ...], side: str, label: str) -> pd.DataFrame:
    """Year × member grid of :func:`bilateral_totals` on one side; absent cells are explicit NaN rows.

    ``country`` is the non-China party; the years span the side's data for ``members``.
    """
    rows = _side_rows(trade, side, members)
    if rows.empty:
        raise ValueError(f"no trade rows for {_label(label, side)}")
    pairs = bilateral_totals(rows)
    pairs["country"] = pairs["partner"] if side == "china" else pairs["reporter"]
    grid = pd.MultiIndex.from_product(
        [range(int(rows["year"].min()), int(rows["year"].max()) + 1), members], names=["year", "country"]
    )
    panel = pairs.drop(columns=["reporter", "partner"]).set_index(["year", "country"]).reindex(grid)
    panel["complete"] = panel["complete"].eq(True)
    return panel.reset_index()


def total_trade(
    trade: pd.DataFrame, partner="all", side: str = "china", *, exclude: Iterable[str] = ()
) -> pd.DataFrame:
    """Total trade (exports + imports, US$ millions) per year between China and a partner or group.

    ``partner``: a country of the five, ``"all"`` (the five), or a list of them; ``exclude`` drops
    partners from the group (e.g. ``exclude="KAZ"``).  One row per year of the side's data with
    exports, imports, total, balance (exports − imports of the reporter: China for side="china", the
    partner(s) for side="partner"), all NaN unless every member reported both flows that year;
    ``n_reporting``/``n_expected``/``complete``/``missing`` say who did; ``partial_total`` is the sum
    of what was reported.
    """
    members, label, _ = _members(partner, exclude)
    panel = _partner_panel(trade, members, side, label)
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
    out["source_ids"] = grouped["source_ids"].agg(_join_ids)
    return out.reset_index()


def partner_totals(trade: pd.DataFrame, side: str = "china", *, include_group: bool = True) -> pd.DataFrame:
    """Total trade per year for each of the five, plus the five together (``CA5``) when ``include_group``.

    Long table (year, partner, exports, imports, total, ..., source_ids) stacking :func:`total_trade`
    for each partner; values in million current US$.
    """
    partners = list(FIVE) + (["all"] if include_group else [])
    return pd.concat([total_trade(trade, p, side) for p in partners], ignore_index=True)


def trade_balance(trade: pd.DataFrame, partner="all", side: str = "china") -> pd.DataFrame:
    """Reporter's balance = exports − imports (US$ millions) per year.

    side="china": China's surplus (+) or deficit (−) with the partner, from China's reports;
    side="partner": the partner's surplus with China, from its own reports (``balance_of`` says whose).
    """
    series = total_trade(trade, partner, side)
    series["balance_of"] = CHINA if side == "china" else series["partner"]
    columns = ["year", "partner", "side", "balance_of", "exports", "imports", "balance", "complete", "missing"]
    return series[columns + ["source_ids"]]


# --------------------------------------------------------------------------- shares and concentration


def _groups(frame: pd.DataFrame, by) -> tuple[np.ndarray, np.ndarray]:
    """Group number of each row (first-appearance order) and the row index where each group first appears."""
    ids = frame.groupby(list(by), sort=False, dropna=False).ngroup().to_numpy()
    first = np.empty(int(ids.max()) + 1 if ids.size else 0, dtype=np.int64)
    first[ids[::-1]] = np.arange(ids.size)[::-1]  # reversed so the first occurrence wins
    return ids, first


def shares(frame: pd.DataFrame, value: str = "total", by=("year",)) -> pd.DataFrame:
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


def hhi(frame: pd.DataFrame, share: str = "share", by=("year",)) -> pd.DataFrame:
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


def partner_shares(trade: pd.DataFrame, side: str = "china", *, exclude: Iterable[str] = ()) -> pd.DataFrame:
    """Each partner's share of China's total trade with the five (or the five minus ``exclude``), per year."""
    members, label, _ = _members("all", exclude)
    panel = _partner_panel(trade, members, side, label).rename(columns={"country": "partner"})
    out = shares(panel, value="total", by=("year",))
    out.insert(2, "side", side)
    return out[["year", "partner", "side", "total", "share", "complete", "source_ids"]]


def concentration(trade: pd.DataFrame, side: str = "china", *, exclude: Iterable[str] = ()) -> pd.DataFrame:
    """HHI of the partners' shares per year (see :func:`hhi`), with ``side`` and ``source_ids``."""
    parts = partner_shares(trade, side, exclude=exclude)
    out = hhi(parts, by=("year",))
    out["side"] = side
    out["source_ids"] = out["year"].map(parts.groupby("year")["source_ids"].agg(_join_ids))
    return out


# --------------------------------------------------------------------------- mirror statistics


def mirror_table(trade: pd.DataFrame, band: tuple[float, float] = CIF_FOB_BAND) -> pd.DataFrame:
    """Compare each flow as reported by the exporter (FOB) and by the importer (CIF), any panel.

    One row per (year, exporter, importer): exports_fob (exporter's report), imports_cif (importer's
    report), gap = imports_cif − exports_fob (US$ millions), ratio = imports_cif / exports_fob, and
    ``in_cif_fob_band`` = band[0] ≤ ratio ≤ band[1] (see :data:`CIF_FOB_BAND`).  Ratio NaN, with a
    reason, where one side did not report or the exporter reports zero.  Where either figure is an
    IMF estimate (``exporter_is_estimate``/``importer_is_estimate``) the ratio is kept but the row is
    not comparable: status "not computable", ``in_cif_fob_band`` <NA>.  Rows with the world
    aggregate as partner are dropped (WLD never reports).
    """
    trade = trade.loc[trade["partner"].to_numpy() != WORLD]
    out, scatter = _flow_cells(trade, ("exporter", "importer"), mirror=True)
    out["exports_fob"], out["imports_cif"] = scatter(trade[VALUE].to_numpy(dtype=float), np.nan)
    (exporter, importer), labels = _source_cells(trade, scatter)
    out["exporter_source_id"] = pd.Categorical.from_codes(exporter, categories=labels)
    out["importer_source_id"] = pd.Categorical.from_codes(importer, categories=labels)
    fob, cif = out["exports_fob"].to_numpy(), out["imports_cif"].to_numpy()
    if "imf_estimate" in trade.columns:
        flags = scatter(trade["imf_estimate"].to_numpy(dtype=bool, na_value=False), False)
    else:
        flags = (np.zeros(len(out), dtype=bool),) * 2
    out["exporter_is_estimate"], out["importer_is_estimate"] = flags
    # An IMF estimate is derived from the other side's report (× 1.10 for imports), so its ratio
    # measures the IMF's rule, not a disagreement between two customs offices.
    reason = _select(
        [np.isnan(fob), np.isnan(cif), fob <= 0, flags[1], flags[0]],
        ["exporter did not report", "importer did not report", "exporter reports zero",
         "importer's figure is an IMF estimate from the exporter's", "exporter's figure is an IMF estimate from the importer's"],
    )
    ok = reason == ""
    valid = ~(np.isnan(fob) | np.isnan(cif) | (fob <= 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(valid, cif / fob, np.nan)
    out["gap"] = cif - fob
    out["ratio"] = ratio
    out["in_cif_fob_band"] = pd.arrays.BooleanArray((ratio >= band[0]) & (ratio <= band[1]), mask=~ok)
    out["status"] = _status(reason)
    out["reason"] = reason
    return out


def mirror_stats(trade: pd.DataFrame, partner="all", band: tuple[float, float] = CIF_FOB_BAND) -> pd.DataFrame:
    """Mirror comparison of China's trade with a partner (or each of the five), both directions.

    direction "CHN→KAZ": China's reported exports (FOB) vs Kazakhstan's reported imports from China
    (CIF); "KAZ→CHN": Kazakhstan's exports vs China's imports.  Columns as :func:`mirror_table`, plus
    ``partner`` (the non-China country) and ``direction``.  Expect ratio ≈ 1.0–1.1 from the CIF/FOB
    valuation difference alone.
    """
    members, _, _ = _members(partner)
    pair = (trade["reporter"].eq(CHINA) & trade["partner"].isin(members)) | (
        trade["partner"].eq(CHINA) & trade["reporter"].isin(members)
    )
    out = mirror_table(trade.loc[pair & trade["year"].ge(FIRST_YEAR_AS_STATES)], band)
    out.insert(1, "partner", out["exporter"].where(out["importer"].eq(CHINA), out["importer"]))
    out.insert(2, "direction", out["exporter"] + "→" + out["importer"])
    return out.sort_values(["partner", "direction", "year"]).reset_index(drop=True)


# --------------------------------------------------------------------------- real terms and context


def _cpi_factors(cpi: pd.DataFrame, years, base_year: int, values) -> tuple[np.ndarray, str, str]:
    """CPI[base] / CPI[year] for each year, the deflator label and the CPI source ids.

    Warns for years that have a value to deflate but no CPI.
    """
    _require(cpi, ("year", "cpi"), "CPI table")
    levels = cpi.drop_duplicates("year").set_index("year")["cpi"]
    if base_year not in levels.index or pd.isna(levels.get(base_year)):
        lo, hi = int(levels.index.min()), int(levels.index.max())
        raise ValueError(f"base year {base_year} has no CPI: valid base years are {lo}–{hi}")
    at = levels.reindex(np.asarray(years)).to_numpy(dtype=float)
    reason = _select([np.isnan(at) & ~np.isnan(np.asarray(values, dtype=float))], ["no CPI for the year"])
    _warn(reason, "deflated value")
    ids = _join_ids(cpi["source_id"]) if "source_id" in cpi.columns else ""
    return levels[base_year] / at, DEFLATOR.format(base=base_year), ids


def deflate(frame: pd.DataFrame, cpi: pd.DataFrame, base_year: int, value: str = "total") -> pd.DataFrame:
    """Add ``<value>_real`` = value × CPI[base_year] / CPI[year] (constant base-year US$ millions).

    Also adds ``deflator`` ("US CPI-U annual average, <base>=100") and appends the CPI's source ids
    to ``source_ids``.  Years without a CPI give NaN with a :class:`MetricWarning`.
    """
    factor, label, ids = _cpi_factors(cpi, frame["year"], base_year, frame[value])
    out = frame.copy()
    out[f"{value}_real"] = out[value].to_numpy() * factor
    out["deflator"] = label
    out["source_ids"] = _with_ids(out, [ids])
    return out


def _relative(trade, context, column, partner, side, out_col, scale) -> pd.DataFrame:
    """Trade (US$ millions × 1e6 → US$) over the members' summed ``column``, × ``scale``."""
    _require(context, ("country", "year", column), f"{column} table")
    members, _, _ = _members(partner)
    series = total_trade(trade, partner, side)
    ctx = context.loc[context["country"].isin(members)].groupby("year")[column]
    denominator = ctx.sum(min_count=1).where(ctx.count().eq(len(members)))  # all members or nothing
    series[column] = denominator.reindex(series["year"]).to_numpy()
    reason = _select(
        [series["total"].isna(), series[column].isna(), series[column] <= 0],
        ["trade incomplete or missing", f"{column} missing for a member", f"{column} is zero"],
    )
    _warn(reason[series["total"].notna().to_numpy()], out_col)  # missing trade is already flagged upstream
    with np.errstate(divide="ignore", invalid="ignore"):
        series[out_col] = np.where(reason == "", series["total"] * 1e6 / series[column] * scale, np.nan)
    series["reason"] = reason
    series["source_ids"] = _with_ids(series, context.get("source_id", []))
    return series[["year", "partner", "side", "total", column, out_col, "reason", "source_ids"]]


def trade_per_capita(trade: pd.DataFrame, population: pd.DataFrame, partner="all", side: str = "china") -> pd.DataFrame:
    """Trade per person, US$: total (US$ millions) × 1e6 / population (persons, summed over the group)."""
    return _relative(trade, population, "population", partner, side, "trade_per_capita_usd", 1.0)


def trade_to_gdp(trade: pd.DataFrame, gdp: pd.DataFrame, partner="all", side: str = "china") -> pd.DataFrame:
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
    _require(borders, ("country", "borders_china"), "borders table")
    flags = borders.loc[borders["country"].isin(FIVE)].set_index("country")["borders_china"].astype(bool)
    groups = {"bordering": flags.index[flags].tolist(), "non-bordering": flags.index[~flags].tolist()}
    series = pd.concat(
        total_trade(trade, members, side).assign(group=name, members=", ".join(members))
        for name, members in groups.items()
        if members
    )
    check_years(series["year"], _label("each group", side), start, end)
    series["source_ids"] = _with_ids(series, borders.get("source_id", []))
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
    _require(bri, ("country", "year"), "BRI table")
    panel = _partner_panel(trade, FIVE, side, GROUP)
    lo, hi = int(panel["year"].min()), int(panel["year"].max())
    start, end = lo if start is None else start, hi if end is None else end
    check_years(panel["year"], _label(GROUP, side), start, end)
    check_period(start, end)
    dated = bri.loc[bri["country"].isin(FIVE)]
    first = dated.groupby("country")["year"].min().reindex(list(FIVE)).astype("Float64")
    listed = pd.Series(FIVE, index=list(FIVE)).isin(dated["country"])
    pivot = first.to_numpy(dtype=float, na_value=np.nan)
    totals = panel.set_index(["year", "country"])["total"]

    def at(years):
        index = pd.MultiIndex.from_arrays([np.nan_to_num(years, nan=-1).astype(int), list(FIVE)])
        return totals.reindex(index).to_numpy()

    before = _growth(at(np.full(5, start)), at(pivot), pivot - start)
    after = _growth(at(pivot), at(np.full(5, end)), end - pivot)
    world = trade.loc[trade["reporter"].eq(CHINA) & trade["partner"].eq(WORLD)].groupby("year")[VALUE].sum()

    def world_at(years):
        return world.reindex(np.nan_to_num(years, nan=-1).astype(int)).to_numpy(dtype=float)

    with warnings.catch_warnings():  # a missing world total only leaves the benchmark NaN
        warnings.simplefilter("ignore", MetricWarning)
        world_before = _growth(world_at(np.full(5, start)), world_at(pivot), pivot - start)[1]
        world_after = _growth(world_at(pivot), world_at(np.full(5, end)), end - pivot)[1]
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
    _warn(reason, "before/after-BRI CAGR")
    ids = panel.groupby("country")["source_ids"].agg(_join_ids).reindex(list(FIVE)).fillna("")
    bri_ids = dated.groupby("country")["source_id"].agg(_join_ids) if "source_id" in dated else pd.Series(dtype=object)
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
            "status": _status(reason),
            "reason": reason,
            "source_ids": _union_ids(ids, bri_ids.reindex(list(FIVE))).to_numpy(),
        }
    )


# --------------------------------------------------------------------------- CLI-level summaries


def growth_result(
    *, code, name, start, end, start_value, end_value, source, side, source_ids, measure, reason="",
    real=False, cpi=None, base_year=None, extra=None,
) -> dict:
    """Assemble the JSON-serialisable growth summary shared by the DOTS and published paths."""
    unit, deflator = "million current US$", None
    if real:
        if cpi is None:
            raise ValueError("real=True needs cpi= (the US CPI table, tradeviz.data.load_cpi())")
        base_year = end if base_year is None else base_year
        factor, deflator, cpi_ids = _cpi_factors(cpi, [start, end], base_year, [start_value, end_value])
        start_value, end_value = start_value * factor[0], end_value * factor[1]
        unit = f"million constant {base_year} US$"
        source_ids = sorted(set(source_ids) | set(filter(None, cpi_ids.split("; "))))
    multiple, rate, problem = _growth(start_value, end_value, end - start)
    reason = reason or str(problem[0])
    if reason:
        warnings.warn(f"growth {name} {start}–{end} is not computable: {reason}", MetricWarning, stacklevel=3)
    return {
        "partner": code,
        "partner_name": name,
        "measure": measure,
        "start_year": int(start),
        "end_year": int(end),
        "start_value": _float_or_none(start_value),
        "end_value": _float_or_none(end_value),
        "unit": unit,
        "multiple": None if reason else float(multiple[0]),
        "cagr": None if reason else float(rate[0]),
        "source": source,
        "side": side,
        "source_ids": list(source_ids),
        "deflator": deflator,
        "status": NOT_COMPUTABLE if reason else OK,
        "reason": reason or None,
        **(extra or {}),
    }


def growth_summary(
    trade: pd.DataFrame, partner, start: int, end: int, *, side: str = "china", real: bool = False,
    cpi: pd.DataFrame | None = None, base_year: int | None = None, exclude: Iterable[str] = (),
) -> dict:
    """Growth of total trade (exports + imports) between China and ``partner`` from the trade table only.

    Returns a JSON-serialisable dict: partner, partner_name, start/end year and value, unit, multiple
    (end/start), cagr (fraction/yr), source ("trade"), side, source_ids, deflator, status, reason, and
    imf_estimate ([start, end]: True where a value includes an IMF estimate instead of a report).
    ``real=True`` deflates both values with the US CPI to constant ``base_year`` (default ``end``) dollars.
    ``partner`` and ``exclude`` as in :func:`total_trade` (e.g. ``"all", exclude="KAZ"``).
    """
    members, label, name = _members(partner, exclude)
    series = total_trade(trade, partner, side, exclude=exclude)
    check_years(series["year"], _label(label, side), start, end)
    check_period(start, end)
    rows = series.set_index("year").loc[[start, end]]
    gaps = [
        f"{y}: no complete report from {rows.at[y, 'missing']} ({SIDES[side]})"
        for y in (start, end)
        if not rows.at[y, "complete"]
    ]
    problem = str(_problems(rows.at[start, "total"], rows.at[end, "total"])[0])
    return growth_result(
        code=label, name=name, start=start, end=end,
        start_value=rows.at[start, "total"], end_value=rows.at[end, "total"],
        source="trade", side=side, source_ids=sorted(set(_join_ids(rows["source_ids"]).split("; ")) - {""}),
        measure="total_trade", reason=f"{problem} ({'; '.join(gaps)})" if gaps else problem,
        real=real, cpi=cpi, base_year=base_year,
        extra={"members": list(members), "n_reporting": [int(rows.at[y, "n_reporting"]) for y in (start, end)],
               "imf_estimate": [bool(rows.at[y, "imf_estimate"]) for y in (start, end)]},
    )


def _published_value(rows: pd.DataFrame, year: int, label: str) -> tuple[float, list[str], str, str]:
    """Pick one published USD value for a year: the series figure if one is marked, else the best qualifier
    (identical values from several sources merge)."""
    here = rows.loc[rows["year"].eq(year)]
    if here.empty:
        return np.nan, [], "", f"no published figure for {label} in {year}"
    usd = here.loc[here["value_usd_millions"].notna()]
    if usd.empty:
        units = ", ".join(sorted(here["unit"].astype(str).unique())) if "unit" in here.columns else "not USD"
        return np.nan, sorted(here["source_id"]), "", f"published figure for {year} is not in US$ ({units})"
    if "in_series" in usd.columns and usd["in_series"].astype(bool).any():
        usd = usd.loc[usd["in_series"].astype(bool)]
    rank = usd["qualifier"].map(QUALIFIER_RANK).fillna(len(QUALIFIER_RANK))
    best = usd.loc[rank.eq(rank.min())]
    if best["value_usd_millions"].nunique() > 1:
        listing = "; ".join(f"{v:g} ({s})" for v, s in zip(best["value_usd_millions"], best["source_id"]))
        raise ValueError(f"published figures for {label} in {year} disagree: {listing}; choose with source_ids=[...]")
    return float(best["value_usd_millions"].iloc[0]), sorted(best["source_id"]), str(best["qualifier"].iloc[0]), ""


def published_series(published: pd.DataFrame, partner="all", measure: str = "total_trade",
                     after: int | None = None) -> pd.DataFrame:
    """Published figures in US$ for one partner (or the five, ``"all"``) and measure, one row per figure.

    Only rows stated in US$ (``value_usd_millions`` present) are kept; ``after`` keeps years > after
    (e.g. the last DOTS year, to show later published totals beside the series, never spliced in).
    Columns: year, partner, measure, value_usd_millions (million current US$), qualifier, source_id.
    """
    _require(published, _PUBLISHED_COLUMNS, "published table")
    code = countries.resolve(partner, allow_group=True) if isinstance(partner, str) else partner
    rows = published[(published["partner"] == code) & (published["measure"] == measure)
                     & published["value_usd_millions"].notna()]
    if after is not None:
        rows = rows[rows["year"] > after]
    cols = ["year", "partner", "measure", "value_usd_millions", "qualifier", "source_id"]
    return rows[cols].sort_values(["year", "source_id"]).reset_index(drop=True)


def published_growth(
    published: pd.DataFrame, partner, start: int, end: int, *, measure: str = "total_trade",
    side: str = "china", source_ids: Iterable[str] | None = None, real: bool = False,
    cpi: pd.DataFrame | None = None, base_year: int | None = None,
) -> dict:
    """Growth between two full-year published figures (officials, press, statistics offices) only — never DOTS.

    Same fields as :func:`growth_summary`, with source "published", ``side`` whose statistics ("china": China's
    customs; "partner": the partner's own), and start/end_qualifier.  Per year the figure of the published
    series is used where one is marked, else the best-qualified US$ figure (exact > approximate > lower bound);
    partial-year figures never count; ``source_ids`` restricts the candidates.
    """
    _require(published, _PUBLISHED_COLUMNS, "published-figures table")
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {list(MEASURES)}, not {measure!r}")
    _check_side(side)
    code = countries.resolve(partner, allow_group=True)
    if side == "partner" and code == GROUP:
        raise ValueError("the five together publish no joint figure: use side='china' for 'all'")
    label = f"{code} {measure} ({SIDES[side]}, published figures)"
    rows = published.loc[published["partner"].eq(code) & published["measure"].eq(measure)]
    if "side" in rows.columns:
        rows = rows.loc[rows["side"].eq(side) & rows["period"].eq("full_year")]
    if source_ids is not None:
        wanted = [source_ids] if isinstance(source_ids, str) else list(source_ids)
        rows = rows.loc[rows["source_id"].isin(wanted)]
        label += f" from {', '.join(wanted)}"
    check_years(rows["year"], label, start, end)
    check_period(start, end)
    (v0, ids0, q0, r0), (v1, ids1, q1, r1) = (_published_value(rows, y, label) for y in (start, end))
    return growth_result(
        code=code, name=countries.name(code), start=start, end=end, start_value=v0, end_value=v1,
        source="published", side=side, source_ids=sorted(set(ids0) | set(ids1)),
        measure=measure, reason="; ".join(filter(None, (r0, r1))), real=real, cpi=cpi, base_year=base_year,
        extra={"start_qualifier": q0 or None, "end_qualifier": q1 or None},
    )


def format_growth(result: dict) -> str:
    """Human-readable lines for a :func:`growth_summary` / :func:`published_growth` result."""
    side = SIDES.get(result["side"], result["side"])
    source = {"published": f"published figures, {side}",
              "DOTS + published": "IMF DOTS trade table and published figures, China's customs"}.get(
        result["source"], f"trade table, {side}")
    span = f"{result['start_year']}–{result['end_year']}"
    head = f"{result['partner_name']} ({result['partner']}) — {result['measure'].replace('_', ' ')} with China, {span}"

    def amount(value) -> str:
        return "n/a" if value is None else f"{value:,.1f}"

    lines = [head, f"  {amount(result['start_value'])} → {amount(result['end_value'])} {result['unit']}"]
    if result["status"] == OK:
        lines.append(f"  growth ×{result['multiple']:.2f}, CAGR {100 * result['cagr']:.1f} % per year")
    else:
        lines.append(f"  not computable: {result['reason']}")
    if result["deflator"]:
        lines.append(f"  deflator: {result['deflator']}")
    estimated = [y for y, e in zip((result["start_year"], result["end_year"]), result.get("imf_estimate", [])) if e]
    if estimated:
        lines.append(f"  caution: the value for {' and '.join(map(str, estimated))} includes IMF estimates "
                     "(derived from China's figures), not the partner's own report")
    chain = result.get("chain")
    if chain and chain.get("crosses"):
        last = chain["last_dots_year"]
        lines.append(f"  chain: to {last} IMF DOTS (China's reports), after {last} published China-customs figures")
        lines.append(f"  overlap check (tolerance {chain['tolerance']:.0%}): {chain['overlap_check']}")
    elif chain:
        lines.append(f"  published China-customs figures only (DOTS ends in {chain['last_dots_year']})")
    ids = ", ".join(result["source_ids"]) or "no value was read"
    lines.append(f"  source: {source} ({ids})")
    return "\n".join(lines)
