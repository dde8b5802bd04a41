"""Every gap the core reports is exact: applying it makes the condition hold, one step less does not.

Checked on random firms for every built-in scheme, every condition and every lever, by re-evaluating the
whole scheme with the changed data (the lever's fields of the data year moved by gap × coefficient).
"""

from __future__ import annotations

import numpy as np
import pytest

from gaoxin.evaluations import cultivation as core
from gaoxin.schemes import load_scheme

SCHEMES = ["hnte-2016", "tsme-2022", "innovative-sme-2022", "srdi-sme-2022", "little-giant-2022"]
N = 400


def random_years(seed: int, n: int = N, years: int = 3) -> list[dict]:
    r = np.random.default_rng(seed)
    rev = np.round(np.exp(r.normal(np.log(3e7), 1.2, n)) / 100) * 100
    out = []
    for y in range(years):
        g = (1 + r.normal(0.1, 0.15, n)) ** -y
        revenue = np.round(rev * g / 100) * 100
        staff = np.maximum(5, np.round(revenue / 4e5))
        rd = np.round(revenue * r.uniform(0.0, 0.09, n) / 100) * 100
        d = {
            "uscc": np.array([f"R{i:04d}" for i in range(n)], dtype=object),
            "industry_code": np.array(["3973"] * n, dtype=object),
            "registered_on": np.full(n, np.datetime64("2012-05-01")),
            "revenue": revenue,
            "rd_expense": rd,
            "rd_domestic": np.round(rd * r.uniform(0.4, 1.0, n) / 100) * 100,
            "total_staff": staff,
            "staff": staff,
            "tech_staff": np.round(staff * r.uniform(0.02, 0.4, n)),
            "rd_staff": np.round(staff * r.uniform(0.0, 0.3, n)),
            "ht_income": np.round(revenue * r.uniform(0.2, 0.9, n) / 100) * 100,
            "total_income": revenue,
            "net_assets": np.round(revenue * r.uniform(0.3, 1.0, n) / 100) * 100,
            "total_assets": np.round(revenue * 1.5 / 100) * 100,
            "total_cost": np.round(revenue * 0.9 / 100) * 100,
            "main_revenue_share": np.round(r.uniform(0.5, 1.0, n), 3),
            "debt_ratio": np.round(r.uniform(0.2, 0.8, n), 3),
            "net_margin": np.round(r.normal(0.05, 0.05, n), 3),
            "market_share": np.round(r.uniform(0.0, 0.2, n), 3),
            "ip1_count": r.poisson(1.0, n).astype(float),
            "ip2_count": r.poisson(3.0, n).astype(float),
            "conversions_avg": np.round(r.poisson(6, n) / 3, 2),
            "niche_years": np.round(r.uniform(0, 12, n), 1),
            "rd_institution_level": r.integers(0, 5, n).astype(float),
            "product_field": r.integers(0, 4, n).astype(float),
            "hnte_domain": np.where(r.random(n) < 0.9, 10.0, 0.0),
            "digital_level": r.integers(1, 5, n).astype(float),
            "equity_financing": np.where(
                r.random(n) < 0.2, np.round(r.uniform(1e6, 5e7, n) / 100) * 100, 0.0
            ),
        }
        d["ip1_self"] = np.floor(d["ip1_count"] * 0.8)
        d["ip1_high_value"] = np.floor(d["ip1_count"] * 0.3)
        d["ip2_self"] = np.floor(d["ip2_count"] * 0.8)
        for f in (
            "rd_accounts",
            "industry_univ_coop",
            "conversion_incentive",
            "talent_incentive",
            "standard_participated",
            "quality_cert",
            "own_brand",
            "info_system",
            "quality_award",
        ):
            d[f] = (r.random(n) < 0.5).astype(float)
        for f in ("safety_accident", "env_accident", "dishonest"):
            d[f] = np.zeros(n)
        out.append(d)
    return out


@pytest.mark.parametrize("sid", SCHEMES)
def test_gaps_are_exact_to_one_step(sid):
    scheme = load_scheme(sid)
    years = random_years(7 + SCHEMES.index(sid), years=scheme.scheme.years)
    res = core.evaluate(scheme, "2025", years)
    checked = 0
    for k, gl in res.gaps.items():
        for g in gl:
            idx = np.flatnonzero(np.isfinite(g.steps))
            if idx.size == 0:
                continue
            for extra, should_hold in ((0, True), (-1, False)):
                moved = [dict(d) for d in years]
                amount = (g.steps[idx] + extra) * g.lever.step
                for f, coef in g.lever.add.items():
                    col = moved[0][f].copy()
                    col[idx] += coef * amount
                    moved[0][f] = col
                again = core.evaluate(scheme, "2025", moved)
                st = again.final_state[idx, k]
                holds = (st == core.PASS) | (st == core.EXPERT)
                assert holds.all() if should_hold else not holds.any(), (
                    sid,
                    scheme.conditions[k].id,
                    g.lever.id,
                )
            checked += idx.size
    assert checked > 0 or sid == "little-giant-2022"


def test_gap_quantity_is_the_firms_own_total():
    scheme = load_scheme("hnte-2016")
    res = core.evaluate(scheme, "2025", random_years(3))
    g = res.gap("rd_ratio", "rd")
    ok = np.isfinite(g.steps)
    assert ok.any()
    # 研发费用 3 年合计 after the gap = before + the gap (the lever adds to the data year)
    assert np.allclose(g.q1[ok] - g.q0[ok], g.steps[ok] * 1e4)
