"""Prose helpers: data strings are text, never markup."""

import math

from tradeviz.text.prose import esc, md


def test_esc_makes_markup_literal():
    assert esc("<script>alert(1)</script>") == "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"
    assert esc("[x](javascript:f)") == "\\[x\\]\\(javascript:f\\)"
    assert esc("![i](u) *b* `c` _d_") == "\\!\\[i\\]\\(u\\) \\*b\\* \\`c\\` \\_d\\_"
    assert esc("a & b") == "a &amp; b" and esc(2014) == "2014"


def test_md_escapes_named_values_but_not_the_authored_text():
    out = md("**{name}** costs $5", name="<b>x</b>").data
    assert out == "**&lt;b&gt;x&lt;/b&gt;** costs \\$5"
    assert md("{kept} stays", other="x").data == "{kept} stays"
    assert md("no values: {braces}").data == "no values: {braces}"


def test_number_decisions_are_the_same_everywhere():
    """One module formats numbers; prose re-exports its functions for older notebooks."""
    from tradeviz.text import numbers, prose

    assert prose.pct is numbers.pct and prose.times is numbers.times and prose.usd is numbers.usd
    # multiples: one decimal, thousands separators, a true minus, blank when missing
    assert numbers.times(108.94) == "×108.9" and numbers.times(3.42) == "×3.4"
    assert numbers.times(1460.4) == "×1,460.4" and numbers.times(58.9858, 2) == "×58.99"
    assert numbers.times(-0.5) == "×\u22120.5" and numbers.times(float("nan")) == ""
    # percentages of prose take a fraction
    assert numbers.pct(0.1567) == "15.7%" and numbers.pct(0.0123, 2) == "1.23%" and numbers.pct(0.5, 0) == "50%"
    assert numbers.pct(-0.007) == "\u22120.7%" and numbers.pct(12.5) == "1,250.0%" and numbers.pct(float("nan")) == ""
    # values already in percent units are chart ticks and labels, by an explicit name
    assert numbers.percent_tick(15.7, 1) == "15.7%" and numbers.percent_tick(-20) == "\u221220%"
    assert numbers.usd(363.364) == "$363.36 m" and numbers.usd(21433.3) == "$21.43 bn"
    # table cells: fixed decimals, ASCII minus as the tables always printed
    assert numbers.fixed(-0.7, 1) == "-0.7" and numbers.fixed(12345.67, 1) == "12,345.7"
    assert numbers.fixed(math.inf, 1) == ""
