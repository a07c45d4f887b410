"""WITS HS-4 sums: 4-digit rows only (no double counting), and the sums against the UN Comtrade totals."""

import shutil

import pandas as pd
import pytest

from tradeviz import data, paths
from tradeviz.errors import BuildError
from tradeviz.measures import overlap
from tradeviz.sources import wits

EXPORTS_CHN = "kazakhstan_exports_to_china_hs4_2015_2024_wits.dta"


def test_the_sums_per_year_and_flow():
    table = wits.build_wits_totals(paths.raw_dir())
    assert len(table) == 40 and sorted(table.year.unique()) == list(range(2015, 2025))
    by = table.set_index(["year", "partner", "flow"])["value_usd_millions"]
    assert round(by[(2015, "CHN", "exports")], 1) == 5480.1
    assert [round(by[(y, "CHN", "imports")]) for y in (2020, 2021, 2022, 2023)] == [1955, 2424, 3575, 16772]


def test_the_hs4_sums_agree_with_the_comtrade_totals_within_a_third_of_a_percent():
    check = overlap.wits_check(data.load_wits_totals(), data.load_comtrade())
    assert len(check) == 40 and check["agrees"].all()
    assert (check["ratio"] - 1).abs().max() < 0.003  # largest: World imports 2020, 22,097.0 vs 22,157.9
    assert (check.loc[check.partner.eq("CHN"), "ratio"] - 1).abs().max() < 0.001


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda f: f.assign(ProductCode=["26"] + list(f.ProductCode[1:])), "row 1, column ProductCode: '26' is not"),
        (lambda f: f.assign(PartnerISO3=list(f.PartnerISO3[:2]) + ["RUS"] + list(f.PartnerISO3[3:])), "row 3"),
        (lambda f: f.assign(TradeValuein1000USD=[-1.0] + list(f.TradeValuein1000USD[1:])), "TradeValuein1000USD"),
        (lambda f: f.drop(columns="PartnerRegion"), "expected the 12 WITS columns"),
    ],
)
def test_a_bad_row_stops_the_build_naming_file_row_and_column(tmp_path, edit, message):
    folder = tmp_path / wits.FOLDER
    shutil.copytree(paths.raw_dir() / wits.FOLDER, folder)
    path = folder / EXPORTS_CHN
    frame = pd.read_stata(path)
    for column in ("ProductCode", "PartnerISO3"):
        frame[column] = frame[column].astype(str)
    edit(frame).to_stata(path, write_index=False)
    with pytest.raises(BuildError, match=EXPORTS_CHN) as caught:
        wits.build_wits_totals(tmp_path)
    assert message in str(caught.value)
