"""The working-day calendar against the published notices (2025: 国办发明电〔2024〕12号; 2026 from the
chinesecalendar table), provisional years, local files and the add/count round trip."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.workdays import CalendarFileError, calendar, parse_file

CAL = calendar()


def d(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


def test_2025_holidays_and_make_up_days():
    assert not CAL.is_workday(d("2025-01-28")) and not CAL.is_workday(d("2025-02-04"))  # 春节 01-28…02-04
    assert CAL.is_workday(d("2025-01-26")) and CAL.is_workday(d("2025-02-08"))  # 调休 Sunday and Saturday
    assert CAL.is_workday(d("2025-09-28")) and CAL.is_workday(d("2025-10-11"))  # 国庆 调休
    assert not CAL.is_workday(d("2025-10-08"))
    # 2025: 261 weekdays − 18 holiday weekdays + 5 make-up days
    assert CAL.workday_total(2025) == 248


def test_a_deadline_across_national_day_and_its_make_up_saturday():
    # from Tuesday 09-30: 10-09 (1), 10-10 (2), 10-11 Saturday (3)
    assert CAL.add(d("2025-09-30"), 3) == d("2025-10-11")
    assert CAL.count(d("2025-09-26"), d("2025-10-23")) == 15
    assert CAL.add(d("2025-10-09"), -1) == d("2025-09-30")


def test_2026_spring_festival():
    assert [
        CAL.is_workday(d(x)).item() for x in ("2026-02-14", "2026-02-16", "2026-02-23", "2026-02-28")
    ] == [
        True,
        False,
        False,
        True,
    ]


def test_unannounced_years_are_provisional_and_follow_weekends():
    assert CAL.provisional(d("2027-03-01")).item() and not CAL.provisional(d("2026-03-01")).item()
    assert CAL.provisional(d("2026-12-30"), d("2027-01-04")).item()
    assert CAL.add(d("2027-01-01"), 1) == d("2027-01-04")  # Friday → Monday, no notice yet
    assert not CAL.is_announced(2027)


def test_a_loaded_year_and_a_local_day_off(tmp_path):
    notice = tmp_path / "2027.csv"
    notice.write_text(
        "date,kind,name,notice\n2027-01-01,休,元旦,国务院办公厅关于2027年部分节假日安排的通知\n"
        "2027-01-04,休,元旦,同上\n",
        encoding="utf-8",
    )
    local = tmp_path / "local.toml"
    local.write_text(
        'scope = "local"\ntitle = "本区"\n[[days]]\ndate = "2025-10-10"\nkind = "休"\nname = "区庆"\n'
    )
    cal = calendar([parse_file(notice), parse_file(local)])
    assert cal.is_announced(2027) and not cal.provisional(d("2027-01-05")).item()
    assert cal.add(d("2026-12-31"), 1) == d("2027-01-05")
    assert not cal.is_workday(d("2025-10-10")) and CAL.is_workday(d("2025-10-10"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,kind\n2025-02-30,休\n", "第 2 行 date 列：“2025-02-30”不是日期"),
        ("date,kind\n2025-10-10,放假\n", "第 2 行 kind 列：“放假”不是 休 或 班"),
        ("day,kind\n", "缺少 date 列"),
        ("date,kind\n2025-10-10,休\n2025-10-10,班\n", "同时标为 休 和 班"),
    ],
)
def test_a_bad_file_names_row_and_column(tmp_path, text, message):
    f = tmp_path / "bad.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(CalendarFileError, match=message):
        parse_file(f)


def test_vectorised_over_arrays_equals_one_by_one():
    days = np.arange(d("2024-12-20"), d("2026-02-01"))
    n = np.resize(np.array([1, 3, 15, 30]), len(days))
    many = CAL.add(days, n)
    assert all(CAL.add(x, k) == y for x, k, y in zip(days[::17], n[::17], many[::17], strict=True))


@settings(max_examples=300, deadline=None)
@given(st.dates(date(2004, 1, 1), date(2030, 12, 31)), st.integers(0, 400), st.integers(0, 400))
def test_add_then_count_round_trips_and_count_is_additive(day, n, m):
    x = np.datetime64(day, "D")
    assert CAL.count(x, CAL.add(x, n)) == n
    y, z = x + np.timedelta64(n, "D"), x + np.timedelta64(n + m, "D")
    assert CAL.count(x, y) + CAL.count(y, z) == CAL.count(x, z)
    assert CAL.count(x, x + np.timedelta64(1, "D")) == int(CAL.is_workday(x + np.timedelta64(1, "D")).item())


def test_the_shipped_table_is_what_chinesecalendar_says():
    pytest.importorskip("chinese_calendar")
    from importlib.resources import files

    from gaoxin.workdays import national_csv

    shipped_text = (files("gaoxin") / "data" / "workdays" / "cn-national.csv").read_text(encoding="utf-8")
    assert national_csv() == shipped_text  # regenerate with `gaoxin workdays refresh` when it fails
