"""The build: pure, deterministic, faithful to the raw workbooks, and able to take a newer DOTS vintage."""

import json
import shutil

import openpyxl
import pandas as pd
import pytest

from tradeviz import cli, data, paths
from tradeviz.build import pipeline, validate
from tradeviz.sources import provenance


@pytest.fixture(scope="module")
def tables():
    return pipeline.build_all()


def test_committed_tables_and_dictionary_equal_a_fresh_build(tables):
    assert validate.stale_tables() == []
    for path, text in pipeline.outputs(tables).items():
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale"


def test_build_is_deterministic(tables):
    again = pipeline.build_all()
    assert {n: pipeline.to_csv_text(f) for n, f in again.items()} == {
        n: pipeline.to_csv_text(f) for n, f in tables.items()
    }


def test_the_data_package_is_valid_according_to_frictionless():
    assert validate.schema_problems() == []


def test_trade_spot_checks_from_the_raw_workbooks(tables):
    trade = tables["trade"]
    china = trade[(trade.reporter == "CHN") & (trade.partner.isin(["KAZ", "KGZ", "TJK", "TKM", "UZB"]))]
    by_flow_2020 = china[china.year == 2020].groupby("flow").value_usd_millions.sum()
    assert round(by_flow_2020["exports"], 1) == 21196.3
    assert round(by_flow_2020["imports"], 1) == 17360.6
    assert round(by_flow_2020.sum(), 1) == 38557.0
    kaz_1992 = china[(china.year == 1992) & (china.partner == "KAZ")].value_usd_millions.sum()
    assert round(kaz_1992, 1) == 363.4
    assert round(china[china.year == 1992].value_usd_millions.sum(), 1) == 438.3


def test_published_460_million_sits_beside_the_dots_sum(tables):
    published = tables["published"]
    total_1992 = published[
        (published.year == 1992) & (published.partner == "CA5") & (published.measure == "total_trade")
    ]
    assert sorted(total_1992.source_id) == ["press-quoted-figures", "seed-article-rmol-2022-01-26"]
    assert (total_1992.value_usd_millions == 460.0).all()
    seed_2021 = published[(published.year == 2021) & (published.source_id == "seed-article-rmol-2022-01-26")]
    assert seed_2021.value_usd_millions.tolist() == [50100.0]
    assert "50,1 miliar dolar AS pada tahun 2021" in seed_2021.quoted_text.iloc[0]
    lower = published[
        (published.year == 2021)
        & (published.partner == "CA5")
        & (published.qualifier == "lower_bound")
        & (published.currency == "USD")
        & (published.value_usd_millions < 50_000)
    ]
    assert set(lower.value_usd_millions) == {49500.0} and len(lower) >= 2  # "just over", "slightly above"


def test_trade_matches_the_teams_independent_extract(tables):
    extract = pd.read_csv(paths.raw_dir() / "imf-dots" / "2022-02-02" / "china_central_asia_dots_1992_2020.csv")
    extract = extract[extract.year >= 1992]
    names = json.loads((paths.raw_dir() / "imf-dots" / "country_names.json").read_text())
    extract = extract.assign(
        reporter=extract.reporter.map(names),
        partner=extract.partner.map(names),
        flow=extract.flow.str.split("_").str[0],
    )
    key = ["year", "reporter", "partner", "flow"]
    merged = tables["trade"].merge(extract, on=key, how="outer", indicator=True)
    assert (merged._merge == "both").all() and len(merged) == 926
    assert (merged.value_usd_millions_x == merged.value_usd_millions_y).all()
    assert (merged.imf_estimate == merged.imf_estimate_flag.astype(bool)).all()


def test_borders_bri_and_context(tables):
    borders = tables["borders"].set_index("country")
    assert borders.border_length_km.dropna().to_dict() == {"KAZ": 1765, "KGZ": 1063, "TJK": 477}
    assert borders.border_length_km.isna().tolist() == [False, False, False, True, True]
    assert borders.borders_china.to_dict() == {"KAZ": True, "KGZ": True, "TJK": True, "TKM": False, "UZB": False}
    bri = tables["bri"]
    kgz = bri[bri.country == "KGZ"].iloc[0]
    assert pd.isna(kgz.date) and kgz.date_precision == "none" and "NOT found" in kgz.note
    context = tables["context"].set_index(["indicator", "country", "year"]).value
    assert round(context["gdp_current_usd", "KAZ", 1992]) == 24917355372
    assert context["population", "KGZ", 2021] == 6851224
    assert round(context["us_cpi_u_annual_average", "USA", 1992], 3) == 140.317
    assert round(context["us_cpi_u_annual_average", "USA", 2020], 3) == 258.811
    assert 2025 not in context["us_cpi_u_annual_average", "USA"].index  # only 11 months in the file


