"""Numbers and data strings in notebook prose: formatted once, the same way everywhere, and safe in Markdown.

A bare ``$`` in Markdown opens a LaTeX formula in Jupyter and nbconvert, so :func:`md` escapes it.  Strings that
come from the data (event names, quotes, titles from press pages) are text, never markup: :func:`esc` makes them
literal in Markdown and in HTML, and :func:`md` applies it to every value passed by name.

Numbers become text in :mod:`tradeviz.text.numbers` (``usd``, ``pct``, ``times``); they are re-exported here
for notebooks written before that module existed.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from tradeviz.text.numbers import pct, times, usd

if TYPE_CHECKING:
    from IPython.display import Markdown

__all__ = ["esc", "md", "pct", "times", "usd"]  # the number functions live in text.numbers

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]()#!|~])")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def esc(value: object) -> str:
    """``value`` as literal text in Markdown and HTML: ``<``, ``>``, ``&`` become entities and Markdown
    punctuation (links, images, emphasis, code) is backslash-escaped, so nothing in it can become markup or run.
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(str(value), quote=False))


def md(text: str, **values: object) -> Markdown:
    """A Markdown display object with every ``$`` escaped (money, not maths).  IPython is imported on the first
    call, so modules that only need :func:`esc` (the CLI's messages) do not load it.

    ``{name}`` placeholders in ``text`` are filled with ``values[name]`` escaped by :func:`esc`: pass every string
    that comes from the data this way (``md("… “{event}” …", event=row.event)``), never through an f-string.
    """
    from IPython.display import Markdown

    if values:
        text = _PLACEHOLDER.sub(lambda m: esc(values[m[1]]) if m[1] in values else m[0], text)
    return Markdown(text.replace("\\$", "$").replace("$", "\\$"))
