"""The product tables: WITS HS-4 rows and UN Comtrade chapters in one table, checked against the nomenclature
and against the flows' totals.

``products`` holds one row per (year, reporter, partner, flow, level, code): Kazakhstan's 4-digit headings with
China and the World (WITS, HS 2012) and the seven Comtrade chapters of both reporters (the edition of each year).
Chapters and headings of one flow are different levels of the same trade: a measure sums one level, never both
(:mod:`tradeviz.measures.products` refuses a table that mixes them).

Checks, each a :class:`BuildError` naming the file and line of the row it refuses:

- every code is in the HS 2022 nomenclature, or is one of the HS 2012 headings listed in :data:`HS2012_ONLY`
  (kept, ``in_hs2022`` false, ``hs2022_code`` its successor); any other code stops the build;
- no value is negative; no (year, reporter, partner, flow, level, code) appears twice;
- the products of a flow add up to its Comtrade total within :data:`ADD_UP_TOLERANCE` (the 4-digit headings),
  or at most to the total plus that tolerance (the seven chapters: a part of the total by construction).
  ``product_totals`` shows every sum, total and difference.
"""

from __future__ import annotations

import math

import pandas as pd

from tradeviz.errors import BuildError

ADD_UP_TOLERANCE = 0.01
"""Relative tolerance of ``sum(products) vs total`` (1%): WITS and Comtrade round and revise independently."""

EDITIONS = {"H4": "HS 2012", "H5": "HS 2017", "H6": "HS 2022"}

HS2012_ONLY = {
    "2848": ("2853", "Phosphides: heading 28.48 deleted in HS 2017, its goods moved to 28.53 (2853.90)"),
    "6908": ("6907", "Glazed ceramic flags and tiles: 69.08 merged into 69.07 in HS 2017"),
    "8107": ("8112", "Cadmium: heading 81.07 deleted in HS 2022, its goods moved to 81.12 (8112.61, 8112.69)"),
    "8469": (
        "8472",
        "Typewriters and word processors: heading 84.69 deleted in HS 2017, its goods moved to 84.72 (8472.90); "
        "their waste and scrap is 85.49 in HS 2022",
    ),
    "8803": (
        "8807",
        "Parts of aircraft: heading 88.03 deleted in HS 2022, its goods moved to 88.07; display modules for "
        "aircraft went to 85.24",
    ),
}
"""HS 2012 headings in the WITS extracts that the HS 2022 nomenclature does not have -> (HS 2022 heading that
holds their goods, why).

Checked against the UN Statistics Division's correlation tables (HS 2012–HS 2017 and HS 2022–HS 2012, 6-digit,
https://unstats.un.org/unsd/classifications/Econ/tables/HS2022toHS2012ConversionAndCorrelationTables.xlsx and
https://unstats.un.org/unsd/trade/classifications/tables/HS2017toHS2012ConversionAndCorrelationTables.xlsx, as
copied into github.com/insongkim/concordance @ 201c812, data-raw/): every HS 2012 subheading of the five goes to
the successor named here (2848.00 -> 2853.90; 6908.10/90 -> 6907.21–6907.40; 8107.20/30/90 -> 8112.61/69;
8469.00 -> 8472.90; 8803.10/20/30/90 -> 8807.10/20/30/90).  Two also send a part elsewhere, as the "why" says
(n:n relations in the tables): 8469.00 to the HS 2022 waste-and-scrap subheadings 8549.xx, 8803 to the display
modules 8524.xx and 8529.90.  The rows the tables hold for the five are in
tests/fixtures/hs-correlation/unsd_hs2012_deleted_headings.csv (tests/build/test_product_tables.py checks this
mapping against them)."""

PRODUCTS_COLUMNS = [
    "year",
    "reporter",
    "partner",
    "flow",
    "level",
    "code",
    "section",
    "chapter",
    "nomenclature",
    "in_hs2022",
    "hs2022_code",
    "value_usd_millions",
    "source_id",
]
PRODUCTS_KEY = ["year", "reporter", "partner", "flow", "level", "code"]
PRODUCT_TOTALS_COLUMNS = [
    "year",
    "reporter",
    "partner",
    "flow",
    "level",
    "products",
    "products_usd_millions",
    "total_usd_millions",
    "difference_usd_millions",
    "coverage",
    "check",
    "source_id",
]
GROUP = ["year", "reporter", "partner", "flow", "level"]


def _where(row: pd.Series) -> str:
    return f"{row['source_file']} row {row['source_line']}"


def comtrade_chapters(comtrade: pd.DataFrame) -> pd.DataFrame:
    """The chapter rows of the ``comtrade`` table as product rows (both reporters, partner or World)."""
    chapters = comtrade[comtrade["commodity"].ne("TOTAL")]
    return pd.DataFrame(
        dict(
            year=chapters["year"].astype("int64"),
            reporter=chapters["reporter"],
            partner=chapters["partner"],
            flow=chapters["flow"],
            level="chapter",
            code=chapters["commodity"],
            nomenclature=chapters["classification"].map(EDITIONS),
            value_usd_millions=chapters["value_usd_millions"].astype("float64"),
            source_id=chapters["source_id"],
            source_file="the comtrade table (data/curated/comtrade.csv, from data/raw/un-comtrade-chn-kaz)",
            source_line=chapters.index + 1,
        )
    )


