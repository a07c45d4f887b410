"""Tests of tradeviz.charts on small synthetic tables (Agg backend, no data files needed except the map test)."""

from __future__ import annotations

import json
import math
import re
from typing import cast

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import PathCollection, PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.legend import Legend  # noqa: E402
from matplotlib.patches import PathPatch, Rectangle  # noqa: E402

from tradeviz import charts, paths  # noqa: E402
from tradeviz.charts import map as chart_map  # noqa: E402
from tradeviz.charts import style  # noqa: E402
from tradeviz.text import numbers  # noqa: E402

FIVE = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
CAP = charts.Caption(source="Synthetic Test Source", unit="current US$ (test unit)", side=charts.SIDE_CHINA)


# ---------------------------------------------------------------------------- synthetic inputs


def series_df(years=range(1992, 2001), start=400.0, growth=1.6) -> pd.DataFrame:
    rows = []
    for i, code in enumerate(FIVE):
        for k, year in enumerate(years):
            rows.append({"year": year, "partner": code, "total": start / (i + 1) * growth**k})
    return pd.DataFrame(rows)


def narrow_series_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2000, 2001, 2002] * 2,
            "partner": ["KAZ"] * 3 + ["UZB"] * 3,
            "total": [1000, 1200, 1500, 800, 900, 1100],
        }
    )


def headline_df() -> pd.DataFrame:
    return pd.DataFrame({"year": [2021, 1992], "value_usd_millions": [50100.0, 460.0], "label": ["RMOL", "MOFCOM"]})


def multiples_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partner": FIVE,
            "multiple": [59.0, 187.0, 386.0, 1460.0, 127.0],
            "cagr_pct": [15.7, 20.5, 23.7, 29.7, 18.9],
            "borders_china": [True, True, True, False, False],
        }
    )


def shares_df() -> pd.DataFrame:
    years = range(2000, 2006)
    shares = [40, 20, 10, 15, 15]
    return pd.DataFrame(
        [{"year": y, "partner": c, "share": s / 100} for y in years for c, s in zip(FIVE, shares, strict=True)]
    )


def hhi_df() -> pd.DataFrame:
    return pd.DataFrame({"year": range(2000, 2006), "hhi": [2550, 2600, 2500, 2400, 2300, 2200]})


def groups_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": ["bordering", "bordering", "non-bordering", "non-bordering"],
            "period": ["before", "after"] * 2,
            "cagr": [0.182, 0.031, 0.25, -0.025],
        }
    )


def nominal_real_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2017, 2018, 2019, 2020],
            "total": [36000, 41000, 46000, 38600],
            "total_real": [38500, 42800, 47100, 38600],
        }
    )


def flows_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2017, 2018, 2019, 2020],
            "exports": [11000, 11300, 12700, 11700],
            "imports": [6400, 8500, 9200, 9800],
        }
    )


def mirror_df(countries=("KAZ",)) -> pd.DataFrame:
    rows = []
    for code in countries:
        for year, ce, pi in [(2017, 11000, 5000), (2018, 11300, 5600), (2019, 12700, 6800), (2020, 11700, 6500)]:
            rows.append(
                {
                    "year": year,
                    "partner": code,
                    "exports_fob": ce,
                    "imports_cif": pi,
                    "importer_is_estimate": year == 2017,
                }
            )
    return pd.DataFrame(rows)


MAP_VALUES = {"KAZ": 21400.0, "KGZ": 2900.0, "TJK": 1060.0, "TKM": 6500.0, "UZB": 6600.0}

# One builder per chart: name -> callable(caption) -> Figure
BUILDERS = {
    "trade_series": lambda cap: charts.trade_series(series_df(), cap),
    "headline_bars": lambda cap: charts.headline_bars(headline_df(), cap),
    "multiples_bar": lambda cap: charts.multiples_bar(multiples_df(), cap),
    "share_area": lambda cap: charts.share_area(shares_df(), cap, hhi=hhi_df()),
    "hhi_line": lambda cap: charts.hhi_line(hhi_df(), cap),
    "group_comparison": lambda cap: charts.group_comparison(groups_df(), cap),
    "nominal_vs_real": lambda cap: charts.nominal_vs_real(nominal_real_df(), cap),
    "flows_balance": lambda cap: charts.flows_balance(flows_df(), cap, country="KAZ"),
    "mirror_gap": lambda cap: charts.mirror_gap(mirror_df(), cap),
}


