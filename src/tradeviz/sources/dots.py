"""IMF Direction of Trade Statistics (``data/raw/imf-dots/<vintage>/``): bilateral and every-partner trade."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pycountry

from tradeviz import countries
from tradeviz.errors import BuildError
from tradeviz.sources import provenance

DOTS_SHEETS = {"Exports, FOB": ("exports", "FOB"), "Imports, CIF": ("imports", "CIF")}
DOTS_UNIT = "US Dollars, Millions"
DOTS_ESTIMATE_SUFFIX = " e"
DOTS_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


# --- IMF Direction of Trade Statistics --------------------------------------------------------


def dots_vintages(raw: Path) -> list[Path]:
    """Dated DOTS folders (``data/raw/imf-dots/YYYY-MM-DD``), oldest first."""
    folders = sorted(p for p in (raw / "imf-dots").iterdir() if p.is_dir())
    bad = [p.name for p in folders if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.name)]
    if bad:
        raise BuildError(f"{raw / 'imf-dots'}: folders must be named by vintage date YYYY-MM-DD; rename {bad}.")
    return folders


def _dots_value(cell: str | float | None, where: str) -> tuple[float, bool] | None:
    """A DOTS cell -> (value in US$ millions, IMF estimate flag); blank -> None."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return None
    text, estimate = cell, False
    if isinstance(cell, str) and cell.endswith(DOTS_ESTIMATE_SUFFIX):
        text, estimate = cell[: -len(DOTS_ESTIMATE_SUFFIX)], True
    if isinstance(text, str) and DOTS_THOUSANDS.fullmatch(text):  # "1,191.26 e": estimates over 1,000 are grouped
        text = text.replace(",", "")
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise BuildError(
            f"{where}: {cell!r} is not a number (nor a number with the IMF ' e' estimate suffix)."
        ) from None
    if value < 0 or value != value:
        raise BuildError(f"{where}: trade value {cell!r} is negative or not a number.")
    return value, estimate


def _dots_sheets(path: Path, names: Path) -> Iterator[tuple[str, str, str, str, pd.DataFrame, dict[int, int]]]:
    """Each sheet of one IMF DOTS 'by reporter' workbook: (flow, valuation, reporter, where, grid, years).

    ``years`` maps column index -> year, for every column from 1992 on.
    """
    # keep_default_na=False: "n/a" or "-" in a cell must be an error, not a silent NaN.
    sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, keep_default_na=False, na_values=[""])
    for sheet, (flow, valuation) in DOTS_SHEETS.items():
        if sheet not in sheets:
            raise BuildError(f"{path}: no sheet {sheet!r} (found {list(sheets)}); is this an IMF DOTS workbook?")
        grid = sheets[sheet]
        where = f"{path.name} [{sheet}]"
        reporter = countries.resolve_source_label(str(grid.iat[3, 1]).strip(), names)
        if str(grid.iat[4, 1]).strip() != DOTS_UNIT:
            raise BuildError(f"{where} cell B5: unit {grid.iat[4, 1]!r}, expected {DOTS_UNIT!r}.")
        years: dict[int, int] = {}
        for col in range(2, grid.shape[1]):
            label = grid.iat[6, col]
            if pd.isna(label):
                continue
            try:
                years[col] = int(label)
            except (TypeError, ValueError):
                raise BuildError(f"{where} row 7: column header {label!r} is not a year.") from None
        years = {col: year for col, year in years.items() if year >= countries.FIRST_YEAR_AS_STATES}
        yield flow, valuation, reporter, where, grid, years


def _dots_row(grid: pd.DataFrame, r: int, years: dict[int, int], where: str) -> dict[int, tuple[float, bool]]:
    """One partner row of a DOTS sheet: year -> (value, estimate) for the non-blank cells."""
    cells: dict[int, tuple[float, bool]] = {}
    for col, year in years.items():
        cell = _dots_value(grid.iat[r, col], f"{where} row {r + 1}, year {year}")
        if cell is not None:
            cells[year] = cell
    return cells


