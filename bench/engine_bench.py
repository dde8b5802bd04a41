"""Engine speed against pymcdm and scikit-criteria, plus the uncertainty-analysis budget.

    .venv/bin/python bench/engine_bench.py [--m 200000] [--n 30] [--warmup 1] [--repeat 5]

One m × n lognormal matrix (mixed benefit/cost). For each method where a peer computes the same thing, gaoxin's
result is checked equal to the peer's to 1e-9 (max |a − b| ≤ 1e-9 · max(1, |a|)) before anything is timed, with
gaoxin's variant chosen to match the peer's definition:

* entropy — raw-data entropy (both peers);
* CRITIC — pymcdm min-max normalises every column the same way (``flip_cost=False``); scikit-criteria scales
  by the distance to the cenit, i.e. flips cost columns (``flip_cost=True``);
* TOPSIS — pymcdm with min-max normalisation; scikit-criteria as its pipeline ``VectorScaler → TOPSIS``
  (gaoxin ``"vector"``) — both the Hwang–Yoon closeness;
* VIKOR — Q with v = 0.5 (both peers).

scikit-criteria's decision matrix (``mkdm``) is built once, outside the timings. Each figure: ``--warmup`` runs
not counted, then ``--repeat`` runs (one only for a peer whose warm-up took over 2 s), min and median; ratio =
peer median / gaoxin median (> 1: gaoxin faster). Goals: ≥ 1× against every peer and ≥ 10× for CRITIC; the
10 000-draw uncertainty analysis on 180 × 46 ≤ 1 s. The load average is printed before and after.
Peers: ``pip install -e '.[bench]'`` (pymcdm, scikit-criteria).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings

import numpy as np

from gaoxin.engine import critic_weights, entropy_weights, rank_intervals, topsis, vikor


def measure(fn, warmup: int, repeat: int, slow: float = 2.0) -> tuple[list[float], list[float], object]:
    """(warm-up seconds, counted seconds, last result); a call slower than `slow` s is counted once."""
    warm, out = [], None
    for _ in range(warmup):
        t0 = time.perf_counter()
        out = fn()
        warm.append(time.perf_counter() - t0)
    n = 1 if warm and max(warm) > slow else repeat
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return warm, times, out


def same(a, b, tol: float = 1e-9) -> float | None:
    """Max scaled difference when within `tol`, None when the results differ."""
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    if a.shape != b.shape:
        return None
    d = float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(a)))) if a.size else 0.0
    return d if d <= tol else None


def cases(X, w, types):
    """method → [(peer, peer call, gaoxin call of the same definition)] for the installed peers."""
    out: dict[str, list] = {"entropy": [], "CRITIC": [], "TOPSIS": [], "VIKOR": []}
    ours = {
        "entropy": lambda: entropy_weights(X, variant="raw"),
        "CRITIC_noflip": lambda: critic_weights(X, types, flip_cost=False),
        "CRITIC_flip": lambda: critic_weights(X, types, flip_cost=True),
        "TOPSIS_minmax": lambda: topsis(X, w, types, "hy", "minmax"),
        "TOPSIS_vector": lambda: topsis(X, w, types, "hy", "vector"),
        "VIKOR": lambda: vikor(X, w, types),
    }
    try:
        from pymcdm import normalizations as pn
        from pymcdm import weights as pw
        from pymcdm.methods import TOPSIS, VIKOR

        out["entropy"].append(("pymcdm", lambda: pw.entropy_weights(X), "entropy"))
        out["CRITIC"].append(("pymcdm", lambda: pw.critic_weights(X), "CRITIC_noflip"))
        topsis_p = TOPSIS(normalization_function=pn.minmax_normalization)
        out["TOPSIS"].append(("pymcdm", lambda: topsis_p(X, w, types), "TOPSIS_minmax"))
        out["VIKOR"].append(("pymcdm", lambda: VIKOR()(X, w, types), "VIKOR"))
    except ImportError:
        print("(pymcdm not installed: pip install -e '.[bench]')")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import skcriteria as skc
            from skcriteria.agg.topsis import TOPSIS as SkTOPSIS
            from skcriteria.agg.vikor import VIKOR as SkVIKOR
            from skcriteria.pipelines import mkpipe
            from skcriteria.preprocessing.scalers import VectorScaler
            from skcriteria.preprocessing.weighters import CRITIC, EntropyWeighter

        dm = skc.mkdm(X, np.where(types > 0, max, min), weights=w)
        pipe = mkpipe(VectorScaler(target="matrix"), SkTOPSIS())
        sk = "scikit-criteria"
        out["entropy"].append((sk, lambda: EntropyWeighter().transform(dm).weights.to_numpy(), "entropy"))
        out["CRITIC"].append((sk, lambda: CRITIC().transform(dm).weights.to_numpy(), "CRITIC_flip"))
        out["TOPSIS"].append((sk, lambda: pipe.evaluate(dm).e_.similarity, "TOPSIS_vector"))
        out["VIKOR"].append((sk, lambda: SkVIKOR().evaluate(dm).e_.q_k, "VIKOR"))
    except ImportError:
        print("(scikit-criteria not installed: pip install -e '.[bench]')")
    return out, ours


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs"


def fmt(times: list[float]) -> str:
    return ", ".join(f"{t:.3f}" for t in times) or "—"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--m", type=int, default=200_000)
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--draws", type=int, default=10_000)
    args = ap.parse_args()

    rng = np.random.default_rng(2024)
    X = rng.lognormal(mean=rng.normal(0, 2, args.n), sigma=1.0, size=(args.m, args.n))
    types = np.where(rng.random(args.n) < 0.3, -1, 1)
    w = rng.dirichlet(np.ones(args.n))
    table, ours = cases(X, w, types)

    # equality first: every peer against gaoxin's matching variant, before any time is taken
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method, rows in table.items():
            for peer, call, variant in rows:
                d = same(ours[variant](), call())
                if d is None:
                    raise SystemExit(
                        f"{method}: {peer} differs from gaoxin ({variant}) beyond 1e-9 — no times"
                    )
                print(f"{method:<8} {peer:<16} equal to gaoxin ({variant}) within {d:.1e}")

    print(f"matrix {args.m:,} × {args.n}; {args.warmup} warm-up run(s), then {args.repeat} repetitions")
    print(f"  before: {load()}")
    timed = {v: measure(f, args.warmup, args.repeat) for v, f in ours.items()}
    print(
        f"{'method':<8}{'peer':<17}{'gaoxin min/med s':>18}{'peer min/med s':>18}{'peer warm-up s':>16}"
        f"{'ratio':>8}{'goal':>6}  verdict"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method, rows in table.items():
            for peer, call, variant in rows:
                gw, gt, _ = timed[variant]
                pw_, pt, _ = measure(call, args.warmup, args.repeat)
                ratio = statistics.median(pt) / statistics.median(gt)
                goal = 10.0 if method == "CRITIC" else 1.0
                print(
                    f"{method:<8}{peer:<17}{min(gt):>9.4f}/{statistics.median(gt):<8.4f}"
                    f"{min(pt):>9.4f}/{statistics.median(pt):<8.4f}{fmt(pw_):>16}{ratio:>7.1f}×{goal:>5.0f}×  "
                    f"{'ok' if ratio >= goal else 'MISSED'}"
                )
    print("  gaoxin warm-up s: " + "; ".join(f"{v} {fmt(timed[v][0])}" for v in ours))

    Xz = rng.lognormal(size=(180, 46))
    tz = np.where(rng.random(46) < 0.2, -1, 1)
    wz = rng.dirichlet(np.full(46, 5.0))
    warm, t_ua, res = measure(
        lambda: rank_intervals(Xz, tz, wz, n_draws=args.draws, drop_one=True, seed=1),
        args.warmup,
        args.repeat,
    )
    med = statistics.median(t_ua)
    print(
        f"uncertainty analysis, {args.draws} draws, 180 × 46 (weights ±25 %, drop-one): warm-up {fmt(warm)} s, "
        f"min {min(t_ua):.3f} s, median {med:.3f} s = {med / 1.0:.2f}× the 1 s goal "
        f"{'ok' if med <= 1.0 else 'MISSED'}; mean rank shift R̄_S = {res.mean_rank_shift:.2f}"
    )
    mixed = dict(
        normalizations=(("minmax", {"lo": 1, "hi": 100}), ("efficacy", {})),
        aggregations=("arithmetic", "geometric", "topsis_cn", "vikor", "gra"),
    )
    warm, t_mix, res = measure(
        lambda: rank_intervals(Xz, tz, wz, n_draws=args.draws, drop_one=True, seed=1, **mixed),
        args.warmup,
        args.repeat,
    )
    med = statistics.median(t_mix)
    print(
        f"  with 2 normalisations × 5 aggregations as discrete choices: warm-up {fmt(warm)} s, min "
        f"{min(t_mix):.3f} s, median {med:.3f} s = {med:.2f}× the 1 s goal {'ok' if med <= 1.0 else 'MISSED'}; "
        f"R̄_S = {res.mean_rank_shift:.2f}"
    )
    print(f"  after:  {load()}")


if __name__ == "__main__":
    main()
