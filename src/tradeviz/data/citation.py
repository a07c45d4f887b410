"""How to cite a report, which sources it drew on, and which version of the data it was made from.

The data version is a content hash of ``datapackage.json`` and the curated tables, never the clock: rendering the
same data twice gives the same citation, and any change to the data changes it.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from tradeviz import data, paths
from tradeviz.data.ids import source_ids

CITE_AS = "tradeviz contributors, “{title}”, tradeviz report, data version {version}."


def data_version() -> str:
    """The first 12 hex digits of the SHA-256 of ``datapackage.json`` and every curated table (sorted by name)."""
    digest = hashlib.sha256()
    files = [paths.datapackage_path(), *sorted(paths.curated_dir().glob("*.csv"))]
    for path in files:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


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
