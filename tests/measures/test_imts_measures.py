"""IMF IMTS 2025 against the other 2025 figures: every partner listed, nothing decided, derived values flagged."""

from __future__ import annotations

import pandas as pd
import pytest

from tradeviz import data
from tradeviz.measures import imts


@pytest.fixture(scope="module")
def inputs():
    return data.load_imts_exports(), data.load_published_series(), data.load_stat_gov_kz()


def test_the_derived_values_are_labelled_and_bounded(inputs):
    *_, stat = inputs
    derived = imts.stat_gov_kz_derived(stat).set_index(["year", "flow"])
    row = derived.loc[(2024, "exports")]
    assert row.value_usd_millions == pytest.approx(0.183 * 81618.4)
    assert row.low < row.value_usd_millions < row.high and row.derived and row.basis == imts.DERIVED
    assert len(derived) == 6


def test_the_overlap_lists_every_partner_and_says_why(inputs):
    table = imts.imts_published_overlap(*inputs)
    assert set(table["partner"]) == {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
    world = table.query("partner == 'KAZ' and measure == 'exports to the World'").iloc[0]
    assert not world.agrees and world.status == "differs by -14.1%"
    share = table.query("partner == 'KAZ' and measure == \"China's share of exports\"").iloc[0]
    assert round(share.value_a, 4) == 0.1880 and share.value_b == pytest.approx(0.192)
    derived = table.query("derived").iloc[0]
    assert derived.partner == "KAZ" and "derived, not published" in derived.status
    kgz = table.query("partner == 'KGZ' and measure == 'exports to China'").iloc[0]
    assert pd.isna(kgz.value_a) and kgz.status.startswith("not in the IMTS file")


def test_derived_values_never_enter_a_series():
    series = data.load_published_series()
    assert not series["figure_id"].str.startswith("stat-gov-kz").any()


def test_the_mirror_against_china_s_customs(inputs):
    exports, series, _stat = inputs
    mirror = imts.imts_mirror(exports, series).set_index("partner")
    kaz = mirror.loc["KAZ"]
    assert kaz.imports_cif == 19_000 and round(kaz.ratio, 3) == 1.488 and not kaz.in_cif_fob_band
    assert mirror.at["KGZ", "status"] == "not computable" and "IMTS: China not among" in mirror.at["KGZ", "reason"]
    assert "no published full-year 2025 figure" in mirror.at["UZB", "reason"]
    assert list(mirror.index) == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
