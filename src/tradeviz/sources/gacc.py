"""China's customs (GACC) 2024 monthly country tables (``data/raw/gacc-2024-monthly``), with the names rebuilt and the
rebuild proved.

The stored table ``gac_regions_2024.csv`` lost its Chinese names in a third party's processing: every non-ASCII
character became one ``?`` (ASCII characters, such as the parentheses of 亚洲其他国家(地区), survived).
``regions_translated.csv`` lists the customs table's 269 rows in the table's order; each month prints a subsequence
of them (257–265 rows: a partner without trade that month is left out).  The rebuild places every row of a month on
one name of that list, in order, where the name's pattern (one ``?`` per non-ASCII character) equals the row's.
Nothing is taken on trust; the build stops with :class:`~tradeviz.errors.BuildError` (file, line, column) unless:

1. **lengths and order**: every row of every month has a place, in order, whose pattern it matches.  Where two
   neighbours of the same pattern make the place ambiguous (Melilla/Swaziland, the Falklands/South Georgia) both
   candidates must lie in one region; the rows curated here (the world total and the five) and every subtotal row
   must have exactly one place;
2. **rows**: total = exports + imports in every row (±1, the table's rounding), and month = cumulative in January;
3. **regional subtotals** (:data:`REGIONS`): Asia, Africa, Europe, Latin America, North America and Oceania each
   equal the sum of their members' rows, and the world total the sum of the six, Antarctica and "country
   unknown", in all six value columns (relative residual ≤ :data:`SUBTOTAL_TOLERANCE`).  The three groupings at
   the end (ASEAN, EU, APEC) overlap the regions and their members are not in the files: not checked;
4. **monthly totals**: each month's world row against China's monthly totals in ``gac_monthly_clean.csv``
   (:data:`MONTHLY_TOLERANCE`).  A month whose six values all differ from China's by one common factor that is a
   yuan-per-US$ rate (:data:`RATE_BAND`) is a table in thousands of US$: September 2024 is (its world total is
   about 1.40 times China's yuan total, i.e. 7.11 yuan per US$).  Its rows are kept in their own unit
   (:data:`UNIT_USD`) and never converted; any other disagreement stops the build;
5. **continuity**: in consecutive months of one unit, each sizeable row's cumulative value is the previous month's
   plus this month's (:data:`CHAIN_TOLERANCE`: GACC revises earlier months);
6. **the five against published totals** (in :mod:`tradeviz.build.pipeline`, which holds both sources): each of
   the five's December cumulative values, in yuan, over the published 2024 US$ figure gives one implied yuan per
   US$, and these must agree with the rate that China's customs' own published 2024 totals for the five in yuan
   and in US$ imply (:func:`tradeviz.measures.customs.gacc_published_overlap`).

March 2024 is not in the stored file (:data:`MISSING_MONTHS`): it is missing, never filled.  Values stay in
10,000 yuan (万元) as printed (September: 1,000 US$); no exchange rate is applied.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tradeviz.errors import BuildError
from tradeviz.sources import provenance

FOLDER = "gacc-2024-monthly"
TABLE = "gac_regions_2024.csv"
NAMES = "regions_translated.csv"
TOTALS = "gac_monthly_clean.csv"
NOT_READ = "gac_regions_2024_with_names.csv"
"""The upstream repository's own attempt to attach names (kept as copied; the build does not read it)."""
YEAR = 2024
MONTHS = (1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12)
MISSING_MONTHS = (3,)
"""Months the stored file does not hold (the upstream project's download lacks March 2024)."""
TABLE_COLUMNS = (
    "region_raw",
    "trade_total_month",
    "trade_total_cum",
    "exports_month",
    "exports_cum",
    "imports_month",
    "imports_cum",
    "trade_total_cum_yoy",
    "exports_cum_yoy",
    "imports_cum_yoy",
    "year",
    "month",
    "date",
)
FLOWS = {"total": "trade_total", "exports": "exports", "imports": "imports"}
"""Curated flow -> column stem: China's exports to the partner, its imports from it, and their sum."""
VALUE_COLUMNS = tuple(f"{stem}_{part}" for stem in FLOWS.values() for part in ("month", "cum"))
TOTAL_COLUMNS = {
    "trade_total_month": "total_month",
    "trade_total_cum": "total_cum",
    "exports_month": "exports_month",
    "exports_cum": "exports_cum",
    "imports_month": "imports_month",
    "imports_cum": "imports_cum",
}
"""Column of the country table -> column of ``gac_monthly_clean.csv`` (China's totals, in 100 billion yuan)."""
TOTALS_PER_TABLE_UNIT = 1e-7
"""10,000 yuan (the table) -> 100 billion yuan (``gac_monthly_clean.csv``: 438.468 = 43.85 trillion yuan)."""
UNIT_YUAN = "10,000 CNY"
UNIT_USD = "1,000 USD"
PARTNERS = {
    "总值": "WLD",
    "哈萨克斯坦": "KAZ",
    "吉尔吉斯斯坦": "KGZ",
    "塔吉克斯坦": "TJK",
    "土库曼斯坦": "TKM",
    "乌兹别克斯坦": "UZB",
}
"""The rows curated: the table's total (总值, all partners: WLD) and the five."""
REGIONS = {
    "亚洲": "亚洲其他国家(地区)",
    "非洲": "非洲其他国家(地区)",
    "欧洲": "欧洲其他国家(地区)",
    "拉丁美洲": "拉丁美洲其他国家(地区)",
    "北美洲": "北美洲其他国家(地区)",
    "大洋洲": "大洋洲其他国家(地区)",
}
"""Subtotal row -> the last member row: a region's members are the rows between the two (its 'other' row last)."""
WORLD_PARTS = (*REGIONS, "南极洲", "国家（地区）不明")
"""The world total (总值) = the six regions + Antarctica + country (region) unknown."""
SUBTOTAL_TOLERANCE = 1e-4
"""|subtotal − sum of members| / subtotal.  Seen: at most 2.0e-5 (Oceania in June: 621 of 30.7 million; rounding
of the members to 10,000 yuan and rows the table leaves out)."""
ROW_SUM_TOLERANCE = 1.0
"""|total − exports − imports| in 10,000 yuan: each value is rounded to 10,000 yuan."""
MONTHLY_TOLERANCE = 0.01
"""|table / China's monthly total − 1|.  Seen: at most 0.65% (February's exports; the country tables carry other
revisions than the monthly totals file; December agrees to 1.5e-5)."""
RATE_BAND = (6.0, 8.0)
"""Yuan per US$ accepted when a month's table reads as thousands of US$ (the yuan traded within it from 2008 on);
only used to recognise the unit, never to convert."""
RATE_SPREAD = 0.01
"""The six values of a month in US$ must imply one rate: max/min − 1 at most this."""
CHAIN_FLOOR = 100_000.0
"""Continuity is checked for rows whose cumulative value reaches 1 bn yuan (100,000 × 10,000 yuan)."""
CHAIN_TOLERANCE = 0.10
"""|cum − (previous cum + month)| / cum.  Seen: median 0.03%, at most 4.9% (North Korea, May→June): revisions."""
CURATED_COLUMNS = [
    "year",
    "month",
    "reporter",
    "partner",
    "flow",
    "value_month",
    "value_cumulative",
    "unit",
    "name_zh",
    "table_row",
    "raw_line",
    "source_id",
]
CHECK_COLUMNS = ["check", "month", "item", "column", "value", "reference", "residual", "tolerance", "detail"]


