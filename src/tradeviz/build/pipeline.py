"""Raw sources -> curated tables (``tradeviz data build``).

A pure, deterministic function of ``data/raw``: the same raw files give byte-identical tables.
Every table is written atomically (temporary file, then rename) and only after all of them were
built, so a failing build leaves the previous tables untouched.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pycountry

from tradeviz import countries, paths
from tradeviz.build import products as product_tables
from tradeviz.build.dictionary import data_dictionary
from tradeviz.errors import BuildError
from tradeviz.io import atomic_write_text
from tradeviz.measures import customs
from tradeviz.sources import gacc, press_figures, provenance
from tradeviz.sources.dots import build_dots_partners, build_partner_trade, build_trade
from tradeviz.sources.factbook import build_borders
from tradeviz.sources.hs_nomenclature import build_hs_nomenclature
from tradeviz.sources.imf_imts_exports import build_imts_exports
from tradeviz.sources.press_quoted import build_bri, quoted_figures
from tradeviz.sources.seed_article import seed_figures
from tradeviz.sources.stat_gov_kz import build_stat_gov_kz
from tradeviz.sources.un_comtrade import build_comtrade
from tradeviz.sources.wdi import build_context
from tradeviz.sources.wits import build_wits_products, build_wits_totals

PUBLISHED_COLUMNS = [
    "figure_id",
    "year",
    "period",
    "partner",
    "side",
    "measure",
    "value",
    "unit",
    "currency",
    "qualifier",
    "value_usd_millions",
    "statistical_source",
    "page_url",
    "page_date",
    "quoted_text",
    "note",
    "in_series",
    "source_id",
]


def build_published(raw: Path) -> pd.DataFrame:
    """Every published figure: the seed article, the first press table and the 2019–2025 transcriptions."""
    figures = seed_figures(raw) + quoted_figures(raw) + press_figures.trade_figures(raw)
    frame = pd.DataFrame(figures, columns=PUBLISHED_COLUMNS)
    return frame.sort_values(["year", "partner", "side", "measure", "period", "figure_id"]).reset_index(drop=True)


SERIES_COLUMNS = [
    "year",
    "partner",
    "side",
    "reporter",
    "measure",
    "value_usd_millions",
    "qualifier",
    "figure_id",
    "source_id",
]


def build_published_series(raw: Path) -> pd.DataFrame:
    """One full-year US$ figure per (year, partner, side, measure): the rows marked ``series`` in the raw table.

    ``reporter`` is whose statistics: CHN for China's customs, the partner's ISO3 for its own.  Never filled
    by arithmetic: a figure no page gives is absent (and listed in the data dictionary).
    """
    rows = build_published(raw)
    rows = rows.loc[rows["in_series"]].copy()
    rows["reporter"] = rows["partner"].where(rows["side"].eq("partner"), countries.CHINA)
    return rows.sort_values(["partner", "side", "measure", "year"]).reset_index(drop=True)[SERIES_COLUMNS]


def _frame(rows: list[dict], order: list[str], integers: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for col in integers:
        frame[col] = frame[col].astype("Int64")
    return frame.sort_values(order).reset_index(drop=True)


def build_published_places(raw: Path) -> pd.DataFrame:
    """China's and Russia's published ranks and shares in the five's trade after 2020, with the quotes stating them."""
    frame = _frame(press_figures.partner_places(raw), ["reporter", "year", "period", "partner", "measure", "figure_id"])
    return frame


def build_targets(raw: Path) -> pd.DataFrame:
    """The ``targets`` table: announced trade targets (million US$), one row per page stating one."""
    return _frame(
        press_figures.targets(raw), ["scope", "announced_date", "target_id"], ("deadline_year", "announced_year")
    )


def build_pledges(raw: Path) -> pd.DataFrame:
    """The ``pledges`` table: the January 2022 pledges and their follow-ups."""
    return _frame(press_figures.pledges(raw), ["pledge_id", "kind", "announced_date", "figure_id"])


def build_gas_imports(raw: Path) -> pd.DataFrame:
    """The ``gas_imports`` table: China's pipeline-gas imports by value (million US$) per supplier and period."""
    return _frame(press_figures.gas_imports(raw), ["supplier", "year", "period", "figure_id"])


# --- China's customs, 2024 monthly tables: the rebuild and its proof ------------------------------------------------


