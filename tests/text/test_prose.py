"""Prose helpers: data strings are text, never markup."""

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
