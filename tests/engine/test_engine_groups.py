"""factorize / group_members: group keys → codes (vectorised, first-appearance order), and industry numbers."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.engine import factorize, group_members
from gaoxin.evaluations.mujun import industry_numbers


def reference(values):
    seen: dict = {}
    return [seen.setdefault(v, len(seen)) for v in values], list(seen)


@given(st.lists(st.one_of(st.none(), st.sampled_from(["椒江镇", "新前街道", "", "3973", "C3973"]))))
def test_factorize_matches_a_plain_dict_pass(values):
    codes, uniques = factorize(np.asarray(values, dtype=object))
    want_codes, want_uniques = reference(values)
    assert codes.dtype == np.int64 and codes.tolist() == want_codes and uniques == want_uniques


def test_mixed_types_fall_back_and_nan_is_its_own_group():
    codes, uniques = factorize(np.array(["b", None, "a", float("nan"), "b"], dtype=object))
    assert codes.tolist() == [0, 1, 2, 3, 0] and uniques[:3] == ["b", None, "a"] and uniques[3] != uniques[3]


def test_industry_numbers_from_codes_with_section_letters_and_short_codes():
    four, two = industry_numbers(np.array(["3973", "C3973", "39", None, "x"], dtype=object))
    assert four[:2].tolist() == [3973.0, 3973.0] and np.isnan(four[2:]).all()
    assert two[:3].tolist() == [39.0, 39.0, 39.0] and np.isnan(two[3:]).all()


@given(st.lists(st.one_of(st.none(), st.sampled_from(["椒江", "路桥"]), st.integers(0, 2))))
def test_group_members_partition_the_units_by_equal_keys(keys):
    parts = group_members(keys, len(keys))
    assert sorted(i for p in parts for i in p) == list(range(len(keys)))
    for p in parts:
        assert list(p) == sorted(p) and len({(type(keys[i]), keys[i]) for i in p}) == 1


def test_numeric_keys_keep_first_appearance_order():
    codes, uniques = factorize(np.array([39, 13, 39, 26]))
    assert codes.tolist() == [0, 1, 0, 2] and uniques == [39, 13, 26]
