"""Number formatting: the one module charts, prose, tables and command-line summaries format numbers with.

Each function takes one kind of value and says so in its name; none changes meaning with the caller:

* :func:`usd` / :func:`format_usd`: US$ **millions** -> ``"$363.36 m"``, ``"$21.43 bn"`` (prose, chart labels,
  ticks);
* :func:`times`: a growth **multiple** -> ``"×108.9"``, ``"×3.4"``, ``"×1,460.0"`` (one decimal by default,
  everywhere a multiple is printed: prose, tables, chart labels, the front page);
* :func:`pct`: a **fraction** -> ``"15.7%"`` (prose; 0.157 is 15.7 %);
* :func:`fixed`: a plain number for a table cell, thousands separators, fixed decimals: ``"12,345.7"``;
* :func:`multiple_tick` and :func:`percent_tick`: tick labels of a chart axis, for values **as plotted** (a
  multiple axis ``"×1"``, ``"×10"``, ``"×2.5"``; a percent axis whose values are already in percent units, and
  the bar labels drawn on it: ``percent_tick(-3.14, 1) -> "−3.1%"``).

Decisions shared by all of them: thousands separators (``1,460``); a missing or infinite value is ``""`` (tables
show it as "—" before formatting, ticks are blank); text with a unit (``$``, ``×``, ``%``) carries a true minus
sign (U+2212), while :func:`fixed` table cells keep the ASCII hyphen-minus, as the tables always printed.
"""

from __future__ import annotations

import math

MINUS = "\u2212"
TIMES = "\u00d7"


def _finite(value: float) -> bool:
    return math.isfinite(float(value))


def _minus(text: str) -> str:
    return text.replace("-", MINUS)


def trim(number: float, digits: int) -> str:
    """``number`` with thousands separators, at most ``digits`` decimals, no trailing zeros: 1500.50 -> '1,500.5'."""
    text = f"{number:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def fixed(value: float, digits: int) -> str:
    """A plain number for a table cell: thousands separators, exactly ``digits`` decimals, ASCII minus:
    ``fixed(12345.67, 1) -> "12,345.7"``, ``fixed(-0.7, 1) -> "-0.7"``; ``""`` when missing."""
    value = float(value)
    return f"{value:,.{digits}f}" if _finite(value) else ""


def format_usd(value_millions: float, digits: int | None = None, *, sig: int | None = None) -> str:
    """Format a value given in US$ millions: ``500 -> "$500 m"``, ``1000 -> "$1 bn"``, ``38630 -> "$38.63 bn"``.

    ``digits`` fixes the decimals (``format_usd(38630, 1) -> "$38.6 bn"``); ``sig`` rounds to
    significant figures (``format_usd(460, sig=3) -> "$460 m"``, ``format_usd(21385, sig=3) -> "$21.4 bn"``).
    By default up to two decimals are kept and trailing zeros dropped, which suits round tick values.
    """
    value = float(value_millions)
    if not math.isfinite(value):
        return ""
    if value == 0:
        return "$0"
    sign = MINUS if value < 0 else ""
    size = abs(value)
    number, suffix = (size / 1000.0, " bn") if size >= 1000 else (size, " m")
    if sig is not None:
        decimals = max(0, sig - 1 - math.floor(math.log10(number)))
        text = trim(round(number, decimals), decimals)
    elif digits is None:
        text = trim(number, 2)
    else:
        text = f"{number:,.{digits}f}"
    return f"{sign}${text}{suffix}"


def usd(value_millions: float) -> str:
    """US$ millions as prose: 363.364 -> '$363.36 m', 21433.3 -> '$21.43 bn' (:func:`format_usd` defaults)."""
    return format_usd(value_millions)


def times(multiple: float, digits: int = 1) -> str:
    """A growth multiple: ``108.94 -> "×108.9"``, ``3.42 -> "×3.4"``, ``1460.4 -> "×1,460.4"``, ``-0.5 -> "×−0.5"``."""
    value = float(multiple)
    return _minus(f"{TIMES}{value:,.{digits}f}") if _finite(value) else ""


def pct(fraction: float, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.1567 -> "15.7%"``, ``-0.007 -> "−0.7%"``, ``12.5 -> "1,250.0%"``."""
    value = float(fraction)
    return _minus(f"{100 * value:,.{digits}f}%") if _finite(value) else ""


def multiple_tick(value: float) -> str:
    """A tick of a multiple axis, as plotted: ``1 -> "×1"``, ``100 -> "×100"``, ``2.5 -> "×2.5"`` (no decimal
    from ×10 on, at most one below)."""
    value = float(value)
    return _minus(f"{TIMES}{trim(value, 0 if abs(value) >= 10 else 1)}") if _finite(value) else ""


def percent_tick(value_in_percent: float, digits: int = 0) -> str:
    """A value already in percent units, as plotted on a percent axis (its ticks, and with ``digits=1`` the bar
    labels on it): ``20 -> "20%"``, ``percent_tick(-3.14, 1) -> "−3.1%"``.  Not a fraction: see :func:`pct`."""
    value = float(value_in_percent)
    return _minus(f"{value:,.{digits}f}%") if _finite(value) else ""
