"""The seed article (``data/raw/seed-article``): the 1992 and 2021 totals of the January 2022 summit."""

from __future__ import annotations

import re
from pathlib import Path

from tradeviz import countries
from tradeviz.errors import BuildError
from tradeviz.sources import provenance

# Indonesian number words: "juta" = million, "miliar" = billion; the decimal separator is a comma.
SEED_SENTENCE = re.compile(
    r"perdagangan antara China dan negara-negara Asia Tengah melonjak menjadi "
    r"(?P<end>[\d.,]+) (?P<end_unit>juta|miliar) dolar AS pada tahun (?P<end_year>\d{4}) "
    r"dari (?P<start>[\d.,]+) (?P<start_unit>juta|miliar) dolar AS pada tahun (?P<start_year>\d{4})"
)
INDONESIAN_UNITS = {"juta": ("million USD", 1.0), "miliar": ("billion USD", 1000.0)}


def seed_figures(raw: Path) -> list[dict]:
    """The seed article's two CA5 totals (start and end year) as rows of the published table, million US$.

    Indonesian units are converted: juta = million, miliar = billion (× 1000); the decimal separator is a comma.
    """
    folder = raw / "seed-article"
    source_id = provenance.read_record(folder)["sources"][0]["source_id"]
    path = folder / "rmol_2022-01-26_xi_central_asia.txt"
    text = path.read_text(encoding="utf-8")
    match = SEED_SENTENCE.search(text)
    if not match:
        raise BuildError(
            f"{path}: the trade sentence ('perdagangan antara China dan negara-negara Asia Tengah "
            "melonjak menjadi ...') was not found; the extraction pattern needs updating."
        )
    sentence = text[text.rfind("\n", 0, match.start()) + 1 : text.find("\n", match.end())].strip()
    figures = []
    for end in ("start", "end"):
        unit, factor = INDONESIAN_UNITS[match[f"{end}_unit"]]
        value = float(match[end].replace(".", "").replace(",", "."))
        figures.append(
            dict(
                figure_id=f"{source_id}#{end}",
                year=int(match[f"{end}_year"]),
                period="full_year",
                partner=countries.GROUP,
                side="china",
                measure="total_trade",
                value=value,
                unit=unit,
                currency="USD",
                qualifier="exact",
                value_usd_millions=round(value * factor, 6),
                statistical_source="Global Times (2022-01-26), as quoted by RMOL",
                page_url="",
                page_date="2022-01-26",
                quoted_text=sentence,
                note="Figures from the January 2022 summit, as reported by Chinese state media.",
                in_series=False,
                source_id=source_id,
            )
        )
    return figures
