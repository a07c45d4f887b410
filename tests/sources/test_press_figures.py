"""Published figures 2019–2025: the raw transcriptions, their curated tables and the bad inputs each must refuse."""

import csv
import io
import json

import pandas as pd
import pytest

from tradeviz import cli, countries, data, paths
from tradeviz.build import dictionary, pipeline, validate
from tradeviz.sources import press_figures, provenance

FOLDER = press_figures.FOLDER


@pytest.fixture(scope="module")
def tables():
    return pipeline.build_all()


def _rewrite(data_dir, name, edit):
    """Edit one raw CSV of the published-figures folder (rows as dicts) and record its new checksum."""
    folder = data_dir / "raw" / FOLDER
    path = folder / name
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    assert fields is not None
    rows = edit(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    record = json.loads((folder / provenance.RECORD).read_text(encoding="utf-8"))
    record["files"][name] = {"sha256": provenance.sha256(path), "bytes": path.stat().st_size}
    (folder / provenance.RECORD).write_text(json.dumps(record), encoding="utf-8")
    return path


def _first(rows, **match):
    return next(i for i, r in enumerate(rows) if all(r[k] == v for k, v in match.items()))


def _build_fails(capsys, *needles):
    before = capsys.readouterr()  # noqa: F841 -- drop earlier output
    assert cli.main(["data", "build"]) == 1
    err = capsys.readouterr().err
    for needle in needles:
        assert needle in err, err
    return err


# ------------------------------------------------------------------------------------------ the data


def test_raw_folder_has_provenance_and_is_read_only_through_checksums():
    folder = paths.raw_dir() / FOLDER
    record = provenance.read_record(folder)
    assert set(record["files"]) == {
        "SOURCE.md",
        "SEARCHES.md",
        "country_names.json",
        "trade_figures.csv",
        "targets.csv",
        "pledges.csv",
        "gas_imports.csv",
        "partner_places.csv",
    }
    assert "stored copies of public web pages" in record["sources"][0]["url"]
    assert provenance.verify() == []


def test_every_series_figure_is_full_year_usd_and_unique(tables):
    published, series = tables["published"], tables["published_series"]
    chosen = published[published.in_series]
    assert (chosen.period == "full_year").all() and (chosen.currency == "USD").all()
    assert not series.duplicated(["year", "partner", "side", "measure"]).any()
    assert len(series) == len(chosen)
    merged = series.merge(published, on="figure_id", suffixes=("", "_pub"))
    assert (merged.value_usd_millions == merged.value_usd_millions_pub).all()
    assert (merged.reporter == merged.partner.where(merged.side == "partner", "CHN")).all()


def test_every_published_value_is_in_its_quote(tables):
    published = tables["published"]
    recent = published[published.source_id == "press-figures-2026"]
    assert len(recent) > 50
    raw = pd.read_csv(paths.raw_dir() / FOLDER / "trade_figures.csv", dtype=str, keep_default_na=False)
    printed = dict(zip("press-figures-2026#" + (raw.index + 2).astype(str), raw.number_as_printed, strict=True))
    for row in recent.itertuples():
        words = printed[row.figure_id]
        assert (words in row.quoted_text) if words else press_figures._quote_has_number(row.quoted_text, row.value)
        assert row.page_url.startswith("http"), row.figure_id


def test_partial_year_figures_never_stand_in_for_a_year(tables):
    published = tables["published"]
    partial = published[published.period != "full_year"]
    assert len(partial) > 0 and not partial.in_series.any()


def test_the_data_dictionary_lists_what_the_sources_lack(tables):
    text = dictionary.data_dictionary(tables)
    lack = text.split("## What the sources lack", 1)[1].split("\n## ", 1)[0]
    series = tables["published_series"]
    for row in press_figures.coverage(series):
        for year in row["missing"]:
            assert (row["partner"], row["side"], row["measure"], year) not in set(
                zip(series.partner, series.side, series.measure, series.year, strict=True)
            )
    missing = [r for r in press_figures.coverage(series) if r["missing"]]
    assert missing, "some country-year-side-measure is always missing (Turkmenistan publishes none)"
    assert len([line for line in lack.splitlines() if "no full-year published figure" in line]) == len(missing)
    assert "Turkmenistan, total_trade, by its own statistics: no full-year published figure for 2019–2025" in lack


def test_loaders_type_the_new_tables():
    series = data.load_published_series("Kyrgyz Republic")
    assert set(series.partner) == {"KGZ"} and series.year.dtype == "int64"
    assert data.load_published().in_series.dtype == bool
    targets = data.load_targets()
    assert (targets.deadline_year.dropna() >= targets.announced_year[targets.deadline_year.notna()]).all()
    assert {"pledge", "follow_up"} >= set(data.load_pledges().kind)
    assert set(data.load_gas_imports().supplier) <= {"TKM", "UZB", "KAZ"}
    assert set(series.side) <= {"china", "partner"}
    assert countries.GROUP in set(data.load_published_series().partner)


# ------------------------------------------------------------------------------------------ bad input: the build


def test_a_partial_year_figure_without_its_period_is_refused(data_copy, capsys):
    def drop_period(rows):
        i = _first(rows, period="jan_oct")
        rows[i]["period"] = ""
        return rows

    _rewrite(data_copy, "trade_figures.csv", drop_period)
    _build_fails(
        capsys, "trade_figures.csv line", "column 'period': '' is not one of", "a partial-year figure must say so"
    )


def test_a_partial_year_figure_cannot_be_the_series_value(data_copy, capsys):
    def promote(rows):
        rows[_first(rows, period="jan_oct")]["series"] = "yes"
        return rows

    _rewrite(data_copy, "trade_figures.csv", promote)
    _build_fails(capsys, "column 'series': a jan_oct figure cannot stand in for the year")


def test_a_target_whose_deadline_precedes_its_announcement_is_refused(data_copy, capsys):
    def too_early(rows):
        i = _first(rows, scope="Central Asia (5)")
        rows[i]["deadline_year"] = "2001"
        return rows

    _rewrite(data_copy, "targets.csv", too_early)
    _build_fails(capsys, "targets.csv line", "column 'deadline_year': the deadline 2001 comes before the announcement")


def test_an_unknown_currency_is_refused(data_copy, capsys):
    def euros(rows):
        rows[0]["unit"] = "billion EUR"
        return rows

    _rewrite(data_copy, "trade_figures.csv", euros)
    _build_fails(
        capsys, "trade_figures.csv line 2, column 'unit': 'billion EUR' is not one of", "currencies: USD or CNY"
    )


def test_a_duplicate_country_year_side_measure_is_refused(data_copy, capsys):
    def twice(rows):
        i = _first(rows, series="yes")
        return rows[: i + 1] + [dict(rows[i])] + rows[i + 1 :]

    _rewrite(data_copy, "trade_figures.csv", twice)
    _build_fails(capsys, "column 'series': line", "is already the series figure for year")


def test_a_published_value_without_a_quote_is_refused(data_copy, capsys):
    def unquoted(rows):
        rows[3]["quoted_text"] = ""
        return rows

    _rewrite(data_copy, "trade_figures.csv", unquoted)
    _build_fails(capsys, "trade_figures.csv line 5, column 'quoted_text': is empty")


def test_a_quote_that_does_not_contain_the_value_is_refused(data_copy, capsys):
    def typo(rows):
        rows[0]["value"] = str(float(rows[0]["value"]) + 0.37)
        return rows

    _rewrite(data_copy, "trade_figures.csv", typo)
    _build_fails(capsys, "trade_figures.csv line 2, column 'quoted_text': does not contain the value")


def test_a_failed_build_of_published_figures_writes_nothing(data_copy, capsys):
    before = {p.name: p.read_bytes() for p in (data_copy / "curated").iterdir()}
    _rewrite(data_copy, "trade_figures.csv", lambda rows: rows + [dict(rows[0], unit="billion RUB")])
    _build_fails(capsys, "billion RUB")
    assert {p.name: p.read_bytes() for p in (data_copy / "curated").iterdir()} == before


# ------------------------------------------------------------------------------------------ bad input: curated files


def _edit_curated(data_dir, name, edit):
    path = data_dir / "curated" / f"{name}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = edit(frame)
    path.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "table, edit, message",
    [
        (
            "published",
            lambda f: f.assign(quoted_text=[""] + list(f.quoted_text[1:])),
            "published.csv row 2, column 'quoted_text': value is empty but required",
        ),
        (
            "published",
            lambda f: f.assign(currency=["EUR"] + list(f.currency[1:])),
            "published.csv row 2, column 'currency': value = 'EUR' is not one of",
        ),
        (
            "published",
            lambda f: f.assign(period=[""] + list(f.period[1:])),
            "published.csv row 2, column 'period': value is empty but required",
        ),
        (
            "published_series",
            lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True),
            "published_series.csv row {n}: duplicate key (year=",
        ),
    ],
)
def test_the_loaders_name_file_row_and_column(data_copy, table, edit, message):
    path = _edit_curated(data_copy, table, edit)
    n = len(pd.read_csv(path)) + 1
    with pytest.raises(data.DataError) as info:
        data.load_table(table)
    assert message.format(n=n) in str(info.value)


