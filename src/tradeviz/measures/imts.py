"""IMF IMTS 2025 exports of the five (the ``imts_exports`` table) beside what else our sources say of 2025, and the
figures derived from Kazakhstan's statistics pages (``stat_gov_kz``).

The IMTS file was retrieved in June 2026 and its 2025 values may be incomplete (SOURCE.md of its raw folder): these
comparisons show how far it is from the other sources and decide nothing (no series is continued with IMTS).
Values are million current US$.  Two comparisons:

- :func:`imts_published_overlap`: the same side (each partner's own reports) against the published partner-side
  full-year 2025 figures (``published_series``) and Kazakhstan's statistics bureau (its 2025 exports to the World,
  China's share of them), with the overlap rule of :mod:`tradeviz.measures.overlap`;
- :func:`imts_mirror`: each partner's exports to China (FOB, IMTS) against China's customs' published 2025 imports
  from it (CIF), the mirror comparison of :mod:`tradeviz.measures.mirror`.

Every one of the five is listed in each, with the reason where nothing could be compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tradeviz import countries
from tradeviz.countries import CHINA, FIVE, WORLD
from tradeviz.measures import common, mirror, overlap

YEAR = 2025
IMTS = "IMF IMTS (trade.json, June 2026)"
STAT_KZ = "Kazakhstan's statistics bureau (stat.gov.kz)"
SHARE_ROUNDING = 0.05
"""The pages print shares to 0.1 percentage point: a share is known to ±0.05 pp."""
DERIVED = "derived: China's share × the all-partner total (not a published figure)"


def stat_gov_kz_derived(stat: pd.DataFrame) -> pd.DataFrame:
    """Kazakhstan's trade with China as China's published share × the published all-partner total: **derived**.

    Neither page states these values; they are for comparison only and never enter a series.  One row per year and
    flow: year, flow, share_pct, total_usd_millions, value_usd_millions (share × total), low, high (the share
    ±:data:`SHARE_ROUNDING` pp), basis (:data:`DERIVED`), derived (always True), figure_ids (share; total).
    """
    share = stat.loc[stat["partner"].eq(CHINA) & stat["measure"].eq("share_pct")]
    total = stat.loc[stat["partner"].eq(WORLD) & stat["measure"].eq("value_usd_millions")]
    out = share.merge(total, on=["year", "flow"], suffixes=("_share", "_total"))
    frame = pd.DataFrame(
        {
            "year": out["year"].astype("int64"),
            "flow": out["flow"],
            "share_pct": out["value_share"],
            "total_usd_millions": out["value_total"],
        }
    )
    frame["value_usd_millions"] = frame["share_pct"] / 100 * frame["total_usd_millions"]
    frame["low"] = (frame["share_pct"] - SHARE_ROUNDING) / 100 * frame["total_usd_millions"]
    frame["high"] = (frame["share_pct"] + SHARE_ROUNDING) / 100 * frame["total_usd_millions"]
    frame["basis"], frame["derived"] = DERIVED, True
    frame["figure_ids"] = out["figure_id_share"] + "; " + out["figure_id_total"]
    return frame.sort_values(["year", "flow"]).reset_index(drop=True)


def _imts_long(imts: pd.DataFrame) -> pd.DataFrame:
    """IMTS rows in the overlap layout (side partner): exports to China, exports to the World, China's share."""
    rows = imts.loc[imts["year"].eq(YEAR)]
    china = rows.loc[rows["partner"].eq(CHINA)].set_index("reporter")["value_usd_millions"]
    world = rows.loc[rows["partner"].eq(WORLD)].set_index("reporter")["value_usd_millions"]
    ids = rows.groupby("reporter")["source_id"].first()
    frames = [
        ("exports to China", china),
        ("exports to the World", world),
        ("China's share of exports", (china / world).dropna()),
    ]
    out = [
        pd.DataFrame(
            {
                "series": IMTS,
                "side": "partner",
                "reporter": values.index,
                "partner": values.index,
                "year": YEAR,
                "measure": measure,
                "value": values.to_numpy(dtype=float),
                "source_ids": values.index.map(ids),
                "figure_id": "",
            }
        )
        for measure, values in frames
    ]
    return pd.concat(out, ignore_index=True)


