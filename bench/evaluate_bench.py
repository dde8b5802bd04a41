"""亩均 evaluation at scale: N synthetic firms in the store → a persisted run (results + per-item trace).

Reports, in one run, seconds and peak memory for gaoxin's `run_mujun` with the built-in `zj-huangyan-2022`
scheme, and the same scheme written plainly with pandas (row-wise apply, the way a county analyst's script
would be) over the same facts, as a ratio. The store is built by a child process, so the peak RSS reported
(high-water mark of this process, Python and libraries included) is the run's own: open the store, read the
facts, evaluate, persist results and trace. The process is set up as the `gaoxin` command sets itself up
(`gaoxin.runtime.keep_freed_memory`, glibc malloc reusing freed memory); the pandas baseline runs afterwards in the
same process, with the same setting.
Goal (issue #3): ≤ 3 s and ≤ 2 GiB for 1M firms on this machine; 10M reported too (--firms 10000000).

    .venv/bin/python bench/evaluate_bench.py [--firms 1000000] [--skip-pandas]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl

from gaoxin.evaluations.mujun import run_mujun
from gaoxin.runtime import keep_freed_memory
from gaoxin.store import connect, one, transaction
from gaoxin.store.imports import staged

FIELDS = [
    "tax_paid",
    "value_added",
    "energy_tce",
    "cod_t",
    "staff",
    "rd_expense",
    "revenue",
    "power_kwh",
    "land_own_mu",
    "above_scale",
]


def synth(n: int, seed: int = 11) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    above = rng.random(n) < 0.3
    land = np.round(rng.lognormal(2.5, 1.0, n), 2)
    revenue = np.where(above, rng.lognormal(17.5, 1.0, n), rng.lognormal(15.0, 1.0, n))
    va = revenue * rng.uniform(0.15, 0.35, n)
    cols = {
        "uscc": [f"91{i:016d}" for i in range(n)],
        "tax_paid": revenue * rng.uniform(0.01, 0.06, n),
        "value_added": np.where(above, va, np.nan),
        "energy_tce": np.where(above, revenue / 1e4 * rng.lognormal(-2, 0.7, n), np.nan),
        "cod_t": np.where(above & (rng.random(n) < 0.7), rng.lognormal(0, 1, n), np.nan),
        "staff": np.where(above, np.maximum(5, revenue / 8e5), np.nan).round(),
        "rd_expense": np.where(above, revenue * rng.uniform(0, 0.06, n), np.nan),
        "revenue": revenue,
        "power_kwh": revenue * rng.uniform(0.02, 0.2, n),
        "land_own_mu": land,
        "above_scale": above.astype(float),
    }
    return pl.DataFrame(cols)


def load_store(path: Path, firms: pl.DataFrame) -> None:
    con = connect(path)
    long = firms.unpivot(index="uscc", on=FIELDS, variable_name="indicator", value_name="value").filter(
        pl.col("value").is_not_nan()
    )
    with transaction(con):
        con.execute(
            "INSERT INTO import_batch VALUES (1, 'synthetic', 'x', 'stats', '2025', 's', ?, ?, 0, 0, "
            "'[]', '[]', ?)",
            [firms.height, firms.height, datetime(2026, 1, 1)],
        )
        with staged(con, "synth_facts", long):
            con.execute(
                "INSERT INTO fact SELECT uscc, '2025', indicator, value, '', 1, 's', 1, false FROM synth_facts"
            )
        with staged(con, "synth_firms", firms.select("uscc")):
            con.execute(
                "INSERT INTO enterprise (uscc, name, town, industry_code) "
                "SELECT uscc, '企业' || uscc, '镇' || (hash(uscc) % 7)::VARCHAR, '3973' FROM synth_firms"
            )
    con.close()


def pandas_plain(firms: pl.DataFrame) -> float:
    """黄岩 2022 written the plain way with pandas, as a baseline (no store writes, no trace)."""
    df = firms.to_pandas()
    t = time.perf_counter()
    g = df[df.above_scale == 1].copy()
    s = df[(df.above_scale != 1) & (df.land_own_mu >= 3)].copy()

    def row_score(r):
        land = r.land_own_mu
        emission_score = (r.value_added / r.cod_t / 1e4) / 4929.81 * 10 if r.cod_t == r.cod_t else None
        return (
            r.tax_paid / land / 1e4 / 24.097 * 30
            + r.value_added / land / 1e4 / 136.16 * 20
            + r.value_added / r.energy_tce / 1e4 / 2.694 * 20
            + (emission_score if emission_score is not None else float("nan"))
            + r.value_added / r.staff / 1e4 / 18.14 * 10
            + r.rd_expense / r.revenue / 0.0302 * 10
        )

    g["score"] = g.apply(row_score, axis=1)
    g["score"] = g["score"].fillna(g["score"].mean())
    s["score"] = s.apply(
        lambda r: r.tax_paid / r.land_own_mu / 1e4 / 11.5932 * 50 + r.tax_paid / r.power_kwh / 0.2352 * 50,
        axis=1,
    )
    for part in (g, s):
        pct = part["score"].rank(ascending=False, method="min", pct=True)
        part["class"] = np.select([pct <= 0.10, pct <= 0.45, pct <= 0.92], ["A", "B", "C"], "D")
    return time.perf_counter() - t


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=1_000_000)
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--build", type=Path, help=argparse.SUPPRESS)  # child process: build the store and exit
    args = ap.parse_args()
    keep_freed_memory()  # as the gaoxin command does at start
    if args.build:
        load_store(args.build, synth(args.firms))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--build", str(path), "--firms", str(args.firms)], check=True
        )
        print(f"store with {args.firms:,} firms built (child process) in {time.perf_counter() - t:.1f} s")
        rss0 = peak_rss_gib()
        t = time.perf_counter()
        con = connect(path)
        outcome = run_mujun(con, "zj-huangyan-2022", "2025")
        ours = time.perf_counter() - t
        rss = peak_rss_gib()
        items = one(con, "SELECT count(*) FROM run_trace WHERE run_id = ?", [outcome.run_id])[0]
        con.close()
        print(
            f"gaoxin run_mujun (open store → read facts → evaluate → persist {args.firms:,} results + {items:,} "
            f"trace rows): {ours:.2f} s; peak RSS {rss:.2f} GiB (interpreter and libraries: {rss0:.2f} GiB)"
        )
        print("  stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in outcome.seconds.items()))
        if not args.skip_pandas:
            base = pandas_plain(synth(args.firms))
            print(f"pandas row-wise scoring of the same scheme (no store, no trace): {base:.2f} s")
            print(f"ratio pandas/gaoxin = {base / ours:.1f}x")


if __name__ == "__main__":
    main()
