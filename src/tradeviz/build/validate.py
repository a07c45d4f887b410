"""``tradeviz data validate``: raw checksums, the Data Package schema (frictionless), and build freshness."""

from __future__ import annotations

from pathlib import Path

from tradeviz import paths
from tradeviz.build import pipeline
from tradeviz.sources import provenance


def schema_problems(descriptor: Path | None = None) -> list[str]:
    """Every frictionless error in the Data Package, as 'file row N, column C: message'."""
    import frictionless  # imported here: it takes ~0.4 s and only validation needs it

    report = frictionless.validate(str(descriptor or paths.datapackage_path()))
    problems = []
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            field = getattr(error, "field_name", None)
            where = task.place + (f" row {row}" if row else "") + (f", column {field!r}" if field else "")
            problems.append(f"{where}: {error.message}")
    problems += [f"{paths.datapackage_path()}: {e.message}" for e in report.errors]
    return problems


def stale_tables() -> list[str]:
    """Curated tables that differ from a fresh build of ``data/raw`` (the build is pure, so none should).

    Compared byte for byte, line endings included: the data version (:mod:`tradeviz.data.version`) hashes the
    bytes, so a file that validates is exactly the one every citation and the render manifest identify.
    """
    stale = []
    for path, text in pipeline.outputs(pipeline.build_all()).items():
        if not path.exists() or path.read_bytes() != text.encode("utf-8"):
            stale.append(f"{path}: differs from a fresh build of data/raw; run `tradeviz data build`.")
    return stale


def rule_problems() -> list[str]:
    """Rules across fields that a Table Schema cannot state (a target's deadline after its announcement)."""
    from tradeviz import data

    problems = []
    for loader in (data.load_targets,):
        try:
            loader()
        except data.DataError as exc:
            problems.append(str(exc))
    return problems


def skipped_checks() -> list[str]:
    """The checks :func:`validate_all` cannot run here, and why (empty in a clone)."""
    if paths.has_full_raw():
        return []
    return [
        f"raw checksums and build freshness not checked: {paths.raw_dir()} is not a full data/raw "
        "(an installed wheel ships the curated tables only); run `tradeviz data validate` in a clone for those."
    ]


def validate_all() -> list[str]:
    """Every problem found; without a full data/raw only the Data Package schema is checked (see skipped_checks)."""
    if not paths.has_full_raw():
        return schema_problems()
    problems = [str(p) for p in provenance.verify()]
    if problems:  # a changed raw file makes everything downstream suspect: report that first
        return problems
    problems = schema_problems()
    return problems + (rule_problems() if not problems else []) + stale_tables()
