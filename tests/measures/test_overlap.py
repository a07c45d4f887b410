"""UN Comtrade against IMF DOTS and the published figures: by how much, in which years, and where a series may go on."""

import json

import numpy as np
import pandas as pd
import pytest

from tradeviz import cli, data
from tradeviz.measures import annual as am
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


def test_annual_series_picks_each_year_by_the_one_precedence_rule(tables):
    annual = am.annual_series(tables["comtrade"], tables["trade"], tables["series"])
    assert list(annual.columns) == am.ANNUAL_COLUMNS
    assert not annual.duplicated(["partner", "side", "year", "measure"]).any()
    kaz = annual.query("partner == 'KAZ' and side == 'china' and measure == 'total'").set_index("year")
    # newer vintage over older: UN Comtrade from its first year; statistics over press figures: 2021-2024 not press
    assert kaz.series.loc[:2013].eq("IMF DOTS").all() and kaz.series.loc[2014:2024].eq("UN Comtrade").all()
    assert kaz.series[2025] == "published" and kaz.kind[2025] == "press" and kaz.kind.loc[:2024].eq("statistics").all()
    assert kaz.value_usd_millions[2025] == 48_700 and kaz.figure_id[2025] == "press-figures-2026#290"
    assert kaz.source_id[2014] == "un-comtrade-chn-kaz-1078ec9" and kaz.source_id[2013] == "imf-dots-2022-02-02"
    assert kaz.label[2014] == "UN Comtrade (China's reports)"
    # per side: Kazakhstan's own reports choose within its own reports; its press totals lose to UN Comtrade
    own = annual.query("partner == 'KAZ' and side == 'partner' and measure == 'total'").set_index("year")
    assert own.series[2021] == "UN Comtrade" and round(own.value_usd_millions[2021], 1) == 9275.9
    # the other four: DOTS to 2020, then press figures only
    kgz = annual.query("partner == 'KGZ' and side == 'china'")
    assert set(kgz.query("year <= 2020").series) == {"IMF DOTS"} and set(kgz.query("year > 2020").kind) == {"press"}
    # one series per year: flows of a year are never taken from two series
    assert annual.groupby(["partner", "side", "year"]).series.nunique().max() == 1
    # the five together: DOTS (China's reports), then the published totals
    assert set(annual.query("partner == 'CA5'").series) == {"IMF DOTS", "published"}


def test_annual_series_leaves_out_imf_estimates(tables):
    trade = tables["trade"]
    estimated = trade.loc[trade.imf_estimate & trade.partner.eq("CHN")]
    annual = am.annual_series(tables["comtrade"], trade, tables["series"], sides=("partner",))
    keys = set(zip(annual.partner, annual.year, strict=True))
    assert len(estimated) and not any((r.reporter, r.year) in keys and r.year < 2014 for r in estimated.itertuples())


def test_series_spans_and_the_last_statistical_year(tables):
    annual = am.annual_series(tables["comtrade"], tables["trade"], tables["series"], "KAZ", sides=("china",))
    spans = am.series_spans(annual)
    assert [(r.series, r.first, r.last) for r in spans.itertuples()] == [
        ("IMF DOTS", 1992, 2013),
        ("UN Comtrade", 2014, 2024),
        ("published", 2025, 2025),
    ]
    assert am.last_statistical_year(annual, "KAZ") == 2024
    other = am.annual_series(tables["comtrade"], tables["trade"], tables["series"], ["TJK"], sides=("china",))
    assert am.last_statistical_year(other, "TJK") == 2020 and am.last_statistical_year(other, "KAZ") is None


def test_the_window_is_the_last_years_before_the_seam(tables):
    """Only the years just before the seam decide, for every pair: the last five of the series that ends first."""
    dots = overlap.dots_long(tables["trade"], include_group=True)
    evidence = overlap.published_long(overlap.published_evidence(tables["published_table"]))
    check = overlap.join_check(dots, evidence, "KGZ")
    assert check["allowed"] and check["window"] == (2016, 2020) and check["evidence"] == ["press-figures-2026#3"]
    assert check["table"].query("in_window").year.tolist() == [2018]
    refused = overlap.join_check(dots, evidence, "UZB")
    assert not refused["allowed"] and "share no total-trade figure for Uzbekistan in 2016–2020" in refused["reason"]
    ca5 = overlap.join_check(dots, evidence, "CA5")  # 1992 figures are shared, but lie outside the window
    assert not ca5["allowed"] and ca5["table"].year.min() == 1992 and not ca5["table"].in_window.any()


def test_published_evidence_is_every_full_year_figure_of_a_named_side(tables):
    published = tables["published_table"]
    evidence = overlap.published_evidence(published)
    assert set(evidence.side) == {"china", "partner"} and evidence.period.eq("full_year").all()
    assert evidence.qualifier.ne("lower_bound").all() and evidence.value_usd_millions.notna().all()
    assert len(evidence) > len(tables["series"])  # more than the one figure per year that the series keeps


