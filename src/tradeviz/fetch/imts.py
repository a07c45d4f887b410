"""IMF International Trade in Goods (by partner country), dataflow ``IMF.STA/IMTS/1.0.0``: fetch and strict parse.

Client: the SDMX REST API at ``api.imf.org`` called directly with ``requests`` (and ``tenacity`` for retries,
:mod:`tradeviz.fetch.http`), asking for SDMX-CSV (``Accept: application/vnd.sdmx.data+csv;version=2.0.0``).
Not ``sdmx1`` (source ``IMF_DATA``), because (1) the snapshot must hold the responses unchanged, byte for byte,
with their checksums, and sdmx1 hands back parsed message objects, not the body it read; (2) the two real
recorded IMTS responses we test against are SDMX-CSV bodies, which a plain client replays as they are;
(3) one GET per batched key is all we need, and sdmx1 would add pydantic, lxml and its own HTTP and caching
stack to the package for it.  The URL is the one the recorded responses were made with
(``https://api.imf.org/external/sdmx/2.1/data/IMF.STA,IMTS/<key>``, here with the version, ``,1.0.0``).

The key is ``COUNTRY.INDICATOR.COUNTERPART_COUNTRY.FREQUENCY``, each position batched with ``+``: China and the
five as reporters, exports FOB and imports CIF, partners each other, World (``G001``) and Russia; one request
per frequency (an empty partner position, ``--all-partners``, asks for every partner: then one request per
reporter, the bodies being large).  An IMF key, if the API ever asks for one, is read from ``IMF_API_KEY`` and
sent as the ``Ocp-Apim-Subscription-Key`` header (never recorded).

The parser is strict (:func:`parse`): the header must be the 41 columns the IMF serves, and an unknown indicator,
unit, scale or frequency, a period not in the frequency's format, or a row cut short is an error, not a guess.
``OBS_VALUE`` is in plain US dollars although ``SCALE`` says 6 (checked against the recorded responses:
Nicaragua's monthly imports of about 70 million dollars read ``70463718.96``); we keep that reading and the
parser returns dollars.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tradeviz.fetch.errors import BadResponseError, IncompleteError
from tradeviz.fetch.http import Client, Policy
from tradeviz.fetch.snapshot import FetchResult, Snapshot

SOURCE = "imf-imts"
BASE_URL = "https://api.imf.org/external/sdmx/2.1/data/IMF.STA,IMTS,1.0.0"
ACCEPT = "application/vnd.sdmx.data+csv;version=2.0.0"
KEY_ENV = "IMF_API_KEY"
DATAFLOW = "IMF.STA:IMTS(1.0.0)"
REPORTERS = ("CHN", "KAZ", "KGZ", "TJK", "TKM", "UZB")
WORLD = "G001"
RUSSIA = "RUS"
PARTNERS = (*REPORTERS, WORLD, RUSSIA)
INDICATORS = ("XG_FOB_USD", "MG_CIF_USD")
KNOWN_INDICATORS = {
    # indicator: (TRADE_FLOW, VALUATION) as the IMF labels them
    "XG_FOB_USD": ("XG", "FOB"),
    "MG_CIF_USD": ("MG", "CIF"),
    "MG_FOB_USD": ("MG", "FOB"),
    "TBG_USD": ("TBG", ""),
}
KNOWN_UNITS = {"USD"}
KNOWN_SCALES = {"6"}
PERIOD_FORMATS = {"A": re.compile(r"^\d{4}$"), "M": re.compile(r"^\d{4}-M(0[1-9]|1[0-2])$")}
COLUMNS = (
    "DATAFLOW,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,TIME_PERIOD,OBS_VALUE,SCALE,PRECISION,"
    "DECIMALS_DISPLAYED,TRADE_FLOW,VALUATION,UNIT,DERIVATION_TYPE,OVERLAP,STATUS,DOI,FULL_DESCRIPTION,AUTHOR,"
    "PUBLISHER,DEPARTMENT,CONTACT_POINT,TOPIC,TOPIC_DATASET,KEYWORDS,KEYWORDS_DATASET,LANGUAGE,PUBLICATION_DATE,"
    "UPDATE_DATE,METHODOLOGY,METHODOLOGY_NOTES,ACCESS_SHARING_LEVEL,ACCESS_SHARING_NOTES,SECURITY_CLASSIFICATION,"
    "SOURCE,SHORT_SOURCE_CITATION,FULL_SOURCE_CITATION,LICENSE,SUGGESTED_CITATION,KEY_INDICATOR,SERIES_NAME"
).split(",")


@dataclass(frozen=True)
class Observation:
    """One value: ``value_usd`` in plain US dollars (see the module docstring on ``SCALE``)."""

    reporter: str
    indicator: str
    partner: str
    frequency: str
    period: str
    value_usd: float


@dataclass(frozen=True)
class Parsed:
    observations: list[Observation]
    empty_series: int
    """Rows that describe a series but carry no observation (no country, period or value), as the IMF sends them."""


def parse(
    body: bytes,
    *,
    name: str = "response",
    frequency: str | None = None,
    reporters: tuple[str, ...] | None = None,
    indicators: tuple[str, ...] | None = None,
    partners: tuple[str, ...] | None = None,
) -> Parsed:
    """Read an SDMX-CSV body of IMTS strictly; the optional arguments say what was asked for."""
    where = f"IMTS {name}"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadResponseError(f"{where}: not UTF-8 text ({exc}); not an SDMX-CSV answer") from exc
    if not text.strip():
        raise IncompleteError(f"{where}: an empty body (no header, no rows): the IMF returned nothing for the key")
    if not text.endswith("\n"):
        raise BadResponseError(f"{where}: the body does not end with a line break: truncated; run the fetch again")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    if header != COLUMNS:
        extra = [c for c in header if c not in COLUMNS]
        missing = [c for c in COLUMNS if c not in header]
        what = f"unexpected columns {extra}" if extra else ""
        what += ("; " if what else "") + f"missing columns {missing}" if missing else ""
        raise BadResponseError(
            f"{where}: not the IMTS SDMX-CSV layout ({what or 'columns in another order'}; first line: "
            f"{','.join(header)[:200]!r}); the parser reads only the layout it knows"
        )
    col = {c: i for i, c in enumerate(COLUMNS)}
    observations: list[Observation] = []
    empty = 0
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(COLUMNS):
            raise BadResponseError(
                f"{where}, line {line}: {len(row)} fields, not {len(COLUMNS)}: truncated or malformed"
            )

        def get(column: str, row: list[str] = row) -> str:
            return row[col[column]]

        fail = f"{where}, line {line}"
        if get("DATAFLOW") != DATAFLOW:
            raise BadResponseError(f"{fail}: dataflow {get('DATAFLOW')!r}, expected {DATAFLOW}")
        indicator = get("INDICATOR")
        if indicator not in KNOWN_INDICATORS:
            raise BadResponseError(f"{fail}: unknown indicator {indicator!r} (known: {', '.join(KNOWN_INDICATORS)})")
        if indicators is not None and indicator not in indicators:
            raise BadResponseError(f"{fail}: indicator {indicator} was not asked for ({'+'.join(indicators)})")
        if get("UNIT") not in KNOWN_UNITS:
            raise BadResponseError(f"{fail}: unknown unit {get('UNIT')!r} for {indicator} (known: USD)")
        if (get("TRADE_FLOW"), get("VALUATION")) != KNOWN_INDICATORS[indicator]:
            raise BadResponseError(
                f"{fail}: {indicator} with trade flow {get('TRADE_FLOW')!r} and valuation {get('VALUATION')!r}, "
                f"expected {KNOWN_INDICATORS[indicator]}"
            )
        if not (get("COUNTRY") or get("TIME_PERIOD") or get("OBS_VALUE") or get("FREQUENCY")):
            empty += 1  # a series the IMF lists without any observation
            continue
        freq = get("FREQUENCY")
        if freq not in PERIOD_FORMATS:
            raise BadResponseError(f"{fail}: unknown frequency {freq!r} (known: A, M)")
        if frequency is not None and freq != frequency:
            raise BadResponseError(f"{fail}: frequency {freq}, but {frequency} was asked for")
        period = get("TIME_PERIOD")
        if not PERIOD_FORMATS[freq].match(period):
            raise BadResponseError(f"{fail}: period {period!r} is not in the format of frequency {freq}")
        if get("SCALE") not in KNOWN_SCALES:
            raise BadResponseError(
                f"{fail}: unknown scale {get('SCALE')!r} (known: 6, which the IMF sends with values in plain dollars)"
            )
        reporter, partner = get("COUNTRY"), get("COUNTERPART_COUNTRY")
        if reporters is not None and reporter not in reporters:
            raise BadResponseError(f"{fail}: reporter {reporter!r} was not asked for")
        if partners is not None and partner not in partners:
            raise BadResponseError(f"{fail}: partner {partner!r} was not asked for")
        try:
            value = float(get("OBS_VALUE"))
        except ValueError:
            raise BadResponseError(f"{fail}: OBS_VALUE {get('OBS_VALUE')!r} is not a number") from None
        observations.append(Observation(reporter, indicator, partner, freq, period, value))
    return Parsed(observations, empty)


@dataclass(frozen=True)
class Request:
    name: str
    key: str
    params: dict[str, str]
    frequency: str
    reporters: tuple[str, ...]
    partners: tuple[str, ...] | None


def plan(
    *, monthly: bool = False, all_partners: bool = False, start: int = 1990, end: int | None = None
) -> list[Request]:
    """The requests of a refresh: one batched key per frequency (per reporter and frequency with all partners)."""
    freq = "M" if monthly else "A"
    params = {"startPeriod": f"{start}-01" if monthly else str(start)}
    if end is not None:
        params["endPeriod"] = f"{end}-12" if monthly else str(end)
    indicators = "+".join(INDICATORS)
    if not all_partners:
        key = f"{'+'.join(REPORTERS)}.{indicators}.{'+'.join(PARTNERS)}.{freq}"
        return [Request(f"imts_{freq.lower()}_six_partners.csv", key, params, freq, REPORTERS, PARTNERS)]
    return [
        Request(
            f"imts_{freq.lower()}_{r.lower()}_all_partners.csv", f"{r}.{indicators}..{freq}", params, freq, (r,), None
        )
        for r in REPORTERS
    ]


def source_record(date: str, requests: list[Request]) -> dict:
    return {
        "source_id": f"imf-imts-{date}",
        "producer": "International Monetary Fund, Statistics Department",
        "title": "International Trade in Goods (by partner country), IMTS: goods exports FOB and imports CIF of "
        "China and the five Central Asian countries",
        "url": BASE_URL,
        "version": "IMF.STA:IMTS(1.0.0)",
        "date_published": "",
        "date_read": date,
        "licence": "IMF terms of use (https://www.imf.org/external/terms.htm); copyright International Monetary Fund",
        "citation": "International Monetary Fund. International Trade in Goods (by partner country), "
        f"https://data.imf.org/en/datasets/IMF.STA:IMTS. Accessed on {date}.",
        "filter": "; ".join(r.key for r in requests),
        "notes": "Fetched by `tradeviz data fetch imts`; SDMX-CSV bodies unchanged. OBS_VALUE is in US dollars "
        "although SCALE says 6.",
    }


def fetch(
    raw_root: os.PathLike[str] | str,
    *,
    monthly: bool = False,
    all_partners: bool = False,
    start: int = 1990,
    end: int | None = None,
    policy: Policy | None = None,
    client: Client | None = None,
    today: str | None = None,
) -> FetchResult:
    """Fetch the planned IMTS responses into a new dated snapshot under ``raw_root`` (see :mod:`.snapshot`)."""
    date = today or datetime.now(UTC).date().isoformat()
    requests = plan(monthly=monthly, all_partners=all_partners, start=start, end=end)
    names = [r.name for r in requests]
    snap = Snapshot(Path(raw_root), SOURCE, date)
    client = client or Client("the IMF SDMX API", policy or Policy())
    if snap.complete(names):
        return FetchResult(str(snap.final), 0, len(names), 0, 0, "observations", already_complete=True)
    headers = {"Accept": ACCEPT}
    if os.environ.get(KEY_ENV):
        headers["Ocp-Apim-Subscription-Key"] = os.environ[KEY_ENV]
    made = kept = count = 0
    for req in requests:
        if snap.have(req.name):
            parsed = _check(snap.body(req.name), req)
            kept += 1
        else:
            response = client.get(f"{BASE_URL}/{req.key}", req.params, headers)
            parsed = _check(response.body, req)  # before keeping it: a bad answer is never kept
            snap.store(req.name, response, key=req.key, observations=len(parsed.observations))
            made += 1
        count += len(parsed.observations)
    folder = snap.finish(names, source_record(date, requests))
    return FetchResult(str(folder), made, kept, client.calls, count, "observations")


def _check(body: bytes, req: Request) -> Parsed:
    parsed = parse(
        body,
        name=req.name,
        frequency=req.frequency,
        reporters=req.reporters,
        indicators=INDICATORS,
        partners=req.partners,
    )
    if not parsed.observations:
        raise IncompleteError(f"IMTS {req.name}: no observations for {req.key}; nothing was written")
    missing = sorted(set(req.reporters) - {o.reporter for o in parsed.observations})
    if missing:
        raise IncompleteError(
            f"IMTS {req.name}: no rows for reporter(s) {', '.join(missing)} of {'+'.join(req.reporters)}; the "
            "IMF's answer is incomplete, so no snapshot was made (run again later)"
        )
    return parsed
