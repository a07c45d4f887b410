import pytest

from tradeviz import countries


@pytest.mark.parametrize(
    "value, code",
    [
        ("KAZ", "KAZ"),
        ("kz", "KAZ"),
        ("Kazakhstan", "KAZ"),
        ("Kazakhstan, Rep. of", "KAZ"),
        ("Republic of Kazakhstan", "KAZ"),
        ("Kyrgyz Republic", "KGZ"),
        ("Kirgistan", "KGZ"),
        ("Kyrgyz Rep.", "KGZ"),
        ("kyrgyzstan", "KGZ"),
        ("TJ", "TJK"),
        ("Tajikistan, Rep. of", "TJK"),
        ("turkmenistan", "TKM"),
        ("Uzbekistan, Rep. of", "UZB"),
        ("  uzbekistan ", "UZB"),
    ],
)
def test_names_codes_and_variants_resolve(value, code):
    assert countries.resolve(value) == code


def test_the_five_together():
    assert countries.resolve("all", allow_group=True) == "CA5"
    assert countries.resolve("Central Asia (5)", allow_group=True) == "CA5"


@pytest.mark.parametrize("value", ["Russia", "XYZ", "", "Kazakh"])
def test_unknown_countries_list_the_valid_choices(value):
    with pytest.raises(countries.UnknownCountryError, match=r"Valid choices: KAZ \(Kazakhstan\), KGZ \(Kyrgyzstan\)"):
        countries.resolve(value)


def test_group_is_refused_where_a_single_country_is_needed():
    with pytest.raises(countries.UnknownCountryError, match="Unknown country 'all'"):
        countries.resolve("all")


def test_china_is_allowed_only_when_asked_for():
    assert countries.resolve("China", allowed=(countries.CHINA,) + countries.FIVE) == "CHN"
    with pytest.raises(countries.UnknownCountryError):
        countries.resolve("China")


def test_the_iso_records_are_pycountrys_own():
    """countries reads pycountry's ISO 3166-1 database file instead of importing pycountry (start-up time): every
    record, and the fallback through pycountry itself, must be what pycountry gives."""
    import pycountry

    from tradeviz import countries

    expected = {
        c.alpha_3: {k: getattr(c, k) for k in countries.ISO_FIELDS if hasattr(c, k)} for c in pycountry.countries
    }
    assert countries._iso3166() == expected and len(expected) > 240
    kgz = pycountry.countries.get(alpha_3="KGZ")
    assert kgz is not None and countries.name("KGZ") == kgz.name == "Kyrgyzstan"


def test_the_iso_records_come_from_pycountry_when_its_file_is_elsewhere(monkeypatch):
    import importlib.util

    from tradeviz import countries

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    countries._iso3166.cache_clear()
    try:
        assert countries._iso3166()["KAZ"]["name"] == "Kazakhstan"
    finally:
        countries._iso3166.cache_clear()
