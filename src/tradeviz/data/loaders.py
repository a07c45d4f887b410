"""Loaders: curated tables as typed pandas DataFrames, checked against ``data/datapackage.json``.

The Data Package descriptor is the one place where each table's fields, types, units and keys are
written; the loaders read their column types from it.  Loading stops with a :class:`DataError`
naming the file, the row and the column on a missing column, a value that does not parse, an
empty required value, a duplicate key or an unknown source id — never a silent NaN.  The full
validation (every constraint and foreign key) is ``tradeviz data validate``, with ``frictionless``.
"""

from __future__ import annotations

import json
from collections.abc import Set as AbstractSet
from functools import lru_cache
from pathlib import Path

import pandas as pd

from tradeviz import countries, paths
from tradeviz.errors import DataError

BOOLEAN = {"true": True, "false": False}


@lru_cache(maxsize=8)
def _read_descriptor(path: Path, mtime_ns: int) -> dict:
    fix = "restore it from git (it describes every curated table)"
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 (byte {exc.start}); {fix}.") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{path} line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg}); {fix}.") from None
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list) or not all(
        isinstance(r, dict)
        and isinstance(r.get("name"), str)
        and isinstance(r.get("path"), str)
        and isinstance(r.get("schema"), dict)
        and isinstance(r["schema"].get("fields"), list)
        for r in resources
    ):
        raise DataError(f"{path}: not a Data Package (each resource needs a name, a path and schema fields); {fix}.")
    return package


def _descriptor(path: Path) -> dict:
    if not path.exists():
        raise DataError(f"{path}: not found; restore it from git (it describes every curated table).")
    return _read_descriptor(path, path.stat().st_mtime_ns)


def resource(name: str) -> dict:
    """The Data Package resource called ``name``."""
    package = _descriptor(paths.datapackage_path())
    for res in package["resources"]:
        if res["name"] == name:
            return res
    names = ", ".join(r["name"] for r in package["resources"])
    raise DataError(f"No table {name!r} in {paths.datapackage_path()}. Tables: {names}.")


def _convert(column: pd.Series, field: dict, path: Path) -> pd.Series:
    """Parse one column of strings to the field's type; any value that does not parse is an error."""
    kind, present = field["type"], column.notna()
    if kind == "integer":
        out = pd.to_numeric(column, errors="coerce")
        bad = present & (out.isna() | (out % 1 != 0))
        out = out.astype("Int64") if not bad.any() else out
    elif kind == "number":
        out = pd.to_numeric(column, errors="coerce").astype("float64")
        bad = present & out.isna()
    elif kind == "boolean":
        out = column.map(BOOLEAN).astype("boolean")
        bad = present & out.isna()
    elif kind == "date":
        out = pd.to_datetime(column, format="%Y-%m-%d", errors="coerce")
        bad = present & out.isna()
    else:
        out = column if isinstance(column.dtype, pd.StringDtype) else column.astype("string")
        bad = present & False
    if bad.any():
        row = bad.idxmax()
        raise DataError(
            f"{path} row {row + 2}, column {field['name']!r}: {column[row]!r} is not a valid {kind}. "
            "Fix the value in the raw source and rebuild with `tradeviz data build`."
        )
    return out


def _check(frame: pd.DataFrame, res: dict, path: Path, known_sources: AbstractSet[str] | None) -> None:
    schema = res["schema"]
    for field in schema["fields"]:
        col, rules = field["name"], field.get("constraints", {})
        values = frame[col]
        problem = None
        if rules.get("required") and values.isna().any():
            problem, row = "is empty but required", values.isna().idxmax()
        elif "minimum" in rules and (values.dropna() < rules["minimum"]).any():
            row = values[values < rules["minimum"]].index[0]
            problem = f"= {values[row]} is below the minimum {rules['minimum']}"
        elif "enum" in rules and not values.dropna().isin(rules["enum"]).all():
            row = values[values.notna() & ~values.isin(rules["enum"])].index[0]
            problem = f"= {values[row]!r} is not one of {rules['enum']}"
        if problem:
            raise DataError(f"{path} row {row + 2}, column {col!r}: value {problem}.")
    key = schema.get("primaryKey", [])
    dupes = frame.duplicated(key, keep="first") if key else pd.Series(False, index=frame.index)
    if dupes.any():
        row = dupes.idxmax()
        values = ", ".join(f"{k}={frame.at[row, k]}" for k in key)
        raise DataError(f"{path} row {row + 2}: duplicate key ({values}); each ({', '.join(key)}) must appear once.")
    if known_sources is not None and "source_id" in frame:
        unknown = ~frame["source_id"].isin(known_sources)
        if unknown.any():
            row = unknown.idxmax()
            raise DataError(
                f"{path} row {row + 2}, column 'source_id': unknown source {frame.at[row, 'source_id']!r}; "
                "every source id must be in the sources table (add a provenance.json record to its raw folder)."
            )


