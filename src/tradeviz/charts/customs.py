"""Charts of China's customs' (GACC) 2024 monthly tables, in the house style of :mod:`tradeviz.charts`.

Values are yuan as China's customs print them (no exchange rate is applied), drawn in billion yuan with the
months along x.  A month without a yuan value is a gap in every line, never bridged or interpolated, and a grey
band names why (March: not in the stored file; September: its table is in US$).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from tradeviz.charts import export as chart_export
from tradeviz.charts.style import (
    Caption,
    check_caption,
    country_color,
    country_label,
    country_order,
    house_style,
    legend_outside,
    new_figure,
    require_columns,
    require_unique,
    wants_log,
    wrap,
)
from tradeviz.measures.customs import YEAR
from tradeviz.text.numbers import trim

SOURCE_GACC = (
    "China's customs (GACC), 2024 monthly country tables, via github.com/JaviReitano/China-Trade-2024 @ 872ff97 "
    "(names rebuilt, the rebuild proved in the build)"
)
UNIT_YUAN = "billion yuan, current (as China's customs print them; no exchange rate applied)"
PER_BILLION = 1e5
"""10,000 yuan (the tables' unit) per billion yuan."""
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTH_LABELS = tuple(name[:3] for name in MONTH_NAMES)
GAP_COLOR = "#E6E6E6"
GAP_REASONS = {3: "March: not in the stored file", 9: "September: table in US$, not converted"}


def _yuan_tick(value: float, _pos: int) -> str:
    return f"¥{trim(value, 1)} bn" if np.isfinite(value) else ""


@house_style
def monthly_yuan(
    df: pd.DataFrame, caption: Caption, *, cumulative: bool = False, log: bool | None = None, title: str | None = None
) -> Figure:
    """China's customs' 2024 monthly series, one line per partner, months 1–12 along x, billion yuan along y.

    ``df``: :func:`tradeviz.measures.customs.monthly_series` (month, partner, value_month, value_cumulative, status;
    values in 10,000 yuan).  ``cumulative`` draws January-to-month values instead of the months.  A month whose
    ``status`` is not "ok" has no value: the lines break there and a band says why.  Log scale when the values span
    more than 50× (or as ``log`` says).
    """
    caption = check_caption(caption)
    column = "value_cumulative" if cumulative else "value_month"
    require_columns(df, ["month", "partner", column, "status"], "monthly_yuan")
    require_unique(df, ["month", "partner"], "monthly_yuan")
    fig, (ax,) = new_figure(caption)
    values = df[column].astype(float) / PER_BILLION
    use_log = wants_log(values, log)
    months = list(range(1, 13))
    gaps = sorted(set(df.loc[df["status"].ne("ok"), "month"].astype(int)))
    for month in gaps:
        ax.axvspan(month - 0.5, month + 0.5, color=GAP_COLOR, linewidth=0, zorder=0)
    for code in country_order(df["partner"]):
        rows = df.loc[df["partner"].eq(code)].set_index("month").reindex(months)
        y = rows[column].astype(float).to_numpy() / PER_BILLION  # NaN where no yuan value: the line breaks
        ax.plot(
            months,
            y,
            color=country_color(code),
            linewidth=2.0,
            marker="o",
            markersize=3.5,
            label=country_label(code),
            zorder=3,
        )
    if use_log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(_yuan_tick))
    setattr(ax, chart_export.UNIT_ATTR, "billion yuan")
    ax.set_xticks(months, MONTH_LABELS)
    setattr(ax, chart_export.X_NAMES_ATTR, {m: f"{MONTH_NAMES[m - 1]} {YEAR}" for m in months})  # not years
    ax.set_xlim(0.5, 12.5)
    ax.set_xlabel(f"Month of {YEAR}")
    what = "January to the month" if cumulative else "the month"
    ax.set_ylabel(f"Trade in {what}, billion yuan" + (" (log scale)" if use_log else ""))
    handles: list[Artist] = [*ax.get_lines()]
    labels = [str(h.get_label()) for h in handles]
    for month in gaps:
        handles.append(Patch(color=GAP_COLOR, linewidth=0))
        labels.append(wrap(GAP_REASONS.get(month, f"month {month}: no yuan value"), 24))
    legend_outside(ax, handles, labels)
    period = "January to each month" if cumulative else "each month"
    ax.set_title(title or f"China's trade with each partner, {period} of {YEAR}", loc="left")
    return fig
