"""The first press table (``data/raw/press-quoted-figures``): quoted trade figures and the Belt and Road documents."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from tradeviz import countries
from tradeviz.errors import BuildError
from tradeviz.sources import provenance

# Units as written in the press table: (unit, currency, factor to millions, qualifier).
PRESS_UNIT = re.compile(
    r"^(?P<scale>million|billion) (?P<currency>USD|CNY)(?: \((?P<qualifier>lower bound|approximate)\))?$"
)
SCALE_TO_MILLIONS = {"million": 1.0, "billion": 1000.0}


def quoted_figures(raw: Path) -> list[dict]:
    """The first press table's figures as rows of the published table: value as stated, plus million US$.

    ``value_usd_millions`` = value × 1 (million) or × 1000 (billion) for USD figures; None for CNY (no exchange rate).
    """
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
                raise BuildError(
                    f"{where}, column unit: {row['unit']!r} is not "
                    "'<million|billion> <USD|CNY> [(lower bound|approximate)]'."
                )
            if row["measure"] not in MEASURES:
                raise BuildError(f"{where}, column measure: {row['measure']!r} is not one of {sorted(MEASURES)}.")
            try:
                value = float(row["value"])
                year = int(row["year"])
            except ValueError:
                raise BuildError(f"{where}: year {row['year']!r} / value {row['value']!r} must be numbers.") from None
            factor = SCALE_TO_MILLIONS[unit["scale"]]
            figures.append(
                dict(
                    figure_id=f"{source_id}#{line}",
                    year=year,
                    period="full_year",
                    partner=countries.resolve_source_label(row["partner"], names),
                    side=sides[str(line)],
                    measure=row["measure"],
                    value=value,
                    unit=f"{unit['scale']} {unit['currency']}",
                    currency=unit["currency"],
                    qualifier=(unit["qualifier"] or "exact").replace(" ", "_"),
                    value_usd_millions=round(value * factor, 6) if unit["currency"] == "USD" else None,
                    statistical_source=row["statistical_source_as_stated"],
                    page_url=row["page_url"],
                    page_date=row["page_date"],
                    quoted_text=row["quoted_text"],
                    note="",
                    in_series=False,
                    source_id=source_id,
                )
            )
    return figures


MEASURES = countries.MEASURES


BRI_PRECISIONS = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}", "none": r""}


def build_bri(raw: Path) -> pd.DataFrame:
    """The ``bri`` table: Belt and Road cooperation documents per country, dated to the stated precision."""
    folder = raw / "press-quoted-figures"
    source_id = provenance.read_record(folder)["sources"][0]["source_id"]
    path = folder / "bri_cooperation_documents.csv"
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            precision = row["date_precision"]
            if precision not in BRI_PRECISIONS or not re.fullmatch(BRI_PRECISIONS[precision], row["date"]):
                raise BuildError(
                    f"{path.name} line {line}: date {row['date']!r} does not match precision {precision!r}."
                )
            rows.append(
                dict(
                    country=countries.resolve_source_label(row["country"], folder / "country_names.json"),
                    event=row["event"],
                    date=row["date"] or None,
                    date_precision=precision,
                    year=int(row["date"][:4]) if row["date"] else None,
                    note=row["note"],
                    page_url=row["page_url"],
                    page_date=row["page_date"],
                    quoted_text=row["quoted_text"],
                    source_id=source_id,
                )
            )
    frame = pd.DataFrame(rows)
    frame["year"] = frame["year"].astype("Int64")
    return frame.sort_values(["country", "date", "event"], na_position="last").reset_index(drop=True)
