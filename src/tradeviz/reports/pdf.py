"""``tradeviz render --pdf``: print each rendered report to ``<name>.pdf`` with headless Chromium.

Each page carries a header (the report's title) and a page number; the PDF's title is the report's; figures are
kept whole on a page (the report's print styles).  Chromium stamps the time of printing into the PDF's creation
and modification dates: those two fields are set to a fixed date (same length, so the cross-reference offsets stay
valid), which makes the PDFs byte-identical from run to run.  Chromium is found at ``$TRADEVIZ_CHROMIUM`` or
``/usr/bin/chromium``.
"""

from __future__ import annotations

from tradeviz.errors import PdfUnavailableError

import html
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from tradeviz.io import atomic_write_bytes

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)")
FIXED_DATE = b"19700101000000"


def chromium_path() -> Path:
    """The Chromium to print with; a clear error naming the fix when there is none."""
    candidate = os.environ.get("TRADEVIZ_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    path = Path(candidate)
    if not path.is_file():
        raise PdfUnavailableError(
            f"--pdf needs Chromium, not found at {path}: install it (Debian: apt-get install chromium) "
            "or set TRADEVIZ_CHROMIUM to its path."
        )
    return path


def stable_bytes(pdf: bytes) -> bytes:
    """``pdf`` with its creation and modification dates set to a fixed date of the same length."""
    return _PDF_DATE.sub(lambda m: b"/" + m[1] + b" (D:" + FIXED_DATE + m[3] + b")", pdf)


def _header(title: str) -> str:
    style = "font: 8px sans-serif; color: #52606d; width: 100%; padding: 0 12mm;"
    return f'<div style="{style}">{html.escape(title)}</div>'


FOOTER = (
    '<div style="font: 8px sans-serif; color: #52606d; width: 100%; text-align: center;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def page_title(source: Path) -> str:
    """The ``<title>`` of a rendered page (the report's title), unescaped."""
    match = re.search(r"<title>(.*?)</title>", source.read_text(encoding="utf-8"), re.S)
    return html.unescape(match.group(1).strip()) if match else source.stem


def print_reports(pages: Iterable[Path]) -> list[Path]:
    """Print each rendered HTML page to the same name with ``.pdf``; returns the PDFs written (atomically)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise PdfUnavailableError("--pdf needs the playwright package: pip install 'tradeviz[pdf]'") from None
    executable = chromium_path()
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            for source in pages:
                title = page_title(source)
                page.goto(source.resolve().as_uri(), wait_until="load")
                pdf = page.pdf(
                    format="A4",
                    print_background=True,
                    display_header_footer=True,
                    header_template=_header(title),
                    footer_template=FOOTER,
                    margin={"top": "16mm", "bottom": "14mm", "left": "10mm", "right": "10mm"},
                )
                target = source.with_suffix(".pdf")
                atomic_write_bytes(target, stable_bytes(pdf))
                written.append(target)
        finally:
            browser.close()
    return written
