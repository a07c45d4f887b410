"""The render engine: sweeps, skipping unchanged reports, isolation of kernels forked from the template, and
what happens when the render is killed (tradeviz.reports.engine, tradeviz.reports.manifest; tiny fixture notebooks)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest
import yaml

from tradeviz import cli
from tradeviz.countries import UnknownCountryError
from tradeviz.reports import config, engine
from tradeviz.reports import render as render_module
from tradeviz.reports.config import RenderConfigError, UnknownReportError
from tradeviz.reports.render import render_reports

FIXTURES = Path(__file__).parents[1] / "fixtures" / "render"
CONFIG = FIXTURES / "reports.yaml"
SRC = Path(render_module.__file__).resolve().parents[2]


def run(**kwargs):
    return render_reports(**{"jobs": 2, "progress": False, **kwargs})


def files(directory: Path) -> dict[str, bytes]:
    """Every file written, by path relative to ``directory`` (the front page's downloads are in data/)."""
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def write_config(path: Path, reports: list[dict], title: str = "Test") -> Path:
    path.write_text(yaml.safe_dump({"title": title, "notebook_dir": ".", "reports": reports}, sort_keys=False))
    return path


@pytest.fixture
def no_execution(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("rendering started before the arguments were validated")

    monkeypatch.setattr(engine.Engine, "start", forbidden)


# --- sweeps ------------------------------------------------------------------------------------


def test_sweep_renders_the_cross_product_and_the_index_lists_it(capsys, tmp_path):
    code = cli.main(
        ["render", "--config", str(CONFIG), "--only", "country_profile", "-p", "partner", "KAZ,kg"]
        + ["-p", "start_year", "1992,2000", "-p", "end_year", "2020", "--out", str(tmp_path), "--json"]
    )
    summary = json.loads(capsys.readouterr().out)
    assert code == 0, summary
    names = [f"country_profile-{p}-{y}-2020" for p in ("KAZ", "KGZ") for y in (1992, 2000)]
    assert summary["rendered"] == names and summary["counts"] == {"rendered": 4, "skipped": 0, "failed": 0}
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    for name in names:
        assert f'href="{name}.html"' in page
    assert "Country profile: Kyrgyzstan, 2000–2020" in page  # the config's title template
    nb = json.loads((tmp_path / f"{names[3]}.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"] == {"partner": "KGZ", "start_year": 2000, "end_year": 2020}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-p", "partner", "KAZ,Atlantis"], "Unknown country 'Atlantis'. Valid choices: KAZ (Kazakhstan)"),
        (["-p", "partnr", "KAZ"], "country_profile has no parameter 'partnr'; its parameters: partner, start_year"),
        (["-p", "partner", "KAZ,,KGZ"], "empty value"),
        (["-p", "partner", "KAZ", "-p", "partner", "KGZ"], "-p partner given twice"),
    ],
)
def test_bad_sweep_fails_before_anything_runs(capsys, no_execution, tmp_path, argv, message):
    out = tmp_path / "out"
    code = cli.main(["render", "--config", str(CONFIG), "--only", "country_profile", *argv, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not out.exists()


def test_sweep_needs_one_notebook(no_execution, tmp_path):
    with pytest.raises(UnknownReportError, match="-p needs --only NOTEBOOK"):
        run(config=CONFIG, out=tmp_path, sweep={"partner": ["KAZ"]})
    with pytest.raises(UnknownReportError, match="no notebook"):
        run(config=CONFIG, out=tmp_path, only="nope", sweep={"partner": ["KAZ"]})
    with pytest.raises(RenderConfigError, match="Unknown country 'Mongolia'. Valid choices"):  # as in a config
        run(config=CONFIG, out=tmp_path, only="country_profile", sweep={"partner": ["Mongolia"]})
    with pytest.raises(UnknownCountryError):  # --partner on a sweep: as --partner on a config
        run(config=CONFIG, out=tmp_path, only="country_profile", sweep={"partner": ["KAZ"]}, partner="Mongolia")
    with pytest.raises(RenderConfigError, match="has no parameter"):
        run(config=CONFIG, out=tmp_path, only="overview", sweep={"partner": ["KAZ"]})


def test_parse_values_types():
    assert config.parse_values("KAZ, 2000,1.5") == ["KAZ", 2000, 1.5]


# --- only what changed -------------------------------------------------------------------------


def test_changes_re_render_exactly_the_affected_reports(data_copy, tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(FIXTURES, notebooks)
    config = write_config(
        notebooks / "reports.yaml",
        [
            {"notebook": "overview"},
            {
                "notebook": "country_profile",
                "data_scope": "partner",
                "parameters": [{"partner": p, "start_year": 1992, "end_year": 2020} for p in ("KAZ", "KGZ")],
            },
        ],
    )
    out = tmp_path / "reports"
    first = run(config=config, out=out)
    assert first.ok and len(first.succeeded) == 3 and first.skipped == []
    before = files(out)

    again = run(config=config, out=out)
    assert (again.succeeded, again.skipped) == (
        [],
        ["overview", *(f"country_profile-{p}-1992-2020" for p in ("KAZ", "KGZ"))],
    )
    assert files(out) == before

    trade = data_copy / "curated" / "trade.csv"  # one KAZ row changes
    lines = trade.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if ",CHN,KAZ,exports," in line)
    fields = lines[row].split(",")
    fields[5] = str(float(fields[5]) + 1)
    lines[row] = ",".join(fields)
    trade.write_text("".join(lines), encoding="utf-8")
    summary = run(config=config, out=out)
    assert summary.succeeded == ["overview", "country_profile-KAZ-1992-2020"]
    assert summary.skipped == ["country_profile-KGZ-1992-2020"]

    nb = nbformat.read(notebooks / "country_profile.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("One more line."))
    nbformat.write(nb, notebooks / "country_profile.ipynb")
    summary = run(config=config, out=out)
    assert summary.succeeded == ["country_profile-KAZ-1992-2020", "country_profile-KGZ-1992-2020"]
    assert summary.skipped == ["overview"]

    kept = files(out)
    forced = run(config=config, out=out, force=True)
    assert forced.skipped == [] and len(forced.succeeded) == 3
    assert files(out) == kept  # skipped outputs are byte-identical to a forced re-render
    recorded = json.loads((out / "overview.ipynb").read_text(encoding="utf-8"))["metadata"]["tradeviz"]["inputs"]
    assert sorted(recorded) == ["config_entry", "data", "environment", "notebook", "parameters", "tradeviz"]
    tradeviz_meta = json.loads((out / "overview.ipynb").read_text(encoding="utf-8"))["metadata"]["tradeviz"]
    assert tradeviz_meta["html_sha256"] == hashlib.sha256((out / "overview.html").read_bytes()).hexdigest()


def test_failed_or_missing_outputs_are_never_skipped(tmp_path):
    config = write_config(tmp_path / "reports.yaml", [{"notebook": "overview"}])
    shutil.copy(FIXTURES / "overview.ipynb", tmp_path / "overview.ipynb")
    out = tmp_path / "out"
    assert run(config=config, out=out).succeeded == ["overview"]
    (out / "overview.html").unlink()
    assert run(config=config, out=out).succeeded == ["overview"]
    (out / "overview.failed.ipynb").write_text("{}")
    assert run(config=config, out=out).succeeded == ["overview"]
    assert run(config=config, out=out).skipped == ["overview"]
    good = (out / "overview.html").read_bytes()
    (out / "overview.html").write_bytes(good.replace(b"</body>", b"<p>tampered</p></body>"))  # not the page written
    assert run(config=config, out=out).succeeded == ["overview"]
    assert (out / "overview.html").read_bytes() == good
    assert run(config=config, out=out).skipped == ["overview"]


def test_an_unchanged_render_reads_no_table_and_a_render_with_work_checks_them_first(tmp_path, monkeypatch):
    """Nothing to execute: the skip decision comes from the recorded inputs alone (the tables are not parsed).
    Something to execute: every table is checked before a process starts, as before."""
    from tradeviz import data

    config = write_config(tmp_path / "reports.yaml", [{"notebook": "overview"}])
    shutil.copy(FIXTURES / "overview.ipynb", tmp_path / "overview.ipynb")
    out = tmp_path / "out"
    assert run(config=config, out=out).succeeded == ["overview"]

    def refuse() -> None:
        raise data.DataError("trade.csv row 2: broken on purpose")

    monkeypatch.setattr(data, "check_tables", refuse)
    assert run(config=config, out=out).skipped == ["overview"]
    with pytest.raises(data.DataError, match="broken on purpose"):
        run(config=config, out=out, force=True)
    assert run(config=config, out=out).skipped == ["overview"]  # the refused render replaced nothing


def test_the_template_starts_during_the_checks_and_ends_when_they_fail(tmp_path, monkeypatch):
    """The template imports while the render process checks the tables; a failed check starts no worker and no
    kernel, ends the template and removes the run's folder."""
    from tradeviz import data

    config = write_config(tmp_path / "reports.yaml", [{"notebook": "overview"}])
    shutil.copy(FIXTURES / "overview.ipynb", tmp_path / "overview.ipynb")
    started: list[engine.Engine] = []
    real_start_template = engine.Engine.start_template

    def spy(self: engine.Engine) -> None:
        started.append(self)
        real_start_template(self)

    def refuse() -> None:
        raise data.DataError("trade.csv row 2: broken on purpose")

    def no_workers(self: engine.Engine) -> None:
        raise AssertionError("workers started before the checks passed")

    monkeypatch.setattr(engine.Engine, "start_template", spy)
    monkeypatch.setattr(engine.Engine, "start", no_workers)
    monkeypatch.setattr(data, "check_tables", refuse)
    with pytest.raises(data.DataError, match="broken on purpose"):
        run(config=config, out=tmp_path / "out")
    (pool,) = started
    assert pool.template is None and not pool.run_dir.exists() and not (tmp_path / "out").exists()


def test_the_render_process_and_its_workers_draw_nothing(imported_by):
    """Neither the render process (which also answers an unchanged re-render) nor a worker imports matplotlib or
    the charts: charts are drawn in kernels only, and the chart record's format lives in tradeviz.records."""
    code = (
        "from tradeviz.reports import engine, render; engine.skip_unused_imports(); "
        "from tradeviz.reports import execute; execute.init_worker()"
    )
    assert imported_by(code, ("matplotlib", "tradeviz.charts")) == []


def test_a_signal_while_the_engine_closes_still_removes_its_temporary_folder(tmp_path):
    """SIGINT during the graceful end of a render (Interrupted raised in close) left template.sock behind."""
    pool = engine.Engine(1)
    (pool.run_dir / "template.sock").write_text("")
    sleeper = subprocess.Popen(["sleep", "60"])

    class Stopped:
        pid = sleeper.pid

        def wait(self, timeout=None):
            if timeout is not None:
                raise engine.Interrupted(signal.SIGINT)
            return sleeper.wait()

        def poll(self):
            return sleeper.poll()

        def kill(self):
            sleeper.kill()

    pool.template = Stopped()  # type: ignore[assignment]

    class Conn:
        def send(self, value):
            pass

        def close(self):
            pass

    pool.workers = [(Stopped(), Conn())]  # type: ignore[list-item]
    with pytest.raises(engine.Interrupted):
        pool.close()
    assert not pool.run_dir.exists() and sleeper.poll() is not None


def test_quiet_prints_one_line(capsys, tmp_path):
    code = cli.main(["render", "--config", str(CONFIG), "--only", "overview", "--out", str(tmp_path), "--quiet"])
    captured = capsys.readouterr()
    assert code == 0 and captured.err == ""
    [line] = captured.out.splitlines()
    assert line.startswith("1 report(s) rendered, 0 unchanged (skipped), 0 failed in ")


# --- isolation ---------------------------------------------------------------------------------

LEAKY = """\
import os, sys
import matplotlib as mpl
import tradeviz.countries
first_in_kernel = {"pandas": "pandas" in sys.modules, "tradeviz.charts": "tradeviz.charts" in sys.modules}
LEAKED_GLOBAL = "from the leaky report"
mpl.rcParams["lines.linewidth"] = 9.5
tradeviz.countries.name = lambda code: "PATCHED"
os.environ["TRADEVIZ_LEAK"] = "1"
print(json.dumps({"pid": os.getpid(), "ppid": os.getppid(), "warm": first_in_kernel}))
"""

PROBE = """\
import os, sys
import matplotlib as mpl
import tradeviz.countries
print(json.dumps({
    "pid": os.getpid(),
    "ppid": os.getppid(),
    "global": "LEAKED_GLOBAL" in globals(),
    "linewidth": mpl.rcParams["lines.linewidth"],
    "name": tradeviz.countries.name("KAZ"),
    "env": os.environ.get("TRADEVIZ_LEAK"),
}))
"""


def notebook(path: Path, code: str) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import json\n" + code)])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nbformat.write(nb, path)


def printed(out: Path, name: str) -> dict:
    nb = json.loads((out / f"{name}.ipynb").read_text(encoding="utf-8"))
    return json.loads("".join(nb["cells"][0]["outputs"][0]["text"]))


def test_a_report_cannot_affect_the_next_one(tmp_path):
    notebook(tmp_path / "leaky.ipynb", LEAKY)
    notebook(tmp_path / "probe.ipynb", PROBE)
    config = write_config(tmp_path / "reports.yaml", [{"notebook": "leaky"}, {"notebook": "probe"}])
    summary = run(config=config, out=tmp_path / "out", jobs=1)  # one worker: the probe runs right after
    assert summary.ok, summary.describe()
    leaky, probe = printed(summary.out, "leaky"), printed(summary.out, "probe")
    assert leaky["warm"] == {"pandas": True, "tradeviz.charts": True}  # forked from the warm template
    assert leaky["ppid"] == probe["ppid"] and leaky["pid"] != probe["pid"]  # siblings: both children of it
    assert probe == {
        "pid": probe["pid"],
        "ppid": probe["ppid"],
        "global": False,
        "linewidth": 1.5,
        "name": "Kazakhstan",
        "env": None,
    }


# --- processes: fork safety, signals, SIGKILL ------------------------------------------------

RENDER_SCRIPT = """\
import sys, threading, time
from pathlib import Path
from tradeviz.reports.engine import Interrupted
from tradeviz.reports import render as render_module
from tradeviz.reports.render import render_reports
# a thread in the render process (as tqdm's monitor or pytest-xdist would start): nothing forks from here
threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
try:
    summary = render_reports(config=Path(sys.argv[1]), out=Path(sys.argv[2]), jobs=2, progress=False, force=True)
except Interrupted as exc:
    sys.exit(128 + exc.signum)
print(summary.headline())
sys.exit(0 if summary.ok else 1)
"""


@pytest.fixture
def config6(tmp_path):
    """Six fixture reports: the overview and five country profiles."""
    parameters = [
        {"partner": p, "start_year": y, "end_year": 2020} for p in ("KAZ", "KGZ", "TJK") for y in (1992, 2000)
    ]
    reports = [{"notebook": "overview"}, {"notebook": "country_profile", "parameters": parameters[:5]}]
    path = tmp_path / "reports.yaml"
    path.write_text(yaml.safe_dump({"title": "Six", "notebook_dir": str(FIXTURES), "reports": reports}))
    return path


def survivors(marker: str) -> list[int]:
    """Processes (other than this one) whose environment carries ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.fixture
def tmp(tmp_path):
    """A short TMPDIR for the render (Unix socket paths are limited to about 100 bytes)."""
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="tvz-", dir="/tmp" if os.path.isdir("/tmp") else None))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def start_render(config: Path, out: Path, tmp: Path, marker: str, extra_env: dict | None = None) -> subprocess.Popen:
    env = {**os.environ, "TRADEVIZ_TEST_MARKER": marker, "TMPDIR": str(tmp), **(extra_env or {})}
    return subprocess.Popen(
        [sys.executable, "-c", RENDER_SCRIPT, str(config), str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_gone(marker: str, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := survivors(marker)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


needs_linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal and /proc: Linux")


@needs_linux
def test_no_fork_from_a_threaded_process(config6, tmp_path, tmp):
    """Python >= 3.12 warns (DeprecationWarning) when a multi-threaded process forks; as an error, in every
    process of the render, it would fail the render.  The template also refuses to fork if it has threads."""
    marker = uuid.uuid4().hex
    proc = start_render(
        config6, tmp_path / "out", tmp, marker, {"PYTHONWARNINGS": "error:This process:DeprecationWarning"}
    )
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert "multi-threaded" not in stderr and "6 report(s) rendered" in stdout
    assert wait_gone(marker, 5) == []


@needs_linux
@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 1.5, 3.0, 5.0])
def test_sigkill_at_any_moment_leaves_nothing_running(config6, tmp_path, tmp, delay):
    out = tmp_path / "out"
    first = start_render(config6, out, tmp, uuid.uuid4().hex)
    assert first.wait(timeout=300) == 0, first.stderr.read() if first.stderr else ""
    good = {k: v for k, v in files(out).items() if k != "index.html"}

    marker = uuid.uuid4().hex
    proc = start_render(config6, out, tmp, marker)
    time.sleep(delay)
    proc.kill()
    proc.wait()
    assert wait_gone(marker, 5) == [], "processes of the killed render still running after 5 s"
    now = files(out)
    for name, content in good.items():  # every previous good report intact (a forced re-render is identical)
        assert now[name] == content, name


@needs_linux
@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_sigint_and_sigterm_stop_cleanly(config6, tmp_path, tmp, signum):
    out = tmp_path / "out"
    marker = uuid.uuid4().hex
    proc = start_render(config6, out, tmp, marker)
    deadline = time.monotonic() + 120
    while not list(out.glob("*.html")) and time.monotonic() < deadline:  # stop it once a report is written
        time.sleep(0.05)
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signum and "Traceback" not in stderr, stderr
    assert wait_gone(marker, 5) == []
    written = sorted(p.name for p in out.iterdir())
    assert "overview.html" in written or any(n.startswith("country_profile") for n in written)
    assert [n for n in written if n.endswith(".tmp") or n.startswith(".")] == []  # no temporary files
    assert list(tmp.iterdir()) == []  # the run's scratch folder (kernel sockets, connection files) is gone


def test_interrupted_cli_exit_code(monkeypatch, capsys, tmp_path):
    def interrupted(*args, **kwargs):
        raise engine.Interrupted(signal.SIGTERM)

    monkeypatch.setattr(render_module, "render_reports", interrupted)
    assert cli.main(["render", "--config", str(CONFIG), "--out", str(tmp_path)]) == 128 + signal.SIGTERM
    assert "interrupted by SIGTERM" in capsys.readouterr().err


@needs_linux
def test_a_kernel_whose_template_is_already_gone_exits():
    """A kernel checks its parent against the template's pid taken before the fork: forked just before the
    template was killed, it exits instead of living on under init (it then held the render's stderr open and
    started a TCP kernel of its own, its connection file being gone)."""
    code = (
        "import os, sys, time\n"
        "from tradeviz.reports import engine\n"
        "template = os.getpid()\n"
        "child = os.fork()\n"
        "if child == 0:\n"
        "    time.sleep(0.5)  # the template is killed meanwhile\n"
        "    engine.die_with_parent(template)\n"
        "    open(sys.argv[1], 'w').write('alive')\n"
        "    os._exit(0)\n"
        "os._exit(0)\n"
    )
    marker = Path(tempfile.mkdtemp()) / "alive"
    subprocess.run([sys.executable, "-c", code, str(marker)], check=True)
    time.sleep(1.0)
    assert not marker.exists()


WARM_UP_CHECK = """
import pickle, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # as in the template: the helper is reaped by the system
from tradeviz import countries, data
from tradeviz.measures import annual, common
from tradeviz.reports import engine, warmup
import pandas as pd

warmup.warm_up()
series = common._MEMO_CACHES["tradeviz.measures.annual.annual_series"]
assert len(series) == 1 + len(countries.FIVE), len(series)  # computed by the helper, handed over
held = common.memo_keys()
args = (data.load_comtrade(), data.load_trade(), data.load_published_series(), "TJK")
pd.testing.assert_frame_equal(annual.annual_series(*args, sides=("china",)),
                              annual.annual_series.__wrapped__(*args, sides=("china",)), check_exact=True)
assert common.memo_keys() == held and engine.thread_count() == 1
# a helper whose work fails hands over nothing, and one that dies sends nothing: the warm-up goes on
assert pickle.loads(warmup.read_until_closed(warmup.fork_helper(lambda: 1 / 0), 30)) == []
assert warmup.read_until_closed(warmup.fork_helper(lambda: warmup.os._exit(3)), 30) == b""
read, write = warmup.os.pipe()
try:
    warmup.read_until_closed(read, 0.2)
except TimeoutError as exc:
    assert "sent nothing for 0 s" in str(exc)
else:
    raise AssertionError("no timeout")
print("ok")
"""


def test_the_warm_up_helper_hands_the_template_its_memoised_results():
    done = subprocess.run([sys.executable, "-c", WARM_UP_CHECK], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]
