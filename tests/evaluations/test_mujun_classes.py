"""Classes: each built-in scheme's shares on made data, ties, groups, thresholds, vetoes, protections."""

import numpy as np
import pytest
from mujun_synth import firms, ladder

from gaoxin.evaluations.mujun import evaluate
from gaoxin.schemes import load_scheme, parse_scheme, scheme_text

SHARES = {
    "zj-huangyan-2022": [10, 35, 47, 8],
    "zj-huangyan-2021": [10, 35, 47, 8],
    "js-huaian-2024": [20, 40, 35, 5],
    "sd-changle": [20, 55, 20, 5],
    "ah-jingde": [25, 45, 25, 5],
    "default": [20, 40, 35, 5],
}


@pytest.mark.parametrize("sid", sorted(SHARES))
def test_builtin_class_shares_on_100_firms_per_list(sid):
    data = ladder(100, 100)
    prev = ladder(100, 100, seed=1)  # last year's data for 淮安's 2× benchmarks
    r = evaluate(load_scheme(sid), "2024", data, prev)
    want = dict(zip("ABCD", SHARES[sid], strict=True))
    for lid in ("规上", "规下"):
        assert r.counts_by_list[lid] == want, (sid, lid)
        sel = r.list_id == lid
        # classes follow the score order: every A outscores every B, …
        for better, worse in zip("ABC", "BCD", strict=False):
            assert (
                r.score[sel & (r.class_final == better)].min() > r.score[sel & (r.class_final == worse)].max()
            )
    assert r.counts["T"] == 0


def test_share_rounding_on_37_firms():
    r = evaluate(load_scheme("default"), "2024", ladder(37, 0))
    # cumulative bounds floor(0.20·37)=7, floor(0.60·37)=22, floor(0.95·37)=35, 37
    assert r.counts_by_list["规上"] == {"A": 7, "B": 15, "C": 13, "D": 2}


def test_huaian_top_20_percent_by_rank():
    r = evaluate(load_scheme("js-huaian-2024"), "2024", ladder(50, 0), ladder(50, 0, seed=3))
    top = np.argsort(-r.score[:50], kind="stable")[:10]
    assert set(r.class_final[top]) == {"A"} and r.counts_by_list["规上"]["A"] == 10


def test_ties_share_the_better_class_and_min_rank():
    taxes = [10, 9, 9, 7, 6, 5, 4, 3, 2, 1]
    rows = [
        dict(above_scale=0, land_own_mu=10, tax_paid=t * 1e5, power_kwh=1e6, registered_on="2010-01-01")
        for t in taxes
    ]
    better = _with_classes("default", 'ties = "average"', 'ties = "better"')
    r = evaluate(better, "2024", firms(rows))
    assert list(r.rank) == [1, 2, 2, 4, 5, 6, 7, 8, 9, 10]
    assert r.score[1] == r.score[2]
    # A = top 20% of 10 = ranks ≤ 2 → the tie at rank 2 keeps both in A (3 firms)
    assert list(r.class_final) == ["A", "A", "A", "B", "B", "B", "C", "C", "C", "D"]
    # the default scheme classes a tie by its average rank: 2.5 > 2 → both in B, A keeps one firm
    r = evaluate(load_scheme("default"), "2024", firms(rows))
    assert list(r.rank) == [1, 2, 2, 4, 5, 6, 7, 8, 9, 10]
    assert list(r.class_final) == ["A", "B", "B", "B", "B", "B", "C", "C", "C", "D"]


def _with_classes(sid, old, new):
    text = scheme_text(sid)
    assert old in text
    return parse_scheme(text.replace(old, new))


def test_within_town_and_industry_groups():
    data = ladder(100, 0)
    data["town"] = np.array(["甲镇", "乙镇"] * 50, dtype=object)
    s = _with_classes("default", 'within = "list"', 'within = "town"')
    r = evaluate(s, "2024", data)
    for t in ("甲镇", "乙镇"):
        sel = data["town"] == t
        # per town n = 50: A ranks ≤ floor(0.2·50) = 10; C closes at floor(0.95·50) = 47 → D gets 3
        assert (r.class_final[sel] == "A").sum() == 10 and (r.class_final[sel] == "D").sum() == 3
    assert {g.group for g in r.class_groups} == {"甲镇", "乙镇"}
    data["industry_code"] = np.array(["3973"] * 60 + ["2927"] * 40, dtype=object)
    s2 = _with_classes("default", 'within = "list"', 'within = "industry2"')
    r2 = evaluate(s2, "2024", data)
    assert (r2.class_final[:60] == "A").sum() == 12 and (r2.class_final[60:] == "A").sum() == 8
    assert sorted(g.key for g in r2.class_groups) == ["规上|29", "规上|39"]


def test_pooled_classification_across_lists():
    s = _with_classes("default", 'within = "list"', 'within = "all"')
    r = evaluate(s, "2024", ladder(30, 70))
    assert sum(r.counts[c] for c in "ABCD") == 100 and r.counts["A"] == 20
    assert len(r.class_groups) == 1 and r.class_groups[0].key == "*"


