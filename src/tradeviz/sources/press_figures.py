"""Published figures 2019–2025 (``data/raw/press-figures-2026``) -> curated rows.

The raw folder holds four tables transcribed from stored copies of public web pages, each row with
the page address, the page date and a quote containing the number:

- ``trade_figures.csv``: bilateral trade of China with the five (or the five together), from China's
  customs (side ``china``) or the partner's own statistics (side ``partner``), full year or part of one;
- ``targets.csv``: announced trade targets; ``pledges.csv``: the January 2022 pledges and follow-ups;
- ``gas_imports.csv``: China's imports of pipeline natural gas by value, per supplier.

Values stay as stated (unit, currency, qualifier); US$ figures are scaled to millions, yuan figures
keep no US$ value (no exchange rate is applied).  A row whose ``series`` column is ``yes`` is the
figure the annual series uses for its (year, partner, side, measure): only full-year US$ figures may
be, and only one per key.  Every problem raises :class:`~tradeviz.errors.BuildError` naming the file,
the line and the column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from tradeviz import countries
from tradeviz.sources import provenance

if TYPE_CHECKING:
    import pandas as pd

FOLDER = "press-figures-2026"
PERIODS = (
    "full_year",
    "jan_feb",
    "jan_mar",
    "jan_apr",
    "jan_may",
    "jan_jun",
    "jan_jul",
    "jan_aug",
    "jan_sep",
    "jan_oct",
    "jan_nov",
)
"""``full_year`` or January to the named month: partial-year figures say so and never stand in for a year."""
SIDES = ("china", "partner", "unstated")
"""Whose statistics: China's customs (GACC, also as quoted by MOFCOM, Xinhua, embassies), the partner's own
statistics office or government, or a page that does not say."""
NO_SOURCE = ("not stated", "not explicitly stated")
"""How ``statistical_source_as_stated`` begins where the page names no statistical source: side ``unstated``."""
MEASURES = countries.MEASURES
"""Direction of the goods, whoever reports them: china_exports = China -> partner, china_imports = partner -> China."""
QUALIFIERS = ("exact", "approximate", "lower_bound")
UNITS = {  # unit as written -> (currency, factor to millions of that currency)
    "USD": ("USD", 1e-6),
    "million USD": ("USD", 1.0),
    "billion USD": ("USD", 1000.0),
    "100 million USD": ("USD", 100.0),
    "million CNY": ("CNY", 1.0),
    "billion CNY": ("CNY", 1000.0),
    "100 million CNY": ("CNY", 100.0),
}
"""``100 million`` is the Chinese 亿 (yi) in which Chinese pages state trade."""
TARGET_UNITS = {"billion USD": 1000.0, "million USD": 1.0}
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


PAGE_COLUMNS = ("page_url", "page_date", "quoted_text", "note")
"""Where every published row comes from: the page, its date, the sentence with the number, and caveats."""


class _Rows:
    """Rows of one raw CSV, each problem reported as 'file line N, column C: ...'."""

    def __init__(self, path: Path, columns: tuple[str, ...]):
        self.path = path
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                self.fail(1, missing[0], f"missing column(s) {missing}; expected {list(columns)}")
            self.rows = [
                (line, {k: (v or "").strip() for k, v in row.items()}) for line, row in enumerate(reader, start=2)
            ]

    def fail(self, line: int, column: str, message: str) -> NoReturn:
        from tradeviz.errors import BuildError

        raise BuildError(
            f"{self.path} line {line}, column {column!r}: {message}. "
            f"Fix the row in {self.path.name} (raw transcriptions are corrected by hand, "
            "with the page re-read), then run `tradeviz data snapshot` and `tradeviz data build`."
        )

    def choice(self, line: int, row: dict[str, str], column: str, allowed: Collection[str], hint: str = "") -> str:
        value = row[column]
        if value not in allowed:
            self.fail(line, column, f"{value!r} is not one of {list(allowed)}{hint}")
        return value

    def optional_number(self, line: int, row: dict, column: str) -> float | None:
        return self.number(line, row, column) if row[column] else None

    def number(self, line: int, row: dict, column: str) -> float:
        text = row[column]
        try:
            value = float(text)
        except ValueError:
            self.fail(line, column, f"{text!r} is not a number (write it as a plain decimal, e.g. 15.42)")
        if value < 0 or value != value:
            self.fail(line, column, f"{text!r} must be zero or more")
        return value

    def optional_year(self, line: int, row: dict, column: str) -> int | None:
        return self.year(line, row, column) if row[column] else None

    def year(self, line: int, row: dict, column: str) -> int:
        text = row[column]
        if not re.fullmatch(r"\d{4}", text):
            self.fail(line, column, f"{text!r} is not a year (YYYY)")
        return int(text)

    def quote(self, line: int, row: dict, value: float | None = None) -> str:
        """The quoted sentence: required, and it must contain the number as printed.

        Checked as a decimal (15.42, 15,42, 5,000, 5 000) or, where the page writes it otherwise ("five
        billion", "3 млрд. 678 млн."), as the optional column ``number_as_printed``, copied from the quote.
        """
        text = row["quoted_text"]
        if not text:
            self.fail(line, "quoted_text", "is empty: every published value needs the sentence it comes from")
        printed = row.get("number_as_printed") or ""
        if printed and printed not in text:
            self.fail(line, "number_as_printed", f"{printed!r} is not in the quoted text")
        if value is not None and not printed and not _quote_has_number(text, value):
            self.fail(
                line,
                "quoted_text",
                f"does not contain the value {value:g} as printed (checked as "
                f"{' or '.join(_number_forms(value))}; where the page writes it in words, copy those words "
                "into number_as_printed)",
            )
        return text

    def date(self, line: int, row: dict, column: str, *, required: bool = False) -> str:
        text = row[column]
        if (required or text) and not DATE.fullmatch(text):
            self.fail(line, column, f"{text!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
        return text


def _number_forms(value: float) -> list[str]:
    text = f"{value:f}".rstrip("0").rstrip(".")
    if "." in text:
        return [text, text.replace(".", ",")]
    return [text, f"{int(text):,}"] if len(text) > 3 else [text]


def _quote_has_number(quote: str, value: float) -> bool:
    # digits may be grouped with spaces or thin spaces on Russian pages ("1 200"); compare without them
    flat = re.sub(r"(?<=\d)[\s\u00a0\u202f](?=\d{3}\b)", "", quote)
    return any(re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d]|[.,]\d)", flat) for form in _number_forms(value))


def _page(rows: _Rows, line: int, row: dict, source_id: str, value: float | None) -> dict:
    """The fields every published row carries: page address, page date, quote (checked), note, source id."""
    return dict(
        page_url=row["page_url"],
        page_date=rows.date(line, row, "page_date"),
        quoted_text=rows.quote(line, row, value),
        note=row["note"],
        source_id=source_id,
    )


def _source(raw: Path) -> tuple[Path, str, Path]:
    folder = raw / FOLDER
    return folder, provenance.read_record(folder)["sources"][0]["source_id"], folder / "country_names.json"


def _partner(rows: _Rows, line: int, row: dict, column: str, names: Path) -> str:
    try:
        return countries.resolve_source_label(row[column], names)
    except countries.UnknownCountryError as exc:
        rows.fail(line, column, str(exc))


TRADE_COLUMNS = (
    "year",
    "period",
    "partner",
    "side",
    "measure",
    "value",
    "unit",
    "qualifier",
    "statistical_source_as_stated",
    *PAGE_COLUMNS,
    "series",
)


def trade_figures(raw: Path) -> list[dict]:
    """``trade_figures.csv`` -> rows of the published table (``in_series`` marks the annual series)."""
    folder, source_id, names = _source(raw)
    rows = _Rows(folder / "trade_figures.csv", TRADE_COLUMNS)
    out: list[dict] = []
    series_keys: dict[tuple, int] = {}
    for line, row in rows.rows:
        year = rows.year(line, row, "year")
        if year < countries.FIRST_YEAR_AS_STATES:
            rows.fail(line, "year", f"{year} is before 1992, when the five became states")
        period = rows.choice(
            line,
            row,
            "period",
            PERIODS,
            " (full_year, or jan_<month> for January to that month: a partial-year figure must say so)",
        )
        side = rows.choice(line, row, "side", SIDES)
        if side == "china" and row["statistical_source_as_stated"].lower().startswith(NO_SOURCE):
            rows.fail(
                line,
                "side",
                "the page names no statistical source (statistical_source_as_stated begins 'not stated'), so by "
                "SOURCE.md's rule the side is 'unstated', not 'china'",
            )
        measure = rows.choice(line, row, "measure", MEASURES)
        unit = rows.choice(line, row, "unit", UNITS, " (currencies: USD or CNY, as the page states them)")
        qualifier = rows.choice(line, row, "qualifier", QUALIFIERS)
        value = rows.number(line, row, "value")
        if not row["page_url"].startswith(("http://", "https://")):
            rows.fail(line, "page_url", f"{row['page_url']!r} is not a web address")
        in_series = rows.choice(line, row, "series", ("yes", "no")) == "yes"
        partner = _partner(rows, line, row, "partner", names)
        currency, factor = UNITS[unit]
        if in_series:
            if period != "full_year":
                rows.fail(
                    line,
                    "series",
                    f"a {period} figure cannot stand in for the year {year}; "
                    "only full_year figures may be in the annual series",
                )
            if currency != "USD":
                rows.fail(line, "series", "a yuan figure cannot be in the US$ series (no exchange rate is applied)")
            if side == "unstated":
                rows.fail(line, "series", "a figure whose side is unstated cannot be in either side's series")
            if qualifier == "lower_bound":
                rows.fail(line, "series", "a lower bound ('over', 'exceeded') cannot be a series value")
            key = (year, partner, side, measure)
            if key in series_keys:
                rows.fail(
                    line,
                    "series",
                    f"line {series_keys[key]} is already the series figure for "
                    f"year {year}, partner {partner}, side {side}, measure {measure}; mark one of them 'no'",
                )
            series_keys[key] = line
        out.append(
            dict(
                figure_id=f"{source_id}#{line}",
                year=year,
                period=period,
                partner=partner,
                side=side,
                measure=measure,
                value=value,
                unit=unit,
                currency=currency,
                qualifier=qualifier,
                value_usd_millions=round(value * factor, 6) if currency == "USD" else None,
                statistical_source=row["statistical_source_as_stated"] or "not stated",
                in_series=in_series,
                **_page(rows, line, row, source_id, value),
            )
        )
    return out


PLACE_COLUMNS = (
    "trade_figures_line",
    "year",
    "period",
    "reporter",
    "partner",
    "flow",
    "measure",
    "value",
    "evidence",
    "note",
)
PLACE_MEASURES = ("rank", "share_pct")
"""A partner's rank among a country's trade partners (1 = largest) or its share of the country's trade, in %."""
PLACE_REPORTERS = countries.FIVE
PLACE_PARTNERS = ("CHN", "RUS")


def partner_places(raw: Path) -> list[dict]:
    """``partner_places.csv`` -> China's (or Russia's) published rank or share in one of the five's trade.

    Each row points to the ``trade_figures.csv`` line whose quote states it; page, date, side and quote are taken
    from that line, ``evidence`` must be a part of the quote, and a share's value must be written in it.
    """
    folder, source_id, names = _source(raw)
    figures = {int(f["figure_id"].rsplit("#", 1)[1]): f for f in trade_figures(raw)}
    rows = _Rows(folder / "partner_places.csv", PLACE_COLUMNS)
    out: list[dict] = []
    keys: set[tuple] = set()
    for line, row in rows.rows:
        text = row["trade_figures_line"]
        source_line = int(text) if text.isdigit() else None
        if source_line not in figures:
            rows.fail(line, "trade_figures_line", f"trade_figures.csv has no data line {text!r}")
        figure = figures[source_line]
        year = rows.year(line, row, "year")
        period = rows.choice(line, row, "period", PERIODS)
        reporter = rows.choice(line, row, "reporter", PLACE_REPORTERS)
        if (year, period, reporter) != (figure["year"], figure["period"], figure["partner"]):
            rows.fail(
                line,
                "year",
                f"({year}, {period}, {reporter}) differs from trade_figures.csv line {source_line} "
                f"({figure['year']}, {figure['period']}, {figure['partner']})",
            )
        partner = rows.choice(line, row, "partner", PLACE_PARTNERS)
        flow = rows.choice(line, row, "flow", ("total", "exports", "imports"))
        measure = rows.choice(line, row, "measure", PLACE_MEASURES)
        value = rows.number(line, row, "value")
        if measure == "rank" and (value < 1 or value != int(value)):
            rows.fail(line, "value", f"a rank must be a whole number from 1, not {row['value']!r}")
        evidence = row["evidence"]
        if not evidence or evidence not in figure["quoted_text"]:
            rows.fail(
                line, "evidence", f"{evidence!r} is not part of the quote of trade_figures.csv line {source_line}"
            )
        if measure == "share_pct" and not _quote_has_number(evidence, value):
            rows.fail(line, "value", f"{row['value']} is not written in the evidence {evidence!r}")
        key = (year, period, reporter, partner, flow, measure, figure["page_url"])
        if key in keys:
            rows.fail(line, "measure", "the same figure from the same page twice")
        keys.add(key)
        out.append(
            dict(
                figure_id=f"{source_id}#places-{line}",
                year=year,
                period=period,
                reporter=reporter,
                partner=partner,
                flow=flow,
                measure=measure,
                value=value,
                side=figure["side"],
                statistical_source=figure["statistical_source"],
                page_url=figure["page_url"],
                page_date=figure["page_date"],
                quoted_text=figure["quoted_text"],
                evidence=evidence,
                note=row["note"],
                trade_figure_id=figure["figure_id"],
                source_id=source_id,
            )
        )
    return out


TARGET_COLUMNS = (
    "scope",
    "value",
    "unit",
    "deadline_year",
    "deadline_text",
    "announced_by",
    "announced_date",
    "announced_date_precision",
    *PAGE_COLUMNS,
)


def targets(raw: Path) -> list[dict]:
    """``targets.csv`` -> announced trade targets; a deadline before the announcement is an error."""
    folder, source_id, names = _source(raw)
    rows = _Rows(folder / "targets.csv", TARGET_COLUMNS)
    out = []
    for line, row in rows.rows:
        unit = rows.choice(line, row, "unit", TARGET_UNITS)
        value = rows.number(line, row, "value")
        announced = rows.date(line, row, "announced_date")
        precision = rows.choice(
            line,
            row,
            "announced_date_precision",
            ("day", "month", "year", "none"),
            " ('none' when the page only restates a target without dating its announcement)",
        )
        if len(announced) != {"day": 10, "month": 7, "year": 4, "none": 0}[precision]:
            rows.fail(line, "announced_date", f"{announced!r} does not match precision {precision!r}")
        deadline = rows.optional_year(line, row, "deadline_year")
        if deadline is not None and announced and deadline < int(announced[:4]):
            rows.fail(line, "deadline_year", f"the deadline {deadline} comes before the announcement ({announced})")
        if deadline is None and not row["deadline_text"]:
            rows.fail(line, "deadline_text", "give the page's words for the deadline when there is no deadline year")
        out.append(
            dict(
                target_id=f"{source_id}#targets-{line}",
                scope=_partner(rows, line, row, "scope", names),
                value=value,
                unit=unit,
                value_usd_millions=round(value * TARGET_UNITS[unit], 6),
                deadline_year=deadline,
                deadline_text=row["deadline_text"],
                announced_by=row["announced_by"],
                announced_date=announced or None,
                announced_year=int(announced[:4]) if announced else None,
                announced_date_precision=precision,
                **_page(rows, line, row, source_id, value),
            )
        )
    return out


PLEDGE_COLUMNS = (
    "pledge_id",
    "kind",
    "item",
    "value",
    "unit",
    "period_text",
    "announced_by",
    "announced_date",
    *PAGE_COLUMNS,
)


def pledges(raw: Path) -> list[dict]:
    """``pledges.csv`` -> the January 2022 pledges and every later figure reporting on them."""
    folder, source_id, _ = _source(raw)
    rows = _Rows(folder / "pledges.csv", PLEDGE_COLUMNS)
    out = []
    for line, row in rows.rows:
        value = rows.optional_number(line, row, "value")
        if not row["pledge_id"]:
            rows.fail(line, "pledge_id", "is empty: name the pledge the row states or reports on")
        out.append(
            dict(
                figure_id=f"{source_id}#pledges-{line}",
                pledge_id=row["pledge_id"],
                kind=rows.choice(line, row, "kind", ("pledge", "follow_up")),
                item=row["item"],
                value=value,
                unit=row["unit"],
                period_text=row["period_text"],
                announced_by=row["announced_by"],
                announced_date=rows.date(line, row, "announced_date"),
                **_page(rows, line, row, source_id, value),
            )
        )
    return out


GAS_COLUMNS = (
    "year",
    "period",
    "supplier",
    "value",
    "unit",
    "volume",
    "volume_unit",
    "statistical_source_as_stated",
    *PAGE_COLUMNS,
)


def gas_imports(raw: Path) -> list[dict]:
    """``gas_imports.csv`` -> China's pipeline-gas imports by value per supplier (US$ only)."""
    folder, source_id, names = _source(raw)
    rows = _Rows(folder / "gas_imports.csv", GAS_COLUMNS)
    out = []
    for line, row in rows.rows:
        value = rows.optional_number(line, row, "value")
        volume = rows.optional_number(line, row, "volume")
        if value is None and volume is None:
            rows.fail(line, "value", "is empty and so is volume: a row needs a value or a volume")
        unit = rows.choice(line, row, "unit", [u for u in UNITS if u.endswith("USD")]) if value is not None else ""
        out.append(
            dict(
                figure_id=f"{source_id}#gas-{line}",
                year=rows.year(line, row, "year"),
                period=rows.choice(line, row, "period", PERIODS),
                supplier=_partner(rows, line, row, "supplier", names),
                value=value,
                unit=unit or None,
                value_usd_millions=round(value * UNITS[unit][1], 6) if value is not None else None,
                volume=volume,
                volume_unit=row["volume_unit"] or None,
                statistical_source=row["statistical_source_as_stated"] or "not stated",
                **_page(rows, line, row, source_id, value if value is not None else volume),
            )
        )
    return out


SERIES_FIRST, SERIES_LAST = 2019, 2025
"""Years the published series sets out to cover: two overlap years with DOTS (2019–2020) and 2021–2025."""


def coverage(series: pd.DataFrame) -> list[dict[str, Any]]:
    """Found/missing per (partner, side, measure) over SERIES_FIRST..SERIES_LAST: one dict per combination.

    ``series`` is the published_series table.  China's side covers the five and CA5; the partners' side the five.
    """
    years = list(range(SERIES_FIRST, SERIES_LAST + 1))
    have = set(zip(series["partner"], series["side"], series["measure"], series["year"], strict=True))
    out = []
    for side, partners in (("china", countries.FIVE + (countries.GROUP,)), ("partner", countries.FIVE)):
        for partner in partners:
            for measure in MEASURES:
                found = [y for y in years if (partner, side, measure, y) in have]
                out.append(
                    dict(
                        partner=partner,
                        side=side,
                        measure=measure,
                        found=found,
                        missing=[y for y in years if y not in found],
                    )
                )
    return out


def _years_text(years: list[int]) -> str:
    """[2019, 2020, 2021, 2023] -> '2019–2021, 2023'."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def missing_lines(series: pd.DataFrame) -> list[str]:
    """'What the sources lack' lines for the published series: every missing country-year-side-measure."""
    side_text = {"china": "China's customs", "partner": "its own statistics"}
    lines = []
    for row in coverage(series):
        if row["missing"]:
            who = "the five together" if row["partner"] == countries.GROUP else countries.name(row["partner"])
            side = side_text[row["side"]] if row["partner"] != countries.GROUP else "China's customs"
            lines.append(
                f"{who}, {row['measure']}, by {side}: no full-year published figure for {_years_text(row['missing'])}."
            )
    return lines
