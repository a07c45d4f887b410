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

import functools
import hashlib
import itertools
import json
import os
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from tqdm import tqdm

from tradeviz import countries, paths, report_assets
from tradeviz.chart_export import CHART_MIME
from tradeviz.io import atomic_write_bytes

KERNEL_NAME = "python3"
"""The kernel name the notebooks declare and the executed reports record: the standard one, so plain papermill
and JupyterLab run them in the current environment.  tradeviz itself always starts ``sys.executable``."""
CELL_TIMEOUT = 600
"""Seconds a single cell may run before the report counts as failed."""
REMOVE_CELL_TAGS = ("remove-cell", "remove_cell")
REMOVE_OUTPUT_TAGS = ("remove-output", "remove_output")
_TIMING_KEYS = ("start_time", "end_time", "duration")
_INJECTED_TAG = "injected-parameters"
_ERROR_TAG = "papermill-error-cell-tag"

# nbconvert's "lab" page plus a link back to the index, minus every script it would load (require.js,
# MathJax, mermaid): the pages must work offline, show no console errors, and run no code at all.  Plain "$"
# then stays a dollar sign, not maths.  The Content-Security-Policy is a second wall behind the escaping of
# data strings (tradeviz.prose): no script may run, nothing may be fetched but the page's own images and styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
    "base-uri 'none'; form-action 'none'"
)
_CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
_TEMPLATE_NAME = "tradeviz-report.html.j2"
_TEMPLATE = (
    """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}"""
    + _CSP_META
    + """<link rel="icon" href="data:,">{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}<style>
figure.tradeviz-chart { margin: 0; }
figure.tradeviz-chart figcaption { font: 0.85rem system-ui, sans-serif; margin: 0.25rem 0 1rem; color: #3e4c59; }
figure.tradeviz-chart figcaption a { color: #0b5cad; }
@media print {
  nav { display: none; }
  figure.tradeviz-chart, .jp-RenderedImage, .jp-OutputArea-output table { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
}
</style>{%- endblock extra_css -%}
{% block data_png scoped -%}
{%- set chart = output.data.get('"""
    + CHART_MIME
    + """') -%}
{%- if chart and output.metadata.get('tradeviz') -%}
<figure class="jp-RenderedImage jp-OutputArea-output tradeviz-chart">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}" alt="{{ chart.alt | escape_html }}">
<figcaption>Download:
<a href="{{ output.metadata.tradeviz.csv | escape_html }}" download>data (CSV)</a> ·
<a href="{{ output.metadata.tradeviz.png | escape_html }}" download>image (PNG)</a></figcaption>
</figure>
{%- else -%}{{ super() }}{%- endif -%}
{%- endblock data_png %}
{%- block body_header -%}{{ super() }}
<nav style="margin: 1rem 0 0 1.5rem; font-family: system-ui, sans-serif;">
<a href="index.html">&larr; All reports</a></nav>
{%- endblock body_header -%}
"""
)


class RenderConfigError(ValueError):
    """``reports.yaml`` is malformed or names a notebook that does not exist."""


class UnknownReportError(ValueError):
    """``--only`` names no report, or the selection is empty; the message lists the valid names."""


class OutputDirError(ValueError):
    """The output folder is a file, or cannot be created or written to."""


class KernelUnavailableError(RuntimeError):
    """This Python cannot start the kernel the reports run in (ipykernel is missing)."""


def check_kernel() -> None:
    """Raise :class:`KernelUnavailableError` unless this interpreter can start an IPython kernel."""
    try:
        import ipykernel.kernelspec  # noqa: F401
    except ImportError as exc:
        raise KernelUnavailableError(
            f"the notebooks run in an IPython kernel of this Python ({sys.executable}), but it cannot start one "
            f"({exc}); install ipykernel into this environment (`{sys.executable} -m pip install ipykernel`)."
        ) from None


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


