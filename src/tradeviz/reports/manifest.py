"""What a report was made from: the input hashes each executed notebook records, and the skip decision.

Each rendered ``<name>.ipynb`` carries ``metadata.tradeviz.inputs``: SHA-256 digests of

* ``notebook``: the source notebook's bytes;
* ``parameters``: the report's parameters;
* ``config_entry``: what the config says about this report (notebook, title, parameters, data scope);
* ``data``: the curated tables and the Data Package descriptor (for an entry with ``data_scope: partner``,
  only the rows of its own partner and the rows keyed by no single partner, see :func:`data_digest`);
* ``tradeviz``: the version and the source of the tradeviz package;
* ``environment``: the Python version and every installed distribution with its version (the kernel runs in
  this same environment).

The notebook also records ``html_sha256``, the digest of the page written with it.  A render skips a report
whose recorded inputs equal the current ones and whose HTML is in place, unchanged since (its sha256) and not
marked failed; ``--force`` renders it anyway.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from tradeviz import countries, paths
from tradeviz.data import version

KEY = "tradeviz"
PARTNER_COLUMNS = ("reporter", "partner", "country", "supplier", "iso3")
"""Columns that say which of the five a row belongs to (a mirror row names one as reporter)."""
PARTNERS = frozenset(countries.FIVE)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json_sha(value: Any) -> str:
    return _sha(json.dumps(value, sort_keys=True, default=str, ensure_ascii=False).encode())


@functools.cache
def _curated_files(data_root: Path) -> tuple[tuple[str, bytes], ...]:
    return tuple(version.curated_files(data_root))


def _partner_rows(content: bytes, partner: str) -> bytes:
    """The header, the rows naming ``partner`` and the rows naming none of the five (aggregates, China...)."""
    text = content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return content
    header = rows[0]
    columns = [header.index(c) for c in PARTNER_COLUMNS if c in header]
    if not columns:
        return content

    def keep(row: list[str]) -> bool:
        named = {row[i] for i in columns if i < len(row)} & PARTNERS
        return not named or partner in named

    kept = [header] + [r for r in rows[1:] if keep(r)]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(kept)
    return buffer.getvalue().encode("utf-8")


@functools.cache
def data_digest(data_root: Path, partner: str | None = None) -> str:
    """Digest of the curated tables and ``datapackage.json`` under ``data_root``.

    With ``partner``, tables keyed by partner contribute only that partner's rows and rows keyed by no single
    partner of the five: a change to another partner's rows leaves the digest unchanged.
    """
    files = _curated_files(data_root)
    if partner is not None:
        files = tuple((name, _partner_rows(c, partner) if name.endswith(".csv") else c) for name, c in files)
    return version.content_digest(files)


@functools.cache
def tradeviz_digest() -> str:
    """The tradeviz version and the bytes of every Python module under the package (recursively, by relative
    path, so a module moved between subpackages changes it) and of its style sheet."""
    digest = hashlib.sha256()
    try:
        digest.update(metadata.version("tradeviz").encode())
    except metadata.PackageNotFoundError:
        pass
    for path in sorted(paths.PACKAGE_DIR.rglob("*.py")) + sorted(paths.PACKAGE_DIR.glob("*.mplstyle")):
        digest.update(f"{path.relative_to(paths.PACKAGE_DIR).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def environment_digest() -> str:
    """The Python version and the installed distributions (name and version): the kernel's environment."""
    dists = sorted({f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions() if d.metadata["Name"]})
    return _json_sha([sys.version, sys.platform, *dists])


def inputs(
    notebook: Path, parameters: dict[str, Any], entry: dict[str, Any], data_root: Path, partner: str | None
) -> dict[str, str]:
    """The input digests of one report (see the module docstring)."""
    return {
        "notebook": _sha(Path(notebook).read_bytes()),
        "parameters": _json_sha(parameters),
        "config_entry": _json_sha(entry),
        "data": data_digest(data_root, partner),
        "tradeviz": tradeviz_digest(),
        "environment": environment_digest(),
    }


def recorded_inputs(executed: Path) -> dict[str, str] | None:
    """The inputs recorded in an executed notebook, or None (missing, unreadable, or made before records)."""
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    record = nb.get("metadata", {}).get(KEY, {}).get("inputs")
    return record if isinstance(record, dict) else None


def recorded_html_sha256(executed: Path) -> str | None:
    """The sha256 of the HTML page written with an executed notebook, as it recorded it (or None)."""
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = nb.get("metadata", {}).get(KEY, {}).get("html_sha256")
    return value if isinstance(value, str) else None


def html_intact(html: Path, executed: Path) -> bool:
    """True when ``html`` is the page written with ``executed`` (its sha256 is the recorded one)."""
    recorded = recorded_html_sha256(executed)
    try:
        return recorded is not None and _sha(html.read_bytes()) == recorded
    except OSError:
        return False


def changed(current: dict[str, str], recorded: dict[str, str] | None) -> list[str]:
    """Names of the inputs that differ (all of them if nothing is recorded)."""
    if recorded is None:
        return list(current)
    return [k for k in current if recorded.get(k) != current[k]]


def clear_caches(functions: Iterable[Any] = (_curated_files, data_digest, tradeviz_digest)) -> None:
    """Forget cached digests (a long-lived process that renders again after files changed)."""
    for function in functions:
        function.cache_clear()
