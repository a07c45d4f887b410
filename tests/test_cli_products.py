"""`tradeviz products`: a partner's largest products with China, from its own reports or China's."""

import json

import pytest

from tradeviz import cli


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_kazakhstans_five_largest_exports_to_china_by_its_own_reports(capsys):
    code, out, _ = run(capsys, "products", "KAZ", "2024", "--flow", "exports", "--top", "5")
    assert code == 0
    lines = out.splitlines()
    assert "Kazakhstan's exports to China in 2024, by HS heading" in lines[0] and "total $14.9 bn" in lines[0]
    assert len(lines) == 7 and "wits-kazakhstan-hs4-ffe5d91" in lines[-1]
    assert "2603" in lines[1] and "Copper ores and concentrates" in lines[1] and "$2.9 bn" in lines[1]
    assert "19.3%" in lines[1] and "2711" in lines[5] and "9.1%" in lines[5]


def test_china_side_is_the_same_flow_at_the_chapter_level(capsys):
    code, out, _ = run(capsys, "products", "Kazakhstan", "2024", "--top", "3", "--side", "china")
    assert code == 0
    assert out.startswith("China's imports from Kazakhstan (Kazakhstan's exports as China reports them) in 2024")
    assert "by HS chapter" in out and "seven HS chapters only" in out and "total $15.9 bn" in out
    first = out.splitlines()[1]
    assert "26" in first and "Ores, slag and ash" in first and "$4.5 bn" in first and "28.6%" in first


def test_sections_of_the_imports_and_json(capsys):
    code, out, _ = run(capsys, "products", "KAZ", "2024", "--flow", "imports", "--level", "section", "--top", "1")
    assert code == 0 and "XVI" in out and "40.2%" in out
    code, out, _ = run(capsys, "products", "KAZ", "2015", "--top", "2", "--json")
    rows = json.loads(out)
    assert code == 0 and [r["rank"] for r in rows] == [1, 2] and rows[0]["level"] == "heading"
    assert {"code", "description", "value_usd_millions", "share", "source_id"} <= set(rows[0])


def test_a_partner_without_product_data_names_the_fetch_command(capsys):
    code, out, err = run(capsys, "products", "KGZ", "2024")
    assert code == 1 and not out
    assert "no product data for Kyrgyzstan" in err and "tradeviz data fetch comtrade" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["KAZ", "2010"], "2010: no product rows for that year; the shipped years are 2015–2024"),
        (["KAZ", "2024", "--top", "0"], "--top 0: give how many products"),
        (["KAZ", "2024", "--top", "101"], "from 1 to 100"),
        (["KAZ", "2024", "--side", "china", "--level", "heading"], "China's reports in the shipped data hold HS"),
        (["Narnia", "2024"], "Narnia"),
        (["CHN", "2024"], "CHN"),
    ],
)
def test_bad_input_is_exit_2_with_a_message(capsys, argv, message):
    code, out, err = run(capsys, "products", *argv)
    assert code == 2 and not out and message in err


def test_an_unknown_level_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["products", "KAZ", "2024", "--level", "subheading"])
    assert caught.value.code == 2 and "invalid choice" in capsys.readouterr().err
