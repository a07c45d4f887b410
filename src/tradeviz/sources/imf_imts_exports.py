"""IMF IMTS, each reporter's latest annual exports to its 15 largest partners (``data/raw/imf-imts-2025-exports``).

``trade.json`` was written by a public app's pipeline from the IMF's SDMX 3.0 API (``XG_FOB_USD``, annual, the
last observation): ``{generatedAt, year, source, flows: {ISO3: {total, year, partners: [{p, v}]}}}``, values in US$
(not millions), exports FOB only.  Curated: for each of the five as reporter, its exports to the World (the file's
``total``) and to China where China is among its 15 listed partners, with China's rank in the list.

The reader is strict: a reporter missing, a year other than :data:`YEAR` (the file's top-level ``year`` says 2024
while every reporter's says 2025: each reporter's own year is read and must be 2025), a value that is not a
positive number, a partner list that is not 15 distinct ISO3 codes in descending order, or an unknown key stops
the build with the file and the JSON path.  The 15 listed partners may sum to more than the World total (31 of
the file's 203 reporters, Kazakhstan among them: 71.4 bn listed against a 67.9 bn total): the file is kept as it
is and ``top15_usd_millions`` shows it, a sign of the incomplete 2025 values SOURCE.md warns of.  China outside a
reporter's top 15 (Kyrgyzstan) is missing, never zero: :func:`missing_lines` lists it with the 15th partner's
value, an upper bound.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from tradeviz import countries
from tradeviz.errors import BuildError
from tradeviz.sources import provenance

FOLDER = "imf-imts-2025-exports"
FILE = "trade.json"
YEAR = 2025
TOP = 15
REPORTERS = countries.FIVE
KEYS = {"generatedAt", "year", "source", "flows"}
FLOW_KEYS = {"total", "year", "partners"}
ISO3 = re.compile(r"[A-Z]{3}")
IMTS_COLUMNS = [
    "year",
    "reporter",
    "partner",
    "flow",
    "valuation",
    "value_usd_millions",
    "china_rank",
    "partners_listed",
    "fifteenth_usd_millions",
    "top15_usd_millions",
    "source_id",
]


def _fail(path: Path, where: str, message: str) -> BuildError:
    return BuildError(f"{path}, {where}: {message}. Restore the file from the stored copy (SOURCE.md).")


def _positive(path: Path, where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise _fail(path, where, f"{value!r} is not a positive number of US$")
    return float(value)


def read_flows(path: Path) -> dict[str, dict[str, Any]]:
    """The file's ``flows``, checked (see the module docstring); keys are the reporters' ISO3 codes."""
    if not path.exists():
        raise BuildError(f"{path}: missing; restore it from the stored copy (SOURCE.md in the same folder).")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise _fail(path, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON ({exc.msg})") from None
    if not isinstance(document, dict) or set(document) != KEYS:
        got = sorted(document) if isinstance(document, dict) else type(document).__name__
        raise _fail(path, "top level", f"keys {got}, expected {sorted(KEYS)}")
    flows = document["flows"]
    if not isinstance(flows, dict):
        raise _fail(path, "flows", "is not an object of reporters")
    for reporter in REPORTERS:
        if reporter not in flows:
            raise _fail(path, "flows", f"no reporter {reporter}")
        entry = flows[reporter]
        where = f"flows.{reporter}"
        if not isinstance(entry, dict) or set(entry) != FLOW_KEYS:
            raise _fail(path, where, f"expected the keys {sorted(FLOW_KEYS)}")
        if entry["year"] != YEAR:
            raise _fail(path, f"{where}.year", f"{entry['year']!r} is not {YEAR}")
        total = _positive(path, f"{where}.total", entry["total"])
        partners = entry["partners"]
        if not isinstance(partners, list) or len(partners) != TOP:
            raise _fail(path, f"{where}.partners", f"expected a list of the {TOP} largest partners")
        codes, values = [], []
        for i, item in enumerate(partners):
            spot = f"{where}.partners[{i}]"
            if not isinstance(item, dict) or set(item) != {"p", "v"}:
                raise _fail(path, spot, "expected {p, v}")
            if not isinstance(item["p"], str) or not ISO3.fullmatch(item["p"]):
                raise _fail(path, f"{spot}.p", f"{item['p']!r} is not an ISO3 code")
            codes.append(item["p"])
            values.append(_positive(path, f"{spot}.v", item["v"]))
        if len(set(codes)) != TOP or reporter in codes:
            raise _fail(path, f"{where}.partners", "partners must be distinct and not the reporter itself")
        if values != sorted(values, reverse=True):
            raise _fail(path, f"{where}.partners", "not in descending order of value (is this the top-15 list?)")
        del total  # checked positive; the 15 may sum above it (Kazakhstan: 71.4 bn listed, 67.9 bn total): kept
    return flows


def build_imts_exports(raw: Path) -> pd.DataFrame:
    """The ``imts_exports`` table: each of the five's 2025 exports (FOB, million US$) to the World and to China.

    China's row is absent where China is not among the reporter's 15 listed partners (Kyrgyzstan); ``china_rank``
    is China's place in the list (1 = largest), ``fifteenth_usd_millions`` the 15th partner's value (a bound on
    every unlisted partner), ``top15_usd_millions`` the sum of the 15 listed partners (which may exceed the World
    total: see the module docstring).
    """
    folder = raw / FOLDER
    source_id = provenance.read_record(folder)["sources"][0]["source_id"]
    flows = read_flows(folder / FILE)
    rows = []
    for reporter in REPORTERS:
        entry = flows[reporter]
        codes = [item["p"] for item in entry["partners"]]
        fifteenth = float(entry["partners"][-1]["v"]) / 1e6
        base = dict(
            year=YEAR,
            reporter=reporter,
            flow="exports",
            valuation="FOB",
            partners_listed=len(codes),
            fifteenth_usd_millions=fifteenth,
            top15_usd_millions=sum(float(item["v"]) for item in entry["partners"]) / 1e6,
            source_id=source_id,
        )
        rows.append(
            base | dict(partner=countries.WORLD, value_usd_millions=float(entry["total"]) / 1e6, china_rank=None)
        )
        if countries.CHINA in codes:
            rank = codes.index(countries.CHINA)
            value = float(entry["partners"][rank]["v"]) / 1e6
            rows.append(base | dict(partner=countries.CHINA, value_usd_millions=value, china_rank=rank + 1))
    frame = pd.DataFrame(rows, columns=IMTS_COLUMNS)
    frame["china_rank"] = frame["china_rank"].astype("Int64")
    return frame.sort_values(["reporter", "partner"]).reset_index(drop=True)


def missing_lines(table: pd.DataFrame) -> list[str]:
    """'What the sources lack' lines: each of the five whose 2025 exports to China the IMTS file does not hold."""
    lines = []
    for reporter in REPORTERS:
        rows = table.loc[table["reporter"].eq(reporter)]
        if rows.empty or not rows["partner"].eq(countries.CHINA).any():
            bound = f" (below its 15th listed partner's US${rows['fifteenth_usd_millions'].iloc[0]:,.1f} million)"
            lines.append(
                f"{countries.name(reporter)}'s {YEAR} exports to China, IMF IMTS (imts_exports): not in the file, "
                f"China is not among its {TOP} largest destinations{bound if len(rows) else ''}; missing, not zero."
            )
    return lines
