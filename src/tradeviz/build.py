"""Raw sources -> curated tables (``tradeviz data build``).

A pure, deterministic function of ``data/raw``: the same raw files give byte-identical tables.
Every table is written atomically (temporary file, then rename) and only after all of them were
built, so a failing build leaves the previous tables untouched.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pycountry

from tradeviz import build_recent, countries, paths, provenance
from tradeviz.io import atomic_write_text

DOTS_SHEETS = {"Exports, FOB": ("exports", "FOB"), "Imports, CIF": ("imports", "CIF")}
DOTS_UNIT = "US Dollars, Millions"
DOTS_ESTIMATE_SUFFIX = " e"
DOTS_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
CPI_MONTHS_PER_YEAR = 12
# Indonesian number words: "juta" = million, "miliar" = billion; the decimal separator is a comma.
SEED_SENTENCE = re.compile(
    r"perdagangan antara China dan negara-negara Asia Tengah melonjak menjadi "
    r"(?P<end>[\d.,]+) (?P<end_unit>juta|miliar) dolar AS pada tahun (?P<end_year>\d{4}) "
    r"dari (?P<start>[\d.,]+) (?P<start_unit>juta|miliar) dolar AS pada tahun (?P<start_year>\d{4})"
)
INDONESIAN_UNITS = {"juta": ("million USD", 1.0), "miliar": ("billion USD", 1000.0)}
# Units as written in the press table: (unit, currency, factor to millions, qualifier).
PRESS_UNIT = re.compile(r"^(?P<scale>million|billion) (?P<currency>USD|CNY)(?: \((?P<qualifier>lower bound|approximate)\))?$")
SCALE_TO_MILLIONS = {"million": 1.0, "billion": 1000.0}


class BuildError(ValueError):
    """A raw file the build cannot read as expected; the message names the file, the place and the fix."""


# --- IMF Direction of Trade Statistics --------------------------------------------------------

def dots_vintages(raw: Path) -> list[Path]:
    """Dated DOTS folders (``data/raw/imf-dots/YYYY-MM-DD``), oldest first."""
    folders = sorted(p for p in (raw / "imf-dots").iterdir() if p.is_dir())
    bad = [p.name for p in folders if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.name)]
    if bad:
        raise BuildError(f"{raw / 'imf-dots'}: folders must be named by vintage date YYYY-MM-DD; rename {bad}.")
    return folders


def _dots_value(cell, where: str) -> tuple[float, bool] | None:
    """A DOTS cell -> (value in US$ millions, IMF estimate flag); blank -> None."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return None
    estimate = isinstance(cell, str) and cell.endswith(DOTS_ESTIMATE_SUFFIX)
    text = cell[: -len(DOTS_ESTIMATE_SUFFIX)] if estimate else cell
    if isinstance(text, str) and DOTS_THOUSANDS.fullmatch(text):  # "1,191.26 e": estimates over 1,000 are grouped
        text = text.replace(",", "")
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise BuildError(f"{where}: {cell!r} is not a number (nor a number with the IMF ' e' estimate suffix).") from None
    if value < 0 or value != value:
        raise BuildError(f"{where}: trade value {cell!r} is negative or not a number.")
    return value, estimate


def _dots_sheets(path: Path, names: Path):
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
        years = {}
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


def _dots_row(grid, r: int, years: dict, where: str) -> dict:
    """One partner row of a DOTS sheet: year -> (value, estimate) for the non-blank cells."""
    cells = {}
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
    mapping, seen = {}, {}
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
        seen: dict[str, tuple[int, dict]] = {}
        for r in range(7, grid.shape[0]):
            label = grid.iat[r, 1]
            if pd.isna(label) or not str(label).strip():
                continue
            label = str(label).strip()
            cells = _dots_row(grid, r, years, where)
            if label in seen:
                if seen[label][1] != cells:
                    raise BuildError(f"{where}: partner {label!r} is in rows {seen[label][0] + 1} and {r + 1} "
                                     "with different values; which one holds is not knowable from the workbook.")
                continue
            seen[label] = (r, cells)
            if label not in mapping:
                unmapped.add(label)
                continue
            partner, kind = mapping[label]
            for year, (value, estimate) in cells.items():
                rows.append((year, reporter, partner, kind, flow, valuation, value, estimate, source_id))
    return pd.DataFrame(rows, columns=PARTNER_TRADE_COLUMNS), unmapped


