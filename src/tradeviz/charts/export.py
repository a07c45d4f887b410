"""What a chart plotted, said in words and as a table, so a report can offer both beside the image.

Every chart of :mod:`tradeviz.charts` records, when it is built:

- the plotted values as a tidy table (:func:`plotted_data`): one row per drawn point or bar, columns ``panel``
  (the y-axis label), ``series`` (the legend label), ``x``, ``value`` and ``unit``, plus ``source_ids`` (the
  sources of the rows the chart was given).  It is read back from the drawn artists, so it is the chart's own
  data, not a second query that could drift from it;
- an alt text (:func:`alt_text`) written from the title, the kind of chart, the years, the largest value and the
  footnote's unit and side.

In a Jupyter kernel the record travels with the figure as one more representation of the same output
(:data:`tradeviz.records.CHART_MIME`, JSON); ``tradeviz render`` turns it into the image's alt text and into CSV
and PNG files linked under the image.  Outside a kernel nothing is displayed and nothing changes.
"""

from __future__ import annotations

import io
import math
import numbers
from collections.abc import Callable, Iterable
from typing import Protocol

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.container import BarContainer, Container
from matplotlib.figure import Figure

from tradeviz.data.ids import source_ids
from tradeviz.records import CHART_MIME


class Captioned(Protocol):
    """What the export reads of a chart's caption (:class:`tradeviz.charts.style.Caption` has it): unit and side."""

    @property
    def unit(self) -> str: ...

    @property
    def side(self) -> str: ...


RECORD_ATTR = "_tradeviz_chart"
DATA_ATTR = "_tradeviz_data"
"""A chart that draws something the generic reader cannot (stacked areas, map patches) sets this table itself."""
UNIT_ATTR = "_tradeviz_unit"
"""Set on an Axes whose y values have a known unit (US$ axes: million current US$)."""
KIND_ATTR = "_tradeviz_kind"
"""Set on a Figure whose kind the alt text cannot tell from its artists ("Map", "Stacked area chart")."""
X_NAMES_ATTR = "_tradeviz_x_names"
"""Set on an Axes whose x values are not years ({x: name}, e.g. months 1–12 -> "March 2024"): the alt text names
the span and the largest value's x by these, not as years."""
COLUMNS = ["panel", "series", "x", "value", "unit", "source_ids"]


def _label(artist: Artist | Container) -> str | None:
    label = artist.get_label()
    return None if not label or str(label).startswith("_") else str(label)


def _x_value(x: float) -> object:
    x = float(x)
    return int(x) if x.is_integer() else round(x, 6)


def plotted_data(fig: Figure) -> pd.DataFrame:
    """The values ``fig`` draws, as a tidy table (columns of :data:`COLUMNS` but ``source_ids``).

    Labelled lines and scatter points give one row per point; bars one row per bar (``x`` is the tick label for
    categorical bars).  Unlabelled helper artists (reference lines, bands) are left out.
    """
    explicit = getattr(fig, DATA_ATTR, None)
    if explicit is not None:
        return explicit.reindex(columns=COLUMNS[:-1]).reset_index(drop=True)
    frames = [plotted_data_of_axes(ax) for ax in fig.axes if ax.get_label() != "<colorbar>"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS[:-1])


def plotted_data_of_axes(ax: Axes) -> pd.DataFrame:
    """:func:`plotted_data` for one Axes."""
    rows: list[tuple] = []
    panel = ax.get_ylabel() or ax.get_title()
    unit = getattr(ax, UNIT_ATTR, "") or panel
    for line in ax.get_lines():
        series = _label(line)
        if series is None:
            continue
        for x, y in zip(
            np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float), strict=True
        ):
            if np.isfinite(y):
                rows.append((panel, series, _x_value(x), float(y), unit))
    for coll in ax.collections:
        series = _label(coll)
        if series is None or not isinstance(coll, PathCollection):
            continue
        for x, y in np.asarray(coll.get_offsets(), dtype=float):
            rows.append((panel, series, _x_value(x), float(y), unit))
    for container in ax.containers:
        if isinstance(container, BarContainer):
            rows += _bar_rows(ax, container, panel, unit)
    return pd.DataFrame(rows, columns=COLUMNS[:-1])


def _bar_rows(ax: Axes, container: BarContainer, panel: str, unit: str) -> list[tuple]:
    horizontal = container.orientation == "horizontal"
    if horizontal:  # the values run along x: its label names them
        panel = ax.get_xlabel() or panel
        unit = getattr(ax, UNIT_ATTR, "") or panel
    series = _label(container) or panel
    ticks = ax.get_yticks() if horizontal else ax.get_xticks()
    labels = [t.get_text() for t in (ax.get_yticklabels() if horizontal else ax.get_xticklabels())]
    names = {float(t): lab for t, lab in zip(ticks, labels, strict=True) if lab and not _is_number(lab)}
    rows = []
    for rect in container:
        if horizontal:
            pos, value = rect.get_y() + rect.get_height() / 2, rect.get_x() + rect.get_width()
        else:
            pos, value = rect.get_x() + rect.get_width() / 2, rect.get_y() + rect.get_height()
        nearest = min(names, key=lambda t: abs(t - pos)) if names else None
        x = names[nearest].replace("\n", " ") if nearest is not None and abs(nearest - pos) < 0.5 else _x_value(pos)
        rows.append((panel, series, x, float(value), unit))
    return rows


