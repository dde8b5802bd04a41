"""Helpers for the zone tests: small hand-made schemes and data, and the demo zones as ZoneData."""

from __future__ import annotations

import functools

import numpy as np

from gaoxin import zone_fields as Z
from gaoxin.demo.zones import generate_zones
from gaoxin.evaluations.zones import ZoneData
from gaoxin.schemes import parse_scheme

# Two dimensions: d1 (60 points: rd_intensity ×1.2 → 36, invention_grants_per_10k ×0.8 → 24) and d2 (40 points:
# energy_per_va, cost-type). Fixed goalposts so every number can be worked out by hand.
HAND_SCHEME = """
[scheme]
id = "hand"
kind = "zone"
title = "手算示例"
status = "synthesis"

[method]
aggregation = "goalpost"
weighting = "points"
total = 100

[population]
peer = "none"

[[dimension]]
id = "d1"
title = "创新"
weight = 60

[[dimension.indicator]]
id = "rd_intensity"
multiplier = 1.2
worst = 0
best = 4

[[dimension.indicator]]
id = "invention_grants_per_10k"
multiplier = 0.8
worst = 0
best = 50

[[dimension]]
id = "d2"
title = "绿色"
weight = 40

[[dimension.indicator]]
id = "energy_per_va"
worst = 0.5
best = 0.1

[robustness]
draws = 500
normalizations = ["scheme"]
aggregations = ["scheme"]
neighbours = 1
top = 2
"""

HAND_IDS = ["rd_intensity", "invention_grants_per_10k", "energy_per_va"]


def hand_scheme(text: str = HAND_SCHEME):
    return parse_scheme(text, "hand")


def hand_data(rows: dict[str, list[float]], ids: list[str] = HAND_IDS, **attrs) -> ZoneData:
    names = list(rows)
    return ZoneData(
        np.array(names, dtype=object),
        np.array(names, dtype=object),
        np.array([rows[n] for n in names], dtype=float),
        ids,
        **attrs,
    )


@functools.lru_cache(maxsize=4)
def _zones(seed: int):
    return generate_zones(seed=seed)


def demo_data(year: int = 2025, seed: int | None = None) -> ZoneData:
    zs = _zones(seed) if seed is not None else _zones(20250601)
    a = zs.attrs
    ids = list(Z.IDS)
    df = zs.values[year]
    return ZoneData(
        a["zone_code"].to_numpy(),
        a["zone_name"].to_numpy(),
        df.select(ids).to_numpy().astype(float),
        ids,
        a["province"].to_numpy(),
        a["city"].to_numpy(),
        a["level"].to_numpy(),
        a["zone_type"].to_numpy(),
        a["is_home"].to_numpy(),
    )
