"""What is traded, in words: the sentences of the ``products`` report and of the profiles' "What is traded".

Each function takes the results of :mod:`tradeviz.measures.products` (with descriptions, see
:func:`~tradeviz.measures.products.labelled`) and returns Markdown; numbers are formatted by
:mod:`tradeviz.text.numbers` and every string from the data (product descriptions) is escaped
(:func:`tradeviz.text.prose.esc`), so the text can go straight to :func:`tradeviz.text.prose.md`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from tradeviz.measures import products as measures
from tradeviz.text.numbers import fixed, pct, times, usd
from tradeviz.text.prose import esc

PRODUCTS_REPORT = "products-{partner}.html"
"""The products report's page for a partner, as ``tradeviz render`` names it beside the profiles (a relative
link: the site's pages sit in one folder)."""
FETCH_HINT = (
    "`tradeviz data fetch comtrade` downloads UN Comtrade's HS chapters of China and the five (`--hs4`: 4-digit "
    "headings, with a `COMTRADE_API_KEY`) into a new raw snapshot under data/raw; curating a fetched snapshot "
    "into the product tables is not built yet"
)
FLOW_PHRASES = {"exports": ("exports to", "exported", "to"), "imports": ("imports from", "imported", "from")}
"""flow -> (noun phrase before "China", verb, preposition), from the reporter's side."""
HHI_SCALE = 10_000
"""The HHI in prose and tables: 0–10,000 (the sum of squared percentage shares), the measures' 0–1 times this."""
RAW_WORDS = "Raw materials (HS Section V, mineral products, and the base metals of Section XV)"


def short_description(text: str, width: int = 60) -> str:
    """An HS description cut for a label: parentheses dropped, then cut at the last ``,`` or ``;`` before
    ``width`` (or at a word, with "…"); the first letter upper case.  "Telephone sets, including smartphones …"
    -> "Telephone sets"."""
    text = " ".join(re.sub(r"\s*\([^()]*\)", "", str(text)).split()).strip(" ;,")
    if len(text) > width:
        cuts = [m.start() for m in re.finditer(r"[,;]", text) if 0 < m.start() <= width]
        if cuts:
            text = text[: cuts[-1]]
        else:
            text = text[: width - 1].rsplit(" ", 1)[0].rstrip(" ;,") + "…"
    return text[:1].upper() + text[1:]


def product_name(code: str, description: str, width: int = 60) -> str:
    """A product in prose, escaped: ``*Copper ores and concentrates* (2603)``."""
    return f"*{esc(short_description(description, width))}* ({esc(code)})"


def no_product_data(name: str) -> str:
    """Why a partner has no product detail, and how to get it (the CLI, the report's parameter check, the profiles)."""
    return (
        f"no product data for {name} in the shipped tables (they hold Kazakhstan's own reports and the "
        f"China–Kazakhstan chapters only): {FETCH_HINT}"
    )


