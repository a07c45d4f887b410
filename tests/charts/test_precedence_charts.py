"""Charts drawn from the series the precedence rule chooses: statistics as separate lines per series (never joined),
press figures as markers, and a reporter's flow series by series with its break marked (synthetic tables)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402

from tradeviz import charts  # noqa: E402
from tradeviz.charts import export  # noqa: E402

CAP = charts.Caption(source="Synthetic Test Source", unit="current US$ (test unit)", side=charts.SIDE_CHINA)


def chosen_flows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2011, 2012, 2013, 2014, 2015],
            "exports": [100.0, 110.0, 120.0, 125.0, 130.0],
            "imports": [80.0, 85.0, 90.0, 95.0, 99.0],
            "series": ["IMF DOTS"] * 3 + ["UN Comtrade"] * 2,
        }
    )


def _labelled(ax) -> list:
    return [ln for ln in ax.get_lines() if not str(ln.get_label()).startswith("_")]


def test_flows_balance_draws_each_series_apart_and_names_it():
    press = pd.DataFrame({"year": [2016], "exports": [140.0], "imports": [np.nan]})
    fig = charts.flows_balance(chosen_flows(), CAP, country="KAZ", series_col="series", published=press)
    ax = fig.axes[0]
    lines = {str(ln.get_label()): list(ln.get_xdata()) for ln in _labelled(ax)}
    assert lines == {
        "exports, IMF DOTS": [2011, 2012, 2013],
        "imports, IMF DOTS": [2011, 2012, 2013],
        "exports, UN Comtrade": [2014, 2015],
        "imports, UN Comtrade": [2014, 2015],
    }  # no line crosses the seam: the two series are never joined
    seams = [ln for ln in ax.get_lines() if ln.get_linestyle() == ":" and str(ln.get_label()).startswith("_")]
    assert [float(np.asarray(ln.get_xdata())[0]) for ln in seams] == [2013.5]
    texts = [t.get_text() for t in ax.texts]
    assert "← IMF DOTS" in texts and "UN Comtrade →" in texts
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert [c.get_label() for c in points] == ["exports, press figure"]  # imports: no press figure, no marker
    assert len(list(ax.containers[0])) == 5  # balance bars for the statistical years only
    table = export.plotted_data(fig)
    assert set(table.series) >= {"exports, UN Comtrade", "exports, press figure"}


def test_flows_balance_without_series_keeps_its_labels():
    ax = charts.flows_balance(chosen_flows().drop(columns="series"), CAP, country="KAZ").axes[0]
    assert [str(ln.get_label()) for ln in _labelled(ax)] == [
        "China's exports to Kazakhstan",
        "China's imports from Kazakhstan",
    ]


def test_trade_series_dashes_a_later_series_and_names_it():
    df = pd.DataFrame(
        {
            "year": [2012, 2013, 2014, 2015, 2012, 2013, 2014, 2015],
            "partner": ["KAZ"] * 4 + ["KGZ"] * 4,
            "total": [200.0, 210.0, 220.0, 230.0, 50.0, 52.0, 54.0, 56.0],
            "series": ["IMF DOTS", "IMF DOTS", "UN Comtrade", "UN Comtrade"] + ["IMF DOTS"] * 4,
        }
    )
    ax = charts.trade_series(df, CAP, series_col="series").axes[0]
    lines = {str(ln.get_label()): ln for ln in _labelled(ax)}
    assert set(lines) == {"Kazakhstan", "Kazakhstan, UN Comtrade", "Kyrgyzstan"}
    assert list(lines["Kazakhstan, UN Comtrade"].get_xdata()) == [2014, 2015]
    assert lines["Kazakhstan"].get_linestyle() == "-" and lines["Kazakhstan, UN Comtrade"].get_linestyle() != "-"


def test_reported_flows_draws_each_series_and_marks_the_break():
    table = pd.DataFrame(
        {
            "year": [2018, 2019, 2020, 2021],
            "dots_china": [5.0, 6.0, 6.3, np.nan],
            "dots_world": [32.0, 38.0, 38.1, np.nan],
            "comtrade_china": [5.0, 6.2, 2.0, 2.4],
            "comtrade_world": [33.0, 39.7, 22.2, 27.8],
            "wits_china": [np.nan, 6.2, 2.0, 2.4],
            "wits_world": [np.nan, np.nan, np.nan, np.nan],
        }
    )
    press = pd.DataFrame({"year": [2021], "value_usd_millions": [8.2]})
    fig = charts.reported_flows(
        table, CAP, country="KAZ", break_years=(2020, 2021), break_label="break", published=press
    )
    ax = fig.axes[0]
    labels = [str(ln.get_label()) for ln in _labelled(ax)]
    assert labels == [
        "imports from China, IMF DOTS",
        "imports from China, UN Comtrade",
        "imports from China, WITS",
        "imports from the world, IMF DOTS",
        "imports from the world, UN Comtrade",
    ]  # a series with no value (WITS, world) draws nothing
    band = [p for p in ax.patches if p.get_alpha() == 0.25]
    assert len(band) == 1 and "break" in [t.get_text() for t in ax.texts]
    assert ax.get_ylim()[0] == 0
    assert [c.get_label() for c in ax.collections if isinstance(c, PathCollection)] == ["press figure"]


def test_target_progress_draws_statistics_as_lines_and_press_figures_as_markers():
    statistics = pd.DataFrame(
        {
            "year": [2019, 2020, 2019, 2020],
            "side": ["china", "china", "partner", "partner"],
            "value_usd_millions": [20_000.0, 21_000.0, 14_000.0, 9_000.0],
            "label": ["UN Comtrade (China's reports)"] * 2 + ["UN Comtrade (Kazakhstan's reports)"] * 2,
        }
    )
    press = pd.DataFrame({"year": [2021], "side": ["china"], "value_usd_millions": [25_000.0]})
    targets = pd.DataFrame(
        {"value_usd_millions": [40_000.0], "announced_year": [2019], "deadline_year": [2030], "label": ["by 2030"]}
    )
    fig = charts.target_progress(press, targets, CAP, scope="KAZ", statistics=statistics)
    (ax,) = fig.axes
    lines = {str(line.get_label()): line for line in ax.get_lines()}

    def xs(label: str) -> list[float]:
        return np.asarray(lines[label].get_xdata(), dtype=float).tolist()

    def ys(label: str) -> list[float]:
        return np.asarray(lines[label].get_ydata(), dtype=float).tolist()

    comtrade = "UN Comtrade (China's reports)"
    assert xs(comtrade) == [2019, 2020] and lines[comtrade].get_marker() in ("None", None, "")
    assert ys("UN Comtrade (Kazakhstan's reports)") == [14_000.0, 9_000.0]
    published = next(label for label in lines if label.startswith("published"))
    assert xs(published) == [2021] and lines[published].get_marker() == "D"  # a marker, not joined to a line
    assert ax.get_ylim()[1] == 40_000.0 * 1.25
    without = charts.target_progress(press, targets, CAP, scope="KAZ")  # statistics are optional
    assert str(without.axes[0].get_lines()[0].get_label()).startswith("published")
    only_lines = charts.target_progress(press.iloc[:0], targets, CAP, scope="KAZ", statistics=statistics)
    assert not any(str(line.get_label()).startswith("published") for line in only_lines.axes[0].get_lines())
    with pytest.raises(ValueError, match="empty"):  # nothing at all to draw
        charts.target_progress(press.iloc[:0], targets, CAP, scope="KAZ", statistics=statistics.iloc[:0])
