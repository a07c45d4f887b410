"""The front page of the rendered reports, and the data an analyst can take away from it.

``index.html`` shows the headline figures (the seed article's US$460 million in 1992 and US$50.1 billion in 2021,
the multiple, and the latest total China's customs published), one line per report with its first chart as a
thumbnail and the opening sentence of its introduction, a link to download the curated tables with the Data
Package and the data dictionary (copied into ``data/`` beside the page), and the years each source covers.
Everything on it is computed from the curated tables and the rendered reports: nothing is typed in.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from tradeviz import countries, data, paths
from tradeviz.io import atomic_write_bytes
from tradeviz.measures import growth

if TYPE_CHECKING:
    from tradeviz.reports.config import RenderConfig, Report

SEED_SOURCE = "seed-article-rmol-2022-01-26"
DOWNLOADS = "data"
"""Folder beside index.html with the curated tables, datapackage.json and the data dictionary."""

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933;
       max-width: 52rem; margin: 3rem auto; padding: 0 1.25rem; line-height: 1.5; }
h1 { font-size: 1.75rem; margin-bottom: .25rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
p.lead { color: #52606d; margin-top: 0; }
.headline { display: flex; gap: 1.5rem; flex-wrap: wrap; margin: 1rem 0; }
.headline div { border: 1px solid #e4e7eb; border-radius: .4rem; padding: .6rem .9rem; }
.headline strong { display: block; font-size: 1.35rem; }
ul.reports { list-style: none; padding: 0; }
ul.reports li { display: flex; gap: 1rem; padding: .6rem .4rem; border-bottom: 1px solid #e4e7eb; }
ul.reports img { width: 160px; height: auto; border: 1px solid #e4e7eb; flex: none; }
ul.reports p { margin: .2rem 0 0; color: #3e4c59; font-size: .92rem; }
a { color: #0b5cad; text-decoration: none; font-weight: 600; }
a:hover { text-decoration: underline; }
.file, .status { color: #52606d; font-size: .85rem; margin-left: .5rem; font-weight: normal; }
li.failed .status { color: #b42318; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { text-align: left; padding: .25rem .6rem; border-bottom: 1px solid #e4e7eb; }
""".strip()


def headline() -> dict:
    """The front page's figures: the seed article's 1992 and 2021 totals, their multiple, the latest published."""
    published = data.load_published()
    seed = growth.published_growth(published, "all", 1992, 2021, source_ids=[SEED_SOURCE])
    series = data.load_published_series()
    latest = series[
        series["partner"].eq(countries.GROUP) & series["side"].eq("china") & series["measure"].eq("total_trade")
    ]
    latest = latest.sort_values("year").iloc[-1]
    return {
        "start": seed.start_value,
        "end": seed.end_value,
        "multiple": seed.multiple,
        "latest_year": int(latest["year"]),
        "latest": float(latest["value_usd_millions"]),
    }


def source_coverage() -> pd.DataFrame:
    """Years each source covers in the curated tables: source_id, first, last, tables (comma-separated)."""
    rows = []
    for res in json.loads(paths.datapackage_path().read_text(encoding="utf-8"))["resources"]:
        fields = {f["name"] for f in res["schema"]["fields"]}
        if not {"year", "source_id"} <= fields:
            continue
        table = data.load_table(res["name"])[["year", "source_id"]].dropna()
        for source, years in table.groupby("source_id")["year"]:
            rows.append((source, int(years.min()), int(years.max()), res["name"]))
    frame = pd.DataFrame(rows, columns=["source_id", "first", "last", "table"])
    return (
        frame.groupby("source_id")
        .agg(first=("first", "min"), last=("last", "max"), tables=("table", lambda t: ", ".join(sorted(set(t)))))
        .reset_index()
    )


