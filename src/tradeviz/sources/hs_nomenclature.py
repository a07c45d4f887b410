"""The Harmonized System nomenclature as stored (``data/raw/hs-nomenclature``): HS 2022 sections, chapters, headings.

The Frictionless ``harmonized-system`` data package (ODC-PDDL): ``sections.csv`` (21 sections, a UTF-8 BOM) and
``harmonized-system.csv`` (``section,hscode,description,parent,level``; levels 2, 4 and 6).  Only sections,
chapters (level 2) and headings (level 4) are curated; 6-digit subheadings are read and checked but not kept.
The reader is strict: a code that is not the level's digits, a heading whose parent is not its chapter, a section
that is not in ``sections.csv`` or a duplicate code stops the build with the file, line and column.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from tradeviz.errors import BuildError
from tradeviz.sources import provenance

FOLDER = "hs-nomenclature"
EDITION = "HS 2022"
SECTIONS_FILE = "sections.csv"
CODES_FILE = "harmonized-system.csv"
ROMAN = [
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
    "XVIII",
    "XIX",
    "XX",
    "XXI",
]
LEVELS = {"2": "chapter", "4": "heading", "6": "subheading"}
UNSPECIFIED = "unspecified"
"""The section given to chapter 99 ("Commodities not specified according to kind"), which upstream files under
the pseudo-section TOTAL: it is no HS section, so it gets this label and number 22, after the 21 sections."""
SECTIONS = [*ROMAN, UNSPECIFIED]
HS_NOMENCLATURE_COLUMNS = [
    "level",
    "code",
    "section",
    "section_number",
    "chapter",
    "description",
    "edition",
    "source_id",
]


def _fail(path: Path, line: int, column: str, message: str) -> BuildError:
    return BuildError(f"{path} line {line}, column {column}: {message}; restore the file from the stored copy.")


def _rows(path: Path, header: list[str]) -> list[tuple[int, dict[str, str]]]:
    if not path.exists():
        raise BuildError(f"{path}: missing; restore it from the stored copy ({path.parent / 'SOURCE.md'}).")
    text = path.read_bytes().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    if not lines or lines[0] != header:
        raise _fail(path, 1, "header", f"{lines[0] if lines else []} is not {header}")
    out = []
    for number, fields in enumerate(lines[1:], start=2):
        if not fields:
            continue
        if len(fields) != len(header):
            raise _fail(path, number, header[-1], f"{len(fields)} fields, expected {len(header)}")
        out.append((number, dict(zip(header, fields, strict=True))))
    return out


def build_hs_nomenclature(raw: Path) -> pd.DataFrame:
    """The ``hs_nomenclature`` table: HS 2022 sections (I–XXI), chapters (2 digits) and headings (4 digits).

    One row per (level, code) with the section (Roman numeral and number 1–21; chapter 99 "unspecified", 22),
    the chapter (empty for a section) and the description as given upstream.  Upstream's grand-total row is not
    a code and is left out.
    """
    folder = raw / FOLDER
    source_id = provenance.read_record(folder)["sources"][0]["source_id"]
    path = folder / SECTIONS_FILE
    rows = []
    for number, record in _rows(path, ["section", "name"]):
        if record["section"] not in ROMAN:
            raise _fail(path, number, "section", f"{record['section']!r} is not a section I–XXI")
        rows.append(dict(level="section", code=record["section"], chapter="", description=record["name"]))
    if [r["code"] for r in rows] != ROMAN:
        raise _fail(path, 2, "section", f"sections {[r['code'] for r in rows]} are not I–XXI in order")
    rows.append(
        dict(
            level="section",
            code=UNSPECIFIED,
            chapter="",
            description="Commodities not specified according to kind (chapter 99; not an HS section)",
        )
    )
    path = folder / CODES_FILE
    chapters: dict[str, str] = {}
    for number, record in _rows(path, ["section", "hscode", "description", "parent", "level"]):
        level, code = LEVELS.get(record["level"]), record["hscode"]
        if record["level"] == "5" and code == "TOTAL":
            continue  # the grand total of all commodities: not a code
        if record["section"] == "TOTAL" and code.startswith("99"):
            record["section"] = UNSPECIFIED
        if level is None:
            raise _fail(path, number, "level", f"{record['level']!r} is not 2, 4 or 6")
        if not re.fullmatch(rf"\d{{{record['level']}}}", code):
            raise _fail(path, number, "hscode", f"{code!r} is not a {record['level']}-digit code (read as text)")
        if record["section"] not in SECTIONS:
            raise _fail(path, number, "section", f"{record['section']!r} is not a section I–XXI")
        expected_parent = "TOTAL" if level == "chapter" else code[: len(code) - 2]
        if record["parent"] != expected_parent:
            raise _fail(path, number, "parent", f"{record['parent']!r} is not {expected_parent!r}")
        if level == "chapter":
            chapters[code] = record["section"]
        elif chapters.get(code[:2]) != record["section"]:
            raise _fail(path, number, "section", f"{record['section']!r} is not the section of chapter {code[:2]}")
        if level != "subheading":
            rows.append(dict(level=level, code=code, chapter=code[:2], description=record["description"]))
            rows[-1].update(section=record["section"], _line=str(number))
    table = pd.DataFrame(rows)
    table.loc[table["level"].eq("section"), "section"] = table["code"]
    dupes = table.duplicated(["level", "code"])
    if dupes.any():
        raise _fail(path, int(table.loc[dupes, "_line"].iloc[0]), "hscode", "a code given twice")
    table["section_number"] = table["section"].map({s: i for i, s in enumerate(SECTIONS, start=1)}).astype("int64")
    table["edition"] = EDITION
    table["source_id"] = source_id
    order = table["level"].map({"section": 0, "chapter": 1, "heading": 2})
    table = table.assign(_order=order).sort_values(["_order", "section_number", "code"])
    return table[HS_NOMENCLATURE_COLUMNS].reset_index(drop=True)
