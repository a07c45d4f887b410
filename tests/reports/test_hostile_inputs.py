"""A catalogue of careless and hostile inputs to the CLI: each gets a clean message and the documented exit code,
and nothing is written outside the output folder (issue 19).

Every case runs ``tradeviz.cli.main`` with a work folder ``tmp_path`` holding a copy of the fixture notebooks
and an output folder ``site/``; afterwards the tree of ``tmp_path`` outside ``site/`` must be as it was.
The fast cases start no kernel (``engine.Engine.start`` fails the test); cases that must render are marked slow.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
import yaml

from tradeviz import cli
from tradeviz.reports import engine

FIXTURES = Path(__file__).parents[1] / "fixtures" / "render"
PROFILE = {"partner": "KAZ", "start_year": 1992, "end_year": 2020}


def tree(root: Path, skip: Path | None = None) -> dict[str, str]:
    """sha256 of every file under ``root`` (symbolic links by target), except those under ``skip``."""
    found = {}
    for path in sorted(root.rglob("*")):
        if skip is not None and path.is_relative_to(skip):
            continue
        if path.is_symlink():
            found[path.relative_to(root).as_posix()] = f"-> {os.readlink(path)}"
        elif path.is_file():
            found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path/work/notebooks (the fixture notebooks), tmp_path/work/site (the output); cwd is work/."""
    root = tmp_path / "work"
    shutil.copytree(FIXTURES, root / "notebooks")
    (root / "outside").mkdir()
    (root / "outside" / "evil.ipynb").write_bytes((FIXTURES / "overview.ipynb").read_bytes())
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def no_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a kernel was started for an input that must be refused first")

    monkeypatch.setattr(engine.Engine, "start", forbidden)


def config(root: Path, reports: list, **extra: object) -> str:
    path = root / "notebooks" / "hostile.yaml"
    path.write_text(yaml.safe_dump({"title": "T", "notebook_dir": ".", "reports": reports, **extra}), "utf-8")
    return str(path)


def check(
    capsys: pytest.CaptureFixture[str], root: Path, argv: list[str], code: int, message: str
) -> tuple[str, str]:
    before = tree(root, skip=root / "site")
    got = cli.main(argv)
    out, err = capsys.readouterr()
    assert got == code, err
    assert message in err, err
    assert "Traceback" not in err and len(err) < 5000, err[:2000]
    assert tree(root, skip=root / "site") == before  # nothing written outside --out
    return out, err


RENDER = ["render", "--quiet", "--out", "site"]

# (id, config reports, exit code, message); the config file is written into notebooks/ with notebook_dir '.'
CONFIG_CASES = [
    ("dotdot", [{"notebook": "../outside/evil"}], 2, "not a plain notebook name"),
    ("dotdot-deep", [{"notebook": "../../esc/evilnb"}], 2, "not a plain notebook name"),
    ("absolute", [{"notebook": "/tmp/evil"}], 2, "not a plain notebook name"),
    ("subfolder", [{"notebook": "sub/overview"}], 2, "not a plain notebook name"),
    ("backslash", [{"notebook": "..\\outside\\evil"}], 2, "not a plain notebook name"),
    ("suffix", [{"notebook": "overview.ipynb"}], 2, "not a plain notebook name"),
    ("hidden", [{"notebook": ".overview"}], 2, "not a plain notebook name"),
    ("empty-name", [{"notebook": ""}], 2, "not a plain notebook name"),
    ("long-name", [{"notebook": "x" * 10000}], 2, "not a plain notebook name"),
    ("not-a-string", [{"notebook": 3}], 2, "needs a 'notebook' name"),
    ("missing", [{"notebook": "not_written_yet"}], 2, "not_written_yet.ipynb"),
    ("no-reports", [], 2, "lists no report"),
    ("bad-scope", [{"notebook": "overview", "data_scope": "all"}], 2, "'data_scope' may only be 'partner'"),
    ("bad-title", [{"notebook": "overview", "title": "{nope}"}], 2, "cannot be filled"),
    ("duplicate", [{"notebook": "overview"}, {"notebook": "overview"}], 2, "several reports would be written"),
    ("bad-country", [{"notebook": "country_profile", "parameters": [{**PROFILE, "partner": "Atlantis"}]}], 2,
     "Unknown country 'Atlantis'"),
    ("params-not-list", [{"notebook": "overview", "parameters": {"a": 1}}], 2, "must be a list of mappings"),
]