def read_dots_workbook(path: Path, source_id: str, names: Path) -> pd.DataFrame:
    """One IMF DOTS 'by reporter' workbook -> tidy rows for China and the five (and World)."""
    rows = []
    mapping = countries.source_mapping(names)
    for flow, valuation, reporter, where, grid, years in _dots_sheets(path, names):
        keep = {countries.WORLD} | ({countries.CHINA} if reporter != countries.CHINA else set(countries.FIVE))
        for r in range(7, grid.shape[0]):
            label = grid.iat[r, 1]
            partner = mapping.get(str(label).strip()) if not pd.isna(label) else None
            if partner not in keep:
                continue
            for year, cell in _dots_row(grid, r, years, where).items():
                rows.append((year, reporter, partner, flow, valuation, cell[0], cell[1], source_id))
    return pd.DataFrame(rows, columns=TRADE_COLUMNS)


PARTNER_KINDS = ("country", "former_country", "aggregate", "unallocated")
"""Kinds of DOTS partner rows (sections of ``partner_names.json``): only countries and former countries are
ranked; aggregates (World, regions, IMF groups) and the 'not specified' residuals are never mapped to a country."""


def dots_partner_names(path: Path) -> dict[str, tuple[str, str]]:
    """``partner_names.json``: DOTS partner label -> (code, kind); a code used twice is an error."""
    document = json.loads(path.read_text(encoding="utf-8"))
    unknown = [k for k in document if not k.startswith("_") and k not in PARTNER_KINDS]
    if unknown:
        raise BuildError(f"{path}: sections {unknown} are not partner kinds {list(PARTNER_KINDS)}.")
    mapping: dict[str, tuple[str, str]] = {}
    seen: dict[str, str] = {}
    for kind in PARTNER_KINDS:
        for label, code in document.get(kind, {}).items():
            if code in seen and seen[code] != label:
                raise BuildError(f"{path}: code {code!r} is given to both {seen[code]!r} and {label!r}.")
            seen[code] = label
            mapping[label] = (code, kind)
    return mapping


def read_dots_partners(path: Path, source_id: str, names: Path, partner_names: Path) -> tuple[pd.DataFrame, set[str]]:
    """Every partner row of one DOTS workbook -> (tidy rows, labels missing from ``partner_names``).

    A label written twice in one sheet (the IMF layout repeats 'Australia') is kept once when both rows hold the
    same values, and is an error otherwise.
    """
    mapping = dots_partner_names(partner_names)
    rows, unmapped = [], set()
    for flow, valuation, reporter, where, grid, years in _dots_sheets(path, names):
        seen: dict[str, tuple[int, dict[int, tuple[float, bool]]]] = {}
        for r in range(7, grid.shape[0]):
            label = grid.iat[r, 1]
            if pd.isna(label) or not str(label).strip():
                continue
            label = str(label).strip()
            cells = _dots_row(grid, r, years, where)
            if label in seen:
                if seen[label][1] != cells:
                    raise BuildError(
                        f"{where}: partner {label!r} is in rows {seen[label][0] + 1} and {r + 1} "
                        "with different values; which one holds is not knowable from the workbook."
                    )
                continue
            seen[label] = (r, cells)
            if label not in mapping:
                unmapped.add(label)
                continue
            partner, kind = mapping[label]
            for year, (value, estimate) in cells.items():
                rows.append((year, reporter, partner, kind, flow, valuation, value, estimate, source_id))
    return pd.DataFrame(rows, columns=PARTNER_TRADE_COLUMNS), unmapped


PARTNER_TRADE_COLUMNS = [
    "year",
    "reporter",
    "partner",
    "partner_kind",
    "flow",
    "valuation",
    "value_usd_millions",
    "imf_estimate",
    "source_id",
]


