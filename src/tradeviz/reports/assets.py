"""Files a rendered report offers beside its HTML: each chart's plotted values (CSV) and image (PNG).

Charts carry their record (:mod:`tradeviz.records`) as one more representation of their output; this module
turns every such output of an executed notebook into ``<report>.figure-<n>.csv`` and ``.png`` and notes the file
names in the output's metadata, where the report template finds them for the links and the alt text.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING

from tradeviz.records import CHART_MIME, csv_text

if TYPE_CHECKING:
    from nbformat import NotebookNode

ASSET_GLOB = "{name}.figure-*"


def chart_assets(nb: NotebookNode, report_name: str) -> dict[str, bytes]:
    """File name -> bytes for every chart output of ``nb`` (numbered in page order, from 1); marks the outputs."""
    files: dict[str, bytes] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if CHART_MIME not in data or "image/png" not in data:
                continue
            stem = f"{report_name}.figure-{len(files) // 2 + 1}"
            files[f"{stem}.csv"] = csv_text(data[CHART_MIME]).encode("utf-8")
            files[f"{stem}.png"] = base64.b64decode(data["image/png"])
            output.setdefault("metadata", {})["tradeviz"] = {"csv": f"{stem}.csv", "png": f"{stem}.png"}
    return files


def stale_assets(out: Path, report_name: str, keep: dict[str, bytes]) -> list[Path]:
    """Chart files of an earlier render of this report that the new one no longer writes."""
    return sorted(p for p in out.glob(ASSET_GLOB.format(name=report_name)) if p.name not in keep)
