"""The shared helpers of the measures: the group-wise join of source ids."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tradeviz.measures.common import join_ids, join_ids_by_group


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
