"""Validation and the data version agree on what "the same data" is: bytes, line endings included."""

from __future__ import annotations

from pathlib import Path

from tradeviz.build import validate
from tradeviz.data import version


def test_crlf_line_endings_are_a_difference_for_validate_and_for_the_data_version(data_copy: Path) -> None:
    before = version.data_version()
    table = data_copy / "curated" / "borders.csv"
    table.write_bytes(table.read_bytes().replace(b"\n", b"\r\n"))
    assert version.data_version() != before
    stale = validate.stale_tables()
    assert stale == [f"{table}: differs from a fresh build of data/raw; run `tradeviz data build`."]
