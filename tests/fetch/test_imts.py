"""IMTS: the parser against the two real recorded IMF answers (Nicaragua, Guatemala) and the fetch replayed
against a built answer for our countries (tests/fixtures/imts/README.md says which is which); every fault."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import requests
import responses

from tradeviz import cli
from tradeviz.fetch import errors, http, imts
from tradeviz.sources import provenance

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imts"
BUILT = (FIXTURES / "imts_a_built.csv").read_bytes()  # built, in the real layout
DATE = "2026-08-08"
URL = f"{imts.BASE_URL}/{imts.plan()[0].key}"


def real(name: str) -> bytes:
    return gzip.decompress((FIXTURES / name).read_bytes())


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waited: list[float] = []
    monkeypatch.setattr(http.time, "sleep", waited.append)
    return waited


def no_wait() -> http.Policy:
    return http.Policy(delay=0, attempts=3, sleep=lambda s: None)


@pytest.mark.parametrize("name,country", [("imf_imts_nic_g001.csv.gz", "NIC"), ("imf_imts_gtm_g001.csv.gz", "GTM")])
def test_the_real_recorded_answers_parse_as_they_are(name: str, country: str) -> None:
    parsed = imts.parse(real(name))
    assert len(parsed.observations) == 1308 and parsed.empty_series == 1
    assert {o.reporter for o in parsed.observations} == {country}
    assert {o.indicator for o in parsed.observations} == {"MG_CIF_USD", "TBG_USD", "XG_FOB_USD"}
    first = parsed.observations[0]
    assert first.period == "1990-M01" and first.frequency == "M"
    if country == "NIC":  # plain dollars although SCALE says 6: about 70 million, not 70 trillion
        assert first.value_usd == pytest.approx(70_463_718.96)


def test_the_built_answer_for_our_countries_parses() -> None:
    parsed = imts.parse(BUILT, frequency="A", reporters=imts.REPORTERS, indicators=imts.INDICATORS)
    assert {o.reporter for o in parsed.observations} == set(imts.REPORTERS)


def test_plan_batches_the_key() -> None:
    (only,) = imts.plan()
    assert only.key == "CHN+KAZ+KGZ+TJK+TKM+UZB.XG_FOB_USD+MG_CIF_USD.CHN+KAZ+KGZ+TJK+TKM+UZB+G001+RUS.A"
    assert imts.plan(monthly=True)[0].params == {"startPeriod": "1990-01"}
    assert [r.key for r in imts.plan(all_partners=True)][0] == "CHN.XG_FOB_USD+MG_CIF_USD..A"


@responses.activate
def test_a_fetch_writes_a_dated_snapshot_with_its_provenance(tmp_path: Path) -> None:
    responses.get(URL, body=BUILT, headers={"Content-Type": "application/vnd.sdmx.data+csv"})
    raw = tmp_path / "raw"
    result = imts.fetch(raw, policy=no_wait(), today=DATE)
    folder = raw / "imf-imts" / DATE
    assert result.folder == str(folder) and result.made == 1 and result.http_calls == 1
    assert (folder / imts.plan()[0].name).read_bytes() == BUILT  # unchanged
    assert responses.calls[0].request.headers["Accept"] == imts.ACCEPT
    record = provenance.read_record(folder)
    (call,) = record["requests"]
    assert call["url"] == URL and call["params"] == {"startPeriod": "1990"} and call["status"] == 200
    assert call["bytes"] == len(BUILT) and call["sha256"] == record["files"][call["file"]]["sha256"]
    assert call["retrieved"].startswith("20")
    assert provenance.verify(raw) == []  # `tradeviz data validate` takes it like any raw folder
    assert not (tmp_path / ".fetch-partial").exists()
    again = imts.fetch(raw, policy=no_wait(), today=DATE)  # complete: nothing to fetch
    assert again.already_complete and again.http_calls == 0 and len(responses.calls) == 1


@responses.activate
def test_a_stopped_run_resumes_with_only_what_is_missing(tmp_path: Path) -> None:
    bodies = {r.key: BUILT for r in imts.plan(all_partners=True)}
    for req in imts.plan(all_partners=True):
        one = b"".join(
            line
            for i, line in enumerate(BUILT.splitlines(keepends=True))
            if i == 0 or line.startswith(f"{imts.DATAFLOW},{req.reporters[0]},".encode())
        )
        bodies[req.key] = one
    broken = imts.plan(all_partners=True)[3]
    for key, body in bodies.items():
        if key == broken.key:
            responses.get(f"{imts.BASE_URL}/{key}", status=503)
        else:
            responses.get(f"{imts.BASE_URL}/{key}", body=body)
    raw = tmp_path / "raw"
    with pytest.raises(errors.ServerError):
        imts.fetch(raw, all_partners=True, policy=no_wait(), today=DATE)
    assert not (raw / "imf-imts").exists()
    responses.replace(responses.GET, f"{imts.BASE_URL}/{broken.key}", body=bodies[broken.key])
    result = imts.fetch(raw, all_partners=True, policy=no_wait(), today=DATE)
    assert (result.made, result.kept) == (3, 3)  # the three before the fault were kept
    assert len(list((raw / "imf-imts" / DATE).iterdir())) == 7


def _cut_unit(body: bytes) -> bytes:
    return body.replace(b",USD,", b",EUR,", 1)


FAULTS = {
    "offline": (dict(body=requests.exceptions.ConnectionError("[Errno 101] Network is unreachable")), 3),
    "dns": (dict(body=requests.exceptions.ConnectionError("NameResolutionError: Failed to resolve 'api.imf.org'")), 3),
    "401": (dict(status=401, body=b"Access denied due to missing subscription key."), 4),
    "403": (dict(status=403, body=b"Forbidden"), 4),
    "404": (dict(status=404, body=b"NoRecordsFound"), 5),
    "429 forever": (dict(status=429, headers={"Retry-After": "7"}), 6),
    "500": (dict(status=500, body=b"Internal Server Error"), 7),
    "truncated": (dict(body=BUILT[: len(BUILT) // 2]), 8),
    "malformed": (dict(body=b"<html><body>Service temporarily down</body></html>\n"), 8),
    "unexpected column": (dict(body=BUILT.replace(b"SERIES_NAME", b"SERIES_NAME,EXTRA", 1)), 8),
    "unknown unit": (dict(body=_cut_unit(BUILT)), 8),
    "unknown scale": (dict(body=BUILT.replace(b".25,6,", b".25,3,", 1)), 8),
    "unknown frequency": (dict(body=BUILT.replace(b",A,2023,", b",Q,2023,", 1)), 8),
    "unknown indicator": (dict(body=BUILT.replace(b",XG_FOB_USD,", b",XG_FOB_EUR,", 1)), 8),
    "empty body": (dict(body=b""), 9),
    "no rows": (dict(body=BUILT.splitlines(keepends=True)[0]), 9),
    "partial reporters": (dict(body=b"".join(x for x in BUILT.splitlines(keepends=True) if b",TKM," not in x)), 9),
}


@pytest.mark.parametrize("fault", FAULTS)
@responses.activate
def test_each_fault_gives_one_message_its_exit_code_and_leaves_the_raw_root_alone(
    fault: str, tmp_path: Path, sleeps: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    previous = raw / "imf-imts" / "2026-01-01"
    previous.mkdir(parents=True)
    (previous / "provenance.json").write_text('{"sources": []}\n')
    before = {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()}
    kwargs, code = FAULTS[fault]
    responses.get(URL, **kwargs)  # type: ignore[arg-type]
    rc = cli.main(["data", "fetch", "imts", "--out", str(raw), "--delay", "0", "--attempts", "3"])
    err = capsys.readouterr().err
    assert (
        rc
        == code
        == getattr(
            errors,
            {
                3: "EXIT_NETWORK",
                4: "EXIT_AUTH",
                5: "EXIT_NOT_FOUND",
                6: "EXIT_RATE_LIMITED",
                7: "EXIT_SERVER",
                8: "EXIT_BAD_RESPONSE",
                9: "EXIT_INCOMPLETE",
            }[code],
        )
    )
    assert err.count("error:") == 1 and "Traceback" not in err
    assert {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()} == before  # nothing new, nothing changed
    if fault == "429 forever":
        assert len(responses.calls) == 3 and sleeps == [7, 7]  # Retry-After honoured, then gave up
    if fault == "500":
        assert sleeps == [2, 4]  # exponential backoff


@responses.activate
def test_the_cli_prints_how_many_requests_were_made(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    responses.get(URL, body=BUILT)
    assert cli.main(["data", "fetch", "imts", "--out", str(tmp_path / "raw"), "--delay", "0"]) == 0
    assert "1 request(s) made" in capsys.readouterr().out
    record = json.loads(next((tmp_path / "raw" / "imf-imts").glob("*/provenance.json")).read_text())
    assert record["sources"][0]["source_id"].startswith("imf-imts-")
