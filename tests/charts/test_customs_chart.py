"""The 2024 monthly chart of China's customs' tables: yuan, months along x, gaps shown and never bridged."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from tradeviz import charts  # noqa: E402
from tradeviz.charts import export  # noqa: E402
from tradeviz.text.numbers import format_usd  # noqa: E402

CAP = charts.Caption(source=charts.SOURCE_GACC, unit=charts.UNIT_YUAN, side=charts.SIDE_CHINA)


def monthly(codes=("KAZ", "TJK")) -> pd.DataFrame:
    rows = []
    for i, code in enumerate(codes):
        for month in range(1, 13):
            ok = month not in (3, 9)
            value = (2_000_000.0 / (i + 1) + 10_000 * month) if ok else np.nan
            status = "ok" if ok else ("not in the stored file" if month == 3 else "table in 1,000 US$")
            rows.append(dict(month=month, partner=code, value_month=value, value_cumulative=value, status=status))
    return pd.DataFrame(rows)


def test_the_gaps_break_the_lines_and_are_not_interpolated():
    fig = charts.monthly_yuan(monthly(), CAP)
    (ax,) = fig.axes
    lines = [line for line in ax.get_lines() if not str(line.get_label()).startswith("_")]
    assert [line.get_label() for line in lines] == ["Kazakhstan", "Tajikistan"]
    for line in lines:
        y = np.asarray(line.get_ydata(), dtype=float)
        assert list(np.asarray(line.get_xdata())) == list(range(1, 13))
        assert np.isnan(y[2]) and np.isnan(y[8]) and np.isfinite(np.delete(y, [2, 8])).all()
    assert y[0] == pytest.approx((1_000_000 + 10_000) / 1e5)  # billion yuan
    assert [t.get_text() for t in ax.get_xticklabels()][:3] == ["Jan", "Feb", "Mar"]
    assert len(ax.patches) == 2  # a band for March and one for September
    data = export.plotted_data(fig)
    assert set(data["unit"]) == {"billion yuan"} and not set(data["x"]) & {3, 9} and len(data) == 20
    assert "no exchange rate applied" in charts.footnote(fig)


def test_the_cumulative_series_and_the_input_checks():
    fig = charts.monthly_yuan(monthly(("UZB",)), CAP, cumulative=True, title="T")
    assert fig.axes[0].get_title(loc="left") == "T" and "January to the month" in fig.axes[0].get_ylabel()
    with pytest.raises(ValueError, match="missing column"):
        charts.monthly_yuan(monthly().drop(columns="status"), CAP)
    with pytest.raises(charts.CaptionError):
        charts.monthly_yuan(monthly(), None)  # type: ignore[arg-type]


def test_the_alt_text_names_months_not_years():
    fig = charts.monthly_yuan(monthly(("KGZ",)), CAP)
    rec = export.record(fig, CAP, [], format_usd)
    alt = rec["alt"]
    assert "January 2024–December 2024" in alt and alt.count(" in December 2024") == 1
    assert " in 12" not in alt and "–12" not in alt  # the shared alt text was written for years
    assert "Line chart: China's trade with each partner, each month of 2024" in alt


def test_year_axes_keep_their_alt_text():
    fig = charts.trade_series(
        pd.DataFrame({"year": [2019, 2020], "partner": ["KAZ", "KAZ"], "total": [1.0, 2.0]}),
        charts.Caption(source=charts.SOURCE_DOTS, unit=charts.UNIT_CURRENT, side=charts.SIDE_CHINA),
    )
    alt = export.record(fig, CAP, [], str)["alt"]
    assert "2019–2020" in alt and "in 2020" in alt
