"""Measures on the published figures: the overlap check with DOTS, the joined series, recent mirror gaps,
the sum check and progress toward targets.  Expected values are computed here from the tables directly."""

import numpy as np
import pandas as pd
import pytest

from tradeviz import cli, data
from tradeviz.measures import common, growth, overlap
from tradeviz.measures import published as published_measures


@pytest.fixture(scope="module")
def tables():
    return data.load_trade(), data.load_published(), data.load_published_series()


def test_overlap_table_compares_each_published_figure_with_dots(tables):
    trade, published, _ = tables
    overlap = published_measures.overlap_table(trade, published)
    row = overlap.query("partner == 'KGZ' and year == 2018 and side == 'china'").iloc[0]
    dots = trade.query("year == 2018 and reporter == 'CHN' and partner == 'KGZ'").value_usd_millions.sum()
    assert row.published_usd_millions == 5610 and row.dots_usd_millions == pytest.approx(dots)
    assert row.ratio == pytest.approx(5610 / dots) and row.agrees and row.evidence
    # a figure from a page naming no source is shown but decides nothing
    kaz = overlap.query("partner == 'KAZ' and year == 2018").iloc[0]
    assert kaz.side == "unstated" and not kaz.evidence
    # 1992: 460 million published against 438.3 in DOTS, outside the window, disagrees and decides nothing
    ca5 = overlap.query("partner == 'CA5' and year == 1992 and side == 'china'")
    assert (~ca5.agrees).all() and (~ca5.in_window).all()


def test_the_join_needs_agreeing_china_customs_evidence(tables):
    trade, published, _ = tables
    overlap = published_measures.overlap_table(trade, published)
    assert published_measures.join_check(overlap, "KGZ")["allowed"]
    refused = published_measures.join_check(overlap, "UZB")
    assert not refused["allowed"] and "share no total-trade figure for Uzbekistan in 2016–2020" in refused["reason"]
    # a disagreeing figure in the window refuses the join and names it
    worse = overlap.copy()
    worse.loc[(worse.partner == "KGZ") & worse.evidence, "agrees"] = False
    check = published_measures.join_check(worse, "KGZ")
    assert not check["allowed"] and "differ by more than 2% in 2016–2020: 2018 total" in check["reason"]


def test_dots_joins_the_published_china_customs_figures_on_the_one_join_path(tables):
    """Deliberate change (issue 16): published.chained_growth is gone; overlap.series_growth is the one join path.
    DOTS -> published is decided by the same check as every other pair of series."""
    trade, published, series = tables
    comtrade = data.load_comtrade()
    result = overlap.series_growth(comtrade, trade, published, series, "KGZ", 2020, 2025)
    dots_2020 = trade.query("year == 2020 and reporter == 'CHN' and partner == 'KGZ'").value_usd_millions.sum()
    pub_2025 = series.query("year == 2025 and partner == 'KGZ' and side == 'china' and measure == 'total_trade'")
    assert result["start_value"] == pytest.approx(dots_2020)
    assert result["end_value"] == pub_2025.value_usd_millions.iloc[0] == 27_200
    assert result["multiple"] == pytest.approx(27_200 / dots_2020)
    assert result["chain"]["crosses"] and result["chain"]["basis"] == {
        2020: published_measures.BASIS_DOTS,
        2025: published_measures.BASIS_PUBLISHED,
    }
    assert result["chain"]["evidence"] == ["press-figures-2026#3"] and result["chain"]["window"] == (2016, 2020)
    assert set(result["source_ids"]) == {"imf-dots-2022-02-02", "press-figures-2026"}
    with pytest.warns(common.MetricWarning, match="cannot be shown to agree"):
        refused = overlap.series_growth(comtrade, trade, published, series, "UZB", 1992, 2025)
    assert refused["status"] == common.NOT_COMPUTABLE and "crosses from IMF DOTS" in refused["reason"]
    assert "share no total-trade figure for Uzbekistan in 2016–2020" in refused["reason"]
    within = overlap.series_growth(comtrade, trade, published, series, "KGZ", 2022, 2025)
    assert not within["chain"]["crosses"] and within["multiple"] == pytest.approx(27_200 / 15_500)
    dots = overlap.series_growth(comtrade, trade, published, series, "KGZ", 1992, 2020)
    assert dots.multiple == growth.growth_summary(trade, "KGZ", 1992, 2020).multiple