def load_table(name: str) -> pd.DataFrame:
    """Any curated table by name, typed from the Data Package schema and checked.

    Parsed once per process and file version (path, size, modification time); each call returns a copy.
    """
    res = resource(name)
    path = paths.data_dir() / res["path"]
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise DataError(f"{path}: not found. Run `tradeviz data build` to create the curated tables.") from None
    sources = None if name == "sources" else _source_ids()
    return _parse(name, path, stat.st_size, stat.st_mtime_ns, sources).copy()


def check_tables() -> list[str]:
    """Load every table the Data Package describes, as the reports will: the first :class:`DataError` stops it.

    ``tradeviz render`` calls this before any kernel starts, so that bad data fails the render up front (exit 1,
    naming the file, row and column) and nothing of the site is replaced.  Returns the table names.
    """
    names = [res["name"] for res in _descriptor(paths.datapackage_path())["resources"]]
    for name in names:
        load_table(name)
    return names


def _source_ids() -> frozenset[str]:
    return frozenset(load_table("sources")["source_id"])


@lru_cache(maxsize=32)
def _parse(name: str, path: Path, size: int, mtime_ns: int, sources: frozenset[str] | None) -> pd.DataFrame:
    res = resource(name)
    # text columns are read as text directly; every other column as strings, parsed and checked by _convert
    kinds = {f["name"]: "string" if f["type"] == "string" else str for f in res["schema"]["fields"]}
    try:
        raw = pd.read_csv(path, dtype=kinds, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: empty (not even a header row). Rebuild it with `tradeviz data build`.") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        message = " ".join(str(exc).split())
        raise DataError(f"{path}: not a readable CSV ({message}). Rebuild it with `tradeviz data build`.") from None
    fields = res["schema"]["fields"]
    expected = [f["name"] for f in fields]
    missing = [c for c in expected if c not in raw.columns]
    if missing:
        raise DataError(
            f"{path}: missing column(s) {missing}; expected {expected}. Rebuild with `tradeviz data build`."
        )
    frame = pd.DataFrame({f["name"]: _convert(raw[f["name"]], f, path) for f in fields})
    _check(frame, res, path, sources)
    return frame


def _only(
    frame: pd.DataFrame, country: str | None, *columns: str, allowed: tuple[str, ...] = countries.FIVE
) -> pd.DataFrame:
    """Rows where any of ``columns`` is ``country`` (a name, ISO2/ISO3 code or variant); all rows if None."""
    if country is None:
        return frame
    code = countries.resolve(country, allowed=allowed)
    keep = frame[list(columns)].eq(code).any(axis=1)
    return frame[keep].reset_index(drop=True)


WITH_CHINA = countries.WITH_CHINA


def load_trade(country: str | None = None) -> pd.DataFrame:
    """IMF DOTS goods trade, one row per (year, reporter, partner, flow); value in million current US$.

    ``country`` keeps the rows it reports or is the partner of ("Kyrgyz Republic", "KG", "KGZ" ...).
    """
    frame = _only(load_table("trade"), country, "reporter", "partner", allowed=WITH_CHINA)
    frame["year"] = frame["year"].astype("int64")
    frame["imf_estimate"] = frame["imf_estimate"].astype(bool)
    for col in ("reporter", "partner", "flow", "valuation", "source_id"):
        frame[col] = frame[col].astype(str)
    return frame


def load_partner_trade(reporter: str | None = None) -> pd.DataFrame:
    """IMF DOTS goods trade of each reporter (China and the five) with every partner row of its workbook.

    One row per (year, reporter, partner, flow), value in million current US$; ``partner_kind`` says whether the
    partner is a country, a former country, an IMF aggregate (WLD = World) or a 'not specified' residual.
    ``reporter`` keeps one reporter (China or one of the five, any spelling).
    """
    frame = load_table("partner_trade")
    if reporter is not None:
        code = countries.resolve(reporter, allowed=WITH_CHINA)
        frame = frame[frame["reporter"] == code].reset_index(drop=True)
    frame["year"] = frame["year"].astype("int64")
    frame["imf_estimate"] = frame["imf_estimate"].astype(bool)
    for col in ("reporter", "partner", "partner_kind", "flow", "valuation", "source_id"):
        frame[col] = frame[col].astype(str)
    return frame


def load_comtrade(reporter: str | None = None) -> pd.DataFrame:
    """UN Comtrade as stored: China's and Kazakhstan's reports of their mutual trade and with the World, 2014–2024.

    One row per (year, reporter, partner, flow, commodity); commodity TOTAL or an HS chapter (26, 28, 72, 74, 78,
    79, 81); value in million current US$; ``classification`` the HS edition of that year.  ``reporter`` keeps
    one reporter (China or Kazakhstan, any spelling).
    """
    frame = load_table("comtrade")
    if reporter is not None:
        code = countries.resolve(reporter, allowed=(countries.CHINA, "KAZ"))
        frame = frame[frame["reporter"] == code].reset_index(drop=True)
    frame["year"] = frame["year"].astype("int64")
    for col in ("is_reported", "is_aggregate"):
        frame[col] = frame[col].astype(bool)
    for col in ("reporter", "partner", "flow", "valuation", "commodity", "classification", "source_id"):
        frame[col] = frame[col].astype(str)
    return frame


def load_wits_totals() -> pd.DataFrame:
    """Kazakhstan's trade with China and the World per year and flow, summed from the WITS HS 4-digit rows."""
    frame = load_table("wits_totals")
    frame["year"] = frame["year"].astype("int64")
    return frame


def load_hs_nomenclature() -> pd.DataFrame:
    """The HS 2022 nomenclature: sections, chapters and headings (``level``, ``code`` as text) with descriptions."""
    frame = load_table("hs_nomenclature")
    frame["section_number"] = frame["section_number"].astype("int64")
    for col in ("level", "code", "section", "description", "edition", "source_id"):
        frame[col] = frame[col].astype(str)
    frame["chapter"] = frame["chapter"].fillna("").astype(str)
    return frame


def load_products(reporter: str | None = None) -> pd.DataFrame:
    """Trade by product: WITS HS 4-digit headings (Kazakhstan's reports) and UN Comtrade HS chapters (both sides).

    One row per (year, reporter, partner, flow, level, code); value in million current US$; codes as text.
    ``reporter`` keeps one reporter (China or Kazakhstan, any spelling).  Sum one ``level`` at a time.
    """
    frame = load_table("products")
    if reporter is not None:
        code = countries.resolve(reporter, allowed=(countries.CHINA, "KAZ"))
        frame = frame[frame["reporter"] == code].reset_index(drop=True)
    frame["year"] = frame["year"].astype("int64")
    frame["in_hs2022"] = frame["in_hs2022"].astype(bool)
    for col in ("reporter", "partner", "flow", "level", "code", "section", "chapter", "nomenclature"):
        frame[col] = frame[col].astype(str)
    frame["hs2022_code"] = frame["hs2022_code"].astype(str)
    frame["source_id"] = frame["source_id"].astype(str)
    return frame


def load_product_totals() -> pd.DataFrame:
    """The build's add-up check: per flow, year and level, the products' sum against the flow's total."""
    frame = load_table("product_totals")
    frame["year"] = frame["year"].astype("int64")
    frame["products"] = frame["products"].astype("int64")
    for col in ("reporter", "partner", "flow", "level", "check", "source_id"):
        frame[col] = frame[col].astype(str)
    return frame


def load_dots_partners() -> pd.DataFrame:
    """Codes of the DOTS partners: kind (country, former_country, aggregate, unallocated), name, DOTS label."""
    frame = load_table("dots_partners")
    for col in frame.columns:
        frame[col] = frame[col].astype(str)
    return frame


def load_published() -> pd.DataFrame:
    """Every published figure (officials, press, statistics offices) with its page and quoted sentence.

    ``side`` says whose statistics, ``period`` full year or part of one; value_usd_millions in million US$
    (empty for yuan figures).  ``in_series`` marks the figures of :func:`load_published_series`.
    """
    frame = load_table("published")
    frame["year"] = frame["year"].astype("int64")
    frame["in_series"] = frame["in_series"].astype(bool)
    return frame


def load_published_series(country: str | None = None) -> pd.DataFrame:
    """One full-year published US$ figure per (year, partner, side, measure), China's side and the partners'.

    ``country`` keeps one partner (CA5 is the five together, on China's side only).
    """
    frame = load_table("published_series")
    if country is not None:
        code = countries.resolve(country, allow_group=True)
        frame = frame[frame["partner"] == code].reset_index(drop=True)
    frame["year"] = frame["year"].astype("int64")
    return frame


def load_published_places() -> pd.DataFrame:
    """China's (and Russia's) published ranks and shares in the five's trade after 2020, each with its quote.

    ``measure`` is ``rank`` (1 = largest partner) or ``share_pct`` (percent of the reporter's trade); ``period``
    says whether the figure is for a full year or part of one.  Kept apart from the DOTS shares.
    """
    frame = load_table("published_places")
    frame["year"] = frame["year"].astype("int64")
    return frame


def load_gacc_monthly(country: str | None = None) -> pd.DataFrame:
    """China's customs' 2024 monthly tables: the total over all partners (WLD) and the five, per month and flow.

    Values as printed, for the month and January to the month, in the row's ``unit``: 10,000 CNY, except September
    (1,000 USD, never converted); March 2024 has no rows.  ``country`` keeps one of the five (any spelling).
    Series per partner: :func:`tradeviz.measures.customs.monthly_series`.
    """
    frame = _only(load_table("gacc_monthly"), country, "partner")
    for col in ("year", "month", "table_row", "raw_line"):
        frame[col] = frame[col].astype("int64")
    for col in ("reporter", "partner", "flow", "unit", "name_zh", "source_id"):
        frame[col] = frame[col].astype(str)
    return frame


def load_gacc_checks() -> pd.DataFrame:
    """Every comparison the build made to prove the rebuilt GACC names (check, month, item, value, reference,
    residual, tolerance, detail)."""
    frame = load_table("gacc_checks")
    frame["month"] = frame["month"].astype("int64")
    frame["item"] = frame["item"].fillna("").astype(str)
    frame["detail"] = frame["detail"].fillna("").astype(str)
    return frame


def load_imts_exports() -> pd.DataFrame:
    """IMF IMTS 2025 (retrieved June 2026): the five's exports (FOB, million US$) to the World and to China.

    China's row is absent for Kyrgyzstan (not among its 15 listed destinations).  Comparisons:
    :mod:`tradeviz.measures.imts`.
    """
    frame = load_table("imts_exports")
    for col in ("year", "partners_listed"):
        frame[col] = frame[col].astype("int64")
    return frame


def load_stat_gov_kz() -> pd.DataFrame:
    """Kazakhstan's statistics bureau, 2023–2025: all-partner turnover, exports and imports (million US$) and
    China's share (percent) and rank in exports and imports, each with its page and quoted sentence."""
    frame = load_table("stat_gov_kz")
    frame["year"] = frame["year"].astype("int64")
    frame["preliminary"] = frame["preliminary"].astype(bool)
    return frame


def load_targets() -> pd.DataFrame:
    """Announced trade targets (value_usd_millions: annual turnover in million US$).

    A deadline before its announcement is a :class:`DataError` naming the row and column.
    """
    frame = load_table("targets")
    early = frame["deadline_year"].notna() & (frame["deadline_year"] < frame["announced_year"])
    if early.any():
        row = early.idxmax()
        raise DataError(
            f"{paths.data_dir() / resource('targets')['path']} row {row + 2}, column 'deadline_year': "
            f"{frame.at[row, 'deadline_year']} comes before the announcement ({frame.at[row, 'announced_date']}). "
            "Fix the raw targets.csv and rebuild with `tradeviz data build`."
        )
    return frame


def load_pledges() -> pd.DataFrame:
    """The January 2022 pledges and every later figure found reporting on them."""
    return load_table("pledges")


def load_gas_imports() -> pd.DataFrame:
    """China's pipeline-gas imports by value per supplier (million US$), full and partial years."""
    frame = load_table("gas_imports")
    frame["year"] = frame["year"].astype("int64")
    return frame


def load_borders(country: str | None = None) -> pd.DataFrame:
    """Land border with China per partner (border_length_km is <NA> where there is none)."""
    frame = _only(load_table("borders"), country, "country")
    frame["borders_china"] = frame["borders_china"].astype(bool)
    return frame


def load_bri(country: str | None = None) -> pd.DataFrame:
    """Belt and Road cooperation documents; ``date``/``year`` are <NA> where our sources give no date."""
    return _only(load_table("bri"), country, "country")


def load_sources() -> pd.DataFrame:
    """Every source the tables cite, one row per source_id: producer, title, url, version and dates."""
    return load_table("sources")


def load_countries() -> pd.DataFrame:
    """China, the five, the USA, CA5 and WLD: ISO3/ISO2 codes, names and role."""
    return load_table("countries")


def load_context() -> pd.DataFrame:
    """Context series, long: indicator, country, year, value, unit (GDP in current US$, population in persons, CPI)."""
    return load_table("context")


def _indicator(indicator: str, column: str, country: str | None = None) -> pd.DataFrame:
    context = _only(load_context(), country, "country", allowed=WITH_CHINA)
    rows = context[context["indicator"] == indicator]
    out = rows[["country", "year", "value", "source_id"]].rename(columns={"value": column})
    out["year"] = out["year"].astype("int64")
    return out.reset_index(drop=True)


def load_gdp(country: str | None = None) -> pd.DataFrame:
    """GDP per country-year in current US$ (not millions): columns country, year, gdp_usd, source_id."""
    return _indicator("gdp_current_usd", "gdp_usd", country)


def load_population(country: str | None = None) -> pd.DataFrame:
    """Population per country-year (persons): columns country, year, population, source_id."""
    return _indicator("population", "population", country)


def load_cpi() -> pd.DataFrame:
    """US CPI-U annual averages (1982-84=100): columns year, cpi, source_id."""
    return _indicator("us_cpi_u_annual_average", "cpi").drop(columns="country")