PARTNER_TRADE_COLUMNS = ["year", "reporter", "partner", "partner_kind", "flow", "valuation", "value_usd_millions",
                         "imf_estimate", "source_id"]


def build_partner_trade(raw: Path) -> pd.DataFrame:
    """Each reporter's trade with every DOTS partner (countries, former countries, aggregates, residuals).

    All DOTS vintages; for a key present in several, the newest vintage wins.  Stops with a :class:`BuildError`
    listing every partner label that ``imf-dots/partner_names.json`` does not map, so none is dropped silently.
    """
    names = raw / "imf-dots" / "country_names.json"
    partner_names = raw / "imf-dots" / "partner_names.json"
    frames, unmapped = [], {}
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
        raise BuildError(f"{partner_names}: no code for {len(unmapped)} DOTS partner label(s); add each to the section "
                         f"of its kind ({', '.join(PARTNER_KINDS)}):\n  {listing}")
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

PUBLISHED_COLUMNS = [
    "figure_id", "year", "period", "partner", "side", "measure", "value", "unit", "currency", "qualifier",
    "value_usd_millions", "statistical_source", "page_url", "page_date", "quoted_text", "note", "in_series",
    "source_id",
]


def _seed_figures(raw: Path) -> list[dict]:
    folder = raw / "seed-article"
    source_id = provenance.read_record(folder)["sources"][0]["source_id"]
    path = folder / "rmol_2022-01-26_xi_central_asia.txt"
    text = path.read_text(encoding="utf-8")
    match = SEED_SENTENCE.search(text)
    if not match:
        raise BuildError(f"{path}: the trade sentence ('perdagangan antara China dan negara-negara Asia Tengah "
                         "melonjak menjadi ...') was not found; the extraction pattern needs updating.")
    sentence = text[text.rfind("\n", 0, match.start()) + 1 : text.find("\n", match.end())].strip()
    figures = []
    for end in ("start", "end"):
        unit, factor = INDONESIAN_UNITS[match[f"{end}_unit"]]
        value = float(match[end].replace(".", "").replace(",", "."))
        figures.append(dict(
            figure_id=f"{source_id}#{end}", year=int(match[f"{end}_year"]), period="full_year",
            partner=countries.GROUP, side="china", measure="total_trade", value=value, unit=unit, currency="USD", qualifier="exact",
            value_usd_millions=round(value * factor, 6),
            statistical_source="Global Times (2022-01-26), as quoted by RMOL",
            page_url="", page_date="2022-01-26", quoted_text=sentence,
            note="Figures from the January 2022 summit, as reported by Chinese state media.", in_series=False,
            source_id=source_id,
        ))
    return figures


def _press_figures(raw: Path) -> list[dict]:
    folder = raw / "press-quoted-figures"
    source_id = provenance.read_record(folder)["sources"][0]["source_id"]
    path = folder / "china_central_asia_trade_press_figures.csv"
    names = folder / "country_names.json"
    sides = countries.source_mapping(folder / "figure_sides.json")
    figures = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            where = f"{path.name} line {line}"
            if str(line) not in sides:
                raise BuildError(f"{where}: no side for this line in {folder / 'figure_sides.json'}; add it.")
            unit = PRESS_UNIT.match(row["unit"].strip())
            if not unit:
                raise BuildError(f"{where}, column unit: {row['unit']!r} is not '<million|billion> <USD|CNY> [(lower bound|approximate)]'.")
            if row["measure"] not in MEASURES:
                raise BuildError(f"{where}, column measure: {row['measure']!r} is not one of {sorted(MEASURES)}.")
            try:
                value = float(row["value"])
                year = int(row["year"])
            except ValueError:
                raise BuildError(f"{where}: year {row['year']!r} / value {row['value']!r} must be numbers.") from None
            factor = SCALE_TO_MILLIONS[unit["scale"]]
            figures.append(dict(
                figure_id=f"{source_id}#{line}", year=year, period="full_year",
                partner=countries.resolve_source_label(row["partner"], names), side=sides[str(line)],
                measure=row["measure"], value=value, unit=f"{unit['scale']} {unit['currency']}",
                currency=unit["currency"], qualifier=(unit["qualifier"] or "exact").replace(" ", "_"),
                value_usd_millions=round(value * factor, 6) if unit["currency"] == "USD" else None,
                statistical_source=row["statistical_source_as_stated"], page_url=row["page_url"],
                page_date=row["page_date"], quoted_text=row["quoted_text"], note="", in_series=False,
                source_id=source_id,
            ))
    return figures


