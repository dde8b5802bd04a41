"""黄岩 2022/2021: the published formula reproduced by hand, and the 规上 missing-emission rule.

规上得分 = 亩均税收/24.097×30 + 亩均增加值/136.16×20 + 单位能耗增加值/2.694×20
         + 单位排放增加值/4929.81×10 + 全员劳动生产率/18.14×10 + R&D占比/0.0302×10
规下得分 = 亩均税收/11.5932×50 + 单位用电税收/0.2352×50
Units: 万元/亩, 万元/吨标煤, 万元/吨, 万元/人, ratio; 单位用电税收 万元/万千瓦时 (= 元/千瓦时).
"""

import math

import numpy as np
import pytest
from mujun_synth import firms

from gaoxin.evaluations.mujun import evaluate
from gaoxin.schemes import load_scheme

ROWS = [
    # 0 规上: land 20 亩, tax 400万, VA 3000万, 1000 tce, 5 t pollutants, 150 staff, R&D 150万 on revenue 5000万
    dict(
        above_scale=1,
        land_own_mu=20,
        tax_paid=4_000_000,
        value_added=30_000_000,
        energy_tce=1000,
        emission_t=5,
        staff=150,
        rd_expense=1_500_000,
        revenue=50_000_000,
    ),
    # 1 规上 without any emission record
    dict(
        above_scale=1,
        land_own_mu=10,
        tax_paid=3_000_000,
        value_added=12_000_000,
        energy_tce=800,
        staff=100,
        rd_expense=300_000,
        revenue=20_000_000,
    ),
    # 2 规上 with leased land (5 own − 1 leased out + 2 leased in = 6 亩) and pollutants given by kind
    dict(
        above_scale=1,
        land_own_mu=5,
        land_leased_out_mu=1,
        land_leased_in_mu=2,
        tax_paid=900_000,
        value_added=6_000_000,
        energy_tce=2500,
        cod_t=1.5,
        nh3n_t=0.5,
        so2_t=2.0,
        nox_t=1.0,
        staff=60,
        rd_expense=0,
        revenue=15_000_000,
    ),
    # 3 规下: 8 亩, tax 60万, 300万 kWh
    dict(above_scale=0, land_own_mu=8, tax_paid=600_000, power_kwh=3_000_000),
    # 4 规下 below 3 亩: out of scope
    dict(above_scale=0, land_own_mu=2, tax_paid=100_000, power_kwh=100_000),
    # 5 规上 with a very high emission ratio: no cap in the published formula
    dict(
        above_scale=1,
        land_own_mu=10,
        tax_paid=2_409_700,
        value_added=13_616_000,
        energy_tce=505.419,
        emission_t=0.01,
        staff=75.0606,
        rd_expense=302_000,
        revenue=10_000_000,
    ),
]


@pytest.fixture(scope="module")
def run2022():
    return evaluate(load_scheme("zj-huangyan-2022"), "2022", firms(ROWS))


def item(res, key, i):
    return res.item_values(key, "score")[i]


def test_firm0_by_hand(run2022):
    r = run2022
    # 亩均税收 400万/20亩 = 20 万元/亩; 亩均增加值 3000/20 = 150; 单位能耗增加值 3000万/1000t = 3 万元/吨标煤;
    # 单位排放增加值 3000万/5t = 600 万元/吨; 劳产率 3000万/150人 = 20 万元/人; R&D 150/5000 = 0.03
    expected = (
        20 / 24.097 * 30
        + 150 / 136.16 * 20
        + 3 / 2.694 * 20
        + 600 / 4929.81 * 10
        + 20 / 18.14 * 10
        + 0.03 / 0.0302 * 10
    )
    assert r.score[0] == pytest.approx(expected, abs=1e-9)
    assert r.item_values("规上.tax_per_mu")[0] == pytest.approx(20.0)
    assert r.item_values("规上.va_per_energy")[0] == pytest.approx(3.0)
    assert r.item_values("规上.va_per_emission")[0] == pytest.approx(600.0)
    assert r.item_values("规上.rd_ratio")[0] == pytest.approx(0.03)
    assert item(r, "规上.tax_per_mu", 0) == pytest.approx(20 / 24.097 * 30, abs=1e-12)
    assert r.list_id[0] == "规上" and r.land_mu[0] == 20