def summary_line(source: Path) -> str:
    """The first sentence of a notebook's introduction (its first Markdown cell after the title), as plain text."""
    cells = json.loads(source.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        text = "".join(cell.get("source", []))
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#")).strip()
        if body:
            plain = re.sub(r"[*_`]|\\(?=\$)", "", " ".join(body.split()))
            match = re.match(r"(.+?[.!?])(\s|$)", plain)
            return match.group(1) if match else plain
    return ""


def write_downloads(out: Path) -> list[Path]:
    """Copy the curated tables, ``datapackage.json`` and the data dictionary into ``out/data`` (atomically)."""
    folder = out / DOWNLOADS
    written = []
    files = [paths.datapackage_path(), paths.data_dir() / "README.md", *sorted(paths.curated_dir().glob("*.csv"))]
    for path in files:
        relative = Path("curated", path.name) if path.parent == paths.curated_dir() else Path(path.name)
        target = folder / relative
        atomic_write_bytes(target, path.read_bytes())
        written.append(target)
    return written


def _report_item(report: Report, out: Path) -> str:
    title = html.escape(report.title)
    has_html = (out / report.html_name).is_file()
    label = f'<a href="{html.escape(report.html_name)}">{title}</a>' if has_html else title
    thumb = out / f"{report.name}.figure-1.png"
    image = (
        f'<img src="{html.escape(thumb.name)}" alt="First chart of the report “{title}”">'
        if has_html and thumb.is_file()
        else ""
    )
    summary = html.escape(summary_line(report.source))
    status, css = "", ""
    if (out / report.failed_name).is_file():
        kept = "; showing the last good version" if has_html else ""
        status = (
            f'<span class="status">last render failed{kept} '
            f'(<a href="{html.escape(report.failed_name)}">failed notebook</a>)</span>'
        )
        css = ' class="failed"'
    elif not has_html:
        status, css = '<span class="status">not rendered yet</span>', ' class="missing"'
    return f"<li{css}>{image}<div>{label}{status}<p>{summary}</p></div></li>"


def index_html(config: RenderConfig, out: Path, csp_meta: str) -> str:
    """The front page (see the module docstring); ``csp_meta`` is the Content-Security-Policy ``<meta>`` tag."""
    from tradeviz.text.numbers import times, usd

    title = html.escape(config.title)
    head = headline()
    items = "\n".join(f"  {_report_item(r, out)}" for r in config.reports)
    names = data.load_sources().set_index("source_id")
    coverage = "\n".join(
        f"<tr><td>{html.escape(r.source_id)}</td><td>{html.escape(str(names.producer.get(r.source_id, '')))}</td>"
        f"<td>{r.first}–{r.last}</td><td>{html.escape(r.tables)}</td></tr>"
        for r in source_coverage().itertuples()
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{csp_meta}
<title>{title}</title>
<link rel="icon" href="data:,">
<style>
{CSS}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p class="lead">Goods trade of China with Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan: curated,
sourced data and {len(config.reports)} reports.</p>
<section class="headline" aria-label="Headline figures">
<div>1992 (as published)<strong>{html.escape(usd(head["start"]))}</strong></div>
<div>2021 (as published)<strong>{html.escape(usd(head["end"]))}</strong></div>
<div>multiple<strong>{times(head["multiple"])}</strong></div>
<div>{head["latest_year"]}, China's customs<strong>{html.escape(usd(head["latest"]))}</strong></div>
</section>
<p>1992 and 2021: the seed article (RMOL, 26 January 2022, quoting Global Times); {head["latest_year"]}: the latest
full-year total China's customs published. The IMF series behind most charts ends in 2020.</p>
<h2>Reports</h2>
<ul class="reports">
{items}
</ul>
<h2>Data</h2>
<p><a href="{DOWNLOADS}/datapackage.json">Data Package (datapackage.json)</a> ·
<a href="{DOWNLOADS}/README.md">data dictionary (README.md)</a> · the curated tables as CSV:
{
        " · ".join(
            f'<a href="{DOWNLOADS}/curated/{html.escape(p.name)}">{html.escape(p.stem)}</a>'
            for p in sorted(paths.curated_dir().glob("*.csv"))
        )
    }.</p>
<h2>Years each source covers</h2>
<table>
<thead><tr><th scope="col">source</th><th scope="col">producer</th><th scope="col">years</th>
<th scope="col">tables</th></tr></thead>
<tbody>
{coverage}
</tbody>
</table>
</main>
</body>
</html>
"""