MEASURES = {"total_trade", "china_exports", "china_imports"}


def build_published(raw: Path) -> pd.DataFrame:
    """Every published figure: the seed article, the first press table and the 2019–2025 transcriptions."""
    figures = _seed_figures(raw) + _press_figures(raw) + build_recent.trade_figures(raw)
    frame = pd.DataFrame(figures, columns=PUBLISHED_COLUMNS)
    return frame.sort_values(["year", "partner", "side", "measure", "period", "figure_id"]).reset_index(drop=True)


SERIES_COLUMNS = ["year", "partner", "side", "reporter", "measure", "value_usd_millions", "qualifier",
                  "figure_id", "source_id"]


def build_published_series(raw: Path) -> pd.DataFrame:
    """One full-year US$ figure per (year, partner, side, measure): the rows marked ``series`` in the raw table.

    ``reporter`` is whose statistics: CHN for China's customs, the partner's ISO3 for its own.  Never filled
    by arithmetic: a figure no page gives is absent (and listed in the data dictionary).
    """
    rows = build_published(raw)
    rows = rows.loc[rows["in_series"]].copy()
    rows["reporter"] = rows["partner"].where(rows["side"].eq("partner"), countries.CHINA)
    return rows.sort_values(["partner", "side", "measure", "year"]).reset_index(drop=True)[SERIES_COLUMNS]


def _frame(rows: list[dict], order: list[str], integers: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for col in integers:
        frame[col] = frame[col].astype("Int64")
    return frame.sort_values(order).reset_index(drop=True)


def build_published_places(raw: Path) -> pd.DataFrame:
    """China's and Russia's published ranks and shares in the five's trade after 2020, with the quotes stating them."""
    frame = _frame(build_recent.partner_places(raw), ["reporter", "year", "period", "partner", "measure", "figure_id"])
    return frame


def build_targets(raw: Path) -> pd.DataFrame:
    return _frame(build_recent.targets(raw), ["scope", "announced_date", "target_id"],
                  ("deadline_year", "announced_year"))


def build_pledges(raw: Path) -> pd.DataFrame:
    return _frame(build_recent.pledges(raw), ["pledge_id", "kind", "announced_date", "figure_id"])


def build_gas_imports(raw: Path) -> pd.DataFrame:
    return _frame(build_recent.gas_imports(raw), ["supplier", "year", "period", "figure_id"])


# --- borders, BRI ---------------------------------------------------------------------------

def build_borders(raw: Path) -> pd.DataFrame:
    """Land border with China per partner, from both the partner's and China's Factbook profile."""
    folder = raw / "cia-factbook-json"
    source_id = provenance.read_record(folder)["sources"][0]["source_id"]
    by_iso = {iso: code for code, iso in countries.source_mapping(folder / "country_names.json").items()}

    def border_text(iso: str) -> str:
        path = folder / f"{by_iso[iso]}.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))["Geography"]["Land boundaries"]["border countries"]["text"]
        except KeyError as exc:
            raise BuildError(f"{path}: no Geography > Land boundaries > border countries > text ({exc}).") from None

    china_text = border_text(countries.CHINA)
    rows = []
    for iso in countries.FIVE:
        text = border_text(iso)
        from_partner = re.search(r"\bChina ([\d,]+) km", text)
        from_china = re.search(rf"\b{re.escape(countries.name(iso))} ([\d,]+) km", china_text)
        km = [int(m[1].replace(",", "")) if m else None for m in (from_partner, from_china)]
        if km[0] != km[1]:
            raise BuildError(f"{folder}: {iso} border with China is {km[0]} km in its own profile but {km[1]} km in China's.")
        rows.append(dict(country=iso, borders_china=km[0] is not None, border_length_km=km[0],
                         border_text=text, source_id=source_id))
    frame = pd.DataFrame(rows)
    frame["border_length_km"] = frame["border_length_km"].astype("Int64")
    return frame


BRI_PRECISIONS = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}", "none": r""}