def test_leased_land_and_pollutant_sum_by_hand(run2022):
    r = run2022
    # land = 5 − 1 + 2 = 6 亩; pollutants = 1.5 + 0.5 + 2.0 + 1.0 = 5 t; R&D 0 → 0 points
    assert r.land_mu[2] == 6
    expected = (
        90 / 6 / 24.097 * 30
        + 600 / 6 / 136.16 * 20
        + 600 / 2500 / 2.694 * 20
        + 600 / 5 / 4929.81 * 10
        + 600 / 60 / 18.14 * 10
        + 0 / 0.0302 * 10
    )
    assert r.score[2] == pytest.approx(expected, abs=1e-9)


def test_missing_emission_gets_average_emission_score(run2022):
    r = run2022
    # 规上 firms with emission data: 0, 2, 5; firm 1 has none → the mean of their emission scores
    e = [600 / 4929.81 * 10, 600 / 5 / 4929.81 * 10, (1361.6 / 0.01) / 4929.81 * 10]
    assert item(r, "规上.va_per_emission", 1) == pytest.approx(sum(e) / 3, abs=1e-9)
    assert math.isnan(r.item_values("规上.va_per_emission")[1])  # the value itself stays missing
    notes = r.block("规上.va_per_emission").notes()
    j = int(np.searchsorted(r.block("规上.va_per_emission").firm, 1))
    assert "规上无排放数据，按规上企业此项平均得分赋分" in notes[j]
    expected = (
        300 / 10 / 24.097 * 30
        + 1200 / 10 / 136.16 * 20
        + 1200 / 800 / 2.694 * 20
        + sum(e) / 3
        + 1200 / 100 / 18.14 * 10
        + 0.015 / 0.0302 * 10
    )
    assert r.score[1] == pytest.approx(expected, abs=1e-9)
    assert r.item_stats["规上.va_per_emission"]["mean_score"] == pytest.approx(sum(e) / 3)


def test_no_cap_reproduces_formula_for_extreme_values(run2022):
    r = run2022
    # firm 5 sits exactly on the benchmarks except emission: 1361.6万/0.01t = 136160 万元/吨
    assert item(r, "规上.tax_per_mu", 5) == pytest.approx(30.0, abs=1e-9)
    assert item(r, "规上.va_per_mu", 5) == pytest.approx(20.0, abs=1e-9)
    assert item(r, "规上.labour_productivity", 5) == pytest.approx(1361.6 / 75.0606 / 18.14 * 10, abs=1e-9)
    assert item(r, "规上.va_per_emission", 5) == pytest.approx(
        136160 / 4929.81 * 10, rel=1e-12
    )  # ≈ 276 points


def test_guixia_by_hand(run2022):
    r = run2022
    # 亩均税收 60万/8亩 = 7.5 万元/亩; 单位用电税收 60万元/300万千瓦时 = 0.2 元/千瓦时
    assert r.list_id[3] == "规下"
    assert r.score[3] == pytest.approx(7.5 / 11.5932 * 50 + 0.2 / 0.2352 * 50, abs=1e-9)
    assert r.item_values("规下.tax_per_kwh")[3] == pytest.approx(0.2)


def test_below_3_mu_is_t_with_reason(run2022):
    r = run2022
    assert not r.evaluated[4] and r.class_final[4] == "T" and r.list_id[4] is None
    assert "不足3亩" in r.t_reason[4] and math.isnan(r.score[4]) and r.rank[4] == 0


def test_2021_benchmarks_by_hand():
    r = evaluate(load_scheme("zj-huangyan-2021"), "2021", firms(ROWS))
    expected = (
        20 / 26.01 * 30
        + 150 / 132.27 * 20
        + 3 / 2.54 * 20
        + 600 / 4861.08 * 10
        + 20 / 17.45 * 10
        + 0.03 / 0.0305 * 10
    )
    assert r.score[0] == pytest.approx(expected, abs=1e-9)
    assert r.score[3] == pytest.approx(7.5 / 16.601058 * 50 + 0.2 / 0.236565 * 50, abs=1e-9)


def test_negative_tax_gives_negative_points_under_published_formula():
    rows = [dict(ROWS[3]), dict(ROWS[3], tax_paid=-200_000)]
    r = evaluate(load_scheme("zj-huangyan-2022"), "2022", firms(rows))
    # refund of 20万 on 8 亩 = −2.5 万元/亩 → −2.5/11.5932×50; −0.2万/300万kWh... = −0.0667 元/kWh
    want = -2.5 / 11.5932 * 50 + (-200_000 / 3_000_000) / 0.2352 * 50
    assert r.score[1] == pytest.approx(want, abs=1e-9) and r.score[1] < 0
    assert r.rank[1] == 2 and r.rank[0] == 1
