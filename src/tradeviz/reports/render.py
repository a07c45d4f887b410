"""Render the report notebooks to standalone HTML: the machinery behind ``tradeviz render``.

``reports.yaml`` lists the notebooks and their parameter sets (a fan-out in the style of cal-itp
``data-analyses/portfolio``).  Each report is executed with papermill in a kernel started from this
interpreter, then written to the output directory as ``<name>.ipynb`` (executed notebook) and
``<name>.html`` (no code cells), where ``<name>`` is the notebook name followed by the parameter
values: ``overview``, ``country_profile-KGZ-1992-2020``.  ``index.html`` links them all.  Cells
tagged ``remove-cell`` (or outputs of cells tagged ``remove-output``) are left out of the HTML.

Every file is written under a temporary name and renamed, so a failing report leaves the previous
good version in place; its executed notebook goes to ``<name>.failed.ipynb`` for debugging.
Outputs are byte-for-byte reproducible: timings and random cell ids are normalised away.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from tradeviz import countries, paths
from tradeviz.io import atomic_write_bytes, current_umask
from tradeviz.reports.config import (
    RenderConfig,
    RenderConfigError,
    Report,
    UnknownReportError,
    check_parameters,
    load_config,
    select_reports,
    sweep_reports,
    with_reports,
)
from tradeviz.reports.execute import CSP_META, Failure, check_kernel, one_line


class OutputDirError(ValueError):
    """The output folder is a file, or cannot be created or written to."""


def check_output_dir(out: Path, notebook_dir: Path, data_dir: Path) -> Path:
    """``out`` resolved, refused if writing the site there would overwrite the notebooks or the data.

    The site writes ``<name>.ipynb`` beside the pages and copies the data into ``out/data``: ``out`` may be
    neither the notebook folder nor the data folder (nor inside it), and ``out/data`` may not be the data folder.
    """
    from tradeviz.reports.site import DOWNLOADS

    out = Path(out).expanduser().resolve()
    notebook_dir, data_dir = Path(notebook_dir).resolve(), Path(data_dir).resolve()
    fix = "give another --out, e.g. --out reports"
    if out == notebook_dir:
        raise OutputDirError(f"--out {out} is the notebook folder: the executed reports would overwrite it; {fix}.")
    if out.is_relative_to(data_dir):
        raise OutputDirError(f"--out {out} is inside the data folder {data_dir}; {fix}.")
    if (out / DOWNLOADS).resolve() == data_dir:
        raise OutputDirError(f"--out {out} would copy the data onto itself ({data_dir} is its data/ folder); {fix}.")
    return out


def check_output_names(reports: list[Report], out: Path) -> None:
    """Every file a report writes lies directly in ``out`` (names are built from plain names and slugs)."""
    for report in reports:
        for name in (report.html_name, report.ipynb_name, report.failed_name):
            if (out / name).resolve().parent != out or "/" in name or name.startswith("."):
                raise OutputDirError(f"report {report.name!r} would write {name!r} outside --out {out}.")


def prepare_output_dir(out: Path) -> Path:
    """Create ``out`` if needed and check that files can be written there; return it resolved."""
    out = Path(out).expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise OutputDirError(f"output folder {out} is a file; give a folder (it is created if missing).")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out, prefix=".tradeviz-write-test-"):
            pass
    except OSError as exc:
        raise OutputDirError(f"cannot write reports to {out}: {exc.strerror or exc}.") from None
    return out


@dataclass
class RenderSummary:
    out: Path
    index: Path
    succeeded: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Reports whose recorded inputs are unchanged: not executed, their files left as they were."""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures

    def headline(self) -> str:
        """One line: counts and where the index is."""
        return (
            f"{len(self.succeeded)} report(s) rendered, {len(self.skipped)} unchanged (skipped), "
            f"{len(self.failures)} failed in {self.seconds:.1f} s -> {self.index}"
        )

    def describe(self) -> str:
        """A few lines for the terminal: counts, then one line per failure."""
        lines = [self.headline()]
        for failure in self.failures:
            where = f" (see {failure.notebook})" if failure.notebook else ""
            lines.append(f"  FAILED {failure.name}: {failure.error}{where}")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        """A machine-readable summary (``tradeviz render --json``)."""
        return {
            "ok": self.ok,
            "out": str(self.out),
            "index": str(self.index),
            "rendered": self.succeeded,
            "skipped": self.skipped,
            "failed": [
                {"name": f.name, "error": f.error, "notebook": str(f.notebook) if f.notebook else None}
                for f in self.failures
            ],
            "counts": {"rendered": len(self.succeeded), "skipped": len(self.skipped), "failed": len(self.failures)},
            "seconds": round(self.seconds, 3),
        }