def build_bri(raw: Path) -> pd.DataFrame:
    folder = raw / "press-quoted-figures"
    source_id = provenance.read_record(folder)["sources"][0]["source_id"]
    path = folder / "bri_cooperation_documents.csv"
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            precision = row["date_precision"]
            if precision not in BRI_PRECISIONS or not re.fullmatch(BRI_PRECISIONS[precision], row["date"]):
                raise BuildError(f"{path.name} line {line}: date {row['date']!r} does not match precision {precision!r}.")
            rows.append(dict(
                country=countries.resolve_source_label(row["country"], folder / "country_names.json"),
                event=row["event"], date=row["date"] or None, date_precision=precision,
                year=int(row["date"][:4]) if row["date"] else None, note=row["note"],
                page_url=row["page_url"], page_date=row["page_date"], quoted_text=row["quoted_text"],
                source_id=source_id,
            ))
    frame = pd.DataFrame(rows)
    frame["year"] = frame["year"].astype("Int64")
    return frame.sort_values(["country", "date", "event"], na_position="last").reset_index(drop=True)


# --- context series -------------------------------------------------------------------------

CONTEXT_COLUMNS = ["indicator", "country", "year", "value", "unit", "source_id"]
WDI_FILES = {
    "gdp_china_central_asia.csv": ("gdp_current_usd", "current US$", "worldbank-wdi-gdp"),
    "population_china_central_asia.csv": ("population", "persons", "worldbank-wdi-population"),
}


def build_context(raw: Path) -> pd.DataFrame:
    folder = raw / "worldbank-wdi-datahub"
    known = {s["source_id"] for s in provenance.read_record(folder)["sources"]}
    frames = []
    for name, (indicator, unit, source_id) in WDI_FILES.items():
        if source_id not in known:
            raise BuildError(f"{folder / provenance.RECORD}: no source {source_id!r} for {name}.")
        wdi = pd.read_csv(folder / name, dtype={"Country Code": str})
        bad = pd.to_numeric(wdi["Value"], errors="coerce").isna()
        if bad.any():
            raise BuildError(f"{name} line {bad.idxmax() + 2}, column Value: {wdi['Value'][bad].iloc[0]!r} is not a number.")
        frames.append(pd.DataFrame({"indicator": indicator, "country": wdi["Country Code"], "year": wdi["Year"],
                                    "value": wdi["Value"].astype(float), "unit": unit, "source_id": source_id}))
    cpi_folder = raw / "us-cpi-datahub"
    cpi_source = provenance.read_record(cpi_folder)["sources"][0]["source_id"]
    monthly = pd.read_csv(cpi_folder / "cpiai.csv", dtype={"Date": str})
    monthly["year"] = monthly["Date"].str[:4].astype(int)
    annual = monthly.groupby("year")["Index"].agg(["mean", "count"])
    annual = annual[annual["count"] == CPI_MONTHS_PER_YEAR]
    frames.append(pd.DataFrame({"indicator": "us_cpi_u_annual_average", "country": "USA", "year": annual.index,
                                "value": annual["mean"].round(6).to_numpy(), "unit": "index, 1982-84=100",
                                "source_id": cpi_source}))
    context = pd.concat(frames, ignore_index=True)
    return context.sort_values(["indicator", "country", "year"]).reset_index(drop=True)[CONTEXT_COLUMNS]


# --- reference tables -----------------------------------------------------------------------

def build_countries() -> pd.DataFrame:
    rows = []
    for iso, role in [(countries.CHINA, "reporter")] + [(c, "partner") for c in countries.FIVE] + [("USA", "context")]:
        c = pycountry.countries.get(alpha_3=iso)
        rows.append(dict(iso3=iso, iso2=c.alpha_2, name=c.name, official_name=getattr(c, "official_name", c.name), role=role))
    rows.append(dict(iso3=countries.GROUP, iso2=None, name=countries.name(countries.GROUP),
                     official_name="Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan together", role="aggregate"))
    rows.append(dict(iso3=countries.WORLD, iso2=None, name="World", official_name="World (all partners)", role="aggregate"))
    return pd.DataFrame(rows)


def build_sources(raw: Path) -> pd.DataFrame:
    return pd.DataFrame(provenance.sources(raw))


BUILDERS = {
    "sources": build_sources,
    "countries": lambda raw: build_countries(),
    "trade": build_trade,
    "dots_partners": build_dots_partners,
    "partner_trade": build_partner_trade,
    "published": build_published,
    "published_series": build_published_series,
    "published_places": build_published_places,
    "targets": build_targets,
    "pledges": build_pledges,
    "gas_imports": build_gas_imports,
    "borders": build_borders,
    "bri": build_bri,
    "context": build_context,
}


