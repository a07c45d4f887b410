"""The version of the curated data: one content hash of ``datapackage.json`` and the curated tables.

Used by the citation of every report (:func:`data_version`) and by the render manifest, which decides whether a
report must be rendered again (:func:`content_digest` of the same files, optionally narrowed to one partner's rows).
Never the clock: the same data give the same version, and any change to the data changes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from tradeviz import paths


def curated_files(data_root: Path) -> list[tuple[str, bytes]]:
    """``(file name, bytes)`` of ``datapackage.json`` then every ``curated/*.csv`` (sorted) under ``data_root``."""
    files = [data_root / "datapackage.json", *sorted((data_root / "curated").glob("*.csv"))]
    return [(path.name, path.read_bytes()) for path in files if path.is_file()]


def content_digest(files: Iterable[tuple[str, bytes]]) -> str:
    """SHA-256 (hex) over ``name \\0 bytes \\0`` of each file, in the order given."""
    digest = hashlib.sha256()
    for name, content in files:
        digest.update(name.encode("utf-8") + b"\0" + content + b"\0")
    return digest.hexdigest()


def data_version() -> str:
    """The first 12 hex digits of :func:`content_digest` of the curated data the loaders read."""
    return content_digest(curated_files(paths.data_dir()))[:12]
