"""Zone benchmarking speed: ranking + 10 000-draw uncertainty for 178 zones (+ the demo zone) × 46 indicators.

    .venv/bin/python bench/zone_bench.py [--draws 10000] [--warmup 1] [--repeat 5] [--peer-repeat 2]

Data: the deterministic demo zones (`gaoxin.demo.zones`, 2025). For each built-in zone scheme it prints the
time of one ranking (scores, dimension ranks, top lists, 短板 diagnosis), of gaoxin's Monte Carlo rank intervals
(weight perturbation × the scheme's alternative normalisations / aggregations, batched in the engine) and their
sum against the goal (≤ 1 s), and a real peer's Monte Carlo of the same uncertainty: SALib's Latin-hypercube
sample of the weight multipliers (±perturbation) and of the discrete method choices, evaluated the way COINr's
`get_sensitivity` does it — the index regenerated once per draw (normalise, weight, aggregate, rank) — written
plainly with numpy/scipy, no gaoxin code. Before any time, the peer's ranks on its own sample are checked equal
to gaoxin's batch scorer fed the same sample (ranks exactly, scores to 1e-9). Each figure: ``--warmup`` runs not
counted, then the repetitions, min and median; the load average before and after; goals as ratios, ok/MISSED.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
from scipy.stats import rankdata

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


def timed(fn, warmup: int, repeat: int):
    """(warm-up seconds, counted seconds, last result)."""
    warm, times, out = [], [], None
    for k in range(warmup + repeat):
        t0 = time.perf_counter()
        out = fn()
        (warm if k < warmup else times).append(time.perf_counter() - t0)
    return warm, times, out


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs"


# ------------------------------------------------------------------------------------------------ the peer
# A SALib sample of the uncertain inputs (one weight multiplier per indicator in [1 − p, 1 + p], the
# normalisation and the aggregation as discrete choices), evaluated the way COINr's get_sensitivity does it: the
# index regenerated once per draw — normalise, weight, aggregate, rank — here in plain numpy/scipy, not gaoxin.
def salib_sample(n_ind: int, p: float, n_norm: int, n_agg: int, draws: int, seed: int):
    """(weight multipliers draws × n, normalisation index, aggregation index) from SALib's Latin hypercube."""
    from SALib.sample import latin

    problem = {
        "num_vars": n_ind + 2,
        "names": [f"w{j}" for j in range(n_ind)] + ["normalisation", "aggregation"],
        "bounds": [[1 - p, 1 + p]] * n_ind + [[0, n_norm], [0, n_agg]],
    }
    S = latin.sample(problem, draws, seed=seed)
    norm = np.minimum(S[:, n_ind].astype(int), n_norm - 1)
    agg = np.minimum(S[:, n_ind + 1].astype(int), n_agg - 1)
    return S[:, :n_ind], norm, agg


def plain_normalise(X, types, name: str, params: dict):
    if name == "goalposts":
        return np.clip((X - params["worst"]) / (params["best"] - params["worst"]), 0.0, 1.0)
    if name == "minmax":
        lo, hi = X.min(axis=0), X.max(axis=0)
        span = hi - lo
        Y = np.where(types > 0, X - lo, hi - X) / np.where(span == 0, 1.0, span)
        return np.where(span == 0, 0.5, Y)
    if name == "percentile":
        m = X.shape[0]
        R = np.column_stack([rankdata(X[:, j] * types[j], method="average") for j in range(X.shape[1])])
        P = (R - 1.0) / (m - 1)
        return np.where(X.max(axis=0) == X.min(axis=0), 0.5, P)
    if name == "vector":
        norm = np.sqrt((X * X).sum(axis=0))
        R = X / np.where(norm == 0, 1.0, norm)
        return np.where(types > 0, R, 1.0 - R)
    raise ValueError(f"the plain peer has no normalisation {name!r}")


def plain_aggregate(Y, w, agg: str):
    if agg == "arithmetic":
        return Y @ w
    if agg in ("topsis_hy", "topsis_cn"):
        wd = w * w if agg == "topsis_hy" else w
        dp = np.sqrt(((Y - Y.max(axis=0)) ** 2) @ wd)
        dm = np.sqrt(((Y - Y.min(axis=0)) ** 2) @ wd)
        den = dp + dm
        return np.where(den == 0, 0.5, dm / np.where(den == 0, 1.0, den))
    raise ValueError(f"the plain peer has no aggregation {agg!r}")


def peer_loop(result: Z.ZoneResult, draws: int, seed: int):
    """SALib sample + a COINr-style per-draw loop: (ranks draws × zones, scores, the sample)."""
    norms, aggs = Z._alternatives(result)
    X, t, w0 = result.X_filled, result.types, result.weights / result.weights.sum()
    U, norm, agg = salib_sample(
        w0.size, result.scheme.robustness.perturbation, len(norms), len(aggs), draws, seed
    )
    S = np.empty((draws, X.shape[0]))
    for d in range(draws):
        w = w0 * U[d]
        name, params = norms[norm[d]]
        S[d] = plain_aggregate(plain_normalise(X, t, name, params), w / w.sum(), aggs[agg[d]])
    R = np.vstack([rankdata(-s, method="min") for s in S])
    return R, S, (U, norm, agg)


