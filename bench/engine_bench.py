"""Engine speed against pymcdm (and scikit-criteria when installed), plus the uncertainty-analysis budget.

    .venv/bin/python bench/engine_bench.py [--m 200000] [--n 30] [--repeat 3]

Prints seconds per method for gaoxin and each peer on the same m × n lognormal matrix (mixed benefit/cost),
the ratio peer/gaoxin (> 1 means gaoxin is faster; goals ≥ 1× everywhere and ≥ 10× for CRITIC) and the time
of a 10 000-draw uncertainty analysis on 180 units × 46 indicators (goal ≤ 1 s). Each figure is the best of
``--repeat`` runs (one run for the slow peers). Results are checked equal before they are timed.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from gaoxin.engine import critic_weights, entropy_weights, rank_intervals, topsis, vikor


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def peers(X, w, types):
    """name → {method: callable} for the installed peer libraries."""
    found = {}
    try:
        from pymcdm import normalizations as pn
        from pymcdm import weights as pw
        from pymcdm.methods import TOPSIS, VIKOR

        found["pymcdm"] = {
            "entropy": lambda: pw.entropy_weights(X),
            "CRITIC": lambda: pw.critic_weights(X),
            "TOPSIS": lambda: TOPSIS(normalization_function=pn.minmax_normalization)(X, w, types),
            "VIKOR": lambda: VIKOR()(X, w, types),
        }
    except ImportError:
        pass
    try:  # written against scikit-criteria 0.8+ docs; not installed here, so unverified
        import skcriteria as skc
        from skcriteria.preprocessing.scalers import MinMaxScaler
        from skcriteria.preprocessing.weighters import CRITIC, EntropyWeighter

        dm = skc.mkdm(X, np.where(types > 0, max, min), weights=w)
        found["scikit-criteria"] = {
            "entropy": lambda: EntropyWeighter().transform(dm).weights,
            "CRITIC": lambda: CRITIC().transform(MinMaxScaler(target="matrix").transform(dm)).weights,
        }
    except ImportError:
        pass
    return found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--m", type=int, default=200_000)
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--draws", type=int, default=10_000)
    args = ap.parse_args()

    rng = np.random.default_rng(2024)
    X = rng.lognormal(mean=rng.normal(0, 2, args.n), sigma=1.0, size=(args.m, args.n))
    types = np.where(rng.random(args.n) < 0.3, -1, 1)
    w = rng.dirichlet(np.ones(args.n))

    ours = {
        # the peers' definitions: raw-data entropy, CRITIC without cost flip, min-max TOPSIS (Hwang-Yoon)
        "entropy": lambda: entropy_weights(X, variant="raw"),
        "CRITIC": lambda: critic_weights(X, types, flip_cost=False),
        "TOPSIS": lambda: topsis(X, w, types, "hy", "minmax"),
        "VIKOR": lambda: vikor(X, w, types),
    }
    print(f"matrix {args.m} × {args.n}, best of {args.repeat} (peers: best of 1 when slower than 1 s)")
    times = {k: best_of(f, args.repeat) for k, f in ours.items()}
    header = f"{'method':<9}{'gaoxin s':>10}"
    found = peers(X, w, types)
    for name in found:
        header += f"{name + ' s':>18}{'ratio':>8}"
    print(header)
    for method, (t_ours, res) in times.items():
        line = f"{method:<9}{t_ours:>10.4f}"
        for lib in found.values():
            if method not in lib:
                line += f"{'—':>18}{'':>8}"
                continue
            try:
                t1, ref = best_of(lib[method], 1)
                if t1 < 1.0:
                    t1, ref = best_of(lib[method], args.repeat)
            except Exception as exc:  # a peer's API drift must not hide the other figures
                line += f"{'(' + type(exc).__name__ + ')':>18}{'':>8}"
                continue
            if not np.allclose(np.asarray(ref, dtype=float), res, rtol=1e-6, atol=1e-9):
                line += f"{'(differs)':>18}{'':>8}"
                continue
            line += f"{t1:>18.4f}{t1 / t_ours:>7.1f}×"
        print(line)
    if not found:
        print("(no peer library installed: pip install pymcdm)")

    Xz = rng.lognormal(size=(180, 46))
    tz = np.where(rng.random(46) < 0.2, -1, 1)
    wz = rng.dirichlet(np.full(46, 5.0))
    t_ua, res = best_of(
        lambda: rank_intervals(Xz, tz, wz, n_draws=args.draws, drop_one=True, seed=1), args.repeat
    )
    print(
        f"uncertainty analysis, {args.draws} draws, 180 × 46 (weights ±25 %, drop-one): {t_ua:.3f} s "
        f"(goal ≤ 1 s); mean rank shift R̄_S = {res.mean_rank_shift:.2f}"
    )
    mixed = dict(
        normalizations=(("minmax", {"lo": 1, "hi": 100}), ("efficacy", {})),
        aggregations=("arithmetic", "geometric", "topsis_cn", "vikor", "gra"),
    )
    t_mix, res = best_of(
        lambda: rank_intervals(Xz, tz, wz, n_draws=args.draws, drop_one=True, seed=1, **mixed), args.repeat
    )
    print(
        f"  with 2 normalisations × 5 aggregations as discrete choices: {t_mix:.3f} s; "
        f"R̄_S = {res.mean_rank_shift:.2f}"
    )


if __name__ == "__main__":
    main()
