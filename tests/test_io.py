"""tradeviz.io: atomic writes honour the umask (tempfile.mkstemp alone makes 0600)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tradeviz import io


@pytest.fixture
def umask():
    def set_mask(mask: int) -> None:
        os.umask(mask)

    old = os.umask(0o022)
    os.umask(old)
    yield set_mask
    os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_get_the_mode_open_would_give(tmp_path: Path, umask, mask: int, mode: int):
    umask(mask)
    assert io.current_umask() == mask
    target = tmp_path / "sub" / "page.html"
    io.atomic_write_bytes(target, b"x")
    io.atomic_write_text(tmp_path / "text.csv", "y")
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "text.csv").stat().st_mode) == mode
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["page.html", "sub", "text.csv"]  # no temporary left