def legend_of(ax: Axes) -> Legend:
    """The axes' legend, which the chart must have drawn."""
    legend = ax.get_legend()
    assert legend is not None
    return legend


def data_lines(ax):
    """Lines that carry data (not axhline/axvline reference lines, which use blended transforms)."""
    return [ln for ln in ax.get_lines() if ln.get_transform() is ax.transData]


# ---------------------------------------------------------------------------- synthetic GeoJSON


def _square(x0, y0, size):
    return [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]


@pytest.fixture()
def tiny_geojson(tmp_path):
    """CHN, the five and one neighbour as squares; KAZ is a MultiPolygon whose first part has a hole."""

    def feat(code, name, geometry):
        return {"type": "Feature", "properties": {"ADM0_A3": code, "ISO_A3": code, "NAME": name}, "geometry": geometry}

    hole = _square(55, 45, 4)[::-1]
    feats = [
        feat(
            "KAZ",
            "Kazakhstan",
            {"type": "MultiPolygon", "coordinates": [[_square(50, 42, 12), hole], [_square(64, 50, 2)]]},
        ),
        feat("KGZ", "Kyrgyzstan", {"type": "Polygon", "coordinates": [_square(72, 39, 4)]}),
        feat("TJK", "Tajikistan", {"type": "Polygon", "coordinates": [_square(68, 36, 3)]}),
        feat("TKM", "Turkmenistan", {"type": "Polygon", "coordinates": [_square(54, 36, 5)]}),
        feat("UZB", "Uzbekistan", {"type": "Polygon", "coordinates": [_square(60, 38, 5)]}),
        feat("CHN", "China", {"type": "Polygon", "coordinates": [_square(78, 22, 30)]}),
        feat("MNG", "Mongolia", {"type": "Polygon", "coordinates": [_square(90, 42, 20)]}),
        feat("-99", "Far away", {"type": "Polygon", "coordinates": [_square(-100, -40, 5)]}),
        {"type": "Feature", "properties": {"ADM0_A3": "XXX"}, "geometry": None},
    ]
    path = tmp_path / "tiny.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- captions


