"""Checks for report parameters: the first cell after a notebook's ``parameters`` cell calls these.

Each returns the cleaned value or raises ``ValueError``/``UnknownCountryError`` with a message that
names the problem and the valid choices, so a bad papermill ``-p`` stops the notebook at once.
"""

from __future__ import annotations

import pandas as pd

from tradeviz import countries, data
from tradeviz.measures import common
from tradeviz.text.products import no_product_data


def _dots_years() -> tuple[int, int]:
    years = data.load_trade()["year"]
    return int(years.min()), int(years.max())


def partner(value: str) -> str:
    """ISO3 code of one of the five (names, ISO2/ISO3 and variants accepted)."""
    return countries.resolve(value)


def product_partner(value: str) -> str:
    """One of the five with 4-digit product rows (its own reports with China) in the shipped ``products`` table:
    Kazakhstan.  Another of the five is refused with what the shipped data hold and how to fetch the rest."""
    code = countries.resolve(value)
    rows = data.load_products()
    if not (rows["reporter"].eq(code) & rows["partner"].eq(countries.CHINA) & rows["level"].eq("heading")).any():
        raise ValueError(f"partner {code}: {no_product_data(countries.name(code))}")
    return code


def dots_year(year: int, what: str = "year") -> int:
    """A year covered by the IMF DOTS trade table (1992 to its last year)."""
    first, last = _dots_years()
    common.check_years(pd.Series([first, last]), f"the IMF DOTS trade table ({what})", year)
    return int(year)


def dots_period(start_year: int, end_year: int) -> tuple[int, int]:
    """A period within the DOTS coverage, end after start."""
    dots_year(start_year, "start_year")
    dots_year(end_year, "end_year")
    common.check_period(start_year, end_year)
    return int(start_year), int(end_year)


def profile_period(start_year: int, end_year: int) -> tuple[int, int]:
    """A country-profile period: start within DOTS, end up to the last year of the published series.

    Years after the last DOTS year are shown from published figures (China's customs and the partner's own),
    never as DOTS.
    """
    first, last = _dots_years()
    published_last = int(data.load_published_series()["year"].max())
    dots_year(start_year, "start_year")
    if isinstance(end_year, bool) or not isinstance(end_year, int):
        raise ValueError(f"end_year must be a year, got {end_year!r}")
    if not first <= end_year <= published_last:
        raise ValueError(
            f"end_year {end_year} is outside the data: IMF DOTS covers {first}–{last}, published "
            f"figures continue to {published_last}; choose an end_year in {first}–{published_last}"
        )
    common.check_period(start_year, end_year)
    return int(start_year), int(end_year)


def published_year(year: int, what: str = "year") -> int:
    """A year after the DOTS coverage for which the published series has figures (2021 to its last year)."""
    last_dots = _dots_years()[1]
    last = int(data.load_published_series()["year"].max())
    if isinstance(year, bool) or not isinstance(year, int) or not last_dots < year <= last:
        raise ValueError(
            f"{what} {year!r} is not a year of the published series after DOTS; choose one in {last_dots + 1}–{last}"
        )
    return year


def cpi_year(year: int) -> int:
    """A base year for constant dollars: a year with a complete US CPI-U annual average."""
    cpi_years = data.load_cpi()["year"]
    if isinstance(year, bool) or not isinstance(year, int) or year not in set(cpi_years):
        raise ValueError(
            f"base_year {year!r} has no complete US CPI-U annual average; "
            f"valid base years are {int(cpi_years.min())}–{int(cpi_years.max())}"
        )
    return year


def count(value: int, what: str = "top_n", most: int = 50) -> int:
    """A whole number from 1 to ``most`` (how many partners a table lists)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise ValueError(f"{what} must be a whole number from 1 to {most}, not {value!r}")
    return value
