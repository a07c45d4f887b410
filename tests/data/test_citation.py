"""Citations: a data version from the content of the curated tables, and the sources a report drew on."""

import pandas as pd
import pytest

from tradeviz import data
from tradeviz.data import citation


def test_the_data_version_is_a_content_hash(data_copy):
    before = citation.data_version()
    assert len(before) == 12 and before == citation.data_version()
    trade = data_copy / "curated" / "trade.csv"
    text = trade.read_text()
    assert "222.441" in text
    trade.write_text(text.replace("222.441", "222.442", 1))
    assert citation.data_version() != before
    assert "data version" in citation.how_to_cite("X") and citation.data_version() in citation.how_to_cite("X")


def test_sources_used_are_those_of_the_rows_given():
    used = citation.sources_used(data.load_trade(), data.load_borders(), also=["naturalearth-110m"])
    assert list(used.index) == ["cia-factbook-2026-01-22", "imf-dots-2022-02-02", "naturalearth-110m"]
    assert {"producer", "title", "where read", "date read", "licence"} <= set(used.columns)
    with pytest.raises(data.DataError, match="not in the sources table"):
        citation.sources_used(pd.DataFrame({"source_id": ["nowhere"]}))


def test_source_ids_are_the_distinct_ids_of_every_frame_column_given():
    from tradeviz.data.ids import source_ids

    rows = pd.DataFrame({"source_id": ["a", "a", None, "b"], "value": [1, 2, 3, 4]})
    joined = pd.DataFrame({"source_ids": ["b; c", " c ;d;", pd.NA, "c; b"]})
    assert source_ids([rows, joined, "not a frame", None, pd.DataFrame({"x": [1]})]) == ["a", "b", "c", "d"]
    assert source_ids([pd.DataFrame({"source_id": pd.Series([], dtype="str")})]) == []
