"""Every error a user can cause at the command line: one message on stderr, a non-zero exit, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tradeviz import cli, paths


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    _, err = capsys.readouterr()
    return code, err


def one_message(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


def test_data_dir_override_that_is_not_a_folder(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("TRADEVIZ_DATA_DIR", str(tmp_path / "nowhere"))
    code, err = run(capsys, "growth", "KAZ", "1992", "2020")
    assert code == 1 and "TRADEVIZ_DATA_DIR=" in one_message(err) and "is not a folder" in err


def test_missing_data_layout(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("TRADEVIZ_DATA_DIR", raising=False)
    monkeypatch.setattr(paths, "PROJ_ROOT", tmp_path)  # a tree without data/
    code, err = run(capsys, "growth", "KAZ", "1992", "2020")
    assert code == 1 and "TRADEVIZ_DATA_DIR" in one_message(err)


def test_render_out_naming_a_file(capsys, tmp_path):
    target = tmp_path / "site.html"
    target.write_text("not a folder")
    code, err = run(capsys, "render", "--only", "overview", "--quiet", "--out", str(target))
    assert code == 2 and "is a file" in one_message(err)
    code, err = run(capsys, "render", "--only", "overview", "--quiet", "--out", str(target / "sub"))
    assert code == 2 and "cannot write reports" in one_message(err)


def test_render_out_unwritable(capsys, tmp_path):
    if os.geteuid() == 0:  # root writes anywhere chmod allows nothing; /proc takes no new files, even from root
        target = Path("/proc")
        if not sys.platform.startswith("linux"):
            pytest.skip("needs /proc or a non-root user")
    else:
        target = tmp_path / "locked"
        target.mkdir(mode=0o500)
    code, err = run(capsys, "render", "--only", "overview", "--quiet", "--out", str(target))
    assert code == 2 and f"cannot write reports to {target}" in one_message(err)


def test_render_without_a_kernel(capsys, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "ipykernel", None)
    monkeypatch.setitem(sys.modules, "ipykernel.kernelspec", None)
    code, err = run(capsys, "render", "--only", "overview", "--quiet", "--out", str(tmp_path))
    assert code == 1 and "install ipykernel" in one_message(err)
    assert not list(tmp_path.glob("*.html"))


def test_no_traceback_from_a_real_process_run_as_python_m_tradeviz(tmp_path):
    env = {**os.environ, "TRADEVIZ_DATA_DIR": str(tmp_path / "nowhere")}
    proc = subprocess.run(
        [sys.executable, "-m", "tradeviz", "growth", "KAZ", "1992", "2020"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 1 and proc.stdout == ""
    one_message(proc.stderr)


def test_without_data_raw_the_build_says_it_needs_a_clone_and_validate_says_what_it_skipped(capsys, data_copy):
    (data_copy / "raw" / "provenance.json").unlink()  # what a wheel install looks like: no full data/raw
    code, err = run(capsys, "data", "build")
    assert code == 1 and "needs data/raw" in one_message(err) and "clone" in err
    code = cli.main(["data", "validate"])
    out, err = capsys.readouterr()
    assert code == 0 and "the Data Package is valid" in out and "need a clone" in out
    assert err.startswith("note: raw checksums and build freshness not checked")


def test_notebooks_copy_gives_editable_copies_and_never_overwrites_silently(capsys, tmp_path):
    assert cli.main(["notebooks", "copy", str(tmp_path / "mine")]) == 0
    copied = sorted(p.name for p in (tmp_path / "mine").glob("*.ipynb"))
    assert copied == sorted(p.name for p in paths.NOTEBOOKS_DIR.glob("*.ipynb"))
    capsys.readouterr()
    code, err = run(capsys, "notebooks", "copy", str(tmp_path / "mine"))
    assert code == 2 and "--force" in one_message(err)
    assert cli.main(["notebooks", "copy", str(tmp_path / "mine"), "--force"]) == 0


def test_growth_to_a_year_after_the_data_is_bad_input(capsys):
    for country in ("KAZ", "KGZ"):
        code, err = run(capsys, "growth", country, "1992", "2030")
        assert code == 2 and "year 2030 is outside the data" in one_message(err)


def test_top_names_the_option(capsys):
    code, err = run(capsys, "partners", "KAZ", "2020", "--top", "0")
    assert code == 2 and one_message(err).startswith("error: --top 0:")


def test_a_closed_pipe_is_quiet(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "tradeviz", "partners", "china", "2020", "--top", "50", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before anything is written (as `| head -c0`)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) in (0, 141) and err == "", err