def _add_2021_vintage(data_dir, edit=None):
    """A 'newer IMF download': China's workbook with a 2021 column and a revised 2020, in a new dated folder.

    ``edit(book)`` may change the workbook before it is saved and its checksum recorded.
    """
    old = data_dir / "raw" / "imf-dots" / "2022-02-02"
    new = data_dir / "raw" / "imf-dots" / "2023-03-31"
    new.mkdir()
    book = openpyxl.load_workbook(old / "DOTS_40.xlsx")
    for sheet in book.worksheets:
        last = sheet.max_column
        assert sheet.cell(7, last).value in (2020, "2020")
        sheet.cell(7, last + 1).value = 2021
        for row in range(8, sheet.max_row + 1):
            value = sheet.cell(row, last).value
            if isinstance(value, (int, float)):
                sheet.cell(row, last + 1).value = round(value * 1.25, 3)
                sheet.cell(row, last).value = round(value + 1, 3)  # a revision of 2020
    if edit:
        edit(book)
    book.save(new / "DOTS_40.xlsx")
    record = json.loads((old / provenance.RECORD).read_text())
    record["sources"][0].update(source_id="imf-dots-2023-03-31", date_published="2023-03-31")
    record["files"] = {}
    (new / provenance.RECORD).write_text(json.dumps(record))
    provenance.snapshot(new)
    return new


def _cell(sheet, label, year):
    """The cell of partner ``label`` and ``year`` (row labels in column B, years in row 7)."""
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value == label)
    col = next(c for c in range(3, sheet.max_column + 1) if str(sheet.cell(7, c).value) == str(year))
    return sheet.cell(row, col)


def test_a_newer_dots_vintage_brings_new_years_and_wins(data_copy):
    _add_2021_vintage(data_copy)
    before = pd.read_csv(data_copy / "curated" / "trade.csv")
    assert cli.main(["data", "build"]) == 0
    trade = data.load_trade()
    china_2021 = trade[(trade.year == 2021)]
    assert set(china_2021.reporter) == {"CHN"} and set(china_2021.source_id) == {"imf-dots-2023-03-31"}
    assert set(china_2021.partner) == {"KAZ", "KGZ", "TJK", "TKM", "UZB", "WLD"}

    def kaz(t: pd.DataFrame, y: int) -> float:
        return t[
            (t.year == y) & (t.reporter == "CHN") & (t.partner == "KAZ") & (t.flow == "exports")
        ].value_usd_millions.iloc[0]

    assert kaz(trade, 2020) == round(kaz(before, 2020) + 1, 3)  # newest vintage wins for 2020
    assert kaz(trade, 2021) == round(kaz(before, 2020) * 1.25, 3)
    mirror_2020 = trade[(trade.year == 2020) & (trade.reporter == "KAZ")]
    assert set(mirror_2020.source_id) == {"imf-dots-2022-02-02"}  # other reporters keep the old vintage
    assert "imf-dots-2023-03-31" in set(data.load_sources().source_id)
    assert cli.main(["data", "validate"]) == 0


def test_a_vintage_without_a_provenance_record_is_refused(data_copy, capsys):
    new = data_copy / "raw" / "imf-dots" / "2024-01-01"
    new.mkdir()
    shutil.copy(data_copy / "raw" / "imf-dots" / "2022-02-02" / "DOTS_40.xlsx", new)
    assert cli.main(["data", "build"]) == 1
    assert "2024-01-01: no provenance.json" in capsys.readouterr().err


def test_a_malformed_workbook_cell_is_named(data_copy, capsys):
    cells = []

    def not_a_number(book):
        cells.append(_cell(book["Imports, CIF"], "Kyrgyz Rep.", 1994))
        cells[0].value = "n/a"

    _add_2021_vintage(data_copy, not_a_number)
    assert cli.main(["data", "build"]) == 1
    assert (
        f"DOTS_40.xlsx [Imports, CIF] row {cells[0].row}, year 1994: 'n/a' is not a number" in capsys.readouterr().err
    )


def test_a_failed_build_leaves_the_previous_tables_in_place(data_copy, monkeypatch):
    before = {p.name: p.read_bytes() for p in (data_copy / "curated").iterdir()}
    _add_2021_vintage(data_copy, lambda book: setattr(_cell(book["Exports, FOB"], "World", 2005), "value", "-3"))
    assert cli.main(["data", "build"]) == 1
    assert {p.name: p.read_bytes() for p in (data_copy / "curated").iterdir()} == before


def test_an_interrupted_write_keeps_the_old_file_and_leaves_no_temporary(data_copy, monkeypatch):
    """io.atomic_write_*: used for curated tables, notebooks and every rendered report."""
    import os

    target = data_copy / "curated" / "trade.csv"
    original = target.read_bytes()

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        pipeline.write_all(pipeline.build_all())
    assert target.read_bytes() == original
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_the_build_refuses_raw_files_whose_checksum_changed(data_copy, capsys):
    before = {p.name: p.read_bytes() for p in (data_copy / "curated").iterdir()}
    gdp = data_copy / "raw" / "worldbank-wdi-datahub" / "gdp_china_central_asia.csv"
    gdp.write_text(gdp.read_text().replace("24917355371.9", "24917355399.9"))
    assert cli.main(["data", "build"]) == 1
    err = capsys.readouterr().err
    assert "nothing was built" in err and "gdp_china_central_asia.csv: checksum changed" in err
    assert {p.name: p.read_bytes() for p in (data_copy / "curated").iterdir()} == before
