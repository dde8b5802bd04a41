"""未达标 (a condition fails) told from 待补数据 (a condition the data cannot judge), and a missing count never
scored as 0 or as the band below — hand-worked on hnte-2016 (国科发火〔2016〕32号 第十一条, 195号 指引 十).

HNTE_OK scores 71–94: A 知识产权 5+5+7+1+1 = 19 .. min(8+8+8+6+2, 30) = 30; B 成果转化 年均 5 项 25–30;
C 组织管理 4+5+3+3 = 15 .. 6+6+4+4 = 20; D 成长性 净资产 30% 7–8 + 销售 15.5% 5–6 = 12..14."""

from __future__ import annotations

import numpy as np
import polars as pl
from cultivation_data import HNTE_OK, run, state, with_

from gaoxin.evaluations import cultivation as core
from gaoxin.evaluations.cultivation.english import english
from gaoxin.evaluations.cultivation.types import BAND_OPEN
from gaoxin.schemes.formula import evaluate_condition_known, parse

S = "hnte-2016"


def item(r, item_id: str) -> int:
    return [it.id for it in r.scheme.items].index(item_id)


def test_missing_self_developed_counts_keep_the_top_of_the_band_open():
    # 知识产权获得方式: "有自主研发 1–6" when ip1_self + ip2_self ≥ 1, "仅有受让… 1–3" when ip_total ≥ 1.
    # Without the self-developed counts the firm may be in either band: 1–6, not 1–3 (its maximum was 93).
    r = run(S, [with_(HNTE_OK, ip1_self=None, ip2_self=None), HNTE_OK])
    j = item(r, "ip_acquisition")
    assert (r.item_min[0, j], r.item_max[0, j]) == (1.0, 6.0)
    assert r.item_band[0, j] == BAND_OPEN and r.item_band[1, j] == 0
    # A: 5+5+7+1+1 = 19 .. min(8+8+8+6+2, 30) = 30 → total 71–94, as with the counts known
    assert (r.score_min[0], r.score_max[0]) == (71.0, 94.0) == (r.score_min[1], r.score_max[1])
    assert list(r.verdict) == ["pass", "pass"]
    _, items = core.result_frames(r)
    band = items.filter(pl.col("item") == "item.ip_acquisition")["note"].to_list()
    assert band == ["待补数据：档次无法判断（按可能的档次计分）", "有自主研发：1–6分"]
    assert english(pl.Series(band[:1])).to_list() == [
        "Data needed: the band cannot be judged (scored over the bands it may be in)"
    ]


def test_a_missing_count_is_not_zero_and_the_score_waits_for_the_data():
    # 成果转化 年均数 missing: the item (30 分, no `missing` range in the scheme) is open 0–30, not 0.
    # min 71 − 25 = 46, max 94; without the missing item at most 94 − 30 = 64 < 71: only the data can decide
    r = run(S, [with_(HNTE_OK, conversions_avg=None)])
    j = item(r, "conversions")
    assert (r.item_min[0, j], r.item_max[0, j]) == (0.0, 30.0)
    assert (r.score_min[0], r.score_max[0]) == (46.0, 94.0)
    assert state(r, "innovation_score") == ["missing"]
    assert r.verdict[0] == "missing" and r.n_fail[0] == 0 and r.n_missing[0] == 1
    assert np.isnan(r.expert_needed[0])  # not a call for the experts
    note = core.condition_notes(r, r.cond_index("innovation_score"))[0]
    assert note == "企业创新能力评价 46–94分（需 ≥ 71分）：数据缺失（近三年年均成果转化数）"


def test_verdicts_tell_missing_data_from_a_failing_condition():
    firms = [
        with_(HNTE_OK, hnte_domain=90, tech_staff=9),  # 技术领域 known outside 10–80, and 9% 科技人员
        with_(HNTE_OK, hnte_domain=None, tech_staff=9),  # 技术领域 in no file, 9% 科技人员
        with_(HNTE_OK, hnte_domain=None),  # only 技术领域 missing
        HNTE_OK,
    ]
    r = run(S, firms)
    assert state(r, "hnte_domain") == ["fail", "missing", "missing", "pass"]
    # 科技人员 (9 + k) / (100 + k) ≥ 10%: k = 1 gives 9.90%, k = 2 gives 10.78% → 再增 2 人; shortfall 10% ≤ 50%
    assert list(r.gap("tech_staff", "tech_staff").steps[:2]) == [2.0, 2.0]
    assert list(r.verdict) == ["fail", "near", "missing", "pass"]
    assert list(r.n_fail) == [2, 1, 0, 0] and list(r.n_missing) == [0, 1, 1, 0]
    assert list(r.rank) == [4, 3, 2, 1]  # pass, 待补数据, 差一项, 未达标
    assert list(r.verdict_initial) == ["fail", "fail", "missing", "pass"]
    res, _ = core.result_frames(r)
    assert res["class_final"].to_list() == ["fail", "near", "missing", "pass"]
    assert (
        res["reasons"][2]
        == "主要产品(服务)的核心技术属于《国家重点支持的高新技术领域》：数据缺失（高新技术领域）"
    )
    counts = core.summary(r)["counts"]
    assert counts == {"pass": 1, "expert": 0, "missing": 1, "near": 1, "fail": 1, "out": 0}
    assert core.VERDICT_LABELS["missing"] == "待补数据" and core.VERDICT_LABELS["fail"] == "未达标"


def test_conditions_on_three_valued_logic():
    env = {"a": np.array([1.0, 0.0, np.nan, np.nan, 0.0]), "b": np.array([np.nan, np.nan, 5.0, np.nan, 2.0])}

    def known(text):
        v, k = evaluate_condition_known(parse(text), env, 5)
        return [None if not kk else bool(vv) for vv, kk in zip(v, k, strict=True)]

    assert known("a >= 1") == [True, False, None, None, False]
    assert known("a >= 1 or b >= 1") == [True, None, True, None, True]  # one known true decides `or`
    assert known("a >= 1 and b >= 1") == [None, False, None, None, False]  # one known false decides `and`
    assert known("coalesce(a, 0) >= 1") == [True, False, False, False, False]  # coalesce answers for missing
    assert known("sum_of(a, b) >= 1") == [True, False, True, None, True]
    assert known("is_missing(a)") == [False, False, True, True, False]
    assert known("not a >= 1") == [False, True, None, None, True]


def test_a_when_condition_known_false_fails_even_with_other_data_missing():
    # 第十一条（八）: an accident on record fails the condition, whatever the other record says
    r = run(S, [with_(HNTE_OK, safety_accident=(1, 0, 0), env_accident=None)])
    assert state(r, "no_accident") == ["fail"] and r.verdict[0] == "fail"
