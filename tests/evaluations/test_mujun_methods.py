"""Score methods, benchmarks (incl. last year's), 加减分, policy amounts, trace and determinism."""

import math

import numpy as np
import pytest
from mujun_synth import firms, ladder, synth

from gaoxin.evaluations.mujun import evaluate
from gaoxin.schemes import load_scheme, parse_scheme, scheme_text

OLD = dict(registered_on="2010-01-01", industry_code="3973")


def guixia(tax, land=10.0, power=1e6, **kw):
    return dict(OLD, above_scale=0, land_own_mu=land, tax_paid=tax, power_kwh=power, **kw)


def test_jingde_minmax_20_plus_80_by_hand():
    rows = [guixia(t) for t in (1e5, 3e5, 5e5, 2e5)] + [guixia(4e5, land=None)]
    r = evaluate(load_scheme("ah-jingde"), "2024", firms(rows))
    # 亩均税收 = 1, 3, 5, 2 万元/亩; min 1, max 5; 单项 = 100×[20 + 80×(x−1)/(5−1)]/100
    want = [100 * (20 + 80 * (x - 1) / 4) / 100 for x in (1, 3, 5, 2)]
    assert list(r.score[:4]) == pytest.approx(want, abs=1e-12)
    assert r.item_stats["规下.tax_per_mu"] == {"min": 1.0, "max": 5.0}
    assert math.isnan(r.item_values("规下.tax_per_mu", "benchmark")[0])
    assert r.class_final[4] == "T"


def test_jingde_guishang_weights_add_up_by_hand():
    data = ladder(5, 0)
    r = evaluate(load_scheme("ah-jingde"), "2024", data)
    # every ratio but R&D rises with the step s = 1..5 (energy, emission, staff constant): those items (90 points)
    # give 90 × [20 + 80 × (s − 1)/4]/100; R&D intensity = 1e3·s / 2e6·s is the same for all firms, so the
    # constant-column rule ("mid") gives 10 × 60/100 = 6
    s = data["tax_paid"][:5] / 1e5
    want = 90 * (20 + 80 * (s - 1) / 4) / 100 + 6
    assert list(r.score[:5]) == pytest.approx(list(want), abs=1e-9)


def test_minmax_constant_column_uses_on_constant():
    r = evaluate(load_scheme("ah-jingde"), "2024", firms([guixia(2e5), guixia(2e5)]))
    assert list(r.score) == [60.0, 60.0]  # "mid": 20 + 80 × 0.5


def test_percentile_method():
    text = scheme_text("ah-jingde").replace(
        'weight = 100\nscore = { method = "minmax", low = 20, high = 100 }',
        'weight = 100\nscore = { method = "percentile", low = 0, high = 100 }',
    )
    r = evaluate(parse_scheme(text), "2024", firms([guixia(t) for t in (1e5, 3e5, 3e5, 5e5, 2e5)]))
    # share of the other 4 firms strictly below: 0, 2/4, 2/4, 4/4, 1/4
    assert list(r.score) == pytest.approx([0, 50, 50, 100, 25])


def test_huaian_benchmark_is_twice_last_years_aggregate():
    cur = firms([guixia(t, revenue=5e6) for t in (2e5, 4e5, 6e5)])
    prev = firms([guixia(t, power=2e6, revenue=5e6) for t in (1e5, 2e5, 3e5)])
    r = evaluate(load_scheme("js-huaian-2024"), "2024", cur, prev)
    # last year: Σtax 60万 / Σland 30 亩 = 2 万元/亩 → benchmark 4; Σtax/Σkwh = 6e5/6e6 = 0.1 → 0.2
    st = r.item_stats
    assert st["规下.tax_per_mu"]["benchmark"] == pytest.approx(4.0)
    assert st["规下.tax_per_kwh"]["benchmark"] == pytest.approx(0.2)
    assert (
        "上期" in st["规下.tax_per_mu"]["benchmark_note"] and "×2" in st["规下.tax_per_mu"]["benchmark_note"]
    )
    # firm 1: 4 万元/亩 → 45×min(4/4, 1); 0.4 元/kWh → 20×min(0.4/0.2, 1) = 20 (capped)
    tpm = r.block("规下.tax_per_mu")
    assert tpm.score[1] == pytest.approx(45.0)
    kwh = r.block("规下.tax_per_kwh")
    assert kwh.raw_score[1] == pytest.approx(40.0) and kwh.score[1] == pytest.approx(20.0)
    assert "超过封顶" in kwh.notes()[1]
    assert not r.warnings


