"""Each chart's record: exactly the plotted values, an alt text from its title and key figure, CSV and files."""

import io
import json

import nbformat
import pandas as pd
import pytest

from tradeviz import charts, records
from tradeviz.charts import export as chart_export
from tradeviz.reports import assets

CAPTION = charts.Caption(source=charts.SOURCE_DOTS, unit=charts.UNIT_CURRENT, side=charts.SIDE_CHINA)


@pytest.fixture
def series():
    return pd.DataFrame(
        {
            "year": [2018, 2019, 2020] * 2,
            "partner": ["KAZ"] * 3 + ["KGZ"] * 3,
            "total": [19_944.0, 22_066.0, 21_433.3, 5_643.1, 6_378.0, 2_911.2],
            "source_id": ["imf-dots-2022-02-02"] * 6,
        }
    )


def test_the_record_holds_exactly_the_plotted_values(series):
    fig = charts.trade_series(series, CAPTION, title="Trade with two of the five")
    record = getattr(fig, chart_export.RECORD_ATTR)
    table = pd.read_csv(io.StringIO(record["csv"])).rename(columns={"value (million US$)": "value"})
    assert len(table) == 6 == record["rows"] and set(table.series) == {"Kazakhstan", "Kyrgyzstan"}
    kaz = table[table.series == "Kazakhstan"].set_index("x").value
    assert kaz.to_dict() == {2018: 19_944.0, 2019: 22_066.0, 2020: 21_433.3}
    assert set(table.source_ids) == {"imf-dots-2022-02-02"}
    json.dumps(record, allow_nan=False)


def test_the_alt_text_names_the_chart_and_its_largest_value(series):
    fig = charts.trade_series(series, CAPTION, title="Trade with two of the five")
    alt = getattr(fig, chart_export.RECORD_ATTR)["alt"]
    assert alt.startswith("Line chart") and "Trade with two of the five" in alt and "2018–2020" in alt
    assert "largest: Kazakhstan at $22.07 bn in 2019" in alt and "China's reports" in alt


def test_bars_are_named_by_their_category():
    growth = pd.DataFrame({"partner": ["KAZ", "TKM"], "multiple": [59.0, 1460.0], "borders_china": [True, False]})
    fig = charts.multiples_bar(growth, charts.Caption(source="x", unit="multiple", side="China's reports"))
    table = chart_export.plotted_data(fig)
    assert dict(zip(table.x, table.value, strict=True)) == {"Kazakhstan": 59.0, "Turkmenistan": 1460.0}


def test_csv_puts_a_single_unit_in_the_header(series):
    record = getattr(charts.trade_series(series, CAPTION), chart_export.RECORD_ATTR)
    text = records.csv_text(record)
    assert text.splitlines()[0] == "panel,series,x,value (million US$),source_ids"
    assert len(pd.read_csv(io.StringIO(text))) == 6


def test_outside_a_kernel_nothing_is_registered():
    assert chart_export.register_ipython() is False


def test_report_assets_number_the_charts_and_mark_their_outputs(tmp_path, series):
    record = getattr(charts.trade_series(series, CAPTION), chart_export.RECORD_ATTR)
    png = "iVBORw0KGgo="
    cell = nbformat.v4.new_code_cell(
        outputs=[
            nbformat.v4.new_output(
                "display_data", data={"image/png": png, chart_export.CHART_MIME: record, "text/plain": "<Figure>"}
            )
        ]
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(), cell])
    files = assets.chart_assets(nb, "overview")
    assert sorted(files) == ["overview.figure-1.csv", "overview.figure-1.png"]
    assert cell.outputs[0].metadata["tradeviz"] == {"csv": "overview.figure-1.csv", "png": "overview.figure-1.png"}
    (tmp_path / "overview.figure-2.csv").write_text("old")
    assert assets.stale_assets(tmp_path, "overview", files) == [tmp_path / "overview.figure-2.csv"]
