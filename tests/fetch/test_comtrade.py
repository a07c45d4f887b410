"""Comtrade: the fetch replayed against JSON answers rebuilt from real recorded API records
(tests/fixtures/comtrade/README.md), and every fault."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from tradeviz import cli
from tradeviz.fetch import comtrade, http
from tradeviz.sources import provenance

FIXTURES = Path(__file__).parents[1] / "fixtures" / "comtrade"
DATE = "2026-08-08"
INTS = {
    "refPeriodId",
    "refYear",
    "refMonth",
    "reporterCode",
    "partnerCode",
    "partner2Code",
    "aggrLevel",
    "mosCode",
    "motCode",
    "qtyUnitCode",
    "altQtyUnitCode",
}
FLOATS = {"qty", "altQty", "netWgt", "grossWgt", "cifvalue", "fobvalue", "primaryValue", "legacyEstimationFlag"}


def _typed(key: str, value: str) -> object:
    if value in ("true", "false"):
        return value == "true"
    if value == "":
        return None
    if key in INTS:
        return int(value)
    if key in FLOATS:
        return float(value)
    return value


def _records() -> list[dict]:
    out = []
    for name in ("comtrade_chn_reporter.csv", "comtrade_kaz_reporter.csv"):
        with open(FIXTURES / name, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        out += [{k: _typed(k, v) for k, v in zip(rows[0], row[: len(rows[0])], strict=True)} for row in rows[1:]]
    return out


RECORDS = _records()


def answer(params: dict[str, str]) -> dict:
    """The JSON the API gives for one call of the plan, from the real records."""
    partners = {int(p) for p in params["partnerCode"].split(",")}
    data = [
        r
        for r in RECORDS
        if r["reporterCode"] == int(params["reporterCode"])
        and str(r["refYear"]) == params["period"]
        and r["flowCode"] in params["flowCode"].split(",")
        and r["partnerCode"] in partners
    ]
    return {"elapsedTime": "0.1 secs", "count": len(data), "data": data, "error": ""}


def replay(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
    params = {k: v[0] for k, v in parse_qs(urlsplit(str(request.url)).query).items()}
    return 200, {"Content-Type": "application/json"}, json.dumps(answer(params))


def no_wait() -> http.Policy:
    return http.Policy(delay=0, attempts=3, sleep=lambda s: None)


@pytest.fixture(autouse=True)
def keyless(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(comtrade.KEY_ENV, raising=False)


def test_keyless_chunks_stay_under_the_500_record_cap() -> None:
    calls = comtrade.plan(range(2014, 2016), keyed=False)
    assert len(calls) == 6 * 2 * 2 * 2  # reporter, year, flow, partner group
    assert max(len(c.partners) for c in calls) * 98 < comtrade.PREVIEW_CAP
    assert len(comtrade.plan(range(2014, 2016), keyed=True)) == 12
    with pytest.raises(ValueError, match="--hs4 needs a Comtrade key"):
        comtrade.plan(range(2014, 2015), keyed=False, hs4=True)


@responses.activate
def test_a_fetch_replays_real_records_into_a_snapshot_and_resumes(tmp_path: Path) -> None:
    responses.add_callback(responses.GET, comtrade.PREVIEW_URL, callback=replay)
    raw = tmp_path / "raw"
    result = comtrade.fetch(raw, range(2014, 2015), policy=no_wait(), today=DATE)
    folder = raw / "un-comtrade" / DATE
    assert result.made == 24 and result.kept == 0
    expected = sum(1 for r in RECORDS if r["refYear"] == 2014)
    assert result.rows == expected > 0
    assert "KGZ, TJK, TKM, UZB" in result.notes[0]  # the fixtures hold only China's and Kazakhstan's reports
    record = provenance.read_record(folder)
    assert len(record["requests"]) == 24 and provenance.verify(raw) == []
    body = json.loads((folder / "comtrade_hs2_chn_2014_m_world.json").read_bytes())
    assert {r["partnerCode"] for r in body["data"]} == {0} and {r["flowCode"] for r in body["data"]} == {"M"}
    again = comtrade.fetch(raw, range(2014, 2015), policy=no_wait(), today=DATE)
    assert again.already_complete and len(responses.calls) == 24


@responses.activate
def test_try_again_in_n_seconds_is_honoured(tmp_path: Path) -> None:
    waited: list[float] = []
    busy = {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 3 seconds."}
    responses.get(comtrade.PREVIEW_URL, status=429, json=busy)
    responses.add_callback(responses.GET, comtrade.PREVIEW_URL, callback=replay)
    policy = http.Policy(delay=0, attempts=3, sleep=waited.append)
    result = comtrade.fetch(tmp_path / "raw", range(2014, 2015), policy=policy, today=DATE)
    assert waited == [3] and result.http_calls == 25 and result.made == 24


@responses.activate
def test_the_key_lifts_the_cap_and_is_never_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(comtrade.KEY_ENV, "s3cret-key")
    responses.add_callback(responses.GET, comtrade.DATA_URL, callback=replay)
    result = comtrade.fetch(tmp_path / "raw", range(2014, 2015), policy=no_wait(), today=DATE)
    assert result.made == 6
    assert all(c.request.headers["Ocp-Apim-Subscription-Key"] == "s3cret-key" for c in responses.calls)
    assert all("s3cret" not in str(c.request.url) for c in responses.calls)
    for path in tmp_path.rglob("*"):
        assert not path.is_file() or b"s3cret" not in path.read_bytes()


def _first_chunk(
    mutate: Callable[[dict], str],
) -> Callable[[requests.PreparedRequest], tuple[int, dict[str, str], str]]:
    def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        params = {k: v[0] for k, v in parse_qs(urlsplit(str(request.url)).query).items()}
        return 200, {}, mutate(answer(params))

    return callback


def _extra_column(doc: dict) -> str:
    for r in doc["data"]:
        r["unitCode"] = "KUSD"
    return json.dumps(doc)


def _capped(doc: dict) -> str:
    doc["data"] = [doc["data"][0]] * 500
    return json.dumps(doc)


FAULTS = {
    "offline": (dict(body=requests.exceptions.ConnectionError("[Errno 101] Network is unreachable")), 3),
    "dns": (dict(body=requests.exceptions.ConnectionError("Failed to resolve 'comtradeapi.un.org'")), 3),
    "401": (dict(status=401, json={"statusCode": 401, "message": "Access denied due to invalid subscription key."}), 4),
    "403": (dict(status=403, body="Forbidden"), 4),
    "404": (dict(status=404, json={"statusCode": 404, "message": "Resource not found"}), 5),
    "429 forever": (dict(status=429, json={"statusCode": 429, "message": "Try again in 1 seconds."}), 6),
    "500": (dict(status=500, body="Internal Server Error"), 7),
    "truncated": ("callback", 8),
    "malformed": (dict(body="<html>maintenance</html>"), 8),
    "unexpected column": ("extra", 8),
    "capped": ("capped", 8),
    "empty result": (dict(json={"elapsedTime": "0.1 secs", "count": 0, "data": [], "error": ""}), 9),
}


@pytest.mark.parametrize("fault", FAULTS)
@responses.activate
def test_each_fault_gives_one_message_its_exit_code_and_leaves_the_raw_root_alone(
    fault: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(http.time, "sleep", lambda s: None)
    raw = tmp_path / "raw"
    previous = raw / "un-comtrade" / "2026-01-01"
    previous.mkdir(parents=True)
    (previous / "provenance.json").write_text('{"sources": []}\n')
    before = {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()}
    kwargs, code = FAULTS[fault]
    if kwargs == "callback":
        responses.add_callback(
            responses.GET, comtrade.PREVIEW_URL, callback=_first_chunk(lambda d: json.dumps(d)[:200])
        )
    elif kwargs == "extra":
        responses.add_callback(responses.GET, comtrade.PREVIEW_URL, callback=_first_chunk(_extra_column))
    elif kwargs == "capped":
        responses.add_callback(responses.GET, comtrade.PREVIEW_URL, callback=_first_chunk(_capped))
    else:
        responses.get(comtrade.PREVIEW_URL, **kwargs)  # type: ignore[arg-type]
    argv = ["data", "fetch", "comtrade", "--out", str(raw), "--start", "2014", "--end", "2014", "--delay", "0"]
    rc = cli.main([*argv, "--attempts", "2"])
    err = capsys.readouterr().err
    assert rc == code, err
    assert err.count("error:") == 1 and "Traceback" not in err
    assert {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()} == before