def pattern(name: str) -> str:
    """What the damaged table prints for a name: each non-ASCII character as one '?', ASCII kept.

    The list's 22 names that end in a no-break space (马来西亚, 乌兹别克斯坦, 大洋洲, ...) are exactly the table's
    rows that end in a space, so a no-break space counts as a space and the ends are compared too.
    """
    return "".join(" " if c == "\xa0" else c if ord(c) < 128 else "?" for c in name)


@dataclass(frozen=True)
class Month:
    """One month of the rebuilt table: its rows (dicts with raw values), each row's place(s) among the names."""

    month: int
    rows: list[dict]
    places: list[tuple[int, ...]]
    alignments: int


@dataclass(frozen=True)
class Rebuild:
    """The whole rebuild: the names list, the months, China's monthly totals, each month's unit, and the checks."""

    names: list[str]
    months: dict[int, Month]
    units: dict[int, str]
    checks: list[dict]
    source_id: str


def _fail(path: Path, line: int, column: str, message: str) -> BuildError:
    return BuildError(f"{path} line {line}, column {column}: {message}")


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    if not path.exists():
        raise BuildError(f"{path}: missing; restore it from the stored copy (SOURCE.md in the same folder).")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != columns:
            raise _fail(path, 1, "header", f"{reader.fieldnames} is not the expected {list(columns)}")
        return [(line, row) for line, row in enumerate(reader, start=2)]


