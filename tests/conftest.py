"""Shared fixtures: a temporary copy of data/ that tests may break without touching the real one."""

from __future__ import annotations

import shutil
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
