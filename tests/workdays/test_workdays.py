"""The working-day calendar against the 2025 (国办发明电〔2024〕12号) and 2026 (国办发明电〔2025〕7号) notices."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.workdays import Calendar, calendar, parse_file, shipped

CAL = calendar()


def test_2025_spring_festival_and_national_day():
    assert CAL.is_workday(["2025-01-26", "2025-02-08", "2025-09-28", "2025-10-11"]).all()
    assert not CAL.is_workday(np.arange("2025-01-28", "2025-02-05", dtype="datetime64[D]")).any()
    assert not CAL.is_workday(np.arange("2025-10-01", "2025-10-09", dtype="datetime64[D]")).any()


def test_deadline_across_national_day_and_its_make_up_saturday():
    # 受理 Tue 30 Sep: day 1 is Thu 9 Oct, day 3 the make-up Saturday 11 Oct
    assert str(CAL.add("2025-09-30", 1)) == "2025-10-09"
    assert str(CAL.add("2025-09-30", 3)) == "2025-10-11"
    assert CAL.count("2025-09-30", "2025-10-13") == 4
    assert str(CAL.add("2025-10-09", -1)) == "2025-09-30"


def test_2026_notice_is_announced():
    assert not CAL.provisional("2026-06-01")
    assert CAL.is_workday(
        ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
    ).all()
    assert not CAL.is_workday(["2026-02-23", "2026-10-07"]).any()


def test_provisional_year_uses_weekends_and_says_so():
    assert CAL.provisional(["2027-01-01", "2026-12-30"]).tolist() == [True, False]
    assert CAL.provisional("2026-12-30", "2027-01-04")
    assert str(CAL.add("2027-03-05", 1)) == "2027-03-08"  # Friday → Monday


def test_local_override_and_new_year_file(tmp_path):
    local = tmp_path / "local.toml"
    local.write_text(
        'scope = "local"\n[[days]]\ndate = 2025-03-03\nkind = "休"\nname = "区庆"\n', encoding="utf-8"
    )
    notice = tmp_path / "2027.csv"
    notice.write_text("date,kind,name\n2027-01-01,休,元旦\n", encoding="utf-8")
    cal = Calendar([shipped(), parse_file(local), parse_file(notice)])
    assert not cal.is_workday("2025-03-03") and not cal.is_workday("2027-01-01")
    assert not cal.provisional("2027-06-01")


def test_working_hours():
    assert str(CAL.add_hours("2025-09-30T16:00", 2)) == "2025-10-09T09:00"
    assert str(CAL.add_hours("2025-09-30T16:00", 1.5)) == "2025-09-30T17:30"


days = st.dates(
    min_value=__import__("datetime").date(2000, 1, 1), max_value=__import__("datetime").date(2030, 12, 31)
)


@given(days, st.integers(0, 400))
def test_add_then_count_round_trips(d, n):
    assert CAL.count(d, CAL.add(d, n)) == n


@given(days, days, days)
def test_count_is_additive(a, b, c):
    assert CAL.count(a, b) + CAL.count(b, c) == CAL.count(a, c)