def default_jobs() -> int:
    """Number of cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def render_reports(
    *,
    only: str | None = None,
    partner: str | None = None,
    jobs: int | None = None,
    out: Path | None = None,
    config: Path | None = None,
    notebook_dir: Path | None = None,
    progress: bool = True,
    force: bool = False,
    sweep: dict[str, list[Any]] | None = None,
    on_report: Callable[[str, str], None] | None = None,
) -> RenderSummary:
    """Execute and export the selected reports in parallel, then write ``index.html``.

    ``sweep`` (parameter name -> values) renders the cross product of the values for the notebook named by
    ``only`` instead of the config's parameter sets.  Reports whose recorded inputs are unchanged are skipped
    unless ``force``.  ``on_report(name, status)`` is called as each report is done ("rendered", "skipped",
    "failed").  Everything is validated before a worker or a kernel starts (only the template, which runs no report
    code, starts first, so that its imports overlap the checks).  A failing report does not stop the
    others; failures are returned in the summary (the CLI turns them into exit code 1).  SIGINT or SIGTERM
    raise :class:`tradeviz.reports.engine.Interrupted` once workers and kernels are stopped; the reports written so
    far stay.
    """
    from tradeviz.reports import engine, manifest

    started = time.perf_counter()
    cfg = load_config(config, notebook_dir)
    if sweep:
        if only is None:
            raise UnknownReportError("-p needs --only NOTEBOOK: a sweep runs one notebook with every combination.")
        selected = sweep_reports(cfg, only, sweep)
        cfg = with_reports(cfg, selected)
        if partner is not None:
            code = countries.resolve(partner)
            selected = [r for r in selected if r.partner == code]
            if not selected:
                raise UnknownReportError(f"No report of the sweep is for partner={partner!r}.")
    else:
        selected = select_reports(cfg, only=only, partner=partner)
    if missing := sorted({str(r.source) for r in selected if not r.source.is_file()}):
        raise RenderConfigError(f"notebook(s) not found: {', '.join(missing)}")
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    out = check_output_dir(Path(out or paths.REPORTS_DIR), cfg.notebook_dir, paths.data_dir())
    check_output_names(selected, out)
    check_kernel()
    data_root = paths.data_dir()
    # The template imports and warms up while the checks below run (it runs no report code): no worker and no
    # kernel starts before they pass, and a failed check ends it.  Forced, every selected report runs, so it
    # starts before the inputs are hashed; otherwise once the manifest says something is to run.
    pool = engine.Engine(min(jobs, len(selected))) if force and selected else None
    try:
        if pool is not None:
            pool.start_template()
        manifest.clear_caches()
        inputs = {r.name: manifest.inputs(r.source, r.parameters, _entry(r), data_root, _scope(r)) for r in selected}
        skipped = [] if force else [r.name for r in selected if _unchanged(r, out, inputs[r.name])]
        todo = [r for r in selected if r.name not in skipped]
        if pool is None and todo:
            pool = engine.Engine(min(jobs, len(todo)))
            pool.start_template()
        if pool is not None:
            # A skipped report's tables, parameters and checks are those of the render that wrote it, which
            # passed these checks: with nothing to execute, they would only repeat that answer.
            from tradeviz import data

            data.check_tables()  # bad data fails here (DataError, exit 1), before anything is written
            check_parameters(selected)  # names, types and ranges, by the notebooks' own checks (exit 2)
        out = prepare_output_dir(out)
        engine.remove_partial_files(out)  # left by a render killed while writing
    except BaseException:
        if pool is not None:
            pool.close(graceful=False)
        raise
    outcomes: dict[str, Failure | None] = {}
    for name in skipped:
        if on_report:
            on_report(name, "skipped")

    def finish(index: int, result: Any) -> None:
        report = todo[index]
        if isinstance(result, BaseException):
            result = Failure(report.name, one_line(result), None)
        outcomes[report.name] = result
        counts[0 if result is None else 1] += 1
        if bar is not None:
            bar.set_postfix_str(f"done {counts[0]}, skipped {len(skipped)}, failed {counts[1]}", refresh=False)
            bar.update()
        if on_report:
            on_report(report.name, "rendered" if result is None else "failed")

    counts = [0, 0]
    bar = None
    try:
        if pool is not None:
            with engine.signals_raise_interrupted(), pool:
                # the bar (and tqdm's monitor thread) starts after the processes: none is forked from here anyway
                if progress:
                    bar = tqdm(total=len(todo), desc="render", unit="report", file=sys.stderr)
                    bar.set_postfix_str(f"done 0, skipped {len(skipped)}, failed 0", refresh=True)
                pool.run([(r, out, inputs[r.name]) for r in todo], finish)
    finally:
        if bar is not None:
            bar.close()
        engine.remove_partial_files(out)
    if all(outcome is None for outcome in outcomes.values()):
        write_index(cfg, out)  # the data downloads and the front page: only when every report succeeded

    return RenderSummary(
        out=out,
        index=out / "index.html",
        succeeded=[r.name for r in todo if outcomes[r.name] is None],
        failures=[failure for r in todo if (failure := outcomes[r.name]) is not None],
        skipped=skipped,
        seconds=time.perf_counter() - started,
    )


def _entry(report: Report) -> dict[str, Any]:
    return {
        "notebook": report.notebook,
        "title": report.title,
        "parameters": report.parameters,
        "data_scope": report.data_scope,
    }


def _scope(report: Report) -> str | None:
    return report.partner if report.data_scope == "partner" else None


def _unchanged(report: Report, out: Path, inputs: dict[str, str]) -> bool:
    from tradeviz.reports import manifest

    if not (out / report.html_name).is_file() or (out / report.failed_name).exists():
        return False
    if not manifest.html_intact(out / report.html_name, out / report.ipynb_name):
        return False  # the page on disk is not the one this render wrote (edited, replaced, truncated)
    return not manifest.changed(inputs, manifest.recorded_inputs(out / report.ipynb_name))


# --- index ---------------------------------------------------------------------------------


def index_html(config: RenderConfig, out: Path) -> str:
    """The front page (:mod:`tradeviz.site`): headline figures, one line per report, data downloads, coverage."""
    from tradeviz.reports import site

    return site.index_html(config, out, CSP_META)


STAGE_PREFIX = ".tradeviz-stage-"


def write_index(config: RenderConfig, out: Path) -> Path:
    """Publish the data downloads (``out/data``) and ``out/index.html`` together; return the index's path.

    Both are written into a staging folder in ``out`` first and renamed into place only once both are complete:
    a failure while copying the data or building the page leaves the previous ones untouched.
    """
    from tradeviz.reports import site

    remove_stages(out)
    stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=out))
    try:
        site.write_downloads(stage)
        page = index_html(config, out).encode("utf-8")
        atomic_write_bytes(stage / "index.html", page)
        folder_mode = 0o777 & ~current_umask()  # mkdtemp makes 0700
        for folder in [stage / site.DOWNLOADS, *(p for p in (stage / site.DOWNLOADS).rglob("*") if p.is_dir())]:
            folder.chmod(folder_mode)
        current, staged = out / site.DOWNLOADS, stage / site.DOWNLOADS
        if current.is_dir() and not current.is_symlink():
            current.rename(stage / "previous")
        elif current.exists() or current.is_symlink():
            current.unlink()
        staged.rename(current)
        os.replace(stage / "index.html", out / "index.html")
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return out / "index.html"


def remove_stages(out: Path) -> None:
    """Remove staging folders a stopped render left in ``out``."""
    for path in out.glob(f"{STAGE_PREFIX}*"):
        shutil.rmtree(path, ignore_errors=True)
