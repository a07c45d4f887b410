"""Tests for tradeviz.measures: worked examples, properties, and every bad input's message."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import cast

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradeviz.countries import FIVE, UnknownCountryError
from tradeviz.measures import common, context, deflation, panels
from tradeviz.measures import growth as growth_measures
from tradeviz.measures import mirror as mirror_measures
from tradeviz.text import summaries

DOTS = "imf-dots-test"
SEED = "seed-article-rmol-2022-01-26"

# IMF DOTS values (US$ millions) for 1992, 2000, 2020, as in data/raw/imf-dots; None = not reported.
CHINA_SIDE = {  # partner: (China's exports to it, China's imports from it)
    "KAZ": ((222.441, 598.6, 11706.98856), (140.923, 958.163, 9726.32159)),
    "KGZ": ((9.853, 110.173, 2876.41346), (5.734, 67.437, 34.76733)),
    "TJK": ((1.953, 6.792, 1018.09454), (0.803, 10.377, 45.2685)),
    "TKM": ((4.049, 12.1, 444.81502), (0.414, 4.058, 6071.16528)),
    "UZB": ((38.534, 39.431, 5149.9974), (13.631, 12.034, 1483.12524)),
}
PARTNER_SIDE = {  # reporter: (its exports to China, its imports from China)
    "KAZ": ((128.11, 673.7407, 9004.006953), (244.69, 150.9704, 6346.496276)),
    "KGZ": ((28.0, 44.1, 43.234975), (16.3, 36.899999, 736.83525)),
    "TJK": ((0.73, None, 34.411308), (2.15, None, 438.39205)),
    "TKM": ((0.38, 7.6, 4444.088132), (4.45, 16.400001, 426.487894)),
    "UZB": ((12.39, 1189.896166, 1341.35431), (42.39, 1110.878922, 4425.647202)),
}
YEARS = (1992, 2000, 2020)


def trade_rows(cells: Mapping[tuple[str, str, str, int], float | None]) -> pd.DataFrame:
    """A trade table in the load_trade() schema from {(reporter, partner, flow, year): value}."""
    rows = [
        {
            "year": year,
            "reporter": reporter,
            "partner": partner,
            "flow": flow,
            "valuation": "FOB" if flow == "exports" else "CIF",
            "value_usd_millions": float(value),
            "imf_estimate": False,
            "source_id": DOTS,
        }
        for (reporter, partner, flow, year), value in cells.items()
        if value is not None
    ]
    return pd.DataFrame(rows).astype({"year": "int64"})


def dots_cells() -> dict:
    cells = {}
    for side, table in (("china", CHINA_SIDE), ("partner", PARTNER_SIDE)):
        for country, (exports, imports) in table.items():
            reporter, partner = ("CHN", country) if side == "china" else (country, "CHN")
            for year, x, i in zip(YEARS, exports, imports, strict=True):
                cells[(reporter, partner, "exports", year)] = x
                cells[(reporter, partner, "imports", year)] = i
    return cells


@pytest.fixture
def trade() -> pd.DataFrame:
    return trade_rows(dots_cells())


def geometric_trade(rates: dict[str, tuple[float, int, float]], years=range(1992, 2021)) -> pd.DataFrame:
    """China-side trade growing at rate r1 until year b and r2 after: {country: (r1, b, r2)}; 1992 total = 100."""
    cells = {}
    for country, (r1, pivot, r2) in rates.items():
        for year in years:
            total = 100 * (1 + r1) ** (min(year, pivot) - 1992) * (1 + r2) ** max(year - pivot, 0)
            cells[("CHN", country, "exports", year)] = total * 0.6
            cells[("CHN", country, "imports", year)] = total * 0.4
    return trade_rows(cells)


@pytest.fixture
def cpi() -> pd.DataFrame:
    return pd.DataFrame({"year": [1992, 2000, 2020], "cpi": [140.317, 172.2, 258.811], "source_id": "us-cpi-test"})


@pytest.fixture
def published() -> pd.DataFrame:
    rows = [
        (1992, "CA5", "total_trade", 460, "million USD", "exact", 460.0, SEED),
        (1992, "CA5", "total_trade", 460, "million USD", "exact", 460.0, "cgtn-2023-05-16"),
        (2013, "CA5", "total_trade", 312.04, "billion CNY", "exact", np.nan, "chinesetoday-2025"),
        (2021, "CA5", "total_trade", 50.1, "billion USD", "exact", 50_100.0, SEED),
        (2021, "CA5", "total_trade", 49.5, "billion USD (lower bound)", "lower_bound", 49_500.0, "caspianpost"),
        (2022, "CA5", "total_trade", 70.2, "billion USD", "exact", 70_200.0, "cgtn-2023-05-16"),
        (2022, "CA5", "total_trade", 70.0, "billion USD", "exact", 70_000.0, "made-up-conflict"),
    ]
    columns = ["year", "partner", "measure", "value", "unit", "qualifier", "value_usd_millions", "source_id"]
    return pd.DataFrame(rows, columns=columns).assign(quoted_text="...")


# --------------------------------------------------------------------------- growth primitives


def test_multiple_and_cagr_china_kazakhstan_worked_example():
    assert growth_measures.growth_multiple(363.364, 21_433.310) == pytest.approx(58.99, abs=0.005)
    assert growth_measures.cagr(363.364, 21_433.310, 2020 - 1992) == pytest.approx(58.9858 ** (1 / 28) - 1, rel=1e-4)
    assert growth_measures.growth_multiple(460, 50_100) == pytest.approx(108.9, abs=0.05)


def test_growth_functions_accept_series():
    out = growth_measures.growth_multiple(
        pd.Series([1.0, 2.0], index=["a", "b"]), pd.Series([3.0, 8.0], index=["a", "b"])
    )
    assert out.to_dict() == {"a": 3.0, "b": 4.0}


@pytest.mark.parametrize(
    "start, end, message",
    [(0.0, 5.0, "zero base value"), (np.nan, 5.0, "missing base value"), (-1.0, 5.0, "negative base value")],
)
def test_bad_base_gives_nan_and_says_why(start, end, message):
    with pytest.warns(common.MetricWarning, match=f"growth multiple is NaN .*{message}"):
        assert math.isnan(growth_measures.growth_multiple(start, end))
    with pytest.warns(common.MetricWarning, match=f"CAGR is NaN .*{message}"):
        assert math.isnan(growth_measures.cagr(start, end, 10))


def test_cagr_needs_a_positive_period():
    with pytest.warns(common.MetricWarning, match="period shorter than one year"):
        assert math.isnan(growth_measures.cagr(1.0, 2.0, 0))


def test_growth_between_reports_status_per_group():
    frame = pd.DataFrame({"year": [1992, 2020] * 2, "partner": ["A", "A", "B", "B"], "total": [0.0, 5.0, 2.0, 8.0]})
    with pytest.warns(common.MetricWarning, match=r"growth 1992–2020 is NaN for 1 of 2 value\(s\): zero base value"):
        out = growth_measures.growth_between(frame, 1992, 2020).set_index("partner")
    assert math.isnan(out.at["A", "multiple"]) and out.at["A", "status"] == "not computable"
    assert out.at["A", "reason"] == "zero base value"
    assert out.at["B", "multiple"] == 4.0 and out.at["B", "status"] == "ok"
    assert not np.isinf(out[["multiple", "cagr"]].to_numpy()).any()


def test_growth_multiple_mixes_scalars_and_arrays():
    assert growth_measures.growth_multiple(2.0, np.array([4.0, 6.0])).tolist() == [2.0, 3.0]


def test_core_functions_work_on_any_panel():
    cells = {
        (r, p, flow, year): 10.0 * (i + 1) * (2 if year == 2020 else 1)
        for i, (r, p) in enumerate([("AAA", "BBB"), ("BBB", "AAA"), ("CCC", "AAA"), ("AAA", "CCC")])
        for flow in ("exports", "imports")
        for year in (1992, 2020)
    }
    totals = panels.bilateral_totals(trade_rows(cells))
    assert len(totals) == 8 and totals["complete"].all()
    growth = growth_measures.growth_between(totals, 1992, 2020)
    assert growth["multiple"].tolist() == [2.0] * 4 and (growth["status"] == "ok").all()
    mirror = mirror_measures.mirror_table(trade_rows(cells)).set_index(["year", "exporter", "importer"])
    # AAA's exports to BBB (10) vs BBB's imports from AAA (20)
    assert mirror.at[(1992, "AAA", "BBB"), "exports_fob"] == 10.0
    assert mirror.at[(1992, "AAA", "BBB"), "imports_cif"] == 20.0
    assert mirror.at[(1992, "AAA", "BBB"), "ratio"] == 2.0


def test_bilateral_totals_rejects_duplicates_and_unknown_flows(trade):
    with pytest.raises(ValueError, match=r"more than one row per \(year, reporter, partner, flow\)"):
        panels.bilateral_totals(pd.concat([trade, trade.head(1)]))
    with pytest.raises(ValueError, match=r"flow must be 'exports' or 'imports', found \['re-exports'\]"):
        panels.bilateral_totals(trade.assign(flow=trade["flow"].where(trade.index > 0, "re-exports")))


def test_growth_between_rejects_ambiguous_groups():
    frame = pd.DataFrame({"year": [1992, 1992, 2020, 2020], "partner": ["A"] * 4, "total": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(ValueError, match="more than one row per group and year"):
        growth_measures.growth_between(frame, 1992, 2020)


def test_index_and_yoy_on_a_geometric_series():
    series = panels.total_trade(geometric_trade({"KAZ": (0.10, 2020, 0.0)}), "KAZ")
    yoy = growth_measures.yoy_change(series)
    assert yoy["yoy"].iloc[1:].to_numpy() == pytest.approx(0.10)
    assert yoy.at[0, "yoy_reason"] == "first year" and math.isnan(yoy.at[0, "yoy"])
    index = growth_measures.index_to_base(series, 2000).set_index("year")["index"]
    assert index[2000] == pytest.approx(100.0)
    assert index[2001] == pytest.approx(110.0)


def test_yoy_treats_a_gap_as_missing_base_not_two_year_change():
    frame = pd.DataFrame({"year": [1992, 1993, 1995], "partner": "A", "total": [1.0, 2.0, 4.0]})
    with pytest.warns(common.MetricWarning, match="year-on-year change is NaN .*missing base value"):
        out = growth_measures.yoy_change(frame).set_index("year")
    assert out.at[1993, "yoy"] == 1.0
    assert math.isnan(out.at[1995, "yoy"]) and out.at[1995, "yoy_reason"] == "missing base value"


def test_index_base_year_out_of_range():
    frame = pd.DataFrame({"year": [1992, 1993], "partner": "A", "total": [1.0, 2.0]})
    with pytest.raises(ValueError, match="year 2005 is outside the data: valid years for this table are 1992–1993"):
        growth_measures.index_to_base(frame, 2005)


def test_index_with_zero_base_warns():
    frame = pd.DataFrame({"year": [1992, 1993], "partner": "A", "total": [0.0, 2.0]})
    with pytest.warns(common.MetricWarning, match=r"index \(base 1992=100\) is NaN .*zero base value"):
        out = growth_measures.index_to_base(frame, 1992)
    assert out["index"].isna().all() and set(out["index_reason"]) == {"zero base value"}


# --------------------------------------------------------------------------- series


def test_total_trade_china_and_the_five(trade):
    five = panels.total_trade(trade, "all").set_index("year")
    assert five.at[2020, "exports"] == pytest.approx(21_196.3, abs=0.05)
    assert five.at[2020, "imports"] == pytest.approx(17_360.6, abs=0.05)
    assert five.at[2020, "total"] == pytest.approx(38_557.0, abs=0.05)
    assert five.at[1992, "total"] == pytest.approx(438.3, abs=0.05)
    assert (five["partner"] == "CA5").all() and (five["side"] == "china").all()
    assert five.at[2020, "source_ids"] == DOTS
    kaz = panels.total_trade(trade, "Kazakhstan").set_index("year")
    assert kaz.at[1992, "total"] == pytest.approx(363.364)
    assert kaz.at[2020, "total"] == pytest.approx(21_433.310, abs=1e-3)


def test_missing_partner_year_is_flagged_not_summed_silently(trade):
    five = panels.total_trade(trade, "all", side="partner").set_index("year")
    row = five.loc[2000]
    assert math.isnan(row["total"]) and not row["complete"]
    assert row["n_reporting"] == 4 and row["n_expected"] == 5 and row["missing"] == "TJK"
    reported = [(x[1], i[1]) for c, (x, i) in PARTNER_SIDE.items() if c != "TJK"]
    assert row["partial_total"] == pytest.approx(sum(cast(float, x) + cast(float, i) for x, i in reported))
    # years without any row in the fixture are explicit incomplete rows, not dropped
    assert not five.loc[1995, "complete"] and five.loc[1995, "n_reporting"] == 0


def test_total_excluding_a_partner(trade):
    rest = panels.total_trade(trade, "all", exclude="Kazakhstan").set_index("year")
    assert rest.at[2020, "partner"] == "CA5 excl. KAZ"
    assert rest.at[2020, "total"] == pytest.approx(38_556.95692 - 21_433.31015)


def test_trade_balance_names_whose_balance(trade):
    china = panels.trade_balance(trade, "KAZ").set_index("year")
    assert china.at[2020, "balance"] == pytest.approx(11_706.98856 - 9_726.32159)
    assert china.at[2020, "balance_of"] == "CHN"
    kaz = panels.trade_balance(trade, "KAZ", side="partner").set_index("year")
    assert kaz.at[2020, "balance"] == pytest.approx(9_004.006953 - 6_346.496276)
    assert kaz.at[2020, "balance_of"] == "KAZ"


# --------------------------------------------------------------------------- shares, HHI


def test_partner_shares_and_concentration(trade):
    shares = panels.partner_shares(trade)
    y2020 = shares[shares["year"] == 2020].set_index("partner")
    assert y2020["share"].sum() == pytest.approx(1.0)
    assert y2020.at["KAZ", "share"] == pytest.approx(21_433.31015 / 38_556.95692)
    hhi = panels.concentration(trade).set_index("year")
    assert hhi.at[2020, "hhi"] == pytest.approx((y2020["share"] ** 2).sum())
    assert hhi.at[2020, "hhi_min"] == pytest.approx(0.2)


def test_shares_are_nan_when_a_partner_is_missing(trade):
    shares = panels.partner_shares(trade, side="partner")
    y2000 = shares[shares["year"] == 2000]
    assert y2000["share"].isna().all() and not y2000["complete"].any()
    assert math.isnan(panels.concentration(trade, side="partner").set_index("year").at[2000, "hhi"])


# --------------------------------------------------------------------------- mirror


def test_mirror_statistics_and_cif_fob_band(trade):
    mirror = mirror_measures.mirror_stats(trade, "KGZ").set_index(["direction", "year"])
    row = mirror.loc[("CHN→KGZ", 2020)]
    assert row["exports_fob"] == pytest.approx(2_876.41346) and row["imports_cif"] == pytest.approx(736.83525)
    assert row["gap"] == pytest.approx(736.83525 - 2_876.41346)
    assert row["ratio"] == pytest.approx(736.83525 / 2_876.41346)
    assert row["in_cif_fob_band"] is np.False_ or row["in_cif_fob_band"] is False
    reverse = mirror.loc[("KGZ→CHN", 2020)]
    assert reverse["exports_fob"] == pytest.approx(43.234975) and reverse["imports_cif"] == pytest.approx(34.76733)
    assert mirror_measures.CIF_FOB_BAND == (1.0, 1.1)


def test_mirror_ratio_inside_band_and_missing_side(trade):
    cells = {("CHN", "TKM", "exports", 2019): 100.0, ("TKM", "CHN", "imports", 2019): 105.0}
    inside = mirror_measures.mirror_stats(trade_rows(cells), "TKM")
    assert bool(inside.at[0, "in_cif_fob_band"]) and inside.at[0, "ratio"] == pytest.approx(1.05)
    tjk = mirror_measures.mirror_stats(trade, "TJK").set_index(["direction", "year"])
    assert tjk.at[("CHN→TJK", 2000), "reason"] == "importer did not report"
    assert tjk.at[("TJK→CHN", 2000), "reason"] == "exporter did not report"
    assert pd.isna(tjk.at[("CHN→TJK", 2000), "in_cif_fob_band"])


# --------------------------------------------------------------------------- real terms, context


def test_deflate_to_constant_dollars(trade, cpi):
    real = deflation.deflate(panels.total_trade(trade, "KAZ"), cpi, 2020).set_index("year")
    assert real.at[1992, "total_real"] == pytest.approx(363.364 * 258.811 / 140.317)
    assert real.at[2020, "total_real"] == pytest.approx(real.at[2020, "total"])
    assert real.at[1992, "deflator"] == "US CPI-U annual average, 2020=100"
    assert "us-cpi-test" in real.at[1992, "source_ids"]


def test_deflate_warns_for_years_without_cpi(trade, cpi):
    series = panels.total_trade(trade, "KAZ")
    with pytest.warns(common.MetricWarning, match=r"deflated value is NaN for 1 of 29 value\(s\): no CPI for the year"):
        real = deflation.deflate(series, cpi[cpi["year"] != 2000], 2020).set_index("year")
    assert math.isnan(real.at[2000, "total_real"])


def test_deflate_rejects_a_base_year_without_cpi(trade, cpi):
    with pytest.raises(ValueError, match="base year 1950 has no CPI: valid base years are 1992–2020"):
        deflation.deflate(panels.total_trade(trade, "KAZ"), cpi, 1950)


def test_per_capita_and_share_of_gdp(trade):
    population = pd.DataFrame({"country": "KAZ", "year": YEARS, "population": [16.4e6, 14.9e6, 18_755_666]})
    gdp = pd.DataFrame({"country": "KAZ", "year": YEARS, "gdp_usd": [24.9e9, 18.3e9, 171.08e9]})
    pc = context.trade_per_capita(trade, population, "KAZ").set_index("year")
    assert pc.at[2020, "trade_per_capita_usd"] == pytest.approx(21_433.31015e6 / 18_755_666)
    share = context.trade_to_gdp(trade, gdp, "KAZ").set_index("year")
    assert share.at[2020, "trade_pct_gdp"] == pytest.approx(100 * 21_433.31015e6 / 171.08e9)
    # the five need all five populations: one is not enough, and the reason says so
    with pytest.warns(common.MetricWarning, match="population missing for a member"):
        five = context.trade_per_capita(trade, population, "all").set_index("year")
    assert math.isnan(five.at[2020, "trade_per_capita_usd"])


# --------------------------------------------------------------------------- group comparisons


def test_border_comparison(trade):
    borders = pd.DataFrame(
        {
            "country": list(FIVE),
            "borders_china": [True, True, True, False, False],
            "border_length_km": pd.array([1765, 1063, 477, None, None], dtype="Int64"),
            "source_id": "cia-test",
        }
    )
    out = context.border_comparison(trade, borders, 1992, 2020).set_index("group")
    assert out.at["bordering", "members"] == "KAZ, KGZ, TJK"
    assert out.at["bordering", "start_value"] == pytest.approx(363.364 + 15.587 + 2.756)
    assert out.at["non-bordering", "end_value"] == pytest.approx(444.81502 + 6071.16528 + 5149.9974 + 1483.12524)
    assert out.at["non-bordering", "multiple"] == pytest.approx(
        out.at["non-bordering", "end_value"] / out.at["non-bordering", "start_value"]
    )
    assert "cia-test" in out.at["bordering", "source_ids"]


def test_bri_before_after_keeps_undated_countries_with_reason():
    trade = geometric_trade({c: (0.20, 2014, 0.05) for c in FIVE})
    bri = pd.DataFrame(
        {
            "country": ["CA5", "KAZ", "KAZ", "TJK", "UZB", "KGZ", "TKM"],
            "event": "doc",
            "date": ["2013-09-07", "2014", "2016-09", "2014", "2015-06-15", None, "2023-01"],
            "year": pd.array([2013, 2014, 2016, 2014, 2015, None, 2023], dtype="Int64"),
            "source_id": "press-test",
        }
    )
    with pytest.warns(common.MetricWarning, match="before/after-BRI CAGR is NaN for 2 of 5"):
        out = context.bri_comparison(trade, bri).set_index("country")
    assert list(out.index) == list(FIVE)
    assert out.at["KAZ", "first_document_year"] == 2014
    assert out.at["KAZ", "cagr_before"] == pytest.approx(0.20) and out.at["KAZ", "cagr_after"] == pytest.approx(0.05)
    assert out.at["KGZ", "status"] == "not computable"
    assert out.at["KGZ", "reason"] == "no dated BRI cooperation document in the sources"
    assert "2023" in out.at["TKM", "reason"] and "no 'after' period" in out.at["TKM", "reason"]
    assert math.isnan(out.at["TKM", "cagr_after"])
    with pytest.warns(common.MetricWarning, match="no row in the BRI table"):
        unlisted = context.bri_comparison(trade, bri[bri["country"] != "UZB"]).set_index("country")
    assert unlisted.at["UZB", "reason"] == "no row in the BRI table"


# --------------------------------------------------------------------------- summaries


def test_growth_summary_worked_example_is_json(trade):
    out = growth_measures.growth_summary(trade, "KAZ", 1992, 2020)
    json.dumps(out.to_dict(), allow_nan=False)
    assert out["multiple"] == pytest.approx(58.99, abs=0.005)
    assert (1 + out["cagr"]) ** 28 == pytest.approx(out["multiple"])
    assert out["partner"] == "KAZ" and out["partner_name"] == "Kazakhstan"
    assert out["unit"] == "million current US$" and out["deflator"] is None
    assert out["source"] == "trade" and out["side"] == "china" and out["source_ids"] == [DOTS]
    assert out["status"] == "ok" and out["reason"] is None


def test_growth_summary_five_and_real_terms(trade, cpi):
    five = growth_measures.growth_summary(trade, "all", 1992, 2020)
    assert five["start_value"] == pytest.approx(438.3, abs=0.05)
    assert five["end_value"] == pytest.approx(38_557.0, abs=0.05)
    real = growth_measures.growth_summary(trade, "all", 1992, 2020, real=True, cpi=cpi)
    assert real["unit"] == "million constant 2020 US$"
    assert real["deflator"] == "US CPI-U annual average, 2020=100"
    assert real["multiple"] == pytest.approx(five["multiple"] * 140.317 / 258.811)
    assert "us-cpi-test" in real["source_ids"]
    json.dumps(real.to_dict(), allow_nan=False)


def test_growth_summary_excluding_a_partner(trade):
    out = growth_measures.growth_summary(trade, "all", 1992, 2020, exclude="KAZ")
    assert out["partner"] == "CA5 excl. KAZ" and out["partner_name"] == "Central Asia (5) excluding Kazakhstan"
    assert out["members"] == ["KGZ", "TJK", "TKM", "UZB"]
    assert out["end_value"] == pytest.approx(38_556.95692 - 21_433.31015)


def test_format_growth_text(trade, cpi, published):
    text = summaries.format_growth(
        growth_measures.growth_summary(trade, "KAZ", 1992, 2020, real=True, cpi=cpi, base_year=2020)
    )
    assert "Kazakhstan (KAZ)" in text and "million constant 2020 US$" in text
    assert "deflator: US CPI-U annual average, 2020=100" in text and "China's reports" in text
    assert "published figures" in summaries.format_growth(
        growth_measures.published_growth(published, "all", 1992, 2021)
    )
    with pytest.warns(common.MetricWarning):
        missing = growth_measures.growth_summary(trade, "all", 2000, 2020, side="partner")
    assert "not computable: missing base value" in summaries.format_growth(missing)


def test_growth_summary_real_needs_cpi(trade):
    with pytest.raises(ValueError, match=r"real=True needs cpi="):
        growth_measures.growth_summary(trade, "KAZ", 1992, 2020, real=True)


def test_growth_summary_missing_base_names_the_missing_partner(trade):
    with pytest.warns(common.MetricWarning, match="not computable: missing base value .*TJK"):
        out = growth_measures.growth_summary(trade, "all", 2000, 2020, side="partner")
    assert out["status"] == "not computable" and out["multiple"] is None and out["cagr"] is None
    assert "2000: no complete report from TJK (partners' reports)" in out["reason"]
    json.dumps(out.to_dict(), allow_nan=False)


def test_growth_summary_zero_base(trade):
    zero = trade.copy()
    zero.loc[zero["partner"].eq("KAZ") & zero["year"].eq(1992), "value_usd_millions"] = 0.0
    with pytest.warns(common.MetricWarning, match="zero base value"):
        out = growth_measures.growth_summary(zero, "KAZ", 1992, 2020)
    assert out["reason"] == "zero base value" and out["multiple"] is None


@pytest.mark.parametrize(
    "start, end, message",
    [
        (1992, 2021, r"year 2021 is outside the data: valid years for KAZ \(China's reports\) are 1992–2020"),
        (1985, 2020, r"year 1985 is before 1992: the five Central Asian states became independent .*1992–2020"),
        (1990, 2020, r"year 1990 is before 1992.*valid years for KAZ \(China's reports\) are 1992–2020"),
        (2020, 1992, r"end year \(1992\) must be after start year \(2020\)"),
        (1992.5, 2020, r"year must be a whole number"),
    ],
)
def test_growth_summary_bad_years(trade, start, end, message):
    with pytest.raises(ValueError, match=message):
        growth_measures.growth_summary(trade, "KAZ", start, end)


def test_unknown_partner_lists_choices(trade):
    with pytest.raises(UnknownCountryError, match=r"Unknown country 'France'\. Valid choices: KAZ \(Kazakhstan\)"):
        growth_measures.growth_summary(trade, "France", 1992, 2020)
    with pytest.raises(UnknownCountryError, match="Valid choices"):
        panels.total_trade(trade, ["KAZ", "Atlantis"])


def test_bad_side_and_wrong_table(trade, published):
    with pytest.raises(ValueError, match=r"side must be one of \['china', 'partner'\]"):
        panels.total_trade(trade, "KAZ", side="mirror")
    with pytest.raises(ValueError, match="trade table is missing columns"):
        growth_measures.growth_summary(published, "all", 1992, 2021)


def test_functions_do_not_modify_their_inputs(trade, cpi):
    before = trade.copy()
    growth_measures.growth_summary(trade, "all", 1992, 2020, real=True, cpi=cpi)
    mirror_measures.mirror_stats(trade)
    panels.partner_shares(trade)
    pd.testing.assert_frame_equal(trade, before)


# --------------------------------------------------------------------------- published figures


def test_published_growth_seed_headline(published):
    out = growth_measures.published_growth(published, "all", 1992, 2021)
    json.dumps(out.to_dict(), allow_nan=False)
    assert out["multiple"] == pytest.approx(108.9, abs=0.05)
    assert out["start_value"] == 460 and out["end_value"] == 50_100
    assert out["source"] == "published" and out["side"] == "china"
    assert out["source_ids"] == sorted({SEED, "cgtn-2023-05-16"})
    assert out["start_qualifier"] == "exact" and out["end_qualifier"] == "exact"
    only_seed = growth_measures.published_growth(published, "CA5", 1992, 2021, source_ids=SEED)
    assert only_seed["source_ids"] == [SEED] and only_seed["multiple"] == out["multiple"]


def test_published_growth_not_in_usd_or_absent(published):
    with pytest.warns(common.MetricWarning, match="not in US\\$"):
        cny = growth_measures.published_growth(published, "all", 1992, 2013)
    assert cny["status"] == "not computable" and "billion CNY" in cny["reason"]
    with pytest.warns(common.MetricWarning, match="no published figure for CA5 total_trade"):
        growth_measures.published_growth(published, "all", 2000, 2021)


def test_published_growth_bad_inputs(published):
    valid = r"valid years for CA5 total_trade \(China's reports, published figures\) are 1992–2022"
    with pytest.raises(ValueError, match=f"year 2030 is outside the data: {valid}"):
        growth_measures.published_growth(published, "all", 1992, 2030)
    with pytest.raises(ValueError, match="year 1991 is before 1992"):
        growth_measures.published_growth(published, "all", 1991, 2021)
    with pytest.raises(ValueError, match=r"published figures for CA5 total_trade .* in 2022 disagree: 70200 \(cgtn"):
        growth_measures.published_growth(published, "all", 1992, 2022)
    with pytest.raises(ValueError, match="measure must be one of"):
        growth_measures.published_growth(published, "all", 1992, 2021, measure="gdp")
    with pytest.raises(UnknownCountryError, match="Valid choices"):
        growth_measures.published_growth(published, "Mongolia", 1992, 2021)


# --------------------------------------------------------------------------- properties

positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(start=positive, end=positive, years=st.integers(min_value=1, max_value=60))
def test_property_compounding_cagr_recovers_the_multiple(start, end, years):
    assert (1 + growth_measures.cagr(start, end, years)) ** years == pytest.approx(
        growth_measures.growth_multiple(start, end), rel=1e-9
    )


@given(start=positive, end=positive, scale=st.floats(min_value=1e-3, max_value=1e3))
def test_property_multiple_is_scale_free(start, end, scale):
    assert growth_measures.growth_multiple(start * scale, end * scale) == pytest.approx(
        growth_measures.growth_multiple(start, end), rel=1e-9
    )


@settings(deadline=None)
@given(values=st.lists(positive, min_size=1, max_size=12))
def test_property_shares_sum_to_one_and_hhi_is_bounded(values):
    frame = pd.DataFrame({"year": 2020, "partner": [f"P{i}" for i in range(len(values))], "total": values})
    shares = panels.shares(frame)
    assert shares["share"].sum() == pytest.approx(1.0)
    hhi = panels.hhi(shares).iloc[0]
    n = len(values)
    assert 1 / n - 1e-12 <= hhi["hhi"] <= 1 + 1e-12 and hhi["hhi_min"] == pytest.approx(1 / n)


@settings(deadline=None, max_examples=25)
@given(totals=st.lists(positive, min_size=5, max_size=5))
def test_property_shares_of_the_five_sum_to_one(totals):
    cells = {
        ("CHN", c, flow, 2020): t / 2 for c, t in zip(FIVE, totals, strict=True) for flow in ("exports", "imports")
    }
    shares = panels.partner_shares(trade_rows(cells))
    assert shares["share"].sum() == pytest.approx(1.0)
    assert 0.2 - 1e-12 <= panels.concentration(trade_rows(cells)).at[0, "hhi"] <= 1 + 1e-12


# --------------------------------------------------------------------------- the real data (tradeviz.data)


@pytest.fixture(scope="module")
def data():
    return pytest.importorskip("tradeviz.data", reason="tradeviz.data (the loaders) is not available yet")


def test_real_china_kazakhstan_1992_2020(data):
    out = growth_measures.growth_summary(data.load_trade(), "KAZ", 1992, 2020)
    assert out["start_value"] == pytest.approx(363.364, abs=1e-3)
    assert out["end_value"] == pytest.approx(21_433.310, abs=1e-3)
    assert out["multiple"] == pytest.approx(58.99, abs=0.005)


def test_real_china_five_totals(data):
    five = panels.total_trade(data.load_trade(), "all").set_index("year")
    assert five.at[2020, "exports"] == pytest.approx(21_196.3, abs=0.05)
    assert five.at[2020, "imports"] == pytest.approx(17_360.6, abs=0.05)
    assert five.at[2020, "total"] == pytest.approx(38_557.0, abs=0.05)
    assert five.at[1992, "total"] == pytest.approx(438.3, abs=0.05)
    assert five["complete"].all()


def test_real_partner_side_tajikistan_gap(data):
    five = panels.total_trade(data.load_trade(), "all", side="partner").set_index("year")
    assert not five.at[2000, "complete"] and five.at[2000, "missing"] == "TJK"


def test_real_published_seed_headline(data):
    out = growth_measures.published_growth(data.load_published(), "all", 1992, 2021, source_ids=SEED)
    assert out["start_value"] == 460 and out["end_value"] == 50_100
    assert out["multiple"] == pytest.approx(108.9, abs=0.05)
    assert out["source_ids"] == [SEED] and out["source"] == "published"
    # by default the exact 50.1 bn (seed) beats the "just over 49.5 bn" lower bound
    default = growth_measures.published_growth(data.load_published(), "all", 1992, 2021)
    assert default["multiple"] == pytest.approx(108.9, abs=0.05) and default["end_qualifier"] == "exact"


def test_real_context_units(data):
    trade = data.load_trade()
    per_person = context.trade_per_capita(trade, data.load_population(), "KAZ").set_index("year")
    share = context.trade_to_gdp(trade, data.load_gdp(), "KAZ").set_index("year")
    # ~21.4 bn US$ of trade, ~19 m people, ~171 bn US$ GDP
    assert 1_000 < per_person.at[2020, "trade_per_capita_usd"] < 1_300
    assert 10 < share.at[2020, "trade_pct_gdp"] < 15


def test_bri_comparison_is_benchmarked_against_chinas_world_trade():
    from tradeviz import data

    trade = data.load_trade()
    with pytest.warns(common.MetricWarning, match="no dated BRI cooperation document"):
        result = context.bri_comparison(trade, data.load_bri()).set_index("country")
    world = trade[(trade.reporter == "CHN") & (trade.partner == "WLD")].groupby("year").value_usd_millions.sum()
    by_hand = (world[2014] / world[1992]) ** (1 / 22) - 1
    assert abs(result.world_cagr_before["KAZ"] - by_hand) < 1e-12
    assert abs(result.excess_after["UZB"] - (result.cagr_after["UZB"] - result.world_cagr_after["UZB"])) < 1e-15
    assert result[["world_cagr_before", "excess_after"]].loc[["KGZ", "TKM"]].isna().all().all()


def test_the_growth_result_is_typed_and_its_json_form_is_the_old_dict(trade):
    result = growth_measures.growth_summary(trade, "KAZ", 1992, 2020)
    assert isinstance(result, growth_measures.GrowthResult) and result.ok
    as_dict = result.to_dict()
    assert list(as_dict)[:16] == [
        "partner", "partner_name", "measure", "start_year", "end_year", "start_value", "end_value", "unit",
        "multiple", "cagr", "source", "side", "source_ids", "deflator", "status", "reason",
    ]  # fmt: skip
    assert {"members", "n_reporting", "imf_estimate"} <= set(as_dict) and as_dict["source_ids"] == list(
        result.source_ids
    )
    assert result.multiple == as_dict["multiple"] == result["multiple"]  # dict-style reads kept for one release
    assert result.with_details(note="x").details["note"] == "x" and "note" not in result.details