def _and(items: Iterable[object]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    words = [str(i) for i in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _flow(flow: str) -> tuple[str, str, str]:
    if flow not in FLOW_PHRASES:
        raise ValueError(f"flow must be exports or imports, not {flow!r}")
    return FLOW_PHRASES[flow]


def _one(frame: pd.DataFrame, what: str) -> pd.Series:
    if len(frame) != 1:
        raise ValueError(f"{what}: expected one row, got {len(frame)}")
    return frame.iloc[0]


def flow_summary(top: pd.DataFrame, raw: pd.DataFrame, name: str, flow: str, listed: int = 3) -> str:
    """One flow in one year: its total, its largest products with their shares, the share of the top N and of raw
    materials.

    ``top``: :func:`~tradeviz.measures.products.top_products` of that flow and year, labelled (``description``);
    its last rank is the N of "the N largest".  ``raw``: the :func:`~tradeviz.measures.products.raw_materials` row
    of the same flow and year.
    """
    noun, verb, prep = _flow(flow)
    top = top.sort_values("rank")
    if top.empty or top["flow"].nunique() != 1 or top["year"].nunique() != 1:
        raise ValueError("top: the top products of one flow in one year")
    row = _one(raw, "raw")
    year, n = int(top["year"].iloc[0]), int(top["rank"].max())
    items = [f"{product_name(r.heading, r.description)} **{pct(r.share)}**" for r in top.head(listed).itertuples()]
    return (
        f"In {year}, by its own reports, {name} {verb} **{usd(row.total_usd_millions)}** of goods {prep} China. "
        f"The largest products: {', '.join(items)}; the {n} largest made **{pct(top['cumulative_share'].iloc[-1])}** "
        f"of the total. {RAW_WORDS} were **{pct(row.raw_share)}** of its {noun} China."
    )


def change_summary(summary: pd.DataFrame, by_product: pd.DataFrame, name: str, flow: str, listed: int = 3) -> str:
    """The change of one flow between two years, split into the products that grew and those that fell.

    ``summary`` and ``by_product``: :func:`~tradeviz.measures.products.change` for that flow (``by_product``
    labelled); the largest ``listed`` increases are named, and the largest fall.
    """
    noun, _verb, _prep = _flow(flow)
    row = _one(summary[summary["flow"].eq(flow)], "summary")
    rows = by_product[by_product["flow"].eq(flow)].sort_values("change_usd_millions", ascending=False)
    grew = rows[rows["direction"].eq("grew")].head(listed)
    fell = rows[rows["direction"].eq("fell")].tail(1)
    rises = ", ".join(
        f"{product_name(r.heading, r.description)} +{usd(r.change_usd_millions)}" for r in grew.itertuples()
    )
    text = (
        f"From {row.start} to {row.end}, {name}'s {noun} China went from **{usd(row.start_usd_millions)}** to "
        f"**{usd(row.end_usd_millions)}** ({times(row.end_usd_millions / row.start_usd_millions)}). The "
        f"**{row.products_grew}** headings that grew added **{usd(row.grew_usd_millions)}** and the "
        f"**{row.products_fell}** that fell took away **{usd(-row.fell_usd_millions)}**: together the net change of "
        f"**{usd(row.change_usd_millions)}**. The largest increases: {rises}"
    )
    if len(fell):
        r = fell.iloc[0]
        text += f"; the largest fall: {product_name(r.heading, r.description)} {usd(r.change_usd_millions)}"
    return text + "."


def concentration_summary(concentration: pd.DataFrame, name: str, start: int, end: int) -> str:
    """How concentrated each flow is over its headings in ``start`` and ``end``: the number making up 80%, the HHI
    (on the 0–10,000 scale of competition authorities: the sum of squared percentage shares) and its
    numbers-equivalent (1 / HHI as a fraction: how many equal products would give that HHI).

    ``concentration``: :func:`~tradeviz.measures.products.concentration` rows of the two years for the flows.
    """
    parts = []
    table = concentration.set_index(["flow", "year"])
    for flow in [f for f in ("exports", "imports") if f in set(concentration["flow"])]:
        noun, _verb, _prep = _flow(flow)
        last, first = table.loc[(flow, end)], table.loc[(flow, start)]
        parts.append(
            f"in its {noun} China, **{last.products_for_threshold}** of the **{last.products}** headings traded in "
            f"{end} made up {pct(last.threshold, 0)} of the value, with an HHI of "
            f"**{fixed(HHI_SCALE * last.hhi, 0)}**, "
            f"as if **{fixed(1 / last.hhi, 1)}** equal products were traded ({start}: {first.products_for_threshold} "
            f"of {first.products}, HHI {fixed(HHI_SCALE * first.hhi, 0)}); the largest heading was "
            f"**{pct(last.top_share)}**"
        )
    return f"By {name}'s own reports, " + "; ".join(parts) + " (HHI on 0–10,000; 10,000 = one product)."


def raw_summary(
    raw: pd.DataFrame,
    chapters: Mapping[str, str],
    name: str,
    start: int,
    end: int,
    exceptions: Iterable[tuple[str, str, float]] = (),
) -> str:
    """The raw-material share of each flow in ``start`` and ``end``, with the chapters counted and their source.

    ``raw``: :func:`~tradeviz.measures.products.raw_materials` rows; ``chapters``: chapter -> description of the
    raw-material chapters (:data:`~tradeviz.measures.products.RAW_MATERIAL_CHAPTERS`); ``exceptions``: (code,
    description, share of the end year's exports) of products an analyst might count as raw but the HS does not.
    """
    table = raw.set_index(["flow", "year"])
    listed = ", ".join(f"{esc(code)} ({esc(short_description(text, 30))})" for code, text in chapters.items())
    shares = []
    for flow in [f for f in ("exports", "imports") if f in set(raw["flow"])]:
        noun, _verb, _prep = _flow(flow)
        shares.append(
            f"**{pct(table.loc[(flow, end), 'raw_share'])}** of its {noun} China in {end} "
            f"({start}: {pct(table.loc[(flow, start), 'raw_share'])})"
        )
    text = (
        f"Counted as raw materials: the HS chapters of Section V, mineral products, and the base metals themselves "
        f"of Section XV (chapters {listed}); the articles of base metal (73, 82, 83) and everything else count as "
        f"manufactures and other goods (the sections and chapters of the HS nomenclature, HS 2022, World Customs "
        f"Organization). By {name}'s own reports, raw materials were " + " and ".join(shares) + "."
    )
    for code, description, share in exceptions:
        text += (
            f" {product_name(code, description)}, **{pct(share)}** of the {end} exports, is a chemical in the HS "
            f"(chapter {esc(code[:2])}) and is not counted as raw."
        )
    return text


def sides_summary(sides: pd.DataFrame, name: str, year: int) -> str:
    """The chapters both sides report in one year: China's imports from the partner against the partner's exports
    to China, in total and chapter by chapter.

    ``sides``: :func:`~tradeviz.measures.products.both_sides` rows of the chapters for ``year`` and China's flow
    "imports", labelled (``description``).  China's figure is CIF, the partner's FOB: a ratio of 1.0–1.1 is what
    freight and insurance explain.
    """
    rows = sides[sides["year"].eq(year) & sides["china_flow"].eq("imports")].sort_values("chapter")
    if rows.empty or rows["china_usd_millions"].isna().any() or rows["partner_usd_millions"].isna().any():
        raise ValueError(f"sides: both figures of every chapter in {year}, China's imports")
    china, own = rows["china_usd_millions"].sum(), rows["partner_usd_millions"].sum()
    inside = rows[rows["ratio"].between(1.0, 1.1)]
    outside = rows[~rows["ratio"].between(1.0, 1.1)].sort_values("ratio", ascending=False)

    def listed(part: pd.DataFrame, bold: bool) -> str:
        mark = "**" if bold else ""
        return ", ".join(
            f"{esc(short_description(d, 30)).lower()} ({esc(c)}) {mark}{fixed(r, 2)}{mark}"
            for c, d, r in zip(part["chapter"], part["description"], part["ratio"], strict=True)
        )

    codes = ", ".join(esc(c) for c in rows["chapter"])
    text = (
        f"The shipped UN Comtrade data hold {len(rows)} HS chapters from both sides ({codes}). In {year}, China's "
        f"imports of them from {name} were **{usd(china)}** and {name}'s exports of them to China **{usd(own)}**: "
        f"China's figure is **{fixed(china / own, 2)}** times {name}'s."
    )
    if len(inside):
        text += f" Within the 1.0–1.1 that freight and insurance explain (CIF against FOB): {listed(inside, False)}."
    if len(outside):
        text += f" Outside it: {listed(outside, True)}."
    return text


def gas_summary(
    gas: pd.DataFrame, name: str, tolerance: float = measures.GAS_TOLERANCE, partial: Iterable[int] = ()
) -> str:
    """HS 2711 in the partner's reports against China's published pipeline-gas imports, year by year, and why they
    may differ.  ``gas``: :func:`~tradeviz.measures.products.gas_against_heading`; ``partial``: years with a
    published part-year figure only (not compared)."""
    if gas.empty:
        return (
            f"No year has both {name}'s exports of HS {measures.GAS_HEADING} to China in the product tables and a "
            "full-year value of China's pipeline-gas imports from it in gas_imports."
        )

    def value(low: float, high: float) -> str:
        return usd(low) if low == high else f"{usd(low)}–{usd(high)}"

    def ratio(low: float, high: float) -> str:
        return fixed(low, 2) if round(low, 2) == round(high, 2) else f"{fixed(low, 2)}–{fixed(high, 2)}"

    years = [
        f"{r.year}: {value(r.gas_low, r.gas_high)} against {usd(r.heading_usd_millions)}, "
        f"**{ratio(r.ratio_low, r.ratio_high)}** ({r.status})"
        for r in gas.itertuples()
    ]
    agree = gas[gas["status"].eq("agrees")]
    larger = gas[gas["status"].eq("heading larger")]
    text = (
        f"China's customs published the value of its pipeline-gas imports from {name} for full years (gas_imports, "
        f"as the press quoted them); {name}'s own reports give its exports of HS {measures.GAS_HEADING}, petroleum "
        f"gases, to China. They are two sides' figures, never one: {name} values its exports FOB, China its imports "
        f"CIF. China's figure ÷ {name}'s: " + "; ".join(years) + "."
    )
    if len(agree):
        text += f" In {_and(agree['year'])} they agree within ±{pct(tolerance, 0)}."
    if len(larger):
        text += (
            f" In {_and(larger['year'])} {name}'s heading is the larger, as it can be: HS "
            f"{measures.GAS_HEADING} also holds liquefied petroleum gases (propane, butane) and LNG, which travel "
            "by rail and road, while the published figure is pipeline gas only; 4-digit data cannot tell them apart."
        )
    if gas["status"].eq("gas larger").any():
        years_over = _and(gas.loc[gas["status"].eq("gas larger"), "year"])
        text += (
            f" In {years_over} China's pipeline gas exceeds {name}'s whole heading: the scope does not explain that "
            "(valuation, timing or a revision may)."
        )
    partial = sorted(partial)
    if partial:
        text += f" For {_and(partial)} only part-year gas figures were published: not compared."
    return text


def gap_note(
    totals: pd.DataFrame, missing: pd.DataFrame, name: str, years: list[int], dots: pd.DataFrame | None = None
) -> str:
    """Years in which a partner's product reports are incomplete: each flow's totals and number of headings against
    the years around them, the chapters missing, and (``dots``) what the partner reported to the IMF instead.

    ``totals``: :func:`~tradeviz.measures.products.concentration` rows (``year``, ``flow``, ``total_usd_millions``,
    ``products``) of the years ``years`` and the year before and after; ``missing``:
    :func:`~tradeviz.measures.products.missing_groups` by chapter for ``years``, labelled; ``dots``: the
    partner's own DOTS rows with China (``year``, ``flow``, ``value_usd_millions``).
    """
    years = sorted(years)
    before, after = years[0] - 1, years[-1] + 1
    table = totals.set_index(["flow", "year"])
    span = f"{years[0]}–{years[-1]}"
    flows, gone = [], []
    for flow in ("exports", "imports"):
        noun, _verb, _prep = _flow(flow)
        values = _and(usd(table.loc[(flow, y), "total_usd_millions"]) for y in years)
        counts = [int(table.loc[(flow, y), "products"]) for y in years]
        flows.append(
            f"its {noun} China {values}, with {min(counts)}–{max(counts)} headings ({before}: "
            f"{int(table.loc[(flow, before), 'products'])}; {after}: {int(table.loc[(flow, after), 'products'])})"
        )
        rows = missing[missing["flow"].eq(flow)]
        if len(rows):
            chapters = _and(
                f"{esc(r.chapter)} {esc(short_description(r.description, 36)).lower()}" for r in rows.itertuples()
            )
            gone.append(
                f"of its {noun} China, {chapters} ({pct(rows['before_share'].sum())} of {before}'s, "
                f"{pct(rows['after_share'].sum())} of {after}'s)"
            )
    text = f"{name}'s reports for {span}, as WITS and UN Comtrade hold them, are incomplete: " + "; ".join(flows) + ". "
    if gone:
        text += f"Whole chapters held before and after are missing in every one of those years: {'; '.join(gone)}. "
    if dots is not None and len(dots):
        own = dots.set_index(["flow", "year"])["value_usd_millions"]
        shown = [y for y in years if ("exports", y) in own.index and ("imports", y) in own.index]
        if shown:
            text += (
                f"The trade went on: {name}'s own report to the IMF (DOTS) has "
                + _and(
                    f"{usd(own[('exports', y)])} of exports to China and {usd(own[('imports', y)])} of imports from it "
                    f"in {y}"
                    for y in shown
                )
                + ". "
            )
    return text + (
        f"So the changes below compare full years outside {span}, and the bars for {span} show what the reports "
        "hold, not the trade."
    )


def editions_note(old: pd.DataFrame, mapping: Mapping[str, tuple[str, str]], name: str) -> str:
    """The HS 2012 headings the HS 2022 nomenclature no longer has: the successor of each and how much of this
    trade they hold.  ``old``: :func:`~tradeviz.measures.products.hs2012_only` rows of the partner's trade with
    China; ``mapping``: HS 2012 heading -> (HS 2022 successor, why)."""
    pairs = ", ".join(f"{esc(code)} → {esc(new)}" for code, (new, _why) in sorted(mapping.items()))
    held = old.groupby("code")["value_usd_millions"].sum().sort_values(ascending=False)
    return (
        f"{name}'s headings are HS 2012 codes, the nomenclature here HS 2022. {len(mapping)} HS 2012 headings are "
        f"not in HS 2022 ({pairs}); their rows keep the HS 2012 code and name their HS 2022 successor. In {name}'s "
        f"trade with China they hold **{usd(held.sum())}** over all years together (largest: {esc(held.index[0])}, "
        f"{usd(held.iloc[0])}). The successors are those of the UN Statistics Division's correlation tables (HS 2012 "
        "to HS 2017 and to HS 2022), which also send a part of 8469 (its waste and scrap) to 8549 and of 8803 "
        "(display modules) to 8524 and 8529."
    )


def profile_section(products: pd.DataFrame, nomenclature: pd.DataFrame, partner: str, name: str) -> str:
    """The country profiles' "What is traded": for a partner with product data in ``products`` (Kazakhstan), its
    largest export to and import from China in the latest year, the raw-material share, and a link to the
    products report; for the others, that the shipped data hold no product detail and how to get it."""
    rows = products[products["reporter"].eq(partner) & products["partner"].eq("CHN") & products["level"].eq("heading")]
    if rows.empty:
        return f"There is {no_product_data(name)}."
    year = int(rows["year"].max())
    latest = rows[rows["year"].eq(year)]
    top = measures.labelled(measures.top_products(latest, 1), nomenclature, "heading", latest).set_index("flow")
    raw = measures.raw_materials(latest).set_index("flow")
    parts = []
    for flow in ("exports", "imports"):
        noun, _verb, _prep = _flow(flow)
        t, r = top.loc[flow], raw.loc[flow]
        parts.append(
            f"its {noun} China came to **{usd(r.total_usd_millions)}**, the largest product "
            f"{product_name(t.heading, t.description)} with **{pct(t.share)}**, raw materials **{pct(r.raw_share)}**"
        )
    first = int(rows["year"].min())
    link = PRODUCTS_REPORT.format(partner=partner)
    return (
        f"By {name}'s own reports at the 4-digit HS level (WITS, {first}–{year}): in {year} "
        + "; ".join(parts)
        + f". Every product, year and both sides' chapters: [What is traded: {name} and China]({link})."
    )
