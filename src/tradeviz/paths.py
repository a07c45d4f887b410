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
from importlib.resources import files
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJ_ROOT = PACKAGE_DIR.parents[1]
"""The repository root when tradeviz runs from a clone (``src/tradeviz/`` -> two levels up)."""
BUNDLE = "bundled"
"""Folder inside the installed package holding the shipped copy of data/, notebooks/ and reports.yaml."""


class DataLayoutError(FileNotFoundError):
    """The data tree is not where tradeviz looks for it; the message says where it looked and what to do."""


def _package_path(*parts: str) -> Path:
    """A file or folder shipped inside the package, as a real path (pandas, frictionless and papermill need one)."""
    resource = files("tradeviz").joinpath(*parts)
    if not isinstance(resource, Path):
        raise DataLayoutError(f"tradeviz is installed as an archive ({resource}); install it as files on disk.")
    return resource


def is_clone(root: Path | None = None) -> bool:
    """True when tradeviz runs from a clone of its repository (data/ and notebooks/ beside src/)."""
    root = PROJ_ROOT if root is None else root
    return (root / "pyproject.toml").is_file() and (root / "data").is_dir() and (root / "src" / "tradeviz").is_dir()


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


def data_is_shipped_copy() -> bool:
    """True when the loaders read the copy shipped in the wheel (no clone, no ``TRADEVIZ_DATA_DIR``)."""
    return not os.environ.get("TRADEVIZ_DATA_DIR") and not is_clone()


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


def datapackage_path() -> Path:
    return data_dir() / "datapackage.json"


IN_CLONE = is_clone()
NOTEBOOKS_DIR = root() / "notebooks"
RENDER_CONFIG = root() / "reports.yaml"
SANITIZE_CONFIG = NOTEBOOKS_DIR / "sanitize.cfg"
REPORTS_DIR = PROJ_ROOT / "reports" if IN_CLONE else Path("reports")
"""Default output of ``tradeviz render``: reports/ in the clone; in a wheel install, reports/ in the working folder."""
BENCHMARKS_DIR = PROJ_ROOT / "benchmarks"
MPLSTYLE = _package_path("tradeviz.mplstyle")
