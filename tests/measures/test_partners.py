"""partner_trade and the partner measures, checked against the raw DOTS workbooks read here with openpyxl."""

import hashlib
import json
from functools import cache

import openpyxl
import pandas as pd
import pycountry
import pytest

from tradeviz import countries, data, errors, paths
from tradeviz.build import pipeline
from tradeviz.measures import partners
from tradeviz.sources import dots

DOTS = paths.raw_dir() / "imf-dots" / "2022-02-02"
WORKBOOKS = {
    "CHN": "DOTS_40.xlsx",
    "KAZ": "DOTS_103.xlsx",
    "KGZ": "DOTS_109.xlsx",
    "TJK": "DOTS_192.xlsx",
    "TKM": "DOTS_201.xlsx",
    "UZB": "DOTS_210.xlsx",
}
# Written out here, not read from partner_names.json, so the test does not share the build's mapping.
AGGREGATES = {
    "World",
    "Advanced Economies",
    "Euro Area",
    "European Union",
    "Emerging and Developing Economies",
    "Emerging and Developing Asia",
    "Emerging and Developing Europe",
    "Middle East and Central Asia",
    "Sub-Saharan Africa",
    "Western Hemisphere",
    "Other Countries not included elsewhere",
    "Special Categories",
    "Memorandum Items",
    "Africa",
    "Middle East",
}
TRADE_CSV_SHA256 = "54166508919e34b740b5e322b9182393ab1c0ccc7de3ce6ce64900c9ee4c91ef"  # trade.csv before issue 12


def _number(cell):
    if cell is None:
        return None
    if isinstance(cell, str):
        return float(cell.removesuffix(" e").replace(",", ""))
    return float(cell)


@cache
def raw_totals(reporter: str, year: int) -> dict[str, float]:
    """DOTS label -> exports + imports in ``year``, straight from the reporter's workbook (blank = nothing)."""
    book = openpyxl.load_workbook(DOTS / WORKBOOKS[reporter], read_only=True, data_only=True)
    totals: dict[str, float] = {}
    for sheet in ("Exports, FOB", "Imports, CIF"):
        rows = list(book[sheet].iter_rows(values_only=True))
        col = [str(v) for v in rows[6]].index(str(year))
        seen = set()
        for row in rows[7:]:
            label, value = row[1], _number(row[col])
            if label is None or label in seen or value is None:
                continue
            seen.add(label)  # 'Australia' is listed twice with the same values
            totals[label] = totals.get(label, 0.0) + value
    book.close()
    return totals


def raw_share_and_rank(reporter: str, year: int, label: str) -> tuple[float, int]:
    totals = raw_totals(reporter, year)
    ranked = {
        k: v
        for k, v in totals.items()
        if k not in AGGREGATES and "not specified" not in k and not k.startswith("Emerging Market")
    }
    return totals[label] / totals["World"], 1 + sum(v > ranked[label] for v in ranked.values())


@pytest.fixture(scope="module")
def partner_trade():
    return data.load_partner_trade()


def test_the_trade_table_is_unchanged_byte_for_byte():
    tables = pipeline.build_all()
    text = pipeline.to_csv_text(tables["trade"])
    assert len(tables["trade"]) == 926
    assert hashlib.sha256(text.encode()).hexdigest() == TRADE_CSV_SHA256
    assert (paths.curated_dir() / "trade.csv").read_text(encoding="utf-8") == text


def test_every_trade_row_is_in_partner_trade_with_the_same_values(partner_trade):
    trade = data.load_trade()
    key = ["year", "reporter", "partner", "flow"]
    merged = trade.merge(partner_trade, on=key, how="left", suffixes=("", "_p"), validate="one_to_one")
    assert len(merged) == 926 and merged["value_usd_millions_p"].notna().all()
    for col in ("value_usd_millions", "imf_estimate", "valuation", "source_id"):
        assert (merged[col] == merged[f"{col}_p"]).all(), col


