"""China's customs (GACC) 2024 monthly tables: the monthly series per partner, and the December cumulative values
against the published 2024 figures.

Input: the ``gacc_monthly`` table (:func:`tradeviz.data.load_gacc_monthly`): China's reports (reporter CHN) on
each of the five and the world total (WLD), per month and flow (``total``, ``exports``, ``imports``), in 10,000
yuan (万元) as printed; September's table is in 1,000 US$ (``unit``) and March is not in the stored file.  No
exchange rate is applied anywhere here: yuan stay yuan.

The comparison with the published figures (:func:`gacc_published_overlap`) uses the overlap rule of
:mod:`tradeviz.measures.overlap` (:func:`~tradeviz.measures.overlap.agrees`, ``OVERLAP_TOLERANCE`` = 2%):

- a published **yuan** figure is compared with the December cumulative value directly (million yuan);
- a published **US$** figure gives, with the December value, an implied yuan per US$; it is compared with the
  rate that China's customs' own published 2024 totals for the five together imply (yuan total ÷ US$ total, two
  published figures of one aggregate), the *reference rate*.  Every country's implied rate must agree with it,
  and so with each other: rate-free, nothing is converted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from tradeviz import countries
from tradeviz.countries import FIVE, GROUP, WORLD
from tradeviz.measures import common, overlap

YEAR = 2024
UNIT_YUAN = "10,000 CNY"
UNIT_USD = "1,000 USD"
MONTHS = tuple(range(1, 13))
GACC = "GACC 2024 monthly tables (December, January–December)"
PUBLISHED = "published"
REFERENCE = "published China-customs totals for the five, yuan ÷ US$"
CNY_PER_UNIT = {"million CNY": 1.0, "billion CNY": 1000.0, "100 million CNY": 100.0}
"""Yuan units of the published table -> million yuan (the same factors as ``tradeviz.sources.press_figures.UNITS``,
which a test holds them to)."""
MEASURE_FLOWS = {"total_trade": "total", "china_exports": "exports", "china_imports": "imports"}
"""Published measure -> the GACC flow (China's side: China's exports to the partner, its imports from it)."""
STATUS_MISSING = "not in the stored file (March 2024 is missing; never filled)"
STATUS_USD = "table in 1,000 US$ (September 2024): not converted, no yuan value"


def _codes(partner: str | Iterable[str] | None) -> list[str]:
    if partner is None:
        return list(FIVE)
    if isinstance(partner, str):
        return [WORLD] if partner.upper() == WORLD else [countries.resolve(partner)]
    return [WORLD if str(p).upper() == WORLD else countries.resolve(p) for p in partner]


def monthly_series(gacc: pd.DataFrame, partner: str | Iterable[str] | None = None, flow: str = "total") -> pd.DataFrame:
    """China's customs' 2024 monthly series per partner, in 10,000 yuan: one row per partner and month 1–12.

    ``partner``: a name or code, a list, ``"WLD"`` for the world total; None = the five.  ``flow``: ``total``,
    ``exports`` (China's to the partner) or ``imports``.  Columns: year, month, partner, flow, value_month,
    value_cumulative (January to the month), unit (always 10,000 CNY), status ("ok", or why the month has no
    yuan value: March is missing, September's table is in US$), source_id.  A month without a yuan value is
    NaN, never filled or interpolated.
    """
    if flow not in MEASURE_FLOWS.values():
        raise ValueError(f"flow must be one of {list(MEASURE_FLOWS.values())}, not {flow!r}")
    codes = _codes(partner)
    rows = gacc.loc[gacc["partner"].isin(codes) & gacc["flow"].eq(flow) & gacc["year"].eq(YEAR)]
    grid = pd.MultiIndex.from_product([codes, MONTHS], names=["partner", "month"]).to_frame(index=False)
    out = grid.merge(rows, on=["partner", "month"], how="left")
    yuan = out["unit"].eq(UNIT_YUAN)
    out["status"] = np.where(yuan, "ok", np.where(out["unit"].eq(UNIT_USD), STATUS_USD, STATUS_MISSING))
    for column in ("value_month", "value_cumulative"):
        out[column] = out[column].where(yuan).astype(float)
    out["year"], out["flow"], out["unit"] = YEAR, flow, UNIT_YUAN
    out["source_id"] = out["source_id"].where(yuan, "")
    columns = ["year", "month", "partner", "flow", "value_month", "value_cumulative", "unit", "status", "source_id"]
    return out[columns].reset_index(drop=True)


def december_totals(gacc: pd.DataFrame) -> pd.DataFrame:
    """The December cumulative values (January–December 2024) of the five and their sum (CA5), per flow.

    Columns: partner, flow, value_10k_cny (10,000 yuan, as printed), value_cny_millions, source_id.  CA5 is the
    sum of the five rows of the same table (the table prints no such row).
    """
    rows = gacc.loc[
        gacc["month"].eq(12) & gacc["unit"].eq(UNIT_YUAN) & gacc["partner"].isin(FIVE) & gacc["year"].eq(YEAR)
    ]
    five = rows[["partner", "flow", "value_cumulative", "source_id"]].rename(
        columns={"value_cumulative": "value_10k_cny"}
    )
    group = five.groupby("flow", as_index=False).agg(value_10k_cny=("value_10k_cny", "sum"), n=("partner", "size"))
    group = group.loc[group["n"].eq(len(FIVE))].assign(
        partner=GROUP, source_id=";".join(sorted(set(five["source_id"])))
    )
    out = pd.concat([five, group.drop(columns="n")], ignore_index=True)
    out["value_cny_millions"] = out["value_10k_cny"] / 100.0
    return out[["partner", "flow", "value_10k_cny", "value_cny_millions", "source_id"]]


def _published_2024(published: pd.DataFrame) -> pd.DataFrame:
    rows = published.loc[
        published["year"].eq(YEAR)
        & published["period"].eq("full_year")
        & published["side"].isin(["china", "unstated"])
        & published["partner"].isin([*FIVE, GROUP])
        & published["measure"].isin(list(MEASURE_FLOWS))
    ].copy()
    rows["flow"] = rows["measure"].map(MEASURE_FLOWS)
    rows["cny_millions"] = np.where(
        rows["currency"].eq("CNY"), rows["value"] * rows["unit"].map(CNY_PER_UNIT).astype(float), np.nan
    )
    return rows


def reference_rate(published: pd.DataFrame) -> dict[str, Any]:
    """Yuan per US$ implied by China's customs' published 2024 totals for the five together (CA5, total trade).

    The US$ figure is the series one; the yuan figure is the most precise CA5 figure (most digits; ties: the lowest
    figure id).  Returns {rate, cny_millions, usd_millions, cny_figure_id, usd_figure_id}; rate NaN (with ids
    empty) when either is not published.
    """
    rows = _published_2024(published)
    ca5 = rows.loc[rows["partner"].eq(GROUP) & rows["side"].eq("china") & rows["measure"].eq("total_trade")]
    usd = ca5.loc[ca5["in_series"].astype(bool) & ca5["currency"].eq("USD")]
    cny = ca5.loc[ca5["currency"].eq("CNY") & ca5["qualifier"].eq("exact")].copy()
    if usd.empty or cny.empty:
        return dict(rate=np.nan, cny_millions=np.nan, usd_millions=np.nan, cny_figure_id="", usd_figure_id="")
    cny["digits"] = cny["value"].map(lambda v: len(f"{v:g}".replace(".", "")))
    best = cny.sort_values(["digits", "figure_id"], ascending=[False, True]).iloc[0]
    dollar = usd.iloc[0]
    return dict(
        rate=float(best["cny_millions"]) / float(dollar["value_usd_millions"]),
        cny_millions=float(best["cny_millions"]),
        usd_millions=float(dollar["value_usd_millions"]),
        cny_figure_id=str(best["figure_id"]),
        usd_figure_id=str(dollar["figure_id"]),
    )


OVERLAP_COLUMNS = [
    "compared",
    "partner",
    "measure",
    "flow",
    "published_side",
    "qualifier",
    "gacc_10k_cny",
    "published_value",
    "published_unit",
    "series_a",
    "value_a",
    "series_b",
    "value_b",
    "difference",
    "ratio",
    "agrees",
    "evidence",
    "figure_id",
    "source_ids_a",
    "source_ids_b",
]


def _long(frame: pd.DataFrame, series: str, value: pd.Series, ids: pd.Series, figure: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series": series,
            "side": "china",
            "reporter": countries.CHINA,
            "partner": frame["partner"].to_numpy(),
            "year": YEAR,
            "measure": frame["flow"].to_numpy(),
            "value": value.to_numpy(dtype=float),
            "source_ids": ids.to_numpy(),
            "figure_id": figure.to_numpy(),
        }
    )


@common.memoised
def gacc_published_overlap(
    gacc: pd.DataFrame, published: pd.DataFrame, *, tolerance: float = overlap.OVERLAP_TOLERANCE
) -> pd.DataFrame:
    """GACC's December 2024 cumulative values against every published full-year 2024 figure (China's side, and
    pages that name no source), one row per published figure.

    ``compared`` is "yuan" (a = GACC, b = the published yuan figure, both million yuan) or "yuan per US$" (a = GACC
    yuan ÷ the published US$ figure, b = :func:`reference_rate`).  ``agrees`` is the overlap rule
    (:func:`tradeviz.measures.overlap.agrees`); ``evidence`` marks the figures that decide (China's customs named,
    not a lower bound; for US$ figures, the series figure): the others are shown and decide nothing.  Columns:
    :data:`OVERLAP_COLUMNS` (gacc_10k_cny as printed; published_value/unit as published).
    """
    dec = december_totals(gacc)
    pub = _published_2024(published).merge(dec, on=["partner", "flow"], how="inner")
    ref = reference_rate(published)
    frames = []
    yuan = pub.loc[pub["currency"].eq("CNY")].reset_index(drop=True)
    if len(yuan):
        a = _long(yuan, GACC, yuan["value_cny_millions"], yuan["source_id_y"], yuan["figure_id"])
        b = _long(yuan, PUBLISHED, yuan["cny_millions"], yuan["source_id_x"], yuan["figure_id"])
        table = overlap.overlap(a.drop_duplicates(["partner", "measure"]), b, tolerance=tolerance, value="value")
        frames.append(table.assign(compared="yuan"))
    dollars = pub.loc[pub["currency"].eq("USD")].reset_index(drop=True)
    if len(dollars):
        rates = dollars["value_cny_millions"] / dollars["value_usd_millions"]
        a = _long(dollars, GACC + " ÷ published US$", rates, dollars["source_id_y"], dollars["figure_id"])
        a["measure"] = a["measure"] + "|" + a["figure_id"]  # one row per published figure
        b = a.assign(series=REFERENCE, value=ref["rate"], source_ids=dollars["source_id_x"].to_numpy())
        b["figure_id"] = a["figure_id"]
        table = overlap.overlap(a, b, tolerance=tolerance, value="value")
        table["measure"] = table["measure"].str.split("|").str[0]
        frames.append(table.assign(compared="yuan per US$"))
    if not frames:
        return pd.DataFrame(columns=OVERLAP_COLUMNS)
    table = pd.concat(frames, ignore_index=True).rename(columns={"measure": "flow", "figure_id_b": "figure_id"})
    info = pub.set_index("figure_id")
    table["measure"] = table["figure_id"].map(info["measure"])
    table["published_side"] = table["figure_id"].map(info["side"])
    table["qualifier"] = table["figure_id"].map(info["qualifier"])
    table["gacc_10k_cny"] = table["figure_id"].map(info["value_10k_cny"])
    table["published_value"] = table["figure_id"].map(info["value"])
    table["published_unit"] = table["figure_id"].map(info["unit"])
    in_series = table["figure_id"].map(info["in_series"]).astype(bool)
    table["evidence"] = (
        table["published_side"].eq("china")
        & table["qualifier"].ne("lower_bound")
        & (table["compared"].eq("yuan") | in_series)
    )
    order = {code: i for i, code in enumerate([*FIVE, GROUP])}
    table = table.sort_values(
        ["partner", "compared", "measure", "figure_id"], key=lambda s: s.map(order) if s.name == "partner" else s
    )
    return table[OVERLAP_COLUMNS].reset_index(drop=True)


def implied_rates(table: pd.DataFrame) -> pd.DataFrame:
    """The evidence rows of :func:`gacc_published_overlap` compared in yuan per US$ (one per country and measure):
    partner, measure, rate (value_a), reference (value_b), ratio, agrees, figure_id."""
    rows = table.loc[table["compared"].eq("yuan per US$") & table["evidence"]]
    out = rows.rename(columns={"value_a": "rate", "value_b": "reference"})
    return out[["partner", "measure", "rate", "reference", "ratio", "agrees", "figure_id"]].reset_index(drop=True)
