"""Kazakhstan's Bureau of National Statistics, "Foreign trade turnover of the Republic of Kazakhstan", January–December
2023, 2024 and 2025 (``data/raw/stat-gov-kz``): the all-partner totals and China's place, as published.

The pages give no US$ value of trade with China: only China's share of Kazakhstan's exports and of its imports (in
the list of main partner countries, whose order gives China's rank) beside the all-partner turnover, exports and
imports in million US$.  Each figure is read from the page's own text by a pattern (:data:`PATTERNS`) and keeps
the sentence it comes from (``quoted_text``) and the words that state it (``evidence``); a page whose text no
longer holds a sentence, or whose exports and imports do not add up to its turnover (±0.15, the rounding to 0.1),
stops the build.  A share × total is **not** a published figure and is not curated here
(:func:`tradeviz.measures.imts.stat_gov_kz_derived` computes it, labelled derived, for comparisons only).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from tradeviz import countries
from tradeviz.errors import BuildError
from tradeviz.sources import provenance

FOLDER = "stat-gov-kz"
PAGES = {
    "stat_gov_kz_annual_2023_123067.html": (2023, 123067),
    "stat_gov_kz_annual_2024_315588.html": (2024, 315588),
    "stat_gov_kz_annual_2025_476331.html": (2025, 476331),
}
"""Annual page -> (year, publication id).  The publications list (stat_gov_kz_publications_index.html) holds no
figures and is not read."""
URL = "https://stat.gov.kz/en/industries/economy/foreign-market/publications/{id}/"
DASH = r"\s*[–-]\s*"
NUMBER = r"\d+(?:[.,]\d+)?"
PATTERNS = {
    ("WLD", "total"): rf"The foreign trade turnover of Kazakhstan in January[–-]December (?P<year>\d{{4}}) amounted to "
    rf"(?P<value>{NUMBER}) million US dollars",
    ("WLD", "exports"): rf"Including exports{DASH}(?P<value>{NUMBER}) million US dollars",
    ("WLD", "imports"): rf"Imports{DASH}(?P<value>{NUMBER}) million US dollars",
    ("CHN", "exports"): r"The main export partner countries of the Republic of Kazakhstan are: (?P<list>.*?\))\.",
    ("CHN", "imports"): r"The main countries partners of the Republic of Kazakhstan in imports are: (?P<list>.*?\))\.",
}
"""(partner, flow) -> the sentence stating it: the all-partner values, and the lists of main partners with shares."""
ITEM = re.compile(rf"(?P<name>[^,()]+?) \((?P<share>{NUMBER})%\)")
COLUMNS = [
    "figure_id",
    "year",
    "period",
    "reporter",
    "partner",
    "flow",
    "measure",
    "value",
    "unit",
    "preliminary",
    "publication_id",
    "publication_date",
    "page_url",
    "page_file",
    "quoted_text",
    "evidence",
    "source_id",
]
UNITS = {"value_usd_millions": "million US$", "share_pct": "percent", "rank": "rank"}


class _Text(HTMLParser):
    """The visible text of a page (scripts and styles dropped), whitespace runs as one space."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def page_text(path: Path) -> str:
    """The page's visible text with whitespace runs collapsed (what the quotes are exact substrings of)."""
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def _number(text: str) -> float:
    """'139833.4', '143888,2' (the 2025 page writes decimal commas), '64847' -> float."""
    return float(text.replace(",", "."))


def _fail(path: Path, message: str) -> BuildError:
    return BuildError(f"{path}: {message}. Restore the page from the stored copy (SOURCE.md in the same folder).")


