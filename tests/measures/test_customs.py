"""China's customs' 2024 monthly series and its December values against the published 2024 figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradeviz import data
from tradeviz.measures import customs, overlap
from tradeviz.sources import press_figures


@pytest.fixture(scope="module")
def gacc() -> pd.DataFrame:
    return data.load_gacc_monthly()


@pytest.fixture(scope="module")
def table(gacc) -> pd.DataFrame:
    return customs.gacc_published_overlap(gacc, data.load_published())


def test_the_monthly_series_has_every_month_and_fills_none(gacc):
    series = customs.monthly_series(gacc, "KAZ")
    assert list(series["month"]) == list(range(1, 13)) and set(series["unit"]) == {customs.UNIT_YUAN}
    gaps = series.set_index("month")
    assert np.isnan(gaps.at[3, "value_month"]) and gaps.at[3, "status"] == customs.STATUS_MISSING
    assert np.isnan(gaps.at[9, "value_month"]) and gaps.at[9, "status"] == customs.STATUS_USD
    assert gaps.at[12, "value_cumulative"] == 31_179_753 and gaps.at[1, "value_month"] == 2_731_128
    assert (series["status"] == "ok").sum() == 10
    five = customs.monthly_series(gacc)
    assert sorted(set(five["partner"])) == ["KAZ", "KGZ", "TJK", "TKM", "UZB"] and len(five) == 60
    world = customs.monthly_series(gacc, "WLD", flow="imports")
    assert set(world["partner"]) == {"WLD"} and set(world["flow"]) == {"imports"}
    with pytest.raises(ValueError, match="flow must be one of"):
        customs.monthly_series(gacc, flow="balance")


def test_the_yuan_units_are_the_press_figures_units():
    for unit, factor in customs.CNY_PER_UNIT.items():
        assert press_figures.UNITS[unit] == ("CNY", factor)


def test_the_reference_rate_comes_from_two_published_totals():
    ref = customs.reference_rate(data.load_published())
    assert ref["cny_millions"] == 674_150 and ref["usd_millions"] == 94_820
    assert ref["rate"] == pytest.approx(7.1098, abs=1e-4)


def test_each_of_the_five_agrees_with_the_published_totals_by_the_overlap_rule(table):
    rates = customs.implied_rates(table).set_index(["partner", "measure"])
    assert {p for p, _m in rates.index} == {"KAZ", "KGZ", "TJK", "TKM", "UZB", "CA5"}
    assert rates["agrees"].all() and (rates["ratio"] - 1).abs().max() < 0.004
    assert rates.at[("KAZ", "total_trade"), "rate"] == pytest.approx(7.1154, abs=1e-4)
    yuan = table.loc[table["compared"].eq("yuan") & table["evidence"]]
    assert len(yuan) and (yuan["ratio"].sub(1).abs() < 0.001).all()  # the five's sum vs 674.15 bn yuan
    assert table["agrees"].equals(overlap.agrees(table["ratio"]))  # one rule


def test_figures_that_disagree_are_shown_and_decide_nothing(table):
    typo = table.loc[table["figure_id"].eq("press-figures-2026#209")].iloc[0]  # Kyrgyzstan "22.071"
    assert not typo.agrees and not typo.evidence and round(typo.ratio - 1, 3) == 0.030
    tjk = table.loc[table["partner"].eq("TJK") & table["compared"].eq("yuan")]
    assert len(tjk) == 3 and tjk["agrees"].all() and not tjk["evidence"].any()  # unstated side, in yuan
