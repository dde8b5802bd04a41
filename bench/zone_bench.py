"""Zone benchmarking speed: ranking + 10 000-draw uncertainty for 178 zones (+ the demo zone) × 46 indicators.

    .venv/bin/python bench/zone_bench.py [--draws 10000] [--repeat 5]

Data: the deterministic demo zones (`gaoxin.demo.zones`, 2025). For each built-in zone scheme it prints the
time of one ranking (scores, dimension ranks, top lists, 短板 diagnosis), of the Monte Carlo rank intervals
(weight perturbation × the scheme's alternative normalisations / aggregations, batched in the engine) and
their sum against the goal (≤ 1 s), then the baseline a per-draw loop would need (COINr regenerates the
index once per draw; here: one numpy draw at a time, extrapolated from 300 draws) and the ratio, and the
time of a `climb` answer. Each figure is the best of ``--repeat`` runs; the first (cold) run is shown too.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from gaoxin import engine
from gaoxin import zone_fields as ZF
from gaoxin.demo.zones import generate_zones
from gaoxin.evaluations import zones as Z
from gaoxin.schemes import load_scheme

HOME = "示范高新区"


def demo_data(year: int = 2025) -> Z.ZoneData:
    zs = generate_zones()
    a, ids = zs.attrs, list(ZF.IDS)
    return Z.ZoneData(
        a["zone_code"].to_numpy(),
        a["zone_name"].to_numpy(),
        zs.values[year].select(ids).to_numpy().astype(float),
        ids,
        a["province"].to_numpy(),
        a["city"].to_numpy(),
        a["level"].to_numpy(),
        a["zone_type"].to_numpy(),
        a["is_home"].to_numpy(),
    )


def timed(fn, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times[0], min(times), out


def per_draw_loop(result: Z.ZoneResult, draws: int, seed: int = 0) -> float:
    """Seconds for ``draws`` draws done one at a time (normalise, aggregate, rank per draw)."""
    norms, aggs = Z._alternatives(result)
    rng = np.random.default_rng(seed)
    X, t, w0 = result.X_filled, result.types, result.weights
    t0 = time.perf_counter()
    for _ in range(draws):
        w = w0 * (1 + rng.uniform(-0.25, 0.25, w0.size))
        name, params = norms[rng.integers(len(norms))]
        Y = engine.normalize(X, t, name, **params)
        agg = aggs[rng.integers(len(aggs))]
        s = (
            Y @ (w / w.sum())
            if agg == "arithmetic"
            else engine.topsis(Y, w, None, variant=agg[-2:], normalization="minmax")
        )
        engine.rank(s)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    data = demo_data()
    print(f"zones × indicators: {len(data.zone_id)} × {len(data.indicators)}; draws {args.draws:,}")
    print(
        f"{'scheme':<22}{'rank (ms)':>11}{'uncert. (s)':>13}{'total (s)':>11}{'cold (s)':>10}{'goal':>7}"
        f"{'loop (s)':>10}{'ratio':>8}{'climb (s)':>11}"
    )
    for sid in ("most-2021", "most-2013", "zone-entropy-topsis"):
        scheme = load_scheme(sid)

        def ranking(scheme=scheme):
            r = Z.evaluate(scheme, data, "2025")
            Z.top_lists(r)
            Z.diagnose(r, HOME)
            return r

        cold_r, t_rank, result = timed(ranking, args.repeat)
        cold_u, t_unc, (rob, _res) = timed(
            lambda result=result: Z.robustness(result, HOME, draws=args.draws), args.repeat
        )
        assert rob["nominal_matches"]
        loop = per_draw_loop(result, 300) * args.draws / 300
        total = t_rank + t_unc
        _c, t_climb, answer = timed(
            lambda result=result: Z.climb(
                result,
                HOME,
                50
                if int(result.rank[result.position(HOME)]) > 50
                else max(1, int(result.rank[result.position(HOME)]) - 5),
            ),
            1,
        )
        print(
            f"{sid:<22}{t_rank * 1e3:>11.1f}{t_unc:>13.3f}{total:>11.3f}{cold_r + cold_u:>10.3f}"
            f"{'ok' if total <= 1.0 else 'MISS':>7}{loop:>10.2f}{loop / t_unc:>7.0f}×{t_climb:>11.3f}"
        )
        print(
            f"{'':<22}home rank {rob['zones'][[z['is_focus'] for z in rob['zones']].index(True)]['rank']}, "
            f"P(top {rob['top']}) = {rob['p_top']:.1%}; climb: {answer.method}, {len(answer.changes)} indicators"
        )


if __name__ == "__main__":
    main()