def build_all(raw: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every curated table, in memory (nothing written); refuses raw files whose checksum changed."""
    if raw is None:
        paths.require_full_raw("Building the curated tables")
        raw = paths.raw_dir()
    problems = provenance.verify(raw)
    if problems:
        raise provenance.ProvenanceError(
            "raw files do not match their provenance records, so nothing was built:\n"
            + "\n".join(f"  {p}" for p in problems))
    return {name: builder(raw) for name, builder in BUILDERS.items()}


def to_csv_text(frame: pd.DataFrame) -> str:
    """Deterministic CSV: fixed column order, '\\n' line ends, shortest round-trip float repr, booleans as true/false."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = out[col].map({True: "true", False: "false"})
    return out.to_csv(index=False, lineterminator="\n")


def _coverage(frame: pd.DataFrame) -> str:
    if "year" not in frame or frame["year"].dropna().empty:
        return ""
    years = frame["year"].dropna().astype(int)
    return f"{years.min()}–{years.max()}"


def data_dictionary(tables: dict[str, pd.DataFrame], descriptor: Path | None = None) -> str:
    """``data/README.md``: the data dictionary, generated from the Data Package so it is written once."""
    package = json.loads((descriptor or paths.datapackage_path()).read_text(encoding="utf-8"))
    lines = [
        f"# {package['title']}", "", package["description"], "",
        "Generated by `tradeviz data build` from `datapackage.json` (edit that file, not this one).",
        "Raw inputs are in `raw/<source>/`, each folder with the upstream `SOURCE.md`, a `provenance.json`",
        "record (producer, title, address, version, dates, licence, filter, sha256 of every file).", "",
        "| table | rows | years | primary key |", "|---|---|---|---|",
    ]
    gaps = ["", "## What the sources lack", ""] + [f"- {gap}" for gap in package.get("gaps", [])]
    if "published_series" in tables:
        gaps += ["", "Published figures, " f"{build_recent.SERIES_FIRST}–{build_recent.SERIES_LAST}: every full-year "
                 "value no page in our sources gives (generated from published_series; never filled by arithmetic):", ""]
        gaps += [f"- {line}" for line in build_recent.missing_lines(tables["published_series"])]
    for res in package["resources"]:
        frame = tables[res["name"]]
        key = ", ".join(res["schema"].get("primaryKey", []))
        lines.append(f"| [{res['name']}](#{res['name']}) (`{res['path']}`) | {len(frame)} | {_coverage(frame)} | {key} |")
    lines += gaps
    for res in package["resources"]:
        lines += ["", f"## {res['name']}", "", f"**{res['title']}.** {res['description']}", "",
                  "| field | type | unit | meaning |", "|---|---|---|---|"]
        for field in res["schema"]["fields"]:
            rules = field.get("constraints", {})
            notes = []
            if "enum" in rules:
                notes.append("one of " + ", ".join(f"`{v}`" for v in rules["enum"]))
            if "minimum" in rules:
                notes.append(f"≥ {rules['minimum']}")
            if rules.get("required"):
                notes.append("required")
            meaning = field["description"] + (f" ({'; '.join(notes)})" if notes else "")
            lines.append(f"| `{field['name']}` | {field['type']} | {field.get('unit', '')} | {meaning} |")
        for fk in res["schema"].get("foreignKeys", []):
            lines.append(f"\nForeign key: `{fk['fields']}` → `{fk['reference']['resource']}.{fk['reference']['fields']}`.")
    return "\n".join(lines) + "\n"


def outputs(tables: dict[str, pd.DataFrame]) -> dict[Path, str]:
    """Every file the build writes, with its text: the curated tables and the data dictionary."""
    texts = {paths.curated_dir() / f"{name}.csv": to_csv_text(frame) for name, frame in tables.items()}
    texts[paths.data_dir() / "README.md"] = data_dictionary(tables)
    return texts


def write_all(tables: dict[str, pd.DataFrame]) -> list[Path]:
    """Write every output atomically; all are rendered in memory before any is written."""
    texts = outputs(tables)
    for path, text in texts.items():
        atomic_write_text(path, text)
    return list(texts)
