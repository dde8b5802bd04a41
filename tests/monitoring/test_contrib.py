"""拉动: contributions sum to the zone's growth on the like-for-like set; entering/leaving firms apart."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.monitoring.contrib import contributions
from gaoxin.store import connect
from gaoxin.store import monitoring as S


def test_contributions_by_hand():
    sums = pl.DataFrame(
        {
            "uscc": list("ABCDE"),
            "current": [110.0, 45.0, 60.0, 30.0, None],
            "base": [100.0, 50.0, 50.0, None, 20.0],
        }
    )
    c = contributions(sums, "2025-10", "output")
    # like-for-like: A, B, C — base 200, current 215 → growth 7.5 %; A +5, B −2.5, C +5 points
    assert c.growth == pytest.approx(7.5)
    pp = dict(zip(c.firms["uscc"], c.firms["pp"], strict=True))
    assert pp["A"] == pytest.approx(5.0) and pp["B"] == pytest.approx(-2.5) and pp["C"] == pytest.approx(5.0)
    assert c.entering == 1 and c.leaving == 1  # D (新进) and E (退出) are shown apart
    assert np.isnan(pp["D"]) and np.isnan(pp["E"])
    assert c.top(1)["uscc"].to_list() in (["A"], ["C"]) and c.top(1, drags=True)["uscc"].to_list() == ["B"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(1, 1e6) | st.none(), st.floats(1, 1e6) | st.none()), min_size=2, max_size=40)
)
def test_contributions_always_sum_to_the_like_for_like_growth(pairs):
    sums = pl.DataFrame(
        {
            "uscc": [str(i) for i in range(len(pairs))],
            "current": [p[0] for p in pairs],
            "base": [p[1] for p in pairs],
        },
        schema={"uscc": pl.Utf8, "current": pl.Float64, "base": pl.Float64},
    )
    c = contributions(sums, "2025-10", "output")
    same = [(a, b) for a, b in pairs if a is not None and b is not None]
    if not same:
        assert c.growth is None
        return
    expected = (sum(a for a, _ in same) / sum(b for _, b in same) - 1) * 100
    assert c.growth == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert float(c.firms.filter(pl.col("status") == "same")["pp"].sum()) == pytest.approx(
        expected, rel=1e-9, abs=1e-9
    )


def test_demo_contributions_sum_to_the_zone_growth_from_the_store(monthly_store):
    con = connect(monthly_store["db"], read_only=True)
    try:
        sums = S.firm_sums(con, "output", 2025, 10)
        c = contributions(sums, "2025-10", "output")
        attrs = S.firm_attributes(con)
        by_town = c.by(attrs.select("uscc", "town"), "town")
        by_chain = c.by(attrs.select("uscc", "chain"), "chain")
    finally:
        con.close()
    # the like-for-like growth worked from the raw sums, independently of the contribution code
    both = sums.drop_nulls()
    expected = (both["current"].sum() / both["base"].sum() - 1) * 100
    assert c.growth == pytest.approx(expected)
    assert float(c.firms.filter(pl.col("status") == "same")["pp"].sum()) == pytest.approx(expected)
    assert float(by_town["pp"].sum()) == pytest.approx(expected)
    assert float(by_chain["pp"].sum()) == pytest.approx(expected)  # one chain per firm: the parts add up
    assert c.entering > 0  # firms entering 规上 in 2025 are in the demo and kept apart
