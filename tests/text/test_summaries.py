"""The text form of a growth result names the series it was computed in and says whether a join was needed."""

from tradeviz import data
from tradeviz.measures import overlap
from tradeviz.text import summaries


def _growth(partner, start, end):
    return overlap.series_growth(
        data.load_comtrade(),
        data.load_trade(),
        data.load_published(),
        data.load_published_series(),
        partner,
        start,
        end,
    )


def test_format_growth_says_which_series_and_whether_joined():
    within = summaries.format_growth(_growth("KGZ", 2022, 2025))
    assert "computed within one series of press figures, published (China's customs, press figures)" in within
    statistics = summaries.format_growth(_growth("KAZ", 2020, 2024))
    assert "computed within one statistical series, UN Comtrade (China's reports): no join needed" in statistics
    joined = summaries.format_growth(_growth("KGZ", 2020, 2025))
    assert "chain: 2020 from IMF DOTS (China's reports), 2025 from published" in joined
    assert "overlap check (tolerance 2%): IMF DOTS (China's reports) and published" in joined
    missing = summaries.format_growth(_growth("all", 1992, 2021))
    assert "not computable: no series holds a total" in missing
    assert "source: UN Comtrade + IMF DOTS + published" in missing