def _published_long(series: pd.DataFrame, stat: pd.DataFrame) -> pd.DataFrame:
    """The partner-side 2025 figures to compare with: published_series (exports to China) and stat.gov.kz."""
    own = series.loc[
        series["year"].eq(YEAR)
        & series["side"].eq("partner")
        & series["measure"].eq("china_imports")  # the partner's exports to China
        & series["qualifier"].ne("lower_bound")
    ]
    frames = [
        pd.DataFrame(
            {
                "series": overlap.PUBLISHED,
                "side": "partner",
                "reporter": own["partner"],
                "partner": own["partner"],
                "year": YEAR,
                "measure": "exports to China",
                "value": own["value_usd_millions"].astype(float),
                "source_ids": own["source_id"],
                "figure_id": own["figure_id"],
            }
        )
    ]
    kz = stat.loc[stat["year"].eq(YEAR) & stat["flow"].eq("exports")]
    world = kz.loc[kz["partner"].eq(WORLD) & kz["measure"].eq("value_usd_millions")]
    share = kz.loc[kz["partner"].eq(CHINA) & kz["measure"].eq("share_pct")]
    for measure, rows, factor in (("exports to the World", world, 1.0), ("China's share of exports", share, 0.01)):
        frames.append(
            pd.DataFrame(
                {
                    "series": STAT_KZ,
                    "side": "partner",
                    "reporter": rows["reporter"],
                    "partner": rows["reporter"],
                    "year": YEAR,
                    "measure": measure,
                    "value": rows["value"].astype(float) * factor,
                    "source_ids": rows["source_id"],
                    "figure_id": rows["figure_id"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


IMTS_OVERLAP_COLUMNS = [
    "partner",
    "measure",
    "year",
    "series_a",
    "value_a",
    "series_b",
    "value_b",
    "difference",
    "ratio",
    "agrees",
    "derived",
    "figure_id_b",
    "status",
]
IMTS_MEASURES = ("exports to China", "exports to the World", "China's share of exports")


def _derived_long(stat: pd.DataFrame) -> pd.DataFrame:
    rows = stat_gov_kz_derived(stat)
    rows = rows.loc[rows["year"].eq(YEAR) & rows["flow"].eq("exports")]
    return pd.DataFrame(
        {
            "series": f"{STAT_KZ}, {DERIVED}",
            "side": "partner",
            "reporter": "KAZ",
            "partner": "KAZ",
            "year": YEAR,
            "measure": "exports to China",
            "value": rows["value_usd_millions"].astype(float),
            "source_ids": "",
            "figure_id": rows["figure_ids"],
        }
    )


@common.memoised
def imts_published_overlap(
    imts: pd.DataFrame, series: pd.DataFrame, stat: pd.DataFrame, *, tolerance: float = overlap.OVERLAP_TOLERANCE
) -> pd.DataFrame:
    """IMTS 2025 (a) against the partners' own 2025 figures (b), per partner and measure (:data:`IMTS_MEASURES`).

    b is the published partner-side series (exports to China) or Kazakhstan's statistics bureau (World exports,
    China's share, a fraction).  Where a partner's exports to China are published nowhere but Kazakhstan's pages
    give China's share and the total, one more row compares IMTS with their product, flagged ``derived`` (not a
    published figure: shown, never a series value).  ``agrees`` is :func:`tradeviz.measures.overlap.agrees`;
    every one of the five has a row per measure, with ``status`` saying why where nothing was compared.  Nothing
    here continues a series.
    """
    a, b, derived = _imts_long(imts), _published_long(series, stat), _derived_long(stat)
    table = pd.concat(
        [
            overlap.overlap(a, b, tolerance=tolerance, value="value").assign(derived=False),
            overlap.overlap(a, derived, tolerance=tolerance, value="value").assign(derived=True),
        ],
        ignore_index=True,
    )
    grid = pd.MultiIndex.from_product([list(FIVE), list(IMTS_MEASURES)], names=["partner", "measure"]).to_frame(
        index=False
    )
    held = a.set_index(["partner", "measure"])["value"]
    published_b = set(zip(b["partner"], b["measure"], strict=True))
    missing = grid.loc[[key not in published_b for key in zip(grid["partner"], grid["measure"], strict=True)]]
    missing = missing.assign(
        derived=False,
        series_a=[
            IMTS if key in held.index else np.nan for key in zip(missing["partner"], missing["measure"], strict=True)
        ],
        value_a=[held.get(key, np.nan) for key in zip(missing["partner"], missing["measure"], strict=True)],
    )
    out = pd.concat([table, missing], ignore_index=True)
    status = []
    for row in out.itertuples():
        if pd.isna(row.value_a):
            status.append("not in the IMTS file (China is not among the 15 destinations listed)")
        elif pd.isna(row.value_b):
            status.append("no published full-year 2025 figure from the partner's own statistics")
        else:
            verdict = "agrees" if row.agrees else f"differs by {row.ratio - 1:+.1%}"
            status.append(f"{verdict} (derived, not published: decides nothing)" if row.derived else verdict)
    out["status"] = status
    out["year"] = YEAR
    out["agrees"] = out["agrees"].astype("boolean")
    order = {m: i for i, m in enumerate(IMTS_MEASURES)}
    out = out.sort_values(["partner", "measure", "derived"], key=lambda s: s.map(order) if s.name == "measure" else s)
    return out[IMTS_OVERLAP_COLUMNS].reset_index(drop=True)


MIRROR_COLUMNS = [
    "partner",
    "year",
    "exports_fob",
    "imports_cif",
    "gap",
    "ratio",
    "in_cif_fob_band",
    "exporter_source_id",
    "importer_source_id",
    "china_figure_id",
    "status",
    "reason",
]


@common.memoised
def imts_mirror(imts: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """Each partner's 2025 exports to China (IMTS, FOB) against China's customs' published 2025 imports from it (CIF).

    :func:`tradeviz.measures.mirror.mirror_table` on the two: ratio = China's imports ÷ the partner's exports,
    ``in_cif_fob_band`` against :data:`tradeviz.measures.mirror.CIF_FOB_BAND`.  Columns: :data:`MIRROR_COLUMNS`;
    ``reason`` names the missing side (IMTS: China not among the 15 listed destinations; China's customs: no
    published 2025 figure).  One row per partner.
    """
    exports = imts.loc[imts["year"].eq(YEAR) & imts["partner"].eq(CHINA)]
    imports = series.loc[
        series["year"].eq(YEAR)
        & series["side"].eq("china")
        & series["measure"].eq("china_imports")
        & series["partner"].isin(FIVE)
        & series["qualifier"].ne("lower_bound")
    ]
    trade = pd.concat(
        [
            pd.DataFrame(
                {
                    "year": YEAR,
                    "reporter": exports["reporter"],
                    "partner": CHINA,
                    "flow": "exports",
                    "value_usd_millions": exports["value_usd_millions"].astype(float),
                    "source_id": exports["source_id"],
                }
            ),
            pd.DataFrame(
                {
                    "year": YEAR,
                    "reporter": CHINA,
                    "partner": imports["partner"],
                    "flow": "imports",
                    "value_usd_millions": imports["value_usd_millions"].astype(float),
                    "source_id": imports["source_id"],
                }
            ),
        ],
        ignore_index=True,
    )
    table = mirror.mirror_table(trade) if len(trade) else pd.DataFrame(columns=["exporter", "importer"])
    table = table.loc[table["importer"].eq(CHINA)].rename(columns={"exporter": "partner"})
    out = pd.DataFrame({"partner": list(FIVE)}).merge(table, on="partner", how="left")
    out["year"] = YEAR
    figure = imports.set_index("partner")["figure_id"]
    out["china_figure_id"] = out["partner"].map(figure).fillna("")
    has_a = out["partner"].isin(set(exports["reporter"]))
    has_b = out["partner"].isin(set(imports["partner"]))
    reasons = np.select(
        [~has_a & ~has_b, ~has_a, ~has_b],
        [
            "IMTS: China not among the 15 destinations listed; China's customs: no published 2025 figure",
            "IMTS: China not among the 15 destinations listed (missing, not zero)",
            "China's customs: no published full-year 2025 figure for imports from this partner",
        ],
        default="",
    )
    out["reason"] = np.where(reasons != "", reasons, out["reason"].fillna(""))
    out["status"] = np.where(out["reason"].eq(""), "ok", "not computable")
    for column in ("exporter_source_id", "importer_source_id"):
        out[column] = out[column].astype(object).where(out[column].notna(), "")
    return out[MIRROR_COLUMNS].assign(partner_name=out["partner"].map(countries.name))[
        [*MIRROR_COLUMNS[:1], "partner_name", *MIRROR_COLUMNS[1:]]
    ]
