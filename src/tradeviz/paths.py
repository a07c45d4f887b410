"""The one module that knows where things are.

Everything is found from the package's own location, never from the working directory, so notebooks,
the CLI and tests agree wherever they are started from.  Two layouts:

- a clone (``make venv`` or ``pip install -e .``): ``data/``, ``notebooks/`` and ``reports.yaml`` at the top
  of the repository, beside ``src/``;
- an installed wheel (``pip install tradeviz-*.whl`` or ``pip install .``): the same files, copied at build time
  by ``hatch_build.py``, inside the package as ``tradeviz/bundled/`` and read with :mod:`importlib.resources`.
  ``data/raw`` is not shipped, except the few files the loaders and charts read at run time (country-name
  mappings, the Natural Earth map), so rebuilding the curated tables needs a clone.

Set ``TRADEVIZ_DATA_DIR`` to point the loaders at another copy of ``data/`` (tests use this to work on a
temporary copy).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
MARKER = "pyproject.toml"
"""The file that marks the repository root: the first folder above the package holding it, ``data/`` and
``src/tradeviz/`` is the clone (found by looking, not by counting levels, so moving this module changes nothing)."""


def _find_root(start: Path) -> Path:
    for folder in start.parents:
        if (folder / MARKER).is_file() and (folder / "data").is_dir() and (folder / "src" / "tradeviz").is_dir():
            return folder
    return start.parent  # an installed package: no clone above it (is_clone() is False there)


PROJ_ROOT = _find_root(PACKAGE_DIR)
"""The repository root when tradeviz runs from a clone; in an installed wheel, the folder holding the package."""
BUNDLE = "bundled"
"""Folder inside the installed package holding the shipped copy of data/, notebooks/ and reports.yaml."""


class DataLayoutError(FileNotFoundError):
    """The data tree is not where tradeviz looks for it; the message says where it looked and what to do."""


def _package_path(*parts: str) -> Path:
    """A file or folder shipped inside the package (beside this module), as a real path for pandas and papermill."""
    return PACKAGE_DIR.joinpath(*parts)


def is_clone(root: Path | None = None) -> bool:
    """True when tradeviz runs from a clone of its repository (data/ and notebooks/ beside src/)."""
    root = PROJ_ROOT if root is None else root
    return (root / MARKER).is_file() and (root / "data").is_dir() and (root / "src" / "tradeviz").is_dir()


def root() -> Path:
    """The folder holding data/, notebooks/ and reports.yaml: the clone, else the copy shipped in the package."""
    return PROJ_ROOT if is_clone() else _package_path(BUNDLE)


def data_dir() -> Path:
    """Root of the data tree: ``$TRADEVIZ_DATA_DIR`` if set, else ``<repo>/data``, else the shipped copy."""
    override = os.environ.get("TRADEVIZ_DATA_DIR")
    if override:
        path = Path(override).resolve()
        if not path.is_dir():
            raise DataLayoutError(
                f"TRADEVIZ_DATA_DIR={override} is not a folder; point it at a copy of data/ or unset it."
            )
        return path
    path = root() / "data"
    if not path.is_dir():
        raise DataLayoutError(
            f"tradeviz found no data: neither a clone's data/ beside src/ (above {PACKAGE_DIR}) nor the copy shipped "
            f"in the package ({path}). Reinstall tradeviz from a wheel, install it editable from a clone "
            "(`pip install -e .`), or set TRADEVIZ_DATA_DIR to a copy of data/."
        )
    return path


def has_full_raw() -> bool:
    """True when ``data/raw`` is complete (a clone or a copy of it), so the curated tables can be rebuilt."""
    return (raw_dir() / "provenance.json").is_file()


def require_full_raw(action: str) -> None:
    """Raise :class:`DataLayoutError` unless ``data/raw`` is complete; ``action`` names what needs it."""
    if not has_full_raw():
        raise DataLayoutError(
            f"{action} needs data/raw, which the installed package does not ship (only the curated tables). "
            "Work in a clone of the repository (`make data`), or set TRADEVIZ_DATA_DIR to a copy of data/ "
            "with its raw/ folder."
        )


def raw_dir() -> Path:
    """Immutable copies of the upstream files, one folder per source (``data/raw/<source>/``)."""
    return data_dir() / "raw"


def curated_dir() -> Path:
    """Curated tables built by ``tradeviz data build`` (``data/curated/``)."""
    return data_dir() / "curated"


RUNTIME_RAW = ("common_country_variants.json", "*/country_names.json", "naturalearth-110m/*")
"""Files of ``data/raw`` the package reads at run time (country-name mappings, the region map and its licence):
the only raw files a wheel ships (see :func:`shipped_patterns`)."""
MAP_GEOJSON = "naturalearth-110m/ne_110m_admin_0_countries.json"


def country_name_files() -> list[Path]:
    """Every ``country_names.json`` beside a raw source, then ``common_country_variants.json``."""
    raw = raw_dir()
    return sorted(raw.glob("*/country_names.json")) + [raw / "common_country_variants.json"]


def map_geojson() -> Path:
    """The Natural Earth 1:110m countries (``data/raw/naturalearth-110m``), read by the region map."""
    return raw_dir() / MAP_GEOJSON


def shipped_patterns(root: Path) -> list[str]:
    """Glob patterns, relative to a clone at ``root``, of what a wheel carries under ``tradeviz/bundled/``.

    Derived, not listed by hand: the Data Package and its data dictionary, every resource ``datapackage.json``
    names, the raw files read at run time (:data:`RUNTIME_RAW`), the notebooks with their nbval sanitizer and
    the report list.  ``hatch_build.py`` calls this at build time.
    """
    import json

    package = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    resources = sorted(f"data/{res['path']}" for res in package["resources"])
    return [
        "data/datapackage.json",
        "data/README.md",
        *resources,
        *(f"data/raw/{pattern}" for pattern in RUNTIME_RAW),
        "notebooks/*.ipynb",
        "notebooks/sanitize.cfg",
        RENDER_CONFIG_NAME,
    ]


def datapackage_path() -> Path:
    return data_dir() / "datapackage.json"


IN_CLONE = is_clone()
NOTEBOOKS_DIR = root() / "notebooks"
RENDER_CONFIG_NAME = "reports.yaml"
RENDER_CONFIG = root() / RENDER_CONFIG_NAME
REPORTS_DIR = PROJ_ROOT / "reports" if IN_CLONE else Path("reports")
"""Default output of ``tradeviz render``: reports/ in the clone; in a wheel install, reports/ in the working folder."""
MPLSTYLE = _package_path("tradeviz.mplstyle")
