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


def check(capsys: pytest.CaptureFixture[str], root: Path, argv: list[str], code: int, message: str) -> tuple[str, str]:
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
    (
        "bad-country",
        [{"notebook": "country_profile", "parameters": [{**PROFILE, "partner": "Atlantis"}]}],
        2,
        "Unknown country 'Atlantis'",
    ),
    ("params-not-list", [{"notebook": "overview", "parameters": {"a": 1}}], 2, "must be a list of mappings"),
]


@pytest.mark.parametrize(
    ("reports", "code", "message"), [c[1:] for c in CONFIG_CASES], ids=[c[0] for c in CONFIG_CASES]
)
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
        (
            "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
                f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
                f"*{chr(97 + i)}]\n"
                for i in range(9)
            ),
            "YAML aliases (*a) are not allowed",
        ),
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


@pytest.mark.parametrize(
    ("value", "message"), [("", "names no file"), ("notebooks", "cannot read")], ids=["empty", "a-folder"]
)
def test_config_option_naming_no_file(capsys, work, no_kernel, value, message):
    check(capsys, work, [*RENDER, "--config", value], 2, message)


# --- bad data: refused before any kernel, the previous site byte-identical ----------------------------------------


def _drop_last_column(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("".join(line.rsplit(",", 1)[0] + "\n" for line in lines), encoding="utf-8")


def _replace_in_row(path: Path, row: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[row]
    lines[row] = lines[row].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


def _abc_in_number(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[1].rstrip("\n").split(",")
    cells[header.index("value_usd_millions")] = "abc"
    lines[1] = ",".join(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def _duplicate_row(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines[:2], lines[1], *lines[2:]]), encoding="utf-8")


DATA_FAULTS = [
    ("missing-column", "curated/trade.csv", _drop_last_column, "missing column"),
    ("abc-in-a-number", "curated/trade.csv", _abc_in_number, "'abc' is not a valid number"),
    ("duplicate-key", "curated/trade.csv", _duplicate_row, "duplicate key"),
    ("empty-file", "curated/trade.csv", lambda p: p.write_bytes(b""), "empty"),
    ("truncated-line", "curated/trade.csv", lambda p: p.write_bytes(p.read_bytes()[:-25]), "row"),
    (
        "blank-required",
        "curated/trade.csv",
        lambda p: _replace_in_row(p, 1, "imf-dots-2022-02-02", ""),
        "row 2, column 'source_id'",
    ),
    (
        "unknown-source",
        "curated/trade.csv",
        lambda p: _replace_in_row(p, 1, "imf-dots-2022-02-02", "made-up"),
        "unknown source 'made-up'",
    ),
    ("not-utf8", "curated/trade.csv", lambda p: p.write_bytes(b"\xff\xfe" + p.read_bytes()), "not a readable CSV"),
    ("deleted-table", "curated/trade.csv", lambda p: p.unlink(), "not found"),
    ("invalid-datapackage", "datapackage.json", lambda p: p.write_text("{", "utf-8"), "not valid JSON"),
    ("datapackage-a-list", "datapackage.json", lambda p: p.write_text("[]", "utf-8"), "not a Data Package"),
    ("datapackage-deleted", "datapackage.json", lambda p: p.unlink(), "not found"),
]


@pytest.fixture
def previous_site(work: Path) -> dict[str, str]:
    """A site already in work/site (its bytes do not matter: they must not change)."""
    site = work / "site"
    (site / "data" / "curated").mkdir(parents=True)
    for name, text in [
        ("index.html", "<p>old</p>"),
        ("overview.html", "old page"),
        ("overview.ipynb", "{}"),
        ("data/curated/trade.csv", "old,data\n"),
        ("data/datapackage.json", "{}"),
    ]:
        (site / name).write_text(text, encoding="utf-8")
    return tree(site)


@pytest.mark.parametrize(("file", "damage", "message"), [c[1:] for c in DATA_FAULTS], ids=[c[0] for c in DATA_FAULTS])
def test_bad_data_fails_the_render_up_front_and_leaves_the_site(
    capsys, work, no_kernel, data_copy, previous_site, file, damage, message
):
    damage(data_copy / file)
    _, err = check(capsys, work, [*RENDER, "--config", config(work, [{"notebook": "overview"}])], 1, message)
    assert str(data_copy / file) in err  # names the file
    assert tree(work / "site") == previous_site


@pytest.mark.parametrize(("file", "damage", "message"), [c[1:] for c in DATA_FAULTS], ids=[c[0] for c in DATA_FAULTS])
def test_bad_data_is_bad_data_for_the_other_commands_too(capsys, work, data_copy, file, damage, message):
    damage(data_copy / file)
    _, err = check(capsys, work, ["growth", "KAZ", "1992", "2020"], 1, message)
    assert str(data_copy / file) in err


# --- every parameter checked before the first kernel (the notebooks' own checks, run up front) ---------------------

SWEEP_CASES = [
    ("start-2030", ["--only", "country_profile", "-p", "start_year", "2030"], "year 2030 is outside the data"),
    ("start-abc", ["--only", "country_profile", "-p", "start_year", "abc"], "not 'abc'"),
    ("end-2099", ["--only", "country_profile", "-p", "end_year", "2099"], "end_year 2099 is outside the data"),
    ("start-1980", ["--only", "country_profile", "-p", "start_year", "1980,2000"], "year 1980 is before 1992"),
    ("backwards", ["--only", "country_profile", "-p", "start_year", "2010", "-p", "end_year", "2005"], "2005"),
    ("end-decimal", ["--only", "country_profile", "-p", "end_year", "2020.5"], "end_year must be a year"),
    ("partner-mongolia", ["--only", "country_profile", "-p", "partner", "Mongolia"], "Unknown country 'Mongolia'"),
    ("partner-long", ["--only", "country_profile", "-p", "partner", "x" * 10000], "Unknown country"),
    ("misspelt", ["--only", "country_profile", "-p", "partnr", "KAZ"], "has no parameter 'partnr'"),
    ("map-year", ["--only", "overview", "-p", "map_year", "1980"], "year 1980 is before 1992"),
    ("base-year", ["--only", "overview", "-p", "base_year", "1800"], "base_year 1800 has no complete US CPI-U"),
    ("top-0", ["--only", "partners", "-p", "top_n", "0"], "top_n must be a whole number from 1 to 50, not 0"),
    ("top-51", ["--only", "partners", "-p", "top_n", "51"], "not 51"),
    ("top-text", ["--only", "partners", "-p", "top_n", "ten"], "not 'ten'"),
    ("partners-2021", ["--only", "partners", "-p", "year", "2021"], "2021"),
    ("as-of-2020", ["--only", "targets_and_pledges", "-p", "as_of_year", "2020"], "as_of_year 2020 is not a year"),
    ("mirror-backwards", ["--only", "mirror_statistics", "-p", "start_year", "2020", "-p", "end_year", "1992"], "1992"),
    ("mirror-2025", ["--only", "mirror_statistics", "-p", "end_year", "2025"], "2025 is outside the data"),
    ("no-only", ["-p", "partner", "KAZ"], "-p needs --only NOTEBOOK"),
    ("only-twice", ["--only", "overview", "--only", "partners"], "--only given twice"),
    ("out-twice", ["--only", "overview", "--out", "elsewhere"], "--out given twice"),
    ("jobs-0", ["--only", "overview", "--jobs", "0"], "jobs must be at least 1"),
    ("jobs-text", ["--only", "overview", "--jobs", "many"], "invalid int value"),
    ("only-unknown", ["--only", "../overview"], "Unknown report '../overview'"),
    ("sweep-escape", ["--only", "../notebooks/overview", "-p", "map_year", "2020"], "not a plain notebook name"),
]


@pytest.mark.parametrize("argv", [c[1] for c in SWEEP_CASES], ids=[c[0] for c in SWEEP_CASES])
def test_sweeps_are_checked_before_any_kernel(capsys, work, no_kernel, argv):
    message = dict((tuple(c[1]), c[2]) for c in SWEEP_CASES)[tuple(argv)]
    try:
        check(capsys, work, [*RENDER, *argv], 2, message)
    except SystemExit as exc:  # argparse's own errors
        assert exc.code == 2
        assert message in capsys.readouterr().err
    assert not (work / "site").exists()  # nothing written, in particular no .failed.ipynb


def test_every_refused_report_of_a_sweep_is_listed(capsys, work, no_kernel):
    _, err = check(
        capsys,
        work,
        [*RENDER, "--only", "country_profile", "-p", "start_year", "1980,2030,2000"],
        2,
        "2 report(s) refused before any kernel started",
    )
    assert "country_profile-1980:" in err and "country_profile-2030:" in err and "country_profile-2000" not in err


def test_unknown_parameter_in_a_config(capsys, work, no_kernel):
    reports = [{"notebook": "country_profile", "parameters": [{**PROFILE, "colour": "red"}]}]
    check(capsys, work, [*RENDER, "--config", config(work, reports)], 2, "has no parameter 'colour'")


def test_a_sweep_without_partner_takes_the_notebooks_default_for_the_title():
    from tradeviz.reports.config import load_config, sweep_reports

    [report] = sweep_reports(load_config(), "country_profile", {"end_year": [2024]})
    assert report.name == "country_profile-2024" and report.parameters == {"end_year": 2024}
    assert report.title == "Country profile: Kazakhstan, 1992–2024"


def test_notebooks_copy_into_an_empty_name_is_refused(capsys, work):
    check(capsys, work, ["notebooks", "copy", ""], 2, "needs a folder to copy into")


def test_a_terminal_that_cannot_show_the_symbols_still_gets_the_answer(tmp_path):
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "tradeviz", "growth", "KAZ", "1992", "2020"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "growth \\xd758.99" in done.stdout and not done.stderr