@pytest.mark.parametrize(("reports", "code", "message"), [c[1:] for c in CONFIG_CASES],
                         ids=[c[0] for c in CONFIG_CASES])
def test_config_entries_are_checked_before_any_kernel(capsys, work, no_kernel, reports, code, message):
    check(capsys, work, [*RENDER, "--config", config(work, reports)], code, message)


def test_a_symlink_out_of_the_notebook_folder_is_refused(capsys, work, no_kernel):
    (work / "notebooks" / "linked.ipynb").symlink_to(work / "outside" / "evil.ipynb")
    _, err = check(capsys, work, [*RENDER, "--config", config(work, [{"notebook": "linked"}])], 2, "outside")
    assert "'linked'" in err


@pytest.mark.parametrize("where", ["notebooks", "data", "data/curated", "."])
def test_out_may_not_be_the_notebook_or_the_data_folder(capsys, work, no_kernel, monkeypatch, where):
    data = work / "data"
    shutil.copytree(Path(__file__).parents[2] / "data" / "curated", data / "curated")
    shutil.copy(Path(__file__).parents[2] / "data" / "datapackage.json", data)
    monkeypatch.setenv("TRADEVIZ_DATA_DIR", str(data))
    before = tree(work)
    code = cli.main(["render", "--quiet", "--config", config(work, [{"notebook": "overview"}]), "--out", where])
    _, err = capsys.readouterr()
    assert code == 2 and "--out" in err and "Traceback" not in err, err
    after = tree(work)
    after.pop("notebooks/hostile.yaml"), before.pop("notebooks/hostile.yaml", None)
    assert after == before


# --- what is read from the user is bounded --------------------------------------------------------------------


def test_config_dev_zero_ends_fast(capsys, work, no_kernel):
    check(capsys, work, [*RENDER, "--config", "/dev/zero"], 2, "larger than 1024 KiB")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
         + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
                   f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
                   f"*{chr(97 + i)}]\n" for i in range(9)), "YAML aliases (*a) are not allowed"),
        ("reports: !!python/object/apply:os.system ['true']\n", "not valid YAML"),
        ("reports: [\n", "not valid YAML"),
        ("\xff\xfe", "not UTF-8"),
        ("- just\n- a list\n", "expected a mapping with a 'reports' list"),
        ("reports: overview\n", "expected a mapping with a 'reports' list"),
        ("", "expected a mapping with a 'reports' list"),
    ],
    ids=["alias-bomb", "python-tag", "unclosed", "not-utf8", "a-list", "reports-a-string", "empty"],
)
def test_malformed_configs(capsys, work, no_kernel, text, message):
    path = work / "notebooks" / "bad.yaml"
    path.write_bytes(text.encode("latin-1") if text.startswith("\xff") else text.encode())
    check(capsys, work, [*RENDER, "--config", str(path)], 2, message)


def test_config_over_one_mebibyte_is_refused(capsys, work, no_kernel):
    path = work / "notebooks" / "big.yaml"
    path.write_text("reports: []\n" + "#" * (1 << 20) + "\n")
    check(capsys, work, [*RENDER, "--config", str(path)], 2, "larger than 1024 KiB")


@pytest.mark.parametrize(("value", "message"), [("", "names no file"), ("notebooks", "cannot read")],
                         ids=["empty", "a-folder"])
def test_config_option_naming_no_file(capsys, work, no_kernel, value, message):
    check(capsys, work, [*RENDER, "--config", value], 2, message)
