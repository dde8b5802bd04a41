"""高新技术企业 (hnte-2016), hand-worked from 国科发火〔2016〕32号 第十一条 and the 195号 指引."""

from __future__ import annotations

import numpy as np
import pytest
from cultivation_data import CLEAN, HNTE_OK, build, note, run, state, wan, with_, yi

from gaoxin.evaluations import cultivation as core
from gaoxin.schemes import load_scheme

S = "hnte-2016"


def test_a_firm_meeting_every_condition_passes_with_min_score_exactly_71():
    # A: 5+5 (有Ⅰ类: 先进程度/核心支持 5–8) + 7 (Ⅰ类 7–8) + 1 (自主研发 1–6) + 1 (标准 1–2) = 19..32 → cap 30
    # B: 年均 5 项 → 25–30; C: 4–6 + 5–6 + 3–4 + 3–4 = 15..20
    # D: 净资产 1000→1300→1690: ½(1.3+1.3)−1 = 30% → 7–8; 销售 3000→3400→4000: ½(1.1333+1.1765)−1 = 15.5% → 5–6
    r = run(S, [HNTE_OK])
    assert (r.score_min[0], r.score_max[0]) == (71.0, 94.0)
    assert r.verdict[0] == "pass"
    assert all(s == "pass" for c in r.conditions for s in state(r, c.id))


def test_70_points_is_not_enough_71_is_the_pass_mark():
    s = load_scheme(S)
    assert s.params["pass_mark"] == 71  # ">70分（不含70分）", integer points
    # minimum 70 (no 标准 bonus): passes only if the expert-judged items give at least 27
    r = run(S, [with_(HNTE_OK, standard_participated=0)])
    assert (r.score_min[0], r.score_max[0]) == (70.0, 94.0)
    assert state(r, "innovation_score") == ["expert"] and r.verdict[0] == "expert"
    assert r.expert_needed[0] == 71 - (
        7 + 25 + 12
    )  # computable parts at their lower ends: 知识产权数量, 转化, 成长性
    assert "仅当专家评分项合计 ≥ 27 分时通过" in note(r, "innovation_score")
    # maximum exactly 70 → cannot pass; maximum 71 → still possible
    no_ip = dict(ip1_count=0, ip1_self=0, ip2_count=0, ip2_self=0)
    fast_na = (wan(1960), wan(1400), wan(1000))  # ½(1.4 + 1.4) − 1 = 40% → 9–10
    # sales 3000→3750→4687.5: ½(1.25 + 1.25) − 1 = 25% → 7–8
    f70 = with_(HNTE_OK, **no_ip, net_assets=fast_na, revenue=(wan(4687.5), wan(3750), wan(3000)))
    # A 0+0+0+0+2, B 30, C 20, D 10+8 → max 70
    f71 = with_(
        HNTE_OK,
        **no_ip,
        net_assets=fast_na,
        industry_univ_coop=0,  # C2 only one of the two: 3–5
        revenue=(wan(5880), wan(4200), wan(3000)),
    )  # sales ½(1.4+1.4)−1 = 40% → D 10+10; 2+30+19+20 = 71
    r = run(S, [f70, f71])
    assert list(r.score_max) == [70.0, 71.0]
    assert state(r, "innovation_score") == ["fail", "expert"]
    assert "最高 70分 < 71分（按现有数据不能通过）" in note(r, "innovation_score", 0)


@pytest.mark.parametrize(
    ("latest", "rate"),
    [
        (wan(5000), 0.05),  # 小于5,000万元（含）
        (wan(5000) + 1, 0.04),  # just above 5,000万 → 4%
        (yi(2), 0.04),  # 5,000万元至2亿元（含）
        (yi(2) + 1, 0.03),  # 2亿元以上
    ],
)
def test_rd_band_by_latest_year_sales_with_three_year_sums(latest, rate):
    sales = (latest, latest, latest)
    need = rate * 3 * latest  # 3-year R&D total exactly at the band
    exact = with_(
        HNTE_OK, revenue=sales, rd_expense=(need / 3, need / 3, need / 3), rd_domestic=(need / 3,) * 3
    )
    short = with_(exact, rd_expense=(need / 3 - 1, need / 3, need / 3))
    r = run(S, [exact, short])
    k = r.cond_index("rd_ratio")
    assert np.allclose(r.threshold[:, k], rate)
    assert state(r, "rd_ratio") == ["pass", "fail"]
    assert r.gap("rd_ratio", "rd").steps[1] == 1  # 1 元 short: one 万元 step closes it


def test_gap_text_in_the_firms_own_terms():
    # sales 3000 + 3400 + 4000 = 10,400万 (latest ≤ 5,000万 → 5%) → R&D needed 520万; it has 100+132+180 = 412万
    f = with_(
        HNTE_OK,
        revenue=(wan(4000), wan(3400), wan(3000)),
        rd_expense=(wan(180), wan(132), wan(100)),
        rd_domestic=(wan(180), wan(132), wan(100)),
        tech_staff=9,
        total_staff=110,
    )
    r = run(S, [f])
    assert "研发费用 3 年合计 412万元, 需 ≥ 520万元: 再投入 108万元" in note(r, "rd_ratio")
    # (9 + k)/(110 + k) ≥ 10% ⇔ k ≥ 2.22: three hires (each also joins 职工总数)
    assert note(r, "tech_staff") == "科技人员 8.2% < 10%: 再增 3 人"
    assert r.verdict[0] == "fail" and r.n_fail[0] == 2


