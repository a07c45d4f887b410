"""Kazakhstan's statistics bureau pages: the published totals and China's share and rank, each with its sentence."""

from __future__ import annotations

import shutil

import pytest

from tradeviz import data, paths
from tradeviz.errors import BuildError
from tradeviz.sources import stat_gov_kz


@pytest.fixture(scope="module")
def table():
    return stat_gov_kz.build_stat_gov_kz(paths.raw_dir())


def _value(table, year, partner, flow, measure):
    rows = table.query("year == @year and partner == @partner and flow == @flow and measure == @measure")
    assert len(rows) == 1
    return rows.iloc[0]


def test_the_figures_as_the_pages_state_them(table):
    assert len(table) == 3 * 7
    assert _value(table, 2024, "WLD", "exports", "value_usd_millions").value == 81618.4
    assert _value(table, 2024, "CHN", "exports", "share_pct").value == 18.3
    assert _value(table, 2024, "CHN", "imports", "share_pct").value == 25.3
    assert _value(table, 2023, "CHN", "imports", "rank").value == 1  # China first in 2023, second since
    assert _value(table, 2025, "CHN", "imports", "rank").value == 2
    decimal_comma = _value(table, 2025, "WLD", "total", "value_usd_millions")
    assert decimal_comma.value == 143888.2 and "143888,2" in decimal_comma.quoted_text


def test_every_figure_keeps_its_page_date_and_sentence(table):
    for row in table.itertuples():
        text = stat_gov_kz.page_text(paths.raw_dir() / stat_gov_kz.FOLDER / row.page_file)
        assert row.quoted_text in text and row.evidence in row.quoted_text
        assert row.page_url.startswith("https://stat.gov.kz/en/") and str(row.publication_id) in row.page_url
    dates = table.groupby("year")["publication_date"].first().to_dict()
    assert dates == {2023: "2024-02-15", 2024: "2025-02-17", 2025: "2026-02-16"}
    assert table.groupby("year")["preliminary"].first().to_dict() == {2023: False, 2024: True, 2025: True}


def test_no_us_dollar_value_with_china_is_curated(table):
    china = table.loc[table["partner"].eq("CHN")]
    assert set(china["measure"]) == {"share_pct", "rank"}
    assert "no US$ value of trade with China" in stat_gov_kz.missing_lines(table)[0]


def test_the_loader():
    frame = data.load_stat_gov_kz()
    assert frame["preliminary"].dtype == bool and frame["year"].dtype == "int64"


def test_a_page_whose_sentence_changed_is_refused(tmp_path):
    folder = tmp_path / stat_gov_kz.FOLDER
    shutil.copytree(paths.raw_dir() / stat_gov_kz.FOLDER, folder)
    page = folder / "stat_gov_kz_annual_2024_315588.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Including exports", "Exports"), encoding="utf-8")
    with pytest.raises(BuildError, match="0 sentences match"):
        stat_gov_kz.build_stat_gov_kz(tmp_path)


def test_totals_that_do_not_add_up_are_refused(tmp_path):
    folder = tmp_path / stat_gov_kz.FOLDER
    shutil.copytree(paths.raw_dir() / stat_gov_kz.FOLDER, folder)
    page = folder / "stat_gov_kz_annual_2023_123067.html"
    page.write_text(page.read_text(encoding="utf-8").replace("–61158.9 million", "–61258.9 million"), encoding="utf-8")
    with pytest.raises(BuildError, match="is not the turnover"):
        stat_gov_kz.build_stat_gov_kz(tmp_path)
