"""What is traded: composition, top products, concentration, raw materials, change and both sides, by HS product.

Every function takes rows shaped like the ``products`` table (``year, reporter, partner, flow, level, code,
section, chapter, value_usd_millions``) and returns a table; values in million current US$, shares as
fractions (0–1).  A flow is one (year, reporter, partner, flow); its total here is the sum of its products at
one level.  Chapters and headings are two levels of the same trade, so a table that mixes them within a flow
is refused (:class:`ValueError`: double counting).  Pure and vectorised: no loops over rows, no I/O.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FLOW = ["year", "reporter", "partner", "flow"]
LEVELS = ("chapter", "heading")
BY = {"section": "section", "chapter": "chapter", "heading": "code"}

RAW_MATERIAL_CHAPTERS = ("25", "26", "27", "72", "74", "75", "76", "78", "79", "80", "81")
"""Raw materials: HS Section V "Mineral products" (chapters 25 salt, sulphur, earths, stone; 26 ores, slag and
ash; 27 mineral fuels and oils) and the base metals themselves of HS Section XV "Base metals and articles of base
metal" (72 iron and steel, 74 copper, 75 nickel, 76 aluminium, 78 lead, 79 zinc, 80 tin, 81 other base metals).
The grouping is the HS nomenclature's own (sections V and XV, hs_nomenclature table, HS 2022; WCO); within
Section XV the articles (73 articles of iron or steel, 82 tools, 83 miscellaneous articles) are manufactures.
Everything else, including 28 inorganic chemicals (uranium compounds, 2844) and 71 precious metals, counts
as "other" (manufactures and the rest)."""


def _one_level(products: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in [*FLOW, "level", "code", "value_usd_millions"] if c not in products.columns]
    if missing:
        raise ValueError(f"products lacks the columns {missing} (rows shaped like the products table)")
    if products["level"].nunique() <= 1:  # one level in the whole table: no flow can mix two
        levels = pd.Series(dtype="int64")
    else:
        levels = products.groupby(FLOW)["level"].nunique()
    if (levels > 1).any():
        flow = dict(zip(FLOW, levels[levels > 1].index[0], strict=True))
        raise ValueError(
            f"chapters and headings of the same flow {flow}: summing both counts the trade twice; "
            "keep one level (products[products.level == 'heading'])"
        )
    bad = ~products["level"].isin(LEVELS)
    if bad.any():
        raise ValueError(f"level {products.loc[bad, 'level'].iloc[0]!r} is not one of {LEVELS}")
    if (products["value_usd_millions"] < 0).any():
        raise ValueError("negative product values: the products table never holds them")
    return products


def _sum_by(products: pd.DataFrame, by: str) -> pd.DataFrame:
    """Values summed per flow and ``by`` (unsorted), the column named ``by``."""
    if by not in BY:
        raise ValueError(f"by must be one of {sorted(BY)}, not {by!r}")
    products = _one_level(products)
    out = products.groupby([*FLOW, BY[by]], as_index=False, sort=False)["value_usd_millions"].sum()
    return out.rename(columns={BY[by]: by}) if BY[by] != by else out


def _ranked(products: pd.DataFrame, by: str) -> pd.DataFrame:
    """:func:`composition` with ``_flow``, an integer id of the flow (groupbys on it are far cheaper)."""
    out = _sum_by(products, by)
    flow_id = out.groupby(FLOW, sort=True).ngroup().to_numpy()
    out["share"] = out["value_usd_millions"] / out.groupby(flow_id)["value_usd_millions"].transform("sum")
    code_order = pd.factorize(out[by], sort=True)[0]
    order = np.lexsort((code_order, -out["value_usd_millions"].to_numpy(), flow_id))  # last key sorts first
    out = out.iloc[order].reset_index(drop=True)
    out["_flow"] = flow_id[order]
    return out


def composition(products: pd.DataFrame, by: str = "section") -> pd.DataFrame:
    """Each flow's trade by HS section, chapter or heading: value (US$ m) and share of the flow (0–1).

    One row per (year, reporter, partner, flow, <by>), largest first within a flow (ties by code).
    """
    return _ranked(products, by).drop(columns="_flow")


def top_products(products: pd.DataFrame, n: int = 10, by: str = "heading") -> pd.DataFrame:
    """The ``n`` largest products of each flow with their share (0–1) and cumulative share, ``rank`` 1 = largest."""
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    table = _ranked(products, by)
    grouped = table.groupby("_flow", sort=False)
    table["rank"] = grouped.cumcount() + 1
    table["cumulative_share"] = grouped["share"].cumsum()
    return table[table["rank"] <= n].drop(columns="_flow").reset_index(drop=True)


def concentration(products: pd.DataFrame, by: str = "heading", threshold: float = 0.8) -> pd.DataFrame:
    """Concentration of each flow over its products.

    ``hhi``: Herfindahl–Hirschman index, the sum of squared shares (0–1; 1 = one product); ``products``: the
    number with a value above zero; ``products_for_threshold``: the fewest products whose shares reach
    ``threshold`` (80% by default); ``top_share``: the largest product's share.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    table = _ranked(products, by)
    table = table[table["value_usd_millions"] > 0]
    cumulative = table.groupby("_flow", sort=False)["share"].cumsum()
    table = table.assign(
        square=table["share"] ** 2,
        below=(cumulative - table["share"]) < threshold - 1e-12,
    )
    grouped = table.groupby("_flow", sort=True)
    out = (
        grouped[FLOW]
        .first()
        .assign(
            total_usd_millions=grouped["value_usd_millions"].sum(),
            products=grouped.size(),
            hhi=grouped["square"].sum(),
            products_for_threshold=grouped["below"].sum().astype("int64"),
            top_share=grouped["share"].max(),
        )
    )
    out = out.reset_index(drop=True)
    out["threshold"] = threshold
    return out


