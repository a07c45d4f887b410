"""The chart record: what a chart carries beside its image in a notebook output, and how a report reads it.

:mod:`tradeviz.charts.export` writes it (in a kernel, as one more representation of the figure's output);
:mod:`tradeviz.reports` reads it (the image's alt text, the CSV and PNG downloads).  It lives here, below both,
so that the render process and its workers read records without importing matplotlib.
"""

from __future__ import annotations

from typing import Any

CHART_MIME = "application/vnd.tradeviz.chart+json"
"""The display-data type of a chart's record: {"title", "alt", "rows" (count), "csv" (the plotted table)}."""


def csv_text(record: dict[str, Any]) -> str:
    """A chart record's table as CSV text."""
    return str(record["csv"])