def test_caption_requires_source_unit_and_side():
    with pytest.raises(charts.CaptionError, match="source"):
        charts.Caption(source="", unit="current US$", side=charts.SIDE_CHINA)
    with pytest.raises(charts.CaptionError, match="unit"):
        charts.Caption(source="IMF", unit="  ", side=charts.SIDE_CHINA)
    with pytest.raises(charts.CaptionError, match="side"):
        charts.Caption(source="IMF", unit="current US$", side=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        charts.Caption(source="IMF", unit="current US$")  # type: ignore[call-arg]  # side missing altogether


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_chart_without_caption_is_refused(name):
    with pytest.raises(charts.CaptionError, match="source, unit and side"):
        BUILDERS[name](None)
    with pytest.raises(charts.CaptionError):
        BUILDERS[name]({"source": "IMF", "unit": "US$", "side": "China's reports"})


def test_chart_signature_requires_caption():
    with pytest.raises(TypeError):
        charts.trade_series(series_df())  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        charts.region_map(MAP_VALUES, year=2020, bordering=["KAZ"])  # type: ignore[call-arg]


def test_footnote_text_composition():
    cap = charts.Caption(
        source=charts.SOURCE_DOTS,
        unit=charts.UNIT_CONSTANT_2020,
        side=charts.SIDE_PARTNERS,
        note="2021 is a press figure.",
    )
    text = charts.footnote_text(cap)
    assert text.startswith("Source: IMF Direction of Trade Statistics")
    assert "Unit: constant 2020 US$" in text
    assert "Partners' reports." in text
    assert text.endswith("2021 is a press figure.")
    assert charts.footnote_text(cap, prefix="Map: x.").startswith("Map: x. Source:")


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_footnote_on_figure_names_source_unit_side(name):
    fig = BUILDERS[name](CAP)
    note = charts.footnote(fig)
    assert "Synthetic Test Source" in note
    assert "current US$ (test unit)" in note
    assert "China's reports" in note
    # the footnote lies below every axes (nothing drawn over it)
    fig.canvas.draw()
    text = next(t for t in fig.texts if t.get_gid() == style.FOOTNOTE_GID)
    top_of_note = text.get_window_extent().y1
    for ax in fig.axes:
        bbox = ax.get_tightbbox()
        assert bbox is not None
        assert bbox.y0 >= top_of_note - 1, (name, ax)


# ---------------------------------------------------------------------------- figures in general


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_returns_closed_figure_and_leaves_global_state_alone(name):
    before_nums = plt.get_fignums()
    before_rc = {k: v for k, v in matplotlib.rcParams.items() if k != "backend"}
    fig = BUILDERS[name](CAP)
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == before_nums  # not left in pyplot's registry
    after_rc = {k: v for k, v in matplotlib.rcParams.items() if k != "backend"}
    assert after_rc == before_rc
    assert repr(fig).startswith("<Figure size 800x450 with ")  # stable text/plain for nbval
    assert not re.search(r"0x[0-9a-f]{6,}", repr(fig))  # no memory address


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_png_is_deterministic(name):
    fig = BUILDERS[name](CAP)
    first, second = charts.fig_to_png_bytes(fig), charts.fig_to_png_bytes(fig)
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert first == second
    assert charts.fig_to_png_bytes(BUILDERS[name](CAP)) == first  # a rebuilt figure too
    assert b"Matplotlib version" not in first


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_a_figure_is_drawn_once_per_image(name, monkeypatch):
    """The layout is frozen with no layout engine left (not matplotlib's "none" placeholder, which makes every
    savefig draw the figure twice), even where the user's own rcParams ask for a layout engine."""
    with matplotlib.rc_context({"figure.constrained_layout.use": True}):
        fig = BUILDERS[name](CAP)
    assert fig.get_layout_engine() is None
    draws = []
    original = Figure.draw

    def counted(self, renderer):
        draws.append(renderer)
        return original(self, renderer)

    monkeypatch.setattr(Figure, "draw", counted)
    charts.fig_to_png_bytes(fig)
    assert len(draws) == 1


def test_png_uses_the_house_zlib_level_and_keeps_every_pixel():
    import io

    from PIL import Image

    fig = BUILDERS["trade_series"](CAP)
    ours = charts.fig_to_png_bytes(fig)
    default = io.BytesIO()
    fig.savefig(default, format="png", metadata={"Software": None})  # Pillow's default level, 6
    assert style.PNG_COMPRESS_LEVEL != 6 and ours != default.getvalue()
    a, b = (Image.open(io.BytesIO(x)) for x in (ours, default.getvalue()))
    assert (a.mode, a.size) == (b.mode, b.size) and np.array_equal(np.asarray(a), np.asarray(b))


def test_save_figure_png_and_svg_deterministic(tmp_path):
    fig = BUILDERS["trade_series"](CAP)
    a = charts.save_figure(fig, tmp_path / "a.png")
    b = charts.save_png(fig, tmp_path / "sub" / "b.png")
    assert a.read_bytes() == b.read_bytes()
    s1 = charts.save_figure(fig, tmp_path / "a.svg").read_bytes()
    s2 = charts.save_figure(BUILDERS["trade_series"](CAP), tmp_path / "b.svg").read_bytes()
    assert s1 == s2
    with pytest.raises(ValueError, match="unsupported"):
        charts.save_figure(fig, tmp_path / "a.jpg")
    from PIL import Image  # pillow is a matplotlib dependency

    assert Image.open(a).size == (800, 450)


# ---------------------------------------------------------------------------- formatting, colours


@pytest.mark.parametrize(
    "value, expected",
    [
        (500, "$500 m"),
        (1000, "$1 bn"),
        (38630, "$38.63 bn"),
        (2500, "$2.5 bn"),
        (0.5, "$0.5 m"),
        (0, "$0"),
        (-1200, "\u2212$1.2 bn"),
        (float("nan"), ""),
    ],
)
def test_format_usd(value, expected):
    assert numbers.format_usd(value) == expected


def test_format_usd_rounding_options():
    assert numbers.format_usd(38630, 1) == "$38.6 bn"
    assert numbers.format_usd(460, sig=3) == "$460 m"
    assert numbers.format_usd(21385, sig=3) == "$21.4 bn"
    assert numbers.format_usd(1062.7, sig=3) == "$1.06 bn"
    assert numbers.multiple_tick(100) == "\u00d7100" and numbers.multiple_tick(2.5) == "\u00d72.5"
    assert numbers.percent_tick(20) == "20%" and numbers.percent_tick(-3.14, 1) == "\u22123.1%"
    assert charts.usd_formatter()(5000, 0) == "$5 bn"


def test_fixed_country_colours_from_palette():
    assert set(charts.COUNTRY_COLORS) >= set(FIVE) | {"CA5"}
    five = [charts.COUNTRY_COLORS[c] for c in FIVE]
    assert len(set(five)) == 5
    assert set(five) <= set(charts.OKABE_ITO.values())
    assert charts.SIDE_COLORS["china"] != charts.SIDE_COLORS["partner"]
    fig1 = charts.trade_series(series_df(), CAP)
    fig2 = charts.trade_series(series_df()[series_df().partner.isin(["TJK", "KAZ"])], CAP)
    colours1 = {ln.get_label(): ln.get_color() for ln in fig1.axes[0].get_lines()}
    colours2 = {ln.get_label(): ln.get_color() for ln in fig2.axes[0].get_lines()}
    assert colours1["Kazakhstan"] == colours2["Kazakhstan"] == charts.COUNTRY_COLORS["KAZ"]
    assert colours1["Tajikistan"] == colours2["Tajikistan"] == charts.COUNTRY_COLORS["TJK"]


def test_style_file_has_house_settings():
    text = paths.MPLSTYLE.read_text()
    for key in (
        "axes.prop_cycle",
        "svg.hashsalt",
        "figure.dpi",
        "figure.figsize",
        "axes.spines.top",
        "axes.spines.right",
        "axes.grid",
        "path.simplify",
    ):
        assert key in text, key


# ---------------------------------------------------------------------------- log scale


def test_wants_log_rule():
    assert charts.wants_log([400, 38000]) is True  # 95x
    assert charts.wants_log([1000, 40000]) is False  # 40x
    assert charts.wants_log([1000, 40000], log=True) is True
    assert charts.wants_log([400, 38000], log=False) is False
    assert charts.wants_log([0, -5, 10, 20]) is False  # non-positive values ignored
    assert charts.wants_log([5]) is False


def test_trade_series_log_when_wide_range():
    fig = charts.trade_series(series_df(), CAP)  # 80 ... 172,000: far more than 50x
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert "log scale" in ax.get_ylabel()


def test_trade_series_linear_when_narrow_and_override():
    ax = charts.trade_series(narrow_series_df(), CAP).axes[0]
    assert ax.get_yscale() == "linear"
    assert "log" not in ax.get_ylabel()
    ax = charts.trade_series(narrow_series_df(), CAP, log=True).axes[0]
    assert ax.get_yscale() == "log" and "log scale" in ax.get_ylabel()
    ax = charts.trade_series(series_df(), CAP, log=False).axes[0]
    assert ax.get_yscale() == "linear"


# ---------------------------------------------------------------------------- chart by chart


def test_trade_series_lines_and_published_points_not_joined():
    df = pd.concat([series_df(), series_df().groupby("year", as_index=False)["total"].sum().assign(partner="CA5")])
    published = pd.DataFrame({"year": [1992, 2001], "partner": ["CA5", "KAZ"], "value_usd_millions": [460, 50100]})
    fig = charts.trade_series(df, CAP, published=published)
    ax = fig.axes[0]
    assert len(fig.axes) == 1
    lines = ax.get_lines()
    assert len(lines) == 6  # the five + CA5; the published points are not a line
    assert [ln.get_label() for ln in lines][-1] == "Central Asia (5)"
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatters) == 1 and len(np.asarray(scatters[0].get_offsets())) == 2
    # the published values are not part of any line
    for ln in lines:
        assert 50100 not in set(np.asarray(ln.get_ydata(), dtype=float))
    legend_texts = [t.get_text().replace("\n", " ") for t in legend_of(ax).get_texts()]
    assert "published totals (press, China Customs)" in legend_texts