def gaoxin_on_sample(result: Z.ZoneResult, sample):
    """gaoxin's batched scorer on the peer's own sample (for the equality check): (ranks, scores)."""
    from gaoxin.engine.robustness import UncertaintyModel  # internal: the batch scorer rank_intervals uses

    norms, aggs = Z._alternatives(result)
    U, norm, agg = sample
    w0 = result.weights / result.weights.sum()
    W = w0 * U
    W = W / W.sum(axis=1, keepdims=True)
    model = UncertaintyModel(result.X_filled, result.types, result.weights, tuple(norms), tuple(aggs))
    S = model.scores(np.zeros(len(norm), dtype=int), norm, agg, W)
    return engine.rank(S, ties="min"), S


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--peer-repeat", type=int, default=2)
    args = ap.parse_args()
    data = demo_data()
    print(
        f"zones × indicators: {len(data.zone_id)} × {len(data.indicators)}; draws {args.draws:,}; "
        f"{args.warmup} warm-up run(s), then {args.repeat} repetitions (peer: {args.peer_repeat})"
    )
    print(f"  before: {load()}")
    for sid in ("most-2021", "most-2013", "zone-entropy-topsis"):
        scheme = load_scheme(sid)

        def ranking(scheme=scheme):
            r = Z.evaluate(scheme, data, "2025")
            Z.top_lists(r)
            Z.diagnose(r, HOME)
            return r

        w_rank, t_rank, result = timed(ranking, args.warmup, args.repeat)
        # equality first: the peer's ranks on its own SALib sample against gaoxin's batch scorer on that sample
        R_peer, S_peer, sample = peer_loop(result, min(args.draws, 2000), seed=7)
        R_ours, S_ours = gaoxin_on_sample(result, sample)
        ds = float(np.max(np.abs(S_peer - S_ours) / np.maximum(1.0, np.abs(S_ours))))
        if ds > 1e-9 or not np.array_equal(R_peer, R_ours):
            raise SystemExit(f"{sid}: the peer differs from gaoxin (scores {ds:.1e}, ranks) — no times")
        w_unc, t_unc, (rob, res) = timed(
            lambda result=result: Z.robustness(result, HOME, draws=args.draws), args.warmup, args.repeat
        )
        assert rob["nominal_matches"]
        # the peer's warm-up is a 500-draw run (a full one takes tens of seconds); then full-size runs
        _wp, _t, _ = timed(lambda result=result: peer_loop(result, 500, seed=7), 0, max(args.warmup, 1))
        _w, t_peer, (R_full, _S, _) = timed(
            lambda result=result: peer_loop(result, args.draws, seed=7), 0, args.peer_repeat
        )
        med_rank, med_unc, med_peer = (statistics.median(x) for x in (t_rank, t_unc, t_peer))
        total = med_rank + med_unc
        _w, t_climb, answer = timed(
            lambda result=result: Z.climb(
                result,
                HOME,
                50
                if int(result.rank[result.position(HOME)]) > 50
                else max(1, int(result.rank[result.position(HOME)]) - 5),
            ),
            0,
            1,
        )
        home = result.position(HOME)
        lo_p, hi_p = np.quantile(R_full[:, home], (0.05, 0.95))
        print(
            f"{sid}: peer (SALib Latin hypercube + COINr-style per-draw loop) equal to gaoxin's batch scorer on "
            f"the same 2,000 draws (ranks exactly, scores within {ds:.1e})"
        )
        print(
            f"  ranking      warm-up {w_rank[0] * 1e3:.1f} ms, min {min(t_rank) * 1e3:.1f} ms, "
            f"median {med_rank * 1e3:.1f} ms"
        )
        print(
            f"  uncertainty  warm-up {w_unc[0]:.3f} s, min {min(t_unc):.3f} s, median {med_unc:.3f} s; "
            f"ranking + uncertainty {total:.3f} s = {total:.2f}× the 1 s goal {'ok' if total <= 1.0 else 'MISSED'}"
        )
        print(
            f"  peer         warm-up (500 draws) {_t[0]:.3f} s, min {min(t_peer):.3f} s, median {med_peer:.3f} s; "
            f"peer / gaoxin uncertainty = {med_peer / med_unc:.1f}× (goal ≥ 1×) "
            f"{'ok' if med_peer >= med_unc else 'MISSED'}"
        )
        rz = rob["zones"][[z["is_focus"] for z in rob["zones"]].index(True)]
        print(
            f"  home rank {rz['rank']}: 90 % interval gaoxin {rz['p05']:.0f}–{rz['p95']:.0f}, peer {lo_p:.0f}–"
            f"{hi_p:.0f} (different samples); P(top {rob['top']}) gaoxin {rob['p_top']:.1%}, peer "
            f"{(R_full[:, home] <= rob['top']).mean():.1%}; climb {t_climb[0]:.3f} s ({answer.method}, "
            f"{len(answer.changes)} indicators)"
        )
    print(f"  after:  {load()}")


if __name__ == "__main__":
    main()