def _number(path: Path, line: int, row: dict[str, str], column: str) -> float | None:
    """A value of 10,000 yuan: a whole non-negative number ('' = the table prints no value)."""
    text = row[column]
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise _fail(path, line, column, f"{text!r} is not a number") from None
    if not value >= 0 or value != int(value):
        raise _fail(path, line, column, f"{text!r} is not a whole non-negative number of 10,000 yuan")
    return value


def read_names(folder: Path) -> tuple[list[str], list[str]]:
    """``regions_translated.csv``: the Chinese names in the customs table's order (ends stripped), and the
    pattern each prints as in the damaged table (:func:`pattern`, ends kept)."""
    path = folder / NAMES
    rows = _read_csv(path, ("chinese_raw", "english_name"))
    names = [row["chinese_raw"].replace("\xa0", " ").strip() for _line, row in rows]
    patterns = [pattern(row["chinese_raw"]) for _line, row in rows]
    for key in [*PARTNERS, *REGIONS, *REGIONS.values(), *WORLD_PARTS]:
        if names.count(key) != 1:
            raise _fail(path, 1, "chinese_raw", f"{key!r} appears {names.count(key)} times; it must appear once")
    return names, patterns


def read_table(folder: Path) -> dict[int, list[dict]]:
    """``gac_regions_2024.csv`` -> rows per month (raw line, pattern, values; '' values as None)."""
    path = folder / TABLE
    months: dict[int, list[dict]] = {}
    for line, row in _read_csv(path, TABLE_COLUMNS):
        if row["year"] != str(YEAR):
            raise _fail(path, line, "year", f"{row['year']!r} is not {YEAR}")
        if not row["month"].isdigit() or int(row["month"]) not in MONTHS:
            raise _fail(path, line, "month", f"{row['month']!r} is not one of the months {list(MONTHS)}")
        month = int(row["month"])
        if row["date"] != f"{YEAR}-{month:02d}-01":
            raise _fail(path, line, "date", f"{row['date']!r} is not the month's first day")
        if not set(row["region_raw"]) <= set("?() "):
            raise _fail(path, line, "region_raw", f"{row['region_raw']!r}: expected a garbled name ('?' per character)")
        values = {c: _number(path, line, row, c) for c in VALUE_COLUMNS}
        if values["trade_total_month"] is None or values["trade_total_cum"] is None:
            raise _fail(path, line, "trade_total_month", "a row without its total")
        months.setdefault(month, []).append(dict(line=line, pattern=pattern(row["region_raw"]), **values))
    if tuple(sorted(months)) != MONTHS:
        raise BuildError(f"{path}: holds months {sorted(months)}, the stored copy holds {list(MONTHS)}")
    return months


def align(patterns: list[str], name_patterns: list[str]) -> tuple[list[tuple[int, ...]], int]:
    """Every order-preserving placement of the rows (``patterns``) on the names (``name_patterns``), equal patterns.

    Returns, per row, the indexes of the names it can stand for in some placement, and the number of placements
    (0: none; a row then has no place).  Dynamic programming: ``after[i][j]`` counts the placements of rows i..
    on names j.., ``before[i][j]`` those of rows ..i-1 on names ..j-1.
    """
    n, k = len(patterns), len(name_patterns)
    after = [[0] * (k + 1) for _ in range(n + 1)]
    after[n] = [1] * (k + 1)
    for i in range(n - 1, -1, -1):
        here, below = after[i], after[i + 1]
        for j in range(k - 1, -1, -1):
            here[j] = here[j + 1] + (below[j + 1] if patterns[i] == name_patterns[j] else 0)
    before = [[0] * (k + 1) for _ in range(n + 1)]
    before[0] = [1] * (k + 1)
    for i in range(1, n + 1):
        here, above = before[i], before[i - 1]
        for j in range(1, k + 1):
            here[j] = here[j - 1] + (above[j - 1] if patterns[i - 1] == name_patterns[j - 1] else 0)
    places = [
        tuple(j for j in range(k) if patterns[i] == name_patterns[j] and before[i][j] > 0 and after[i + 1][j + 1] > 0)
        for i in range(n)
    ]
    return places, after[0][0]