def test_tech_staff_and_income_shares_at_exactly_the_threshold_pass():
    r = run(
        S,
        [
            with_(HNTE_OK, tech_staff=10, total_staff=100),
            with_(HNTE_OK, tech_staff=9, total_staff=100),
            with_(HNTE_OK, ht_income=wan(2400), total_income=wan(4000)),
            with_(HNTE_OK, ht_income=wan(2399.99), total_income=wan(4000)),
        ],
    )
    assert state(r, "tech_staff") == ["pass", "fail", "pass", "pass"]
    assert state(r, "ht_income") == ["pass", "pass", "pass", "fail"]
    assert r.verdict[1] == "near" and r.verdict[3] == "near"  # one gap each
    assert r.gap("ht_income", "ht_income").steps[3] == 1  # (2399.99 + 1)/(4000 + 1) ≥ 60%


def test_domestic_rd_at_least_60_percent_of_three_year_rd():
    base = with_(HNTE_OK, rd_expense=(wan(250), wan(200), wan(150)))
    r = run(
        S,
        [
            with_(base, rd_domestic=(wan(150), wan(120), wan(90))),  # 360/600 = 60%
            with_(base, rd_domestic=(wan(150), wan(120), wan(89.99))),
        ],
    )
    assert state(r, "rd_domestic") == ["pass", "fail"]


@pytest.mark.parametrize(
    ("na", "band"),
    [
        ((wan(1500), wan(1000), 0.0), (9, 10)),  # first year 0 → last two years: 1500/1000 − 1 = 50%
        ((wan(1500), wan(1000), None), (9, 10)),  # first year absent (founded later): the same rule
        ((wan(1500), 0.0, wan(1000)), (0, 0)),  # middle year 0 → 0 points
        ((wan(800), wan(900), wan(1000)), (0, 0)),  # ½(0.9 + 0.889) − 1 = −10.6% → negative scores 0
        ((wan(1020), wan(1010), wan(1000)), (1, 2)),  # ½(1.01 + 1.0099) − 1 ≈ 1.0% > 0 → E 1–2
        ((wan(1822.5), wan(1350), wan(1000)), (9, 10)),  # exactly 35% → A 9–10
        ((wan(1000), wan(1000), wan(1000)), (0, 0)),  # 0 growth → F
    ],
)
def test_growth_rate_edge_rules(na, band):
    r = run(
        S,
        [
            with_(HNTE_OK, net_assets=na),
            with_(HNTE_OK, revenue=tuple(x if x is None else x * 4000 / 1500 for x in na)),
        ],
    )
    items = [it.id for it in r.scheme.items]
    for firm, item in ((0, "net_asset_growth"), (1, "sales_growth")):
        j = items.index(item)
        assert (r.item_min[firm, j], r.item_max[firm, j]) == band, item


def test_registered_365_days_before_applying():
    # application assumed 181 days after the period end: registered 184 days before 2025-12-31 is exactly 365
    r = run(S, [with_(HNTE_OK, registered_on="2025-06-30"), with_(HNTE_OK, registered_on="2025-07-01")])
    assert state(r, "registered_1y") == ["pass", "fail"]


def test_core_ip_domain_and_accident_conditions():
    r = run(
        S,
        [
            with_(HNTE_OK, ip1_count=0, ip1_self=0, ip2_count=0, ip2_self=0),
            with_(HNTE_OK, hnte_domain=0),
            with_(HNTE_OK, safety_accident=(1, 0, 0)),
            with_(HNTE_OK, safety_accident=(0, 1, 0)),
            with_(HNTE_OK, hnte_domain=None),
        ],
    )
    assert state(r, "core_ip")[0] == "fail" and "再获得 1 件" in note(r, "core_ip", 0)
    assert state(r, "hnte_domain")[1:] == ["fail", "pass", "pass", "missing"]
    assert state(r, "no_accident")[2:4] == ["fail", "pass"]  # only the year before applying counts


def test_certificates_expiring_within_twelve_months():
    firms = [with_(HNTE_OK, hnte_valid=1, hnte_cert_year=y) for y in (2024, 2023, 2022)] + [HNTE_OK]
    r = run(S, firms)
    assert list(r.cert_status) == ["有效", "12个月内到期", "已到期", ""]
    res, items = core.result_frames(r)
    assert res["list_id"].to_list() == ["已持证", "到期复审", "到期复审", "培育库"]
    cert = items.filter(items["item"] == "certificate")
    assert cert["numerator"].to_list() == [2027.0, 2026.0, 2025.0]


def test_missing_data_is_reported_not_zero():
    r = run(S, [with_(HNTE_OK, tech_staff=None)])
    assert state(r, "tech_staff") == ["missing"]
    assert "数据缺失（科技人员数）" in note(r, "tech_staff")
    # missing data is never "near" (no lever can fill it) nor 未达标: nothing fails, the firm is 待补数据
    assert r.verdict[0] == "missing" and r.n_fail[0] == 0 and r.n_missing[0] == 1


def test_clean_keys_are_all_present():
    assert set(CLEAN) == {"safety_accident", "env_accident", "dishonest"}
    assert len(build([HNTE_OK])) == 3