def test_threshold_classes_and_cutoffs():
    s = _with_classes(
        "default",
        'method = "share"\nlabels = ["A", "B", "C", "D"]\nshares = [20, 40, 35, 5]',
        'method = "threshold"\nlabels = ["A", "B", "C", "D"]\nthresholds = [120, 100, 60]',
    )
    r = evaluate(s, "2024", ladder(0, 50))
    sc = r.score
    want = np.where(sc >= 120, "A", np.where(sc >= 100, "B", np.where(sc >= 60, "C", "D")))
    assert list(r.class_initial) == list(want)
    g = r.class_groups[0]
    assert g.cutoffs["A"] == 120 and g.cutoffs["C"] == 60 and g.method == "threshold"


def test_realised_cutoffs_are_lowest_score_of_class_or_better():
    r = evaluate(load_scheme("default"), "2024", ladder(100, 0))
    g = r.class_groups[0]
    for c in "ABCD":
        sel = np.isin(r.class_initial, list("ABCD"[: "ABCD".index(c) + 1]))
        assert g.cutoffs[c] == r.score[sel].min()


def _top_bottom(r, lid="规上"):
    sel = np.flatnonzero(r.list_id == lid)
    order = sel[np.argsort(-r.score[sel], kind="stable")]
    return int(order[0]), int(order[-1])


def test_vetoes_cap_and_force():
    data = ladder(40, 0)
    r0 = evaluate(load_scheme("default"), "2024", data)
    top, bottom = _top_bottom(r0)
    second = int(np.flatnonzero(r0.rank == 2)[0])
    data["safety_accident"][top] = 1
    data["dishonest"][second] = 1
    data["env_accident"][bottom] = 1
    r = evaluate(load_scheme("default"), "2024", data)
    assert r.class_initial[top] == "A" and r.class_final[top] == "C"
    assert "一票否决：发生重大安全生产事故，不得评为A、B类（由A类调整为C类）" in r.reasons[top]
    assert r.clauses[top] == "classes,veto.safety_accident"
    assert r.class_final[second] == "D" and "直接评为D类" in r.reasons[second]
    assert r.class_final[bottom] == "D" and "不受影响" in r.reasons[bottom]
    # vetoes change classes only, not scores or ranks
    assert np.array_equal(r.score, r0.score) and np.array_equal(r.rank, r0.rank)


def test_protections_not_d_and_veto_wins():
    data = ladder(40, 0)
    r0 = evaluate(load_scheme("default"), "2024", data)
    d_firms = np.flatnonzero(r0.class_final == "D")
    assert d_firms.size == 2
    a, b = (int(x) for x in d_firms)
    data["major_project"][a] = 1
    data["major_project"][b] = 1
    data["dishonest"][b] = 1
    r = evaluate(load_scheme("default"), "2024", data)
    assert r.class_initial[a] == "D" and r.class_final[a] == "C"
    assert "保护：重大项目建设期企业不列入D类（由D类调整为C类）" in r.reasons[a]
    assert r.class_final[b] == "D"
    assert "保护" in r.reasons[b] and "一票否决" in r.reasons[b]
    assert r.clauses[b] == "classes,protection.major_project,veto.dishonest"


def test_new_above_scale_protection_and_bonus_use_previous_period():
    data = ladder(40, 0)
    r0 = evaluate(load_scheme("default"), "2024", data)
    d = int(np.flatnonzero(r0.class_final == "D")[0])
    prev = {k: v.copy() for k, v in data.items()}
    prev["above_scale"][d] = 0  # last year below scale → 小升规 this year
    r = evaluate(load_scheme("default"), "2024", data, prev)
    assert r.class_final[d] == "C" and "小升规" in r.reasons[d]
    assert r.adjustment[d] == pytest.approx(0.05 * r.base_score[d])
    rows = r.firm_items(d)
    assert any(
        x["item"] == "new_above_scale_bonus" and x["score"] == pytest.approx(r.adjustment[d]) for x in rows
    )
    # without previous data, prev() is missing: no protection, no bonus
    assert evaluate(load_scheme("default"), "2024", data).adjustment[d] == 0


def test_changle_new_firm_protection():
    data = ladder(40, 0)
    r0 = evaluate(load_scheme("sd-changle"), "2024", data)
    d = int(np.flatnonzero(r0.class_final == "D")[0])
    data["registered_on"][d] = np.datetime64("2022-06-01")  # < 3 years before 2024-12-31
    data["safety_accident"][d] = 1  # a veto caps at C: no effect on a protected D → C firm
    r = evaluate(load_scheme("sd-changle"), "2024", data)
    assert r.class_final[d] == "C" and "新设企业不列入D类" in r.reasons[d]
    assert r.class_names["B"] == "支持发展类" and r.class_names["T"] == "暂不评价类"