def _is_number(text: str) -> bool:
    try:
        float(text.replace("\u2212", "-").replace(",", ""))
    except ValueError:
        return False
    return True


def chart_title(fig: Figure) -> str:
    """The chart's title: the first Axes title (any position), else the figure's suptitle."""
    for ax in fig.axes:
        for loc in ("center", "left", "right"):
            if ax.get_title(loc=loc):
                return ax.get_title(loc=loc)
    suptitle = getattr(fig, "_suptitle", None)
    return suptitle.get_text() if suptitle is not None else ""


def _kind(fig: Figure, data: pd.DataFrame) -> str:
    axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    kind = getattr(fig, KIND_ATTR, None)
    if kind:
        return kind
    if any(ax.containers for ax in axes) and not any(_label(line) for ax in axes for line in ax.get_lines()):
        return "Bar chart"
    if any(_label(line) for ax in axes for line in ax.get_lines()):
        return "Line chart"
    return "Chart"


def alt_text(fig: Figure, data: pd.DataFrame, unit_note: str, side: str, fmt: Callable[[float], str]) -> str:
    """One or two sentences for a screen reader: kind, scale, title, years, largest value, unit and side.

    ``fmt`` formats a value in the first panel's unit (US$ millions -> "$50.2 bn").
    """
    axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    title = chart_title(fig)
    scale = ", log scale" if any(ax.get_yscale() == "log" for ax in axes) else ""
    panel = str(data["panel"].iloc[0]) if len(data) else ""
    parts = [f"{_kind(fig, data)}{scale}: {title or panel or 'untitled'}"]
    names: dict[object, str] = {}
    for ax in axes:
        names.update(getattr(ax, X_NAMES_ATTR, None) or {})
    named = sorted(x for x in data["x"] if x in names)
    years = [int(x) for x in data["x"] if isinstance(x, numbers.Integral) and 1900 < int(x) < 2100]
    if names:
        if named:
            parts.append(f"{names[named[0]]}–{names[named[-1]]}" if named[0] != named[-1] else names[named[0]])
    elif years:
        parts.append(f"{min(years)}–{max(years)}" if min(years) != max(years) else str(years[0]))
    series = list(dict.fromkeys(data["series"]))
    if 1 < len(series) <= 8:
        parts.append("series: " + ", ".join(series))
    if len(data):
        first = data[data["panel"] == data["panel"].iloc[0]]
        top = first.loc[first["value"].idxmax()]
        if top["x"] in names:
            where = f" in {names[top['x']]}"
        else:
            where = f" in {top['x']}" if isinstance(top["x"], numbers.Integral) else f" ({top['x']})"
        parts.append(f"largest: {top['series']} at {_value(top['value'], top['unit'], fmt)}{where}")
    return "; ".join(parts) + f". {side.strip().rstrip('.')}; unit: {unit_note.strip().rstrip('.')}."


def _value(value: float, unit: str, fmt: Callable[[float], str]) -> str:
    if unit.startswith("million") and "US$" in unit:
        return fmt(value)
    if not math.isfinite(value):
        return "n/a"
    return f"{value:,.4g}"


def record(fig: Figure, caption: Captioned, inputs: Iterable[object], fmt: Callable[[float], str]) -> dict:
    """Attach the chart's record to ``fig`` (and return it): title, alt text, and the plotted table."""
    data = plotted_data(fig)
    data["source_ids"] = "; ".join(source_ids(inputs))
    rec = {
        "title": chart_title(fig),
        "alt": alt_text(fig, data, caption.unit, caption.side, fmt),
        "rows": len(data),
        "csv": _csv(data[COLUMNS]),
    }
    setattr(fig, RECORD_ATTR, rec)
    return rec


def _csv(frame: pd.DataFrame) -> str:
    """The plotted table as CSV (``\\n`` line ends), with the value's unit in the header where there is one."""
    units = frame["unit"].unique()
    if len(units) == 1 and units[0]:
        frame = frame.drop(columns="unit").rename(columns={"value": f"value ({units[0]})"})
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n", float_format=lambda v: f"{v:.12g}")
    return buf.getvalue()


def _chart_json(fig: Figure) -> dict | None:
    return getattr(fig, RECORD_ATTR, None)


def register_ipython() -> bool:
    """Show each chart's record as :data:`CHART_MIME` beside its PNG in a running IPython kernel."""
    try:
        from IPython import get_ipython
        from IPython.core.formatters import JSONFormatter
        from traitlets import Unicode
    except ImportError:  # pragma: no cover - IPython is a dependency
        return False
    shell = get_ipython()
    if shell is None:
        return False
    formatters = shell.display_formatter.formatters
    if CHART_MIME in formatters:
        return True

    class ChartFormatter(JSONFormatter):
        format_type = Unicode(CHART_MIME)

    formatters[CHART_MIME] = ChartFormatter(parent=shell.display_formatter)
    formatters[CHART_MIME].for_type(Figure, _chart_json)
    return True