def build_products(wits_rows: pd.DataFrame, comtrade: pd.DataFrame, nomenclature: pd.DataFrame) -> pd.DataFrame:
    """The ``products`` table from the WITS heading rows, the ``comtrade`` table and ``hs_nomenclature``."""
    rows = pd.concat([wits_rows, comtrade_chapters(comtrade)], ignore_index=True)
    negative = ~(rows["value_usd_millions"] >= 0)
    if negative.any():
        row = rows[negative].iloc[0]
        raise BuildError(
            f"{_where(row)}, column value: {float(row['value_usd_millions'])} is negative or not a number."
        )
    known = nomenclature[nomenclature["level"].isin(["chapter", "heading"])]
    section_of = dict(zip(known["level"] + ":" + known["code"], known["section"], strict=True))
    key = rows["level"] + ":" + rows["code"]
    rows["in_hs2022"] = key.isin(section_of)
    successor = rows["code"].map({code: new for code, (new, _) in HS2012_ONLY.items()})
    unknown = ~rows["in_hs2022"] & (rows["level"].ne("heading") | successor.isna())
    if unknown.any():
        row = rows[unknown].iloc[0]
        codes = sorted(set(rows.loc[unknown, "code"]))
        raise BuildError(
            f"{_where(row)}, column code: product code {row['code']!r} ({row['level']}): not in the HS 2022 "
            f"nomenclature and not a known HS 2012 heading (codes {codes}); add it with its HS 2022 successor to "
            "tradeviz.build.products.HS2012_ONLY, citing the UNSD correlation table (HS 2012 to HS 2022)."
        )
    rows["hs2022_code"] = rows["code"].where(rows["in_hs2022"], successor)
    rows["chapter"] = rows["code"].str[:2]
    chapters = known[known["level"].eq("chapter")]
    rows["section"] = rows["chapter"].map(dict(zip(chapters["code"], chapters["section"], strict=True)))
    dupes = rows.duplicated(PRODUCTS_KEY)
    if dupes.any():
        row = rows[dupes].iloc[0]
        raise BuildError(f"{_where(row)}: a second row for {dict(row[PRODUCTS_KEY])} (double counting).")
    return rows[PRODUCTS_COLUMNS + ["source_file", "source_line"]].sort_values(PRODUCTS_KEY).reset_index(drop=True)


def build_product_totals(products: pd.DataFrame, comtrade: pd.DataFrame) -> pd.DataFrame:
    """The ``product_totals`` table: per flow, year and level, the sum of the products against the flow's total.

    Raises :class:`BuildError` where the products exceed the total by more than :data:`ADD_UP_TOLERANCE`, or
    where 4-digit headings fall short of it by more than that (a heading file that lost rows).
    """
    sums = (
        products.groupby(GROUP)
        .agg(
            products=("code", "size"),
            products_usd_millions=("value_usd_millions", lambda v: math.fsum(sorted(v))),
            source_id=("source_id", "first"),
            source_file=("source_file", "first"),
        )
        .reset_index()
    )
    totals = comtrade.loc[comtrade["commodity"].eq("TOTAL"), ["year", "reporter", "partner", "flow"]].assign(
        total_usd_millions=comtrade.loc[comtrade["commodity"].eq("TOTAL"), "value_usd_millions"]
    )
    table = sums.merge(totals, on=["year", "reporter", "partner", "flow"], how="left", validate="many_to_one")
    missing = table["total_usd_millions"].isna()
    if missing.any():
        row = table[missing].iloc[0]
        raise BuildError(
            f"{row['source_file']}: no Comtrade total for {dict(row[GROUP])}, so the products cannot be checked."
        )
    table["difference_usd_millions"] = table["products_usd_millions"] - table["total_usd_millions"]
    table["coverage"] = table["products_usd_millions"] / table["total_usd_millions"]
    over = table["coverage"] > 1 + ADD_UP_TOLERANCE
    short = table["level"].eq("heading") & (table["coverage"] < 1 - ADD_UP_TOLERANCE)
    for bad, what in ((over, "exceed"), (short, "fall short of")):
        if bad.any():
            row = table[bad].iloc[0]
            raise BuildError(
                f"{row['source_file']}, {dict(row[GROUP])}: the products sum to {row['products_usd_millions']:.1f} "
                f"and {what} the flow's total {row['total_usd_millions']:.1f} US$ m by "
                f"{row['difference_usd_millions']:+.1f} (more than {ADD_UP_TOLERANCE:.0%}): rows are counted twice "
                "or missing."
            )
    table["check"] = table["level"].map({"heading": "adds up", "chapter": "part of the total"})
    return table[PRODUCT_TOTALS_COLUMNS].sort_values(GROUP).reset_index(drop=True)
