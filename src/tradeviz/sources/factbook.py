"""CIA World Factbook profiles (``data/raw/cia-factbook-json``): land borders with China."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from tradeviz import countries
from tradeviz.errors import BuildError
from tradeviz.sources import provenance


def build_borders(raw: Path) -> pd.DataFrame:
    """Land border with China per partner, from both the partner's and China's Factbook profile."""
    folder = raw / "cia-factbook-json"
    source_id = provenance.read_record(folder)["sources"][0]["source_id"]
    by_iso = {iso: code for code, iso in countries.source_mapping(folder / "country_names.json").items()}

    def border_text(iso: str) -> str:
        path = folder / f"{by_iso[iso]}.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))["Geography"]["Land boundaries"]["border countries"][
                "text"
            ]
        except KeyError as exc:
            raise BuildError(f"{path}: no Geography > Land boundaries > border countries > text ({exc}).") from None

    china_text = border_text(countries.CHINA)
    rows = []
    for iso in countries.FIVE:
        text = border_text(iso)
        from_partner = re.search(r"\bChina ([\d,]+) km", text)
        from_china = re.search(rf"\b{re.escape(countries.name(iso))} ([\d,]+) km", china_text)
        km = [int(m[1].replace(",", "")) if m else None for m in (from_partner, from_china)]
        if km[0] != km[1]:
            raise BuildError(
                f"{folder}: {iso} border with China is {km[0]} km in its own profile but {km[1]} km in China's."
            )
        rows.append(
            dict(
                country=iso,
                borders_china=km[0] is not None,
                border_length_km=km[0],
                border_text=text,
                source_id=source_id,
            )
        )
    frame = pd.DataFrame(rows)
    frame["border_length_km"] = frame["border_length_km"].astype("Int64")
    return frame
