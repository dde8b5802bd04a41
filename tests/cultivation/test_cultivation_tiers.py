"""创新型 / 专精特新 / 小巨人 (工信部企业〔2022〕63号 附件1–3), hand-worked from the rule texts."""

from __future__ import annotations

import pytest
from cultivation_data import CLEAN, note, run, state, wan, with_, yi

from gaoxin.schemes import load_scheme

# ---------------------------------------------------------------------------------------------------------
# 创新型中小企业: 知识产权 20 + 研发 20 | 增长 20 + 负债 10 | 领域 10 + 主营占比 20
INNOV = "innovative-sme-2022"
I_OK = {
    "total_staff": 200,
    "revenue": (yi(1.15), yi(1.0), yi(0.9)),
    "main_revenue_share": (0.8, 0.8, 0.8),
    "rd_expense": wan(575),
    "ip1_high_value": 1,
    "ip1_count": 1,
    "debt_ratio": 0.5,
    "product_field": 1,
    **CLEAN,
}


def items_of(r, firm=0):
    return {it.id: (r.item_min[firm, j], r.item_max[firm, j]) for j, it in enumerate(r.scheme.items)}


def test_innovative_full_marks_and_group_minimums():
    r = run(INNOV, [I_OK])
    assert r.score_min[0] == 100 and r.verdict[0] == "pass"
    # total 65 but 创新能力 only 15 (自主研发Ⅰ类 15 + R&D <1% 0): fails the group minimum of 20
    weak = with_(I_OK, ip1_high_value=0, ip1_self=1, rd_expense=wan(100))
    r = run(INNOV, [weak])
    assert r.group_min[0].tolist() == [15.0, 30.0, 30.0] and r.score_min[0] == 75
    assert state(r, "score") == ["pass"] and state(r, "innovation") == ["fail"]
    assert r.verdict[0] == "near" and "再投入" in note(r, "innovation")


@pytest.mark.parametrize(("debt", "points"), [(0.55, 10), (0.5501, 5), (0.75, 5), (0.7501, 0)])
def test_innovative_debt_ratio_bands_lower_is_better_inclusive(debt, points):
    assert items_of(run(INNOV, [with_(I_OK, debt_ratio=debt)]))["debt_ratio"] == (points, points)


@pytest.mark.parametrize(
    ("rev", "points"),
    [
        ((yi(1.15), yi(1.0)), 20),  # 15% (含) → 20
        ((yi(1.0), yi(1.0)), 5),  # 0% → "0–5%" band, lower bound included → 5
        ((yi(0.99), yi(1.0)), 0),  # negative → 0
    ],
)
def test_innovative_main_revenue_growth_edges(rev, points):
    assert items_of(run(INNOV, [with_(I_OK, revenue=rev)]))["main_growth"] == (points, points)


@pytest.mark.parametrize(
    "change",
    [
        {"award_provincial_rank": 8},
        {"award_national_rank": 1},
        {"hnte_valid": 1},
        {"innovation_title": 1},
        {"rd_institution_level": 3},
        {"equity_financing": (wan(200), wan(200), wan(100))},  # 近三年 500万 (含)
    ],
)
def test_innovative_direct_routes(change):
    weak = with_(I_OK, ip1_high_value=0, ip1_count=0, rd_expense=0, product_field=0)  # 0 + 30 + 25 = 55
    r = run(INNOV, [weak, with_(weak, **change)])
    assert r.verdict.tolist() == ["fail", "pass"]


def test_innovative_equity_route_is_inclusive_and_sme_size_exclusive():
    weak = with_(I_OK, ip1_high_value=0, ip1_count=0, rd_expense=0, product_field=0)
    r = run(
        INNOV,
        [
            with_(weak, equity_financing=(wan(200), wan(200), wan(99.99))),
            with_(I_OK, total_staff=1000, revenue=(yi(4), yi(3.5), yi(3))),  # 1000 人 and 4亿: not SME
            with_(I_OK, total_staff=999, revenue=(yi(4), yi(3.5), yi(3))),
            with_(I_OK, total_staff=300, revenue=(yi(1), yi(0.9), yi(0.8)), industry_code="6520"),
        ],
    )
    assert r.verdict[0] == "fail"
    # 划型: "以下" excludes the number (统计上大中小微型企业划分办法 附注); software 300 人 / 1亿 → not SME
    assert state(r, "sme")[1:] == ["fail", "pass", "fail"]


