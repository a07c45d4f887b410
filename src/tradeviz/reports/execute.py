"""One report in one worker process: papermill into a kernel, normalised notebook, HTML export, chart files."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import secrets
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tradeviz.errors import KernelUnavailableError
from tradeviz.io import atomic_write_bytes
from tradeviz.records import CHART_MIME
from tradeviz.reports.config import Report

if TYPE_CHECKING:  # imported where used: a worker pays for them once, the CLI only when it renders
    from jupyter_client.manager import AsyncKernelManager
    from nbconvert import HTMLExporter
    from nbformat import NotebookNode

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
# data strings (tradeviz.text.prose): no script may run, nothing may be fetched but the page's own images and styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
    "base-uri 'none'; form-action 'none'"
)
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
_TEMPLATE_NAME = "tradeviz-report.html.j2"


def _template() -> str:
    """The report page template (nbconvert's "lab" page, offline, with each chart's alt text and downloads)."""
    return (
        """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}"""
        + CSP_META
        + """<link rel="icon" href="data:,">{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}<style>
figure.tradeviz-chart { margin: 0; }
figure.tradeviz-chart figcaption { font: 0.85rem system-ui, sans-serif; margin: 0.25rem 0 1rem; color: #3e4c59; }
figure.tradeviz-chart figcaption a { color: #0b5cad; }
.jp-RenderedHTMLCommon :is(p, li) a:is(:link, :visited) { text-decoration: underline; }
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


def check_kernel() -> None:
    """Raise :class:`KernelUnavailableError` unless this interpreter can start an IPython kernel."""
    try:
        import ipykernel.kernelspec  # noqa: F401
    except ImportError as exc:
        raise KernelUnavailableError(
            f"the notebooks run in an IPython kernel of this Python ({sys.executable}), but it cannot start one "
            f"({exc}); install ipykernel into this environment (`{sys.executable} -m pip install ipykernel`)."
        ) from None


@dataclass(frozen=True)
class Failure:
    name: str
    error: str
    notebook: Path | None
    """The executed notebook showing the error (``<name>.failed.ipynb``), if execution got that far."""


# --- worker side (runs in tradeviz.reports.engine's worker processes) ------------------------------

_exporter: HTMLExporter | None = None


def init_worker() -> None:
    """Pay the fixed costs once per process: imports and the compiled HTML template."""
    global _exporter
    if _exporter is not None:
        return
    import nbformat
    import papermill  # noqa: F401

    _exporter = _html_exporter()
    _exporter.from_notebook_node(nbformat.v4.new_notebook())
    kernel_manager_class()


def _html_exporter() -> HTMLExporter:
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="lab",
        template_file=_TEMPLATE_NAME,
        extra_loaders=[DictLoader({_TEMPLATE_NAME: _template()})],
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
def kernel_manager_class() -> type[AsyncKernelManager]:
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
        def kernel_spec(self) -> KernelSpec:
            return spec

        # Unix sockets: local only, and ipykernel does not warn about unencrypted TCP.  Each
        # kernel needs its own socket prefix, else concurrent kernels pick the same files.
        @default("transport")
        def _default_transport(self) -> str:
            return "ipc"

        @default("ip")
        def _default_ip(self) -> str:
            return os.path.join(tempfile.gettempdir(), f"tradeviz-kernel-{secrets.token_hex(8)}")

    return InterpreterKernelManager


def render_one(
    report: Report, out: Path, inputs: dict[str, str] | None = None, manager: type | None = None
) -> Failure | None:
    """Execute one report and write its outputs; return the failure, if any.

    ``inputs`` (see :mod:`tradeviz.manifest`) is recorded in the executed notebook's metadata; ``manager``
    is the kernel manager class (default: :func:`kernel_manager_class`, a kernel started per report).
    """
    import nbformat
    import papermill

    from tradeviz.reports import assets

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
        files = assets.chart_assets(nb, report.name)  # also marks the chart outputs for the template
        page = _html_bytes(nb, report)
        if inputs is not None:  # what the manifest checks before skipping: the page on disk is the one written
            nb.metadata["tradeviz"]["html_sha256"] = hashlib.sha256(page).hexdigest()
        notebook = _notebook_bytes(nb)
        for name, content in files.items():
            atomic_write_bytes(out / name, content)
        for stale in assets.stale_assets(out, report.name, files):
            stale.unlink()
        atomic_write_bytes(out / report.ipynb_name, notebook)
        atomic_write_bytes(out / report.html_name, page)
        (out / report.failed_name).unlink(missing_ok=True)
        return None
    except Exception as exc:
        return Failure(report.name, one_line(exc), None)


def one_line(exc: BaseException) -> str:
    """``exc`` as one line: its type, then its message with the whitespace collapsed."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _normalise(nb: NotebookNode, report: Report) -> NotebookNode:
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


def _notebook_bytes(nb: NotebookNode) -> bytes:
    import nbformat

    return nbformat.writes(nb).encode("utf-8") + b"\n"


def _html_bytes(nb: NotebookNode, report: Report) -> bytes:
    assert _exporter is not None, "init_worker() runs first"
    body, _ = _exporter.from_notebook_node(nb, resources={"metadata": {"name": report.title}})
    return body.encode("utf-8")