def build_partner_trade(raw: Path) -> pd.DataFrame:
    """Each reporter's trade with every DOTS partner (countries, former countries, aggregates, residuals).

    All DOTS vintages; for a key present in several, the newest vintage wins.  Stops with a :class:`BuildError`
    listing every partner label that ``imf-dots/partner_names.json`` does not map, so none is dropped silently.
    """
    names = raw / "imf-dots" / "country_names.json"
    partner_names = raw / "imf-dots" / "partner_names.json"
    frames: list[pd.DataFrame] = []
    unmapped: dict[str, list[str]] = {}
    for order, folder in enumerate(dots_vintages(raw)):
        source_ids = [s["source_id"] for s in provenance.read_record(folder)["sources"]]
        for path in sorted(folder.glob("*.xlsx")):
            frame, missing = read_dots_partners(path, source_ids[0], names, partner_names)
            for label in missing:
                unmapped.setdefault(label, []).append(f"{folder.name}/{path.name}")
            frame["_vintage"] = order
            frames.append(frame)
    if unmapped:
        listing = "\n  ".join(f"{label!r} (in {', '.join(where)})" for label, where in sorted(unmapped.items()))
        raise BuildError(
            f"{partner_names}: no code for {len(unmapped)} DOTS partner label(s); add each to the section "
            f"of its kind ({', '.join(PARTNER_KINDS)}):\n  {listing}"
        )
    if not frames:
        raise BuildError(f"{raw / 'imf-dots'}: no DOTS workbooks.")
    table = pd.concat(frames, ignore_index=True)
    dupes = table.duplicated(TRADE_KEY + ["_vintage"], keep=False)
    if dupes.any():
        raise BuildError(f"DOTS: the same (year, reporter, partner, flow) twice in one vintage:\n{table[dupes].head()}")
    table = table.sort_values(TRADE_KEY + ["_vintage"]).drop_duplicates(TRADE_KEY, keep="last")
    return table.drop(columns="_vintage").sort_values(TRADE_KEY).reset_index(drop=True)


def build_dots_partners(raw: Path) -> pd.DataFrame:
    """Every code of ``partner_names.json``: kind, English name and the DOTS label it stands for."""
    rows = []
    for label, (code, kind) in dots_partner_names(raw / "imf-dots" / "partner_names.json").items():
        if kind == "country" and code != countries.WORLD:
            found = pycountry.countries.get(alpha_3=code)
        elif kind == "former_country":
            found = pycountry.historic_countries.get(alpha_3=code)
        else:
            found = None
        rows.append(dict(code=code, kind=kind, name=found.name if found else label, dots_label=label))
    return pd.DataFrame(rows).sort_values("code").reset_index(drop=True)


TRADE_COLUMNS = ["year", "reporter", "partner", "flow", "valuation", "value_usd_millions", "imf_estimate", "source_id"]
TRADE_KEY = ["year", "reporter", "partner", "flow"]


def build_trade(raw: Path) -> pd.DataFrame:
    """All DOTS vintages; for a key present in several, the newest vintage wins."""
    names = raw / "imf-dots" / "country_names.json"
    frames = []
    for order, folder in enumerate(dots_vintages(raw)):
        source_ids = [s["source_id"] for s in provenance.read_record(folder)["sources"]]
        workbooks = sorted(folder.glob("*.xlsx"))
        if not workbooks:
            raise BuildError(f"{folder}: no .xlsx workbooks in this DOTS vintage folder.")
        for path in workbooks:
            frame = read_dots_workbook(path, source_ids[0], names)
            frame["_vintage"] = order
            frames.append(frame)
    trade = pd.concat(frames, ignore_index=True)
    dupes = trade.duplicated(TRADE_KEY + ["_vintage"], keep=False)
    if dupes.any():
        raise BuildError(f"DOTS: the same (year, reporter, partner, flow) twice in one vintage:\n{trade[dupes].head()}")
    trade = trade.sort_values(TRADE_KEY + ["_vintage"]).drop_duplicates(TRADE_KEY, keep="last")
    return trade.drop(columns="_vintage").sort_values(TRADE_KEY).reset_index(drop=True)


# --- published figures ---------------------------------------------------------------------
