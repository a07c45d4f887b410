"""Mirror statistics: what one side reports against what the other reports for the same flow."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from tradeviz.countries import CHINA, FIRST_YEAR_AS_STATES, WORLD
from tradeviz.measures.common import VALUE, select, status
from tradeviz.measures.panels import flow_cells, resolve_members, source_cells

CIF_FOB_BAND = (1.0, 1.1)
"""Expected range of importer-reported (CIF) / exporter-reported (FOB) value for the same flow.

Imports are valued CIF (cost, insurance, freight to the importer's border) and exports FOB (free on
board at the exporter's border), so with perfect reporting the importer's figure exceeds the
exporter's by the freight and insurance margin — conventionally about 10 % (the IMF uses a 1.10
CIF/FOB factor when it estimates DOTS cells).  A mirror ratio inside the band is consistent with
valuation alone; outside it points to reporting differences (transit, re-exports, informal trade).
"""


# --------------------------------------------------------------------------- mirror statistics


def mirror_table(trade: pd.DataFrame, band: tuple[float, float] = CIF_FOB_BAND) -> pd.DataFrame:
    """Compare each flow as reported by the exporter (FOB) and by the importer (CIF), any panel.

    One row per (year, exporter, importer): exports_fob (exporter's report), imports_cif (importer's
    report), gap = imports_cif − exports_fob (US$ millions), ratio = imports_cif / exports_fob, and
    ``in_cif_fob_band`` = band[0] ≤ ratio ≤ band[1] (see :data:`CIF_FOB_BAND`).  Ratio NaN, with a
    reason, where one side did not report or the exporter reports zero.  Where either figure is an
    IMF estimate (``exporter_is_estimate``/``importer_is_estimate``) the ratio is kept but the row is
    not comparable: status "not computable", ``in_cif_fob_band`` <NA>.  Rows with the world
    aggregate as partner are dropped (WLD never reports).
    """
    trade = trade.loc[trade["partner"].to_numpy() != WORLD]
    out, scatter = flow_cells(trade, ("exporter", "importer"), mirror=True)
    out["exports_fob"], out["imports_cif"] = scatter(trade[VALUE].to_numpy(dtype=float), np.nan)
    (exporter, importer), labels = source_cells(trade, scatter)
    out["exporter_source_id"] = pd.Categorical.from_codes(exporter, categories=labels)
    out["importer_source_id"] = pd.Categorical.from_codes(importer, categories=labels)
    fob, cif = out["exports_fob"].to_numpy(), out["imports_cif"].to_numpy()
    if "imf_estimate" in trade.columns:
        flags = scatter(trade["imf_estimate"].to_numpy(dtype=bool, na_value=False), False)
    else:
        flags = (np.zeros(len(out), dtype=bool),) * 2
    out["exporter_is_estimate"], out["importer_is_estimate"] = flags
    # An IMF estimate is derived from the other side's report (× 1.10 for imports), so its ratio
    # measures the IMF's rule, not a disagreement between two customs offices.
    reason = select(
        [np.isnan(fob), np.isnan(cif), fob <= 0, flags[1], flags[0]],
        [
            "exporter did not report",
            "importer did not report",
            "exporter reports zero",
            "importer's figure is an IMF estimate from the exporter's",
            "exporter's figure is an IMF estimate from the importer's",
        ],
    )
    ok = reason == ""
    valid = ~(np.isnan(fob) | np.isnan(cif) | (fob <= 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(valid, cif / fob, np.nan)
    out["gap"] = cif - fob
    out["ratio"] = ratio
    out["in_cif_fob_band"] = pd.arrays.BooleanArray((ratio >= band[0]) & (ratio <= band[1]), mask=~ok)
    out["status"] = status(reason)
    out["reason"] = reason
    return out


def mirror_stats(
    trade: pd.DataFrame, partner: str | Iterable[str] = "all", band: tuple[float, float] = CIF_FOB_BAND
) -> pd.DataFrame:
    """Mirror comparison of China's trade with a partner (or each of the five), both directions.

    direction "CHN→KAZ": China's reported exports (FOB) vs Kazakhstan's reported imports from China
    (CIF); "KAZ→CHN": Kazakhstan's exports vs China's imports.  Columns as :func:`mirror_table`, plus
    ``partner`` (the non-China country) and ``direction``.  Expect ratio ≈ 1.0–1.1 from the CIF/FOB
    valuation difference alone.
    """
    members, _, _ = resolve_members(partner)
    pair = (trade["reporter"].eq(CHINA) & trade["partner"].isin(members)) | (
        trade["partner"].eq(CHINA) & trade["reporter"].isin(members)
    )
    out = mirror_table(trade.loc[pair & trade["year"].ge(FIRST_YEAR_AS_STATES)], band)
    out.insert(1, "partner", out["exporter"].where(out["importer"].eq(CHINA), out["importer"]))
    out.insert(2, "direction", out["exporter"] + "→" + out["importer"])
    return out.sort_values(["partner", "direction", "year"]).reset_index(drop=True)