def _region_of(names: list[str]) -> list[str]:
    """Each name's region: the subtotal row above it (subtotals and the world total are their own)."""
    out, current = [], ""
    ends = {names.index(last): head for head, last in REGIONS.items()}
    for j, name in enumerate(names):
        if name in REGIONS:
            current = name
        out.append(current or name)
        if j in ends:
            current = ""
    return out


def _rebuild_month(path: Path, month: int, rows: list[dict], names: list[str], name_patterns: list[str]) -> Month:
    places, count = align([r["pattern"] for r in rows], name_patterns)
    if count == 0:
        first = next((i for i, p in enumerate(places) if not p), 0)
        raise _fail(
            path,
            rows[first]["line"],
            "region_raw",
            f"month {month}: no placement of the {len(rows)} rows on the {len(names)} names of {NAMES} in order "
            f"matches the name lengths (first row without a place: {rows[first]['pattern']!r}); the names list "
            "does not fit this table",
        )
    regions = _region_of(names)
    keys = {names.index(k) for k in [*PARTNERS, *REGIONS, *REGIONS.values(), *WORLD_PARTS]}
    for row, place in zip(rows, places, strict=True):
        if len({regions[j] for j in place}) > 1:
            raise _fail(
                path,
                row["line"],
                "region_raw",
                f"month {month}: the row could stand for {[names[j] for j in place]}, in different regions",
            )
        if len(place) > 1 and keys & set(place):
            raise _fail(
                path,
                row["line"],
                "region_raw",
                f"month {month}: the row could stand for {[names[j] for j in place]}; a curated or subtotal row "
                "must have exactly one place",
            )
    present = {p[0] for p in places if len(p) == 1}
    for key in [*PARTNERS, *REGIONS]:
        if names.index(key) not in present:
            raise _fail(path, rows[0]["line"], "region_raw", f"month {month}: no row is {key!r}")
    return Month(month, rows, places, count)


def _check(
    check: str, month: int, item: str, column: str, value: float, reference: float, tolerance: float, detail: str = ""
) -> dict:
    residual = value - reference
    return dict(
        check=check,
        month=month,
        item=item,
        column=column,
        value=value,
        reference=reference,
        residual=residual,
        tolerance=tolerance,
        detail=detail,
    )


def _relative(check: dict) -> float:
    return abs(check["residual"]) / abs(check["reference"]) if check["reference"] else abs(check["residual"])


def _rows_by_name(m: Month, names: list[str]) -> dict[str, dict]:
    return {names[p[0]]: row for row, p in zip(m.rows, m.places, strict=True) if len(p) == 1}


def _check_rows(path: Path, m: Month) -> None:
    """Check 2: total = exports + imports in every row; in January the month is the cumulative."""
    for row in m.rows:
        for part in ("month", "cum"):
            total = row[f"trade_total_{part}"]
            parts = (row[f"exports_{part}"] or 0.0) + (row[f"imports_{part}"] or 0.0)
            if abs(total - parts) > ROW_SUM_TOLERANCE:
                raise _fail(
                    path,
                    row["line"],
                    f"trade_total_{part}",
                    f"{total:,.0f} is not exports + imports ({parts:,.0f}); the row is damaged",
                )
        if m.month == MONTHS[0]:
            for stem in FLOWS.values():
                if row[f"{stem}_month"] != row[f"{stem}_cum"]:
                    raise _fail(path, row["line"], f"{stem}_cum", "in January the month and the cumulative must agree")


def _subtotals(path: Path, m: Month, names: list[str]) -> list[dict]:
    """Each region = the sum of its members, and the world = the regions + Antarctica + unknown (six columns)."""
    index = {name: j for j, name in enumerate(names)}
    by_name = _rows_by_name(m, names)
    groups = {head: [j for j in range(index[head] + 1, index[last] + 1)] for head, last in REGIONS.items()}
    groups["总值"] = [index[name] for name in WORLD_PARTS]
    checks = []
    for head, members in groups.items():
        member_rows = [row for row, p in zip(m.rows, m.places, strict=True) if p[0] in members]
        total = by_name[head]
        for column in VALUE_COLUMNS:
            parts = sum(row[column] or 0.0 for row in member_rows)
            check = _check(
                "subtotal",
                m.month,
                head,
                column,
                total[column] or 0.0,
                parts,
                SUBTOTAL_TOLERANCE,
                f"{len(member_rows)} member rows",
            )
            if _relative(check) > SUBTOTAL_TOLERANCE:
                raise _fail(
                    path,
                    total["line"],
                    column,
                    f"month {m.month}: {head} is {check['value']:,.0f} but its {len(member_rows)} member rows sum to "
                    f"{parts:,.0f} (residual {check['residual']:,.0f}); the names are not placed on the right rows",
                )
            checks.append(check)
    return checks