def test_partner_trade_coverage_and_kinds(partner_trade):
    assert len(partner_trade) == 40054
    assert (partner_trade.year.min(), partner_trade.year.max()) == (1992, 2020)
    assert set(partner_trade.reporter) == set(WORKBOOKS)
    kinds = data.load_dots_partners().set_index("code")
    assert len(kinds) == 242  # every label of the six workbooks, once
    assert kinds.loc["WLD", "kind"] == "aggregate" and kinds.loc["WLD", "dots_label"] == "World"
    aggregates = kinds[kinds.kind == "aggregate"]
    assert set(aggregates.dots_label) == AGGREGATES | {
        "Emerging Market and Developing Economies by Source of Export Earnings: Fuel",
        "Emerging Market and Developing Economies by Source of Export Earnings: Nonfuel",
    }
    assert not any(pycountry.countries.get(alpha_3=c) for c in aggregates.index)  # never a country code
    unallocated = kinds[kinds.kind == "unallocated"]
    assert all("not specified" in label for label in unallocated.dots_label)
    for code in kinds[kinds.kind == "country"].index:
        assert code == "XKX" or pycountry.countries.get(alpha_3=code), code
    assert kinds.loc["RUS", "dots_label"] == "Russian Federation" and kinds.loc["SUN", "kind"] == "former_country"
    labels = json.loads((paths.raw_dir() / "imf-dots" / "country_names.json").read_text(encoding="utf-8"))
    for label, code in labels.items():  # the two mapping files agree
        if not label.startswith("_"):
            assert kinds.loc[code, "dots_label"] == label


@pytest.mark.parametrize(
    "reporter, year, label, code",
    [
        ("KAZ", 2020, "China, P.R.: Mainland", "CHN"),
        ("KAZ", 2020, "Russian Federation", "RUS"),
        ("KAZ", 2009, "Russian Federation", "RUS"),
        ("UZB", 2000, "China, P.R.: Mainland", "CHN"),
        ("KGZ", 2016, "China, P.R.: Mainland", "CHN"),
        ("TJK", 2020, "China, P.R.: Mainland", "CHN"),
        ("TKM", 2015, "Russian Federation", "RUS"),
        ("CHN", 2020, "Kazakhstan, Rep. of", "KAZ"),
    ],
)
def test_shares_and_ranks_match_the_raw_workbooks(partner_trade, reporter, year, label, code):
    share, rank = raw_share_and_rank(reporter, year, label)
    row = partners.partner_share(partner_trade, reporter, code).set_index("year").loc[year]
    assert row.share == pytest.approx(share, rel=1e-12)
    assert row["rank"] == rank


def test_top_partners_match_the_raw_workbook(partner_trade):
    totals = raw_totals("KAZ", 2020)
    countries_only = sorted(
        (
            (v, k)
            for k, v in totals.items()
            if k not in AGGREGATES and "not specified" not in k and not k.startswith("Emerging Market")
        ),
        reverse=True,
    )[:5]
    top = partners.top_partners(partner_trade, "Kazakhstan", 2020, n=5)
    assert top.value.round(6).tolist() == [round(v, 6) for v, _ in countries_only]
    assert top.partner.tolist() == ["RUS", "CHN", "ITA", "KOR", "NLD"]
    assert top["rank"].tolist() == [1, 2, 3, 4, 5] and (top.world_status == "reported").all()


def test_the_fives_share_of_chinas_trade_matches_the_raw_workbook(partner_trade):
    totals = raw_totals("CHN", 2020)
    labels = ["Kazakhstan, Rep. of", "Kyrgyz Rep.", "Tajikistan, Rep. of", "Turkmenistan", "Uzbekistan, Rep. of"]
    five = partners.five_in_china(partner_trade).set_index(["year", "partner"])
    assert five.loc[(2020, "CA5"), "share"] == pytest.approx(
        sum(totals[k] for k in labels) / totals["World"], rel=1e-12
    )
    assert five.loc[(2020, "CA5"), "value"] == pytest.approx(38557.0, abs=0.05)  # as the trade table says


