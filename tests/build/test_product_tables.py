"""The products table: every code in the nomenclature (or a listed HS 2012 heading), sums against totals."""

import pandas as pd
import pytest

from tradeviz import data, paths
from tradeviz.build import products
from tradeviz.errors import BuildError
from tradeviz.sources import hs_nomenclature, un_comtrade, wits


@pytest.fixture(scope="module")
def inputs():
    raw = paths.raw_dir()
    return wits.build_wits_products(raw), un_comtrade.build_comtrade(raw), hs_nomenclature.build_hs_nomenclature(raw)


def test_the_curated_products_table():
    table = data.load_products()
    assert len(table) == 34189
    assert table.groupby(["reporter", "level"]).size().to_dict() == {
        ("CHN", "chapter"): 308,
        ("KAZ", "chapter"): 283,
        ("KAZ", "heading"): 33598,
    }
    heads = table[table.level.eq("heading")]
    assert sorted(heads.year.unique()) == list(range(2015, 2025)) and set(heads.nomenclature) == {"HS 2012"}
    assert sorted(table[table.level.eq("chapter")].year.unique()) == list(range(2014, 2025))
    iron = table.set_index(["year", "reporter", "partner", "flow", "level", "code"]).loc[
        (2024, "KAZ", "CHN", "exports", "chapter", "26")
    ]
    assert round(iron.value_usd_millions, 1) == 3944.0 and iron.section == "V" and iron.nomenclature == "HS 2022"


def test_hs2012_headings_missing_from_hs2022_are_kept_with_their_successor():
    table = data.load_products()
    old = table[~table.in_hs2022]
    assert old.groupby("code").size().to_dict() == {"2848": 24, "6908": 7, "8107": 27, "8469": 5, "8803": 34}
    assert dict(zip(old.code, old.hs2022_code, strict=True)) == {c: s for c, (s, _) in products.HS2012_ONLY.items()}
    assert table.loc[table.in_hs2022, "code"].eq(table.loc[table.in_hs2022, "hs2022_code"]).all()


CORRELATION = paths.PROJ_ROOT / "tests" / "fixtures" / "hs-correlation" / "unsd_hs2012_deleted_headings.csv"


def test_the_hs2012_successors_follow_the_unsd_correlation_tables():
    """Each of the five headings goes, for every one of its HS 2012 subheadings, to its listed successor in the UNSD
    HS 2012 -> HS 2022 table (other targets only in n:n relations, named in the reason), in the edition the reason
    names (HS 2012 -> HS 2017 table: deleted in 2017 when the subheadings already move there)."""
    table = pd.read_csv(CORRELATION, dtype=str)
    to_2022 = table[table.table.str.startswith("HS2022toHS2012")]
    to_2017 = table[table.table.str.startswith("HS2017toHS2012")]
    for code, (successor, reason) in products.HS2012_ONLY.items():
        rows = to_2022[to_2022.from_code.str[:4].eq(code)]
        assert len(rows) and set(rows.from_code.str[:4]) == {code}
        for sub, group in rows.groupby("from_code"):
            assert successor in set(group.to_code.str[:4]), (code, sub)  # every subheading reaches the successor
        others = rows[~rows.to_code.str[:4].eq(successor)]
        assert others.relationship.eq("n:n").all(), (code, others)
        for heading in set(others.to_code.str[:4]) - {"8529"}:  # 8529.90 parts beside 8524 display modules
            assert heading[:2] + "." + heading[2:] in reason, (code, heading)
        moved_in_2017 = set(to_2017[to_2017.from_code.str[:4].eq(code)].to_code.str[:4]) == {successor}
        assert ("deleted in HS 2017" in reason or "in HS 2017" in reason) == moved_in_2017, (code, reason)


def test_headings_add_up_to_the_comtrade_totals_and_chapters_stay_below():
    checks = data.load_product_totals()
    heads = checks[checks.level.eq("heading")]
    assert len(heads) == 40 and heads.check.eq("adds up").all()
    assert (heads.coverage - 1).abs().max() == pytest.approx(0.00275, abs=1e-5)  # KAZ-World imports 2020
    assert (checks.coverage <= 1 + products.ADD_UP_TOLERANCE).all()
    row = heads.set_index(["year", "partner", "flow"]).loc[(2015, "CHN", "exports")]
    assert round(row.products_usd_millions, 1) == round(row.total_usd_millions, 1) == 5480.1


def test_an_unknown_code_stops_the_build_naming_the_file_and_line(inputs):
    rows, comtrade, nomenclature = inputs
    bad = rows.copy()
    bad.loc[10, "code"] = "2699"
    with pytest.raises(BuildError, match=r"kazakhstan_.*\.dta row \d+, column code: product code '2699'") as caught:
        products.build_products(bad, comtrade, nomenclature)
    assert "HS2012_ONLY" in str(caught.value)


def test_a_negative_value_stops_the_build(inputs):
    rows, comtrade, nomenclature = inputs
    bad = rows.copy()
    bad.loc[3, "value_usd_millions"] = -1.0
    with pytest.raises(BuildError, match=r"\.dta row \d+, column value: -1.0 is negative"):
        products.build_products(bad, comtrade, nomenclature)


def test_a_chapter_total_among_the_headings_is_double_counting(inputs):
    rows, comtrade, nomenclature = inputs
    year = rows[rows.year.eq(2024) & rows.partner.eq("CHN") & rows.flow.eq("exports")]
    chapter26 = year[year.code.str.startswith("26")]
    doubled = pd.concat(
        [rows, chapter26.head(1).assign(code="2601", value_usd_millions=chapter26.value_usd_millions.sum())]
    )
    with pytest.raises(BuildError, match="a second row"):
        products.build_products(doubled, comtrade, nomenclature)
    # a chapter's total under a heading code of its own passes the key check, but the flow then exceeds its total
    table = products.build_products(rows, comtrade, nomenclature)
    inflated = pd.concat([table, year.assign(code="9999", value_usd_millions=year.value_usd_millions.sum()).head(1)])
    with pytest.raises(BuildError, match=r"exceed the flow's total 14897.5 US\$ m by \+14897.5"):
        products.build_product_totals(inflated, comtrade)