# ---------------------------------------------------------------------------------------------------------
# 专精特新中小企业
SRDI = "srdi-sme-2022"
# 专业化 5 + 10 + 3 + 5 = 23 · 精细化 5 + 5 + 10 + 5 = 25 · 特色化 0–15 · 创新能力 10 + 10 + 5 + 8 = 33 → 81–96
S_OK = {
    "total_staff": 200,
    "revenue": (yi(1.0), yi(0.9), yi(0.8)),
    "main_revenue_share": (0.85, 0.85, 0.85),
    "niche_years": 6,
    "product_field": 3,
    "digital_level": 3,
    "quality_cert": 1,
    "own_brand": 1,
    "net_margin": 0.10,
    "debt_ratio": 0.45,
    "ip1_high_value": 1,
    "ip1_count": 1,
    "rd_expense": (wan(600), wan(500)),
    "rd_staff": 40,
    "rd_institution_level": 3,
    **CLEAN,
}


def test_srdi_scoring_table():
    r = run(SRDI, [S_OK])
    assert (r.score_min[0], r.score_max[0]) == (81.0, 96.0) and r.verdict[0] == "pass"
    assert items_of(r)["main_growth"] == (10, 10)  # ½(1.0/0.9 − 1 + 0.9/0.8 − 1) = 11.8%


@pytest.mark.parametrize(
    ("field", "ok", "short", "cond"),
    [
        ("niche_years", 2, 1.9, "niche_years"),  # 2年以上 (含)
        ("rd_expense", (wan(100), wan(100)), (wan(99.99), wan(100)), "rd_amount"),  # 不低于100万元
        (
            "revenue",
            (wan(1000), yi(0.9), yi(0.8)),
            (wan(999.99), yi(0.9), yi(0.8)),
            "revenue",
        ),  # 1000万元以上 (含)
    ],
)
def test_srdi_conditions_are_inclusive(field, ok, short, cond):
    r = run(SRDI, [with_(S_OK, **{field: ok}), with_(S_OK, **{field: short})])
    assert state(r, cond) == ["pass", "fail"]


def test_srdi_rd_ratio_three_percent_and_its_gap():
    r = run(
        SRDI, [with_(S_OK, rd_expense=(wan(300), wan(300))), with_(S_OK, rd_expense=(wan(250), wan(300)))]
    )
    assert state(r, "rd_ratio") == ["pass", "fail"]
    assert note(r, "rd_ratio", 1) == (
        "上年度研发费用占营业收入比重 2.5% < 3%；上年度研发费用 250万元, 需 ≥ 300万元: 再投入 50万元"
    )


def test_srdi_small_revenue_with_equity_and_the_direct_routes():
    small = with_(S_OK, revenue=(wan(900), wan(800), wan(700)), rd_expense=(wan(100), wan(100)))
    r = run(
        SRDI,
        [
            with_(small, equity_financing=(wan(1000), wan(1000))),  # 近2年 2000万 (含)
            with_(small, equity_financing=(wan(1000), wan(999.99))),
        ],
    )
    assert state(r, "revenue") == ["pass", "fail"]
    # score routes: weak score made up by each route
    weak = with_(
        S_OK,
        main_revenue_share=(0.5, 0.5, 0.5),
        product_field=0,
        digital_level=1,
        quality_cert=0,
        own_brand=0,
        net_margin=0.0,
        debt_ratio=0.9,
        ip1_high_value=0,
        ip1_count=0,
        rd_staff=0,
        rd_institution_level=0,
        niche_years=2,
        rd_expense=(wan(300), wan(300)),
    )
    routes = [
        {"award_provincial_rank": 3},
        {"award_national_rank": 5},
        {"rd_expense": (wan(1000), wan(1000))},
        {"equity_financing": (wan(3000), wan(3000))},
        {"maker_china_rank": 500},
    ]
    outside = [
        {"award_provincial_rank": 4},
        {"award_national_rank": 6},
        {"rd_expense": (wan(1000), wan(999.98))},
        {"equity_financing": (wan(3000), wan(2999.99))},
        {"maker_china_rank": 501},
    ]
    r = run(SRDI, [weak] + [with_(weak, **c) for c in routes] + [with_(weak, **c) for c in outside])
    assert r.score_max[0] < 60
    assert state(r, "score") == ["fail"] + ["pass"] * 5 + ["fail"] * 5