def test_trade_series_rejects_bad_input():
    with pytest.raises(ValueError, match="missing column"):
        charts.trade_series(series_df().drop(columns="partner"), CAP)
    with pytest.raises(ValueError, match="more than one row"):
        charts.trade_series(pd.concat([series_df(), series_df()]), CAP)
    with pytest.raises(ValueError, match="empty"):
        charts.trade_series(series_df().iloc[0:0], CAP)


def test_headline_bars():
    fig = charts.headline_bars(headline_df(), CAP)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == 2
    assert [b.get_height() for b in bars] == [460.0, 50100.0]  # sorted by year
    texts = [t.get_text() for t in ax.texts]
    assert "\u00d7108.9\nin 29 years" in texts  # one decision for multiples: one decimal, as prose and tables
    assert "$460 m" in texts and "$50.1 bn" in texts
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1992\nMOFCOM", "2021\nRMOL"]
    fig = charts.headline_bars(headline_df(), CAP, multiple=108.0)
    assert "\u00d7108.0\nin 29 years" in [t.get_text() for t in fig.axes[0].texts]
    with pytest.raises(ValueError, match="exactly 2 rows"):
        charts.headline_bars(headline_df().iloc[:1], CAP)


def test_multiples_bar_sorted_coloured_hatched():
    fig = charts.multiples_bar(multiples_df(), CAP)
    ax = fig.axes[0]
    bars = list(ax.containers[0])
    assert len(bars) == 5
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Tajikistan", "Turkmenistan"]  # largest on top
    colours = [matplotlib.colors.to_hex(b.get_facecolor()) for b in bars]
    assert colours[0] == charts.COUNTRY_COLORS["KAZ"].lower()
    hatched = {lab for lab, b in zip(labels, bars, strict=True) if b.get_hatch()}
    assert hatched == {"Kazakhstan", "Kyrgyzstan", "Tajikistan"}
    assert "shares a land border with China" in [t.get_text() for t in legend_of(ax).get_texts()]
    assert {"\u00d71,460.0", "\u00d759.0"} <= {t.get_text() for t in ax.texts}  # labels as prose and tables
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks[0] == "\u00d70" and not any("." in t for t in ticks)  # round ticks keep no decimal
    # CAGR variant: percent labels, linear axis
    ax = charts.multiples_bar(multiples_df(), CAP, value_col="cagr_pct").axes[0]
    assert ax.get_xscale() == "linear" and "CAGR" in ax.get_xlabel()
    assert "29.7%" in [t.get_text() for t in ax.texts]
    # very wide multiples go to a log axis starting at x1
    wide = multiples_df().assign(multiple=[2.0, 10.0, 50.0, 400.0, 5.0])
    ax = charts.multiples_bar(wide.drop(columns="borders_china"), CAP).axes[0]
    assert ax.get_xscale() == "log" and "log scale" in ax.get_xlabel()
    assert ax.get_legend() is None


