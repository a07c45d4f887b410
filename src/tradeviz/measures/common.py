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

import contextlib
import functools
import hashlib
import inspect
import numbers
import warnings
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import ParamSpec

import numpy as np
import numpy.typing as npt
import pandas as pd

from tradeviz import countries
from tradeviz.countries import FIRST_YEAR_AS_STATES

SIDES = countries.SIDE_REPORTS
"""Reporting sides: whose customs figures a series comes from."""


VALUE = "value_usd_millions"
MEASURES = countries.MEASURES
OK, NOT_COMPUTABLE = "ok", "not computable"
QUALIFIER_RANK = {"exact": 0, "approximate": 1, "lower_bound": 2}
"""Preference among published figures for the same year: exact, then approximate, then lower bound."""

TRADE_COLUMNS = ("year", "reporter", "partner", "flow", VALUE, "source_id")
PUBLISHED_COLUMNS = ("year", "partner", "measure", "value_usd_millions", "qualifier", "source_id")
_GROUP_KEYS = ("side", "partner", "reporter", "exporter", "importer", "country")


class MetricWarning(UserWarning):
    """A metric came out NaN because an input was zero, negative or missing (the message says which)."""


# --------------------------------------------------------------------------- helpers


def require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise ValueError naming ``what`` unless ``frame`` has every one of ``columns``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} is missing columns {missing}; got {list(frame.columns)}")


def check_side(side: str) -> str:
    """Return ``side`` if it is one of :data:`SIDES` ("china", "partner"); raise ValueError otherwise."""
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
    """Raise ValueError unless ``end`` is a later year than ``start``."""
    if end <= start:
        raise ValueError(f"end year ({end}) must be after start year ({start})")


def group_keys(frame: pd.DataFrame, by: Iterable[str] | None) -> list[str]:
    """The group columns: ``by``, or by default whichever of side/partner/reporter/exporter/importer/country exist."""
    keys = [c for c in _GROUP_KEYS if c in frame.columns] if by is None else list(by)
    if not keys:
        raise ValueError(f"no group columns: pass by=...; none of {_GROUP_KEYS} is in the table")
    return keys


def select(conditions: list[np.ndarray], labels: list[str]) -> pd.Categorical:
    """Per row, the label of the first true condition, else '' — as a Categorical ('' is code 0).

    A Categorical keeps reason columns cheap on large panels (no per-row string objects).
    """
    codes = np.select(conditions, np.arange(1, len(labels) + 1, dtype=np.int8), default=0)
    return pd.Categorical.from_codes(np.atleast_1d(codes), categories=["", *labels])


def problems(
    base: npt.ArrayLike, end: npt.ArrayLike | None = None, years: npt.ArrayLike | None = None
) -> pd.Categorical:
    """Reasons ('' = fine) for a base value (and optionally an end value and a period)."""
    base_values = np.atleast_1d(np.asarray(base, dtype=float))
    conds = [np.isnan(base_values), base_values == 0, base_values < 0]
    labels = ["missing base value", "zero base value", "negative base value"]
    if end is not None:
        end_values = np.atleast_1d(np.asarray(end, dtype=float))
        conds += [np.isnan(end_values), end_values < 0]
        labels += ["missing end value", "negative end value"]
    if years is not None:
        conds.append(~(np.asarray(years, dtype=float) > 0))
        labels.append("period shorter than one year")
    return select(conds, labels)


def warn(reason: pd.Categorical | np.ndarray, what: str) -> None:
    """Issue one MetricWarning summarising the non-empty reasons.

    E.g. "CAGR is NaN for 1 of 5 value(s): zero base value (1)".
    """
    counts = pd.Series(np.atleast_1d(reason)).value_counts()
    counts = counts[(counts.index != "") & (counts > 0)]
    if len(counts):
        detail = ", ".join(f"{r} ({n})" for r, n in counts.items())
        total = len(np.atleast_1d(reason))
        warnings.warn(f"{what} is NaN for {counts.sum()} of {total} value(s): {detail}", MetricWarning, stacklevel=3)


def growth_arrays(
    start: npt.ArrayLike, end: npt.ArrayLike, years: npt.ArrayLike
) -> tuple[np.ndarray, np.ndarray, pd.Categorical]:
    """Vectorised multiple ``M = end / start``, CAGR ``M ** (1 / years) - 1`` (fraction/yr) and reason.

    Inputs broadcast against each other (scalars, arrays or Series); multiple and CAGR are NaN wherever
    the reason (see :func:`problems`) is non-empty.
    """
    v0, v1, n = np.broadcast_arrays(*(np.atleast_1d(np.asarray(a, dtype=float)) for a in (start, end, years)))
    reason = problems(v0, v1, n)
    ok = reason == ""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        multiple = np.where(ok, v1 / v0, np.nan)
        rate = np.where(ok, multiple ** (1.0 / n) - 1.0, np.nan)
    return multiple, rate, reason


