"""Product measures on small hand-made tables (values in US$ millions)."""

import pandas as pd
import pytest

from tradeviz.measures import products as m


def rows(year, flow, values, level="heading", reporter="KAZ", partner="CHN"):
    """{code: value} -> product rows; the section is V for chapters 25-27, XV for 72-83, else XVI."""

    def section(code):
        chapter = int(code[:2])
        return "V" if 25 <= chapter <= 27 else "XV" if 72 <= chapter <= 83 else "XVI"

    return pd.DataFrame(
        [
            dict(
                year=year,
                reporter=reporter,
                partner=partner,
                flow=flow,
                level=level,
                code=code,
                section=section(code),
                chapter=code[:2],
                value_usd_millions=value,
            )
            for code, value in values.items()
        ]
    )


EXPORTS = rows(2024, "exports", {"2601": 50.0, "2603": 20.0, "7403": 20.0, "8471": 10.0})
IMPORTS = rows(2024, "imports", {"8471": 30.0, "8703": 30.0, "7308": 40.0})


def test_composition_by_section_and_chapter():
    table = m.composition(pd.concat([EXPORTS, IMPORTS]), "section")
    exports = table[table.flow.eq("exports")].set_index("section")
    assert exports.value_usd_millions.to_dict() == {"V": 70.0, "XV": 20.0, "XVI": 10.0}
    assert exports.share.to_dict() == pytest.approx({"V": 0.7, "XV": 0.2, "XVI": 0.1})
    chapters = m.composition(EXPORTS, "chapter")
    assert list(chapters.chapter) == ["26", "74", "84"] and list(chapters.share) == pytest.approx([0.7, 0.2, 0.1])
    with pytest.raises(ValueError, match="by must be one of"):
        m.composition(EXPORTS, "subheading")


def test_a_table_mixing_chapters_and_headings_of_one_flow_is_refused():
    mixed = pd.concat([EXPORTS, rows(2024, "exports", {"26": 70.0}, level="chapter")])
    with pytest.raises(ValueError, match="counts the trade twice"):
        m.composition(mixed)
    with pytest.raises(ValueError, match="negative"):
        m.composition(EXPORTS.assign(value_usd_millions=-1.0))


def test_top_products_with_shares_and_ties_broken_by_code():
    top = m.top_products(EXPORTS, 3)
    assert list(top.heading) == ["2601", "2603", "7403"] and list(top["rank"]) == [1, 2, 3]
    assert list(top.share) == pytest.approx([0.5, 0.2, 0.2])
    assert list(top.cumulative_share) == pytest.approx([0.5, 0.7, 0.9])
    with pytest.raises(ValueError, match="at least 1"):
        m.top_products(EXPORTS, 0)


def test_concentration_hhi_and_products_for_80_percent():
    table = m.concentration(pd.concat([EXPORTS, IMPORTS])).set_index("flow")
    assert table.loc["exports", "hhi"] == pytest.approx(0.25 + 0.04 + 0.04 + 0.01)
    assert table.loc["exports", "products_for_threshold"] == 3  # 50 + 20 + 20 = 90% >= 80%; two make 70%
    assert table.loc["imports", "hhi"] == pytest.approx(0.16 + 0.09 + 0.09)
    assert table.loc["imports", "products_for_threshold"] == 3  # 40 + 30 = 70%, then 100%
    assert table.loc["exports", "top_share"] == 0.5 and table.loc["exports", "products"] == 4
    single = m.concentration(rows(2024, "exports", {"2709": 5.0, "2711": 0.0}))
    assert single.hhi.iloc[0] == 1.0 and single.products.iloc[0] == 1 and single.products_for_threshold.iloc[0] == 1
    exact = m.concentration(rows(2024, "exports", {"2709": 80.0, "2711": 20.0}))
    assert exact.products_for_threshold.iloc[0] == 1  # exactly 80%


def test_raw_materials_against_the_rest():
    table = m.raw_materials(pd.concat([EXPORTS, IMPORTS])).set_index("flow")
    assert table.loc["exports", "raw_usd_millions"] == 90.0 and table.loc["exports", "raw_share"] == 0.9
    # 73 (articles of iron or steel) is a manufacture, though in Section XV
    assert table.loc["imports", "raw_usd_millions"] == 0.0 and table.loc["imports", "other_usd_millions"] == 100.0
    assert set(table.status) == {"complete"}
    assert "27" in m.RAW_MATERIAL_CHAPTERS and "73" not in m.RAW_MATERIAL_CHAPTERS
    chapters = m.raw_materials(rows(2024, "exports", {"26": 5.0, "28": 5.0}, level="chapter"))
    assert chapters.status.iloc[0] == "partial: chapters only" and chapters.raw_share.iloc[0] == 0.5


