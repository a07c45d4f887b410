"""The list of reports (``reports.yaml`` or ``--config``), sweeps over parameters, and the selection."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tradeviz import countries, paths


class RenderConfigError(ValueError):
    """``reports.yaml`` is malformed or names a notebook that does not exist."""


class UnknownReportError(ValueError):
    """``--only`` names no report, or the selection is empty; the message lists the valid names."""


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


def _slug(value: Any) -> str:
    return re.sub(r"[^A-Za-z0-9._]+", "_", str(value)).strip("_") or "_"


def _fail(path: Path | str, message: str) -> RenderConfigError:
    return RenderConfigError(f"{path}: {message}")


_NOTEBOOK_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")


def notebook_source(notebook: str, notebook_dir: Path, path: Path | str) -> Path:
    """``notebook_dir/<notebook>.ipynb``, refusing any name that could point elsewhere.

    A notebook is named by a plain file name without ``.ipynb``: no folder, no ``..``, no absolute path,
    and a symbolic link must not lead out of ``notebook_dir``.  Its outputs are named after it in ``--out``.
    """
    fix = f"name a notebook in {notebook_dir} without folder or suffix, e.g. 'overview'"
    if not _NOTEBOOK_NAME.fullmatch(notebook) or ".." in notebook or notebook.endswith(".ipynb"):
        shown = notebook if len(notebook) <= 80 else notebook[:80] + "…"
        raise _fail(path, f"notebook {shown!r} is not a plain notebook name; {fix}.")
    source = notebook_dir / f"{notebook}.ipynb"
    if not source.resolve().is_relative_to(notebook_dir.resolve()):
        raise _fail(path, f"notebook {notebook!r} resolves to {source.resolve()}, outside {notebook_dir}; {fix}.")
    return source


def _make_reports(
    entry: Any, notebook_dir: Path, path: Path | str, defaults: dict[str, Any] | None = None
) -> list[Report]:
    if not isinstance(entry, dict) or not isinstance(entry.get("notebook"), str):
        raise _fail(path, f"each entry of 'reports' needs a 'notebook' name, got {entry!r}")
    notebook = entry["notebook"]
    source = notebook_source(notebook, notebook_dir, path)
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
        partner = params.get("partner", (defaults or {}).get("partner"))
        if partner is not None:  # a sweep without partner: the title names the notebook's default partner
            try:
                extra["partner_name"] = countries.name(countries.resolve(str(partner)))
            except countries.UnknownCountryError:
                pass
        try:
            title = template.format(**{**(defaults or {}), **params, **extra})
        except (KeyError, IndexError, ValueError) as exc:
            raise _fail(path, f"{notebook}: title {template!r} cannot be filled from {params}: {exc!r}") from None
        reports.append(Report(notebook, source, params, title, data_scope))
    return reports


MAX_CONFIG_BYTES = 1 << 20
"""A render config larger than this (1 MiB) is refused before it is parsed."""


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader without anchors and aliases: a config has no use for them, and an alias bomb
    (a few lines that expand to billions of nodes) must not reach the parser's composer."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"YAML aliases (*{event.anchor}) are not allowed in a render config; write the values out",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def read_config_text(path: Path) -> str:
    """The text of a config file, read with a bound: at most :data:`MAX_CONFIG_BYTES`, UTF-8, a regular file."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise _fail(path, f"cannot read the render config: {exc.strerror or exc}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise _fail(path, f"larger than {MAX_CONFIG_BYTES // 1024} KiB: not a render config; give a reports.yaml")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(path, f"not UTF-8 text (byte {exc.start}); give a reports.yaml") from None


def parse_config_text(text: str, path: Path | str) -> Any:
    """YAML of a config (safe, without aliases); errors name the file and the line."""
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise _fail(path, f"not valid YAML: {message[:500]}") from None


def load_config(path: Path | None = None, notebook_dir: Path | None = None) -> RenderConfig:
    """Read ``reports.yaml`` (default ``paths.RENDER_CONFIG``).

    The notebooks are looked up in ``notebook_dir``, else in the config's ``notebook_dir`` key
    (relative to the config file), else in ``paths.NOTEBOOKS_DIR``.
    """
    path = Path(paths.RENDER_CONFIG if path is None else path)
    if str(path) in ("", "."):
        raise _fail(path, "--config names no file; give a config file such as reports.yaml")
    raw = parse_config_text(read_config_text(path), path)
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


def _check_statements(source: Path) -> list[Any]:
    """The statements of the cell after ``parameters`` that call ``parameters.<check>(...)``: the notebook's own
    checks of its parameters (``start_year, end_year = parameters.dots_period(start_year, end_year)``)."""
    import ast

    cells = json.loads(source.read_text(encoding="utf-8")).get("cells", [])
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not tagged or tagged[0] + 1 >= len(cells):
        return []
    text = "".join(cells[tagged[0] + 1].get("source", []))
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in text.splitlines()]  # IPython magics
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return []

    def is_check(node: ast.stmt) -> bool:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign | ast.Expr) else None
        return (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and isinstance(value.func.value, ast.Name)
            and value.func.value.id == "parameters"
        )

    return [node for node in tree.body if is_check(node)]


def check_parameters(reports: list[Report]) -> None:
    """Check every report's parameters as its notebook will, before any kernel starts.

    Names must be those of the notebook's ``parameters`` cell; values go through the notebook's own checks (the
    calls to :mod:`tradeviz.reports.parameters` in the cell after it), run here on the same values.  Raises
    :class:`RenderConfigError` listing every report refused, with the reason.
    """
    import ast

    from tradeviz.data import DataError
    from tradeviz.reports import parameters

    problems: list[str] = []
    for report in reports:
        names = notebook_parameters(report.source)
        if unknown := [k for k in report.parameters if k not in names]:
            problems.append(
                f"{report.name}: {report.notebook} has no parameter {', '.join(map(repr, unknown))}; "
                f"its parameters: {', '.join(names) or 'none'}"
            )
            continue
        namespace: dict[str, Any] = {**names, **report.parameters, "parameters": parameters}
        for node in _check_statements(report.source):
            code = compile(ast.Module(body=[node], type_ignores=[]), str(report.source), "exec")
            try:
                exec(code, namespace)  # noqa: S102 (the notebook's own check, about to run in its kernel anyway)
            except DataError:
                raise
            except Exception as exc:
                problems.append(f"{report.name}: {' '.join(str(exc).split()) or type(exc).__name__}")
                break
    if problems:
        listed = "".join(f"\n  {p}" for p in problems)
        raise RenderConfigError(f"{len(problems)} report(s) refused before any kernel started:{listed}")


def sweep_reports(config: RenderConfig, notebook: str, sweep: dict[str, list[Any]]) -> list[Report]:
    """One report per combination of the ``sweep`` values (their cross product) of ``notebook``.

    The title template and data scope come from the config's entry for that notebook, if it has one.
    Parameter names must be those of the notebook's ``parameters`` cell; values are checked as in a config.
    """
    source = notebook_source(notebook, config.notebook_dir, SWEEP_SOURCE)
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
    if not reports:
        raise UnknownReportError(f"{config.path}: lists no report; add entries under 'reports'.")
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