def test_previous_benchmark_without_previous_data_warns_and_uses_current():
    cur = firms([guixia(t) for t in (2e5, 4e5, 6e5)])
    r = evaluate(load_scheme("js-huaian-2024"), "2024", cur)
    assert any("无上期数据" in w for w in r.warnings)
    assert r.item_stats["规下.tax_per_mu"]["benchmark"] == pytest.approx(2 * 12e5 / 30 / 1e4)
    strict = scheme_text("js-huaian-2024").replace(
        'basis = "previous" }', 'basis = "previous", if_no_previous = "error" }'
    )
    with pytest.raises(ValueError, match="上期"):
        evaluate(parse_scheme(strict), "2024", cur)


def _bench(method, extra=""):
    return scheme_text("default").replace(
        'weight = 50\nbenchmark = { method = "aggregate" }\nscore = { method = "ratio", cap = 2.0, floor = 0.0 }\n\n'
        '[[list.indicator]]\nid = "tax_per_kwh"\ntitle = "单位用电税收"\nnumerator = "tax_paid"\ndenominator = "power_kwh"'
        '\nscale = 1\nunit = "元/千瓦时"\nweight = 50\nbenchmark = { method = "aggregate" }\nscore = { method = "ratio", '
        "cap = 2.0, floor = 0.0 }\n\n# ---------------------------------------------------------------------------"
        "------------------- 加减分",
        f'weight = 100\nbenchmark = {{ method = "{method}"{extra} }}\nscore = {{ method = "ratio", cap = 5.0, floor = 0.0 }}'
        "\n\n# ---------------------------------------------------------------------------------------------- 加减分",
    )


@pytest.mark.parametrize(
    "method, want",
    [
        ("mean", (1 + 2 + 6 + 3 + 3) / 5),
        ("median", 3.0),
        ("aggregate", (10 + 20 + 60 + 30 + 30) / 50),
    ],
)
def test_population_benchmarks(method, want):
    s = parse_scheme(_bench(method))
    rows = [guixia(t * 1e5) for t in (1, 2, 6, 3, 3)]
    r = evaluate(s, "2024", firms(rows))
    assert r.item_stats["规下.tax_per_mu"]["benchmark"] == pytest.approx(want)
    assert r.score[0] == pytest.approx(100 * 1 / want)


def test_industry_benchmark_with_small_group_fallback():
    s = parse_scheme(_bench("industry_mean", ", digits = 2, min_group = 2"))
    rows = [
        guixia(1e5, industry_code="3973"),
        guixia(3e5, industry_code="3911"),
        guixia(6e5, industry_code="2927"),
        guixia(2e5, industry_code=None),
    ]
    r = evaluate(s, "2024", firms(rows))
    b = r.item_values("规下.tax_per_mu", "benchmark")
    # group 39: mean(1, 3) = 2; group 29 has 1 firm (< min_group) and the unknown code use the list mean 3
    assert list(b) == pytest.approx([2.0, 2.0, 3.0, 3.0])
    s4 = parse_scheme(_bench("industry_aggregate", ", digits = 4, min_group = 1"))
    r4 = evaluate(s4, "2024", firms(rows))
    assert list(r4.item_values("规下.tax_per_mu", "benchmark")) == pytest.approx([1.0, 3.0, 6.0, 3.0])


def test_lower_is_better_uses_benchmark_over_value():
    text = _bench("fixed", ", value = 2").replace(
        'numerator = "tax_paid"\ndenominator = "land_mu"\nscale = 1e-4\nunit = "万元/亩"\nweight = 100',
        'numerator = "energy_tce"\ndenominator = "land_mu"\nscale = 1\nunit = "吨标煤/亩"\nweight = 100\n'
        'direction = "lower"',
    )
    rows = [guixia(1e5, energy_tce=e) for e in (10.0, 40.0, 0.0, 5.0)]
    r = evaluate(parse_scheme(text), "2024", firms(rows))
    # energy per mu = 1, 4, 0, 0.5 t/亩; score = 100 × 2 / x, capped at 5 × 100
    assert list(r.score) == pytest.approx([200.0, 50.0, 500.0, 400.0])
    assert "越小越好" in r.block("规下.tax_per_mu").notes()[2]


