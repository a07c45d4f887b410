"""tradeviz.reports.render on the tiny fixture notebooks in tests/fixtures/render (all output in tmp_path)."""

from __future__ import annotations

import json
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tradeviz.countries import UnknownCountryError
from tradeviz.reports import engine
from tradeviz.reports.config import RenderConfigError, UnknownReportError, load_config, select_reports
from tradeviz.reports.render import render_reports

FIXTURES = Path(__file__).parents[1] / "fixtures" / "render"
CONFIG = FIXTURES / "reports.yaml"
NAMES = ["overview", "country_profile-KAZ-1992-2020", "country_profile-KGZ-1992-2020"]
DOWNLOADS = [
    "data/README.md",
    "data/datapackage.json",
    *(f"data/curated/{p.name}" for p in (Path(__file__).parents[2] / "data" / "curated").glob("*.csv")),
]
OUTPUTS = sorted(["index.html", *DOWNLOADS, *(f"{n}.{ext}" for n in NAMES for ext in ("html", "ipynb"))])


def run(**kwargs):
    return render_reports(**{"jobs": 2, "progress": False, **kwargs})


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """One render of the fixtures, with a bogus globally registered python3 kernel spec and
    MPLBACKEND=Agg in the environment: neither may leak into the reports."""
    bogus = tmp_path_factory.mktemp("jupyter")
    (bogus / "kernels" / "python3").mkdir(parents=True)
    (bogus / "kernels" / "python3" / "kernel.json").write_text(
        json.dumps({"argv": ["/bin/false", "{connection_file}"], "display_name": "bogus", "language": "python"})
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(bogus))
        mp.setenv("MPLBACKEND", "Agg")
        return run(config=CONFIG, out=tmp_path_factory.mktemp("reports"))


def files(directory: Path) -> dict[str, bytes]:
    """Every file written, by path relative to ``directory`` (the front page's data downloads are in data/)."""
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])


def links(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.hrefs


# --- configuration and selection (no execution) ------------------------------------------------


def test_config_lists_one_report_per_parameter_set():
    config = load_config(CONFIG)
    assert [r.name for r in config.reports] == NAMES
    assert config.notebook_dir == FIXTURES.resolve()
    kgz = config.reports[2]
    assert kgz.parameters == {"partner": "KGZ", "start_year": 1992, "end_year": 2020}  # name resolved to ISO3
    assert kgz.title == "Country profile: Kyrgyzstan, 1992–2020"
    assert (kgz.html_name, kgz.ipynb_name, kgz.failed_name) == (
        "country_profile-KGZ-1992-2020.html",
        "country_profile-KGZ-1992-2020.ipynb",
        "country_profile-KGZ-1992-2020.failed.ipynb",
    )


@pytest.mark.parametrize(
    ("only", "partner", "expected"),
    [
        ("country_profile", None, NAMES[1:]),
        ("country_profile-KAZ-1992-2020", None, NAMES[1:2]),
        ("overview", None, NAMES[:1]),
        (None, "Kyrgyz Republic", NAMES[2:]),
        (None, "kz", NAMES[1:2]),
        ("country_profile", "KGZ", NAMES[2:]),
    ],
)
def test_selection_by_name_and_partner(only, partner, expected):
    assert [r.name for r in select_reports(load_config(CONFIG), only=only, partner=partner)] == expected


@pytest.fixture
def no_execution(monkeypatch):
    """Fail the test if a worker pool is started."""

    def forbidden(*args, **kwargs):
        raise AssertionError("rendering started before the arguments were validated")

    monkeypatch.setattr(engine.Engine, "start", forbidden)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"partner": "Mongolia"}, UnknownCountryError, r"Valid choices: KAZ \(Kazakhstan\), KGZ"),
        ({"only": "country_profiles"}, UnknownReportError, r"Valid names: overview, country_profile, "),
        ({"only": "overview", "partner": "KAZ"}, UnknownReportError, "No report matches"),
        ({"jobs": 0}, ValueError, "jobs must be at least 1"),
    ],
)
def test_bad_arguments_fail_before_anything_runs(no_execution, tmp_path, kwargs, error, message):
    out = tmp_path / "out"
    with pytest.raises(error, match=message):
        run(config=CONFIG, out=out, **kwargs)
    assert not out.exists()


def write_config(path: Path, reports: list[dict]) -> Path:
    config = {"title": "Test", "notebook_dir": ".", "reports": reports}
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("reports", "message"),
    [
        ([{"notebook": "country_profile", "parameters": [{"partner": "Atlantis"}]}], "Unknown country 'Atlantis'"),
        ([{"notebook": "overview"}, {"notebook": "overview"}], "several reports would be written as overview"),
        ([{"title": "no notebook"}], "needs a 'notebook' name"),
        ([{"notebook": "overview", "title": "{nope}"}], "cannot be filled"),
    ],
)
def test_bad_config_is_reported_with_its_path(tmp_path, reports, message):
    config = write_config(tmp_path / "reports.yaml", reports)
    with pytest.raises(RenderConfigError, match=message) as caught:
        load_config(config)
    assert str(config) in str(caught.value)


