"""The render manifest notices a change to any module of the package, however deep, and a module moved between
subpackages (so a refactoring re-renders the reports)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tradeviz import paths
from tradeviz.reports import manifest


@pytest.fixture
def package_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    copy = tmp_path / "tradeviz"
    shutil.copytree(paths.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "bundled"))
    monkeypatch.setattr(paths, "PACKAGE_DIR", copy)
    manifest.clear_caches()
    yield copy
    manifest.clear_caches()


def _digest() -> str:
    manifest.clear_caches()
    return manifest.tradeviz_digest()


def test_a_change_in_a_subpackage_changes_the_digest(package_copy: Path) -> None:
    before = _digest()
    module = package_copy / "measures" / "growth.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert _digest() != before


def test_moving_a_module_re_renders_the_reports(package_copy: Path) -> None:
    before = _digest()
    source = Path(paths.NOTEBOOKS_DIR / "overview.ipynb")
    recorded = manifest.inputs(source, {}, {"notebook": "overview"}, paths.data_dir(), None)
    (package_copy / "measures" / "mirror.py").rename(package_copy / "text" / "mirror.py")
    assert _digest() != before
    current = manifest.inputs(source, {}, {"notebook": "overview"}, paths.data_dir(), None)
    assert manifest.changed(current, recorded) == ["tradeviz"]