def test_share_area_with_and_without_hhi():
    fig = charts.share_area(shares_df(), CAP, hhi=hhi_df())
    assert len(fig.axes) == 2
    areas = [c for c in fig.axes[0].collections if isinstance(c, PolyCollection)]
    assert len(areas) == 5
    assert len(fig.axes[1].get_lines()) == 1
    assert "HHI (0–10,000)" == fig.axes[1].get_ylabel()
    fig = charts.share_area(shares_df(), CAP)
    assert len(fig.axes) == 1
    fig = charts.hhi_line(hhi_df().assign(hhi=lambda d: d.hhi / 10000), CAP)
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 1
    assert fig.axes[0].get_ylabel() == "HHI (0–1)"


def test_fraction_columns_are_shown_as_percent():
    assert charts.percent_factor("cagr_pct") == 1.0 and charts.percent_factor("cagr") == 100.0
    df = multiples_df().assign(cagr=lambda d: d.cagr_pct / 100)
    ax = charts.multiples_bar(df, CAP, value_col="cagr").axes[0]
    assert "29.7%" in [t.get_text() for t in ax.texts]
    ax = charts.group_comparison(groups_df(), CAP).axes[0]  # the measures' cagr: a fraction
    assert "18.2%" in [t.get_text() for t in ax.texts]
    pct = groups_df().assign(cagr_pct=lambda d: 100 * d.cagr)
    ax = charts.group_comparison(pct, CAP, value_col="cagr_pct").axes[0]
    assert "18.2%" in [t.get_text() for t in ax.texts]
    fig = charts.share_area(shares_df(), CAP)  # the measures' share: a fraction
    assert fig.axes[0].get_ylim() == (0.0, 100.0)
    fig = charts.share_area(shares_df().assign(share_pct=lambda d: 100 * d.share), CAP, share_col="share_pct")
    assert fig.axes[0].get_ylim() == (0.0, 100.0)