def test_missing_notebook_fails_before_anything_runs(no_execution, tmp_path):
    config = write_config(tmp_path / "reports.yaml", [{"notebook": "not_written_yet"}])
    with pytest.raises(RenderConfigError, match="not_written_yet.ipynb"):
        run(config=config, out=tmp_path / "out")


# --- rendering ---------------------------------------------------------------------------------


def test_outputs_are_named_from_the_parameters(rendered):
    assert rendered.ok, rendered.describe()
    assert rendered.succeeded == NAMES
    assert sorted(files(rendered.out)) == OUTPUTS  # in particular no temporary files left behind


def test_html_is_standalone_without_code(rendered):
    page = (rendered.out / "overview.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in page and '<meta charset="utf-8"' in page
    assert "<title>Overview: China and the five</title>" in page
    assert "Headline: <strong>50.1 billion</strong>" in page
    assert "import pandas" not in page and "start_year = " not in page  # no code cells
    assert 'src="data:image/png;base64,' in page  # the figure, embedded (despite MPLBACKEND=Agg)
    assert '<a href="index.html">' in page
    assert "<script src=" not in page and '<link rel="stylesheet"' not in page  # nothing fetched


def test_notebook_runs_in_this_interpreter_whatever_kernel_specs_say(rendered):
    nb = json.loads((rendered.out / "overview.ipynb").read_text(encoding="utf-8"))
    text = "".join("".join(o.get("text", "")) for cell in nb["cells"] for o in cell.get("outputs", []))
    assert f"kernel prefix: {sys.prefix}\n" in text


def test_executed_notebook_has_no_timings_and_stable_ids(rendered):
    raw = (rendered.out / "country_profile-KGZ-1992-2020.ipynb").read_text(encoding="utf-8")
    for key in ("start_time", "end_time", "duration", "iopub.status", "shell.execute_reply"):
        assert key not in raw
    nb = json.loads(raw)
    assert nb["metadata"]["papermill"]["parameters"] == {"partner": "KGZ", "start_year": 1992, "end_year": 2020}
    assert nb["metadata"]["papermill"]["input_path"] == "country_profile.ipynb"
    ids = [cell["id"] for cell in nb["cells"]]
    assert ids[:2] == ["country_profile-0", "country_profile-1"]
    assert ids[2].startswith("injected-parameters-")
    other = json.loads((rendered.out / "country_profile-KAZ-1992-2020.ipynb").read_text(encoding="utf-8"))
    assert other["cells"][2]["id"].startswith("injected-parameters-") and other["cells"][2]["id"] != ids[2]


def test_index_links_every_report(rendered):
    index = rendered.out / "index.html"
    assert rendered.index == index
    page = index.read_text(encoding="utf-8")
    assert '<html lang="en">' in page and '<meta charset="utf-8">' in page
    assert [h for h in links(index) if h.endswith(".html")] == [f"{n}.html" for n in NAMES]
    assert "data/datapackage.json" in links(index) and "data/curated/trade.csv" in links(index)
    assert "Country profile: Kyrgyzstan, 1992–2020" in page
    assert 'class="failed"' not in page and 'class="missing"' not in page


def test_rendering_twice_gives_identical_bytes(rendered, tmp_path):
    again = run(config=CONFIG, out=tmp_path)
    assert again.ok, again.describe()
    first, second = files(rendered.out), files(tmp_path)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_failing_report_keeps_the_last_good_version(tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(FIXTURES, notebooks)
    config = write_config(
        notebooks / "reports.yaml",
        [
            {"notebook": "overview"},
            {"notebook": "country_profile", "parameters": [{"partner": "KAZ", "start_year": 1992, "end_year": 2020}]},
        ],
    )
    out = tmp_path / "reports"
    assert run(config=config, out=out).ok
    good = files(out)

    shutil.copy(notebooks / "failing.ipynb", notebooks / "overview.ipynb")
    (out / "country_profile-KAZ-1992-2020.html").unlink()
    summary = run(config=config, out=out)

    assert not summary.ok
    assert summary.succeeded == ["country_profile-KAZ-1992-2020"]  # the other report still rendered
    assert out.joinpath("country_profile-KAZ-1992-2020.html").is_file()
    [failure] = summary.failures
    assert failure.name == "overview"
    assert failure.error.startswith("RuntimeError: fixture notebook failing on purpose")
    assert failure.notebook == out / "overview.failed.ipynb"
    assert "FAILED overview: RuntimeError" in summary.describe()
    for name in ("overview.html", "overview.ipynb"):
        assert (out / name).read_bytes() == good[name]  # previous good version untouched
    failed_nb = json.loads(failure.notebook.read_text(encoding="utf-8"))
    errors = [o for c in failed_nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert [e["evalue"] for e in errors] == ["fixture notebook failing on purpose"]
    # the site is published whole or not at all: the front page and the data downloads stay as they were
    now = files(out)
    assert [name for name in good if name != "country_profile-KAZ-1992-2020.html" and now[name] != good[name]] == []
    assert sorted(now) == sorted([*good, "overview.failed.ipynb"])

    shutil.copy(FIXTURES / "overview.ipynb", notebooks / "overview.ipynb")
    assert run(config=config, out=out, only="overview").ok
    assert not (out / "overview.failed.ipynb").exists()
    assert 'class="failed"' not in (out / "index.html").read_text(encoding="utf-8")
    assert files(out) == good
