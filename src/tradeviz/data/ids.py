"""Source ids of table rows: every curated row names its source in ``source_id`` (or ``source_ids``)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def source_ids(inputs: Iterable[object]) -> list[str]:
    """Source ids of the rows a chart was given: the ``source_id``/``source_ids`` columns of its DataFrames."""
    ids: set[str] = set()
    for frame in inputs:
        if isinstance(frame, pd.DataFrame):
            for col in ("source_id", "source_ids"):
                if col in frame.columns:
                    for value in pd.unique(frame[col].dropna().to_numpy()):  # a table repeats few distinct ids
                        ids.update(part.strip() for part in str(value).split(";") if part.strip())
    return sorted(ids)
