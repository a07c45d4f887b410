"""Loaders: typed frames, and a clear error naming file, row and column for every kind of bad curated file."""

import pandas as pd
import pytest

from tradeviz import cli, data


def test_loaders_return_typed_frames():
    trade = data.load_trade()
    assert trade.dtypes["year"] == "int64" and trade.dtypes["value_usd_millions"] == "float64"
    assert trade.dtypes["imf_estimate"] == bool
    assert len(trade) == 926 and trade.year.min() == 1992 and trade.year.max() == 2020
    assert data.load_borders().dtypes["border_length_km"] == "Int64"
    assert set(data.load_gdp().columns) == {"country", "year", "gdp_usd", "source_id"}
    assert data.load_cpi().set_index("year").cpi.round(3)[2021] == 270.970
    assert data.load_population().set_index(["country", "year"]).population["UZB", 2021] == 34243696


def test_every_row_points_to_a_known_source():
    sources = set(data.load_sources().source_id)
    for name in ("trade", "published", "borders", "bri", "context"):
        assert set(data.load_table(name).source_id) <= sources


def _edit(data_copy, table, fn):
    path = data_copy / "curated" / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    fn(frame)
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def test_missing_column(data_copy):
    _edit(data_copy, "trade", lambda f: f.__delitem__("valuation"))
    with pytest.raises(data.DataError, match=r"trade\.csv: missing column\(s\) \['valuation'\]"):
        data.load_trade()


def test_non_numeric_value(data_copy):
    _edit(data_copy, "trade", lambda f: f.loc.__setitem__((4, "value_usd_millions"), "12,5"))
    with pytest.raises(data.DataError, match=r"trade\.csv row 6, column 'value_usd_millions': '12,5' is not a valid number"):
        data.load_trade()


def test_negative_value(data_copy):
    _edit(data_copy, "trade", lambda f: f.loc.__setitem__((9, "value_usd_millions"), "-1.5"))
    with pytest.raises(data.DataError, match=r"trade\.csv row 11, column 'value_usd_millions': value = -1\.5 is below the minimum 0"):
        data.load_trade()


def test_empty_required_value(data_copy):
    _edit(data_copy, "trade", lambda f: f.loc.__setitem__((2, "value_usd_millions"), ""))
    with pytest.raises(data.DataError, match=r"trade\.csv row 4, column 'value_usd_millions': value is empty but required"):
        data.load_trade()


def test_duplicate_key(data_copy):
    _edit(data_copy, "trade", lambda f: f.loc.__setitem__(3, f.loc[2]))
    with pytest.raises(data.DataError, match=r"trade\.csv row 5: duplicate key \(year=1992, reporter=CHN, partner=KGZ, flow=exports\)"):
        data.load_trade()


def test_unknown_source_id(data_copy):
    _edit(data_copy, "published", lambda f: f.loc.__setitem__((0, "source_id"), "my-memory"))
    with pytest.raises(data.DataError, match=r"published\.csv row 2, column 'source_id': unknown source 'my-memory'"):
        data.load_published()


def test_value_outside_an_enum(data_copy):
    _edit(data_copy, "trade", lambda f: f.loc.__setitem__((0, "flow"), "re-exports"))
    with pytest.raises(data.DataError, match=r"row 2, column 'flow': value = 're-exports' is not one of"):
        data.load_trade()


def test_missing_table_says_how_to_build_it(data_copy):
    (data_copy / "curated" / "bri.csv").unlink()
    with pytest.raises(data.DataError, match=r"bri\.csv: not found\. Run `tradeviz data build`"):
        data.load_bri()


def test_validate_reports_schema_errors_with_row_and_column_and_exits_1(data_copy, capsys):
    _edit(data_copy, "trade", lambda f: f.loc.__setitem__((4, "value_usd_millions"), "lots"))
    assert cli.main(["data", "validate"]) == 1
    err = capsys.readouterr().err
    assert "curated/trade.csv row 6, column 'value_usd_millions'" in err
    assert "differs from a fresh build" in err


def test_loaders_take_a_country_in_any_spelling():
    kgz = data.load_trade("Kyrgyz Republic")
    assert set(kgz.reporter) | set(kgz.partner) >= {"KGZ", "CHN"} and ((kgz.reporter == "KGZ") | (kgz.partner == "KGZ")).all()
    assert data.load_trade("kg").equals(kgz) and data.load_trade("Kirgistan").equals(kgz)
    assert set(data.load_gdp("Kazakhstan, Rep. of").country) == {"KAZ"}
    assert data.load_population("TJ").population.gt(0).all()
    assert data.load_borders("Kyrgyzstan").border_length_km.tolist() == [1063]
    assert data.load_bri("UZB").date.tolist() == ["2015-06-15"]
    assert set(data.load_trade("China").reporter) >= {"CHN", "KAZ"}


def test_a_loader_refuses_an_unknown_country_listing_the_choices():
    from tradeviz.countries import UnknownCountryError

    with pytest.raises(UnknownCountryError, match=r"Unknown country 'Mongolia'\. Valid choices: CHN \(China\), KAZ"):
        data.load_trade("Mongolia")