def test_group_comparison_grouped_bars():
    fig = charts.group_comparison(groups_df(), CAP)
    ax = fig.axes[0]
    bars = [b for c in ax.containers for b in c]
    assert len(bars) == 4
    assert [t.get_text() for t in ax.get_xticklabels()] == ["bordering", "non-bordering"]
    assert [t.get_text() for t in legend_of(ax).get_texts()] == ["before", "after"]
    assert "\u22122.5%" in [t.get_text() for t in ax.texts]


def test_nominal_vs_real_two_lines():
    fig = charts.nominal_vs_real(nominal_real_df(), CAP)
    ax = fig.axes[0]
    assert len(data_lines(ax)) == 2
    labels = [t.get_text() for t in legend_of(ax).get_texts()]
    assert labels == ["nominal (current US$)", "real (constant 2020 US$)"]
    assert ax.get_yscale() == "linear"


def test_flows_balance_lines_and_bars():
    fig = charts.flows_balance(flows_df(), CAP, country="KAZ")
    ax = fig.axes[0]
    assert len(data_lines(ax)) == 2
    bars = list(ax.containers[0])
    assert len(bars) == 4
    assert [b.get_height() for b in bars] == [4600, 2800, 3500, 1900]
    assert "Kazakhstan" in ax.get_title(loc="left")
    assert all(ln.get_color() == charts.COUNTRY_COLORS["KAZ"] for ln in data_lines(ax))


def test_mirror_gap_single_country_has_levels_band_and_estimates():
    fig = charts.mirror_gap(mirror_df(), CAP)
    assert len(fig.axes) == 2
    ax_levels, ax = fig.axes
    assert len(data_lines(ax_levels)) == 2
    ratio_lines = data_lines(ax)
    assert len(ratio_lines) == 1
    np.testing.assert_allclose(ratio_lines[0].get_ydata(), [5000 / 11000, 5600 / 11300, 6800 / 12700, 6500 / 11700])
    band = [p for p in ax.patches if "CIF/FOB" in cast(str, p.get_label())]
    assert len(band) == 1
    legend = " ".join(t.get_text().replace("\n", " ") for t in legend_of(ax).get_texts())
    assert "importer's figure ≈ exporter's × 1–1.1" in legend
    assert "IMF estimate" in legend
    assert [ln.get_color() for ln in data_lines(ax_levels)] == [
        charts.SIDE_COLORS["china"],
        charts.SIDE_COLORS["partner"],
    ]


