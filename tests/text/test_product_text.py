"""The sentences of the products report and of the profiles' "What is traded" (tradeviz.text.products)."""

from __future__ import annotations

import pandas as pd
import pytest

from tradeviz import data, paths
from tradeviz.measures import products as m
from tradeviz.reports.config import load_config
from tradeviz.text import products as t


def rows(year, flow, values, reporter="KAZ", partner="CHN"):
    """{code: value} -> heading rows (section from the chapter as in the HS: 25-27 V, 72-83 XV, else XVI)."""

    def section(code):
        chapter = int(code[:2])
        return "V" if 25 <= chapter <= 27 else "XV" if 72 <= chapter <= 83 else "XVI"

    return pd.DataFrame(
        [
            dict(year=year, reporter=reporter, partner=partner, flow=flow, level="heading", code=code,
                 section=section(code), chapter=code[:2], in_hs2022=True, hs2022_code=code,
                 value_usd_millions=value, source_id="test-source")
            for code, value in values.items()
        ]
    )  # fmt: skip


NOMENCLATURE = pd.DataFrame(
    {
        "level": ["heading"] * 5 + ["chapter"] * 3,
        "code": ["2603", "7403", "8471", "2844", "<b>", "26", "74", "28"],
        "description": [
            "Copper ores and concentrates",
            "Copper; refined and copper alloys, unwrought",
            "Automatic data processing machines and units thereof, magnetic or optical readers",
            "Radioactive chemical elements and radioactive isotopes (including the fissile)",
            "<script>x</script>",
            "Ores, slag and ash",
            "Copper and articles thereof",
            "Inorganic chemicals; organic and inorganic compounds of precious metals",
        ],
    }
)
EXPORTS = rows(2024, "exports", {"2603": 50.0, "7403": 30.0, "8471": 20.0})
IMPORTS = rows(2024, "imports", {"8471": 60.0, "7403": 40.0})


def test_short_descriptions_cut_at_a_separator_or_a_word():
    assert t.short_description("Telephone sets, including smartphones and other telephones for cellular networks") == (
        "Telephone sets"
    )
    assert (
        t.short_description("Motor cars; principally designed for persons", 60)
        == "Motor cars; principally designed for persons"
    )
    assert t.short_description("Radioactive chemical elements (including the fissile); and their compounds", 30) == (
        "Radioactive chemical elements"
    )
    assert t.short_description("live animals; animal products") == "Live animals; animal products"
    assert t.short_description("Abcdefghij klmnopqrst uvwxyz", 15) == "Abcdefghij…"
    assert t.product_name("<b>", "<script>x</script>") == "*&lt;script&gt;x&lt;/script&gt;* (&lt;b&gt;)"


def test_flow_summary_names_total_largest_products_and_raw_share():
    top = m.labelled(m.top_products(EXPORTS, 3), NOMENCLATURE, "heading", EXPORTS)
    raw = m.raw_materials(EXPORTS)
    text = t.flow_summary(top, raw, "Kazakhstan", "exports", listed=2)
    assert text.startswith("In 2024, by its own reports, Kazakhstan exported **$100 m** of goods to China.")
    assert (
        "*Copper ores and concentrates* (2603) **50.0%**, *Copper; refined and copper alloys, unwrought* (7403)" in text
    )
    assert "8471" not in text and "the 3 largest made **100.0%**" in text
    assert text.endswith("were **80.0%** of its exports to China.")  # 2603 (V) + 7403 (XV)
    with pytest.raises(ValueError, match="one flow in one year"):
        t.flow_summary(pd.concat([top, top.assign(flow="imports")]), raw, "Kazakhstan", "exports")
    with pytest.raises(ValueError, match="exports or imports"):
        t.flow_summary(top, raw, "Kazakhstan", "transit")


def test_change_summary_splits_the_net_change_into_growth_and_falls():
    start = rows(2015, "exports", {"2603": 10.0, "7403": 40.0, "8471": 5.0})
    by_product, summary = m.change(pd.concat([start, EXPORTS]), 2015, 2024)
    text = t.change_summary(summary, m.labelled(by_product, NOMENCLATURE, "heading"), "Kazakhstan", "exports", 1)
    assert "went from **$55 m** to **$100 m** (×1.8)" in text
    assert "The **2** headings that grew added **$55 m** and the **1** that fell took away **$10 m**" in text
    assert "net change of **$45 m**" in text
    assert "*Copper ores and concentrates* (2603) +$40 m; the largest fall: *Copper; refined" in text
    assert text.endswith("(7403) −$10 m.")


def test_concentration_summary_on_the_0_to_10000_scale_with_its_numbers_equivalent():
    table = m.concentration(pd.concat([EXPORTS, EXPORTS.assign(year=2015, value_usd_millions=[100.0, 0.0, 0.0])]))
    text = t.concentration_summary(table, "Kazakhstan", 2015, 2024)
    assert "**2** of the **3** headings traded in 2024 made up 80% of the value" in text
    assert "an HHI of **3,800**, as if **2.6** equal products were traded (2015: 1 of 1, HHI 10,000)" in text
    assert "the largest heading was **50.0%**" in text and text.endswith("(HHI on 0–10,000; 10,000 = one product).")


def test_raw_summary_lists_the_chapters_and_the_exceptions():
    raw = m.raw_materials(pd.concat([EXPORTS, EXPORTS.assign(year=2015)]))
    text = t.raw_summary(raw, {"26": "Ores, slag and ash", "74": "Copper and articles thereof"}, "Kazakhstan", 2015,
                         2024, exceptions=[("2844", NOMENCLATURE.description[3], 0.118)])  # fmt: skip
    assert "(chapters 26 (Ores, slag and ash), 74 (Copper and articles thereof))" in text
    assert "raw materials were **80.0%** of its exports to China in 2024 (2015: 80.0%)." in text
    assert text.endswith("*Radioactive chemical elements and radioactive isotopes* (2844), **11.8%** of the 2024 "
                         "exports, is a chemical in the HS (chapter 28) and is not counted as raw.")  # fmt: skip


