"""The shared helpers of the measures: the group-wise join of source ids, memoised measures."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tradeviz.measures.common import join_ids, join_ids_by_group, memoised


def test_join_ids_by_group_equals_join_ids_of_each_group() -> None:
    rng = np.random.default_rng(18)
    choices = np.array(["b", "a", "a; c", "", None, "c; b"], dtype=object)
    ids = pd.Series(choices[rng.integers(0, len(choices), 500)], dtype="string")
    groups = rng.integers(0, 90, 500)  # some of the 100 groups get no row at all
    got = join_ids_by_group(groups, 100, ids)
    expected = [join_ids(ids[groups == g]) for g in range(100)]
    assert got.dtype == object and list(got) == expected


def test_join_ids_by_group_without_ids() -> None:
    assert list(join_ids_by_group(np.array([0, 1, 1]), 3, pd.Series([None, None, None], dtype="string"))) == [""] * 3


def test_memoised_hands_out_copies_and_follows_the_content_of_its_tables() -> None:
    calls = []

    @memoised
    def doubled(frame: pd.DataFrame, factor: int = 2) -> pd.DataFrame:
        calls.append(1)
        return frame.assign(value=frame["value"] * factor)

    frame = pd.DataFrame({"value": [1.0, 2.0]})
    first = doubled(frame)
    first.loc[0, "value"] = 99.0  # a caller changing its result changes nothing for the next one
    assert doubled(frame, factor=2)["value"].tolist() == [2.0, 4.0] and len(calls) == 1  # same call, bound alike
    frame.loc[1, "value"] = 3.0  # an input changed since: computed again
    assert doubled(frame)["value"].tolist() == [2.0, 6.0] and len(calls) == 2
    assert doubled(frame.astype("float32"))["value"].dtype == "float32" and len(calls) == 3  # dtypes are content
    assert doubled(frame, 3)["value"].tolist() == [3.0, 9.0] and len(calls) == 4


def test_memoised_keyword_arguments_are_part_of_the_key() -> None:
    calls = []

    @memoised
    def scaled(frame: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
        calls.append(1)
        return frame.assign(value=frame["value"] * kwargs.get("factor", 1), tag=str(kwargs.get("tag")))

    frame = pd.DataFrame({"value": [1.0, 2.0]})
    assert scaled(frame, factor=2)["value"].tolist() == [2.0, 4.0]
    assert scaled(frame, factor=2)["value"].tolist() == [2.0, 4.0] and len(calls) == 1
    assert scaled(frame, factor=3)["value"].tolist() == [3.0, 6.0] and len(calls) == 2
    assert scaled(frame)["value"].tolist() == [1.0, 2.0] and len(calls) == 3
    scaled(frame, tag=object())  # an argument with no content key: computed, never cached
    scaled(frame, tag=object())
    assert len(calls) == 5


def test_one_shot_computes_every_call_and_keeps_nothing() -> None:
    from tradeviz.measures import common

    calls = []

    @memoised
    def doubled(frame: pd.DataFrame) -> pd.DataFrame:
        calls.append(1)
        return frame * 2

    frame = pd.DataFrame({"value": [1.0]})
    with common.one_shot():
        assert doubled(frame)["value"].tolist() == [2.0]
        doubled(frame)
    assert len(calls) == 2
    doubled(frame)
    doubled(frame)
    assert len(calls) == 3  # memoised again after the block, and nothing was kept from inside it


def test_memoised_measures_equal_the_computed_ones() -> None:
    from tradeviz import data
    from tradeviz.measures import annual, customs, imts, overlap, panels, partners, published

    trade = data.load_trade()
    cases: list[tuple[Any, tuple[Any, ...]]] = [
        (panels.partner_totals, (trade, "partner")),
        (panels.total_trade, (trade, "KAZ")),
        (published.overlap_table, (trade, data.load_published())),
        (overlap.comtrade_dots_overlap, (data.load_comtrade(), trade)),
        (overlap.comtrade_published_overlap, (data.load_comtrade(), data.load_published())),
        (annual.annual_series, (data.load_comtrade(), trade, data.load_published_series(), "KAZ")),
        (customs.gacc_published_overlap, (data.load_gacc_monthly(), data.load_published())),
        (
            imts.imts_published_overlap,
            (data.load_imts_exports(), data.load_published_series(), data.load_stat_gov_kz()),
        ),
        (imts.imts_mirror, (data.load_imts_exports(), data.load_published_series())),
        (partners.partner_totals, (data.load_partner_trade(),)),
        (partners.world_totals, (data.load_partner_trade(),)),
        (partners._all_shares, (data.load_partner_trade(), "imports")),
        (partners.china_and_russia, (data.load_partner_trade(),)),
        (partners.five_in_china, (data.load_partner_trade(),)),
    ]
    for func, args in cases:
        func(*args)
        pd.testing.assert_frame_equal(func(*args), func.__wrapped__(*args), check_exact=True)


def test_memo_entries_travel_pickled_to_a_process_of_the_same_code() -> None:
    """The template's warm-up helper computes results in a fork and hands them over: keys are content hashes."""
    import pickle

    from tradeviz import data
    from tradeviz.measures import common, panels

    trade = data.load_trade()
    panels.partner_totals.cache_clear()  # type: ignore[attr-defined]
    panels.total_trade.cache_clear()  # type: ignore[attr-defined]
    before = common.memo_keys()
    computed = panels.partner_totals(trade, "china", include_group=False)
    entries = pickle.loads(pickle.dumps(common.memo_entries(before)))
    assert {name.rsplit(".", 1)[1] for name, _, _ in entries} >= {"partner_totals", "total_trade"}
    assert common.memo_entries(common.memo_keys()) == []  # nothing new since
    panels.partner_totals.cache_clear()  # type: ignore[attr-defined]
    panels.total_trade.cache_clear()  # type: ignore[attr-defined]
    assert common.add_memo_entries(entries) == len(entries)
    assert common.add_memo_entries(entries) == 0  # held already
    assert common.add_memo_entries([("no.such.measure", ("k",), computed), ("x", ("k",), "not a frame")]) == 0
    held = common.memo_keys()
    pd.testing.assert_frame_equal(panels.partner_totals(trade, "china", include_group=False), computed)
    assert common.memo_keys() == held  # answered from the entries, nothing computed