def test_join_check_and_the_growth_path_decide_alike(tables):
    trade, published, series = tables
    table = published_measures.overlap_table(trade, published)
    for code in ("KAZ", "KGZ", "TJK", "TKM", "UZB", "CA5"):
        check = published_measures.join_check(table, code)
        result = overlap.series_growth(data.load_comtrade(), trade, published, series, code, 2019, 2025)
        if code != "KAZ":  # Kazakhstan's 2019 is read from UN Comtrade, which the published figures continue
            assert check["allowed"] == (result.status == "ok"), code


def test_the_cli_says_when_a_chain_crosses_the_seam(capsys):
    assert cli.main(["growth", "KGZ", "2020", "2025"]) == 0
    out = capsys.readouterr().out
    assert "×9.34" in out
    assert "chain: 2020 from IMF DOTS (China's reports), 2025 from published (China's customs, press figures)" in out
    assert "overlap check (tolerance 2%)" in out
    assert cli.main(["growth", "UZB", "1992", "2025"]) == 1
    assert "cannot be shown to agree" in capsys.readouterr().out


def test_recent_mirror_is_the_dots_mirror_computation_on_published_figures(tables):
    *_, series = tables
    mirror = published_measures.recent_mirror(series, "KAZ").set_index(["direction", "year"])
    row = mirror.loc[("CHN→KAZ", 2023)]
    assert (row.exports_fob, row.imports_cif) == (24_700, 15_200)  # China's exports vs Kazakhstan's imports
    assert row.ratio == pytest.approx(15_200 / 24_700)
    back = mirror.loc[("KAZ→CHN", 2023)]
    assert (back.exports_fob, back.imports_cif) == (14_900, 16_300)
    gaps = published_measures.total_gap(series, "KGZ").set_index("year")
    assert gaps.ratio[2024] == pytest.approx(22_710 / 5_500) and 4 < gaps.ratio[2024] < 4.2
    assert np.isnan(gaps.ratio[2025])  # Kyrgyzstan's own 2025 figure is not in our sources


def test_sum_check_shows_every_difference_and_what_is_missing(tables):
    *_, series = tables
    check = published_measures.sum_check(series, years=range(2021, 2026)).set_index("year")
    parts = series.query("side == 'china' and measure == 'total_trade' and year == 2024 and partner != 'CA5'")
    assert len(parts) == 5 and check.sum_of_five[2024] == pytest.approx(parts.value_usd_millions.sum())
    assert check.difference[2024] == pytest.approx(94_820 - parts.value_usd_millions.sum())
    # no China-customs total for 2021 at all: the one page (Kazakhstan) named no source (issue 16)
    assert np.isnan(check.sum_of_five[2021]) and check.missing[2021] == "KAZ, KGZ, TJK, TKM, UZB"


def test_target_progress(tables):
    *_, series = tables
    targets = data.load_targets()
    distinct = published_measures.distinct_targets(targets)
    assert not distinct.duplicated(["scope", "value_usd_millions", "deadline_year"]).any()
    assert len(distinct) < len(targets)
    progress = published_measures.target_progress(targets, series)
    xi = progress.query("scope == 'CA5' and target_usd_millions == 70000 and side == 'china'").iloc[0]
    first = series.query(
        "partner == 'CA5' and side == 'china' and measure == 'total_trade' and value_usd_millions >= 70000"
    )
    assert xi.reached_year == first.year.min() == 2022 and xi.status == "reached in 2022"
    assert xi.share_reached == pytest.approx(106_300 / 70_000)
    kgz = progress.query("scope == 'KGZ' and target_usd_millions == 45000 and side == 'china'").iloc[0]
    assert pd.isna(kgz.reached_year) and kgz.status.startswith("not reached by 2025")


