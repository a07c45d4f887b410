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
