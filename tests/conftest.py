"""Shared fixtures: a temporary copy of data/ that tests may break without touching the real one."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tradeviz import paths


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of ``data/``; the loaders and the build read it via ``TRADEVIZ_DATA_DIR``."""
    copy = tmp_path / "data"
    shutil.copytree(paths.PROJ_ROOT / "data", copy)
    monkeypatch.setenv("TRADEVIZ_DATA_DIR", str(copy))
    return copy


# Fixture notebooks (some fail on purpose) are inputs to tests, not nbval references.
collect_ignore_glob = ["fixtures/*"]


@pytest.fixture
def imported_by() -> Callable[[str, tuple[str, ...]], list[str]]:
    """``imported_by(code, modules)``: which of ``modules`` a fresh interpreter has imported after running ``code``
    (start-up cost: a command or process that must not load them)."""

    def run(code: str, modules: tuple[str, ...]) -> list[str]:
        probe = f"{code}\nimport sys\nprint(sorted(m for m in {modules!r} if m in sys.modules))"
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
        return list(ast.literal_eval(out.strip().splitlines()[-1]))

    return run
