"""World Bank WDI (``data/raw/worldbank-wdi-datahub``) and US CPI-U (``data/raw/us-cpi-datahub``): context series."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tradeviz.errors import BuildError
from tradeviz.sources import provenance

CPI_MONTHS_PER_YEAR = 12


CONTEXT_COLUMNS = ["indicator", "country", "year", "value", "unit", "source_id"]
WDI_FILES = {
    "gdp_china_central_asia.csv": ("gdp_current_usd", "current US$", "worldbank-wdi-gdp"),
    "population_china_central_asia.csv": ("population", "persons", "worldbank-wdi-population"),
}


def build_context(raw: Path) -> pd.DataFrame:
    """The ``context`` table, long (indicator, country, year): GDP (current US$), population (persons), US CPI-U."""
    folder = raw / "worldbank-wdi-datahub"
    known = {s["source_id"] for s in provenance.read_record(folder)["sources"]}
    frames = []
    for name, (indicator, unit, source_id) in WDI_FILES.items():
        if source_id not in known:
            raise BuildError(f"{folder / provenance.RECORD}: no source {source_id!r} for {name}.")
        wdi = pd.read_csv(folder / name, dtype={"Country Code": str})
        bad = pd.to_numeric(wdi["Value"], errors="coerce").isna()
        if bad.any():
            raise BuildError(
                f"{name} line {bad.idxmax() + 2}, column Value: {wdi['Value'][bad].iloc[0]!r} is not a number."
            )
        frames.append(
            pd.DataFrame(
                {
                    "indicator": indicator,
                    "country": wdi["Country Code"],
                    "year": wdi["Year"],
                    "value": wdi["Value"].astype(float),
                    "unit": unit,
                    "source_id": source_id,
                }
            )
        )
    cpi_folder = raw / "us-cpi-datahub"
    cpi_source = provenance.read_record(cpi_folder)["sources"][0]["source_id"]
    monthly = pd.read_csv(cpi_folder / "cpiai.csv", dtype={"Date": str})
    monthly["year"] = monthly["Date"].str[:4].astype(int)
    annual = monthly.groupby("year")["Index"].agg(["mean", "count"])
    annual = annual[annual["count"] == CPI_MONTHS_PER_YEAR]
    frames.append(
        pd.DataFrame(
            {
                "indicator": "us_cpi_u_annual_average",
                "country": "USA",
                "year": annual.index,
                "value": annual["mean"].round(6).to_numpy(),
                "unit": "index, 1982-84=100",
                "source_id": cpi_source,
            }
        )
    )
    context = pd.concat(frames, ignore_index=True)
    return context.sort_values(["indicator", "country", "year"]).reset_index(drop=True)[CONTEXT_COLUMNS]
