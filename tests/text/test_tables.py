"""tables.show: escaping, number formats, missing values, hidden index and byte-stable output."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tradeviz.text import tables

HOSTILE = '<img src=x onerror="alert(1)">'


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partner": ["Kazakhstan", HOSTILE],
            "start_value": [363.364, 12345.678],
            "cagr": [0.157, math.nan],
            "multiple": [59.04, 1460.4],
            "ratio": [1.2345, 0.5],
            "rows": [40054, 3],
            "status": ["ok", "ok"],
        }
    )


def show() -> str:
    return tables.show(
        frame(),
        columns={
            "partner": "partner",
            "start_value": "1992 (US$ m)",
            "cagr": "growth a year (%)",
            "multiple": "multiple",
            "ratio": "China ÷ partner",
            "rows": "rows",
        },
        money=["start_value"],
        percent=["growth a year (%)"],
        multiple=["multiple"],
        ratio=["ratio"],
        integers=["rows"],
        caption="Growth <b>1992</b>",
    ).to_html()


def test_strings_headers_and_caption_are_escaped():
    out = show()
    assert "<img" not in out and "<b>" not in out
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in out
    assert "Growth &lt;b&gt;1992&lt;/b&gt;" in out


def test_index_labels_are_escaped():
    out = tables.show(frame().set_index("partner")).to_html()
    assert "<img" not in out and "&lt;img" in out


def test_numbers_read_well():
    out = show()
    for text in ("363.4", "12,345.7", "15.7", "×59.0", "×1,460.4", "1.23", "40,054"):
        assert f">{text}<" in out, text
    assert ">—<" in out  # the missing growth rate
    assert "status" not in out  # only the columns asked for
    assert "1992 (US$ m)" in out and "growth a year (%)" in out


def test_default_formats():
    df = pd.DataFrame(
        {
            "year": [2014.0, math.nan],
            "share": [0.12345, 2.0],
            "flag": [True, False],
            "read": pd.to_datetime(["2026-11-27", "2026-11-28"]),
        }
    )
    out = tables.show(df).to_html()
    assert ">2014<" in out and ">0.12<" in out and ">2<" in out and ">yes<" in out and ">no<" in out and ">—<" in out
    assert ">2026-11-27<" in out and "00:00" not in out


def test_plain_index_is_hidden_and_a_named_one_is_not():
    assert ">0<" not in tables.show(pd.DataFrame({"a": ["x", "y"]})).to_html()
    named = tables.show(pd.DataFrame({"a": ["x"]}, index=pd.Index([2020], name="year"))).to_html()
    assert ">2020<" in named and ">year<" in named


def test_byte_stable_fixed_ids_and_repr():
    first, second = show(), show()
    assert first == second
    uuid = tables.table_uuid(frame()[["partner"]], "x")
    assert uuid == tables.table_uuid(frame()[["partner"]], "x") and uuid != tables.table_uuid(frame()[["rows"]], "x")
    assert 'id="T_tv' in first and "_row0_col0" not in first  # a fixed table id and no cell ids
    styler = tables.show(frame(), columns=["partner", "cagr"], percent=["cagr"])
    assert " at 0x" not in repr(styler) and "15.7" in repr(styler)
    assert styler._repr_html_() == tables.show(frame(), columns=["partner", "cagr"], percent=["cagr"])._repr_html_()


def test_unknown_columns_are_an_error():
    with pytest.raises(KeyError, match="no column"):
        tables.show(frame(), columns=["nope"])
    with pytest.raises(KeyError, match="not shown"):
        tables.show(frame(), columns=["partner"], money=["start_value"])


def test_number_columns_use_the_shared_formats():
    """Cells come from text.numbers: multiples as prose prints them, negatives with an ASCII minus, NaN as —."""
    df = pd.DataFrame({"multiple": [108.94, math.nan], "cagr": [-0.007, 0.176], "money": [-1234.56, 0.0]})
    out = tables.show(df, multiple=["multiple"], percent=["cagr"], money=["money"]).to_html()
    for text in ("×108.9", "—", "-0.7", "17.6", "-1,234.6", "0.0"):
        assert f">{text}<" in out, text
