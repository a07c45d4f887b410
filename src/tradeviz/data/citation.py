"""How to cite a report, which sources it drew on, and which version of the data it was made from.

The data version is :func:`tradeviz.data.version.data_version`, a content hash of ``datapackage.json`` and the
curated tables (never the clock): rendering the same data twice gives the same citation.
"""

from __future__ import annotations

import pandas as pd

from tradeviz import data
from tradeviz.data.ids import source_ids
from tradeviz.data.version import data_version

CITE_AS = "tradeviz contributors, “{title}”, tradeviz report, data version {version}."


def how_to_cite(title: str) -> str:
    """One line to cite a report with, naming the data version (see :func:`data_version`)."""
    return CITE_AS.format(title=title, version=data_version())


def sources_used(*frames: pd.DataFrame, also: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """The sources of the rows a report drew on: the ``source_id``/``source_ids`` of ``frames``, as a readable table.

    ``also`` adds sources used outside any table (the Natural Earth map).  Columns: source, producer, title, where
    read, date read, licence; sorted by source id.  An id that is not in the sources table is an error.
    """
    ids = sorted(set(source_ids(frames)) | set(also))
    table = data.load_sources().set_index("source_id")
    unknown = sorted(set(ids) - set(table.index))
    if unknown:
        raise data.DataError(f"source ids {unknown} are not in the sources table; rebuild with `tradeviz data build`.")
    rows = table.loc[ids].reset_index()
    return rows.rename(columns={"source_id": "source", "url": "where read", "date_read": "date read"})[
        ["source", "producer", "title", "where read", "date read", "licence"]
    ].set_index("source")