def raw_materials(products: pd.DataFrame, chapters: tuple[str, ...] = RAW_MATERIAL_CHAPTERS) -> pd.DataFrame:
    """Each flow split into raw materials (``chapters``, see :data:`RAW_MATERIAL_CHAPTERS`) and everything else.

    Columns ``raw_usd_millions``, ``other_usd_millions``, ``total_usd_millions``, ``raw_share`` (0–1).  At the
    chapter level of the products table only seven chapters are held (no 27), so use the headings; a flow whose
    rows do not cover the other chapters gets ``status`` "partial: chapters only" instead of "complete".
    """
    products = _one_level(products)
    raw = products["chapter"].isin(chapters)
    table = products.assign(
        raw_usd_millions=products["value_usd_millions"].where(raw, 0.0),
        other_usd_millions=products["value_usd_millions"].where(~raw, 0.0),
        is_chapter=products["level"].eq("chapter"),
    )
    out = table.groupby(FLOW, as_index=False).agg(
        raw_usd_millions=("raw_usd_millions", "sum"),
        other_usd_millions=("other_usd_millions", "sum"),
        chapters_only=("is_chapter", "all"),
    )
    out["total_usd_millions"] = out["raw_usd_millions"] + out["other_usd_millions"]
    out["raw_share"] = out["raw_usd_millions"] / out["total_usd_millions"].where(out["total_usd_millions"] > 0)
    out["status"] = np.where(out["chapters_only"], "partial: chapters only", "complete")
    return out.drop(columns="chapters_only")