def test_customs_union_years_are_flagged_and_nothing_else_changes(partner_trade):
    table = partners.china_and_russia(partner_trade).set_index(["reporter", "year"])
    flags = table.customs_union
    assert not flags["KAZ", 2009] and flags["KAZ", 2010] and flags["KAZ", 2020]
    assert not flags["KGZ", 2014] and flags["KGZ", 2015]
    assert not flags[["TJK", "TKM", "UZB"]].any()
    assert partners.in_customs_union("KAZ", 2010) and not partners.in_customs_union("UZB", 2020)
    share, _ = raw_share_and_rank("KAZ", 2010, "Russian Federation")
    assert table.loc[("KAZ", 2010), "russia_share"] == pytest.approx(share, rel=1e-12)  # flagged, not corrected
    events = partners.crossings(partner_trade)
    assert events.set_index(["reporter", "year"]).customs_union.to_dict() == {
        ("KAZ", 2010): True,
        ("KAZ", 2011): True,
        ("KAZ", 2012): True,
        ("KAZ", 2013): True,
        ("KGZ", 2016): True,
        ("KGZ", 2020): True,
        ("TKM", 2010): False,
        ("UZB", 2000): False,
    }


def test_first_year_china_passed_russia(partner_trade):
    summary = partners.china_passes_russia(partner_trade).set_index("reporter")
    assert summary.first_year.fillna(0).to_dict() == {"KAZ": 2010, "KGZ": 2016, "TJK": 0, "TKM": 2010, "UZB": 2000}
    assert summary.stayed_ahead.to_dict() == {"KAZ": False, "KGZ": False, "TJK": False, "TKM": True, "UZB": True}
    for code in countries.FIVE:  # the last year's shares, from the raw workbooks
        china, _ = raw_share_and_rank(code, 2020, "China, P.R.: Mainland")
        russia, _ = raw_share_and_rank(code, 2020, "Russian Federation")
        assert summary.loc[code, "china_share_last"] == pytest.approx(china, rel=1e-12)
        assert summary.loc[code, "russia_share_last"] == pytest.approx(russia, rel=1e-12)


def test_a_missing_world_total_gives_no_share_and_says_so(partner_trade):
    rows = partner_trade[
        ~(
            (partner_trade.reporter == "TJK")
            & (partner_trade.partner == "WLD")
            & (partner_trade.year == 2005)
            & (partner_trade.flow == "imports")
        )
    ]
    estimated = rows.copy()
    world = (estimated.reporter == "TJK") & (estimated.partner == "WLD") & (estimated.year == 2006)
    estimated.loc[world, "imf_estimate"] = True
    share = partners.partner_share(estimated, "TJK", "CHN").set_index("year")
    assert share.loc[2005, "world_status"] == "missing" and pd.isna(share.loc[2005, "share"])
    assert share.loc[2006, "world_status"] == "estimate" and share.loc[2006, "share"] > 0
    assert share.loc[2007, "world_status"] == "reported"


@pytest.mark.parametrize(
    "args, message",
    [
        (("Narnia", 2020), "Unknown country 'Narnia'"),
        (("KAZ", 1991), "before 1992"),
        (("KAZ", 2021), "outside the data: valid years for Kazakhstan's IMF DOTS reports are 1992–2020"),
    ],
)
def test_top_partners_refuses_bad_input(partner_trade, args, message):
    with pytest.raises(ValueError, match=message):
        partners.top_partners(partner_trade, *args)


def test_unmapped_partner_labels_stop_the_build_and_are_all_listed(data_copy):
    path = data_copy / "raw" / "imf-dots" / "partner_names.json"
    names = json.loads(path.read_text(encoding="utf-8"))
    del names["country"]["Australia"], names["aggregate"]["Advanced Economies"]
    path.write_text(json.dumps(names), encoding="utf-8")
    with pytest.raises(errors.BuildError) as error:
        dots.build_partner_trade(data_copy / "raw")
    message = str(error.value)
    assert "no code for 2 DOTS partner label(s)" in message
    assert "'Advanced Economies' (in 2022-02-02/DOTS_103.xlsx, " in message
    assert "'Australia' (in 2022-02-02/DOTS_103.xlsx, 2022-02-02/DOTS_109.xlsx, " in message


