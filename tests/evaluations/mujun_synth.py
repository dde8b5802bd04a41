"""Made-up columnar period data for the 亩均 evaluation tests and the timing check (not a test module)."""

from __future__ import annotations

import numpy as np

from gaoxin.fields import numeric_fields

NUMERIC = [f.name for f in numeric_fields()]


def synth(n: int, seed: int = 0, above_share: float = 0.4) -> dict[str, np.ndarray]:
    """n firms with plausible magnitudes (元, 亩, 吨标煤, 千瓦时, 吨, 人) and a few NaNs."""
    rng = np.random.default_rng(seed)
    above = (rng.random(n) < above_share).astype(float)
    land = np.round(rng.lognormal(2.5, 0.8, n), 2)  # ~12 mu median
    tax = rng.lognormal(13.5, 1.2, n) * np.where(above == 1, 3.0, 1.0)  # 元
    va = tax * rng.uniform(3, 8, n)
    data: dict[str, np.ndarray] = {
        "uscc": np.array([f"91330000{i:010d}" for i in range(n)], dtype=object),
        "name": np.array([f"企业{i}" for i in range(n)], dtype=object),
        "town": np.array(["东城街道", "西城街道", "南城街道", "北城街道"], dtype=object)[
            rng.integers(0, 4, n)
        ],
        "industry_code": np.array(["3973", "3311", "2927", "4411", "1713", "3484"], dtype=object)[
            rng.integers(0, 6, n)
        ],
        "registered_on": (np.datetime64("2000-01-01") + rng.integers(0, 9000, n).astype("timedelta64[D]")),
    }
    for f in NUMERIC:
        data[f] = np.full(n, np.nan)
    data.update(
        above_scale=above,
        tax_paid=tax,
        value_added=np.where(above == 1, va, np.nan),
        revenue=va * rng.uniform(3, 5, n),
        rd_expense=va * rng.uniform(0, 0.1, n),
        energy_tce=np.where(above == 1, va / rng.uniform(1e4, 5e4, n), np.nan),
        staff=np.maximum(1, np.round(va / rng.uniform(1e5, 3e5, n))),
        power_kwh=tax / rng.uniform(0.1, 0.5, n),
        land_own_mu=land,
        emission_t=np.where((above == 1) & (rng.random(n) < 0.8), va / rng.uniform(2e7, 8e7, n), np.nan),
        safety_accident=(rng.random(n) < 0.01).astype(float),
        env_accident=(rng.random(n) < 0.01).astype(float),
        dishonest=(rng.random(n) < 0.005).astype(float),
        major_project=(rng.random(n) < 0.02).astype(float),
    )
    return data


def firms(rows: list[dict], period_fields=None) -> dict[str, np.ndarray]:
    """Columnar data from a few hand-written firms; absent numeric fields are NaN (missing)."""
    n = len(rows)
    out: dict[str, np.ndarray] = {
        "uscc": np.array([r.get("uscc", f"U{i:03d}") for i, r in enumerate(rows)], dtype=object),
        "name": np.array([r.get("name", f"企业{i}") for i, r in enumerate(rows)], dtype=object),
        "town": np.array([r.get("town", "东城街道") for r in rows], dtype=object),
        "industry_code": np.array([r.get("industry_code", "3973") for r in rows], dtype=object),
        "registered_on": np.array(
            [r.get("registered_on", "2010-01-01") or "NaT" for r in rows], dtype="datetime64[D]"
        ),
    }
    for f in NUMERIC:
        out[f] = np.array([float(r[f]) if r.get(f) is not None else np.nan for r in rows], dtype=float)
    assert all(out[k].shape == (n,) for k in out)
    return out


def ladder(n_above: int, n_below: int, seed: int = 0, **overrides) -> dict[str, np.ndarray]:
    """Made data whose totals are all distinct: n_above 规上 then n_below 规下 firms, 10 亩 each, old
    manufacturing firms; every ratio rises with the firm's position (shuffled so order means nothing)."""
    rng = np.random.default_rng(seed)
    rows = []
    for k, n in ((1, n_above), (0, n_below)):
        steps = rng.permutation(n) + 1.0
        for s in steps:
            rows.append(
                dict(
                    above_scale=k,
                    land_own_mu=10,
                    tax_paid=1e5 * s,
                    value_added=4e5 * s,
                    energy_tce=100,
                    emission_t=1,
                    staff=20,
                    rd_expense=1e3 * s,
                    revenue=2e6 * s,
                    power_kwh=1e6,
                    industry_code="3973",
                    registered_on="2010-06-01",
                    **overrides,
                )
            )
    return firms(rows)
