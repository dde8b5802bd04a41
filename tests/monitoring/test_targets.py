"""Targets and 时序进度: the worked checks of operations.md §1, by hand."""

from __future__ import annotations

import pytest

from gaoxin.monitoring.targets import Method, growth_progress, level_progress, load_method, schedule


def test_level_target_125_64_at_1_to_10_is_42_31_ahead():
    # 完成率 125.64 % at 1–10月: 时序进度 10/12 = 83.33 %, 超进度 = 125.64 − 83.33 = 42.31 points
    p = level_progress(cum=62.82, target=50.0, period="2025-10", method=load_method())
    assert p["completion"] == pytest.approx(1.2564)
    assert p["schedule"] == pytest.approx(10 / 12)
    assert round(p["ahead"] * 100, 2) == 42.31
    assert p["status"] == "超进度"
    assert p["half"] is True  # 双过半 judged from June on
    assert p["needed_per_month"] == 0.0  # already above the year's target


def test_level_target_behind_and_the_amount_still_needed():
    # 1–11月 at 40 of 50: 时序进度 11/12 (宣城: 91.7 %), 欠进度, 10 still needed in December
    p = level_progress(cum=40.0, target=50.0, period="2025-11", method=Method())
    assert round(p["schedule"] * 100, 1) == 91.7
    assert p["status"] == "欠进度" and p["ahead"] == pytest.approx(0.8 - 11 / 12)
    assert p["needed_per_month"] == pytest.approx(10.0)
    assert level_progress(20.0, 50.0, "2025-06", Method())["half"] is False  # 40 % by June: not 双过半
    assert level_progress(20.0, 50.0, "2025-05", Method())["half"] is None  # not judged before June


def test_days_method_is_data():
    # a zone counting days: 1–2月 of 2024 (leap) = 60 / 366
    assert schedule("2024-02", Method(method="days")) == pytest.approx(60 / 366)
    assert schedule("2025-10", Method(method="days")) == pytest.approx(304 / 365)


def test_growth_target_compares_growth_never_cum_over_target():
    # 规上增加值 +8 %: at 1–10月 the cumulative growth is 7.2 % → 0.8 points short; no 完成率 = 累计 / 目标
    p = growth_progress(cum_yoy=7.2, target_growth=8.0, period="2025-10")
    assert p["gap"] == pytest.approx(-0.8)
    assert p["status"] == "低于目标增速"
    assert "completion" not in p
    # with levels: this year 1–10月 108 on a base of 100 (8 %), last year's full year 120 → the year needs
    # 120 × 1.10 = 132, so Nov–Dec need 24 against last year's 20: +20 %
    q = growth_progress(
        cum_yoy=8.0, target_growth=10.0, period="2025-10", cum=108.0, base_year_total=120.0, base_cum=100.0
    )
    assert q["needed_growth"] == pytest.approx(20.0)
    assert q["gap"] == pytest.approx(-2.0)
