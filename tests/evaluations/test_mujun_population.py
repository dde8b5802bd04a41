"""Who is evaluated, on which list, and why the others are T (不参评)."""

import math

import numpy as np
import pytest
from mujun_synth import firms

from gaoxin.evaluations.mujun import evaluate, industry_numbers, period_end, previous_period
from gaoxin.schemes import load_scheme, parse_scheme, scheme_text

BASE = dict(
    above_scale=1,
    land_own_mu=10,
    tax_paid=1e6,
    value_added=5e6,
    energy_tce=500,
    emission_t=1,
    staff=50,
    rd_expense=1e5,
    revenue=2e7,
    power_kwh=2e6,
)


def run(rows, scheme="default", period="2024", prev=None):
    return evaluate(load_scheme(scheme) if isinstance(scheme, str) else scheme, period, firms(rows), prev)


def test_zero_and_missing_land_are_t_with_clear_reasons():
    rows = [
        BASE,
        dict(BASE, land_own_mu=None),
        dict(BASE, land_own_mu=0),
        dict(BASE, land_own_mu=3, land_leased_out_mu=3),
    ]
    with np.errstate(all="raise"):  # no division warnings escape
        r = run(rows)
    assert list(r.evaluated) == [True, False, False, False]
    assert "无用地面积数据" in r.t_reason[1]
    assert "用地面积为零或负数" in r.t_reason[2] and "用地面积为零或负数" in r.t_reason[3]
    assert all(r.class_final[1:] == "T") and np.isnan(r.score[1:]).all()
    assert r.candidate_list[1] == "规上"  # matched the list, then dropped for land
    assert r.reasons[1] == r.t_reason[1]
    assert r.clauses[1] == "population.land" and r.clauses[0] == "classes"


def test_land_rule_is_configurable():
    text = scheme_text("default").replace(
        'land = "sum_of(land_own_mu, -land_leased_out_mu, land_leased_in_mu)"', 'land = "land_own_mu"'
    )
    r = run([dict(BASE, land_leased_in_mu=10)], parse_scheme(text))
    assert r.land_mu[0] == 10
    r2 = run([dict(BASE, land_leased_in_mu=10)])
    assert r2.land_mu[0] == 20


def test_utilities_excluded_by_industry_prefix():
    rows = [dict(BASE, industry_code=c) for c in ("4411", "D4520", "4690", "4310", "3973", None, "xx")]
    r = run(rows)
    assert list(r.evaluated) == [False, False, False, True, True, True, True]
    assert "D44–D46" in r.t_reason[0]
    jd = run(rows, "ah-jingde")  # section letter "D" plus 7820
    assert list(jd.evaluated[:3]) == [False, False, False]


def test_industry_code_parsing():
    four, two = industry_numbers(
        np.array(["3973", "C3973", "397", "39", "39731", None, "", 3973, " 44 "], dtype=object)
    )
    assert list(two[:4]) == [39, 39, 39, 39] and four[0] == 3973 and four[1] == 3973
    assert math.isnan(four[2]) and math.isnan(four[3])
    assert np.isnan(two[4:7]).all()
    assert math.isnan(two[7])  # ints are not codes: ingest delivers strings
    assert two[8] == 44


def test_grace_period_boundary_is_calendar_exact():
    # period 2024 ends 2024-12-31; "< 2 years" means registered after 2022-12-31
    rows = [
        dict(BASE, registered_on="2022-12-31"),
        dict(BASE, registered_on="2023-01-01"),
        dict(BASE, registered_on=None),
    ]
    r = run(rows)
    assert list(r.evaluated) == [True, False, True]  # unknown registration date: not excluded
    assert "成立不满2年" in r.t_reason[1]


def test_period_helpers():
    assert str(period_end("2024")) == "2024-12-31"
    assert str(period_end("2024-02")) == "2024-02-29"
    assert str(period_end("2025Q3")) == "2025-09-30"
    assert previous_period("2025") == "2024" and previous_period("2025Q3") == "2024Q3"
    with pytest.raises(ValueError):
        period_end("25")


def test_lists_by_scale_land_and_lease():
    rows = [
        BASE,  # 规上
        dict(BASE, above_scale=0, land_own_mu=5),  # 规下 ≥ 3 亩
        dict(BASE, above_scale=None, land_own_mu=5),  # unknown scale counts as 规下 via coalesce
        dict(BASE, above_scale=0, land_own_mu=None, land_leased_in_mu=2),  # tenant, own list, no threshold
        dict(BASE, above_scale=0, land_own_mu=2),  # 规下 < 3 亩
        dict(BASE, above_scale=1, land_own_mu=None, land_leased_in_mu=2),  # 规上 tenant stays 规上
    ]
    r = run(rows)
    assert list(r.list_id) == ["规上", "规下", "规下", "租赁", None, "规上"]
    assert "不足3亩" in r.t_reason[4]


def test_missing_rule_t():
    text = scheme_text("default").replace(
        'missing = "list_mean"\nmissing_reason = "无排放数据，按规上企业此项平均得分赋分"',
        'missing = "T"\nmissing_reason = "无排放数据，暂不评价"',
    )
    r = run([BASE, dict(BASE, emission_t=None)], parse_scheme(text))
    assert r.evaluated[0] and not r.evaluated[1]
    assert r.t_reason[1] == "无排放数据，暂不评价"
    assert r.list_size[0] == 1  # the T firm does not count in the list


def test_negative_tax_floored_at_zero_in_default():
    rows = [BASE, dict(BASE, tax_paid=-5e5), dict(BASE, tax_paid=3e6)]
    r = run(rows)
    blk = r.block("规上.tax_per_mu")
    assert blk.raw_score[1] < 0 and blk.score[1] == 0.0
    assert "低于保底" in blk.notes()[1]
    # the aggregate benchmark nets the refund: (1e6 − 5e5 + 3e6) / 30 亩 / 1e4
    assert r.item_stats["规上.tax_per_mu"]["benchmark"] == pytest.approx(3.5e6 / 30 / 1e4)


def test_zero_denominator_is_missing_not_infinite():
    rows = [BASE, dict(BASE, energy_tce=0), dict(BASE, staff=None)]
    with np.errstate(all="raise"):
        r = run(rows)
    blk = r.block("规上.va_per_energy")
    assert math.isnan(blk.value[1]) and blk.score[1] == 0.0 and "分母为零或负数" in blk.notes()[1]
    lab = r.block("规上.labour_productivity")
    assert "分母数据缺失" in lab.notes()[2]
    assert np.isfinite(r.score).all()


def test_absent_field_warns_and_counts_as_missing():
    d = firms([BASE, BASE])
    del d["emission_t"], d["cod_t"]
    r = evaluate(load_scheme("default"), "2024", d)
    assert any("emission_t" in w for w in r.warnings)
    assert r.evaluated.all()


def test_empty_data():
    r = evaluate(load_scheme("default"), "2024", {k: v[:0] for k, v in firms([BASE]).items()})
    assert r.n == 0 and sum(r.counts.values()) == 0 and r.trace_columns()["firm"].shape == (0,)


def test_exclusion_clause_ids():
    r = run([dict(BASE, industry_code="4411"), dict(BASE, above_scale=0, land_own_mu=1)])
    assert list(r.clauses) == ["population.exclude.utilities", "population.out_of_scope"]
