"""World Bank WITS (UN Comtrade data) as stored (``data/raw/wits-kazakhstan-hs4``): Kazakhstan's HS-4 totals.

Only the four HS 4-digit files of trade with China and with the World are read, and only their sum per year and
flow is curated (the product rows are for a later table).  The double-counting trap (an earlier vintage of these
downloads mixed chapter totals with 4-digit rows): any row whose ProductCode is not a 4-digit heading stops the
build, so a sum never counts a chapter and its headings twice.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from tradeviz.errors import BuildError
from tradeviz.sources import provenance

FOLDER = "wits-kazakhstan-hs4"
FILES = {
    "kazakhstan_exports_to_china_hs4_2015_2024_wits.dta": ("CHN", "exports", 6),
    "kazakhstan_imports_from_china_hs4_2015_2024_wits.dta": ("CHN", "imports", 5),
    "kazakhstan_exports_to_world_hs4_2015_2024_wits.dta": ("WLD", "exports", 6),
    "kazakhstan_imports_from_world_hs4_2015_2024_wits.dta": ("WLD", "imports", 5),
}
"""File -> (partner, flow, WITS TradeFlowCode: 5 import, 6 export)."""
COLUMNS = [
    "Nomenclature",
    "ReporterISO3",
    "ProductCode",
    "ReporterName",
    "PartnerISO3",
    "PartnerName",
    "Year",
    "TradeFlowName",
    "TradeFlowCode",
    "TradeValuein1000USD",
    "PartnerRegion",
    "PartnerIncomeGroup",
]
HEADING = re.compile(r"\d{4}")
WITS_TOTALS_COLUMNS = [
    "year",
    "reporter",
    "partner",
    "flow",
    "nomenclature",
    "hs4_rows",
    "value_usd_millions",
    "source_id",
]


def _check(path: Path, frame: pd.DataFrame, column: str, bad: pd.Series, message: str) -> None:
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise BuildError(f"{path} row {row + 1}, column {column}: {frame[column].iloc[row]!r} {message}")


def read_wits_hs4(path: Path, partner: str, flow: str, flow_code: int) -> pd.DataFrame:
    """One WITS HS-4 file, checked: rows as strings/numbers, with the row numbers of the file (1 = first record)."""
    frame = pd.read_stata(path, convert_categoricals=True)
    if list(frame.columns) != COLUMNS:
        raise BuildError(f"{path}: columns {list(frame.columns)}, expected the 12 WITS columns {COLUMNS}.")
    for column in ("Nomenclature", "ReporterISO3", "ProductCode", "PartnerISO3"):
        frame[column] = frame[column].astype(str)
    _check(path, frame, "Nomenclature", frame["Nomenclature"].ne("H4"), "is not H4 (HS 2012)")
    _check(path, frame, "ReporterISO3", frame["ReporterISO3"].ne("KAZ"), "is not KAZ")
    _check(path, frame, "PartnerISO3", frame["PartnerISO3"].ne(partner), f"is not {partner} (this file's partner)")
    _check(path, frame, "TradeFlowCode", frame["TradeFlowCode"].ne(flow_code), f"is not {flow_code} ({flow})")
    _check(
        path,
        frame,
        "ProductCode",
        ~frame["ProductCode"].str.fullmatch(HEADING.pattern),
        "is not a 4-digit HS heading: a chapter or total row beside its headings would be counted twice",
    )
    value = pd.to_numeric(frame["TradeValuein1000USD"], errors="coerce")
    _check(path, frame, "TradeValuein1000USD", ~(value >= 0), "is not a non-negative number")
    _check(
        path,
        frame,
        "ProductCode",
        frame.duplicated(["Year", "ProductCode"]),
        "appears twice in one year",
    )
    return frame


def build_wits_totals(raw: Path) -> pd.DataFrame:
    """The ``wits_totals`` table: Kazakhstan's trade with China and the World per year and flow, as the sum of the
    WITS HS 4-digit rows (US$ millions = thousands / 1000), with the number of rows summed."""
    folder = raw / FOLDER
    source_id = provenance.read_record(folder)["sources"][0]["source_id"]
    rows = []
    for name, (partner, flow, code) in FILES.items():
        path = folder / name
        if not path.exists():
            raise BuildError(f"{path}: missing; restore it from the stored copy ({folder / 'SOURCE.md'}).")
        frame = read_wits_hs4(path, partner, flow, code)
        for year, group in frame.groupby("Year", sort=True):
            values = sorted(float(v) for v in group["TradeValuein1000USD"])
            rows.append(
                dict(
                    year=int(year),
                    reporter="KAZ",
                    partner=partner,
                    flow=flow,
                    nomenclature="H4",
                    hs4_rows=len(values),
                    value_usd_millions=math.fsum(values) / 1000,
                    source_id=source_id,
                )
            )
    table = pd.DataFrame(rows, columns=WITS_TOTALS_COLUMNS)
    return table.sort_values(["year", "reporter", "partner", "flow"]).reset_index(drop=True)


WITS_PRODUCTS_COLUMNS = [
    "year",
    "reporter",
    "partner",
    "flow",
    "level",
    "code",
    "nomenclature",
    "value_usd_millions",
    "source_id",
    "source_file",
    "source_line",
]


def build_wits_products(raw: Path) -> pd.DataFrame:
    """Kazakhstan's HS 4-digit rows with China and the World, one per (year, partner, flow, heading).

    Value in US$ millions (TradeValuein1000USD / 1000); nomenclature "HS 2012" (WITS H4); ``source_file`` and
    ``source_line`` (1 = the file's first record) let a later check name the row it refuses.
    """
    folder = raw / FOLDER
    source_id = provenance.read_record(folder)["sources"][0]["source_id"]
    frames = []
    for name, (partner, flow, code) in FILES.items():
        path = folder / name
        if not path.exists():
            raise BuildError(f"{path}: missing; restore it from the stored copy ({folder / 'SOURCE.md'}).")
        frame = read_wits_hs4(path, partner, flow, code)
        frames.append(
            pd.DataFrame(
                dict(
                    year=frame["Year"].astype("int64"),
                    reporter="KAZ",
                    partner=partner,
                    flow=flow,
                    level="heading",
                    code=frame["ProductCode"],
                    nomenclature="HS 2012",
                    value_usd_millions=pd.to_numeric(frame["TradeValuein1000USD"]).astype("float64") / 1000,
                    source_id=source_id,
                    source_file=str(path),
                    source_line=range(1, len(frame) + 1),
                )
            )
        )
    table = pd.concat(frames, ignore_index=True)[WITS_PRODUCTS_COLUMNS]
    return table.sort_values(["year", "reporter", "partner", "flow", "code"]).reset_index(drop=True)
