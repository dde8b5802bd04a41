"""科技型中小企业 (tsme-2022), hand-worked from 国科发政〔2022〕67号 第六、七条 and its 评分标准."""

from __future__ import annotations

import pytest
from cultivation_data import note, run, state, wan, with_, yi

S = "tsme-2022"
CLEAN2 = {"safety_accident": (0, 0), "env_accident": (0, 0), "dishonest": (0, 0)}
# 科技人员 20/100 = 20% → 12; 研发 300/5000 = 6% → 50; 1 项Ⅰ类 → 30: 92 points
OK = {
    "total_staff": 100,
    "tech_staff": 20,
    "revenue": wan(5000),
    "total_assets": yi(1),
    "total_cost": wan(4500),
    "rd_expense": wan(300),
    "ip1_count": 1,
    "ip2_count": 0,
    **CLEAN2,
}


def test_a_qualified_firm_and_its_score():
    r = run(S, [OK])
    assert r.verdict[0] == "pass" and r.score_min[0] == r.score_max[0] == 92


@pytest.mark.parametrize(
    ("field", "edge"), [("total_staff", 500), ("revenue", yi(2)), ("total_assets", yi(2))]
)
def test_size_limits_are_inclusive(field, edge):
    over = edge + 1
    r = run(S, [with_(OK, **{field: edge}), with_(OK, **{field: over})])
    cond = {"total_staff": "staff_limit", "revenue": "sales_limit", "total_assets": "assets_limit"}[field]
    assert state(r, cond) == ["pass", "fail"]  # 不超过 = 以下, inclusive
    assert r.verdict[1] == "fail"  # a size limit has no lever: never "near"


def test_tech_staff_item_must_not_be_zero():
    # 9/100 = 9% < 10% → 科技人员 0 points; the total (0 + 50 + 30 = 80) still passes 60, yet the firm does not qualify
    r = run(S, [with_(OK, tech_staff=9), with_(OK, tech_staff=10)])
    assert list(r.score_min) == [80.0, 84.0]  # 10% exactly → 4 points
    assert state(r, "score") == ["pass", "pass"]
    assert state(r, "tech_staff_nonzero") == ["fail", "pass"]
    assert r.verdict[0] == "near" and r.verdict[1] == "pass"
    # (9 + 1)/(100 + 1) = 9.9% → still 0 points; two hires: 11/102 = 10.8%
    assert note(r, "tech_staff_nonzero", 0).endswith(": 再增 2 人")


@pytest.mark.parametrize(
    ("route", "change"),
    [
        ("hnte", {"hnte_valid": 1}),
        ("award", {"award_national_rank": 3}),
        ("rd_institution", {"rd_institution_level": 3}),
        ("standard", {"standard_led": 1}),
    ],
)
def test_each_direct_route_needs_no_score(route, change):
    weak = with_(OK, tech_staff=0, rd_expense=0, ip1_count=0)  # 0 points, 科技人员 0
    r = run(S, [weak, with_(weak, **change)])
    assert r.verdict.tolist() == ["fail", "pass"]
    k = r.cond_index("score")
    assert r.route_used[1, k] == [x.id for x in r.scheme.routes].index(route)
    assert "经直接认定" in note(r, "score", 1)


def test_routes_just_outside_do_not_count_and_never_lift_the_size_limits():
    weak = with_(OK, tech_staff=0, rd_expense=0, ip1_count=0)
    r = run(
        S,
        [
            with_(weak, award_national_rank=4),
            with_(weak, rd_institution_level=2),
            with_(weak, hnte_valid=1, total_staff=501),
        ],
    )
    assert r.verdict.tolist() == ["fail", "fail", "fail"]
    assert state(r, "staff_limit")[2] == "fail" and state(r, "score")[2] == "pass"


@pytest.mark.parametrize(
    ("rd", "cost", "points"),
    [
        (wan(300), wan(4500), 50),  # 6% of 5000万 sales (含) → 50; 6.7% of costs → 0
        (wan(299.99), wan(4500), 40),  # 5.9998% → [5%, 6%) → 40
        (wan(225), wan(4500), 30),  # 4.5% → 30; 5% of costs → 0
        (wan(250), wan(1000), 40),  # 5% → 40; 25% of costs (含) → 40
        (wan(100), wan(300), 50),  # 2% → 10; 33% of costs → 50: the cost ratio wins
    ],
)
def test_rd_item_takes_the_better_of_the_two_ratios(rd, cost, points):
    r = run(S, [with_(OK, rd_expense=rd, total_cost=cost)])
    j = [it.id for it in r.scheme.items].index("rd_input")
    assert r.item_min[0, j] == r.item_max[0, j] == points


@pytest.mark.parametrize(
    ("ip1", "ip2", "points"),
    [(1, 0, 30), (0, 4, 24), (0, 9, 24), (0, 3, 18), (0, 2, 12), (0, 1, 6), (0, 0, 0)],
)
def test_ip_item_bands(ip1, ip2, points):
    r = run(S, [with_(OK, ip1_count=ip1, ip2_count=ip2)])
    j = [it.id for it in r.scheme.items].index("ip")
    assert r.item_min[0, j] == points


def test_clean_record_covers_the_year_before():
    r = run(S, [with_(OK, dishonest=(0, 1)), with_(OK, env_accident=(1, 0)), OK])
    assert state(r, "clean_record") == ["fail", "fail", "pass"]


def test_score_gap_is_stated_per_lever():
    # 12 (20%) + 30 (4% of sales) + 12 (2 项Ⅱ类) = 54: +10 from R&D (5% → 40), +6 from one more Ⅱ类 (3 → 18),
    # or +8 from staff (30% → 20): (20 + k)/(100 + k) ≥ 30% ⇔ k ≥ 14.3
    r = run(S, [with_(OK, rd_expense=wan(200), ip1_count=0, ip2_count=2)])
    assert r.score_min[0] == 54 and state(r, "score") == ["fail"]
    assert note(r, "score") == (
        "综合评价得分 54分 < 60分: 再投入研发费用 50万元 或 再增科技人员 15 人 或 再获得Ⅱ类知识产权 1 件"
    )
    # R&D alone, from 32 points: the other levers cannot reach 60 on their own
    r = run(S, [with_(OK, rd_expense=wan(150), ip1_count=0)])
    assert note(r, "score").endswith(": 再投入研发费用 150万元")
    assert r.gap("score", "ip2").steps[0] == float("inf")
