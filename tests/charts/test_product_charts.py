"""The product charts (tradeviz.charts.products) on small hand-made tables: what they draw, what they export."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from tradeviz import charts  # noqa: E402
from tradeviz.charts import export as chart_export  # noqa: E402
from tradeviz.charts import products as product_charts  # noqa: E402

CAP = charts.Caption(source="Synthetic Test Source", unit="current US$ (test unit)", side="Kazakhstan's reports")
SECTIONS = {"V": "Mineral products", "XV": "Base metals and articles of base metal", "XVI": "Machinery; parts thereof"}


def composition() -> pd.DataFrame:
    """Shares by section for two flows and three years; section XVI is absent from the 2021 imports."""
    rows = []
    for flow, shares in (
        ("exports", {"V": 0.6, "XV": 0.3, "XVI": 0.1}),
        ("imports", {"V": 0.1, "XV": 0.2, "XVI": 0.7}),
    ):
        for year in (2020, 2021, 2022):
            here = dict(shares)
            if flow == "imports" and year == 2021:
                here = {"V": 0.4, "XV": 0.6}
            for section, share in here.items():
                rows.append(
                    dict(year=year, reporter="KAZ", partner="CHN", flow=flow, section=section, share=share,
                         value_usd_millions=1000 * share, description=SECTIONS[section], source_id="test-source")
                )  # fmt: skip
    return pd.DataFrame(rows)


def top() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2024] * 3,
            "flow": ["exports"] * 3,
            "reporter": ["KAZ"] * 3,
            "partner": ["CHN"] * 3,
            "rank": [1, 2, 3],
            "heading": ["2603", "8401", "7403"],
            "description": [
                "Copper ores and concentrates",
                "Nuclear reactors, fuel elements (cartridges), non-irradiated, for nuclear reactors",
                "Copper; refined and copper alloys, unwrought",
            ],
            "value_usd_millions": [2876.2, 355.6, 2680.0],
            "share": [0.45, 0.05, 0.42],
            "source_id": ["test-source"] * 3,
        }
    )


def sides() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2024, 2024],
            "china_flow": ["imports", "imports"],
            "chapter": ["26", "74"],
            "partner": ["KAZ", "KAZ"],
            "description": ["Ores, slag and ash", "Copper and articles thereof"],
            "china_usd_millions": [4548.4, 2742.1],
            "partner_usd_millions": [3944.0, 2694.7],
            "ratio": [4548.4 / 3944.0, 2742.1 / 2694.7],
            "source_id": ["test-source"] * 2,
        }
    )


BUILDERS = {
    "section_shares": lambda cap: charts.section_shares(composition(), cap, top=2),
    "top_products_bars": lambda cap: charts.top_products_bars(top(), cap),
    "chapter_sides": lambda cap: charts.chapter_sides(sides(), cap),
}


def record(fig):
    return getattr(fig, chart_export.RECORD_ATTR)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_each_chart_carries_its_caption_record_and_stable_png(name):
    before = plt.get_fignums()
    fig = BUILDERS[name](CAP)
    assert plt.get_fignums() == before
    note = charts.footnote(fig)
    assert "Synthetic Test Source" in note and "current US$ (test unit)" in note and "Kazakhstan's reports" in note
    rec = record(fig)
    assert rec["rows"] > 0 and rec["alt"] and "test-source" in rec["csv"]
    assert charts.fig_to_png_bytes(fig) == charts.fig_to_png_bytes(BUILDERS[name](CAP))
    with pytest.raises(charts.CaptionError):
        BUILDERS[name](None)


def test_section_shares_stacks_to_100_with_the_rest_as_other_sections():
    fig = charts.section_shares(composition(), CAP, top=2)
    exports, imports = fig.axes[:2]
    assert exports.get_ylabel() == "Exports: share (%)" and imports.get_ylabel() == "Imports: share (%)"
    assert exports.get_title(loc="left") == "Kazakhstan's trade with China, by HS section"
    table = pd.read_csv(io.StringIO(record(fig)["csv"]))
    # the two sections with the largest value over all years and flows keep their colour: V 2,400, XV 1,900
    assert set(table.series) == {"V Mineral products", "XV Base metals and articles of base metal", "Other sections"}
    per_bar = table.groupby(["panel", "x"])["value (% of the flow)"].sum()
    assert per_bar.round(9).eq(100).all()  # every year's bar reaches 100%
    other = table[(table.panel == "Imports: share (%)") & (table.series == "Other sections")].set_index("x")
    assert other["value (% of the flow)"].round(9).to_dict() == {2020: 70, 2021: 0, 2022: 70}  # XVI, absent in 2021
    assert record(fig)["alt"].startswith("Stacked bar chart: Kazakhstan's trade with China, by HS section; 2020–2022")
    with pytest.raises(ValueError, match="top must be"):
        charts.section_shares(composition(), CAP, top=0)
    with pytest.raises(ValueError, match="more than one row"):
        charts.section_shares(pd.concat([composition(), composition()]), CAP)


def test_top_products_bars_are_labelled_with_code_and_description_and_coloured_raw_or_not():
    fig = charts.top_products_bars(top(), CAP)
    (ax,) = fig.axes
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert labels[0] == "2603 Copper ores and concentrates"  # rank 1 first (drawn at the top)
    assert labels[1] == "8401 Nuclear reactors, fuel elements, non-irradiated"  # no parentheses, cut at a comma
    notes = [t.get_text() for t in ax.texts]
    assert "$2,876.2 m · 45.0%" not in notes and "$2.9 bn · 45.0%" in notes
    colors = {p.get_y(): p.get_facecolor() for p in ax.patches if isinstance(p, Rectangle)}
    raw, other = (
        matplotlib.colors.to_rgba(product_charts.RAW_COLOR),
        matplotlib.colors.to_rgba(product_charts.GOODS_COLOR),
    )
    assert sorted(colors.values(), key=str) == sorted([raw, raw, other], key=str)
    legend = ax.get_legend()
    assert legend is not None and [t.get_text() for t in legend.get_texts()] == [
        product_charts.RAW_LABEL,
        product_charts.GOODS_LABEL,
    ]
    table = chart_export.plotted_data(fig)
    assert table.set_index("x").value["2603 Copper ores and concentrates"] == 2876.2
    assert set(table.series) == {"Kazakhstan's exports to China, 2024"}
    assert ax.get_title(loc="left") == "Kazakhstan's exports to China, 2024"
    with pytest.raises(ValueError, match="one year per chart"):
        charts.top_products_bars(pd.concat([top(), top().assign(year=2023, rank=[4, 5, 6])]), CAP)


def test_chapter_sides_puts_both_figures_beside_each_other_with_their_ratio():
    fig = charts.chapter_sides(sides(), CAP, title="Both sides")
    (ax,) = fig.axes
    table = chart_export.plotted_data(fig)
    assert set(table.series) == {"China's report", "Kazakhstan's report"}
    ores = table[table.x == "26 Ores, slag and ash"].set_index("series").value
    assert ores.to_dict() == {"China's report": 4548.4, "Kazakhstan's report": 3944.0}
    assert "China ÷ Kazakhstan: 1.15" in [t.get_text() for t in ax.texts]
    with pytest.raises(ValueError, match="one china_flow per chart"):
        charts.chapter_sides(pd.concat([sides(), sides().assign(china_flow="exports", chapter=["72", "78"])]), CAP)
