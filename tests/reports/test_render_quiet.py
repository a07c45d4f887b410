"""``tradeviz render --quiet``: the summary line, then which reports failed and why (fixture notebooks)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tradeviz import cli

FIXTURES = Path(__file__).parents[1] / "fixtures" / "render"


def test_quiet_names_each_failed_report_and_its_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(FIXTURES / "failing.ipynb", notebooks / "failing.ipynb")
    config = notebooks / "reports.yaml"
    config.write_text(
        yaml.safe_dump({"title": "Test", "notebook_dir": ".", "reports": [{"notebook": "failing"}]}, sort_keys=False)
    )
    out = tmp_path / "reports"

    code = cli.main(["render", "--config", str(config), "--out", str(out), "--jobs", "1", "--quiet"])

    captured = capsys.readouterr()
    assert code == cli.EXIT_FAILURE and captured.err == ""
    headline, failed = captured.out.splitlines()
    assert headline.startswith("0 report(s) rendered, 0 unchanged (skipped), 1 failed in ")
    assert failed == (
        "  FAILED failing: RuntimeError: fixture notebook failing on purpose (cell [3]) "
        f"(see {out.resolve() / 'failing.failed.ipynb'})"
    )
