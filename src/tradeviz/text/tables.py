"""Tables for reading: the one way a notebook shows a DataFrame in a report.

``show(frame, columns=..., money=..., percent=..., caption=...)`` returns a pandas Styler that

* keeps only the columns named in ``columns`` (in that order) and gives them readable names with units;
* formats numbers with :mod:`tradeviz.text.numbers`: ``money`` (US$ millions) and ``integers`` with thousands
  separators, ``percent`` (fractions)
  as ``15.7`` (the header says %), ``points`` (values already in percent) as ``15.7``, ``ratio`` with two
  decimals, ``multiple`` as ``×59.0``; other whole floats (years read back from a column with gaps) without
  decimals, other floats with two, booleans as yes/no, dates without a midnight time;
* shows a missing value as "—";
* escapes every string, in cells, index and headers, for HTML: data strings come from press pages and must never
  become markup.  The caption is escaped too;
* is byte-stable: the table id comes from a hash of its caption and headers (never random) and cells carry no
  ids, so stored notebook outputs compare exactly under nbval; its plain-text repr is the formatted table, not
  an object address;
* hides the index when it is a plain 0..n-1 RangeIndex.

Format lists name columns by their original or their new name.
"""

from __future__ import annotations

import hashlib
import html
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import SupportsFloat, cast

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from tradeviz.text import numbers

MISSING = "—"


class Table(Styler):
    """A Styler whose plain-text repr is the formatted table (deterministic; the default shows a memory address)."""

    def __repr__(self) -> str:
        return html.unescape(self.to_string(delimiter="  "))


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _number(to_text: Callable[[float], str]) -> Callable[[object], str]:
    def fmt(value: object) -> str:
        if _missing(value):
            return MISSING
        if isinstance(value, str):
            return value
        return to_text(float(cast(SupportsFloat, value)))  # a number column holds numbers once NA and text are out

    return fmt


def _default(value: object) -> str:
    if _missing(value):
        return MISSING
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat(sep=" ")
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return f"{value:.0f}"  # a year read back from a column with gaps: no separator
        return numbers.fixed(value, 2)
    if isinstance(value, str):
        return value  # Styler escaped it already
    return html.escape(str(value))


FORMATS: dict[str, Callable[[object], str]] = {
    "money": _number(lambda v: numbers.fixed(v, 1)),
    "integers": _number(lambda v: numbers.fixed(v, 0)),
    "percent": _number(lambda v: numbers.fixed(100 * v, 1)),  # a fraction, shown in percent (the header says %)
    "points": _number(lambda v: numbers.fixed(v, 1)),
    "ratio": _number(lambda v: numbers.fixed(v, 2)),
    "multiple": _number(numbers.times),
}


def table_uuid(frame: pd.DataFrame, caption: str | None) -> str:
    """A short id from the caption, headers and shape: the same table always gets the same id, two tables in one
    report (almost surely) different ones."""
    key = repr((caption, [str(c) for c in frame.columns], list(frame.index.names), frame.shape))
    return "tv" + hashlib.sha256(key.encode()).hexdigest()[:10]


def _plain_index(index: pd.Index) -> bool:
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 and index.name is None


def show(
    frame: pd.DataFrame,
    *,
    columns: Mapping[str, str] | Sequence[str] | None = None,
    money: Iterable[str] = (),
    percent: Iterable[str] = (),
    points: Iterable[str] = (),
    ratio: Iterable[str] = (),
    multiple: Iterable[str] = (),
    integers: Iterable[str] = (),
    index: Mapping[str, str] | None = None,
    caption: str | None = None,
) -> Styler:
    """``frame`` formatted for reading (see the module docstring).  ``index`` renames index levels."""
    names: dict[str, str]
    if columns is None:
        names = {c: c for c in frame.columns}
    elif isinstance(columns, Mapping):
        names = dict(columns)
    else:
        names = {c: c for c in columns}
    unknown = [c for c in names if c not in frame.columns]
    if unknown:
        raise KeyError(f"tables.show: no column(s) {unknown} in the frame (it has {list(frame.columns)})")
    view = frame[list(names)].rename(columns=names)
    if index:
        view = view.rename_axis(index=[index.get(n, n) if n is not None else None for n in view.index.names])
    formatters: dict[str, Callable[[object], str]] = {c: _default for c in view.columns}
    lists = {
        "money": money,
        "percent": percent,
        "points": points,
        "ratio": ratio,
        "multiple": multiple,
        "integers": integers,
    }
    for kind, cols in lists.items():
        for col in cols:
            shown = names.get(col, col)
            if shown not in formatters:
                raise KeyError(f"tables.show: {kind} column {col!r} is not shown")
            formatters[shown] = FORMATS[kind]
    styler = Table(view, uuid=table_uuid(view, caption), cell_ids=False)
    styler.format(formatters, escape="html", na_rep=MISSING)
    styler.format_index(_default, escape="html", na_rep=MISSING)
    styler.format_index(escape="html", axis=1)
    if caption:
        styler.set_caption(html.escape(caption))
    if _plain_index(view.index):
        styler.hide(axis="index")
    return styler
