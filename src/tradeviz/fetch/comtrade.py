"""UN Comtrade, annual goods trade by HS chapter (or 4-digit heading) of China and the five: fetch and check.

Client: the Comtrade REST API v1 (``comtradeapi.un.org``) called directly with ``requests``, with the endpoints
and parameter names of ``comtradeapicall``, the UN's own client.  ``comtradeapicall`` (1.3.2) installs here (a
pure-Python wheel), but it cannot be used for a snapshot: it returns a pandas frame, not the body it received
(the snapshot keeps responses unchanged, with checksums); on any status other than 200 it prints the body and
returns ``None``, so a 401, a 404 and a 429 look alike and "Try again in N seconds" cannot be honoured; it has a
fixed 120 s timeout, no retries, its own urllib3 pool, and sends the key in the query string, where it would end
up in any record of the URL.  Here the key (``COMTRADE_API_KEY``, from the environment only) goes in the
``Ocp-Apim-Subscription-Key`` header and is never written anywhere.

Chunks: without a key the public preview endpoint returns at most 500 records per call, so a call asks for one
reporter, one year, one flow and a group of at most five partners (World alone; the others together): at most
five partners × (97 chapters + TOTAL) = 490 records, under the cap.  An answer holding 500 records is taken as
cut off by the cap and is an error.  With a key (``/data/v1/get``, 250,000 records a call) one call per reporter
and year covers both flows and every partner.  4-digit headings (``--hs4``, about 1,200 per partner) need the key.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tradeviz.fetch.errors import BadResponseError, IncompleteError
from tradeviz.fetch.http import Client, Policy
from tradeviz.fetch.snapshot import FetchResult, Snapshot

SOURCE = "un-comtrade"
PREVIEW_URL = "https://comtradeapi.un.org/public/v1/preview/C/A/HS"
DATA_URL = "https://comtradeapi.un.org/data/v1/get/C/A/HS"
KEY_ENV = "COMTRADE_API_KEY"
PREVIEW_CAP = 500
KEYED_MAX = 250_000
M49 = {"CHN": 156, "KAZ": 398, "KGZ": 417, "TJK": 762, "TKM": 795, "UZB": 860}
WORLD = 0
FLOWS = ("X", "M")
COLUMNS = frozenset(
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,"
    "flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,"
    "classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,"
    "mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,"
    "isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,"
    "legacyEstimationFlag,isReported,isAggregate".split(",")
)
HS_EDITIONS = {"H0", "H1", "H2", "H3", "H4", "H5", "H6"}


@dataclass(frozen=True)
class Request:
    name: str
    reporter: str
    year: int
    flows: tuple[str, ...]
    partners: tuple[int, ...]
    params: dict[str, str]


def partners_of(reporter: str) -> tuple[int, ...]:
    """World and the other five of the six."""
    return (WORLD, *(code for iso, code in M49.items() if iso != reporter))


def plan(years: range, *, keyed: bool, hs4: bool = False, reporters: tuple[str, ...] = tuple(M49)) -> list[Request]:
    """The calls of a refresh: by reporter, year, flow and partner group without a key; by reporter and year with."""
    if hs4 and not keyed:
        raise ValueError(
            f"--hs4 needs a Comtrade key in {KEY_ENV}: a reporter, year, flow and partner holds up to about 1,200 "
            f"headings, over the keyless preview's cap of {PREVIEW_CAP} records a call"
        )
    cmd = "TOTAL,AG4" if hs4 else "TOTAL,AG2"
    level = "hs4" if hs4 else "hs2"
    out = []
    for reporter in reporters:
        partners = partners_of(reporter)
        for year in years:
            base = {
                "reporterCode": str(M49[reporter]),
                "period": str(year),
                "cmdCode": cmd,
                "partner2Code": "0",
                "customsCode": "C00",
                "motCode": "0",
                "includeDesc": "true",
            }
            if keyed:
                params = {**base, "flowCode": ",".join(FLOWS), "partnerCode": ",".join(map(str, partners))}
                params["maxRecords"] = str(KEYED_MAX)
                out.append(
                    Request(f"comtrade_{level}_{reporter.lower()}_{year}.json", reporter, year, FLOWS, partners, params)
                )
                continue
            for flow in FLOWS:
                for group, members in (("world", (WORLD,)), ("others", partners[1:])):
                    params = {**base, "flowCode": flow, "partnerCode": ",".join(map(str, members))}
                    params["maxRecords"] = str(PREVIEW_CAP)
                    name = f"comtrade_{level}_{reporter.lower()}_{year}_{flow.lower()}_{group}.json"
                    out.append(Request(name, reporter, year, (flow,), members, params))
    return out


def check(body: bytes, req: Request, *, keyed: bool, hs4: bool = False) -> int:
    """Check one Comtrade JSON answer strictly against what was asked; return its number of records."""
    where = f"Comtrade {req.name}"
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadResponseError(f"{where}: not valid JSON ({exc}): truncated or malformed; run the fetch again") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise BadResponseError(
            f"{where}: no 'data' list in the answer "
            f"({'keys: ' + ', '.join(sorted(doc)[:8]) if isinstance(doc, dict) else type(doc).__name__})"
        )
    if doc.get("error"):
        raise BadResponseError(f"{where}: the API reports an error: {str(doc['error'])[:300]}")
    records = doc["data"]
    if not keyed and len(records) >= PREVIEW_CAP:
        raise BadResponseError(
            f"{where}: {len(records)} records, the keyless preview's cap: the answer may be cut off; set {KEY_ENV}"
        )
    levels = {4} if hs4 else {2}
    for i, rec in enumerate(records):
        fail = f"{where}, record {i}"
        if not isinstance(rec, dict):
            raise BadResponseError(f"{fail}: not an object")
        keys = set(rec)
        if keys != COLUMNS:
            raise BadResponseError(
                f"{fail}: unexpected columns {sorted(keys - COLUMNS)[:5]}, missing {sorted(COLUMNS - keys)[:5]}"
            )
        expect = {"typeCode": "C", "freqCode": "A", "reporterCode": str(M49[req.reporter]), "refYear": str(req.year)}
        for key, value in expect.items():
            if str(rec[key]) != value:
                raise BadResponseError(f"{fail}: {key} is {rec[key]!r}, but {value} was asked for")
        if rec["flowCode"] not in req.flows:
            raise BadResponseError(f"{fail}: flow {rec['flowCode']!r} was not asked for ({','.join(req.flows)})")
        if int(rec["partnerCode"]) not in req.partners:
            raise BadResponseError(f"{fail}: partner {rec['partnerCode']!r} was not asked for")
        if rec["classificationCode"] not in HS_EDITIONS:
            raise BadResponseError(f"{fail}: classification {rec['classificationCode']!r} is not an HS edition")
        cmd = str(rec["cmdCode"])
        if not (cmd == "TOTAL" or (cmd.isdigit() and len(cmd) in levels)):
            raise BadResponseError(f"{fail}: commodity {cmd!r} is not TOTAL or an HS code of the level asked for")
        value = rec["primaryValue"]
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise BadResponseError(f"{fail}: primaryValue {value!r} is not a value in US dollars")
    return len(records)


def source_record(date: str, keyed: bool, hs4: bool, years: range, notes: list[str]) -> dict:
    return {
        "source_id": f"un-comtrade-{date}",
        "producer": "United Nations Statistics Division (UN Comtrade)",
        "title": "UN Comtrade, annual goods trade of China and the five Central Asian countries with each other and "
        f"the World, by HS {'4-digit heading' if hs4 else 'chapter'}, {years.start}–{years.stop - 1}",
        "url": DATA_URL if keyed else PREVIEW_URL,
        "version": "",
        "date_published": "",
        "date_read": date,
        "licence": "UN Comtrade terms of use (https://uncomtrade.org/docs/terms-of-use/)",
        "citation": f"United Nations, UN Comtrade database, https://comtradeplus.un.org/. Accessed on {date}.",
        "filter": "reporters " + ",".join(M49) + "; partners World and each other; flows X, M",
        "notes": "Fetched by `tradeviz data fetch comtrade`; JSON answers unchanged. " + " ".join(notes),
    }


def fetch(
    raw_root: os.PathLike[str] | str,
    years: range,
    *,
    hs4: bool = False,
    policy: Policy | None = None,
    client: Client | None = None,
    today: str | None = None,
) -> FetchResult:
    """Fetch the planned Comtrade answers into a new dated snapshot under ``raw_root`` (see :mod:`.snapshot`)."""
    key = os.environ.get(KEY_ENV, "").strip()
    keyed = bool(key)
    requests = plan(years, keyed=keyed, hs4=hs4)
    date = today or datetime.now(UTC).date().isoformat()
    names = [r.name for r in requests]
    snap = Snapshot(Path(raw_root), SOURCE, date)
    client = client or Client("the UN Comtrade API", policy or Policy(delay=1.0))
    if snap.complete(names):
        return FetchResult(str(snap.final), 0, len(names), 0, 0, "records", already_complete=True)
    headers = {"Ocp-Apim-Subscription-Key": key} if keyed else {}
    url = DATA_URL if keyed else PREVIEW_URL
    made = kept = total = 0
    per_reporter = dict.fromkeys(M49, 0)
    for req in requests:
        if snap.have(req.name):
            count = check(snap.body(req.name), req, keyed=keyed, hs4=hs4)
            kept += 1
        else:
            response = client.get(url, req.params, headers)
            count = check(response.body, req, keyed=keyed, hs4=hs4)
            snap.store(req.name, response, records=count)
            made += 1
        total += count
        per_reporter[req.reporter] += count
    if total == 0:
        raise IncompleteError(
            f"Comtrade returned no records at all for {years.start}–{years.stop - 1}; no snapshot was made"
        )
    silent = [iso for iso, n in per_reporter.items() if n == 0]
    notes = (
        [f"No records for {', '.join(silent)} in {years.start}–{years.stop - 1} (not reported to Comtrade)."]
        if silent
        else []
    )
    folder = snap.finish(names, source_record(date, keyed, hs4, years, notes))
    return FetchResult(str(folder), made, kept, client.calls, total, "records", notes=notes)