def test_mirror_gap_several_countries_and_log():
    df = mirror_df(("KAZ", "KGZ", "TJK"))
    df.loc[df.partner == "TJK", "imports_cif"] = 50.0  # ratio ~0.004: span > 50x
    fig = charts.mirror_gap(df, CAP)
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(data_lines(ax)) == 3
    assert ax.get_yscale() == "log" and "log scale" in ax.get_ylabel()
    ratio_only = pd.DataFrame({"year": [2019, 2020], "partner": ["UZB", "UZB"], "ratio": [0.9, 1.05]})
    fig = charts.mirror_gap(ratio_only, CAP)
    assert len(fig.axes) == 1 and fig.axes[0].get_yscale() == "linear"
    with pytest.raises(ValueError, match="show_levels"):
        charts.mirror_gap(ratio_only, CAP, show_levels=True)


# ---------------------------------------------------------------------------- map


def _map_caption():
    return charts.Caption(source="IMF DOTS", unit="current US$", side=charts.SIDE_CHINA)


def test_region_map_tiny_geojson(tiny_geojson):
    fig = charts.region_map(
        MAP_VALUES, _map_caption(), year=2020, bordering=["KAZ", "KGZ", "TJK"], geojson_path=tiny_geojson
    )
    assert len(fig.axes) == 2  # map + colorbar
    ax = fig.axes[0]
    gids = {p.get_gid() for p in ax.patches if isinstance(p, PathPatch)}
    assert {"CHN", "KAZ", "KGZ", "TJK", "TKM", "UZB", "MNG"} <= gids
    assert "-99" not in gids  # far outside the map window: not drawn
    assert charts.map_bordering_codes(fig) == ["KAZ", "KGZ", "TJK"]
    kaz = next(p for p in ax.patches if p.get_gid() == "KAZ")
    # the hole (55..59, 45..49) stays empty when filled, the ring around it and the second part are filled
    assert fill_at(kaz.get_path(), (57, 47)) is False
    assert fill_at(kaz.get_path(), (51, 43)) is True
    assert fill_at(kaz.get_path(), (65, 51)) is True
    note = charts.footnote(fig)
    assert note.startswith("Map: Natural Earth 1:110m (public domain).")
    assert "IMF DOTS" in note and "current US$" in note and "China's reports" in note
    assert "US$ billions" in fig.axes[1].get_ylabel()
    assert ax.get_xlim() == (45.0, 135.0) and ax.get_ylim() == (15.0, 56.0)
    labels = " ".join(t.get_text() for t in ax.texts)
    for name in ("Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan", "CHINA"):
        assert name in labels
    assert charts.fig_to_png_bytes(fig) == charts.fig_to_png_bytes(fig)


def fill_at(path, point) -> bool:
    """Render ``path`` filled in red on a 50-66 x 40-56 lon/lat window; is ``point`` red?"""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(1.6, 1.6), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.add_patch(PathPatch(path, facecolor="red", edgecolor="none"))
    ax.set_xlim(50, 66)
    ax.set_ylim(40, 56)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    px, py = ax.transData.transform(point)
    rgba = np.asarray(canvas.buffer_rgba())[int(fig.bbox.height - py), int(px)]
    return bool(rgba[0] == 255 and rgba[1] == 0)


@pytest.mark.parametrize("hole_reversed", [False, True])
def test_map_feature_path_orients_rings(hole_reversed):
    outer = np.array(_square(50, 42, 12), dtype=float)[::-1]  # given clockwise
    hole = np.array(_square(55, 45, 4), dtype=float)
    hole = hole[::-1] if hole_reversed else hole
    feature = charts.MapFeature("KAZ", "Kazakhstan", ((outer, hole),))
    path = feature.path()
    rings = path.to_polygons(closed_only=True)
    assert len(rings) == 2
    assert chart_map._signed_area(np.asarray(rings[0])[:-1]) > 0  # exterior counter-clockwise
    assert chart_map._signed_area(np.asarray(rings[1])[:-1]) < 0  # hole clockwise
    assert fill_at(path, (57, 47)) is False
    assert fill_at(path, (51, 43)) is True