def test_sides_summary_puts_chapters_inside_or_outside_the_cif_fob_band():
    sides = pd.DataFrame(
        {
            "year": [2024, 2024],
            "china_flow": ["imports", "imports"],
            "chapter": ["26", "74"],
            "china_usd_millions": [115.0, 102.0],
            "partner_usd_millions": [100.0, 100.0],
            "ratio": [1.15, 1.02],
            "description": ["Ores, slag and ash", "Copper and articles thereof"],
        }
    )
    text = t.sides_summary(sides, "Kazakhstan", 2024)
    assert "hold 2 HS chapters from both sides (26, 74)" in text
    assert (
        "were **$217 m** and Kazakhstan's exports of them to China **$200 m**: China's figure is **1.08** times" in text
    )
    assert (
        "(CIF against FOB): copper and articles thereof (74) 1.02. Outside it: ores, slag and ash (26) **1.15**."
        in text
    )
    with pytest.raises(ValueError, match="both figures of every chapter"):
        t.sides_summary(sides.assign(partner_usd_millions=[100.0, None]), "Kazakhstan", 2024)


def test_gas_summary_says_why_the_heading_may_be_larger():
    gas = pd.DataFrame(
        {
            "year": [2022, 2024],
            "partner": ["KAZ", "KAZ"],
            "heading_usd_millions": [1212.4, 1353.9],
            "gas_low": [1080.0, 1360.0],
            "gas_high": [1080.0, 1360.0],
            "ratio_low": [0.8908, 1.0045],
            "ratio_high": [0.8908, 1.0045],
            "status": ["heading larger", "agrees"],
        }
    )
    text = t.gas_summary(gas, "Kazakhstan", partial=[2021])
    assert "2022: $1.08 bn against $1.21 bn, **0.89** (heading larger); 2024: $1.36 bn against $1.35 bn" in text
    assert "In 2024 they agree within ±5%." in text and "In 2022 Kazakhstan's heading is the larger" in text
    assert "liquefied petroleum gases" in text and text.endswith(
        "For 2021 only part-year gas figures were published: not compared."
    )
    assert "gas larger" not in text
    over = t.gas_summary(gas.assign(status="gas larger"), "Kazakhstan")
    assert "In 2022 and 2024 China's pipeline gas exceeds Kazakhstan's whole heading" in over
    assert t.gas_summary(gas.iloc[:0], "Kazakhstan").startswith("No year has both")


def test_gap_note_names_the_missing_chapters_and_the_imf_figure():
    heads = pd.concat(
        [
            rows(2019, "exports", {"2603": 60.0, "7403": 40.0}),
            rows(2020, "exports", {"2603": 70.0}),
            rows(2021, "exports", {"2603": 65.0}),
            rows(2022, "exports", {"2603": 80.0, "7403": 20.0}),
            rows(2019, "imports", {"8471": 10.0}),
            rows(2020, "imports", {"8471": 9.0}),
            rows(2021, "imports", {"8471": 11.0}),
            rows(2022, "imports", {"8471": 12.0}),
        ]
    )
    missing = m.labelled(m.missing_groups(m.composition(heads, "chapter"), [2020, 2021], "chapter"), NOMENCLATURE,
                         "chapter")  # fmt: skip
    dots = pd.DataFrame({"year": [2020, 2020], "flow": ["exports", "imports"], "value_usd_millions": [120.0, 9.5]})
    text = t.gap_note(m.concentration(heads), missing, "Kazakhstan", [2020, 2021], dots)
    assert text.startswith("Kazakhstan's reports for 2020–2021, as WITS and UN Comtrade hold them, are incomplete: its "
                           "exports to China $70 m and $65 m, with 1–1 headings (2019: 2; 2022: 2)")  # fmt: skip
    assert "of its exports to China, 74 copper and articles thereof (40.0% of 2019's, 20.0% of 2022's)." in text
    assert "has $120 m of exports to China and $9.5 m of imports from it in 2020." in text


def test_editions_note_lists_the_successors():
    old = pd.DataFrame({"code": ["6908", "8107"], "value_usd_millions": [20.0, 10.9]})
    text = t.editions_note(old, {"6908": ("6907", "…"), "8107": ("8112", "…")}, "Kazakhstan")
    assert "2 HS 2012 headings are not in HS 2022 (6908 → 6907, 8107 → 8112)" in text
    assert "they hold **$30.9 m** over all years together (largest: 6908, $20 m)" in text


def test_the_profile_section_links_to_the_products_report_by_the_name_render_gives_it():
    products, nomenclature = data.load_products(), data.load_hs_nomenclature()
    report = next(r for r in load_config(paths.RENDER_CONFIG).reports if r.notebook == "products")
    assert report.html_name == t.PRODUCTS_REPORT.format(partner="KAZ")
    kaz = t.profile_section(products, nomenclature, "KAZ", "Kazakhstan")
    assert kaz.startswith("By Kazakhstan's own reports at the 4-digit HS level (WITS, 2015–2024): in 2024 its exports")
    assert "*Copper ores and concentrates* (2603) with **19.3%**, raw materials **77.1%**" in kaz
    assert kaz.endswith("[What is traded: Kazakhstan and China](products-KAZ.html).")
    kgz = t.profile_section(products, nomenclature, "KGZ", "Kyrgyzstan")
    assert kgz.startswith("There is no product data for Kyrgyzstan in the shipped tables")
    assert "`tradeviz data fetch comtrade`" in kgz and "](" not in kgz
