"""IMF IMTS 2025 exports as stored: the five's rows, Kyrgyzstan's missing China row, and a damaged file refused."""

from __future__ import annotations

import json
import shutil

import pytest

from tradeviz import data, paths
from tradeviz.errors import BuildError
from tradeviz.sources import imf_imts_exports as imts
from tradeviz.sources import provenance


@pytest.fixture(scope="module")
def table():
    return imts.build_imts_exports(paths.raw_dir())


def test_the_raw_file_is_the_stored_copy():
    record = provenance.read_record(paths.raw_dir() / imts.FOLDER)
    assert record["files"][imts.FILE]["sha256"] == "19161af971d8d6ee96eacb61ae88e7a7ca56732b7bde668692976037efc1fe08"


def test_the_five_exports_to_the_world_and_china(table):
    values = table.set_index(["reporter", "partner"])["value_usd_millions"]
    assert round(values[("KAZ", "CHN")], 1) == 12767.7 and round(values[("KAZ", "WLD")], 1) == 67903.9
    assert round(values[("TKM", "CHN")], 1) == 7961.5 and round(values[("TJK", "CHN")], 1) == 487.4
    assert round(values[("UZB", "CHN")], 1) == 3354.9
    assert set(table["year"]) == {2025} and set(table["valuation"]) == {"FOB"}
    ranks = table.dropna(subset=["china_rank"]).set_index("reporter")["china_rank"].to_dict()
    assert ranks == {"KAZ": 2, "TJK": 1, "TKM": 1, "UZB": 5}


def test_kyrgyzstan_s_china_row_is_missing_not_zero(table):
    kgz = table.loc[table["reporter"].eq("KGZ")]
    assert list(kgz["partner"]) == ["WLD"]
    (line,) = imts.missing_lines(table)
    assert "Kyrgyzstan" in line and "US$13.9 million" in line and "not zero" in line


def test_the_listed_partners_may_exceed_the_world_total_and_say_so(table):
    kaz = table.query("reporter == 'KAZ' and partner == 'WLD'").iloc[0]
    assert kaz.top15_usd_millions > kaz.value_usd_millions  # 71.4 bn listed, 67.9 bn total: incomplete 2025


def test_the_loader():
    assert data.load_imts_exports()["year"].dtype == "int64"


def _damaged(tmp_path, edit):
    folder = tmp_path / imts.FOLDER
    shutil.copytree(paths.raw_dir() / imts.FOLDER, folder)
    path = folder / imts.FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    edit(document)
    path.write_text(json.dumps(document), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["flows"]["KAZ"].update(year=2024), r"flows\.KAZ\.year: 2024 is not 2025"),
        (lambda d: d["flows"].pop("UZB"), "no reporter UZB"),
        (lambda d: d["flows"]["TJK"]["partners"].reverse(), "not in descending order"),
        (lambda d: d["flows"]["TKM"]["partners"][0].update(v="7961511435"), r"partners\[0\]\.v"),
        (lambda d: d.update(extra=1), "top level: keys"),
    ],
)
def test_a_damaged_file_is_refused_with_its_json_path(tmp_path, edit, message):
    raw = _damaged(tmp_path, edit)
    with pytest.raises(BuildError, match=message):
        imts.build_imts_exports(raw)
