"""Growth: multiples, CAGR, index, year-on-year change, and the growth summaries of the CLI."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from tradeviz import countries
from tradeviz.countries import GROUP
from tradeviz.measures.common import (
    MEASURES,
    NOT_COMPUTABLE,
    OK,
    PUBLISHED_COLUMNS,
    QUALIFIER_RANK,
    SIDES,
    MetricWarning,
    check_period,
    check_side,
    check_years,
    float_or_none,
    group_keys,
    growth_arrays,
    join_ids,
    problems,
    require,
    shaped_like,
    status,
    union_ids,
    warn,
)
from tradeviz.measures.deflation import cpi_factors
from tradeviz.measures.panels import resolve_members, side_label, total_trade

# --------------------------------------------------------------------------- growth primitives


@overload
def growth_multiple(start: float, end: float) -> float: ...
@overload
def growth_multiple(start: npt.ArrayLike, end: npt.ArrayLike) -> pd.Series | np.ndarray: ...
def growth_multiple(start: npt.ArrayLike, end: npt.ArrayLike) -> pd.Series | float | np.ndarray:
    """Growth multiple ``M = end / start`` (dimensionless; scalars, arrays or Series).

    NaN with a :class:`MetricWarning` where ``start`` is zero, negative or missing.
    """
    multiple, _, reason = growth_arrays(start, end, 1)
    warn(reason, "growth multiple")
    return shaped_like(multiple, start, end)


@overload
def cagr(start: float, end: float, years: float) -> float: ...
@overload
def cagr(start: npt.ArrayLike, end: npt.ArrayLike, years: npt.ArrayLike) -> pd.Series | np.ndarray: ...
def cagr(start: npt.ArrayLike, end: npt.ArrayLike, years: npt.ArrayLike) -> pd.Series | float | np.ndarray:
    """Compound annual growth rate ``(end / start) ** (1 / years) - 1`` (fraction per year).

    ``years`` = end year − start year.  NaN with a :class:`MetricWarning` where ``start`` is zero,
    negative or missing, ``end`` is missing or negative, or ``years`` ≤ 0.
    """
    _, rate, reason = growth_arrays(start, end, years)
    warn(reason, "CAGR")
    return shaped_like(rate, start, end, years)


def growth_between(
    frame: pd.DataFrame, start: int, end: int, value: str = "total", by: Iterable[str] | None = None
) -> pd.DataFrame:
    """Multiple and CAGR of ``value`` from ``start`` to ``end`` for every group of a tidy panel.

    ``frame`` has a ``year`` column and one row per (group, year); groups are the ``by`` columns
    (default: whichever of side/partner/reporter/exporter/importer/country are present).
    Returns one row per group: start_year, end_year, start_value, end_value, multiple,
    cagr (fraction/yr), status, reason (and source_ids when the input has them).
    """
    keys = group_keys(frame, by)
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
    multiple, rate, reason = growth_arrays(first[value].to_numpy(), last[value].to_numpy(), end - start)
    warn(reason, f"growth {start}–{end}")
    out = pd.DataFrame(
        {
            "start_year": start,
            "end_year": end,
            "start_value": first[value].to_numpy(),
            "end_value": last[value].to_numpy(),
            "multiple": multiple,
            "cagr": rate,
            "status": status(reason),
            "reason": reason,
        },
        index=first.index,
    ).reset_index()
    if "source_ids" in cols:
        out["source_ids"] = union_ids(first["source_ids"], last["source_ids"]).to_numpy()
    return out


def index_to_base(
    frame: pd.DataFrame, base_year: int, value: str = "total", by: Iterable[str] | None = None
) -> pd.DataFrame:
    """Add ``index`` = 100 × V_t / V_base_year within each group, and ``index_reason``.

    NaN (with a :class:`MetricWarning`) for groups whose base value is zero, negative or missing.
    """
    keys = group_keys(frame, by)
    check_years(frame["year"], "this table", base_year)
    base = frame.loc[frame["year"].eq(base_year), keys + [value]].rename(columns={value: "_base"})
    out = frame.merge(base, on=keys, how="left", validate="many_to_one")
    reason = problems(out["_base"])
    warn(reason[~out.duplicated(keys).to_numpy()], f"index (base {base_year}=100)")  # once per group
    out["index"] = 100.0 * out[value] / out["_base"].where(reason == "")
    out["index_reason"] = reason
    return out.drop(columns="_base")


def yoy_change(frame: pd.DataFrame, value: str = "total", by: Iterable[str] | None = None) -> pd.DataFrame:
    """Add ``yoy`` = V_t / V_{t−1} − 1 (fraction) within each group, and ``yoy_reason``.

    NaN where the previous calendar year is absent ("first year" / "missing base value"), its value
    is zero or negative, or the year's own value is missing; a :class:`MetricWarning` is issued for
    every such row except the first year of a group.  Rows come back sorted by group and year.
    """
    keys = group_keys(frame, by)
    out = frame.sort_values(keys + ["year"]).reset_index(drop=True)
    grouped = out.groupby(keys, sort=False)
    prev_year, prev = grouped["year"].shift(), grouped[value].shift()
    first = prev_year.isna().to_numpy()
    prev = prev.where(prev_year.eq(out["year"] - 1))  # a gap in years is a missing base, not last-but-one
    reason = problems(prev, out[value]).add_categories("first year")
    reason[first] = "first year"
    warn(reason[~first], "year-on-year change")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["yoy"] = np.where(reason == "", out[value] / prev - 1.0, np.nan)
    out["yoy_reason"] = reason
    return out


# --------------------------------------------------------------------------- CLI-level summaries


@dataclass(frozen=True)
class GrowthResult:
    """Growth of one partner's trade with China between two years, with what it was computed from.

    ``start_value``/``end_value`` in ``unit`` (million current US$, or million constant ``base`` US$ with a
    ``deflator``); ``multiple`` = end_value / start_value; ``cagr`` = multiple ** (1 / (end_year − start_year)) − 1,
    a fraction per year.  Both are None with ``status`` "not computable" and a ``reason``.  ``source`` names the
    series ("trade", "published", "DOTS + published", ...), ``side`` whose reports, ``source_ids`` the rows read.
    ``details`` holds what only one path knows, under the keys the JSON output has always used: ``members``,
    ``n_reporting``, ``imf_estimate`` (the trade table), ``start_qualifier``/``end_qualifier`` (published figures),
    ``chain``, ``qualifiers``, ``series`` (joined series).  :func:`tradeviz.text.summaries.format_growth` is its
    one text form; :meth:`to_dict` its JSON form.
    """

    partner: str
    partner_name: str
    measure: str
    start_year: int
    end_year: int
    start_value: float | None
    end_value: float | None
    unit: str
    multiple: float | None
    cagr: float | None
    source: str
    side: str
    source_ids: tuple[str, ...]
    deflator: str | None
    status: str
    reason: str | None
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == OK

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``tradeviz growth --json``): every field, then the details, key for key."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "details"}
        out["source_ids"] = list(self.source_ids)
        return {**out, **self.details}

    def with_details(self, **more: Any) -> GrowthResult:
        """The same result with ``more`` added to (or replacing keys of) :attr:`details`."""
        return replace(self, details={**self.details, **more})

    def __getitem__(self, key: str) -> Any:
        """``result["multiple"]`` as when the result was a dict (kept for one release; use the attributes)."""
        return self.to_dict()[key]

    def get(self, key: str, default: Any = None) -> Any:
        """A field or detail by name, ``default`` when absent (as ``dict.get``; kept for one release)."""
        return self.to_dict().get(key, default)


def growth_result(
    *,
    code: str,
    name: str,
    start: int,
    end: int,
    start_value: float,
    end_value: float,
    source: str,
    side: str,
    source_ids: Iterable[str],
    measure: str,
    reason: str = "",
    real: bool = False,
    cpi: pd.DataFrame | None = None,
    base_year: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> GrowthResult:
    """Assemble the growth result shared by the DOTS and published paths.

    Values in million current US$ (``real=True``: × CPI[base_year] / CPI[year], million constant base-year
    US$); multiple = end_value / start_value, cagr = multiple ** (1 / (end − start)) − 1 (fraction/yr).
    A non-empty ``reason`` (or a zero, negative or missing value) makes both None, with status "not computable".
    """
    unit, deflator = "million current US$", None
    if real:
        if cpi is None:
            raise ValueError("real=True needs cpi= (the US CPI table, tradeviz.data.load_cpi())")
        base_year = end if base_year is None else base_year
        factor, deflator, cpi_ids = cpi_factors(cpi, [start, end], base_year, [start_value, end_value])
        start_value, end_value = start_value * factor[0], end_value * factor[1]
        unit = f"million constant {base_year} US$"
        source_ids = sorted(set(source_ids) | set(filter(None, cpi_ids.split("; "))))
    multiple, rate, problem = growth_arrays(start_value, end_value, end - start)
    reason = reason or str(problem[0])
    if reason:
        warnings.warn(f"growth {name} {start}–{end} is not computable: {reason}", MetricWarning, stacklevel=3)
    return GrowthResult(
        partner=code,
        partner_name=name,
        measure=measure,
        start_year=int(start),
        end_year=int(end),
        start_value=float_or_none(start_value),
        end_value=float_or_none(end_value),
        unit=unit,
        multiple=None if reason else float(multiple[0]),
        cagr=None if reason else float(rate[0]),
        source=source,
        side=side,
        source_ids=tuple(source_ids),
        deflator=deflator,
        status=NOT_COMPUTABLE if reason else OK,
        reason=reason or None,
        details=dict(extra or {}),
    )


def growth_summary(
    trade: pd.DataFrame,
    partner: str | Iterable[str],
    start: int,
    end: int,
    *,
    side: str = "china",
    real: bool = False,
    cpi: pd.DataFrame | None = None,
    base_year: int | None = None,
    exclude: str | Iterable[str] = (),
) -> GrowthResult:
    """Growth of total trade (exports + imports) between China and ``partner`` from the trade table only.

    Returns a JSON-serialisable dict: partner, partner_name, start/end year and value, unit, multiple
    (end/start), cagr (fraction/yr), source ("trade"), side, source_ids, deflator, status, reason, and
    imf_estimate ([start, end]: True where a value includes an IMF estimate instead of a report).
    ``real=True`` deflates both values with the US CPI to constant ``base_year`` (default ``end``) dollars.
    ``partner`` and ``exclude`` as in :func:`total_trade` (e.g. ``"all", exclude="KAZ"``).
    """
    members, label, name = resolve_members(partner, exclude)
    series = total_trade(trade, partner, side, exclude=exclude)
    check_years(series["year"], side_label(label, side), start, end)
    check_period(start, end)
    rows = series.set_index("year").loc[[start, end]]
    gaps = [
        f"{y}: no complete report from {rows.at[y, 'missing']} ({SIDES[side]})"
        for y in (start, end)
        if not rows.at[y, "complete"]
    ]
    problem = str(problems(rows.at[start, "total"], rows.at[end, "total"])[0])
    return growth_result(
        code=label,
        name=name,
        start=start,
        end=end,
        start_value=rows.at[start, "total"],
        end_value=rows.at[end, "total"],
        source="trade",
        side=side,
        source_ids=sorted(set(join_ids(rows["source_ids"]).split("; ")) - {""}),
        measure="total_trade",
        reason=f"{problem} ({'; '.join(gaps)})" if gaps else problem,
        real=real,
        cpi=cpi,
        base_year=base_year,
        extra={
            "members": list(members),
            "n_reporting": [int(rows.at[y, "n_reporting"]) for y in (start, end)],
            "imf_estimate": [bool(rows.at[y, "imf_estimate"]) for y in (start, end)],
        },
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
        listing = "; ".join(f"{v:g} ({s})" for v, s in zip(best["value_usd_millions"], best["source_id"], strict=True))
        raise ValueError(f"published figures for {label} in {year} disagree: {listing}; choose with source_ids=[...]")
    return float(best["value_usd_millions"].iloc[0]), sorted(best["source_id"]), str(best["qualifier"].iloc[0]), ""


def published_usd(
    published: pd.DataFrame, partner: str = "all", measure: str = "total_trade", after: int | None = None
) -> pd.DataFrame:
    """Published figures in US$ for one partner (or the five, ``"all"``) and measure, one row per figure.

    Only rows stated in US$ (``value_usd_millions`` present) are kept; ``after`` keeps years > after
    (e.g. the last DOTS year, to show later published totals beside the series, never spliced in).
    Columns: year, partner, measure, value_usd_millions (million current US$), qualifier, source_id.
    """
    require(published, PUBLISHED_COLUMNS, "published table")
    code = countries.resolve(partner, allow_group=True) if isinstance(partner, str) else partner
    rows = published[
        (published["partner"] == code) & (published["measure"] == measure) & published["value_usd_millions"].notna()
    ]
    if after is not None:
        rows = rows[rows["year"] > after]
    cols = ["year", "partner", "measure", "value_usd_millions", "qualifier", "source_id"]
    return rows[cols].sort_values(["year", "source_id"]).reset_index(drop=True)


def published_growth(
    published: pd.DataFrame,
    partner: str,
    start: int,
    end: int,
    *,
    measure: str = "total_trade",
    side: str = "china",
    source_ids: Iterable[str] | None = None,
    real: bool = False,
    cpi: pd.DataFrame | None = None,
    base_year: int | None = None,
) -> GrowthResult:
    """Growth between two full-year published figures (officials, press, statistics offices) only — never DOTS.

    Same fields as :func:`growth_summary`, with source "published", ``side`` whose statistics ("china": China's
    customs; "partner": the partner's own), and start/end_qualifier.  Per year the figure of the published
    series is used where one is marked, else the best-qualified US$ figure (exact > approximate > lower bound);
    partial-year figures never count; ``source_ids`` restricts the candidates.
    """
    require(published, PUBLISHED_COLUMNS, "published-figures table")
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {list(MEASURES)}, not {measure!r}")
    check_side(side)
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
        code=code,
        name=countries.name(code),
        start=start,
        end=end,
        start_value=v0,
        end_value=v1,
        source="published",
        side=side,
        source_ids=sorted(set(ids0) | set(ids1)),
        measure=measure,
        reason="; ".join(filter(None, (r0, r1))),
        real=real,
        cpi=cpi,
        base_year=base_year,
        extra={"start_qualifier": q0 or None, "end_qualifier": q1 or None},
    )
