"""Nowcast: the back-test on the demo series is reported as it is, and nothing after the month is used."""

from __future__ import annotations

import math

import pytest

from gaoxin.monitoring import nowcast
from gaoxin.monitoring.dashboard import nowcast_inputs, nowcast_view
from gaoxin.store import connect


@pytest.fixture(scope="module")
def inputs(monthly_store):
    con = connect(monthly_store["db"], read_only=True)
    try:
        yield nowcast_inputs(con), nowcast_view(con)
    finally:
        con.close()


def test_backtest_error_is_reported_honestly(inputs):
    data, view = inputs
    bt = view["backtest"]
    assert bt["n"] >= 6
    errors = [r["estimate"] - r["actual"] for r in bt["rows"]]
    # the figures shown are the errors of the estimates made month by month, against the published figures
    assert bt["mae"] == pytest.approx(sum(abs(e) for e in errors) / len(errors))
    assert bt["rmse"] == pytest.approx(math.sqrt(sum(e * e for e in errors) / len(errors)))
    assert all(r["actual"] == data.published[r["period"]] for r in bt["rows"])
    assert bt["naive_mae"] is not None  # the peer's error beside it, whichever is smaller
    # December 2025 has power and tax but no publication yet: it is the month nowcast
    assert view["estimate"]["period"] == "2025-12" and view["published_to"] == "2025-11"
    assert view["estimate"]["low"] < view["estimate"]["estimate"] < view["estimate"]["high"]


def test_no_look_ahead(inputs):
    data, _ = inputs
    month = "2025-08"
    before = nowcast.estimate(data, month)
    assert before is not None and before["last_input"] == "2025-07"
    # change everything that was not known at 2025-08: its own publication and every later month
    poisoned = nowcast.Inputs(
        {k: (v if k < month else v + 50.0) for k, v in data.published.items()},
        {k: (v if k <= month else v * 3) for k, v in data.power.items()},
        {k: (v if k <= month else v * 0.2) for k, v in data.tax.items()},
        data.combined,
    )
    after = nowcast.estimate(poisoned, month)
    assert after == before
    # and the guard is real: changing this month's regressors does move the estimate
    moved = nowcast.Inputs(
        data.published, {**data.power, month: data.power[month] * 1.5}, data.tax, data.combined
    )
    assert nowcast.estimate(moved, month)["estimate"] != before["estimate"]