@dataclass(frozen=True)
class Report:
    """One notebook with one parameter set."""

    notebook: str
    source: Path
    parameters: dict[str, Any]
    title: str
    data_scope: str | None = None
    """``"partner"``: the notebook reads only its partner's rows of the partner-keyed tables (see manifest)."""

    @property
    def name(self) -> str:
        return "-".join([self.notebook, *(_slug(v) for v in self.parameters.values())])

    @property
    def partner(self) -> str | None:
        return self.parameters.get("partner")

    @property
    def html_name(self) -> str:
        return f"{self.name}.html"

    @property
    def ipynb_name(self) -> str:
        return f"{self.name}.ipynb"

    @property
    def failed_name(self) -> str:
        return f"{self.name}.failed.ipynb"


@dataclass(frozen=True)
class RenderConfig:
    title: str
    notebook_dir: Path
    reports: tuple[Report, ...]
    entries: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)
    """The config's entry per notebook (its title template and data scope), for sweeps of that notebook."""
    path: Path | None = None


@dataclass(frozen=True)
class Failure:
    name: str
    error: str
    notebook: Path | None
    """The executed notebook showing the error (``<name>.failed.ipynb``), if execution got that far."""


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


def _slug(value: Any) -> str:
    return re.sub(r"[^A-Za-z0-9._]+", "_", str(value)).strip("_") or "_"


def _fail(path: Path | str, message: str) -> RenderConfigError:
    return RenderConfigError(f"{path}: {message}")


def _make_reports(
    entry: Any, notebook_dir: Path, path: Path | str, defaults: dict[str, Any] | None = None
) -> list[Report]:
    if not isinstance(entry, dict) or not isinstance(entry.get("notebook"), str):
        raise _fail(path, f"each entry of 'reports' needs a 'notebook' name, got {entry!r}")
    notebook = entry["notebook"]
    parameter_sets = entry.get("parameters") or [{}]
    if not isinstance(parameter_sets, list) or not all(isinstance(p, dict) for p in parameter_sets):
        raise _fail(path, f"{notebook}: 'parameters' must be a list of mappings")
    template = entry.get("title", notebook.replace("_", " ").capitalize())
    data_scope = entry.get("data_scope")
    if data_scope not in (None, "partner"):
        raise _fail(path, f"{notebook}: 'data_scope' may only be 'partner', got {data_scope!r}")
    reports = []
    for params in parameter_sets:
        params, extra = dict(params), {}
        if "partner" in params:
            try:
                params["partner"] = countries.resolve(str(params["partner"]))
            except countries.UnknownCountryError as exc:
                raise _fail(path, f"{notebook}: {exc}") from None
            extra["partner_name"] = countries.name(params["partner"])
        try:
            title = template.format(**{**(defaults or {}), **params, **extra})
        except (KeyError, IndexError, ValueError) as exc:
            raise _fail(path, f"{notebook}: title {template!r} cannot be filled from {params}: {exc!r}") from None
        reports.append(Report(notebook, notebook_dir / f"{notebook}.ipynb", params, title, data_scope))
    return reports


