"""The region map: plain matplotlib patches drawn from Natural Earth GeoJSON, no GIS dependency.

Part of :mod:`tradeviz.charts`; call it as ``charts.region_map``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeAlias

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib import patheffects
from matplotlib.cm import ScalarMappable
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.ticker import FuncFormatter

from tradeviz import countries, paths
from tradeviz.charts import export as chart_export
from tradeviz.charts.series import BORDER_LABEL
from tradeviz.charts.style import (
    MAP_EXTENT,
    NEIGHBOUR_COLOR,
    SOURCE_NATURAL_EARTH,
    WATER_COLOR,
    Caption,
    check_caption,
    country_color,
    country_label,
    house_style,
    new_figure,
    wants_log,
)
from tradeviz.text.numbers import format_usd, trim

# --------------------------------------------------------------------------------------------
# 9. Map (plain matplotlib patches from Natural Earth GeoJSON)
# --------------------------------------------------------------------------------------------


def default_geojson_path() -> Path:
    return paths.raw_dir() / "naturalearth-110m" / "ne_110m_admin_0_countries.json"


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def _ring_centroid(ring: np.ndarray) -> tuple[float, float]:
    x, y = ring[:, 0], ring[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    if abs(area) < 1e-12:
        return float(x.mean()), float(y.mean())
    return (
        float(((x + np.roll(x, -1)) * cross).sum() / (6 * area)),
        float(((y + np.roll(y, -1)) * cross).sum() / (6 * area)),
    )


@dataclass(frozen=True)
class MapFeature:
    """One country of the GeoJSON: ISO3 code, name, polygons as (exterior, *holes) arrays of lon/lat."""

    code: str
    name: str
    polygons: tuple[tuple[np.ndarray, ...], ...]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        pts = np.concatenate([ring for poly in self.polygons for ring in poly])
        return float(pts[:, 0].min()), float(pts[:, 0].max()), float(pts[:, 1].min()), float(pts[:, 1].max())

    def path(self) -> MplPath:
        """One compound path: exteriors counter-clockwise, holes clockwise (filled correctly by either rule)."""
        verts, codes = [], []
        for poly in self.polygons:
            for k, ring in enumerate(poly):
                ring = ring[:-1] if len(ring) > 1 and np.array_equal(ring[0], ring[-1]) else ring
                if len(ring) < 3:
                    continue
                ccw = _signed_area(ring) > 0
                if (k == 0) != ccw:  # exterior must be CCW, holes CW
                    ring = ring[::-1]
                verts.extend(ring.tolist())
                verts.append(ring[0].tolist())
                codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 1) + [MplPath.CLOSEPOLY])
        return MplPath(np.asarray(verts, dtype=float), codes)

    def label_point(self) -> tuple[float, float]:
        """Centroid of the largest exterior ring."""
        exteriors = [poly[0] for poly in self.polygons if len(poly[0]) >= 3]
        biggest = max(exteriors, key=lambda r: abs(_signed_area(r)))
        return _ring_centroid(biggest)


def _feature_code(props: Mapping) -> str:
    iso = str(props.get("ISO_A3") or "")
    return iso if len(iso) == 3 and iso.isalpha() else str(props.get("ADM0_A3") or iso)


@lru_cache(maxsize=4)
def load_map_features(geojson_path: str | None = None) -> tuple[MapFeature, ...]:
    """Parse a Natural Earth admin-0 GeoJSON once (cached per path) into :class:`MapFeature` s."""
    path = Path(geojson_path) if geojson_path else default_geojson_path()
    data = json.loads(path.read_text(encoding="utf-8"))
    features = []
    for feat in data.get("features", []):
        geom = feat.get("geometry") or {}
        props = feat.get("properties") or {}
        if geom.get("type") == "Polygon":
            raw = [geom["coordinates"]]
        elif geom.get("type") == "MultiPolygon":
            raw = geom["coordinates"]
        else:
            continue
        polys = tuple(
            tuple(np.asarray(ring, dtype=float)[:, :2] for ring in poly if len(ring) >= 3) for poly in raw if poly
        )
        polys = tuple(p for p in polys if p)
        if polys:
            features.append(MapFeature(_feature_code(props), str(props.get("NAME") or ""), polys))
    return tuple(features)


# Label anchors (lon, lat); None = centroid of the largest ring.  A label placed outside its
# country gets a thin leader line to the centroid (small countries are labelled in the margin).
MAP_LABEL_POSITIONS: dict[str, tuple[float, float] | None] = {
    "KAZ": (68.0, 48.3),
    "UZB": (63.4, 41.6),
    "TKM": (54.5, 33.6),
    "KGZ": (84.5, 38.3),
    "TJK": (70.5, 33.2),
    countries.CHINA: (101.0, 35.0),
}
BORDER_LINEWIDTH = 2.4
MapValues: TypeAlias = Mapping[str, float | None] | pd.Series | pd.DataFrame
"""What :func:`region_map` shades: ISO3 -> US$ millions, as a mapping, a Series or a DataFrame."""


def _values_by_code(values: MapValues) -> dict[str, float]:
    if isinstance(values, pd.DataFrame):
        if "partner" not in values.columns or "total" not in values.columns:
            raise ValueError("region_map: a DataFrame of values needs columns 'partner' and 'total' (US$ millions)")
        values = dict(zip(values["partner"].astype(str), values["total"], strict=False))
    elif isinstance(values, pd.Series):
        values = values.to_dict()
    elif not isinstance(values, Mapping):
        raise TypeError("region_map: values must be a mapping ISO3 -> US$ millions, a Series or a DataFrame")
    return {str(k).upper(): float(v) for k, v in values.items() if v is not None and np.isfinite(float(v))}


@house_style
def region_map(
    values: MapValues,
    caption: Caption,
    *,
    year: int,
    bordering: Iterable[str],
    geojson_path: str | Path | None = None,
    cmap: str = "cividis",
    log: bool | None = None,
    title: str | None = None,
) -> Figure:
    """China and the five on a map; each of the five shaded by its trade with China in ``year``.

    ``values``: ISO3 -> trade in US$ millions (dict or Series), or a DataFrame with ``partner`` and
    ``total`` (US$ millions), as :func:`tradeviz.measures.panels.partner_shares` / ``partner_totals`` return.
    ``bordering``: ISO3 codes sharing a land border with China (from the
    Factbook table) -- thick black outline and a legend entry.  ``caption`` describes the trade
    figures; the footnote adds "Map: Natural Earth 1:110m (public domain)".
    Countries come from ``geojson_path`` (default: ``data/raw/naturalearth-110m``), parsed once
    and drawn as PathPatches (gid = ISO3); neighbours in light grey for context; extent
    :data:`MAP_EXTENT`; aspect 1/cos(35.5°) so that a degree of longitude and of latitude have
    their true length ratio in mid-map.  Axes: 2 (map and colorbar).
    """
    caption = check_caption(caption)
    vals = _values_by_code(values)
    border_set = {str(c).upper() for c in bordering}
    features = load_map_features(str(geojson_path) if geojson_path else None)
    by_code = {f.code: f for f in features}
    focus = [c for c in countries.FIVE]
    absent = [c for c in [countries.CHINA, *focus] if c not in by_code]
    if absent:
        raise ValueError(f"region_map: {absent} not found in the GeoJSON ({geojson_path or default_geojson_path()})")
    shown = {c: v for c, v in vals.items() if c in focus}
    lon0, lon1, lat0, lat1 = MAP_EXTENT
    fig, (ax,) = new_figure(caption, prefix=f"Map: {SOURCE_NATURAL_EARTH}. Trade:")

    positive = [v for v in shown.values() if v > 0]
    use_log = wants_log(positive, log) and len(positive) >= 2
    bn = {c: v / 1000.0 for c, v in shown.items()}
    if use_log:
        norm: mcolors.Normalize = mcolors.LogNorm(vmin=min(v for v in bn.values() if v > 0), vmax=max(bn.values()))
    else:
        norm = mcolors.Normalize(vmin=0.0, vmax=max(bn.values()) if bn else 1.0)
    colormap = plt.get_cmap(cmap)

    ax.set_facecolor(WATER_COLOR)
    for feat in features:
        x0, x1, y0, y1 = feat.bbox
        if x1 < lon0 - 5 or x0 > lon1 + 5 or y1 < lat0 - 5 or y0 > lat1 + 5:
            continue
        if feat.code in focus:
            continue
        is_china = feat.code == countries.CHINA
        ax.add_patch(
            PathPatch(
                feat.path(),
                facecolor=country_color(feat.code) if is_china else NEIGHBOUR_COLOR,
                edgecolor="white" if not is_china else "#9E9E9E",
                linewidth=0.6 if not is_china else 0.9,
                zorder=2 if is_china else 1,
                gid=feat.code,
            )
        )
    ordered = sorted(focus, key=lambda c: c in border_set)  # bordering last: outlines on top
    casing = [patheffects.Stroke(linewidth=BORDER_LINEWIDTH + 2.2, foreground="white"), patheffects.Normal()]
    for code in ordered:
        feat = by_code[code]
        v = bn.get(code)
        face: str | tuple[float, float, float, float]
        if v is None:
            face, hatch = "white", "xx"
        else:
            face, hatch = colormap(norm(v)), None
        is_border = code in border_set
        # bordering: black outline with a white casing, visible on dark and light fills alike
        ax.add_patch(
            PathPatch(
                feat.path(),
                facecolor=face,
                hatch=hatch,
                edgecolor="black" if is_border else "white",
                linewidth=BORDER_LINEWIDTH if is_border else 0.8,
                zorder=4 if is_border else 3,
                gid=code,
                path_effects=casing if is_border else None,
            )
        )
    halo = [patheffects.withStroke(linewidth=2.8, foreground="white")]
    for code in [*focus, countries.CHINA]:
        feat = by_code[code]
        anchor = feat.label_point()
        x, y = MAP_LABEL_POSITIONS.get(code) or anchor
        if code == countries.CHINA:
            ax.text(x, y, "CHINA", ha="center", va="center", fontsize=11, color="#6E6E6E", fontweight="bold", zorder=6)
            continue
        v = vals.get(code)
        text = country_label(code) + ("\nno data" if v is None else f"\n{format_usd(v, sig=3)}")
        outside = not feat.path().contains_point((x, y))
        ax.annotate(
            text,
            xy=anchor,
            xytext=(x, y),
            ha="center",
            va="center",
            fontsize=8.5,
            fontweight="bold",
            color="#111111",
            zorder=6,
            path_effects=halo,
            linespacing=1.1,
            arrowprops={"arrowstyle": "-", "color": "#333333", "lw": 0.8, "shrinkA": 3, "shrinkB": 0}
            if outside
            else None,
            annotation_clip=False,
        )
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(1.0 / math.cos(math.radians((lat0 + lat1) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#BBBBBB")
    sm = ScalarMappable(norm=norm, cmap=colormap)
    cbar = fig.colorbar(sm, ax=ax, shrink=0.85, pad=0.02, aspect=25)
    cbar.set_label(f"Trade with China, {year} (US$ billions" + (", log scale)" if use_log else ")"))
    cbar.ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: trim(x, 1)))
    cbar.outline.set_visible(False)
    handles = [Patch(facecolor="none", edgecolor="black", linewidth=BORDER_LINEWIDTH, label=BORDER_LABEL)]
    if any(c not in bn for c in focus):
        handles.append(Patch(facecolor="white", edgecolor="#777777", hatch="xx", label="no data"))
    ax.legend(handles=handles, loc="lower right", frameon=True, framealpha=0.95, edgecolor="#CCCCCC")
    ax.set_title(title or f"China's trade with the five Central Asian states, {year}")
    shaded = pd.DataFrame(
        [
            (f"trade with China, {year}", country_label(code), year, v, "million US$")
            for code, v in vals.items()
            if code in focus
        ],
        columns=["panel", "series", "x", "value", "unit"],
    )
    setattr(fig, chart_export.DATA_ATTR, shaded)
    setattr(fig, chart_export.KIND_ATTR, "Map")
    return fig


def map_bordering_codes(fig: Figure) -> list[str]:
    """ISO3 codes drawn with the thick 'shares a land border' outline on a :func:`region_map` figure."""
    ax = fig.axes[0]
    return sorted(
        str(p.get_gid()) for p in ax.patches if p.get_gid() and math.isclose(p.get_linewidth(), BORDER_LINEWIDTH)
    )
