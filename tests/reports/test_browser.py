"""The rendered site in headless Chromium: index.html and every report it links.

Renders the real reports (reports.yaml, notebooks/) into a temporary directory once per session,
then checks each page: no console errors, every <img> decoded, headline figures present.
Skipped while the real notebooks do not exist, and when Chromium is missing, except under CI
(``CI`` set), where a missing Chromium is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tradeviz import paths
from tradeviz.reports.config import load_config
from tradeviz.reports.pdf import CHROMIUM_ARGS
from tradeviz.reports.render import render_reports

if TYPE_CHECKING:
    from playwright.sync_api import Page

CONFIG = paths.RENDER_CONFIG
HEADLINES: dict[str, tuple[str, ...]] = {
    "overview": ("50.1 billion", "108.9", "Since 2020", "$106.3 bn"),
    "country_profile-KGZ-1992-2025": (
        "In 2025, China's customs reported $27.2 bn",
        "Overlap check",
        "There is no product data for Kyrgyzstan in the shipped tables",
        "2024 month by month: China's customs tables",
    ),
    "country_profile-KAZ-1992-2025": (
        "Where each year comes from",
        "The line reaches 2024",
        "Where the series overlap",
        "No source we hold explains",
        "What is traded",
        "What is traded: Kazakhstan and China",
        "7.115 yuan per US dollar",
        "2025: IMF IMTS against Kazakhstan's own figures",
    ),
    "targets_and_pledges": ("passed US$70 billion", "None of the later figures reports"),
    "partners": (
        "China first ahead of Russia in 2010",
        "China was never ahead of Russia, to 2020",
        "The top 10 partners in 2020",
    ),
    "products-KAZ": (
        "In 2024, by its own reports, Kazakhstan exported $14.9 bn of goods to China",
        "Kazakhstan imported $15.15 bn of goods from China",
        "7 of the 384 headings traded in 2024 made up 80% of the value",
        "Raw materials against manufactures",
        "China's figure is 1.14 times Kazakhstan's",
        "Pipeline gas against HS 2711",
    ),
}
"""Report name -> texts its page must show: the headline figures (US$50.1 billion in 2021, ×108.9), a 2025
figure in a country profile, the Kazakhstan profile's series to 2024, its overlap tables and its import break, the
profiles' "What is traded" (a link for Kazakhstan, how to get the data for the others) and 2024 month by month
(China's customs tables, yuan; the implied rate for Kazakhstan), IMF IMTS 2025 against Kazakhstan's own figures, the
targets report's findings, the partners report's first years, and the products report's findings."""
CHROMIUM = Path("/usr/bin/chromium")
BROKEN_IMAGES = "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 60))"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the browser test must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def site(chromium, tmp_path_factory) -> Path:
    """The real reports rendered once; returns the path of index.html."""
    missing = sorted({str(r.source) for r in load_config(CONFIG).reports if not r.source.is_file()})
    if missing:
        pytest.skip(f"the real notebooks are not written yet: {', '.join(missing)}")
    summary = render_reports(config=CONFIG, out=tmp_path_factory.mktemp("site"), progress=False)
    assert summary.ok, summary.describe()
    return summary.index


@pytest.fixture(scope="session")
def browser(chromium, site):
    """Headless Chromium, started after the render (whose worker processes are forked)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("python package playwright is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


def visit(browser, path: Path) -> tuple[Page, list[str]]:
    """Open ``path``; return the page and the problems seen (console errors, undecoded images)."""
    page: Page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url[:80]}"))
    page.goto(path.as_uri(), wait_until="load")
    problems += [f"image not decoded: {src}" for src in page.eval_on_selector_all("img", BROKEN_IMAGES)]
    return page, problems


INDEX_HEADLINES = ("$460 m", "$50.1 bn", "×108.9", "2025, China's customs", "$106.3 bn", "Years each source covers")
"""The front page's headline figures (1992 and 2021 as published, the multiple, the latest total) and coverage."""
NBCONVERT_DEFAULT_ALT = "No description has been provided for this image"
FIGURES = """figs => figs.map(f => ({alt: f.querySelector('img').getAttribute('alt'),
    links: [...f.querySelectorAll('figcaption a')].map(a => a.getAttribute('href'))}))"""


def _figure_problems(page, folder: Path, name: str) -> list[str]:
    """Each figure: alt text that is not nbconvert's default, a CSV link that parses with the plotted number of
    rows (the chart's own record in the report's notebook), and a PNG link that decodes."""
    import json

    import pandas as pd
    from PIL import Image

    from tradeviz.records import CHART_MIME

    records = [
        o["data"][CHART_MIME]
        for c in json.loads((folder / f"{name}.ipynb").read_text())["cells"]
        for o in c.get("outputs", [])
        if CHART_MIME in o.get("data", {})
    ]
    figures = page.eval_on_selector_all("figure.tradeviz-chart", FIGURES)
    problems = [f"{len(figures)} figures with links, {len(records)} charts"] if len(figures) != len(records) else []
    if page.eval_on_selector_all("img", "imgs => imgs.filter(i => !i.closest('figure.tradeviz-chart')).length"):
        problems.append("an image without chart links")
    for number, (figure, record) in enumerate(zip(figures, records, strict=False), start=1):
        if not figure["alt"] or figure["alt"] == NBCONVERT_DEFAULT_ALT or figure["alt"] != record["alt"]:
            problems.append(f"figure {number}: alt text {figure['alt']!r}")
        csv, png = (folder / link for link in figure["links"])
        if len(pd.read_csv(csv)) != record["rows"] or not record["rows"]:
            problems.append(f"figure {number}: {csv.name} does not hold the {record['rows']} plotted rows")
        with Image.open(png) as image:
            image.verify()
    return problems


def test_index_and_every_report_display_cleanly(site, browser):
    index, problems = visit(browser, site)
    hrefs = index.eval_on_selector_all("a[href$='.html']", "links => links.map(a => a.getAttribute('href'))")
    index_links = index.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    index_text = index.inner_text("body")
    index.close()
    expected = [r.html_name for r in load_config(CONFIG).reports]
    assert hrefs == expected
    assert {f"{name}.html" for name in HEADLINES} <= set(hrefs), "a report with expected headlines was not rendered"
    front = index_text
    problems += [f"front page lacks {h!r}" for h in INDEX_HEADLINES if h not in front]
    downloads = [site.parent / h for h in index_links if not h.endswith(".html")]
    problems += [f"download link {d.name} is missing" for d in downloads if not d.is_file()]
    assert any(d.name == "datapackage.json" for d in downloads) and any(d.suffix == ".csv" for d in downloads)
    failures = {"index.html": problems} if problems else {}
    images = 0
    for href in hrefs:
        page, problems = visit(browser, site.parent / href)
        name = href.removesuffix(".html")
        text = page.inner_text("body")
        problems += [f"headline {h!r} not in the page text" for h in HEADLINES.get(name, ()) if h not in text]
        images += page.locator("img").count()
        problems += _figure_problems(page, site.parent, name)
        links = page.eval_on_selector_all("a[href$='.html']", "links => links.map(a => a.getAttribute('href'))")
        problems += [f"link to {h} leads nowhere" for h in links if "://" not in h and not (site.parent / h).is_file()]
        page.close()
        if problems:
            failures[href] = problems
    assert failures == {}, failures
    assert images > 0, "no report shows a figure"


HOSTILE = {
    "script": "<script>window.tvPwned = 1</script>",
    "onerror": '<img src=x onerror="document.body.dataset.x=1">',
    "link": "[click me](javascript:window.tvPwned=2)",
    "image": "![pic](javascript:window.tvPwned=3)",
    "autolink": "<javascript:window.tvPwned=4>",
}


def test_data_strings_never_run_as_code_and_show_literally(chromium, browser, data_copy, tmp_path):
    """A Belt and Road event set to hostile strings, rendered into the Tajikistan profile: nothing runs."""
    import pandas as pd

    bri = data_copy / "curated" / "bri.csv"
    frame = pd.read_csv(bri, dtype=str, keep_default_na=False)
    first = frame.index[(frame.country == "TJK") & (frame.date != "")][0]
    event = " ".join(HOSTILE.values())
    frame.loc[first, "event"] = event
    bri.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    site = tmp_path / "site"  # beside the data copy, not its parent: --out may not hold the data folder
    summary = render_reports(config=CONFIG, only="country_profile", partner="TJK", out=site, progress=False)
    assert summary.ok, summary.describe()
    html_file = next(site.glob("country_profile-TJK-*.html"))
    assert "Content-Security-Policy" in html_file.read_text(encoding="utf-8")
    page, problems = visit(browser, html_file)
    ran = page.evaluate("() => [window.tvPwned, document.body.dataset.x]")
    text = page.inner_text("body")
    links = page.eval_on_selector_all("a[href^='javascript:'], img[src^='javascript:']", "els => els.length")
    page.close()
    assert ran == [None, None], f"a data string ran as code: {ran}"
    assert links == 0
    for hostile in HOSTILE.values():
        assert hostile in text, f"{hostile!r} is not shown literally"
    assert not [p for p in problems if "Content Security Policy" not in p], problems


def test_pdf_of_the_overview_is_searchable_titled_and_byte_stable(site, chromium, tmp_path):
    """``tradeviz render --pdf`` prints with Chromium; the PDF carries the title, the text and no clock."""
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    from pypdf import PdfReader

    from tradeviz.reports import pdf

    title = next(r.title for r in load_config(CONFIG).reports if r.name == "overview")
    for name in ("overview.html", *(p.name for p in site.parent.glob("overview.figure-*"))):
        shutil.copy(site.parent / name, tmp_path / name)
    # In a thread of its own: the session's `browser` fixture keeps Playwright's event loop running in this one,
    # and the sync API refuses to start inside a running loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        (first,) = pool.submit(pdf.print_reports, [tmp_path / "overview.html"]).result()
    reader = PdfReader(first)
    text = "".join(page.extract_text() for page in reader.pages)
    assert reader.metadata is not None
    assert reader.metadata.title == title and "50.1" in text and len(reader.pages) > 1
    assert b"/CreationDate (D:19700101000000" in first.read_bytes()
    again = first.read_bytes()
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(pdf.print_reports, [tmp_path / "overview.html"]).result()
    assert first.read_bytes() == again


def test_no_serious_or_critical_accessibility_violations(site, browser):
    """axe-core on the front page and every report: zero serious or critical violations (lower ones are listed
    in the test output, for the record)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(bypass_csp=True)  # axe is injected as a script; the pages allow none
    pages = [site, *(site.parent / r.html_name for r in load_config(CONFIG).reports)]
    serious: dict[str, list[str]] = {}
    minor: dict[str, list[str]] = {}
    for path in pages:
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        results = axe.run(page)
        page.close()
        for violation in results.response["violations"]:
            bucket = serious if violation["impact"] in ("serious", "critical") else minor
            bucket.setdefault(path.name, []).append(
                f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} nodes)"
            )
    context.close()
    print("axe, moderate and minor:", minor)
    assert serious == {}, serious