def read_page(path: Path, year: int, publication: int, source_id: str) -> list[dict]:
    """One annual page -> its figures (all-partner values; China's share and rank in exports and imports)."""
    if not path.exists():
        raise BuildError(f"{path}: missing; restore it from the stored copy (SOURCE.md in the same folder).")
    html = path.read_text(encoding="utf-8")
    if f"/publications/{publication}/" not in html:
        raise _fail(path, f"not the page of publication {publication}")
    text = page_text(path)
    date = re.search(r"Date of publication: (\d{2})\.(\d{2})\.(\d{4})", text)
    if date is None:
        raise _fail(path, "no 'Date of publication: DD.MM.YYYY'")
    preliminary = bool(re.search(rf"January[–-]December {year} [–-] preliminary data", text))
    base = dict(
        year=year,
        period="full_year",
        reporter="KAZ",
        preliminary=preliminary,
        publication_id=publication,
        publication_date=f"{date.group(3)}-{date.group(2)}-{date.group(1)}",
        page_url=URL.format(id=publication),
        page_file=path.name,
        source_id=source_id,
    )
    rows = []
    values = {}
    for (partner, flow), pattern in PATTERNS.items():
        found = list(re.finditer(pattern, text))
        if len(found) != 1:
            raise _fail(path, f"{len(found)} sentences match {pattern!r}; expected exactly one")
        match = found[0]
        if partner == countries.WORLD:
            if flow == "total" and int(match.group("year")) != year:
                raise _fail(path, f"the turnover sentence is for {match.group('year')}, not {year}")
            values[flow] = _number(match.group("value"))
            rows.append(
                base
                | dict(
                    partner=partner,
                    flow=flow,
                    measure="value_usd_millions",
                    value=values[flow],
                    quoted_text=match.group(0),
                    evidence=f"{match.group('value')} million US dollars",
                )
            )
            continue
        items = list(ITEM.finditer(match.group("list")))
        names = [item.group("name").strip() for item in items]
        if "China" not in names:
            raise _fail(path, f"China is not in the list of main {flow} partners: {names}")
        place = names.index("China")
        item = items[place]
        for measure, value in (("share_pct", _number(item.group("share"))), ("rank", float(place + 1))):
            rows.append(
                base
                | dict(
                    partner=partner,
                    flow=flow,
                    measure=measure,
                    value=value,
                    quoted_text=match.group(0),
                    evidence=item.group(0).strip(),
                )
            )
    if abs(values["exports"] + values["imports"] - values["total"]) > 0.15:
        raise _fail(
            path,
            f"exports {values['exports']} + imports {values['imports']} is not the turnover {values['total']}",
        )
    return rows


def build_stat_gov_kz(raw: Path) -> pd.DataFrame:
    """The ``stat_gov_kz`` table: Kazakhstan's all-partner trade and China's share and rank, 2023–2025, as published."""
    folder = raw / FOLDER
    source_id = provenance.read_record(folder)["sources"][0]["source_id"]
    rows = []
    for name, (year, publication) in PAGES.items():
        rows += read_page(folder / name, year, publication, source_id)
    frame = pd.DataFrame(rows)
    frame["unit"] = frame["measure"].map(UNITS)
    frame["figure_id"] = (
        source_id
        + "#"
        + frame["year"].astype(str)
        + "-"
        + frame["partner"]
        + "-"
        + frame["flow"]
        + "-"
        + frame["measure"]
    )
    order = {"WLD": 0, "CHN": 1}
    frame = frame.sort_values(
        ["year", "partner", "flow", "measure"], key=lambda s: s.map(order) if s.name == "partner" else s
    )
    return frame[COLUMNS].reset_index(drop=True)


def missing_lines(table: pd.DataFrame) -> list[str]:
    """'What the sources lack' lines: the stat.gov.kz pages state no US$ value of trade with China."""
    years = sorted(set(table["year"]))
    span = f"{years[0]}–{years[-1]}" if years else "2023–2025"
    return [
        f"Kazakhstan's own statistics (stat_gov_kz), {span}: the stat.gov.kz pages give China's share of exports and "
        "of imports and the all-partner totals, but no US$ value of trade with China (a share × total is not "
        "published and is not in any series)."
    ]