def change(products: pd.DataFrame, start: int, end: int, by: str = "heading") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Change of each product between ``start`` and ``end`` (US$ m), and its decomposition per flow.

    Returns ``(by_product, summary)``.  ``by_product``: one row per (reporter, partner, flow, product) with
    ``start_usd_millions``, ``end_usd_millions`` (a product absent in a year counts 0: the extracts list traded
    products only), ``change_usd_millions``, ``status`` (both years, new or gone) and ``direction`` (grew,
    fell, unchanged).  ``summary``: per flow, the total change = ``grew_usd_millions`` (the sum over products
    that grew) + ``fell_usd_millions`` (over those that fell, negative), with the number of each.
    """
    if start >= end:
        raise ValueError(f"start ({start}) must be before end ({end})")
    table = _sum_by(products[products["year"].isin([start, end])], by)
    years = set(table["year"])
    if years != {start, end}:
        raise ValueError(f"no products in {sorted({start, end} - years)}")
    keys = ["reporter", "partner", "flow", by]
    wide = table.set_index([*keys, "year"])["value_usd_millions"].unstack("year")
    present = wide.notna()
    wide = wide.fillna(0.0)
    out = pd.DataFrame(
        dict(start_usd_millions=wide[start], end_usd_millions=wide[end]),
        index=wide.index,
    )
    out["change_usd_millions"] = out["end_usd_millions"] - out["start_usd_millions"]
    out["status"] = np.select([present[start] & present[end], present[end]], ["both years", "new"], default="gone")
    out["direction"] = np.select(
        [out["change_usd_millions"] > 0, out["change_usd_millions"] < 0], ["grew", "fell"], default="unchanged"
    )
    out = out.reset_index().sort_values([*keys[:3], "change_usd_millions"], ascending=[True, True, True, False])
    out.insert(3, "start", start)
    out.insert(4, "end", end)
    grew = out["change_usd_millions"].clip(lower=0)
    fell = out["change_usd_millions"].clip(upper=0)
    summary = (
        out.assign(grew=grew, fell=fell, n_grew=out["direction"].eq("grew"), n_fell=out["direction"].eq("fell"))
        .groupby(keys[:3], as_index=False)
        .agg(
            start_usd_millions=("start_usd_millions", "sum"),
            end_usd_millions=("end_usd_millions", "sum"),
            change_usd_millions=("change_usd_millions", "sum"),
            grew_usd_millions=("grew", "sum"),
            fell_usd_millions=("fell", "sum"),
            products_grew=("n_grew", "sum"),
            products_fell=("n_fell", "sum"),
        )
    )
    summary.insert(3, "start", start)
    summary.insert(4, "end", end)
    return out.reset_index(drop=True), summary


def both_sides(products: pd.DataFrame, partner: str, chapter: str) -> pd.DataFrame:
    """One HS chapter as both sides report it: China's imports from ``partner`` against the partner's exports to
    China, and China's exports against the partner's imports (US$ m), for every year either reports.

    China's side is its chapter row; the partner's side is its chapter row where it has one, else the sum of its
    headings in that chapter (``partner_basis`` says which).  ``ratio`` = China's figure ÷ the partner's
    (imports are CIF, exports FOB: a ratio a little above 1 for China's imports is expected); NaN with a
    ``reason`` where a side has no figure.
    """
    rows = products[products["chapter"].eq(chapter)]
    china = rows[rows["reporter"].eq("CHN") & rows["partner"].eq(partner) & rows["level"].eq("chapter")]
    china = china.groupby(["year", "flow"])["value_usd_millions"].sum().rename("china_usd_millions")
    own = rows[rows["reporter"].eq(partner) & rows["partner"].eq("CHN")]
    own_flow = own["flow"].map({"exports": "imports", "imports": "exports"}).rename("china_flow")
    own = own.assign(china_flow=own_flow)
    by_level = own.groupby(["year", "china_flow", "level"])["value_usd_millions"].sum().unstack("level")
    for level in LEVELS:
        if level not in by_level.columns:
            by_level[level] = np.nan
    by_level = by_level.rename_axis(index=["year", "flow"])
    partner_value = by_level["chapter"].fillna(by_level["heading"]).rename("partner_usd_millions")
    basis = pd.Series(
        np.where(by_level["chapter"].notna(), "chapter", np.where(by_level["heading"].notna(), "headings", "")),
        index=by_level.index,
        name="partner_basis",
    )
    out = pd.concat([china, partner_value, basis], axis=1).reset_index()
    out = out.rename(columns={"flow": "china_flow"})
    out.insert(2, "chapter", chapter)
    out.insert(3, "partner", partner)
    out["partner_basis"] = out["partner_basis"].fillna("")
    out["difference_usd_millions"] = out["china_usd_millions"] - out["partner_usd_millions"]
    out["ratio"] = out["china_usd_millions"] / out["partner_usd_millions"].where(out["partner_usd_millions"] > 0)
    out["reason"] = np.select(
        [
            out["china_usd_millions"].isna(),
            out["partner_usd_millions"].isna(),
            out["partner_usd_millions"].eq(0),
        ],
        [f"China reports no chapter {chapter} row", f"{partner} reports no chapter {chapter} row", "partner's 0"],
        default="",
    )
    return out.sort_values(["china_flow", "year"]).reset_index(drop=True)


def labelled(
    table: pd.DataFrame, nomenclature: pd.DataFrame, by: str = "heading", products: pd.DataFrame | None = None
) -> pd.DataFrame:
    """``table`` (a result of this module with a column named ``by``) with the ``description`` of each code and,
    given the ``products`` rows it was computed from, the ``source_id`` of each flow's rows.

    Descriptions come from ``nomenclature`` (the ``hs_nomenclature`` table, HS 2022).  A heading HS 2022 no longer
    has (``in_hs2022`` false in ``products``) is named with its HS 2022 successor: "HS 2012 heading 8107 (in HS
    2022 under 8112: Beryllium, chromium, …)".  Codes found nowhere get "".
    """
    if by not in BY:
        raise ValueError(f"by must be one of {sorted(BY)}, not {by!r}")
    if by not in table.columns:
        raise ValueError(f"the table has no column {by!r} to describe (columns: {list(table.columns)})")
    names = nomenclature[nomenclature["level"].eq(by)].set_index("code")["description"]
    codes = table[by].astype(str)
    description = codes.map(names)
    if products is not None and by == "heading" and "hs2022_code" in products.columns:
        old = products[~products["in_hs2022"].astype(bool)].drop_duplicates("code").set_index("code")["hs2022_code"]
        successor = codes.map(old)
        moved = description.isna() & successor.notna()
        description[moved] = [
            f"HS 2012 heading {code} (in HS 2022 under {new}: {names.get(new, '')})"
            for code, new in zip(codes[moved], successor[moved], strict=True)
        ]
    out = table.assign(description=description.fillna("").astype(str))
    if products is not None:
        keys = [c for c in FLOW if c in out.columns and c in products.columns]
        ids = products.groupby(keys)["source_id"].agg(lambda s: "; ".join(sorted(set(s.astype(str)))))
        out = out.merge(ids.rename("source_id").reset_index(), on=keys, how="left")
    return out


def hs2012_only(products: pd.DataFrame) -> pd.DataFrame:
    """The rows of HS 2012 headings that HS 2022 no longer has (``in_hs2022`` false), per flow and heading: the HS
    2022 successor, how many rows, the first and last year, and their value (US$ m, summed over the years)."""
    rows = products[~products["in_hs2022"].astype(bool)]
    keys = ["reporter", "partner", "flow", "code", "hs2022_code"]
    return (
        rows.groupby(keys, as_index=False)
        .agg(
            rows=("year", "size"),
            first_year=("year", "min"),
            last_year=("year", "max"),
            value_usd_millions=("value_usd_millions", "sum"),
        )
        .sort_values(keys)
        .reset_index(drop=True)
    )


GAS_HEADING = "2711"
"""HS 27.11 "Petroleum gases and other gaseous hydrocarbons": natural gas in the gaseous state (2711.21, what a
pipeline carries) and liquefied (2711.11), propane, butane and the other liquefied gases (2711.12–2711.19)."""
GAS_TOLERANCE = 0.05
"""Largest relative gap, |gas ÷ heading − 1|, at which the two agree: the press figures are rounded to 0.01 bn
(up to 0.4% of US$1.3 bn), and imports are valued CIF, exports FOB (a pipeline's freight is small)."""
GAS_COLUMNS = (
    "year",
    "partner",
    "heading_usd_millions",
    "gas_low",
    "gas_high",
    "ratio_low",
    "ratio_high",
    "status",
    "gas_figure_ids",
    "source_id",
)


def gas_against_heading(
    products: pd.DataFrame,
    gas: pd.DataFrame,
    partner: str,
    heading: str = GAS_HEADING,
    tolerance: float = GAS_TOLERANCE,
) -> pd.DataFrame:
    """The partner's exports to China of HS heading 2711 (its own reports, the ``products`` headings) against
    China's pipeline-gas imports from it as China's customs published them (``gas_imports``, full years).

    The two differ in who reports (the exporter FOB, the importer CIF) and in scope: the heading holds every
    petroleum gas (liquefied propane and butane, LNG), the published figure pipeline natural gas only, so the
    heading is expected to be the larger.  Where pages give different gas values for a year, both ends are kept
    (``gas_low``/``gas_high``, ``ratio_low``/``ratio_high`` = gas ÷ heading).  ``status``: "agrees" (a ratio
    within ``tolerance`` of 1), "heading larger" (both ratios below 1 − tolerance: the heading holds more than
    pipeline gas), "gas larger" (both above 1 + tolerance: not explained by the scope).  Only years with both
    figures are kept; values in million current US$.
    """
    if not 0 <= tolerance < 1:
        raise ValueError(f"tolerance must be in [0, 1), not {tolerance}")
    rows = products[
        products["reporter"].eq(partner)
        & products["partner"].eq("CHN")
        & products["flow"].eq("exports")
        & products["level"].eq("heading")
        & products["code"].eq(heading)
    ]
    if rows.duplicated("year").any():
        raise ValueError(f"more than one heading {heading} row per year for {partner}'s exports to China")
    published = gas[gas["supplier"].eq(partner) & gas["period"].eq("full_year") & gas["value_usd_millions"].notna()]
    by_year = published.groupby("year").agg(
        gas_low=("value_usd_millions", "min"),
        gas_high=("value_usd_millions", "max"),
        gas_figure_ids=("figure_id", lambda s: "; ".join(sorted(s))),
    )
    own = rows.set_index("year")[["value_usd_millions", "source_id"]].rename(
        columns={"value_usd_millions": "heading_usd_millions"}
    )
    out = own.join(by_year, how="inner").reset_index()
    out.insert(1, "partner", partner)
    out["ratio_low"] = out["gas_low"] / out["heading_usd_millions"].where(out["heading_usd_millions"] > 0)
    out["ratio_high"] = out["gas_high"] / out["heading_usd_millions"].where(out["heading_usd_millions"] > 0)
    out["status"] = np.select(
        [out["ratio_high"] < 1 - tolerance, out["ratio_low"] > 1 + tolerance],
        ["heading larger", "gas larger"],
        default="agrees",
    )
    return out.sort_values("year").reset_index(drop=True)[list(GAS_COLUMNS)]


def missing_groups(
    composition: pd.DataFrame, years: list[int], by: str = "section", threshold: float = 0.01
) -> pd.DataFrame:
    """Sections (or chapters) a flow holds in the year before ``years`` and the year after, but (almost) not in any
    of ``years``: a gap in the reports rather than in the trade, when whole groups vanish and come back.

    ``years``: consecutive years; ``composition``: :func:`composition` by ``by``.  A group counts as missing when
    its share is at least ``threshold`` in both neighbouring years and its value in every one of ``years`` is below
    ``threshold`` times its value in the year before (absent counts 0).  Columns: the flow keys but year, ``by``,
    ``before``, ``before_usd_millions``, ``before_share``, ``after``, ``after_usd_millions``, ``after_share``,
    ``largest_usd_millions`` (its largest value in ``years``); largest ``before_usd_millions`` first.
    """
    years = sorted(years)
    if not years or years != list(range(years[0], years[-1] + 1)):
        raise ValueError(f"years must be consecutive years, got {years}")
    before, after = years[0] - 1, years[-1] + 1
    keys = [c for c in FLOW if c != "year"]

    def held(year: int) -> pd.DataFrame:
        rows = composition[composition["year"].eq(year) & (composition["share"] >= threshold)]
        return rows.set_index([*keys, by])[["value_usd_millions", "share"]]

    within = composition[composition["year"].isin(years)]
    largest = within.groupby([*keys, by])["value_usd_millions"].max().rename("largest_usd_millions")
    out = pd.merge(held(before), held(after), left_index=True, right_index=True, suffixes=("_before", "_after"))
    out = out.join(largest).fillna({"largest_usd_millions": 0.0})
    out = out[out["largest_usd_millions"] < threshold * out["value_usd_millions_before"]].reset_index()
    out = out.rename(
        columns={
            "value_usd_millions_before": "before_usd_millions",
            "share_before": "before_share",
            "value_usd_millions_after": "after_usd_millions",
            "share_after": "after_share",
        }
    )
    out.insert(len(keys) + 1, "before", before)
    out.insert(len(keys) + 4, "after", after)
    order = [*keys, "before", "before_usd_millions", "before_share", "after", "after_usd_millions", "after_share"]
    out = out[[*keys[:3], by, *order[3:], "largest_usd_millions"]]
    return out.sort_values([*keys, "before_usd_millions"], ascending=[*[True] * len(keys), False]).reset_index(
        drop=True
    )
