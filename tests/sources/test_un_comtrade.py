"""UN Comtrade as stored: every record kept, values in US$ millions, and a damaged file named by file, line, column."""

import shutil

import pytest

from tradeviz import paths
from tradeviz.errors import BuildError
from tradeviz.sources import un_comtrade

CHN_FILE = "comtrade_chn_reporter.csv"


@pytest.fixture(scope="module")
def table():
    return un_comtrade.build_comtrade(paths.raw_dir())


def test_every_record_is_kept_with_its_classification_and_source(table):
    assert len(table) == 352 + 327
    assert set(table["source_id"]) == {"un-comtrade-chn-kaz-1078ec9"}
    by_year = table.groupby("year")["classification"].unique().map(list).to_dict()
    assert by_year[2014] == ["H4"] and by_year[2017] == ["H5"] and by_year[2024] == ["H6"]
    assert sorted(table["year"].unique()) == list(range(2014, 2025))
    assert not table.duplicated(un_comtrade.COMTRADE_KEY).any()


def test_totals_as_the_source_md_states_them(table):
    total = table.loc[table["commodity"].eq("TOTAL")].set_index(["year", "reporter", "partner", "flow"])
    value = total["value_usd_millions"]
    assert round(value[(2014, "CHN", "KAZ", "exports")], 1) == 12709.8
    assert round(value[(2018, "CHN", "KAZ", "imports")], 1) == 8093.1
    assert [round(value[(y, "KAZ", "CHN", "imports")]) for y in (2014, 2019, 2020, 2021, 2022, 2023)] == [
        7357,
        6789,
        1955,
        2424,
        3575,
        16772,
    ]
    assert total.loc[(2014, "CHN", "KAZ", "imports"), "valuation"] == "CIF"


def test_a_record_the_files_lack_stays_absent(table):
    kaz = table.loc[table["reporter"].eq("KAZ") & table["partner"].eq("CHN") & table["year"].eq(2020)]
    assert kaz.groupby("flow").size().to_dict() == {"exports": 4, "imports": 4}  # of eight commodities; none filled


def _damaged(tmp_path, edit):
    folder = tmp_path / un_comtrade.FOLDER
    shutil.copytree(paths.raw_dir() / un_comtrade.FOLDER, folder)
    path = folder / CHN_FILE
    lines = path.read_bytes().decode().split("\r\n")
    edit(lines)
    path.write_bytes("\r\n".join(lines).encode())
    return tmp_path


def _replace(index, old, new):
    def edit(lines):
        lines[index] = lines[index].replace(old, new, 1) if old else new

    return edit


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_replace(1, '"134660946685",,"134660946685"', '"1x",,"1x"'), "line 2, column primaryValue"),
        (_replace(2, '"M","Import"', '"R","Re-import"'), "line 3, column flowCode"),
        (_replace(2, '"H4"', '"S4"'), "line 3, column classificationCode"),
        (lambda ls: ls.__setitem__(2, ls[2][:-1]), "line 3, column isAggregate: 47 fields"),
        (_replace(2, '"398","KAZ","Kazakhstan"', '"643","RUS","Russia"'), "line 3, column partnerISO"),
        (_replace(0, "primaryValue", "value"), "line 1: not the 47-column"),
        (lambda ls: ls.__setitem__(5, ls[4]), "line 6, column cmdCode: a second record"),
    ],
)
def test_a_damaged_file_stops_the_build_naming_file_line_and_column(tmp_path, edit, message):
    raw = _damaged(tmp_path, edit)
    with pytest.raises(BuildError, match=CHN_FILE) as caught:
        un_comtrade.build_comtrade(raw)
    assert message in str(caught.value)


def test_a_primary_value_that_is_not_the_flows_valuation_is_refused(tmp_path):
    raw = _damaged(tmp_path, _replace(1, '"134660946685",,', '"134660946600",,'))
    with pytest.raises(BuildError, match=r"line 2, column cifvalue: .* imports are valued CIF"):
        un_comtrade.build_comtrade(raw)
