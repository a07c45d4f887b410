"""Number formatting shared by charts, prose and tables."""

from __future__ import annotations

import math

# --------------------------------------------------------------------------------------------
# Number formatting
# --------------------------------------------------------------------------------------------


def trim(number: float, digits: int) -> str:
    """``number`` with thousands separators, at most ``digits`` decimals, no trailing zeros: 1500.50 -> '1,500.5'."""
    text = f"{number:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


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
    sign = "\u2212" if value < 0 else ""
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


def format_multiple(value: float) -> str:
    """``108.9 -> "×109"``, ``3.42 -> "×3.4"``."""
    value = float(value)
    return f"\u00d7{trim(value, 0 if abs(value) >= 10 else 1)}"


def format_percent(value: float, digits: int = 1) -> str:
    """A value already in percent, with a true minus sign: ``-3.14 -> "−3.1%"`` (not a fraction: see prose.pct)."""
    return f"{float(value):.{digits}f}%".replace("-", "\u2212")
