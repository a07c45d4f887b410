"""A raw snapshot assembled where ``data/raw`` cannot see it, and renamed into place only when complete.

The responses of a run are kept, one file each, in ``<raw root>/../.fetch-partial/<source>/<date>/`` (beside
the raw root, on the same file system; ``data/.fetch-partial`` is git-ignored) with a small record per
response.  A run that stops (a fault, Ctrl-C) leaves them there, so the next run fetches only what is missing.
When every planned response is in, the provenance record is written beside them and the folder is renamed to
``<raw root>/<source>/<date>/`` in one step: nothing half-written ever appears under the raw root, and earlier
snapshots are never touched.

The provenance record has the layout of every raw folder (:mod:`tradeviz.sources.provenance`: ``sources`` and
``files`` with sha256 and size, so ``tradeviz data validate`` checks it) plus ``requests``: for each response
its URL and parameters (never a key: keys travel in headers), retrieval time, HTTP status, sha256 and size.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tradeviz.fetch.errors import SnapshotExistsError
from tradeviz.fetch.http import Response
from tradeviz.io import atomic_write_bytes, atomic_write_text

RECORD = "provenance.json"
PARTIAL = ".fetch-partial"
CALLS = ".calls"


@dataclass(frozen=True)
class Snapshot:
    """The snapshot of ``source`` for ``date`` (``YYYY-MM-DD``) under ``raw_root``."""

    raw_root: Path
    source: str
    date: str

    @property
    def final(self) -> Path:
        return self.raw_root / self.source / self.date

    @property
    def partial(self) -> Path:
        return self.raw_root.parent / PARTIAL / self.source / self.date

    def complete(self, planned: list[str]) -> bool:
        """True when the snapshot is in place and holds every planned file; an error when it holds others."""
        if not self.final.exists():
            return False
        try:
            files = json.loads((self.final / RECORD).read_text(encoding="utf-8")).get("files", {})
        except (OSError, json.JSONDecodeError):
            files = {}
        missing = sorted(set(planned) - set(files))
        if missing:
            raise SnapshotExistsError(
                f"{self.final} is already in place and was made with other options (it lacks {', '.join(missing[:3])}"
                f"{' …' if len(missing) > 3 else ''}); a snapshot is never changed: fetch into another raw root "
                "with --out, or tomorrow"
            )
        return True

    def have(self, name: str) -> bool:
        """True when a response for ``name`` is already kept from an earlier run of today."""
        return (self.partial / name).is_file() and (self.partial / CALLS / f"{name}.json").is_file()

    def store(self, name: str, response: Response, **extra: object) -> None:
        """Keep one response, unchanged, with what the provenance record says about it."""
        atomic_write_bytes(self.partial / name, response.body)
        call = {
            "file": name,
            "url": response.url,
            "params": response.params,
            "status": response.status,
            "retrieved": response.retrieved,
            "attempts": response.attempts,
            "content_type": response.content_type,
            "sha256": response.sha256,
            "bytes": len(response.body),
            **extra,
        }
        atomic_write_text(self.partial / CALLS / f"{name}.json", json.dumps(call, indent=2) + "\n")

    def body(self, name: str) -> bytes:
        return (self.partial / name).read_bytes()

    def finish(self, planned: list[str], source: dict) -> Path:
        """Write the provenance record and rename the finished folder into place; return its path."""
        calls = [json.loads((self.partial / CALLS / f"{n}.json").read_text(encoding="utf-8")) for n in planned]
        files = {}
        for name in sorted(planned):
            data = (self.partial / name).read_bytes()
            files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        record = {"sources": [source], "files": files, "requests": calls}
        atomic_write_text(self.partial / RECORD, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
        shutil.rmtree(self.partial / CALLS)
        for stray in self.partial.iterdir():  # a response of another plan kept from an earlier run
            if stray.name not in files and stray.name != RECORD:
                stray.unlink()
        if self.final.exists():
            raise SnapshotExistsError(f"{self.final} appeared while fetching (another run?); it was left as it is")
        self.final.parent.mkdir(parents=True, exist_ok=True)
        os.rename(self.partial, self.final)
        for folder in (self.partial.parent, self.partial.parent.parent):
            try:
                folder.rmdir()  # only if empty
            except OSError:
                break
        return self.final


@dataclass
class FetchResult:
    """What one fetch did: the snapshot folder, requests made now, responses kept from an earlier run, HTTP calls
    (with retries), the rows the responses hold (``unit``: "observations" for IMTS, "records" for Comtrade)."""

    folder: str
    made: int
    kept: int
    http_calls: int
    rows: int
    unit: str
    already_complete: bool = False
    notes: list[str] = field(default_factory=list)
