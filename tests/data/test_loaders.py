"""Loaders: typed frames, and a clear error naming file, row and column for every kind of bad curated file."""

import json

import pandas as pd
import pytest

from tradeviz import cli, data, paths


def test_loaders_return_typed_frames():
    trade = data.load_trade()
    assert trade.dtypes["year"] == "int64" and trade.dtypes["value_usd_millions"] == "float64"
    assert trade.dtypes["imf_estimate"] == "bool"
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


def _set(row, column, value):
    return lambda frame: frame.loc.__setitem__((row, column), value)


BAD_CURATED_FILES = {
    "missing column": (
        "trade",
        lambda f: f.__delitem__("valuation"),
        r"trade\.csv: missing column\(s\) \['valuation'\]",
    ),
    "non-numeric value": (
        "trade",
        _set(4, "value_usd_millions", "12,5"),
        r"trade\.csv row 6, column 'value_usd_millions': '12,5' is not a valid number",
    ),
    "negative value": (
        "trade",
        _set(9, "value_usd_millions", "-1.5"),
        r"trade\.csv row 11, column 'value_usd_millions': value = -1\.5 is below the minimum 0",
    ),
    "empty required value": (
        "trade",
        _set(2, "value_usd_millions", ""),
        r"trade\.csv row 4, column 'value_usd_millions': value is empty but required",
    ),
    "duplicate key": (
        "trade",
        lambda f: f.loc.__setitem__(3, f.loc[2]),
        r"trade\.csv row 5: duplicate key \(year=1992, reporter=CHN, partner=KGZ, flow=exports\)",
    ),
    "unknown source id": (
        "published",
        _set(0, "source_id", "my-memory"),
        r"published\.csv row 2, column 'source_id': unknown source 'my-memory'",
    ),
    "value outside an enum": (
        "trade",
        _set(0, "flow", "re-exports"),
        r"row 2, column 'flow': value = 're-exports' is not one of",
    ),
}


@pytest.mark.parametrize("table, edit, message", BAD_CURATED_FILES.values(), ids=BAD_CURATED_FILES.keys())
def test_a_bad_curated_file_names_file_row_and_column(data_copy, table, edit, message):
    _edit(data_copy, table, edit)
    with pytest.raises(data.DataError, match=message):
        data.load_table(table)


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
    assert (
        set(kgz.reporter) | set(kgz.partner) >= {"KGZ", "CHN"}
        and ((kgz.reporter == "KGZ") | (kgz.partner == "KGZ")).all()
    )
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


def test_every_curated_table_has_a_loader() -> None:
    """``data.load_<table>()`` for each resource of the Data Package (the analyst's way in, documented once)."""
    names = [res["name"] for res in json.loads(paths.datapackage_path().read_text(encoding="utf-8"))["resources"]]
    missing = [n for n in names if not callable(getattr(data, f"load_{n}", None))]
    assert not missing, f"add a loader to tradeviz/data/loaders.py for: {missing}"


def test_the_package_imports_its_loaders_and_pandas_at_first_use_only():
    """The render process reads the data version before it knows whether anything needs a table."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from tradeviz.data import version\n"
        "assert 'pandas' not in sys.modules and 'tradeviz.data.loaders' not in sys.modules\n"
        "from tradeviz import data\n"
        "assert 'load_trade' in dir(data) and data.load_trade is data.loaders.load_trade\n"
        "assert 'pandas' in sys.modules\n"
        "for name in ('no_such_loader', '_parse'):\n"
        "    try:\n"
        "        getattr(data, name)\n"
        "    except AttributeError as exc:\n"
        "        assert f\"no attribute '{name}'\" in str(exc)\n"
        "    else:\n"
        "        raise AssertionError(name)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
