"""Numbers in notebook prose: formatted once, the same way everywhere, and safe in Markdown.

A bare ``$`` in Markdown opens a LaTeX formula in Jupyter and nbconvert, so :func:`md` escapes it.
"""

from __future__ import annotations

from IPython.display import Markdown

from tradeviz.charts import format_usd


def md(text: str) -> Markdown:
    """A Markdown display object with every ``$`` escaped (money, not maths)."""
    return Markdown(text.replace("\\$", "$").replace("$", "\\$"))


def usd(value_millions: float) -> str:
    """Million US$ as prose: 363.364 -> '$363.36 m', 21433.3 -> '$21.43 bn'."""
    return format_usd(value_millions)


def pct(fraction: float, digits: int = 1) -> str:
    """A fraction as a percentage: 0.1567 -> '15.7%'."""
    return f"{100 * fraction:.{digits}f}%"


def times(multiple: float, digits: int = 1) -> str:
    """A growth multiple: 58.9858 -> '×59.0'."""
    return f"×{multiple:,.{digits}f}"
