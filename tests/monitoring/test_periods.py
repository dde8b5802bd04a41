"""累计 ↔ 当月 with a 1–2月 combined release, worked by hand."""

from __future__ import annotations

import polars as pl

from gaoxin.monitoring.periods import cumulative_from_monthly, label, monthly_from_cumulative


def test_cumulative_to_monthly_with_a_combined_january_february():
    cum = pl.DataFrame(
        {
            "indicator": ["va"] * 4 + ["tax"] * 3,
            "period": ["2025-02", "2025-03", "2025-04", "2025-06", "2025-01", "2025-02", "2025-03"],
            "cum": [20.0, 32.0, 45.0, 70.0, 5.0, 9.0, 14.0],
            "combined": [True] * 4 + [False] * 3,
        }
    )
    out = monthly_from_cumulative(cum, pl.col("combined")).sort("indicator", "period")
    va = out.filter(pl.col("indicator") == "va")
    assert va["month"].to_list() == [20.0, 12.0, 13.0, None]  # 1–2月 20; May missing → June has no 当月
    assert va["span"].to_list() == ["1-2", None, None, None]
    tax = out.filter(pl.col("indicator") == "tax")
    assert tax["month"].to_list() == [5.0, 4.0, 5.0]
    # a non-combined series whose January is missing: February cannot be told apart
    lone = monthly_from_cumulative(
        pl.DataFrame({"indicator": ["x"], "period": ["2025-02"], "cum": [9.0]}), False
    )
    assert lone["month"].to_list() == [None]


def test_monthly_back_to_cumulative_round_trip():
    months = pl.DataFrame(
        {
            "indicator": ["va"] * 3,
            "period": ["2025-02", "2025-03", "2025-04"],
            "month": [20.0, 12.0, 13.0],
            "span": ["1-2", None, None],
        }
    )
    back = cumulative_from_monthly(months)
    assert back["cum"].to_list() == [20.0, 32.0, 45.0]
    # without the 1–2月 span, a series starting in February is not a complete 累计
    gap = cumulative_from_monthly(months.drop("span"))
    assert gap["cum"].to_list() == [None, None, None]


def test_labels():
    assert label("2025-10") == "2025年1-10月"
    assert label("2025-02", combined=True, cumulative=False) == "2025年1-2月"
    assert label("2025-01") == "2025年1月"


def test_trend_works_out_the_month_from_a_cumulative_only_table():
    from gaoxin.monitoring.cards import by_id
    from gaoxin.monitoring.dashboard import trend

    card = by_id()["gross_output"]  # 1–2月 合并
    values = pl.DataFrame(
        {
            "period": ["2025-02", "2025-03", "2025-04"],
            "measure": ["cum"] * 3,
            "value": [20.0, 32.0, 45.0],
            "combined": [True, False, False],
        }
    )
    t = trend(values, "2025-04", card)
    assert t["this"][:4] == [None, None, 12.0, 13.0]  # the 1–2月 amount is never split into two months
    assert t["derived"] == ["2025-03", "2025-04"]