def test_a_repeated_label_with_different_values_is_refused(data_copy):
    path = data_copy / "raw" / "imf-dots" / "2022-02-02" / "DOTS_109.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["Exports, FOB"]
    rows = [r for r in range(8, sheet.max_row + 1) if sheet.cell(r, 2).value == "Australia"]
    assert len(rows) == 2
    sheet.cell(rows[1], sheet.max_column).value = 123.0
    book.save(path)
    with pytest.raises(errors.BuildError, match=r"partner 'Australia' is in rows \d+ and \d+ with different values"):
        dots.read_dots_partners(
            path,
            "x",
            data_copy / "raw" / "imf-dots" / "country_names.json",
            data_copy / "raw" / "imf-dots" / "partner_names.json",
        )


def test_cli_prints_the_top_partners_with_shares(capsys):
    from tradeviz import cli

    assert cli.main(["partners", "KAZ", "2020", "--top", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Kazakhstan's largest partners in 2020, exports + imports, from Kazakhstan's own reports")
    assert out[1].split() == ["1", "Russian", "Federation", "$18.2", "bn", "21.4%"]
    assert out[2].split() == ["2", "China", "$15.35", "bn", "18.0%"]
    assert "customs union with Russia since 2010" in out[-1]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["partners", "Narnia", "2020"], "Unknown country 'Narnia'"),
        (["partners", "KGZ", "2021"], "year 2021 is outside the data: valid years for Kyrgyzstan's IMF DOTS reports"),
        (["partners", "KGZ", "1990"], "before 1992"),
        (["partners", "KGZ", "2020", "--top", "0"], "--top 0: give how many partners to list, a whole number from 1"),
    ],
)
def test_cli_refuses_bad_country_or_year_with_exit_2(capsys, argv, message):
    from tradeviz import cli

    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err


def test_steady_share_runs_find_only_uzbekistans_russia_figures_of_2000_to_2015(partner_trade):
    table = partners.china_and_russia(partner_trade)
    runs = partners.steady_share_runs(table, "russia_share")
    assert runs[["reporter", "first_year", "last_year", "years"]].values.tolist() == [["UZB", 2000, 2015, 16]]
    assert partners.steady_share_runs(table, "china_share").empty
    toy = pd.DataFrame({"year": range(2000, 2010), "reporter": "X", "s": [0.2] * 8 + [0.3, 0.2]})
    assert partners.steady_share_runs(toy, "s")[["first_year", "last_year"]].values.tolist() == [[2000, 2007]]
    assert partners.steady_share_runs(toy, "s", min_years=9).empty


def test_steady_share_runs_by_reporter_and_partner_are_the_runs_of_each_series_alone(partner_trade):
    shares = partners.partner_shares(partner_trade)
    large = shares[shares.partner_kind.eq("country") & shares.reporter.isin(countries.FIVE)]
    runs = partners.steady_share_runs(large, "share", by=["reporter", "partner"], tolerance=0.05, min_years=5)
    assert list(runs.columns[:3]) == ["reporter", "partner", "column"] and len(runs) > 1
    alone = [
        partners.steady_share_runs(g, "share", tolerance=0.05, min_years=5).assign(partner=p)
        for (_, p), g in large.groupby(["reporter", "partner"], sort=False)
    ]
    expected = pd.concat([a for a in alone if len(a)], ignore_index=True)[list(runs.columns)]
    pd.testing.assert_frame_equal(runs, expected, check_exact=True)
    # a gap in the years ends a run; a non-positive share never starts one; a row with no key is in no series
    toy = pd.DataFrame({"year": [*range(2000, 2004), *range(2005, 2009)], "reporter": "X", "partner": "Y", "s": 0.2})
    toy.loc[8] = (2009, None, "Y", 0.2)
    assert partners.steady_share_runs(toy, "s", by=["reporter", "partner"], min_years=4).first_year.tolist() == [
        2000,
        2005,
    ]
    assert partners.steady_share_runs(toy.assign(s=0.0), "s", by=["reporter", "partner"], min_years=2).empty