def test_change_between_two_years_split_into_products_that_grew_and_fell():
    start = rows(2015, "exports", {"2601": 10.0, "2603": 40.0, "8471": 5.0, "9999": 2.0})
    by_product, summary = m.change(pd.concat([start, EXPORTS]), 2015, 2024)
    by = by_product.set_index("heading")
    assert by.loc["2601", "change_usd_millions"] == 40.0 and by.loc["2601", "direction"] == "grew"
    assert by.loc["2603", "change_usd_millions"] == -20.0 and by.loc["2603", "direction"] == "fell"
    assert by.loc["7403", "status"] == "new" and by.loc["7403", "start_usd_millions"] == 0.0
    assert by.loc["9999", "status"] == "gone" and by.loc["9999", "change_usd_millions"] == -2.0
    row = summary.iloc[0]
    assert row.start_usd_millions == 57.0 and row.end_usd_millions == 100.0 and row.change_usd_millions == 43.0
    assert row.grew_usd_millions == 65.0 and row.fell_usd_millions == -22.0
    assert row.grew_usd_millions + row.fell_usd_millions == row.change_usd_millions
    assert (row.products_grew, row.products_fell) == (3, 2)
    with pytest.raises(ValueError, match="before"):
        m.change(EXPORTS, 2024, 2015)
    with pytest.raises(ValueError, match=r"no products in \[2015\]"):
        m.change(EXPORTS, 2015, 2024)


def test_both_sides_of_one_chapter():
    china = pd.concat(
        [
            rows(2023, "imports", {"26": 110.0}, level="chapter", reporter="CHN", partner="KAZ"),
            rows(2024, "imports", {"26": 120.0}, level="chapter", reporter="CHN", partner="KAZ"),
            rows(2024, "exports", {"26": 1.0}, level="chapter", reporter="CHN", partner="KAZ"),
        ]
    )
    kaz = pd.concat(
        [
            rows(2023, "exports", {"2601": 60.0, "2603": 40.0}),  # headings only in 2023
            rows(2024, "exports", {"26": 100.0}, level="chapter"),
            rows(2024, "exports", {"2601": 99.0}),  # the chapter row is preferred where there is one
        ]
    )
    table = m.both_sides(pd.concat([china, kaz]), "KAZ", "26").set_index(["china_flow", "year"])
    assert table.loc[("imports", 2024), "ratio"] == pytest.approx(1.2)
    assert table.loc[("imports", 2024), "partner_basis"] == "chapter"
    assert table.loc[("imports", 2023), "partner_usd_millions"] == 100.0
    assert table.loc[("imports", 2023), "partner_basis"] == "headings"
    assert table.loc[("exports", 2024), "reason"] == "KAZ reports no chapter 26 row"
    assert pd.isna(table.loc[("exports", 2024), "ratio"])


def test_on_the_shipped_table_kazakhstan_2024():
    from tradeviz import data

    table = data.load_products()
    heads = table[table.level.eq("heading") & table.partner.eq("CHN")]
    top = m.top_products(heads[heads.year.eq(2024)], 5)
    exports = top[top.flow.eq("exports")]
    assert list(exports.heading) == ["2603", "7403", "2709", "2844", "2711"]  # copper ores, refined copper, oil...
    assert round(exports.value_usd_millions.iloc[0], 1) == 2876.2 and round(exports.share.iloc[0], 3) == 0.193
    conc = m.concentration(heads[heads.year.eq(2024)]).set_index("flow")
    assert conc.loc["exports", "products_for_threshold"] == 7 and conc.loc["imports", "products_for_threshold"] == 119
    raw = m.raw_materials(heads).set_index(["flow", "year"])
    assert round(raw.loc[("exports", 2024), "raw_share"], 3) == 0.771
    sides = m.both_sides(table, "KAZ", "26").set_index(["china_flow", "year"])
    assert round(sides.loc[("imports", 2024), "ratio"], 3) == 1.153  # China 4,548.4 (CIF) vs Kazakhstan 3,944.0 (FOB)


def gas_rows(year, period, values):
    return pd.DataFrame(
        [
            dict(figure_id=f"press#gas-{year}-{i}", year=year, period=period, supplier="KAZ", value_usd_millions=v)
            for i, v in enumerate(values)
        ]
    )


