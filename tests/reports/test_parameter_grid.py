"""Every notebook renders over a grid of valid parameter sets, through the real CLI and the real notebooks.

The stored notebooks run only their defaults; a parameter set that is valid (accepted by the checks in
``tradeviz.reports.parameters``) must render too, e.g. a country profile ending before the published figures
after DOTS (``end_year`` 2000, 2013 or 2020) or the targets as of a year before every target was reached.
A parameter set the checks refuse (the products report for a partner without shipped product data) is refused
before any kernel starts, with the reason and what to do.
One sweep per notebook (``-p NAME v1,v2``: the cross product), four for the profile, whose sweep would otherwise
include an empty period (start_year 2000, end_year 2000); its third ends just after DOTS, in years for which some
partners have no published total (the profile says so instead of drawing an empty chart); its fourth starts
inside UN Comtrade's years (2016).
"""

from __future__ import annotations

import itertools

import pytest

from tradeviz import cli

FIVE = ("KAZ", "KGZ", "TJK", "TKM", "UZB")

# notebook -> sweeps, each {parameter: values} in the order of the report's name
GRID: dict[str, list[dict[str, tuple]]] = {
    "country_profile": [
        {"partner": FIVE, "start_year": (1992,), "end_year": (2000, 2013, 2020, 2025)},
        {"partner": FIVE, "start_year": (2000,), "end_year": (2013, 2020, 2025)},  # end_year after start_year
        # just after DOTS: Kyrgyzstan's 2021, Tajikistan's and Turkmenistan's 2021-2022 have no published total
        {"partner": FIVE, "start_year": (2010,), "end_year": (2021, 2022)},
        # starting inside UN Comtrade's years (Kazakhstan 2014-2024): the spans start at start_year
        {"partner": FIVE, "start_year": (2016,), "end_year": (2025,)},
    ],
    "partners": [{"year": (1995, 2010, 2020), "top_n": (5, 10)}],
    "targets_and_pledges": [{"as_of_year": (2021, 2022, 2023, 2024, 2025)}],
    "mirror_statistics": [{"start_year": (1992, 2000), "end_year": (2013, 2020)}],
    "overview": [{"map_year": (1992, 2020), "base_year": (2000, 2020)}],
    "products": [{"partner": ("KAZ",)}],  # the only partner with product data shipped; the others: below
}


def _names(notebook: str, sweep: dict[str, tuple]) -> list[str]:
    return ["-".join([notebook, *map(str, combo)]) for combo in itertools.product(*sweep.values())]


@pytest.mark.slow
@pytest.mark.parametrize("notebook", list(GRID))
def test_every_valid_parameter_set_renders(notebook, tmp_path, capsys):
    expected = []
    for i, sweep in enumerate(GRID[notebook]):
        out = tmp_path / f"sweep{i}"
        argv = ["render", "--only", notebook, "--out", str(out), "--quiet", "--jobs", "2"]
        for key, values in sweep.items():
            argv += ["-p", key, ",".join(map(str, values))]
        code = cli.main(argv)
        captured = capsys.readouterr()
        assert code == 0, f"{' '.join(argv)}\n{captured.out[-3000:]}\n{captured.err[-3000:]}"
        names = _names(notebook, sweep)
        missing = [n for n in names if not (out / f"{n}.html").is_file()]
        assert not missing, f"{' '.join(argv)}: no HTML for {missing}"
        assert not list(out.glob("*.failed.ipynb"))
        expected += names
    assert len(expected) == len(set(expected)) == sum(len(_names(notebook, s)) for s in GRID[notebook])


@pytest.mark.parametrize("partner", [c for c in FIVE if c != "KAZ"])
def test_products_for_a_partner_without_product_data_is_refused_naming_the_fetch(partner, tmp_path, capsys):
    """The notebook's check (parameters.product_partner) refuses the partner; render runs it before any kernel."""
    from tradeviz import countries
    from tradeviz.reports import parameters

    with pytest.raises(ValueError, match=f"no product data for {countries.name(partner)}.*tradeviz data fetch comtrade"):
        parameters.product_partner(partner)
    assert parameters.product_partner("Kazakhstan") == "KAZ"
    out = tmp_path / "site"
    code = cli.main(["render", "--only", "products", "-p", "partner", partner, "--out", str(out), "--quiet"])
    captured = capsys.readouterr()
    assert code == 2, captured
    assert f"products-{partner}: partner {partner}: no product data" in captured.err
    assert "`tradeviz data fetch comtrade`" in captured.err
    assert not out.exists()


def test_a_profile_ending_before_any_published_total_says_so(tmp_path, capsys):
    """Kyrgyzstan 2010-2021: no published total from either side for 2021; the profile renders and says so."""
    out = tmp_path / "site"
    argv = ["render", "--only", "country_profile", "-p", "partner", "KGZ", "-p", "start_year", "2010"]
    code = cli.main([*argv, "-p", "end_year", "2021", "--out", str(out), "--quiet"])
    captured = capsys.readouterr()
    assert code == 0, captured
    page = (out / "country_profile-KGZ-2010-2021.html").read_text(encoding="utf-8")
    assert "No full-year total of Kyrgyzstan's trade with China, from either side, is in our sources for 2021:" in page
    assert "the first published total is for 2022" in page