def test_srdi_featured_points_are_a_parameter():
    # 专业化 1 + 2 + 1 + 0 · 精细化 0 + 0 + 0 + 0 · 特色化 0–15 · 创新 10 + 10 + 5 + 8 = 37 → 37–52
    mid = with_(
        S_OK,
        main_revenue_share=(0.6, 0.6, 0.6),
        revenue=(yi(1.0), yi(1.0), yi(1.0)),
        niche_years=2,
        product_field=0,
        digital_level=1,
        quality_cert=0,
        own_brand=0,
        net_margin=0.01,
        debt_ratio=0.8,
    )
    r = run(SRDI, [mid, with_(mid, product_field=3, digital_level=3, quality_cert=1)])  # +5 +5 +3 → 50–65
    assert (r.score_min.tolist(), r.score_max.tolist()) == ([37.0, 50.0], [52.0, 65.0])
    assert state(r, "score") == ["fail", "expert"]
    assert "仅当专家评分项合计 ≥ 10 分时通过" in note(r, "score", 1)
    fixed = load_scheme(SRDI).with_params(
        {"featured_min": 10, "featured_max": 10}
    )  # a province's own 10 points
    r = run(fixed, [with_(mid, product_field=3, digital_level=3, quality_cert=1)])
    assert r.score_min[0] == r.score_max[0] == 60 and r.verdict[0] == "pass"


@pytest.mark.parametrize(("debt", "points"), [(0.5, 5), (0.5001, 3), (0.6, 3), (0.7, 1), (0.7001, 0)])
def test_srdi_debt_bands(debt, points):
    assert items_of(run(SRDI, [with_(S_OK, debt_ratio=debt)]))["debt_ratio"] == (points, points)


@pytest.mark.parametrize(
    ("rd", "points"),
    [
        (wan(500), 10),  # 500万元以上 (含) → 10
        (wan(499.99), 8),  # 400–500万 → 8 (its ratio 4.9999% of 1亿 only reaches the 4–6% band: 4)
        (wan(400), 8),
        (wan(399.99), 6),
        (wan(100), 2),  # 100–200万 → 2
        (wan(99.99), 0),  # below 100万 and below 3% → 0
    ],
)
def test_srdi_rd_item_amount_or_ratio(rd, points):
    got = items_of(run(SRDI, [with_(S_OK, rd_expense=(rd, wan(500)))]))["rd_input"]
    assert got == (points, points)


def test_srdi_rd_item_ratio_route_for_small_firms():
    # revenue 1000万, R&D 100万 = 10% (含) → 10 although the amount band alone gives 2
    r = run(SRDI, [with_(S_OK, revenue=(wan(1000), wan(900), wan(800)), rd_expense=(wan(100), wan(100)))])
    assert items_of(r)["rd_input"] == (10, 10)


def test_srdi_quality_three_points_per_item_capped_at_five():
    pts = [
        items_of(run(SRDI, [with_(S_OK, quality_cert=q, own_brand=b, quality_award=a)]))["quality"][0]
        for q, b, a in ((0, 0, 0), (1, 0, 0), (1, 1, 0), (1, 1, 1))
    ]
    assert pts == [0, 3, 5, 5]