def test_hs2711_against_the_published_pipeline_gas():
    heads = pd.concat(
        [
            rows(2022, "exports", {"2711": 1200.0, "2709": 5.0}),
            rows(2023, "exports", {"2711": 1000.0}),
            rows(2024, "exports", {"2711": 1000.0}),
            rows(2025, "imports", {"2711": 1.0}),  # an import row: not the flow compared
        ]
    ).assign(source_id="wits-test")
    gas = pd.concat(
        [
            gas_rows(2021, "jan_nov", [946.1]),  # part of a year: never compared
            gas_rows(2022, "full_year", [1080.0, 1080.0]),
            gas_rows(2023, "full_year", [990.0, 1040.0]),  # two pages: both ends kept
            gas_rows(2024, "full_year", [1100.0]),
            gas_rows(2025, "full_year", [900.0]),  # no heading row that year
        ]
    )
    table = m.gas_against_heading(heads, gas, "KAZ").set_index("year")
    assert list(table.index) == [2022, 2023, 2024] and list(m.GAS_COLUMNS) == ["year", *table.columns]
    assert table.loc[2022, "ratio_low"] == 0.9 and table.loc[2022, "status"] == "heading larger"
    assert (table.loc[2023, "gas_low"], table.loc[2023, "gas_high"]) == (990.0, 1040.0)
    assert table.loc[2023, "status"] == "agrees"  # 0.99–1.04: within 5%
    assert table.loc[2024, "status"] == "gas larger" and table.loc[2024, "ratio_high"] == pytest.approx(1.1)
    assert table.loc[2023, "gas_figure_ids"] == "press#gas-2023-0; press#gas-2023-1"
    assert set(table.source_id) == {"wits-test"}
    assert m.gas_against_heading(heads, gas, "KAZ", tolerance=0.15).status.tolist() == ["agrees"] * 3
    assert m.gas_against_heading(heads, gas, "UZB").empty
    with pytest.raises(ValueError, match="tolerance"):
        m.gas_against_heading(heads, gas, "KAZ", tolerance=1.5)
    with pytest.raises(ValueError, match="more than one heading 2711 row"):
        m.gas_against_heading(pd.concat([heads, heads]), gas, "KAZ")


def test_hs2711_on_the_shipped_tables_kazakhstan_and_chinas_customs():
    """WITS holds Kazakhstan's reports of its exports (FOB, every petroleum gas); gas_imports China's customs'
    pipeline gas (CIF) as the press quoted it: 2022–2023 the heading is ~11% larger, 2024 they agree."""
    from tradeviz import data

    table = m.gas_against_heading(data.load_products(), data.load_gas_imports(), "KAZ").set_index("year")
    assert table.status.to_dict() == {2022: "heading larger", 2023: "heading larger", 2024: "agrees"}
    assert round(table.loc[2024, "heading_usd_millions"], 1) == 1353.9 and table.loc[2024, "gas_low"] == 1360.0
    assert (round(table.loc[2023, "ratio_low"], 3), round(table.loc[2023, "ratio_high"], 3)) == (0.889, 0.903)


def test_labelled_adds_descriptions_and_each_flows_source_ids():
    names = pd.DataFrame(
        {"level": ["heading", "heading", "section"], "code": ["2601", "8112", "V"],
         "description": ["Iron ores", "Beryllium, cadmium", "Mineral products"]}
    )  # fmt: skip
    heads = pd.concat(
        [EXPORTS.assign(source_id="wits-a"), rows(2024, "imports", {"8107": 2.0}).assign(source_id="wits-b")]
    ).assign(in_hs2022=lambda t: t.code.ne("8107"), hs2022_code=lambda t: t.code.where(t.code.ne("8107"), "8112"))
    top = m.labelled(m.top_products(heads, 1), names, "heading", heads).set_index("flow")
    assert top.loc["exports", "description"] == "Iron ores" and top.loc["exports", "source_id"] == "wits-a"
    assert top.loc["imports", "description"] == "HS 2012 heading 8107 (in HS 2022 under 8112: Beryllium, cadmium)"
    sections = m.labelled(m.composition(heads, "section"), names, "section")
    assert sections.set_index("section").description.to_dict() == {"V": "Mineral products", "XV": "", "XVI": ""}
    assert "source_id" not in sections
    with pytest.raises(ValueError, match="no column 'chapter'"):
        m.labelled(top.reset_index(), names, "chapter")


def test_missing_groups_are_held_before_and_after_but_absent_in_between():
    table = pd.concat(
        [
            rows(2019, "imports", {"8471": 50.0, "8703": 40.0, "9301": 10.0}),
            rows(2020, "imports", {"8703": 40.0, "8471": 0.1}),
            rows(2021, "imports", {"8703": 45.0}),
            rows(2022, "imports", {"8471": 60.0, "8703": 40.0}),  # 93 (arms) gone for good: not a gap
        ]
    )
    gone = m.missing_groups(m.composition(table, "chapter"), [2020, 2021], "chapter")
    assert gone.chapter.tolist() == ["84"]
    row = gone.iloc[0]
    assert (row.before, row.after, row.before_share, row.after_share) == (2019, 2022, 0.5, 0.6)
    assert row.largest_usd_millions == 0.1  # below 1% of 2019's 50
    assert m.missing_groups(m.composition(table, "chapter"), [2020, 2021], "chapter", threshold=0.001).empty
    with pytest.raises(ValueError, match="consecutive"):
        m.missing_groups(m.composition(table, "chapter"), [2020, 2022], "chapter")


def test_hs2012_only_rows_per_heading():
    from tradeviz import data

    old = m.hs2012_only(data.load_products(reporter="KAZ"))
    china = old[old.partner.eq("CHN")].groupby("code").value_usd_millions.sum()
    assert set(old.code) == {"2848", "6908", "8107", "8469", "8803"} and china.idxmax() == "6908"
    assert dict(zip(old.code, old.hs2022_code, strict=True))["8803"] == "8807"
    assert old.rows.sum() == 97
