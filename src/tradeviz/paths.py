"""The one module that knows where things are.

Everything is found from this file's location, never from the working directory, so
notebooks, the CLI and tests agree wherever they are started from.  Set ``TRADEVIZ_DATA_DIR``
to point the loaders at another copy of ``data/`` (tests use this to work on a temporary copy).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJ_ROOT = PACKAGE_DIR.parents[1]


class DataLayoutError(FileNotFoundError):
    """The data tree is not where tradeviz looks for it; the message says where it looked and what to do."""


def data_dir() -> Path:
    """Root of the data tree: ``$TRADEVIZ_DATA_DIR`` if set, else ``<repo>/data``."""
    override = os.environ.get("TRADEVIZ_DATA_DIR")
    if override:
        path = Path(override).resolve()
        if not path.is_dir():
            raise DataLayoutError(f"TRADEVIZ_DATA_DIR={override} is not a folder; point it at a copy of data/ or unset it.")
        return path
    if not (PROJ_ROOT / "data").is_dir():
        raise DataLayoutError(
            f"tradeviz expects its repository layout (data/ beside src/), not found above {PACKAGE_DIR}. "
            "Install it editable from a clone (`make venv`, or `pip install -e .`), or set TRADEVIZ_DATA_DIR."
        )
    return PROJ_ROOT / "data"


def raw_dir() -> Path:
    """Immutable copies of the upstream files, one folder per source (``data/raw/<source>/``)."""
    return data_dir() / "raw"


def curated_dir() -> Path:
    """Curated tables built by ``tradeviz data build`` (``data/curated/``)."""
    return data_dir() / "curated"


def datapackage_path() -> Path:
    return data_dir() / "datapackage.json"


NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"
BENCHMARKS_DIR = PROJ_ROOT / "benchmarks"
MPLSTYLE = PACKAGE_DIR / "tradeviz.mplstyle"
RENDER_CONFIG = PROJ_ROOT / "reports.yaml"