# ---------------------------------------------------------------------------------------------------------
# 专精特新"小巨人": 专 · 精 · 特 · 新 · 链 · 品
LG = "little-giant-2022"
L_OK = {
    "total_staff": 300,
    "revenue": (yi(1.2), yi(1.0), yi(0.9)),
    "main_revenue_share": (0.8, 0.8, 0.8),
    "niche_years": 5,
    "info_system": 1,
    "quality_cert": 1,
    "debt_ratio": 0.5,
    "market_share": 0.15,
    "own_brand": 1,
    "rd_expense": (wan(360), wan(300)),
    "rd_institution_level": 2,
    "ip1_count": 3,
    "product_field": 3,
    **CLEAN,
}


def test_little_giant_all_six_aspects():
    r = run(LG, [L_OK])
    assert r.verdict[0] == "pass"
    assert {c.aspect for c in r.conditions} >= {"专", "精", "特", "新", "链", "品"}


@pytest.mark.parametrize(
    ("field", "edge", "beyond", "cond"),
    [
        ("niche_years", 3, 2.9, "niche_years"),
        ("main_revenue_share", (0.7, 0.7, 0.7), (0.69, 0.7, 0.7), "main_share"),
        ("debt_ratio", 0.7, 0.7001, "debt_ratio"),
        ("market_share", 0.10, 0.0999, "market_share"),
        ("ip1_count", 2, 1, "new_ip"),
    ],
)
def test_little_giant_thresholds_are_inclusive(field, edge, beyond, cond):
    r = run(LG, [with_(L_OK, **{field: edge}), with_(L_OK, **{field: beyond})])
    assert state(r, cond) == ["pass", "fail"]


def test_little_giant_rd_rule_by_revenue_size():
    firms = [
        with_(L_OK, revenue=(yi(1.0), yi(0.9), yi(0.8)), rd_expense=(wan(300), wan(270))),  # ≥1亿: 3% & 3%
        with_(
            L_OK, revenue=(yi(1.0), yi(0.9), yi(0.8)), rd_expense=(wan(300), wan(269.99))
        ),  # prior year short
        with_(L_OK, revenue=(yi(0.99), yi(0.9), yi(0.8)), rd_expense=(wan(594), wan(540))),  # 5000万–1亿: 6%
        with_(L_OK, revenue=(yi(0.99), yi(0.9), yi(0.8)), rd_expense=(wan(590), wan(540))),
        with_(
            L_OK,
            revenue=(yi(0.4), yi(0.3), yi(0.2)),
            rd_expense=(yi(0.15), yi(0.15)),  # <5000万
            equity_financing=(yi(0.4), yi(0.4)),
            rd_staff=150,
        ),  # 8000万, 3000万, 50%
        with_(
            L_OK,
            revenue=(yi(0.4), yi(0.3), yi(0.2)),
            rd_expense=(yi(0.15), yi(0.15)),
            equity_financing=(yi(0.4), yi(0.39)),
            rd_staff=150,
        ),
    ]
    r = run(LG, firms)
    assert state(r, "new_rd") == ["pass", "fail", "pass", "fail", "pass", "fail"]
    gap = r.gap("new_rd", "rd").steps
    assert gap[1] == float("inf")  # last year's ratio cannot be changed any more
    assert gap[3] == 4  # 594万 needed this year: 4 万元 more


def test_little_giant_direct_routes_satisfy_the_new_aspect():
    weak_new = with_(L_OK, rd_expense=(0.0, 0.0), rd_institution_level=0, ip1_count=0)
    r = run(
        LG,
        [
            weak_new,
            with_(weak_new, award_national_rank=3),
            with_(weak_new, maker_china_rank=50),
            with_(weak_new, maker_china_rank=51),
        ],
    )
    assert r.verdict.tolist() == ["fail", "pass", "pass", "fail"]
    assert state(r, "new_ip") == ["fail", "pass", "pass", "fail"]


def test_little_giant_chain_and_product_codes():
    r = run(LG, [with_(L_OK, product_field=2), with_(L_OK, product_field=1)])
    assert state(r, "chain") == ["fail", "fail"] and state(r, "product") == ["pass", "fail"]
