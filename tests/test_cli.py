"""The command line: answers, machine-readable output, and exit codes with messages for bad input."""

import json

import pytest

from tradeviz import cli


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_growth_prints_the_multiple_and_cagr(capsys):
    code, out, _ = run(capsys, "growth", "Kazakhstan", "1992", "2020")
    assert code == 0
    assert "363.4 → 21,433.3 million current US$" in out and "×58.99" in out and "CAGR 15.7 %" in out
    assert "China's reports (imf-dots-2022-02-02)" in out


def test_growth_json_is_machine_readable(capsys):
    code, out, _ = run(capsys, "growth", "all", "1992", "2020", "--json")
    result = json.loads(out)
    assert code == 0 and result["partner"] == "CA5" and result["side"] == "china" and result["status"] == "ok"
    assert round(result["start_value"], 1) == 438.3 and round(result["end_value"], 1) == 38557.0
    assert round(result["multiple"], 2) == 87.96 and result["source_ids"] == ["imf-dots-2022-02-02"]


def test_growth_in_real_terms_states_the_deflator(capsys):
    code, out, _ = run(capsys, "growth", "all", "1992", "2020", "--real", "--base-year", "2020", "--json")
    result = json.loads(out)
    assert code == 0 and result["unit"] == "million constant 2020 US$"
    assert result["deflator"] == "US CPI-U annual average, 2020=100" and round(result["multiple"], 1) == 47.7
    assert "us-cpi-bls-datahub" in result["source_ids"]


def test_growth_from_the_partners_side_flags_imf_estimates(capsys):
    code, out, _ = run(capsys, "growth", "all", "1992", "2020", "--side", "partner")
    assert code == 0 and "partners' reports" in out
    assert "caution: the value for 1992 includes IMF estimates" in out


def test_published_totals_only_when_asked(capsys):
    code, out, _ = run(capsys, "growth", "all", "1992", "2021", "--published", "--json")
    result = json.loads(out)
    assert code == 0 and result["source"] == "published" and round(result["multiple"], 1) == 108.9
    code, out, err = run(capsys, "growth", "all", "1992", "2021")  # crosses the seam: needs overlap evidence
    # no series holds a total for the five in 2021 (deliberate: said before any join is tried)
    assert code == 1 and "no series holds a total for Central Asia (5) in 2021" in out
    code, out, err = run(capsys, "growth", "all", "1992", "2025")  # crosses the seam: needs overlap evidence
    assert code == 1 and "crosses from IMF DOTS (China's reports) (1992) to published" in out
    assert "share no total-trade figure for Central Asia (5) in 2016–2020" in out
    code, _, err = run(capsys, "growth", "all", "1992", "2021", "--real")
    assert code == 2 and "year 2021 is after the IMF DOTS data (1992–2020)" in err and "--published" in err


def test_a_missing_base_value_exits_1_with_the_reason(capsys):
    code, out, err = run(capsys, "growth", "TJK", "2000", "2020", "--side", "partner")
    assert code == 1
    assert "not computable: missing base value (2000: no complete report from TJK" in out
    assert err.startswith("warning: growth Tajikistan 2000–2020 is not computable")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["growth", "Mongolia", "1992", "2020"], "Unknown country 'Mongolia'. Valid choices: KAZ (Kazakhstan)"),
        (
            ["growth", "KAZ", "1990", "2020"],
            "year 1990 is before 1992: the five Central Asian states became independent",
        ),
        (["growth", "KAZ", "2000", "1995"], "end year (1995) must be after start year (2000)"),
        (["growth", "KAZ", "1992", "2020", "--real", "--base-year", "2025"], "base year 2025 has no CPI"),
        (["render", "--partner", "Russia"], "Unknown country 'Russia'. Valid choices"),
        (["render", "--only", "nope"], "nope"),
    ],
)
def test_bad_input_exits_2_with_a_message(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err


def test_option_misuse_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["growth", "KAZ", "1992", "2020", "--base-year", "2000"])
    assert exit_.value.code == 2 and "--base-year needs --real" in capsys.readouterr().err


def test_growth_answers_without_drawing_or_rendering_code(imported_by) -> None:
    """The growth command imports neither matplotlib nor the report machinery nor pycountry's package (it reads
    pycountry's database file: the package's import loads importlib.metadata), start-up time; issue 18."""
    code = "from tradeviz import cli; assert cli.main(['growth', 'KAZ', '1992', '2020']) == 0"
    heavy = ("matplotlib", "IPython", "papermill", "tradeviz.charts", "tradeviz.reports", "pycountry")
    assert imported_by(code, heavy) == []
