"""Review dates per kind, level and province, worked by hand against the rules file and the working-day calendar.

As of 2025-10-01 (the first day of the 国庆 holiday, 2025-10-01…08 off, Saturday 10-11 worked):
- 国家 工业设计中心 认定 2021-12-03, valid 4 years, 复核 at expiry → 2025-12-03: 63 calendar days; working days
  in (10-01, 12-03]: October 9, 10, 11 (make-up Saturday) and 13–17, 20–24, 27–31 = 18, November 20 (3–7, 10–14,
  17–21, 24–28), December 1–3 = 3 → 41. Within 90 days: due soon.
- 国家 企业技术中心 evaluated 2023-03-15 (良好), every 2 years → 2025-03-15, passed: 待复核, overdue, still counts.
- 国家 企业技术中心 graded 基本合格 → 警示 (counts); graded 不合格 and 撤销 on 2024-02-01 → 撤销, not counted, no new
  application before 2026-02-01 (bar 2 years).
- 省 企业技术中心 认定 2020-02-29 under the 3-year fallback → 2023-02-28 (no 29 February in 2023).
- a 下次复核日期 sent by the department (2026-06-30) wins over the rule.
- province: a zone rule for 安徽 省级企业技术中心 of 2 years beats the 3-year 省 fallback; a 浙江 one keeps 3."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from gaoxin.registries.reviews import clock, firm_platforms, review_frame, upcoming
from gaoxin.registries.rules import BUILTIN, RulesError, load_rules
from gaoxin.store.registries import TABLES

AS_OF = date(2025, 10, 1)
COLS = TABLES["platform"][1]


def platforms(*rows: dict) -> pl.DataFrame:
    types = {c: pl.Date for c in COLS if c.endswith("_on") or c == "bar_until"}
    return pl.DataFrame(
        [{c: r.get(c) for c in COLS} for r in rows], schema={c: types.get(c, pl.Utf8) for c in COLS}
    )


def row(name, kind, level, **kw):
    return {"name": name, "kind": kind, "level": level, "host_name": "某公司", **kw}


@pytest.fixture
def reviews():
    p = platforms(
        row("设计中心", "工业设计中心", "国家", approved_on=date(2021, 12, 3)),
        row("技术中心良好", "企业技术中心", "国家", approved_on=date(2015, 1, 1), last_review_on=date(2023, 3, 15), grade="良好"),
        row("技术中心警示", "企业技术中心", "国家", approved_on=date(2015, 1, 1), last_review_on=date(2025, 3, 1), grade="基本合格"),
        row("技术中心撤销", "企业技术中心", "国家", approved_on=date(2015, 1, 1), last_review_on=date(2024, 1, 10),
            grade="不合格", revoked_on=date(2024, 2, 1)),
        row("省级闰日", "企业技术中心", "省", approved_on=date(2020, 2, 29)),
        row("台账日期", "重点实验室", "省", approved_on=date(2024, 6, 30), next_review_on=date(2026, 6, 30)),
    )  # fmt: skip
    return {r["name"]: r for r in review_frame(p, load_rules(), AS_OF).iter_rows(named=True)}


def test_national_design_centre_valid_four_years_with_working_days(reviews):
    r = reviews["设计中心"]
    assert (r["cycle_mode"], r["cycle_years"]) == ("validity", 4)
    assert r["next_review"] == date(2025, 12, 3) and r["next_review_basis"] == "规则"
    assert (r["days_left"], r["workdays_left"]) == (63, 41)
    assert r["status_now"] == "有效" and r["due_soon"] and not r["overdue"] and r["counts"]
    assert "工信部政法〔2023〕93号" in r["cycle_source"] and not r["cycle_assumed"]


def test_enterprise_centre_graded_by_evaluation(reviews):
    good, warn, gone = reviews["技术中心良好"], reviews["技术中心警示"], reviews["技术中心撤销"]
    assert good["next_review"] == date(2025, 3, 15)
    assert good["status_now"] == "待复核" and good["overdue"] and good["counts"]
    assert warn["status_now"] == "警示" and warn["counts"] and warn["next_review"] == date(2027, 3, 1)
    assert gone["status_now"] == "撤销" and not gone["counts"]
    assert not gone["overdue"] and not gone["due_soon"]  # a revoked platform has no review to remind of
    assert gone["bar_until_now"] == date(2026, 2, 1)
    assert gone["cycle_assumed"]  # the 2-year evaluation period is an assumption in the built-in file


def test_provincial_fallback_and_the_departments_own_date(reviews):
    leap = reviews["省级闰日"]
    assert (leap["cycle_years"], leap["next_review"]) == (3, date(2023, 2, 28))
    assert leap["cycle_assumed"] and leap["status_now"] == "待复核"
    sent = reviews["台账日期"]
    assert sent["next_review"] == date(2026, 6, 30) and sent["next_review_basis"] == "台账"


def test_upcoming_lists_due_and_overdue_not_revoked(reviews):
    frame = pl.DataFrame(list(reviews.values()))
    assert upcoming(frame)["name"].to_list() == ["省级闰日", "技术中心良好", "设计中心"]


def test_a_province_rule_beats_the_level_fallback(tmp_path):
    text = BUILTIN.read_text(encoding="utf-8") + (
        '\n[[cycle]]\nkind = "企业技术中心"\nlevel = "省"\nprovince = "安徽"\nmode = "evaluation"\nyears = 2\n'
        'source = "某省办法"\nverified = "V"\n'
    )
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    p = platforms(
        row("皖", "企业技术中心", "省", province="安徽", approved_on=date(2022, 6, 30)),
        row("浙", "企业技术中心", "省", province="浙江", approved_on=date(2022, 6, 30)),
    )
    got = {r["name"]: r for r in review_frame(p, load_rules(path), AS_OF).iter_rows(named=True)}
    assert got["皖"]["next_review"] == date(2024, 6, 30) and got["皖"]["cycle_source"] == "某省办法"
    assert got["浙"]["next_review"] == date(2025, 6, 30)


def test_the_clock_of_one_platform(reviews):
    c = clock(reviews["设计中心"], AS_OF)
    assert c["start"] == date(2021, 12, 3) and c["next_review"] == date(2025, 12, 3)
    assert c["share_elapsed"] == pytest.approx((AS_OF - date(2021, 12, 3)).days / 1461)


def test_a_broken_rules_file_names_the_key(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        BUILTIN.read_text(encoding="utf-8").replace('mode = "validity"', 'mode = "forever"'), "utf-8"
    )
    with pytest.raises(RulesError, match="bad.toml: 第 1 个 \\[\\[cycle\\]\\]: mode"):
        load_rules(path)


def test_a_revoked_platform_is_not_counted():
    p = platforms(
        row("国家中心", "企业技术中心", "国家", host_uscc="F1", approved_on=date(2015, 1, 1),
            last_review_on=date(2024, 1, 10), grade="不合格"),
        row("省中心", "工程技术研究中心", "省", host_uscc="F1", approved_on=date(2024, 1, 1)),
        row("撤销的省中心", "企业技术中心", "省", host_uscc="F2", approved_on=date(2024, 1, 1), status="撤销"),
        row("市中心", "企业技术中心", "市", host_uscc="F2", approved_on=date(2024, 1, 1)),
    )  # fmt: skip
    got = {r["uscc"]: r for r in firm_platforms(review_frame(p, load_rules(), AS_OF)).iter_rows(named=True)}
    # F1's national centre was graded 不合格 (撤销): only its provincial one counts, so its level is 省 (3)
    assert (got["F1"]["platforms"], got["F1"]["national"], got["F1"]["level_code"]) == (1, 0, 3)
    assert (got["F2"]["platforms"], got["F2"]["provincial"], got["F2"]["level_code"]) == (1, 0, 2)
