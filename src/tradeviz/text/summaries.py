"""Measures as text for the command line: a growth result, the top partners of a reporter."""

from __future__ import annotations

import pandas as pd

from tradeviz import countries
from tradeviz.measures.common import SIDES
from tradeviz.measures.growth import GrowthResult
from tradeviz.text import numbers
from tradeviz.text.numbers import format_usd

FLOW_WORDS = {"total": "exports + imports", "exports": "exports", "imports": "imports"}


def format_top(top: pd.DataFrame, reporter: str, year: int, flow: str = "total") -> str:
    """:func:`top_partners` as text for the command line: rank, partner, value, share, and the caveats."""
    name = countries.name(reporter)
    first = top.iloc[0]
    status = {"reported": "reported", "estimate": "an IMF estimate", "missing": "missing: no shares"}[
        first.world_status
    ]
    lines = [
        f"{name}'s largest partners in {year}, {FLOW_WORDS[flow]}, from {name}'s own reports (IMF DOTS); "
        f"share of its world total ({format_usd(first.world_value) if pd.notna(first.world_value) else 'n/a'}, "
        f"{status}), among {first.n_ranked} partner countries:"
    ]
    width = max(len(n) for n in top["name"])
    for row in top.itertuples():
        share = f"{numbers.pct(row.share):>6}" if pd.notna(row.share) else "    n/a"
        mark = " (IMF estimate)" if row.imf_estimate else ""
        lines.append(f"{row.rank:>3}  {row.name:<{width}}  {format_usd(row.value):>12}  {share}{mark}")
    from tradeviz.measures.partners import CUSTOMS_UNION, customs_union_note  # here: growth needs none of it

    if reporter in CUSTOMS_UNION and year >= CUSTOMS_UNION[reporter]:
        lines.append(f"Note: {customs_union_note(reporter)}.")
    return "\n".join(lines)


def format_products(top: pd.DataFrame, partner: str, year: int, flow: str, level: str, side: str, total: float) -> str:
    """The top products of ``tradeviz products`` as text: rank, code, description, value and shares."""
    name = countries.name(partner)
    if side == "partner":
        whose = f"{name}'s own reports (WITS, HS 2012)"
        what = f"{name}'s {flow} {'to' if flow == 'exports' else 'from'} China"
        share_word = "share of the flow"
    else:
        china_flow = {"exports": "imports from", "imports": "exports to"}[flow]
        whose = "China's reports (UN Comtrade; seven HS chapters only)"
        what = f"China's {china_flow} {name} ({name}'s {flow} as China reports them)"
        share_word = "share of China's total"
    lines = [f"{what} in {year}, by HS {level}, from {whose}; total {format_usd(total, 1)}:"]
    width = min(max(len(d) for d in top["description"]), 60)
    for row in top.itertuples():
        text = row.description if len(row.description) <= width else row.description[: width - 1] + "…"
        share = row.share_of_total if side == "china" else row.share
        lines.append(
            f"{row.rank:>3}  {getattr(row, level):<5}  {text:<{width}}  {format_usd(row.value_usd_millions, 1):>10}"
            f"  {numbers.pct(share):>6}"
        )
    lines.append(f"Shares: {share_word}. Source: {top['source_id'].iloc[0]}.")
    return "\n".join(lines)


def format_growth(result: GrowthResult) -> str:
    """The text form of a :class:`~tradeviz.measures.growth.GrowthResult` (``tradeviz growth``): values, multiple
    and CAGR or why not computable, cautions, how a chain was joined, and the sources."""
    details = result.details
    side = SIDES.get(result.side, result.side)
    series = details.get("series")
    source = {
        "published": f"published figures, {side}",
        "DOTS + published": "IMF DOTS trade table and published figures, China's customs",
        "trade": f"IMF DOTS trade table, {side}",
    }.get(result.source, " + ".join(dict.fromkeys(series)) if series else f"{result.source}, {side}")
    span = f"{result.start_year}–{result.end_year}"
    head = f"{result.partner_name} ({result.partner}) — {result.measure.replace('_', ' ')} with China, {span}"

    def amount(value: float | None) -> str:
        return "n/a" if value is None else numbers.fixed(value, 1)

    lines = [head, f"  {amount(result.start_value)} → {amount(result.end_value)} {result.unit}"]
    if result.ok:
        cagr = numbers.fixed(100 * (result.cagr or 0.0), 1)
        lines.append(f"  growth {numbers.times(result.multiple or 0.0, 2)}, CAGR {cagr} % per year")
    else:
        lines.append(f"  not computable: {result.reason}")
    if result.deflator:
        lines.append(f"  deflator: {result.deflator}")
    estimated = [
        y for y, e in zip((result.start_year, result.end_year), details.get("imf_estimate", []), strict=False) if e
    ]
    if estimated:
        lines.append(
            f"  caution: the value for {' and '.join(map(str, estimated))} includes IMF estimates "
            "(derived from China's figures), not the partner's own report"
        )
    for caution in details.get("cautions", []):
        lines.append(f"  caution: {caution}")
    chain = details.get("chain")
    if chain and series and not chain.get("joined"):
        kind = "statistical series" if not series[0].startswith("published") else "series of press figures"
        lines.append(f"  computed within one {kind}, {series[0]}: no join needed")
    elif chain and series and chain.get("joined"):
        lines.append(
            f"  chain: {result.start_year} from {series[0]}, {result.end_year} from {series[1]}"
            + (f" ({', '.join(chain['figure_ids'])})" if chain.get("figure_ids") else "")
        )
        lines.append(f"  overlap check (tolerance {numbers.pct(chain['tolerance'], 0)}): {chain['overlap_check']}")
    ids = ", ".join(result.source_ids) or "no value was read"
    lines.append(f"  source: {source} ({ids})")
    return "\n".join(lines)