def read_totals(folder: Path) -> dict[int, dict[str, float]]:
    """``gac_monthly_clean.csv``: China's 2024 totals per month, in 100 billion yuan (the monthly releases)."""
    path = folder / TOTALS
    columns = (
        "year_month",
        "total_month",
        "exports_month",
        "imports_month",
        "balance_month",
        "total_cum",
        "exports_cum",
        "imports_cum",
        "balance_cum",
        "year",
        "month",
        "date",
    )
    out = {}
    for line, row in _read_csv(path, columns):
        if row["year"] != str(YEAR):
            continue
        try:
            out[int(row["month"])] = {c: float(row[c]) for c in TOTAL_COLUMNS.values()}
        except ValueError:
            raise _fail(path, line, "total_month", "a total that is not a number") from None
    if sorted(out) != list(range(1, 13)):
        raise BuildError(f"{path}: China's 2024 totals lack months {sorted(set(range(1, 13)) - set(out))}")
    return out


def _unit(path: Path, m: Month, names: list[str], totals: dict[str, float]) -> tuple[str, list[dict]]:
    """The month's unit, from its world row against China's monthly totals (see the module docstring, check 4)."""
    world = _rows_by_name(m, names)["总值"]
    checks = [
        _check(
            "monthly_total",
            m.month,
            "总值",
            column,
            (world[column] or 0.0) * TOTALS_PER_TABLE_UNIT,
            totals[clean],
            MONTHLY_TOLERANCE,
            f"gac_monthly_clean.csv {clean}",
        )
        for column, clean in TOTAL_COLUMNS.items()
    ]
    if all(_relative(c) <= MONTHLY_TOLERANCE for c in checks):
        return UNIT_YUAN, checks
    # A table in 1,000 US$: yuan = value × 1,000 × rate, and China's total is in 10^11 yuan.
    rates = [totals[clean] * 1e11 / ((world[column] or 0.0) * 1e3) for column, clean in TOTAL_COLUMNS.items()]
    low, high = min(rates), max(rates)
    if RATE_BAND[0] <= low and high <= RATE_BAND[1] and high / low - 1 <= RATE_SPREAD:
        checks = [
            _check(
                "unit",
                m.month,
                "总值",
                column,
                rate,
                rates[1],
                RATE_SPREAD,
                f"table in {UNIT_USD}: China's yuan total / this value = {rate:.4f} yuan per US$",
            )
            for (column, _clean), rate in zip(TOTAL_COLUMNS.items(), rates, strict=True)
        ]
        return UNIT_USD, checks
    worst = max(checks, key=_relative)
    raise _fail(
        path,
        world["line"],
        worst["column"],
        f"month {m.month}: the world total {world[worst['column']]:,.0f} (10,000 yuan) differs from China's "
        f"monthly total {worst['reference']:g} (100 billion yuan) by {_relative(worst):.2%}, and by no common "
        f"yuan-per-US$ factor in {RATE_BAND} either (implied {low:.3f}–{high:.3f})",
    )


def _chain(path: Path, a: Month, b: Month, names: list[str]) -> dict:
    """Cumulative(b) = cumulative(a) + month(b), row by row, for consecutive months of one unit (check 5)."""
    rows_a, rows_b = _rows_by_name(a, names), _rows_by_name(b, names)
    worst: dict | None = None
    checked = 0
    for name, row in rows_b.items():
        cum = row["trade_total_cum"]
        if cum < CHAIN_FLOOR:
            continue
        before = rows_a[name]["trade_total_cum"] if name in rows_a else 0.0
        expected = before + row["trade_total_month"]
        check = _check(
            "continuity",
            b.month,
            name,
            "trade_total_cum",
            cum,
            expected,
            CHAIN_TOLERANCE,
            f"month {a.month} cumulative + month {b.month}",
        )
        checked += 1
        if _relative(check) > CHAIN_TOLERANCE:
            raise _fail(
                path,
                row["line"],
                "trade_total_cum",
                f"month {b.month}, {name}: cumulative {cum:,.0f} is not month {a.month}'s {before:,.0f} plus this "
                f"month's {row['trade_total_month']:,.0f} (off by {_relative(check):.1%}); the rows do not line up "
                "from month to month",
            )
        if worst is None or _relative(check) > _relative(worst):
            worst = check
    if worst is None:
        raise _fail(path, b.rows[0]["line"], "trade_total_cum", f"month {b.month}: no row reaches 1 bn yuan")
    return worst | dict(detail=f"the largest gap of {checked} rows of ≥ 1 bn yuan ({worst['detail']})")


