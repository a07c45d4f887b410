"""The ``tradeviz`` command line: ``data build|validate|snapshot|fetch``, ``growth``, ``render``, ``notebooks``.

Exit codes: 0 success, 1 a failure while working (bad data, a failing report), 2 bad input
(unknown country, impossible year, bad option).  ``data fetch`` adds one code per fault
(:mod:`tradeviz.fetch.errors`): 3 network unreachable or timed out, 4 key missing or refused (401/403),
5 not found (404), 6 still rate-limited (429) after the retries, 7 server error (5xx) after the retries,
8 a truncated, malformed or unexpected answer, 9 an empty or incomplete answer.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradeviz.fetch.http import Policy
    from tradeviz.fetch.snapshot import FetchResult
    from tradeviz.measures.growth import GrowthResult

EXIT_FAILURE = 1
EXIT_USAGE = 2
PRODUCTS_TOP_MAX = 100


def _data_build(args: argparse.Namespace) -> int:
    from tradeviz.build import pipeline

    tables = pipeline.build_all()
    for path in pipeline.write_all(tables):
        rows = f" ({len(tables[path.stem])} rows)" if path.stem in tables else ""
        print(f"wrote {path}{rows}")
    return 0


def _data_validate(args: argparse.Namespace) -> int:
    from tradeviz import paths
    from tradeviz.build import validate

    problems = validate.validate_all()
    skipped = validate.skipped_checks()
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    for note in skipped:
        print(f"note: {note}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return EXIT_FAILURE
    if skipped:
        print(
            f"data OK: the Data Package is valid ({paths.data_dir()}); raw checksums and build freshness need a clone."
        )
    else:
        print("data OK: raw checksums match, the Data Package is valid, curated tables equal a fresh build.")
    return 0


def _data_snapshot(args: argparse.Namespace) -> int:
    from tradeviz.sources import provenance

    record = provenance.snapshot(Path(args.folder))
    print(f"recorded {len(record['files'])} file checksum(s) in {Path(args.folder) / provenance.RECORD}")
    return 0


def _fetch_policy(args: argparse.Namespace, default_delay: float) -> Policy:
    from tradeviz.fetch.http import Policy

    delay = default_delay if args.delay is None else args.delay
    return Policy(delay=delay, timeout=args.timeout, attempts=args.attempts)


def _fetch_raw_root(args: argparse.Namespace) -> Path:
    from tradeviz import paths

    if args.out:
        return Path(args.out)
    paths.require_full_raw("tradeviz data fetch")
    return paths.raw_dir()


def _data_fetch(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from tradeviz.fetch import comtrade, errors, imts

    result: FetchResult
    try:
        if args.source == "imts":
            result = imts.fetch(
                _fetch_raw_root(args),
                monthly=args.monthly,
                all_partners=args.all_partners,
                start=args.start if args.start is not None else 1990,
                end=args.end,
                policy=_fetch_policy(args, 1.5),
            )
        else:
            end = args.end if args.end is not None else datetime.now(UTC).year - 1
            start = args.start if args.start is not None else 2014
            if start > end:
                raise ValueError(f"--start {start} is after --end {end}")
            result = comtrade.fetch(
                _fetch_raw_root(args), range(start, end + 1), hs4=args.hs4, policy=_fetch_policy(args, 1.0)
            )
    except errors.FetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing was written under the raw root; earlier snapshots are untouched", file=sys.stderr)
        return exc.exit_code
    if result.already_complete:
        print(f"{result.folder} is already complete: 0 requests made")
        return 0
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    print(
        f"wrote {result.folder} ({result.rows} {result.unit}): {result.made} request(s) made "
        f"({result.http_calls} HTTP call(s) with retries), {result.kept} kept from an interrupted run"
    )
    return 0


def _growth(args: argparse.Namespace) -> int:
    from tradeviz import countries, data
    from tradeviz.measures import common, growth, overlap

    partner = countries.resolve(args.partner, allow_group=True)
    with warnings.catch_warnings(record=True) as caught, common.one_shot():
        warnings.simplefilter("always", common.MetricWarning)
        if args.published:
            result = growth.published_growth(data.load_published(), partner, args.start, args.end, side=args.side)
        else:
            # One precedence rule (tradeviz.measures.overlap.PRECEDENCE): within one statistical series where one
            # holds both years; across series only where their overlap allows it.
            result = overlap.series_growth(
                data.load_comtrade(),
                data.load_trade(),
                data.load_published,  # read only if a join with press figures needs its evidence
                data.load_published_series(),
                partner,
                args.start,
                args.end,
                side=args.side,
                real=args.real,
                cpi=data.load_cpi() if args.real else None,
                base_year=args.base_year,
            )
    return _print_growth(args, result, caught)


def _print_growth(args: argparse.Namespace, result: GrowthResult, caught: list[warnings.WarningMessage]) -> int:
    from tradeviz.text import summaries

    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, sort_keys=True, default=str))
    else:
        print(summaries.format_growth(result))
    return 0 if result.ok else EXIT_FAILURE


def _partners(args: argparse.Namespace) -> int:
    from tradeviz import countries, data
    from tradeviz.measures import partners
    from tradeviz.text import summaries

    if args.top < 1:
        raise ValueError(f"--top {args.top}: give how many partners to list, a whole number from 1")
    reporter = countries.resolve(args.country, allowed=partners.WITH_CHINA)
    rows = data.load_partner_trade()
    top = partners.top_partners(rows, reporter, args.year, n=args.top, flow=args.flow)
    if args.json:
        print(top.to_json(orient="records", indent=2))
        return 0
    print(summaries.format_top(top, reporter, args.year, args.flow))
    return 0


def _products(args: argparse.Namespace) -> int:
    from tradeviz import countries, data
    from tradeviz.build.products import HS2012_ONLY
    from tradeviz.measures import products as measures
    from tradeviz.text import summaries
    from tradeviz.text.products import no_product_data

    partner = countries.resolve(args.country, allowed=countries.FIVE)
    level = args.level or ("heading" if args.side == "partner" else "chapter")
    if args.side == "china" and level != "chapter":
        raise ValueError(
            f"--level {level} --side china: China's reports in the shipped data hold HS chapters only (seven of "
            "them), the level both sides share; use --level chapter"
        )
    if not 1 <= args.top <= PRODUCTS_TOP_MAX:
        raise ValueError(
            f"--top {args.top}: give how many products to list, a whole number from 1 to {PRODUCTS_TOP_MAX}"
        )
    rows = data.load_products()
    if args.side == "partner":
        rows = rows[rows.reporter.eq(partner) & rows.partner.eq(countries.CHINA) & rows.flow.eq(args.flow)]
        rows = rows[rows.level.eq("heading")]
    else:
        china_flow = {"exports": "imports", "imports": "exports"}[args.flow]
        rows = rows[rows.reporter.eq(countries.CHINA) & rows.partner.eq(partner) & rows.flow.eq(china_flow)]
        rows = rows[rows.level.eq("chapter")]
    if rows.empty:
        print(f"error: {no_product_data(countries.name(partner))}", file=sys.stderr)
        return EXIT_FAILURE
    years = sorted(rows.year.unique())
    if args.year not in years:
        raise ValueError(f"{args.year}: no product rows for that year; the shipped years are {years[0]}–{years[-1]}")
    rows = rows[rows.year.eq(args.year)]
    top = measures.top_products(rows, args.top, by=level)
    totals = data.load_product_totals()
    flow_total = totals.loc[
        totals.year.eq(args.year)
        & totals.reporter.eq(rows.reporter.iloc[0])
        & totals.partner.eq(rows.partner.iloc[0])
        & totals.flow.eq(rows.flow.iloc[0])
        & totals.level.eq(rows.level.iloc[0]),
        "total_usd_millions",
    ].iloc[0]
    top["share_of_total"] = top["value_usd_millions"] / flow_total
    names = data.load_hs_nomenclature()
    described = names[names.level.eq(level)].set_index("code")["description"]
    descriptions = top[level].map(described)
    old = top[level].map({code: reason for code, (_, reason) in HS2012_ONLY.items()})
    top["description"] = descriptions.fillna(old.map(lambda r: f"(HS 2012) {r}" if isinstance(r, str) else ""))
    top["source_id"] = rows.source_id.iloc[0]
    if args.json:
        print(top.rename(columns={level: "code"}).assign(level=level).to_json(orient="records", indent=2))
        return 0
    print(summaries.format_products(top, partner, args.year, args.flow, level, args.side, flow_total))
    return 0


def _render(args: argparse.Namespace) -> int:
    from tradeviz.reports import config, engine, render

    sweep: dict[str, list] = {}
    for name, values in args.parameter or []:
        if name in sweep:
            raise ValueError(f"-p {name} given twice; list its values once, comma-separated")
        sweep[name] = config.parse_values(values)
    try:
        summary = render.render_reports(
            only=args.only,
            partner=args.partner,
            jobs=args.jobs,
            out=Path(args.out) if args.out else None,
            config=Path(args.config) if args.config is not None else None,
            progress=not (args.quiet or args.json),
            force=args.force,
            sweep=sweep or None,
        )
    except engine.Interrupted as exc:
        print(f"interrupted by {exc}: reports written so far are kept, workers and kernels stopped", file=sys.stderr)
        return 128 + exc.signum
    if args.json:
        print(json.dumps(summary.as_json(), indent=2))
    elif args.quiet:  # the counts, and which reports failed and why (describe() without failures: the headline)
        print(summary.describe())
    else:
        print(summary.describe())
    if args.pdf:
        from tradeviz.reports import pdf

        pages = [summary.out / f"{name}.html" for name in [*summary.succeeded, *summary.skipped]]
        for path in pdf.print_reports(p for p in pages if p.is_file()):
            print(f"wrote {path}", file=sys.stderr if args.json else sys.stdout)
    return EXIT_FAILURE if summary.failures else 0


def _notebooks_refresh(args: argparse.Namespace) -> int:
    from tradeviz.reports import refresh

    for path in refresh.refresh(args.names or None):
        print(f"refreshed {path}")
    return 0


def _notebooks_copy(args: argparse.Namespace) -> int:
    from tradeviz.reports import refresh

    if not args.folder.strip():
        print(
            "error: notebooks copy needs a folder to copy into (got an empty name), e.g. ~/tradeviz-notebooks",
            file=sys.stderr,
        )
        return EXIT_USAGE
    for path in refresh.copy_notebooks(Path(args.folder), overwrite=args.force):
        print(f"copied {path}")
    print(
        f"run them there, e.g. `papermill {Path(args.folder) / 'country_profile.ipynb'} out.ipynb -p partner TJK`, "
        "or open them in Jupyter (kernel: Python 3 of this environment)."
    )
    return 0


class _Once(argparse.Action):
    """Store an option's value, refusing the option given twice (argparse would keep the last silently)."""

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object, option: str | None = None
    ) -> None:
        if getattr(namespace, f"_seen_{self.dest}", False):
            parser.error(f"{option} given twice; give it once")
        setattr(namespace, f"_seen_{self.dest}", True)
        setattr(namespace, self.dest, values)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="tradeviz", description=__doc__.splitlines()[0])
    verbs = top.add_subparsers(dest="command", required=True)

    data = verbs.add_parser("data", help="build and validate the curated tables")
    data_verbs = data.add_subparsers(dest="data_command", required=True)
    data_verbs.add_parser("build", help="derive every curated table from data/raw").set_defaults(func=_data_build)
    data_verbs.add_parser(
        "validate", help="check raw checksums, the Data Package schema and build freshness"
    ).set_defaults(func=_data_validate)
    snap = data_verbs.add_parser("snapshot", help="record checksums of the files in a raw folder")
    snap.add_argument("folder", help="folder under data/raw holding a provenance.json")
    snap.set_defaults(func=_data_snapshot)
    fetch = data_verbs.add_parser(
        "fetch", help="download IMF IMTS or UN Comtrade into a new dated raw snapshot (needs the internet)"
    )
    fetch_sources = fetch.add_subparsers(dest="source", required=True)
    fetch_imts = fetch_sources.add_parser(
        "imts", help="IMF IMTS: exports FOB and imports CIF of China and the five with each other, World, Russia"
    )
    fetch_imts.add_argument("--all-partners", action="store_true", help="every partner, not only the usual eight")
    fetch_imts.add_argument("--monthly", action="store_true", help="monthly instead of annual")
    fetch_comtrade = fetch_sources.add_parser(
        "comtrade", help="UN Comtrade: annual trade by HS chapter of China and the five with each other and World"
    )
    fetch_comtrade.add_argument("--hs4", action="store_true", help="4-digit HS headings (needs COMTRADE_API_KEY)")
    for sub, first in ((fetch_imts, 1990), (fetch_comtrade, 2014)):
        sub.add_argument("--start", type=int, default=None, help=f"first year (default {first})")
        sub.add_argument("--end", type=int, default=None, help="last year (default: the latest available)")
        sub.add_argument("--out", help="raw root to write into (default: data/raw of the clone)")
        sub.add_argument("--delay", type=float, default=None, help="minimum seconds between calls")
        sub.add_argument("--timeout", type=float, default=60.0, help="seconds per request (default 60)")
        sub.add_argument("--attempts", type=int, default=5, help="tries per request on 429/5xx/timeouts (default 5)")
        sub.set_defaults(func=_data_fetch)

    growth = verbs.add_parser("growth", help="growth multiple and CAGR of trade between two years")
    growth.add_argument("partner", help="country (name, ISO2/ISO3, variant) or 'all' for the five together")
    growth.add_argument("start", type=int, help="start year")
    growth.add_argument("end", type=int, help="end year")
    growth.add_argument("--real", action="store_true", help="deflate with US CPI-U to constant dollars")
    growth.add_argument("--base-year", type=int, default=None, help="base year of the constant dollars (default: END)")
    growth.add_argument(
        "--side",
        choices=["china", "partner"],
        default="china",
        help="whose reports: China's (default) or the partner's own (mirror)",
    )
    growth.add_argument(
        "--published",
        action="store_true",
        help="use only published full-year figures (China's customs, or with --side partner the "
        "partner's own statistics), never DOTS. Without it, growth is computed within one statistical series "
        "where one holds both years (UN Comtrade before IMF DOTS: newer over older), and across series (DOTS, "
        "UN Comtrade, published China-customs figures) only where their overlap agrees",
    )
    growth.add_argument("--json", action="store_true", help="machine-readable output")
    growth.set_defaults(func=_growth)

    ranks = verbs.add_parser("partners", help="a country's largest trade partners in a year, with their shares")
    ranks.add_argument("country", help="reporter: China or one of the five (name, ISO2/ISO3, variant)")
    ranks.add_argument("year", type=int, help="year (IMF DOTS, 1992–2020)")
    ranks.add_argument("--top", type=int, default=10, help="how many partners (default 10; ties may add more)")
    ranks.add_argument(
        "--flow",
        choices=["total", "exports", "imports"],
        default="total",
        help="exports + imports (default), or one flow, as the country reports it",
    )
    ranks.add_argument("--json", action="store_true", help="machine-readable output")
    ranks.set_defaults(func=_partners)

    products = verbs.add_parser("products", help="what is traded: a partner's largest products with China in a year")
    products.add_argument(
        "country", help="one of the five (name, ISO2/ISO3, variant); product data ship for Kazakhstan"
    )
    products.add_argument("year", type=int, help="year (Kazakhstan's headings 2015–2024, China's chapters 2014–2024)")
    products.add_argument(
        "--flow",
        choices=["exports", "imports"],
        default="exports",
        help="the partner's exports to China (default) or its imports from China; with --side china, the same "
        "trade as China reports it",
    )
    products.add_argument(
        "--level",
        choices=["section", "chapter", "heading"],
        default=None,
        help="HS section, chapter or 4-digit heading (default: heading; with --side china, chapter, the only one)",
    )
    products.add_argument("--top", type=int, default=10, help=f"how many products (1–{PRODUCTS_TOP_MAX}, default 10)")
    products.add_argument(
        "--side",
        choices=["partner", "china"],
        default="partner",
        help="whose reports: the partner's own (default, WITS headings) or China's (UN Comtrade, seven chapters)",
    )
    products.add_argument("--json", action="store_true", help="machine-readable output")
    products.set_defaults(func=_products)

    render = verbs.add_parser("render", help="render the notebooks listed in reports.yaml into reports/")
    render.add_argument(
        "--config", action=_Once, help="render config in the format of reports.yaml (default: reports.yaml)"
    )
    render.add_argument("--only", action=_Once, help="render only the report(s) of this notebook or name")
    render.add_argument("--partner", action=_Once, help="render only the reports for this partner")
    render.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUES"),
        help="sweep the notebook named by --only: NAME takes each of the comma-separated VALUES; several -p "
        "render every combination (e.g. --only country_profile -p partner KAZ,KGZ -p start_year 2000,2013)",
    )
    render.add_argument(
        "--jobs", type=int, default=None, action=_Once, help="parallel kernels (default: available cores)"
    )
    render.add_argument("--out", action=_Once, help="output folder (default: reports/)")
    render.add_argument(
        "--force", action="store_true", help="render every report, even those whose inputs are unchanged"
    )
    render.add_argument(
        "--quiet", action="store_true", help="no progress bar; one summary line, then one line per failed report"
    )
    render.add_argument("--json", action="store_true", help="no progress bar; a JSON summary on stdout")
    render.add_argument("--pdf", action="store_true", help="also print each report to <name>.pdf (needs Chromium)")
    render.set_defaults(func=_render)

    notebooks = verbs.add_parser(
        "notebooks", help="copy the notebooks, or refresh their stored outputs (nbval reference)"
    )
    notebook_verbs = notebooks.add_subparsers(dest="notebooks_command", required=True)
    refresh = notebook_verbs.add_parser("refresh", help="re-execute notebooks/ in place with default parameters")
    refresh.add_argument("names", nargs="*", help="notebook names (default: all)")
    refresh.set_defaults(func=_notebooks_refresh)
    copy = notebook_verbs.add_parser("copy", help="copy the notebooks into a folder of your own, to edit and run there")
    copy.add_argument("folder", help="destination folder (created if missing)")
    copy.add_argument("--force", action="store_true", help="overwrite notebooks already there")
    copy.set_defaults(func=_notebooks_copy)
    return top


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not fail on the closed pipe again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> int:
    from tradeviz.countries import UnknownCountryError
    from tradeviz.errors import BuildError, DataError, KernelUnavailableError, PdfUnavailableError, ProvenanceError
    from tradeviz.paths import DataLayoutError

    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show "×" or "—" gets "\xd7", not an error
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    top = parser()
    args = top.parse_args(argv)
    if args.command == "growth":
        if args.base_year is not None and not args.real:
            top.error("--base-year needs --real (it sets the year of the constant dollars)")
        if args.published and args.real:
            top.error("--published takes the totals as published: --real does not apply")
    try:
        code: int = args.func(args)
        sys.stdout.flush()  # here, not at exit: a closed pipe is then caught below
        return code
    except BrokenPipeError:  # `tradeviz ... | head -1`: the reader has gone; stay quiet
        _silence_stdout()
        return 0
    except (
        DataError,
        BuildError,
        ProvenanceError,
        DataLayoutError,
        KernelUnavailableError,
        PdfUnavailableError,
    ) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except (UnknownCountryError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # a file the user named, or the disk: one line, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