def shaped_like(values: np.ndarray, *inputs: npt.ArrayLike) -> pd.Series | float | np.ndarray:
    """Shape the result like the inputs: a Series if any input is one, a float if all are scalars."""
    for item in inputs:
        if isinstance(item, pd.Series):
            return pd.Series(values, index=item.index)
    return float(values[0]) if all(np.ndim(item) == 0 for item in inputs) else values


def status(reason: pd.Categorical | np.ndarray) -> pd.Categorical:
    """Per row, :data:`OK` where the reason is '' and :data:`NOT_COMPUTABLE` otherwise (a Categorical)."""
    return pd.Categorical.from_codes((reason != "").astype(np.int8), categories=[OK, NOT_COMPUTABLE])


def join_ids(ids: Iterable[object]) -> str:
    """The distinct source ids in '; '-joined strings, sorted and '; '-joined again (non-strings are skipped)."""
    return "; ".join(sorted({i for s in ids if isinstance(s, str) for i in s.split("; ") if i}))


def join_ids_by_group(groups: np.ndarray, n_groups: int, ids: pd.Series | np.ndarray) -> np.ndarray:
    """:func:`join_ids` of each group's ids at once: element ``g`` = ``join_ids(ids[groups == g])`` (object array).

    ``groups`` holds a group number (0 .. n_groups − 1) per row, e.g. ``DataFrame.groupby(...).ngroup()``.  The
    join is formed once per distinct combination of ids, not per group, so a table of thousands of groups with a
    handful of sources costs milliseconds.
    """
    codes, labels = pd.factorize(ids)
    labels = np.asarray(labels, dtype=object)
    out = np.full(n_groups, "", dtype=object)
    present = codes >= 0
    if not present.any():
        return out
    width = len(labels)
    pairs = np.unique(np.asarray(groups, dtype=np.int64)[present] * width + codes[present])  # sorted by group
    group, code = pairs // width, pairs % width
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    single = np.r_[starts[1:], len(pairs)] - starts == 1
    one = np.array([join_ids([label]) for label in labels], dtype=object)
    out[group[starts[single]]] = one[code[starts[single]]]
    joined: dict[tuple[int, ...], str] = {}
    for start, stop in zip(starts[~single], np.r_[starts[1:], len(pairs)][~single], strict=True):
        combo = tuple(code[start:stop].tolist())
        if combo not in joined:
            joined[combo] = join_ids(labels[list(combo)])
        out[group[start]] = joined[combo]
    return out


