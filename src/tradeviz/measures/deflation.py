"""Real terms: values in constant US$, deflated by the US CPI-U annual average."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from tradeviz.measures.common import (
    join_ids,
    require,
    select,
    warn,
    with_ids,
)

# --------------------------------------------------------------------------- real terms and context


DEFLATOR = "US CPI-U annual average, {base}=100"


def cpi_factors(
    cpi: pd.DataFrame, years: npt.ArrayLike, base_year: int, values: npt.ArrayLike
) -> tuple[np.ndarray, str, str]:
    """CPI[base] / CPI[year] for each year, the deflator label and the CPI source ids.

    Warns for years that have a value to deflate but no CPI.
    """
    require(cpi, ("year", "cpi"), "CPI table")
    levels = cpi.drop_duplicates("year").set_index("year")["cpi"]
    if base_year not in levels.index or pd.isna(levels.get(base_year)):
        lo, hi = int(levels.index.min()), int(levels.index.max())
        raise ValueError(f"base year {base_year} has no CPI: valid base years are {lo}–{hi}")
    at = levels.reindex(np.asarray(years)).to_numpy(dtype=float)
    reason = select([np.isnan(at) & ~np.isnan(np.asarray(values, dtype=float))], ["no CPI for the year"])
    warn(reason, "deflated value")
    ids = join_ids(cpi["source_id"]) if "source_id" in cpi.columns else ""
    return levels[base_year] / at, DEFLATOR.format(base=base_year), ids


def deflate(frame: pd.DataFrame, cpi: pd.DataFrame, base_year: int, value: str = "total") -> pd.DataFrame:
    """Add ``<value>_real`` = value × CPI[base_year] / CPI[year] (constant base-year US$ millions).

    Also adds ``deflator`` ("US CPI-U annual average, <base>=100") and appends the CPI's source ids
    to ``source_ids``.  Years without a CPI give NaN with a :class:`MetricWarning`.
    """
    factor, label, ids = cpi_factors(cpi, frame["year"], base_year, frame[value])
    out = frame.copy()
    out[f"{value}_real"] = out[value].to_numpy() * factor
    out["deflator"] = label
    out["source_ids"] = with_ids(out, [ids])
    return out
