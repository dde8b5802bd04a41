"""what_if: the smallest single change that lifts a firm to a target class — checked by re-running."""

import math

import numpy as np
import pytest
from mujun_synth import ladder, synth

from gaoxin.evaluations.mujun import evaluate, what_if
from gaoxin.schemes import load_scheme, parse_scheme, scheme_text


def huangyan_thresholds():
    text = scheme_text("zj-huangyan-2022").replace(
        'method = "share"\nlabels = ["A", "B", "C", "D"]\nshares = [10, 35, 47, 8]',
        'method = "threshold"\nlabels = ["A", "B", "C", "D"]\nthresholds = [120, 90, 60]',
    )
    return parse_scheme(text)


@pytest.fixture(scope="module")
def hy():
    s = huangyan_thresholds()
    data = synth(400, seed=3)
    for f in ("safety_accident", "env_accident"):
        data[f][:] = 0
    return s, data, evaluate(s, "2022", data)


def pick(r, lid, cls):
    sel = np.flatnonzero((r.list_id == lid) & (r.class_final == cls))
    return int(sel[len(sel) // 2])


def rerun(s, data, changes):
    d = {k: v.copy() for k, v in data.items()}
    for (field, i), v in changes.items():
        d[field][i] = v
    return evaluate(s, "2022", d)


def test_single_indicator_change_reaches_target_exactly(hy):
    s, data, r = hy
    i = pick(r, "规上", "C")
    w = what_if(r, s, data, i, "B")
    assert w.reachable and w.cutoff == 90 and w.gap == pytest.approx(90 - r.score[i])
    by = {it.item_id: it for it in w.items}
    # 全员劳动生产率 = VA / staff only: hit the required value through staff and re-run
    lp = by["labour_productivity"]
    assert lp.reachable and lp.required_value > lp.current_value
    assert lp.required_score - lp.current_score == pytest.approx(w.gap)
    staff_new = data["value_added"][i] * 1e-4 / lp.required_value
    r2 = rerun(s, data, {("staff", i): staff_new * (1 - 1e-9)})
    assert r2.class_final[i] == "B" and r2.score[i] >= 90 - 1e-9
    r3 = rerun(s, data, {("staff", i): staff_new * (1 + 1e-6)})
    assert r3.class_final[i] == "C"
    # 单位能耗增加值 = VA / energy only
    en = by["va_per_energy"]
    r4 = rerun(s, data, {("energy_tce", i): data["value_added"][i] * 1e-4 / en.required_value * (1 - 1e-9)})
    assert r4.class_final[i] == "B"


def test_tax_alone_in_wan_yuan(hy):
    s, data, r = hy
    for lid in ("规上", "规下"):
        i = pick(r, lid, "C")
        w = what_if(r, s, data, i, "B")
        t = w.tax
        assert t.reachable and t.unit == "万元" and t.change > 0
        new_tax = data["tax_paid"][i] + t.change * 1e4
        assert rerun(s, data, {("tax_paid", i): new_tax * (1 + 1e-9)}).class_final[i] == "B"
        assert (
            rerun(s, data, {("tax_paid", i): data["tax_paid"][i] + t.change * 1e4 * 0.999}).class_final[i]
            == "C"
        )
        # the tax-per-mu item alone needs more tax than tax alone (which also lifts tax per kWh in 规下)
        tpm = next(it for it in w.items if it.item_id == "tax_per_mu")
        assert tpm.tax_change_wan == pytest.approx((tpm.required_value - tpm.current_value) * r.land_mu[i])
        if lid == "规下":
            assert t.change < tpm.tax_change_wan


def test_share_classes_use_realised_cutoff():
    s = load_scheme("ah-jingde")
    data = ladder(0, 40)
    r = evaluate(s, "2024", data)
    i = int(np.flatnonzero(r.class_final == "C")[0])
    w = what_if(r, s, data, i, "B")
    b_scores = r.score[np.isin(r.class_initial, ["A", "B"])]
    assert w.cutoff == b_scores.min()
    it = w.items[0]
    assert it.reachable and "不因本企业变动重算" in it.why
    new_tax = it.required_value * 1e4 * r.land_mu[i]
    r2 = evaluate(
        s, "2024", {**data, "tax_paid": np.where(np.arange(40) == i, new_tax * (1 + 1e-12), data["tax_paid"])}
    )
    assert r2.class_final[i] == "B"


def test_cap_makes_single_item_unreachable():
    s = load_scheme("default")
    data = ladder(40, 0)
    r = evaluate(s, "2024", data)
    i = int(np.flatnonzero(r.class_final == "D")[0])
    w = what_if(r, s, data, i, "A")
    by = {it.item_id: it for it in w.items}
    assert not by["rd_ratio"].reachable and "该项最高20分" in by["rd_ratio"].why
    assert all(math.isnan(by["rd_ratio"].required_value) for _ in [0])


def test_veto_t_and_already_there():
    s = load_scheme("default")
    data = ladder(40, 0)
    r0 = evaluate(s, "2024", data)
    c = int(np.flatnonzero(r0.class_final == "C")[0])
    data["safety_accident"][c] = 1
    t_firm = int(np.flatnonzero(r0.class_final == "D")[0])
    data["land_own_mu"][t_firm] = np.nan
    r = evaluate(s, "2024", data)
    w = what_if(r, s, data, c, "B")
    assert not w.reachable and "一票否决" in w.why and "最高只能评为C类" in w.why and not w.items
    t = what_if(r, s, data, t_firm, "B")
    assert not t.reachable and "不参评" in t.why
    a = int(np.flatnonzero(r.class_final == "A")[0])
    done = what_if(r, s, data, a, "B")
    assert done.reachable and "已是A类" in done.why and done.items == []
    with pytest.raises(ValueError):
        what_if(r, s, data, a, "E")


def test_percent_bonus_is_solved_numerically():
    s = load_scheme("default")
    data = ladder(40, 0)
    prev = {k: v.copy() for k, v in data.items()}
    r0 = evaluate(s, "2024", data)
    i = int(np.flatnonzero(r0.class_final == "C")[0])
    prev["above_scale"][i] = 0  # 小升规: +5% of the base
    r = evaluate(s, "2024", data, prev)
    w = what_if(r, s, data, i, "B", prev)
    it = next(x for x in w.items if x.item_id == "tax_per_mu")
    # the item's extra points δ satisfy (base + δ)·1.05 = cutoff (bonus below the 5-point cap)
    delta = it.required_score - it.current_score
    assert (r.base_score[i] + delta) * 1.05 == pytest.approx(w.cutoff, rel=1e-9)
