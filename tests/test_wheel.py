"""The built wheel, installed into a fresh virtual environment outside the repository, works from any folder.

Slow (it builds the wheel and installs its dependencies, from pip's cache when warm): `pytest -m "not slow"` skips it;
`make test` and CI run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tradeviz import paths

pytestmark = pytest.mark.slow
ROOT = paths.PROJ_ROOT
PIP = ["-m", "pip", "--disable-pip-version-check", "--no-input"]


def _run(command: list[str], cwd: Path, env: dict[str, str], ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if ok:
        assert proc.returncode == 0, f"{command} exited {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    _run(
        [sys.executable, *PIP, "wheel", "--quiet", "--no-deps", "--wheel-dir", str(dist), str(ROOT)],
        ROOT,
        dict(os.environ),
    )
    (built,) = dist.glob("tradeviz-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A new venv (no system site-packages) holding the wheel and its dependencies, pinned by requirements.lock."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if k not in ("TRADEVIZ_DATA_DIR", "PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    env["VIRTUAL_ENV"] = str(venv)
    # no kernel spec from the user's own Jupyter folders: the wheel must work with what the venv itself provides
    env["JUPYTER_DATA_DIR"] = str(venv / "share" / "jupyter-user")
    _run(
        [str(venv / "bin" / "python"), *PIP, "install", "--quiet", "-c", str(ROOT / "requirements.lock"), str(wheel)],
        ROOT,
        env,
    )
    return venv, env


def test_the_wheel_ships_the_data_and_notebooks_but_not_raw(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    bundled = "tradeviz/bundled/"
    expected = [f"{bundled}data/curated/{p.name}" for p in (ROOT / "data" / "curated").glob("*.csv")]
    expected += [f"{bundled}notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")]
    expected += [
        f"{bundled}data/datapackage.json",
        f"{bundled}data/README.md",
        f"{bundled}notebooks/sanitize.cfg",
        f"{bundled}reports.yaml",
        "tradeviz/tradeviz.mplstyle",
        f"{bundled}data/raw/naturalearth-110m/ne_110m_admin_0_countries.json",
    ]
    assert not [n for n in expected if n not in names]
    raw = [n for n in names if n.startswith(f"{bundled}data/raw/")]
    assert not [n for n in raw if n.endswith((".xlsx", ".csv", ".txt")) and "LICENSE" not in n], "raw sources stay out"
    assert not [n for n in names if n.startswith(f"{bundled}data/raw/imf-dots/2")]


def test_the_installed_wheel_works_from_any_folder(installed: tuple[Path, dict[str, str]], tmp_path: Path):
    venv, env = installed
    bin_ = venv / "bin"
    where = _run(
        [
            str(bin_ / "python"),
            "-c",
            "from tradeviz import paths; import json; print(json.dumps("
            "[str(paths.NOTEBOOKS_DIR), str(paths.data_dir()), paths.is_clone()]))",
        ],
        tmp_path,
        env,
    )
    notebooks, data, clone = json.loads(where.stdout)
    assert not clone and Path(data).is_relative_to(venv) and Path(notebooks).is_relative_to(venv)

    growth = _run([str(bin_ / "tradeviz"), "growth", "KAZ", "1992", "2020"], tmp_path, env)
    assert "×58.99" in growth.stdout
    as_module = _run([str(bin_ / "python"), "-m", "tradeviz", "growth", "KAZ", "1992", "2020"], tmp_path, env)
    assert as_module.stdout == growth.stdout

    validate = _run([str(bin_ / "tradeviz"), "data", "validate"], tmp_path, env)
    assert "the Data Package is valid" in validate.stdout and "need a clone" in validate.stdout

    build = _run([str(bin_ / "tradeviz"), "data", "build"], tmp_path, env, ok=False)
    assert build.returncode == 1 and "needs data/raw" in build.stderr and "clone" in build.stderr

    out = tmp_path / "site"
    _run([str(bin_ / "tradeviz"), "render", "--only", "overview", "--quiet", "--out", str(out)], tmp_path, env)
    assert (out / "overview.html").stat().st_size > 10_000 and (out / "index.html").is_file()

    # plain papermill, no -k: the notebook's standard python3 kernel is this environment's
    _run(
        [
            str(bin_ / "papermill"),
            "--no-progress-bar",
            str(Path(notebooks) / "country_profile.ipynb"),
            "out.ipynb",
            "-p",
            "partner",
            "TJK",
        ],
        tmp_path,
        env,
    )
    executed = json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))
    assert not [o for c in executed["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]

    _run([str(bin_ / "tradeviz"), "notebooks", "copy", "mine"], tmp_path, env)
    assert sorted(p.name for p in (tmp_path / "mine").glob("*.ipynb")) == sorted(
        p.name for p in Path(notebooks).glob("*.ipynb")
    )
