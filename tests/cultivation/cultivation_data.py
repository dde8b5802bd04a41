"""Hand-built firms for the cultivation tests: one dict per firm, values in canonical units (元, 人, ratios).

A scalar is the data year's value; a tuple gives (data year, year before, two years before). Money is written
as `wan(…)` so the numbers read like the rule texts (万元).
"""

from __future__ import annotations

import numpy as np

from gaoxin.evaluations import cultivation as core
from gaoxin.schemes import load_scheme

PERIOD = "2025"


def wan(x: float) -> float:
    return x * 1e4


def yi(x: float) -> float:
    return x * 1e8


def build(firms: list[dict], n_years: int = 3) -> list[dict]:
    n = len(firms)
    keys = sorted({k for f in firms for k in f} - {"uscc", "registered_on", "industry_code"})
    years = []
    for y in range(n_years):
        d: dict = {
            "uscc": np.array([f.get("uscc", f"F{i:03d}") for i, f in enumerate(firms)], dtype=object),
            "industry_code": np.array([f.get("industry_code", "3973") for f in firms], dtype=object),
            "registered_on": np.array(
                [f.get("registered_on", "2010-03-01") for f in firms], dtype="datetime64[D]"
            ),
        }
        for k in keys:
            col = np.full(n, np.nan)
            for i, f in enumerate(firms):
                v = f.get(k)
                if isinstance(v, tuple):
                    v = v[y] if y < len(v) else None
                elif y > 0:
                    v = None
                col[i] = np.nan if v is None else float(v)
            d[k] = col
        years.append(d)
    return years


def run(scheme_id_or_scheme, firms: list[dict], period: str = PERIOD) -> core.CultivationResult:
    scheme = load_scheme(scheme_id_or_scheme) if isinstance(scheme_id_or_scheme, str) else scheme_id_or_scheme
    return core.evaluate(scheme, period, build(firms, scheme.scheme.years))


def state(result: core.CultivationResult, cond_id: str) -> list[str]:
    k = result.cond_index(cond_id)
    return [core.STATE_CODES[int(s)] for s in result.final_state[:, k]]


def note(result: core.CultivationResult, cond_id: str, i: int = 0) -> str:
    return core.condition_notes(result, result.cond_index(cond_id))[i]


def with_(base: dict, **changes) -> dict:
    out = dict(base)
    out.update(changes)
    return out


CLEAN = {"safety_accident": (0, 0, 0), "env_accident": (0, 0, 0), "dishonest": (0, 0, 0)}

# A firm meeting every HNTE condition; its innovation score is exactly 77–96 (hand-worked in test_hnte).
HNTE_OK = {
    "revenue": (wan(4000), wan(3400), wan(3000)),
    "rd_expense": (wan(250), wan(200), wan(150)),
    "rd_domestic": (wan(250), wan(200), wan(150)),
    "tech_staff": 20,
    "total_staff": 100,
    "ht_income": wan(3000),
    "total_income": wan(4000),
    "ip1_count": 2,
    "ip1_self": 2,
    "ip2_count": 5,
    "ip2_self": 5,
    "hnte_domain": 10,
    "conversions_avg": 5,
    "standard_participated": 1,
    "rd_accounts": 1,
    "rd_institution_level": 2,
    "industry_univ_coop": 1,
    "conversion_incentive": 1,
    "talent_incentive": 1,
    "net_assets": (wan(1690), wan(1300), wan(1000)),
    **CLEAN,
}