def test_annual_totals_follow_the_one_precedence_rule(tables):
    """UN Comtrade, then IMF DOTS, then the published series, per side (issue 16): Kazakhstan's 2014-2024 come from
    UN Comtrade on both sides, not from DOTS or press figures; the basis names the series of every year."""
    trade, _, series = tables
    comtrade = data.load_comtrade()
    totals = published_measures.annual_totals(series, trade, comtrade).set_index(["partner", "side", "year"])
    assert not totals.index.duplicated().any()
    ct = comtrade.query("commodity == 'TOTAL'")
    for side, (reporter, partner) in {"china": ("CHN", "KAZ"), "partner": ("KAZ", "CHN")}.items():
        own = ct.query(f"reporter == '{reporter}' and partner == '{partner}'").groupby("year").value_usd_millions.sum()
        for year in range(2014, 2025):
            row = totals.loc[("KAZ", side, year)]
            assert row.basis == overlap.COMTRADE and row.value_usd_millions == pytest.approx(own[year])
    assert totals.loc[("KAZ", "china", 2021)].label == "UN Comtrade (China's reports)"
    assert totals.loc[("KAZ", "partner", 2023)].label == "UN Comtrade (Kazakhstan's reports)"
    assert (
        totals.loc[("KAZ", "china", 2013)].basis == overlap.DOTS
        and totals.loc[("KAZ", "china", 2025)].basis == "published"
    )
    press = totals.loc[("KAZ", "china", 2025)]
    assert (
        press.figure_id
        and press.value_usd_millions == series.set_index("figure_id").at[press.figure_id, "value_usd_millions"]
    )
    # the other four: DOTS to 2020, then the published series; CA5 likewise on China's side
    assert (
        totals.loc[("KGZ", "china", 2020)].basis == overlap.DOTS
        and totals.loc[("KGZ", "china", 2022)].basis == "published"
    )
    assert (
        totals.loc[("CA5", "china", 2024)].value_usd_millions == 94_820 and ("KGZ", "china", 2021) not in totals.index
    )
    # without UN Comtrade: DOTS then published (the old reading); without trade: the published series only
    old = published_measures.annual_totals(series, trade).set_index(["partner", "side", "year"])
    assert (
        old.loc[("KAZ", "china", 2020)].basis == overlap.DOTS and old.loc[("KAZ", "china", 2023)].basis == "published"
    )
    only = published_measures.annual_totals(series)
    assert set(only.basis) == {"published"} and len(only) == len(series.query("measure == 'total_trade'"))


def test_target_progress_reads_kazakhstan_from_un_comtrade(tables):
    trade, _, series = tables
    progress = published_measures.target_progress(data.load_targets(), series, trade, data.load_comtrade())
    own = progress.query("scope == 'KAZ' and target_usd_millions == 40000 and side == 'partner'").iloc[0]
    assert own.latest_year == 2024 and own.latest_basis == "UN Comtrade (Kazakhstan's reports)"
    assert pd.isna(own.reached_year) and own.latest_usd_millions < 40_000
    china = progress.query("scope == 'KAZ' and target_usd_millions == 35000 and side == 'china'").iloc[0]
    assert china.reached_year == 2023 and china.reached_basis == "UN Comtrade (China's reports)"


def test_a_spam_copy_s_quote_is_not_clean_and_a_chinese_one_is():
    assert not published_measures.quote_is_clean("a trade target of $40 billion set for 皇冠体育app and Kazakhstan")
    assert not published_measures.quote_is_clean("trade with China reached \ufffd5 billion")
    assert published_measures.quote_is_clean("2022年,中吉贸易额155亿美元,同比增长105.6%")
    assert published_measures.quote_is_clean("Trade between China and Kazakhstan rose to $28.6 billion")


def test_the_targets_show_the_cleanest_page_s_quote_and_keep_the_row():
    targets = data.load_targets()
    distinct = published_measures.distinct_targets(targets).set_index(["scope", "value_usd_millions", "deadline_year"])
    kaz = distinct.loc[("KAZ", 40_000, 2015)]
    assert "mdbrecords.com" in targets.set_index("target_id").at[kaz.target_id, "page_url"]  # the row kept
    assert "spam site copy" in kaz.note and "皇冠体育app" in kaz.quoted_text  # its note and quote unchanged
    assert kaz.quote_clean and "for China and Kazakhstan by 2015" in kaz.quote and "皇冠" not in kaz.quote
    assert kaz.quote_page_url.startswith("https://global.chinadaily.com.cn/") and kaz.n_pages == 2
    assert distinct["quote_clean"].all()
    same = distinct.loc[("UZB", 5_000, 2017)]
    assert same.quote_target_id == same.target_id  # a clean first page keeps its own quote
