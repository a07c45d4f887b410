"""Build hook: copy the repository's data, notebooks and report list into the wheel at build time.

The files stay where they are in the repository (``data/``, ``notebooks/``, ``reports.yaml`` at the top) and are
never kept twice in git; a wheel gets them under ``tradeviz/bundled/`` with the same relative paths, which is where
``tradeviz.paths`` looks when it is not running from a clone.  Editable installs read the clone directly.

What is shipped is derived by ``tradeviz.paths.shipped_patterns`` (the Data Package's resources, the notebooks, the
report list, and ``tradeviz.paths.RUNTIME_RAW``: the raw files read at run time); ``data/raw`` is otherwise left out.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _paths_module(root: Path) -> ModuleType:
    """``src/tradeviz/paths.py`` loaded on its own (no package import, nothing else needed at build time)."""
    spec = importlib.util.spec_from_file_location("_tradeviz_paths", root / "src" / "tradeviz" / "paths.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        paths = _paths_module(root)
        bundle = f"tradeviz/{paths.BUNDLE}"
        for pattern in paths.shipped_patterns(root):
            matches = sorted(p for p in root.glob(pattern) if p.is_file())
            if not matches:
                raise FileNotFoundError(f"hatch_build.py: nothing matches {pattern!r} under {root}")
            for path in matches:
                build_data["force_include"][str(path)] = f"{bundle}/{path.relative_to(root).as_posix()}"
