"""Country names and codes -> ISO 3166-1 alpha-3.

Codes and official names come from ``pycountry`` (its ISO 3166-1 database, see :func:`_iso3166`).  Spellings
particular to a source (the IMF's "Kazakhstan, Rep. of", the seed article's "Kirgistan") live in
``country_names.json`` files beside each raw source, plus ``data/raw/common_country_variants.json``; nothing is
hard-coded in ``if`` chains.
"""

from __future__ import annotations

import importlib.util
import json
import os
import unicodedata
from functools import cache
from pathlib import Path

from tradeviz import paths

CHINA = "CHN"
FIVE: tuple[str, ...] = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
"""The five Central Asian states, independent since the end of 1991 (none reports before 1992)."""
GROUP = "CA5"
"""tradeviz's code for the five taken together (not ISO 3166)."""
WORLD = "WLD"
"""The world aggregate (World Bank code; ISO 3166 has none)."""
FIRST_YEAR_AS_STATES = 1992
"""The USSR dissolved in December 1991: the five exist as reporters and partners from 1992 on."""
GROUP_ALIASES = ("all", "ca5", "central asia", "central asia (5)", "the five")


class UnknownCountryError(ValueError):
    """A name or code that does not resolve to one of the allowed countries."""


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(text.replace(".", " ").replace(",", " , ").split()).casefold()


@cache
def _source_variants() -> dict[str, str]:
    """All source-specific spellings from the mapping files under ``data/raw``."""
    raw = paths.raw_dir()
    files = sorted(raw.glob("*/country_names.json")) + [raw / "common_country_variants.json"]
    variants: dict[str, str] = {}
    for path in files:
        if path.exists():
            variants.update({_norm(name): code for name, code in source_mapping(path).items()})
    return variants


ISO_FIELDS = ("alpha_2", "alpha_3", "name", "official_name", "common_name")


@cache
def _iso3166() -> dict[str, dict[str, str]]:
    """pycountry's ISO 3166-1 records (the fields of :data:`ISO_FIELDS` it has) by alpha-3 code.

    Read from the database file pycountry ships rather than through ``import pycountry``: its import loads
    ``importlib.metadata`` to learn its own version, a quarter of a CLI answer's own time.  The records are
    pycountry's (tests/test_countries.py compares every one); without the file, pycountry itself is asked.
    """
    spec = importlib.util.find_spec("pycountry")  # finds the package without running it
    database = Path(spec.origin).parent / "databases" / "iso3166-1.json" if spec and spec.origin else None
    if database is not None and database.is_file():
        records = json.loads(database.read_text(encoding="utf-8"))["3166-1"]
        return {r["alpha_3"]: {k: r[k] for k in ISO_FIELDS if k in r} for r in records}
    import pycountry

    return {c.alpha_3: {k: getattr(c, k) for k in ISO_FIELDS if hasattr(c, k)} for c in pycountry.countries}


def _country(code: str) -> dict[str, str]:
    """pycountry's record of an ISO3 code; :class:`UnknownCountryError` if it has none."""
    country = _iso3166().get(str(code).upper())
    if country is None:
        raise UnknownCountryError(f"{code!r} is not an ISO 3166-1 alpha-3 code.")
    return country


def _pycountry_names(code: str) -> list[str]:
    country = _country(code)
    return [country[k] for k in ISO_FIELDS if k in country]


def name(code: str) -> str:
    """English short name of an ISO3 code (pycountry), or the label of WLD/CA5."""
    if code == GROUP:
        return "Central Asia (5)"
    if code == WORLD:
        return "World"
    return str(_country(code)["name"])


def choices(allowed: tuple[str, ...] = FIVE) -> str:
    """The allowed codes with their names, for error messages: "KAZ (Kazakhstan), KGZ (Kyrgyzstan), ..."."""
    return ", ".join(f"{c} ({name(c)})" for c in allowed)


def resolve(value: str, allowed: tuple[str, ...] = FIVE, allow_group: bool = False) -> str:
    """Return the ISO3 code for ``value`` (ISO3, ISO2, English name or a known variant).

    ``allow_group=True`` also accepts "all"/"CA5" for the five together and returns ``"CA5"``.
    Anything else raises :class:`UnknownCountryError` listing the valid choices.
    """
    key = _norm(value)
    if allow_group and (key in GROUP_ALIASES or _source_variants().get(key) == GROUP):
        return GROUP
    table = {_norm(n): code for code in allowed for n in _pycountry_names(code)}
    table.update({k: v for k, v in _source_variants().items() if v in allowed})
    if key in table:
        return table[key]
    extra = " or 'all' for the five together" if allow_group else ""
    shown = value if len(value) <= 60 else value[:60] + "…"
    raise UnknownCountryError(
        f"Unknown country {shown!r}. Valid choices: {choices(allowed)}{extra}. "
        "Names, ISO2/ISO3 codes and common variants (e.g. 'Kyrgyz Republic') are accepted."
    )


def source_mapping(mapping_file: str | os.PathLike[str]) -> dict[str, str]:
    """A source's ``country_names.json``: label as written in the source -> code (``_comment`` keys dropped)."""
    path = Path(mapping_file)
    return _read_mapping(path, path.stat().st_mtime_ns)


@cache
def _read_mapping(path: Path, mtime_ns: int) -> dict[str, str]:
    mapping = json.loads(path.read_text(encoding="utf-8"))
    return {label: code for label, code in mapping.items() if not label.startswith("_")}


def resolve_source_label(label: str, mapping_file: str | os.PathLike[str]) -> str:
    """Map a label as written in one raw source to its code via that source's mapping file.

    Used by the build: a label missing from the mapping is an error naming the file to extend.
    """
    mapping = source_mapping(mapping_file)
    if label not in mapping:
        raise UnknownCountryError(
            f"{mapping_file}: no code for the source's label {label!r}; add it to this mapping file."
        )
    return mapping[label]


WITH_CHINA = (CHINA, *FIVE)
"""China and the five: the reporters of the bilateral tables."""
MEASURES = ("total_trade", "china_exports", "china_imports")
"""Direction of the goods, whoever reports them: china_exports = China -> partner, china_imports = partner -> China."""
SIDE_REPORTS = {"china": "China's reports", "partner": "partners' reports"}
"""Reporting sides: whose customs figures a series comes from (measures name them, charts caption them)."""
