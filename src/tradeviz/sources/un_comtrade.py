"""UN Comtrade as stored (``data/raw/un-comtrade-chn-kaz``): China's and Kazakhstan's reports, totals and chapters.

The files are raw records of the Comtrade v1 API (47 named columns; every data line ends with one comma more
than the header, so it has 48 fields, the last empty).  The reader is strict: a record of another type,
frequency, reporter, partner, flow, classification or commodity, a value that is not a non-negative number, or a
primary value that is not the flow's valuation (CIF for imports, FOB for exports) stops the build with the file,
line and column.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from tradeviz.errors import BuildError
from tradeviz.sources import provenance

FOLDER = "un-comtrade-chn-kaz"
FILES = {"comtrade_chn_reporter.csv": ("CHN", "KAZ"), "comtrade_kaz_reporter.csv": ("KAZ", "CHN")}
"""File -> (reporter, its bilateral partner); each file also holds the reporter's World totals."""
HEADER = (
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,"
    "partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,"
    "classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,"
    "mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,"
    "isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,"
    "legacyEstimationFlag,isReported,isAggregate"
).split(",")
FLOWS = {"M": ("imports", "CIF", "cifvalue"), "X": ("exports", "FOB", "fobvalue")}
PARTNERS = {"W00": "WLD", "CHN": "CHN", "KAZ": "KAZ"}
CLASSIFICATIONS = {"H4": "HS 2012", "H5": "HS 2017", "H6": "HS 2022"}
COMMODITIES = ("TOTAL", "26", "28", "72", "74", "78", "79", "81")
BOOLEANS = {"true": True, "false": False}

COMTRADE_COLUMNS = [
    "year",
    "reporter",
    "partner",
    "flow",
    "valuation",
    "commodity",
    "commodity_name",
    "classification",
    "value_usd_millions",
    "is_reported",
    "is_aggregate",
    "source_id",
]
COMTRADE_KEY = ["year", "reporter", "partner", "flow", "commodity"]


def _fail(path: Path, line: int, column: str, message: str) -> BuildError:
    return BuildError(f"{path} line {line}, column {column}: {message}")


def _expect(path: Path, line: int, record: dict[str, str], column: str, allowed: set[str]) -> str:
    value = record[column]
    if value not in allowed:
        raise _fail(path, line, column, f"{value!r} is not one of {sorted(allowed)} (is this the stored extract?)")
    return value


def read_comtrade_file(path: Path, reporter: str, partner: str, source_id: str) -> pd.DataFrame:
    """One stored Comtrade file -> tidy rows (COMTRADE_COLUMNS), value in million current US$."""
    text = path.read_bytes().decode("utf-8")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    if not lines or lines[0] != HEADER:
        got = lines[0] if lines else []
        extra = [c for c in got if c not in HEADER]
        lacking = [c for c in HEADER if c not in got]
        raise BuildError(
            f"{path} line 1: not the 47-column Comtrade v1 header (unexpected {extra}, missing {lacking}); "
            "restore the file from the stored copy."
        )
    rows = []
    for number, fields in enumerate(lines[1:], start=2):
        if not fields:
            continue
        if len(fields) != len(HEADER) + 1 or fields[-1] != "":
            raise _fail(
                path,
                number,
                HEADER[-1],
                f"{len(fields)} fields; a record has {len(HEADER)} and a trailing comma (the file is cut or shifted)",
            )
        record = dict(zip(HEADER, fields[:-1], strict=True))
        _expect(path, number, record, "typeCode", {"C"})
        _expect(path, number, record, "freqCode", {"A"})
        _expect(path, number, record, "reporterISO", {reporter})
        who = PARTNERS[_expect(path, number, record, "partnerISO", {"W00", partner})]
        flow, valuation, valued = FLOWS[_expect(path, number, record, "flowCode", set(FLOWS))]
        classification = _expect(path, number, record, "classificationCode", set(CLASSIFICATIONS))
        commodity = _expect(path, number, record, "cmdCode", set(COMMODITIES))
        if not record["refYear"].isdigit() or record["period"] != record["refYear"]:
            raise _fail(path, number, "refYear", f"{record['refYear']!r} is not an annual period")
        try:
            value = float(record["primaryValue"])
        except ValueError:
            raise _fail(path, number, "primaryValue", f"{record['primaryValue']!r} is not a number") from None
        if not value >= 0:
            raise _fail(path, number, "primaryValue", f"{record['primaryValue']!r} is negative or not a number")
        if record[valued] != record["primaryValue"]:
            raise _fail(
                path,
                number,
                valued,
                f"{record[valued]!r} differs from primaryValue {record['primaryValue']!r}: {flow} are valued "
                f"{valuation}, so the primary value must be the {valued}",
            )
        flags = {c: BOOLEANS[_expect(path, number, record, c, set(BOOLEANS))] for c in ("isReported", "isAggregate")}
        rows.append(
            dict(
                year=int(record["refYear"]),
                reporter=reporter,
                partner=who,
                flow=flow,
                valuation=valuation,
                commodity=commodity,
                commodity_name=record["cmdDesc"],
                classification=classification,
                value_usd_millions=value / 1e6,
                is_reported=flags["isReported"],
                is_aggregate=flags["isAggregate"],
                source_id=source_id,
                _line=number,
            )
        )
    frame = pd.DataFrame(rows, columns=COMTRADE_COLUMNS + ["_line"])
    dupes = frame.duplicated(COMTRADE_KEY, keep="first")
    if dupes.any():
        row = frame.loc[dupes].iloc[0]
        raise _fail(path, int(row["_line"]), "cmdCode", f"a second record for {dict(row[COMTRADE_KEY])}")
    classes = frame.groupby("year")["classification"].nunique()
    if (classes > 1).any():
        year = int(classes.idxmax())
        line = int(frame.loc[frame["year"].eq(year), "_line"].iloc[0])
        raise _fail(path, line, "classificationCode", f"more than one classification in {year}")
    return frame.drop(columns="_line")


def build_comtrade(raw: Path) -> pd.DataFrame:
    """The ``comtrade`` table: UN Comtrade as stored, one row per (year, reporter, partner, flow, commodity).

    Reporter CHN (partners KAZ, WLD) and KAZ (partners CHN, WLD), 2014–2024; commodity TOTAL or an HS chapter;
    value in million current US$ (imports CIF, exports FOB).  A record the files do not hold stays absent.
    """
    folder = raw / FOLDER
    source_id = provenance.read_record(folder)["sources"][0]["source_id"]
    frames = []
    for name, (reporter, partner) in FILES.items():
        path = folder / name
        if not path.exists():
            raise BuildError(f"{path}: missing; restore it from the stored copy ({folder / 'SOURCE.md'}).")
        frames.append(read_comtrade_file(path, reporter, partner, source_id))
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values(COMTRADE_KEY).reset_index(drop=True)
