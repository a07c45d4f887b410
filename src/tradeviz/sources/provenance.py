"""Provenance records of the raw sources: who produced each file, where it was read, and its checksum.

Each folder under ``data/raw`` that holds upstream files carries a ``provenance.json``::

    {"sources": [{"source_id": ..., "producer": ..., "title": ..., "url": ..., "version": ...,
                  "date_published": ..., "date_read": ..., "licence": ..., "citation": ...,
                  "filter": ..., "notes": ...}],
     "files": {"<file name>": {"sha256": ..., "bytes": ...}}}

The ``sources`` part is written once by hand; ``files`` is written by ``tradeviz data snapshot``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from tradeviz import paths
from tradeviz.errors import ProvenanceError
from tradeviz.io import atomic_write_text

RECORD = "provenance.json"
SOURCE_FIELDS = (
    "source_id",
    "producer",
    "title",
    "url",
    "version",
    "date_published",
    "date_read",
    "licence",
    "citation",
    "filter",
    "notes",
)
REQUIRED_SOURCE_FIELDS = ("source_id", "producer", "title", "url", "date_read", "licence")


@dataclass(frozen=True)
class Problem:
    """One problem found by :func:`verify`: the file and what is wrong with it."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def sha256(path: Path) -> str:
    """Hex SHA-256 digest of the file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_folders(raw: Path | None = None) -> list[Path]:
    """Every folder under ``raw`` that holds a provenance record, sorted by path."""
    raw = raw or paths.raw_dir()
    return sorted(p.parent for p in raw.rglob(RECORD))


def read_record(folder: Path) -> dict:
    """The folder's ``provenance.json`` as a dict; :class:`ProvenanceError` if it is missing or malformed."""
    path = folder / RECORD
    if not path.exists():
        raise ProvenanceError(
            f"{folder}: no {RECORD}. Every raw folder needs one: copy the record of a sibling folder, "
            "describe the new source (producer, title, url, date_read, licence), then run "
            f"`tradeviz data snapshot {folder}` to record the checksums."
        )
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ProvenanceError(f"{path}: not valid JSON ({exc}); fix the file.") from exc
    for i, source in enumerate(record.get("sources", [])):
        missing = [f for f in REQUIRED_SOURCE_FIELDS if not str(source.get(f, "")).strip()]
        if missing:
            raise ProvenanceError(f"{path}: sources[{i}] lacks {', '.join(missing)}; fill them in.")
    if not record.get("sources"):
        raise ProvenanceError(f"{path}: lists no sources; describe at least one.")
    return record


def data_files(folder: Path) -> list[Path]:
    """The files a record must checksum: everything in the folder except the record itself."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name != RECORD)


def snapshot(folder: Path) -> dict:
    """Record sha256 and size of every file in ``folder`` (new files only; changed ones are an error)."""
    record = read_record(folder)
    files = record.setdefault("files", {})
    for path in data_files(folder):
        entry = {"sha256": sha256(path), "bytes": path.stat().st_size}
        if path.name in files and files[path.name] != entry:
            raise ProvenanceError(
                f"{path}: differs from its recorded checksum. Raw files are immutable: put a new "
                "version in a new dated folder instead of editing this one."
            )
        files[path.name] = entry
    record["files"] = dict(sorted(files.items()))
    atomic_write_text(folder / RECORD, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return record


def verify(raw: Path | None = None) -> list[Problem]:
    """Recompute every checksum; return the problems found (empty when all is well)."""
    problems: list[Problem] = []
    for folder in record_folders(raw):
        try:
            record = read_record(folder)
        except ProvenanceError as exc:
            problems.append(Problem(folder / RECORD, str(exc)))
            continue
        recorded = record.get("files", {})
        present = {p.name: p for p in data_files(folder)}
        for name in sorted(set(present) - set(recorded)):
            problems.append(Problem(present[name], f"not in {RECORD}; run `tradeviz data snapshot {folder}`."))
        for name, entry in sorted(recorded.items()):
            path = folder / name
            if name not in present:
                problems.append(Problem(path, f"listed in {RECORD} but missing; restore it from the source."))
            elif sha256(path) != entry["sha256"] or path.stat().st_size != entry["bytes"]:
                problems.append(
                    Problem(
                        path,
                        "checksum changed: raw files are immutable. Restore the original (git checkout) "
                        "or add the new version as a new dated folder.",
                    )
                )
    return problems


def sources(raw: Path | None = None) -> list[dict]:
    """All source records, with the raw folder each lives in, sorted by source id."""
    raw = raw or paths.raw_dir()
    rows = []
    for folder in record_folders(raw):
        for source in read_record(folder)["sources"]:
            row = {field: str(source.get(field, "")) for field in SOURCE_FIELDS}
            row["raw_folder"] = folder.relative_to(raw).as_posix()
            rows.append(row)
    ids = [r["source_id"] for r in rows]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ProvenanceError(f"source ids used by more than one record: {', '.join(dupes)}; make them unique.")
    return sorted(rows, key=lambda r: r["source_id"])