def load_config(path: Path | None = None, notebook_dir: Path | None = None) -> RenderConfig:
    """Read ``reports.yaml`` (default ``paths.RENDER_CONFIG``).

    The notebooks are looked up in ``notebook_dir``, else in the config's ``notebook_dir`` key
    (relative to the config file), else in ``paths.NOTEBOOKS_DIR``.
    """
    path = Path(path or paths.RENDER_CONFIG)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise _fail(path, f"cannot read the render config: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("reports"), list):
        raise _fail(path, "expected a mapping with a 'reports' list")
    if notebook_dir is None:
        notebook_dir = path.parent / raw["notebook_dir"] if "notebook_dir" in raw else paths.NOTEBOOKS_DIR
    notebook_dir = Path(notebook_dir).resolve()
    reports = [r for entry in raw["reports"] for r in _make_reports(entry, notebook_dir, path)]
    names = [r.name for r in reports]
    if duplicates := sorted({n for n in names if names.count(n) > 1}):
        raise _fail(path, f"several reports would be written as {', '.join(duplicates)}")
    entries = {e["notebook"]: {k: e[k] for k in ("title", "data_scope") if k in e} for e in raw["reports"]}
    return RenderConfig(str(raw.get("title", "Reports")), notebook_dir, tuple(reports), entries, path.resolve())


SWEEP_SOURCE = "tradeviz render -p"


def parse_values(text: str) -> list[Any]:
    """The comma-separated values of one ``-p NAME VALUES``: integers and decimals as numbers, the rest as text."""
    values: list[Any] = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            raise RenderConfigError(f"{SWEEP_SOURCE}: empty value in {text!r}")
        for convert in (int, float):
            try:
                values.append(convert(item))
                break
            except ValueError:
                continue
        else:
            values.append(item)
    return values


def notebook_parameters(source: Path) -> dict[str, Any]:
    """Names assigned in the notebook's cell tagged ``parameters`` (what papermill can override), with their
    default values where these are literals (else None)."""
    import ast

    cells = json.loads(source.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            try:
                tree = ast.parse("".join(cell.get("source", [])))
            except SyntaxError:
                return {}
            found: dict[str, Any] = {}
            for node in tree.body:
                value: ast.expr | None
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target, value = node.targets[0], node.value
                elif isinstance(node, ast.AnnAssign):
                    target, value = node.target, node.value
                else:
                    continue
                if isinstance(target, ast.Name):
                    try:
                        found[target.id] = None if value is None else ast.literal_eval(value)
                    except ValueError:
                        found[target.id] = None
            return found
    return {}


def sweep_reports(config: RenderConfig, notebook: str, sweep: dict[str, list[Any]]) -> list[Report]:
    """One report per combination of the ``sweep`` values (their cross product) of ``notebook``.

    The title template and data scope come from the config's entry for that notebook, if it has one.
    Parameter names must be those of the notebook's ``parameters`` cell; values are checked as in a config.
    """
    source = config.notebook_dir / f"{notebook}.ipynb"
    if not source.is_file():
        known = sorted(dict.fromkeys(r.notebook for r in config.reports))
        raise UnknownReportError(f"no notebook {source}; -p sweeps one notebook, e.g. {', '.join(known)}.")
    names = notebook_parameters(source)
    if unknown := [k for k in sweep if k not in names]:
        raise RenderConfigError(
            f"{SWEEP_SOURCE}: {notebook} has no parameter {', '.join(map(repr, unknown))}; "
            f"its parameters: {', '.join(names) or 'none'}."
        )
    keys = list(sweep)
    parameter_sets = [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*sweep.values())]
    entry = {**config.entries.get(notebook, {}), "notebook": notebook, "parameters": parameter_sets}
    defaults = {k: v for k, v in names.items() if v is not None}  # for the title, where a value is not swept
    reports = _make_reports(entry, config.notebook_dir, SWEEP_SOURCE, defaults)
    names_out = [r.name for r in reports]
    if duplicates := sorted({n for n in names_out if names_out.count(n) > 1}):
        raise _fail(SWEEP_SOURCE, f"several reports would be written as {', '.join(duplicates)}")
    return reports


def with_reports(config: RenderConfig, reports: list[Report]) -> RenderConfig:
    """``config`` listing also ``reports`` (those not in it already): the index then lists what was rendered."""
    known = {r.name for r in config.reports}
    extra = tuple(r for r in reports if r.name not in known)
    return RenderConfig(config.title, config.notebook_dir, config.reports + extra, config.entries, config.path)


def select_reports(config: RenderConfig, only: str | None = None, partner: str | None = None) -> list[Report]:
    """The reports of ``config`` named by ``only`` (notebook or report name) and/or for ``partner``.

    Raises :class:`UnknownReportError` or :class:`countries.UnknownCountryError`, both listing
    the valid choices.
    """
    reports = list(config.reports)
    if only is not None:
        valid = list(dict.fromkeys([r.notebook for r in reports] + [r.name for r in reports]))
        if only not in valid:
            raise UnknownReportError(f"Unknown report {only!r}. Valid names: {', '.join(valid)}.")
        reports = [r for r in reports if only in (r.notebook, r.name)]
    if partner is not None:
        code = countries.resolve(partner)
        reports = [r for r in reports if r.partner == code]
    if not reports:
        raise UnknownReportError(
            f"No report matches only={only!r} and partner={partner!r}. "
            f"Reports: {', '.join(r.name for r in config.reports)}."
        )
    return reports


def list_reports(
    *,
    only: str | None = None,
    partner: str | None = None,
    config: Path | None = None,
    notebook_dir: Path | None = None,
) -> list[Report]:
    """The reports ``render_reports`` would render with these arguments (for ``--dry-run``)."""
    return select_reports(load_config(config, notebook_dir), only=only, partner=partner)


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
    "failed").  Everything is validated before the first process starts.  A failing report does not stop the
    others; failures are returned in the summary (the CLI turns them into exit code 1).  SIGINT or SIGTERM
    raise :class:`tradeviz.engine.Interrupted` once workers and kernels are stopped; the reports written so
    far stay.
    """
    from tradeviz import engine, manifest

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
    out = prepare_output_dir(Path(out or paths.REPORTS_DIR))
    check_kernel()
    engine.remove_partial_files(out)  # left by a render killed while writing

    data_root = paths.data_dir()
    manifest.clear_caches()
    inputs = {r.name: manifest.inputs(r.source, r.parameters, _entry(r), data_root, _scope(r)) for r in selected}
    skipped = [] if force else [r.name for r in selected if _unchanged(r, out, inputs[r.name])]
    todo = [r for r in selected if r.name not in skipped]
    outcomes: dict[str, Failure | None] = {}
    for name in skipped:
        if on_report:
            on_report(name, "skipped")

    def finish(index: int, result: Any) -> None:
        report = todo[index]
        if isinstance(result, BaseException):
            result = Failure(report.name, _one_line(result), None)
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
        if todo:
            with engine.signals_raise_interrupted(), engine.Engine(min(jobs, len(todo))) as pool:
                # the bar (and tqdm's monitor thread) starts after the processes: none is forked from here anyway
                if progress:
                    bar = tqdm(total=len(todo), desc="render", unit="report", file=sys.stderr)
                    bar.set_postfix_str(f"done 0, skipped {len(skipped)}, failed 0", refresh=True)
                pool.run([(r, out, inputs[r.name]) for r in todo], finish)
    finally:
        if bar is not None:
            bar.close()
        engine.remove_partial_files(out)
        write_index(cfg, out)

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
    from tradeviz import manifest

    if not (out / report.html_name).is_file() or (out / report.failed_name).exists():
        return False
    return not manifest.changed(inputs, manifest.recorded_inputs(out / report.ipynb_name))


# --- worker side (runs in tradeviz.engine's worker processes) ------------------------------

_exporter = None


def _init_worker() -> None:
    """Pay the fixed costs once per process: imports and the compiled HTML template."""
    global _exporter
    if _exporter is not None:
        return
    import nbformat
    import papermill  # noqa: F401

    _exporter = _html_exporter()
    _exporter.from_notebook_node(nbformat.v4.new_notebook())
    kernel_manager_class()


def _html_exporter():
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="lab",
        template_file=_TEMPLATE_NAME,
        extra_loaders=[DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=REMOVE_CELL_TAGS, remove_all_outputs_tags=REMOVE_OUTPUT_TAGS),
        enabled=True,
    )
    return exporter


@functools.cache
def kernel_manager_class():
    """A kernel manager that always runs ``sys.executable -m ipykernel_launcher``.

    Kernel specs registered anywhere (user directory, ``JUPYTER_PATH``) are ignored, so the
    reports run in tradeviz's own environment.
    """
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    # MPLBACKEND: a value inherited from the shell (e.g. Agg in CI) would hide every figure.
    spec = KernelSpec(
        resource_dir=RESOURCES,
        name=KERNEL_NAME,
        env={"MPLBACKEND": "module://matplotlib_inline.backend_inline"},
        # jupyter_client interrupts the kernel before any shutdown; by signal, the kernel logs an error
        interrupt_mode="message",
        **get_kernel_dict(),
    )

    class InterpreterKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self):
            return spec

        # Unix sockets: local only, and ipykernel does not warn about unencrypted TCP.  Each
        # kernel needs its own socket prefix, else concurrent kernels pick the same files.
        @default("transport")
        def _default_transport(self):
            return "ipc"

        @default("ip")
        def _default_ip(self):
            return os.path.join(tempfile.gettempdir(), f"tradeviz-kernel-{secrets.token_hex(8)}")

    return InterpreterKernelManager


def _render_one(
    report: Report, out: Path, inputs: dict[str, str] | None = None, manager: type | None = None
) -> Failure | None:
    """Execute one report and write its outputs; return the failure, if any.

    ``inputs`` (see :mod:`tradeviz.manifest`) is recorded in the executed notebook's metadata; ``manager``
    is the kernel manager class (default: :func:`kernel_manager_class`, a kernel started per report).
    """
    import nbformat
    import papermill

    try:
        with tempfile.TemporaryDirectory(prefix="tradeviz-render-") as scratch:
            executed = Path(scratch) / report.ipynb_name  # papermill writes here only on error
            try:
                nb = papermill.execute_notebook(
                    report.source,
                    executed,
                    parameters=report.parameters,
                    kernel_name=KERNEL_NAME,
                    kernel_manager_class=manager or kernel_manager_class(),
                    progress_bar=False,
                    request_save_on_cell_execute=False,
                    execution_timeout=CELL_TIMEOUT,
                    shutdown_kernel="immediate",  # outputs are all in; a graceful stop only costs time
                    cwd=report.source.parent,
                )
            except papermill.PapermillExecutionError as exc:
                failed = out / report.failed_name
                atomic_write_bytes(failed, _notebook_bytes(_normalise(nbformat.read(executed, 4), report)))
                error = f"{exc.ename}: {' '.join(str(exc.evalue).split())} (cell [{exc.exec_count}])"
                return Failure(report.name, error, failed)
        _normalise(nb, report)  # before the export too: the HTML carries the cell ids
        if inputs is not None:
            nb.metadata["tradeviz"] = {"inputs": inputs}
        assets = report_assets.chart_assets(nb, report.name)  # also marks the chart outputs for the template
        notebook, page = _notebook_bytes(nb), _html_bytes(nb, report)
        for name, content in assets.items():
            atomic_write_bytes(out / name, content)
        for stale in report_assets.stale_assets(out, report.name, assets):
            stale.unlink()
        atomic_write_bytes(out / report.ipynb_name, notebook)
        atomic_write_bytes(out / report.html_name, page)
        (out / report.failed_name).unlink(missing_ok=True)
        return None
    except Exception as exc:
        return Failure(report.name, _one_line(exc), None)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _normalise(nb, report: Report):
    """Drop timings and replace random cell ids so that two renders give identical bytes."""
    meta = nb.metadata.setdefault("papermill", {})
    for key in _TIMING_KEYS:
        meta.pop(key, None)
    meta["input_path"] = report.source.name
    meta["output_path"] = report.ipynb_name
    authored = _source_cell_ids(report.source)
    digest = hashlib.sha256(json.dumps(report.parameters, sort_keys=True).encode()).hexdigest()[:12]
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        for key in _TIMING_KEYS:
            cell.metadata.get("papermill", {}).pop(key, None)
        tags = cell.metadata.get("tags", [])
        if _INJECTED_TAG in tags:
            cell.id = f"injected-parameters-{digest}"
        elif _ERROR_TAG in tags:
            cell.id = f"papermill-error-{index}"
        elif cell.get("id") not in authored:  # the source predates cell ids: nbformat made up random ones
            cell.id = f"cell-{index}"
    return nb


def _source_cell_ids(source: Path) -> frozenset[str]:
    cells = json.loads(source.read_text(encoding="utf-8")).get("cells", [])
    return frozenset(c["id"] for c in cells if "id" in c)


def _notebook_bytes(nb) -> bytes:
    import nbformat

    return nbformat.writes(nb).encode("utf-8") + b"\n"


def _html_bytes(nb, report: Report) -> bytes:
    assert _exporter is not None, "_init_worker() runs first"
    body, _ = _exporter.from_notebook_node(nb, resources={"metadata": {"name": report.title}})
    return body.encode("utf-8")


# --- index ---------------------------------------------------------------------------------


def index_html(config: RenderConfig, out: Path) -> str:
    """The front page (:mod:`tradeviz.site`): headline figures, one line per report, data downloads, coverage."""
    from tradeviz import site

    return site.index_html(config, out, _CSP_META)


def write_index(config: RenderConfig, out: Path) -> Path:
    """Write ``out/index.html`` atomically and return its path."""
    from tradeviz import site

    site.write_downloads(out)
    path = out / "index.html"
    atomic_write_bytes(path, index_html(config, out).encode("utf-8"))
    return path