def rebuild(raw: Path) -> Rebuild:
    """Read the folder, place every row on its name and run checks 1–5 (any failure: :class:`BuildError`)."""
    folder = raw / FOLDER
    source_id = provenance.read_record(folder)["sources"][0]["source_id"]
    names, name_patterns = read_names(folder)
    table = read_table(folder)
    totals = read_totals(folder)
    path = folder / TABLE
    months: dict[int, Month] = {}
    units: dict[int, str] = {}
    checks: list[dict] = []
    for month, rows in sorted(table.items()):
        m = _rebuild_month(path, month, rows, names, name_patterns)
        ambiguous = [
            f"line {row['line']}: {' or '.join(names[j] for j in p)}"
            for row, p in zip(m.rows, m.places, strict=True)
            if len(p) > 1
        ]
        checks.append(
            _check(
                "placement",
                month,
                "all rows",
                "region_raw",
                float(m.alignments),
                1.0,
                0.0,
                f"{len(rows)} rows placed on {len(names)} names; rows with two candidates (same region): "
                + ("; ".join(ambiguous) or "none"),
            )
        )
        _check_rows(path, m)
        checks += _subtotals(path, m, names)
        units[month], unit_checks = _unit(path, m, names, totals[month])
        checks += unit_checks
        months[month] = m
    for a, b in zip(MONTHS, MONTHS[1:], strict=False):
        if b == a + 1 and units[a] == units[b]:
            checks.append(_chain(path, months[a], months[b], names))
    return Rebuild(names, months, units, checks, source_id)


def monthly_rows(rebuilt: Rebuild) -> pd.DataFrame:
    """The curated rows (:data:`CURATED_COLUMNS`): the world total and the five, each month and flow, as printed."""
    rows = []
    for month, m in rebuilt.months.items():
        for position, (row, place) in enumerate(zip(m.rows, m.places, strict=True), start=1):
            name = rebuilt.names[place[0]]
            if len(place) != 1 or name not in PARTNERS:
                continue
            for flow, stem in FLOWS.items():
                rows.append(
                    dict(
                        year=YEAR,
                        month=month,
                        reporter="CHN",
                        partner=PARTNERS[name],
                        flow=flow,
                        value_month=row[f"{stem}_month"],
                        value_cumulative=row[f"{stem}_cum"],
                        unit=rebuilt.units[month],
                        name_zh=name,
                        table_row=position,
                        raw_line=row["line"],
                        source_id=rebuilt.source_id,
                    )
                )
    order = {code: i for i, code in enumerate(PARTNERS.values())}
    frame = pd.DataFrame(rows, columns=CURATED_COLUMNS)
    frame = frame.sort_values(["partner", "flow", "month"], key=lambda s: s.map(order) if s.name == "partner" else s)
    return frame.reset_index(drop=True)


def check_rows(rebuilt: Rebuild) -> pd.DataFrame:
    """Checks 1–5 as a table (:data:`CHECK_COLUMNS`): what was compared, with what, and the residual."""
    return pd.DataFrame(rebuilt.checks, columns=CHECK_COLUMNS)


def missing_lines(table: pd.DataFrame) -> list[str]:
    """'What the sources lack' lines for the ``gacc_monthly`` table: months without a yuan value, and why."""
    held = set(table["month"])
    usd = sorted(set(table.loc[table["unit"].eq(UNIT_USD), "month"]))
    lines = [
        f"China's customs, 2024 monthly tables (gacc_monthly): no table for month {m} of {YEAR} in the stored file "
        "(every partner); missing, never filled from the cumulative values."
        for m in range(1, 13)
        if m not in held
    ]
    lines += [
        f"China's customs, 2024 monthly tables (gacc_monthly): month {m}'s table is in 1,000 US$, not 10,000 yuan; "
        "kept in that unit and never converted, so the yuan series has no value for that month."
        for m in usd
    ]
    return lines