def test_one_reporters_shares_are_those_of_its_rows_alone(partner_trade):
    """partner_shares and partner_share slice one computation over every reporter: the same rows, values and
    order as computing on the reporter's rows alone (shares and ranks are within (year, reporter))."""
    for code in ("CHN", "KAZ", "TKM"):
        rows = partner_trade[partner_trade.reporter.eq(code)].reset_index(drop=True)
        for flow in ("total", "imports"):
            pd.testing.assert_frame_equal(
                partners.partner_shares(partner_trade, code, flow), partners.partner_shares(rows, None, flow)
            )
            pd.testing.assert_frame_equal(
                partners.partner_share(partner_trade, code, "RUS", flow),
                partners.partner_share(rows, code, "RUS", flow),
            )
    with pytest.raises(ValueError, match="no partner_trade rows for reporter 'KAZ'"):
        partners.partner_shares(partner_trade[partner_trade.reporter.ne("KAZ")], "KAZ")


def test_partner_charts_carry_their_caption(partner_trade):
    from tradeviz import charts

    caption = charts.Caption(source=charts.SOURCE_DOTS, unit="share", side=charts.SIDE_OWN)
    fig = charts.china_russia_shares(partners.china_and_russia(partner_trade), caption)
    assert len([ax for ax in fig.axes if ax.has_data()]) == 5 and "Each country's own reports" in charts.footnote(fig)
    fig = charts.top_partner_bars(partners.top_partners(partner_trade, "KAZ", 2020, 5), caption)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()][:2] == ["1. Russian Federation", "2. China"]
    fig = charts.share_lines(partners.five_in_china(partner_trade), caption)
    assert len(fig.axes[0].get_lines()) == 6
    with pytest.raises(charts.CaptionError):
        charts.share_lines(partners.five_in_china(partner_trade), None)  # type: ignore[arg-type]


def test_the_top_n_parameter_is_checked():
    from tradeviz.reports import parameters

    assert parameters.count(10) == 10
    for bad in (0, 51, 2.5, True, "10"):
        with pytest.raises(ValueError, match="top_n must be a whole number from 1 to 50"):
            parameters.count(bad)  # type: ignore[arg-type]


def test_published_places_come_from_the_stored_quotes():
    places = data.load_published_places()
    published = data.load_published().set_index("figure_id")
    assert len(places) == 13 and (places.year >= 2021).all() and set(places.side) == {"partner"}
    for row in places.itertuples():
        source = published.loc[row.trade_figure_id]
        assert row.quoted_text == source.quoted_text and row.page_url == source.page_url
        assert row.evidence in row.quoted_text
    kaz = places[(places.reporter == "KAZ") & (places.measure == "share_pct")].iloc[0]
    assert (kaz.year, kaz.period, kaz.value) == (2023, "jan_sep", 21.3)
    tjk = places[(places.reporter == "TJK") & (places.year == 2022)].set_index("partner").value
    assert tjk.to_dict() == {"CHN": 3.0, "RUS": 1.0}


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("evidence", "China accounted for a 22.3% share", "is not part of the quote of trade_figures.csv line 117"),
        ("value", "22.3", "22.3 is not written in the evidence"),
        ("trade_figures_line", "9999", "trade_figures.csv has no data line '9999'"),
        ("year", "2022", "differs from trade_figures.csv line 117"),
    ],
)
def test_a_published_place_that_its_quote_does_not_state_is_refused(data_copy, column, value, message):
    import csv

    path = data_copy / "raw" / "press-figures-2026" / "partner_places.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = next(r for r in rows if r["trade_figures_line"] == "117")
    row[column] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(errors.BuildError, match=message):
        pipeline.build_published_places(data_copy / "raw")
