import json
import re
from pathlib import Path

import pytest

from tradeviz import cli, paths
from tradeviz.sources import provenance


def test_every_raw_file_matches_its_recorded_checksum():
    assert provenance.verify() == []


def test_every_upstream_file_is_recorded():
    recorded = sum(len(provenance.read_record(f)["files"]) for f in provenance.record_folders())
    assert recorded == sum(len(provenance.data_files(f)) for f in provenance.record_folders())
    folders = {f.relative_to(paths.raw_dir()).as_posix() for f in provenance.record_folders()}
    assert {
        ".",
        "imf-dots",
        "imf-dots/2022-02-02",
        "cia-factbook-json",
        "naturalearth-110m",
        "press-quoted-figures",
        "seed-article",
        "us-cpi-datahub",
        "worldbank-wdi-datahub",
    } <= folders


def test_dots_checksums_agree_with_the_upstream_table_in_source_md():
    folder = paths.raw_dir() / "imf-dots" / "2022-02-02"
    table = dict(re.findall(r"\| (DOTS_\d+\.xlsx) +\|.*\| ([0-9a-f]{64}) \|", (folder / "SOURCE.md").read_text()))
    assert len(table) == 6
    recorded = provenance.read_record(folder)["files"]
    assert {name: recorded[name]["sha256"] for name in table} == table


def test_each_source_has_producer_title_location_date_and_licence():
    for source in provenance.sources():
        for field in provenance.REQUIRED_SOURCE_FIELDS:
            assert source[field].strip(), (source["source_id"], field)


def test_a_changed_raw_file_is_named_and_validate_exits_nonzero(data_copy, capsys):
    workbook = data_copy / "raw" / "imf-dots" / "2022-02-02" / "DOTS_109.xlsx"
    workbook.write_bytes(workbook.read_bytes() + b"\0")
    problems = provenance.verify(data_copy / "raw")
    assert [p.path.name for p in problems] == ["DOTS_109.xlsx"]
    assert "checksum changed" in problems[0].message
    assert cli.main(["data", "validate"]) == 1
    assert "DOTS_109.xlsx: checksum changed" in capsys.readouterr().err


def test_an_unrecorded_file_and_a_missing_file_are_reported(data_copy):
    folder = data_copy / "raw" / "us-cpi-datahub"
    (folder / "extra.csv").write_text("x\n")
    (folder / "cpiai.csv").unlink()
    messages = sorted(str(p) for p in provenance.verify(data_copy / "raw"))
    assert any("extra.csv: not in provenance.json" in m for m in messages)
    assert any("cpiai.csv: listed in provenance.json but missing" in m for m in messages)


def test_snapshot_refuses_to_overwrite_a_changed_checksum(data_copy):
    folder = data_copy / "raw" / "seed-article"
    (folder / "SOURCE.md").write_text("edited")
    with pytest.raises(provenance.ProvenanceError, match="Raw files are immutable"):
        provenance.snapshot(folder)


def test_a_record_without_a_licence_is_rejected(data_copy):
    path = data_copy / "raw" / "seed-article" / provenance.RECORD
    record = json.loads(path.read_text())
    record["sources"][0]["licence"] = ""
    path.write_text(json.dumps(record))
    with pytest.raises(provenance.ProvenanceError, match=r"sources\[0\] lacks licence"):
        provenance.read_record(path.parent)


def test_nothing_reads_the_team_share_at_run_time():
    root = paths.PROJ_ROOT
    files = [
        *root.glob("src/tradeviz/*"),
        *root.glob("notebooks/*"),
        *root.glob("benchmarks/*"),
        root / "Makefile",
        root / ".ci" / "run",
        root / "reports.yaml",
        root / "pyproject.toml",
    ]
    for path in filter(Path.is_file, files):
        assert "shared/" not in path.read_text(encoding="utf-8", errors="ignore"), path


def test_every_file_that_drives_the_build_is_checksummed():
    recorded = {
        (folder / name).resolve()
        for folder in provenance.record_folders()
        for name in provenance.read_record(folder)["files"]
    }
    for mapping in [*paths.raw_dir().rglob("country_names.json"), paths.raw_dir() / "common_country_variants.json"]:
        assert mapping.resolve() in recorded, mapping