def test_adjustments_points_percent_formula_and_caps():
    extra = """
[[adjustment]]
id = "pts"
title = "定额加分"
when = "tax_paid > 2e5"
points = 3
lists = ["规下"]

[[adjustment]]
id = "pct"
title = "比例扣分"
when = "safety_accident == 1"
percent = -10
lists = ["规下"]

[[adjustment]]
id = "formula"
title = "按公式加分"
value = "power_kwh / 1e6"
max = 2.5
lists = ["规下"]
"""
    text = scheme_text("default").replace('id = "规下"\ntitle', 'id = "规下"\nmax_bonus = 4\ntitle') + extra
    rows = [guixia(1e5, power=1e6), guixia(3e5, power=1e6), guixia(3e5, power=9e6, safety_accident=1)]
    r = evaluate(parse_scheme(text), "2024", firms(rows))
    b = r.base_score
    assert r.adjustment[0] == pytest.approx(1.0)  # formula 1
    assert r.adjustment[1] == pytest.approx(4.0)  # 3 + 1 = 4, at the bonus cap 4
    assert r.adjustment[2] == pytest.approx(4.0 - 0.1 * b[2])  # min(3 + 2.5, 4) − 10% of base
    assert list(r.score) == pytest.approx(list(b + r.adjustment))


def test_policy_amounts_follow_final_class():
    data = ladder(40, 0)
    data["water_t"] = np.full(80, 1000.0)[:40]
    r = evaluate(load_scheme("default"), "2024", data)
    el = r.policy["electricity_surcharge"]
    for c, rate in (("A", 0.0), ("B", 0.0), ("C", 0.05), ("D", 0.3)):
        sel = r.class_final == c
        assert np.allclose(el[sel], data["power_kwh"][sel] * rate)
    d = r.class_final == "D"
    assert np.allclose(r.policy["water_surcharge"][d], 1000.0)
    a = r.class_final == "A"
    # no land_use_tax data: estimate 亩 × 666.667 m² × 4 元, rebate 100% for A
    assert np.allclose(r.policy["land_tax_rebate"][a], 10 * 666.667 * 4)
    assert np.allclose(r.policy["energy_quota"][d], -0.10 * data["energy_tce"][d])


def test_trace_is_consistent_with_totals():
    data = synth(3000, seed=5)
    r = evaluate(load_scheme("default"), "2024", data)
    tc = r.trace_columns()
    kinds = np.array([it.kind for it in r.items])[tc["item"]]
    ind = kinds == "indicator"
    base = np.bincount(tc["firm"][ind], weights=tc["score"][ind], minlength=r.n)
    assert np.allclose(base[r.evaluated], r.base_score[r.evaluated])
    adj = np.bincount(tc["firm"][~ind], weights=tc["score"][~ind], minlength=r.n)
    assert np.allclose(adj[r.evaluated], r.adjustment[r.evaluated])
    assert set(tc["clause"][ind]) >= {"list.规上.indicator.tax_per_mu", "list.规下.indicator.tax_per_kwh"}
    assert not np.isin(tc["firm"], np.flatnonzero(~r.evaluated)).any()
    coded = r.trace_columns(strings=False)
    assert np.array_equal(coded["note_texts"][coded["note_code"]], tc["note"])
    assert np.array_equal(coded["score"], tc["score"], equal_nan=True)


def test_determinism_same_input_identical_arrays():
    data = synth(5000, seed=9)
    prev = synth(5000, seed=10)
    s = load_scheme("default")
    a = evaluate(s, "2024", data, prev)
    b = evaluate(s, "2024", {k: v.copy() for k, v in data.items()}, prev)
    for f in ("score", "base_score", "adjustment", "land_mu"):
        assert np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True)
    for f in ("rank", "list_id", "class_initial", "class_final", "reasons", "t_reason", "class_group"):
        assert np.array_equal(getattr(a, f), getattr(b, f))
    ta, tb = a.trace_columns(), b.trace_columns()
    for k in ta:
        eq = (
            np.array_equal(ta[k], tb[k], equal_nan=True)
            if ta[k].dtype.kind == "f"
            else np.array_equal(ta[k], tb[k])
        )
        assert eq, k
    assert repr(a.class_groups) == repr(b.class_groups) and repr(a.item_stats) == repr(b.item_stats)


def test_large_run_is_complete():
    data = synth(200_000, seed=1)
    r = evaluate(load_scheme("default"), "2024", data)  # speed: bench/evaluate_bench.py
    assert r.n == 200_000