def test_the_validator_refuses_a_curated_target_deadline_before_its_announcement(data_copy, capsys):
    _edit_curated(data_copy, "targets", lambda f: f.assign(deadline_year=["1999"] + list(f.deadline_year[1:])))
    with pytest.raises(data.DataError, match=r"targets.csv row 2, column 'deadline_year': 1999 comes before"):
        data.load_targets()
    assert any("targets.csv row 2, column 'deadline_year'" in p for p in validate.rule_problems())
    assert cli.main(["data", "validate"]) == 1


# ------------------------------------------------------------------------------------------ corrections (issue 16)


def test_pages_that_name_no_source_are_unstated_not_china(tables):
    published = tables["published"].set_index("figure_id")
    for line in (25, 83, 109):
        row = published.loc[f"press-figures-2026#{line}"]
        assert row.side == "unstated" and not row.in_series and "Corrected 2026-12-02" in row.note
    china = tables["published"].query("side == 'china'")
    assert not china["statistical_source"].str.lower().str.startswith(press_figures.NO_SOURCE).any()
    series = tables["published_series"].set_index(["year", "partner", "side", "measure"])
    assert series.at[(2023, "KAZ", "china", "total_trade"), "figure_id"] == "press-figures-2026#111"
    assert (2021, "KAZ", "china", "total_trade") not in series.index
    assert (2022, "TKM", "china", "total_trade") not in series.index
    text = (paths.raw_dir() / FOLDER / "SOURCE.md").read_text(encoding="utf-8")
    assert "## Corrections" in text and "line 25" in text and "line 83" in text and "line 109" in text


def test_a_china_side_row_whose_page_names_no_source_is_refused(data_copy, capsys):
    def back(rows):
        rows[25 - 2]["side"] = "china"
        return rows

    _rewrite(data_copy, "trade_figures.csv", back)
    _build_fails(capsys, "trade_figures.csv line 25, column 'side'", "the side is 'unstated', not 'china'")


def test_uzbekistan_s_own_2025_total_is_in_the_partner_series(tables):
    series = tables["published_series"].set_index(["year", "partner", "side", "measure"])
    row = series.loc[(2025, "UZB", "partner", "total_trade")]
    assert row.value_usd_millions == 17_200 and row.reporter == "UZB" and row.figure_id == "press-figures-2026#330"
    quote = tables["published"].set_index("figure_id").at["press-figures-2026#330", "quoted_text"]
    assert "National Statistics Committee reported mutual trade with China at $17.2 billion" in quote