def ids_from_codes(codes: Sequence[np.ndarray], labels: Sequence[np.ndarray]) -> pd.Categorical:
    """Row-wise union of source ids; ``codes[i]`` indexes ``labels[i]`` (−1 = none).

    The union is formed once per distinct combination of codes, not per row, so this stays
    vectorised on large panels; the result is a Categorical of '; '-joined, sorted ids.
    """
    key, radix, radices = np.zeros(len(codes[0]), dtype=np.int64), 1, []
    for code, label in zip(codes, labels, strict=True):  # mixed-radix key: one digit (code + 1) per column
        radices.append(radix)
        key += (np.asarray(code, dtype=np.int64) + 1) * radix
        radix *= len(label) + 1
    combo, keys = pd.factorize(key)

    def members(k: int) -> list[str]:
        digits = ((k // r) % (len(label) + 1) for r, label in zip(radices, labels, strict=True))
        return [label[d - 1] for d, label in zip(digits, labels, strict=True) if d]

    names = [join_ids(members(k)) for k in keys]
    name_codes, categories = pd.factorize(np.array(names, dtype=object))
    return pd.Categorical.from_codes(name_codes[combo], categories=categories)


def union_ids(*columns: pd.Series) -> pd.Series:
    """Row-wise union of the '; '-joined source-id strings in several aligned columns."""
    factorized = [pd.factorize(col) for col in columns]
    ids = ids_from_codes([c for c, _ in factorized], [np.asarray(u, dtype=object) for _, u in factorized])
    return pd.Series(ids, index=columns[0].index)


def with_ids(frame: pd.DataFrame, extra: Iterable[object]) -> pd.Series:
    """``frame``'s source_ids plus the ids in ``extra`` (the same on every row)."""
    current = frame["source_ids"] if "source_ids" in frame.columns else pd.Series("", index=frame.index)
    return union_ids(current, pd.Series(join_ids(extra), index=frame.index))


def float_or_none(value: float | None) -> float | None:
    """A JSON-safe number: NaN/NA -> None."""
    return None if value is None or pd.isna(value) else float(value)


_P = ParamSpec("_P")
MEMO_SIZE = 64
"""Results kept per memoised measure (the least recently used is dropped first)."""
_MEMO_OFF: list[bool] = []


@contextlib.contextmanager
def one_shot() -> Iterator[None]:
    """Within: memoised measures compute each call directly, neither keyed nor kept.

    For a process that asks each question once (a CLI command): there the content keys (a hash of every table
    argument, about 1 ms each) would only add to the answer's time.
    """
    _MEMO_OFF.append(True)
    try:
        yield
    finally:
        _MEMO_OFF.pop()


def _fingerprint(value: object) -> Hashable | None:
    """A hashable key for an argument, by content; None for a value that has none (the call is not memoised)."""
    if isinstance(value, pd.DataFrame):
        rows = pd.util.hash_pandas_object(value, index=True).to_numpy()
        return (
            "frame",
            tuple(map(str, value.columns)),
            tuple(map(str, value.dtypes)),
            type(value.index).__name__,
            len(value),
            hashlib.sha256(rows.tobytes()).hexdigest(),
        )
    if value is None or isinstance(value, str | bool | int | float):
        return (type(value).__name__, value)
    if isinstance(value, dict):  # keyword arguments collected by **kwargs
        pairs = [(str(k), _fingerprint(v)) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]
        return None if any(i is None for _, i in pairs) else ("dict", tuple(pairs))
    if isinstance(value, tuple | list | frozenset | set | range):
        items = [_fingerprint(v) for v in (sorted(value, key=repr) if isinstance(value, set | frozenset) else value)]
        return None if any(i is None for i in items) else (type(value).__name__, tuple(items))
    return None


_MEMO_CACHES: dict[str, OrderedDict[Hashable, pd.DataFrame]] = {}
"""Every memoised measure's cache, by the measure's qualified name."""


def memo_keys() -> dict[str, set[Hashable]]:
    """The keys every memoised measure holds now (so that :func:`memo_entries` can leave them out)."""
    return {name: set(cache) for name, cache in _MEMO_CACHES.items()}


def memo_entries(since: dict[str, set[Hashable]] | None = None) -> list[tuple[str, Hashable, pd.DataFrame]]:
    """The results the memoised measures hold (but those whose keys are in ``since``): (measure, key, frame).

    Keys and frames pickle, so a process can compute results for another one running the same code
    (:func:`add_memo_entries`); the keys are content hashes of the tables, never object identities.
    """
    since = since or {}
    return [
        (name, key, frame)
        for name, cache in _MEMO_CACHES.items()
        for key, frame in cache.items()
        if key not in since.get(name, ())
    ]


def add_memo_entries(entries: Iterable[tuple[str, Hashable, pd.DataFrame]]) -> int:
    """Hold results of :func:`memo_entries` from another process of the same code; return how many were new.

    An entry for a measure this process does not have, or a key it already holds, is left out.
    """
    added = 0
    for name, key, frame in entries:
        cache = _MEMO_CACHES.get(name)
        if cache is None or key in cache or not isinstance(frame, pd.DataFrame):
            continue
        cache[key] = frame
        added += 1
        while len(cache) > MEMO_SIZE:
            cache.popitem(last=False)
    return added


def memoised(func: Callable[_P, pd.DataFrame]) -> Callable[_P, pd.DataFrame]:
    """Compute a pure measure once per distinct input (tables compared by content), return a copy each time.

    Many report cells ask for the same result of the same curated tables (``partner_totals(trade)``, the overlap
    table); each call hashes its tables (milliseconds) instead of recomputing.  The cached frame is never handed
    out: every caller gets its own deep copy, so changing a result, or an input after the call, changes nothing
    for a later call.  A call that raises is not cached, nor one with an argument that has no content key.
    """
    cache: OrderedDict[Hashable, pd.DataFrame] = OrderedDict()
    _MEMO_CACHES[f"{func.__module__}.{func.__qualname__}"] = cache
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> pd.DataFrame:
        if _MEMO_OFF:
            return func(*args, **kwargs)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return func(*args, **kwargs)  # let the function itself say what is wrong
        bound.apply_defaults()  # f(t, "KAZ") and f(t, partner="KAZ", side="china") are one call
        parts = [_fingerprint(v) for v in bound.arguments.values()]
        if any(p is None for p in parts):
            return func(*args, **kwargs)
        key = tuple(zip(bound.arguments, parts, strict=True))
        if key in cache:
            cache.move_to_end(key)
        else:
            cache[key] = func(*args, **kwargs)
            while len(cache) > MEMO_SIZE:
                cache.popitem(last=False)
        return cache[key].copy(deep=True)

    wrapper.cache_clear = cache.clear  # type: ignore[attr-defined]
    return wrapper