def test_reporter_coverage_shows_the_2020_fall_in_world_imports_too(tables):
    coverage = am.reporter_coverage(tables["comtrade"], data.load_wits_totals(), data.load_partner_trade())
    cov = coverage.set_index("year")
    assert round(cov.dots_china[2020], 1) == 6346.5 and round(cov.comtrade_china[2020], 1) == 1955.3
    assert round(cov.comtrade_world[2019], 1) == 39708.8 and round(cov.comtrade_world[2020], 1) == 22157.9
    assert round(cov.comtrade_world[2020] / cov.comtrade_world[2019] - 1, 3) == -0.442
    assert round(cov.dots_world[2020] / cov.dots_world[2019] - 1, 3) == -0.007
    assert round(cov.china_share_comtrade[2020], 3) == 0.088 and round(cov.comtrade_vs_dots_china[2020], 3) == 0.308
    assert abs(cov.wits_world[2020] / cov.comtrade_world[2020] - 1) < 0.003  # WITS holds the same fall
    assert np.isnan(cov.dots_china[2021]) and round(cov.comtrade_china[2023], 1) == 16772.3
    exports = am.reporter_coverage(
        tables["comtrade"], data.load_wits_totals(), data.load_partner_trade(), "KAZ", "exports"
    ).set_index("year")
    assert round(exports.comtrade_vs_dots_china[2020] - 1, 3) == -0.241


def test_the_growth_path_reads_press_figures_only_where_no_statistics_hold(tables):
    within = overlap.series_growth(**tables, partner="KGZ", start=2022, end=2025)
    assert within.status == "ok" and within["series"] == ["published (China's customs, press figures)"] * 2
    assert not within["chain"]["joined"] and within.multiple == 27_200 / 15_500
    # a year inside UN Comtrade is read from it, not from a press figure, so 2021-2025 is a join
    kaz = overlap.series_growth(**tables, partner="KAZ", start=2021, end=2025)
    assert kaz["series"][0] == "UN Comtrade (China's reports)" and kaz["chain"]["joined"]
    missing = overlap.series_growth(**tables, partner="all", start=1992, end=2021)
    assert missing.status == "not computable"
    assert "no series holds a total for Central Asia (5) in 2021" in str(missing.reason)
    with pytest.raises(ValueError, match="after the IMF DOTS data .* and UN Comtrade \\(to 2024\\)"):
        overlap.series_growth(**tables, partner="KAZ", start=2020, end=2025, real=True, cpi=data.load_cpi())


def test_long_layout_takes_the_first_value_of_each_flow_and_joins_every_id() -> None:
    """overlap._long on hand-made rows: the first non-missing value per (reporter, partner, year, flow), a total
    only where both flows exist, the ids of all the group's rows, World rows and all-missing groups left out."""
    nan = float("nan")
    rows = pd.DataFrame(
        [
            ("CHN", "KAZ", 2000, "exports", nan, "a"),
            ("CHN", "KAZ", 2000, "exports", 5.0, "b"),
            ("CHN", "KAZ", 2000, "imports", 2.0, "a"),
            ("KAZ", "CHN", 2001, "imports", 3.0, "c"),
            ("KGZ", "CHN", 1999, "exports", nan, "d"),
            ("CHN", "WLD", 2000, "exports", 9.0, "e"),
            ("CHN", "TJK", 2002, "exports", 4.0, "a; b"),
            ("CHN", "TJK", 2002, "exports", 7.0, "f"),
        ],
        columns=["reporter", "partner", "year", "flow", "value_usd_millions", "source_id"],
    )
    out = overlap._long(rows, "X")
    got = [tuple(r) for r in out[["side", "partner", "year", "measure", "value_usd_millions", "source_ids"]].values]
    assert got == [
        ("china", "KAZ", 2000, "exports", 5.0, "a; b"),
        ("china", "TJK", 2002, "exports", 4.0, "a; b; f"),
        ("china", "KAZ", 2000, "imports", 2.0, "a; b"),
        ("partner", "KAZ", 2001, "imports", 3.0, "c"),
        ("china", "KAZ", 2000, "total", 7.0, "a; b"),
    ]
    assert list(out.columns) == overlap.LONG_COLUMNS and set(out["series"]) == {"X"}


def test_the_published_table_is_read_only_where_a_join_needs_its_evidence() -> None:
    comtrade, trade, series = data.load_comtrade(), data.load_trade(), data.load_published_series()
    calls = []

    def published() -> pd.DataFrame:
        calls.append(1)
        return data.load_published()

    within = overlap.series_growth(comtrade, trade, published, series, "KAZ", 1992, 2020)
    assert within.ok and calls == []  # within IMF DOTS: no evidence needed
    joined = overlap.series_growth(comtrade, trade, published, series, "KGZ", 2020, 2025)
    assert calls == [1]
    eager = overlap.series_growth(comtrade, trade, data.load_published(), series, "KGZ", 2020, 2025)
    assert joined.to_dict() == eager.to_dict() and joined.ok and round(joined.multiple or 0, 2) == 9.34