def test_region_map_inputs(tiny_geojson):
    df = pd.DataFrame({"partner": list(MAP_VALUES), "total": list(MAP_VALUES.values())})
    fig = charts.region_map(df.iloc[:4], _map_caption(), year=2020, bordering=["KAZ"], geojson_path=tiny_geojson)
    assert charts.map_bordering_codes(fig) == ["KAZ"]
    assert "no data" in " ".join(t.get_text() for t in fig.axes[0].texts)  # UZB missing
    fig = charts.region_map(pd.Series(MAP_VALUES), _map_caption(), year=2020, bordering=[], geojson_path=tiny_geojson)
    assert charts.map_bordering_codes(fig) == []
    with pytest.raises(charts.CaptionError):
        charts.region_map(MAP_VALUES, None, year=2020, bordering=["KAZ"], geojson_path=tiny_geojson)  # type: ignore[arg-type]


def test_map_geojson_parsed_once(tiny_geojson):
    charts.load_map_features.cache_clear()
    charts.region_map(MAP_VALUES, _map_caption(), year=2020, bordering=["KAZ"], geojson_path=tiny_geojson)
    charts.region_map(MAP_VALUES, _map_caption(), year=2021, bordering=["KAZ"], geojson_path=tiny_geojson)
    info = charts.load_map_features.cache_info()
    assert info.misses == 1 and info.hits >= 1


NATURAL_EARTH = paths.raw_dir() / "naturalearth-110m" / "ne_110m_admin_0_countries.json"


@pytest.mark.skipif(not NATURAL_EARTH.exists(), reason="Natural Earth GeoJSON not present")
def test_region_map_natural_earth():
    fig = charts.region_map(
        MAP_VALUES, _map_caption(), year=2020, bordering=["KAZ", "KGZ", "TJK"], geojson_path=NATURAL_EARTH
    )
    ax = fig.axes[0]
    gids = [p.get_gid() for p in ax.patches]
    for code in ("CHN", "KAZ", "KGZ", "TJK", "TKM", "UZB"):
        assert gids.count(code) == 1, code
    assert charts.map_bordering_codes(fig) == ["KAZ", "KGZ", "TJK"]
    assert math.isclose(cast(float, ax.get_aspect()), 1 / math.cos(math.radians(35.5)))
    assert "Natural Earth" in charts.footnote(fig)
    # every label of the five lies inside the map window
    for t in ax.texts:
        x, y = t.get_position()
        assert 45 <= x <= 135 and 15 <= y <= 56


# ---------------------------------------------------------------------------- notebook display


def test_figures_display_inline_in_a_real_kernel(tmp_path):
    """Last expression and display(fig) each show one PNG; a trailing ';' shows nothing."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.v4.new_notebook()
    setup = (
        "import pandas as pd\nfrom tradeviz import charts\n"
        "cap = charts.Caption(source='S', unit='current US$', side=charts.SIDE_CHINA)\n"
        "df = pd.DataFrame({'year': [2000, 2001], 'partner': ['KAZ', 'KAZ'], 'total': [1.0, 2.0]})"
    )
    nb.cells = [
        nbformat.v4.new_code_cell(setup),
        nbformat.v4.new_code_cell("charts.trade_series(df, cap)"),
        nbformat.v4.new_code_cell("fig = charts.trade_series(df, cap)\ndisplay(fig)"),
        nbformat.v4.new_code_cell("charts.trade_series(df, cap);"),
    ]
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    try:
        client.execute()
    except Exception as exc:  # no usable kernel in this environment
        pytest.skip(f"could not run a Jupyter kernel: {exc}")
    assert nb.cells[0].outputs == []
    for cell in nb.cells[1:3]:
        assert len(cell.outputs) == 1, cell.outputs
        data = cell.outputs[0]["data"]
        assert "image/png" in data
        assert data["text/plain"] == "<Figure size 800x450 with 1 Axes>"
    assert nb.cells[3].outputs == []
