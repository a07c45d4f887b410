"""UN Comtrade against IMF DOTS and the published figures: by how much, in which years, and where a series may go on."""

import json

import pytest

from tradeviz import cli, data
from tradeviz.measures import overlap


@pytest.fixture(scope="module")
def tables():
    return dict(
        comtrade=data.load_comtrade(),
        trade=data.load_trade(),
        published_table=data.load_published(),
        series=data.load_published_series(),
    )


@pytest.fixture(scope="module")
def dots(tables):
    return overlap.comtrade_dots_overlap(tables["comtrade"], tables["trade"])


def _ratios(table, side, measure):
    rows = table.loc[table["side"].eq(side) & table["partner"].eq("KAZ") & table["measure"].eq(measure)]
    return {int(r.year): round(r.ratio - 1, 3) for r in rows.itertuples()}


def test_china_reported_comtrade_and_dots_share_2014_to_2020_and_differ_in_imports_2018_2020(dots):
    imports = _ratios(dots, "china", "imports")
    assert sorted(imports) == list(range(2014, 2021))
    assert all(abs(g) <= 0.02 for y, g in imports.items() if y <= 2017)
    assert (imports[2018], imports[2019], imports[2020]) == (-0.051, -0.043, 0.066)
    assert all(abs(g) <= 0.01 for g in _ratios(dots, "china", "exports").values())
    total = _ratios(dots, "china", "total")
    assert (total[2018], total[2019], total[2020]) == (-0.025, -0.022, 0.03)
    row = dots.loc[dots.side.eq("china") & dots.measure.eq("exports") & dots.year.eq(2014)].iloc[0]
    assert round(row.value_a, 1) == 12709.8 and round(row.value_b, 1) == 12718.3  # the SOURCE.md's example


def test_kazakhstan_reported_comtrade_breaks_away_from_dots_in_2020(dots):
    imports = _ratios(dots, "partner", "imports")
    assert all(abs(g) <= 0.02 for y, g in imports.items() if y <= 2018)
    assert imports[2019] == 0.034 and imports[2020] == -0.692  # 1,955.3 against DOTS 6,346.5
    row = dots.loc[dots.side.eq("partner") & dots.measure.eq("imports") & dots.year.eq(2020)].iloc[0]
    assert round(row.value_a, 1) == 1955.3 and round(row.value_b, 1) == 6346.5


def test_neither_side_of_dots_may_be_continued_by_comtrade(dots):
    china = overlap.continuation_check(dots, "KAZ", "china")
    assert not china["allowed"] and china["window"] == (2016, 2020)
    assert [(d["year"], d["measure"]) for d in china["disagreements"]] == [
        (2018, "imports"),
        (2019, "imports"),
        (2020, "imports"),
        (2018, "total"),
        (2019, "total"),
        (2020, "total"),
    ]
    assert (
        "differ by more than 2% in 2016–2020" in china["reason"]
        and "2018 imports 8,093.1 vs 8,529.3" in china["reason"]
    )
    partner = overlap.continuation_check(dots, "KAZ", "partner")
    assert not partner["allowed"] and round(partner["largest_gap"], 3) == 0.692


def test_china_reported_comtrade_agrees_with_the_published_china_customs_figures_2021_2024(tables):
    table = overlap.comtrade_published_overlap(tables["comtrade"], tables["series"])
    china = overlap.continuation_check(table, "KAZ", "china")
    assert china["allowed"] and round(china["largest_gap"], 3) == 0.017  # 2021 exports 13,755.5 vs 14,000
    # 2021's China-side total is no series figure since its page was found to name no source (issue 16)
    assert sorted(_ratios(table, "china", "total")) == [2022, 2023, 2024]
    partner = overlap.continuation_check(table, "KAZ", "partner")
    assert not partner["allowed"] and "2021 total 9,275.9 vs 18,000.0 (-48.5%)" in partner["reason"]


def test_the_tolerance_is_stated_and_decides(dots):
    assert overlap.OVERLAP_TOLERANCE == 0.02 and overlap.PRECEDENCE == ("UN Comtrade", "IMF DOTS", "published")
    loose = overlap.comtrade_dots_overlap(data.load_comtrade(), data.load_trade(), tolerance=0.07)
    assert overlap.continuation_check(loose, "KAZ", "china")["allowed"]


def test_growth_2020_2024_within_comtrade_needs_no_join(tables):
    result = overlap.series_growth(**tables, partner="KAZ", start=2020, end=2024)
    assert result["status"] == "ok" and result["source"] == "UN Comtrade"
    assert result["series"] == ["UN Comtrade (China's reports)"] * 2 and not result["chain"]["joined"]
    assert round(result["start_value"], 1) == 22069.1 and round(result["end_value"], 1) == 43866.0
    assert round(result["multiple"], 2) == 1.99
    assert result["cautions"] and "2020" in result["cautions"][0] and "(+3.0%)" in result["cautions"][0]


def test_growth_2020_2025_chains_comtrade_to_the_published_figure_through_their_overlap(tables):
    result = overlap.series_growth(**tables, partner="KAZ", start=2020, end=2025)
    assert result["status"] == "ok" and result["chain"]["joined"]
    assert result["series"] == ["UN Comtrade (China's reports)", "published (China's customs, press figures)"]
    assert result["end_value"] == 48700.0 and result["chain"]["figure_ids"] == ["press-figures-2026#290"]
    assert round(result["multiple"], 2) == 2.21


def test_growth_across_the_dots_comtrade_seam_is_refused_with_years_and_gaps(tables):
    result = overlap.series_growth(**tables, partner="KAZ", start=1992, end=2024)
    assert result["status"] == "not computable" and result["multiple"] is None
    assert "crosses from IMF DOTS (China's reports) (1992) to UN Comtrade (China's reports) (2024)" in result["reason"]
    assert "2020 total 22,069.1 vs 21,433.3 (+3.0%)" in result["reason"]


def test_a_period_only_dots_holds_is_computed_in_dots(tables):
    result = overlap.series_growth(**tables, partner="KAZ", start=1992, end=2020)
    assert result["source"] == "trade" and round(result["multiple"], 2) == 58.99
    assert result["series"] == ["IMF DOTS (China's reports)"] * 2


def test_the_cli_names_the_series_and_whether_a_join_was_needed(capsys):
    assert cli.main(["growth", "KAZ", "2020", "2024"]) == 0
    out = capsys.readouterr().out
    assert "computed within one statistical series, UN Comtrade (China's reports): no join needed" in out
    assert "×1.99" in out
    assert cli.main(["growth", "KAZ", "2020", "2025", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["source"] == "UN Comtrade + published" and "agree within 2%" in result["chain"]["overlap_check"]
    assert cli.main(["growth", "KAZ", "1992", "2024"]) == 1
    out = capsys.readouterr().out
    assert "not computable: the period crosses from IMF DOTS" in out and "(-5.1%)" in out
