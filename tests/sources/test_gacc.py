"""China's customs' 2024 monthly tables: the garbled names rebuilt, the rebuild proved, and a wrong rebuild refused."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from tradeviz import cli, data, paths
from tradeviz.build import pipeline
from tradeviz.errors import BuildError
from tradeviz.sources import gacc, provenance

FOLDER = paths.raw_dir() / gacc.FOLDER


@pytest.fixture(scope="module")
def rebuilt() -> gacc.Rebuild:
    return gacc.rebuild(paths.raw_dir())


@pytest.fixture(scope="module")
def built() -> tuple[pd.DataFrame, pd.DataFrame]:
    return pipeline._gacc(paths.raw_dir())


def _edit(data_dir: Path, name: str, edit) -> None:
    """Edit one raw file of the copied GACC folder (its lines, BOM kept) and record its new checksum."""
    folder = data_dir / "raw" / gacc.FOLDER
    path = folder / name
    text = path.read_text(encoding="utf-8")
    path.write_text(edit(text), encoding="utf-8")
    record = json.loads((folder / provenance.RECORD).read_text(encoding="utf-8"))
    record["files"][name] = {"sha256": provenance.sha256(path), "bytes": path.stat().st_size}
    (folder / provenance.RECORD).write_text(json.dumps(record), encoding="utf-8")


def _swap_lines(a: str, b: str):
    def edit(text: str) -> str:
        lines = text.split("\n")
        i = next(n for n, line in enumerate(lines) if line.startswith(a + ","))
        j = next(n for n, line in enumerate(lines) if line.startswith(b + ","))
        lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)

    return edit


def _build_fails(capsys, *needles: str) -> str:
    capsys.readouterr()
    assert cli.main(["data", "build"]) == 1
    err = capsys.readouterr().err
    for needle in needles:
        assert needle in err, err
    return err


# ------------------------------------------------------------------------------------------ the rebuild


def test_the_raw_folder_is_the_stored_copy_byte_for_byte():
    record = provenance.read_record(FOLDER)
    assert set(record["files"]) == {"SOURCE.md", gacc.TABLE, gacc.NAMES, gacc.TOTALS, gacc.NOT_READ}
    assert record["files"][gacc.TABLE]["sha256"].startswith("ea2e001d")  # as SOURCE.md states
    assert record["files"][gacc.NAMES]["sha256"].startswith("6c10c81e")
    assert record["sources"][0]["source_id"] == "gacc-2024-monthly-872ff97"


def test_the_pattern_is_one_question_mark_per_chinese_character():
    assert gacc.pattern("哈萨克斯坦") == "?????"
    assert gacc.pattern("亚洲其他国家(地区)") == "??????(??)"  # ASCII parentheses survive
    assert gacc.pattern("大洋洲\xa0") == "??? "  # a trailing no-break space is the table's trailing space


def test_align_counts_every_placement_and_names_the_ambiguous_rows():
    places, count = gacc.align(["??", "???"], ["??", "??", "???"])
    assert count == 2 and places == [(0, 1), (2,)]
    places, count = gacc.align(["???"], ["??"])
    assert count == 0 and places == [()]


def test_every_month_is_placed_and_only_small_neighbours_are_ambiguous(rebuilt):
    assert sorted(rebuilt.months) == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]  # March is not in the file
    ambiguous = {
        tuple(rebuilt.names[j] for j in place) for m in rebuilt.months.values() for place in m.places if len(place) > 1
    }
    assert ambiguous == {("梅利利亚", "斯威士兰"), ("福克兰群岛（马尔维纳斯）", "南乔治亚岛和南桑德韦奇岛")}
    assert {m.alignments for m in rebuilt.months.values()} == {1, 2, 4}


def test_september_is_detected_as_a_us_dollar_table(rebuilt):
    assert rebuilt.units[9] == gacc.UNIT_USD
    assert {u for m, u in rebuilt.units.items() if m != 9} == {gacc.UNIT_YUAN}
    rates = [c["value"] for c in rebuilt.checks if c["check"] == "unit"]
    assert len(rates) == 6 and all(7.10 < r < 7.13 for r in rates)


def test_the_checks_and_their_residuals(rebuilt):
    checks = gacc.check_rows(rebuilt)
    relative = (checks["residual"].abs() / checks["reference"].abs()).groupby(checks["check"]).max()
    assert relative["subtotal"] < 3e-5  # Oceania in June: 621 of 30.7 million (10,000 yuan)
    assert relative["monthly_total"] < 0.007  # February's exports
    assert relative["continuity"] < 0.05  # North Korea, May to June (revisions)
    subtotals = checks.loc[checks["check"].eq("subtotal")]
    assert set(subtotals["item"]) == {*gacc.REGIONS, "总值"} and len(subtotals) == 11 * 7 * 6


def test_the_curated_rows_are_the_five_and_the_total_as_printed(built):
    table, _checks = built
    assert len(table) == 11 * 6 * 3 and set(table["partner"]) == {"WLD", "KAZ", "KGZ", "TJK", "TKM", "UZB"}
    dec = table.query("month == 12 and flow == 'total'").set_index("partner")
    assert dec.at["KAZ", "value_cumulative"] == 31_179_753  # the value SOURCE.md names
    assert dec.at["WLD", "value_cumulative"] == 4_384_679_258
    assert dec.at["KAZ", "name_zh"] == "哈萨克斯坦" and dec.at["KAZ", "table_row"] == 46
    assert set(table.loc[table["month"].eq(9), "unit"]) == {gacc.UNIT_USD}
    assert 3 not in set(table["month"])


def test_the_proof_against_the_published_totals(built):
    _table, checks = built
    published = checks.loc[checks["check"].eq("published") & checks["detail"].str.startswith("yuan per US$")]
    rates = dict(zip(published["item"].str.split(" ").str[0], published["value"], strict=False))
    assert set(rates) >= {"KAZ", "KGZ", "TJK", "TKM", "UZB", "CA5"}
    assert all(7.11 < rates[c] < 7.12 for c in ("KAZ", "KGZ", "TJK", "TKM", "UZB"))
    assert (published["residual"].abs() / published["reference"]).max() < 0.004  # KGZ imports 2.8 bn (rounded)
    spread = checks.loc[checks["item"].eq("the five's rates: max ÷ min")].iloc[0]
    assert spread["value"] / spread["reference"] - 1 < 0.0005
    plausible = checks.loc[checks["check"].eq("rate_plausible")].iloc[0]
    assert plausible["month"] == 9 and abs(plausible["value"] / plausible["reference"] - 1) < 0.01


def test_the_loader_and_the_checks_table():
    table = data.load_gacc_monthly("Kazakhstan")
    assert set(table["partner"]) == {"KAZ"} and table["month"].dtype == "int64"
    assert len(data.load_gacc_checks()) > 500


# ------------------------------------------------------------------------------------------ a wrong rebuild fails


def test_a_mis_ordered_names_list_fails_the_proof(data_copy, capsys):
    """Tajikistan and Turkmenistan have names of five characters: swapped, the lengths, the order, the subtotals
    and the month-to-month sums all still hold, and only the published totals show the rows are wrong."""
    _edit(data_copy, gacc.NAMES, _swap_lines("塔吉克斯坦", "土库曼斯坦"))
    err = _build_fails(capsys, "gac_regions_2024.csv line", "the rebuilt names do not put the five on their rows")
    assert "TJK" in err or "TKM" in err


def test_a_names_list_that_lost_a_name_has_no_placement(data_copy, capsys):
    _edit(data_copy, gacc.NAMES, lambda text: text.replace("阿富汗,Afghanistan\n", "", 1))
    _build_fails(capsys, "no placement of the", "the names list does not fit this table")


def test_a_region_that_is_not_the_sum_of_its_rows_is_refused(data_copy):
    """Asia's January row raised by 10 bn yuan in its total and exports (so the row still adds up): the members
    no longer sum to it, as when rows were placed in the wrong region."""
    old = "??,186233920,186233920,108383636.0,108383636.0,77850284.0,"
    new = "??,187233920,187233920,109383636.0,109383636.0,77850284.0,"
    _edit(data_copy, gacc.TABLE, lambda text: text.replace(old, new, 1))
    with pytest.raises(BuildError, match=r"line 3, column trade_total_month: month 1: 亚洲 is 187,233,920"):
        gacc.rebuild(data_copy / "raw")


def test_monthly_totals_that_differ_by_no_common_rate_are_refused(data_copy):
    def october(text: str) -> str:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        for row in rows:
            if row[0] == "2024.10":
                row[1] = f"{float(row[1]) * 1.05:.3f}"
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return "\ufeff" + out.getvalue()

    _edit(data_copy, gacc.TOTALS, october)
    with pytest.raises(BuildError, match="month 10: the world total"):
        gacc.rebuild(data_copy / "raw")