def _gacc_published_checks(
    raw: Path, table: pd.DataFrame, rebuilt: gacc.Rebuild, published: pd.DataFrame
) -> list[dict]:
    """Check 6 of :mod:`tradeviz.sources.gacc`: the five's December values against the published 2024 totals.

    Each of the five's implied yuan per US$ (its January–December yuan value ÷ the published US$ total) must agree
    with the rate China's customs' own published totals for the five together imply, by the overlap rule (the
    same table the reports show: :func:`tradeviz.measures.customs.gacc_published_overlap`); so the five's rates
    agree with each other.  That rate must also agree with the one September's table implies (its world total in
    1,000 US$ against China's yuan total): both come from the customs, and neither is used to convert anything.
    """
    path = raw / gacc.FOLDER / gacc.TABLE
    tolerance = customs.overlap.OVERLAP_TOLERANCE
    table_overlap = customs.gacc_published_overlap(table, published)
    rates = customs.implied_rates(table_overlap)
    reference = customs.reference_rate(published)
    december = table.loc[table["month"].eq(12) & table["flow"].eq("total")].set_index("partner")
    totals = rates.loc[rates["measure"].eq("total_trade")]
    missing = [c for c in countries.FIVE if c not in set(totals["partner"])]
    if missing or reference["rate"] != reference["rate"]:
        raise BuildError(
            f"{path}: the rebuilt names cannot be proved: no published 2024 China-customs US$ total in "
            f"published_series for {', '.join(missing) or 'the five together (CA5), in yuan and US$'} "
            "(data/raw/press-figures-2026) to set the December values against"
        )
    bad = table_overlap.loc[table_overlap["evidence"] & ~table_overlap["agrees"]]
    if len(bad):
        row = bad.iloc[0]
        line = int(december.at[row["partner"], "raw_line"]) if row["partner"] in december.index else 1
        raise BuildError(
            f"{path} line {line}, column trade_total_cum: {row['partner']}'s January–December value "
            f"{row['gacc_10k_cny']:,.0f} (10,000 yuan) against the published {row['published_value']:g} "
            f"{row['published_unit']} ({row['figure_id']}) gives {row['value_a']:.4f} where {row['value_b']:.4f} was "
            f"expected ({row['compared']}, ratio {row['ratio']:.3f}, tolerance {tolerance:.0%}): "
            "the rebuilt names do not put the five on their rows"
        )
    checks = [
        dict(
            check="published",
            month=12,
            item=f"{r.partner} {r.measure} ({r.figure_id})",
            column="trade_total_cum" if r.measure == "total_trade" else f"{customs.MEASURE_FLOWS[r.measure]}_cum",
            value=r.rate,
            reference=r.reference,
            residual=r.rate - r.reference,
            tolerance=tolerance,
            detail=f"yuan per US$ implied by {r.figure_id}; reference: {reference['cny_figure_id']} ÷ "
            f"{reference['usd_figure_id']}",
        )
        for r in rates.itertuples()
    ]
    for r in table_overlap.loc[table_overlap["evidence"] & table_overlap["compared"].eq("yuan")].itertuples():
        checks.append(
            dict(
                check="published",
                month=12,
                item=f"{r.partner} {r.measure} ({r.figure_id})",
                column="trade_total_cum",
                value=r.value_a,
                reference=r.value_b,
                residual=r.value_a - r.value_b,
                tolerance=tolerance,
                detail=f"million yuan: the five's sum against {r.figure_id}",
            )
        )
    five = totals.loc[totals["partner"].isin(countries.FIVE), "rate"]
    spread = float(five.max() / five.min() - 1)
    if spread > tolerance:
        raise BuildError(f"{path}: the five's implied yuan per US$ differ by {spread:.2%} among themselves")
    checks.append(
        dict(
            check="published",
            month=12,
            item="the five's rates: max ÷ min",
            column="trade_total_cum",
            value=float(five.max()),
            reference=float(five.min()),
            residual=float(five.max() - five.min()),
            tolerance=tolerance,
            detail=f"spread {spread:.4%}",
        )
    )
    september = [c for c in rebuilt.checks if c["check"] == "unit" and c["column"] == "trade_total_cum"]
    for c in september:
        ratio = c["value"] / reference["rate"]
        if abs(ratio - 1) > tolerance:
            raise BuildError(
                f"{path}: September's table implies {c['value']:.4f} yuan per US$ (January–September), the published "
                f"2024 totals {reference['rate']:.4f}: the unit of month {c['month']} is not 1,000 US$"
            )
        checks.append(
            dict(
                check="rate_plausible",
                month=c["month"],
                item="总值",
                column="trade_total_cum",
                value=c["value"],
                reference=reference["rate"],
                residual=c["value"] - reference["rate"],
                tolerance=tolerance,
                detail="September's implied rate (January–September) against the published 2024 totals' rate",
            )
        )
    return checks


_RUN: dict[tuple[str, Path], tuple[pd.DataFrame, pd.DataFrame]] | None = None
"""Results shared by the builders of one :func:`build_all` run (None outside a run: every call computes)."""


