"""Build hook: copy the repository's data, notebooks and report list into the wheel at build time.

The files stay where they are in the repository (``data/``, ``notebooks/``, ``reports.yaml`` at the top) and are
never kept twice in git; a wheel gets them under ``tradeviz/bundled/`` with the same relative paths, which is where
``tradeviz.paths`` looks when it is not running from a clone.  Editable installs read the clone directly.

``data/raw`` is left out (the upstream workbooks, only needed to rebuild the curated tables), except the files the
loaders and charts read at run time: the country-name mappings and the Natural Earth map with its licence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLE = "tradeviz/bundled"  # keep in step with tradeviz.paths.BUNDLE
SHIPPED = (
    "data/datapackage.json",
    "data/README.md",
    "data/curated/*.csv",
    "data/raw/common_country_variants.json",
    "data/raw/*/country_names.json",
    "data/raw/naturalearth-110m/*",
    "notebooks/*.ipynb",
    "notebooks/sanitize.cfg",
    "reports.yaml",
)


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        for pattern in SHIPPED:
            matches = sorted(p for p in root.glob(pattern) if p.is_file())
            if not matches:
                raise FileNotFoundError(f"hatch_build.py: nothing matches {pattern!r} under {root}")
            for path in matches:
                build_data["force_include"][str(path)] = f"{BUNDLE}/{path.relative_to(root).as_posix()}"