def _gacc(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both GACC tables from one rebuild and proof (computed once per :func:`build_all` run)."""
    if _RUN is not None and ("gacc", raw) in _RUN:
        return _RUN[("gacc", raw)]
    rebuilt = gacc.rebuild(raw)
    table = gacc.monthly_rows(rebuilt)
    checks = pd.DataFrame(rebuilt.checks + _gacc_published_checks(raw, table, rebuilt, build_published(raw)))
    result = table, checks.assign(source_id=rebuilt.source_id)[[*gacc.CHECK_COLUMNS, "source_id"]]
    if _RUN is not None:
        _RUN[("gacc", raw)] = result
    return result


def build_gacc_monthly(raw: Path) -> pd.DataFrame:
    """The ``gacc_monthly`` table: China's customs' 2024 monthly values for the world total and the five, as printed
    (10,000 yuan; September 1,000 US$), built only when the rebuild of the names is proved (checks 1–6)."""
    return _gacc(raw)[0]


def build_gacc_checks(raw: Path) -> pd.DataFrame:
    """The ``gacc_checks`` table: every comparison the proof of the rebuilt names made, with its residual."""
    return _gacc(raw)[1]


# --- reference tables -----------------------------------------------------------------------


def build_countries() -> pd.DataFrame:
    """The countries table: China, the five, the USA (for the CPI) and CA5, with ISO codes, names and role."""
    rows = []
    for iso, role in [(countries.CHINA, "reporter")] + [(c, "partner") for c in countries.FIVE] + [("USA", "context")]:
        c = pycountry.countries.get(alpha_3=iso)
        if c is None:
            raise BuildError(f"pycountry has no ISO 3166-1 record for {iso!r}; update pycountry.")
        rows.append(
            dict(iso3=iso, iso2=c.alpha_2, name=c.name, official_name=getattr(c, "official_name", c.name), role=role)
        )
    rows.append(
        dict(
            iso3=countries.GROUP,
            iso2=None,
            name=countries.name(countries.GROUP),
            official_name="Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan together",
            role="aggregate",
        )
    )
    rows.append(
        dict(iso3=countries.WORLD, iso2=None, name="World", official_name="World (all partners)", role="aggregate")
    )
    return pd.DataFrame(rows)


def _products_with_origin(raw: Path) -> pd.DataFrame:
    return product_tables.build_products(build_wits_products(raw), build_comtrade(raw), build_hs_nomenclature(raw))


def build_products(raw: Path) -> pd.DataFrame:
    """The ``products`` table: WITS HS-4 headings (Kazakhstan's reports) and Comtrade chapters (both sides)."""
    return _products_with_origin(raw)[product_tables.PRODUCTS_COLUMNS]


def build_product_totals(raw: Path) -> pd.DataFrame:
    """The ``product_totals`` table: each flow's products summed against its Comtrade total (the build's check)."""
    return product_tables.build_product_totals(_products_with_origin(raw), build_comtrade(raw))


def build_sources(raw: Path) -> pd.DataFrame:
    """The ``sources`` table: one row per source of every provenance record under ``raw``."""
    return pd.DataFrame(provenance.sources(raw))


BUILDERS = {
    "sources": build_sources,
    "countries": lambda raw: build_countries(),
    "trade": build_trade,
    "dots_partners": build_dots_partners,
    "partner_trade": build_partner_trade,
    "comtrade": build_comtrade,
    "wits_totals": build_wits_totals,
    "hs_nomenclature": build_hs_nomenclature,
    "products": build_products,
    "product_totals": build_product_totals,
    "published": build_published,
    "published_series": build_published_series,
    "published_places": build_published_places,
    "gacc_monthly": build_gacc_monthly,
    "gacc_checks": build_gacc_checks,
    "imts_exports": build_imts_exports,
    "stat_gov_kz": build_stat_gov_kz,
    "targets": build_targets,
    "pledges": build_pledges,
    "gas_imports": build_gas_imports,
    "borders": build_borders,
    "bri": build_bri,
    "context": build_context,
}


def build_all(raw: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every curated table, in memory (nothing written); refuses raw files whose checksum changed."""
    if raw is None:
        paths.require_full_raw("Building the curated tables")
        raw = paths.raw_dir()
    problems = provenance.verify(raw)
    if problems:
        raise provenance.ProvenanceError(
            "raw files do not match their provenance records, so nothing was built:\n"
            + "\n".join(f"  {p}" for p in problems)
        )
    global _RUN
    _RUN = {}
    try:
        return {name: builder(raw) for name, builder in BUILDERS.items()}
    finally:
        _RUN = None


def to_csv_text(frame: pd.DataFrame) -> str:
    """Deterministic CSV: fixed column order, '\\n' line ends, shortest round-trip floats, booleans as true/false."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = out[col].map({True: "true", False: "false"})
    return out.to_csv(index=False, lineterminator="\n")


def outputs(tables: dict[str, pd.DataFrame]) -> dict[Path, str]:
    """Every file the build writes, with its text: the curated tables and the data dictionary."""
    texts = {paths.curated_dir() / f"{name}.csv": to_csv_text(frame) for name, frame in tables.items()}
    texts[paths.data_dir() / "README.md"] = data_dictionary(tables)
    return texts


def write_all(tables: dict[str, pd.DataFrame]) -> list[Path]:
    """Write every output atomically; all are rendered in memory before any is written."""
    texts = outputs(tables)
    for path, text in texts.items():
        atomic_write_text(path, text)
    return list(texts)
