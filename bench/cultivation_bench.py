"""Enterprise cultivation at scale: N synthetic firms × 3 years in the store → the five built-in schemes.

Reports per scheme the seconds of the pure core (`cultivation.evaluate`: conditions, points, gaps by bisection for
every failing firm) and of the whole `run_cultivation` (read three years of facts → evaluate → persist results and
the per-condition / per-item trace), with the number of trace rows.

    .venv/bin/python bench/cultivation_bench.py [--firms 100000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl

from timing import load_average, measure

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "cultivation"))
from test_cultivation_gaps import random_years  # noqa: E402  (the same synthetic firms the gap tests use)

from gaoxin.evaluations import cultivation as core  # noqa: E402
from gaoxin.evaluations.cultivation import BUILTIN, evaluate_stored, load, run_cultivation  # noqa: E402
from gaoxin.schemes.model import FIELD_NAMES  # noqa: E402
from gaoxin.store import connect, one, transaction  # noqa: E402
from gaoxin.store.imports import staged  # noqa: E402

try:
    from gaoxin.store.keys import fill_missing
except ImportError:  # code from before the integer firm keys (a before/after comparison)

    def fill_missing(con) -> None:
        return None


YEARS = ("2025", "2024", "2023")


def load_store(path: Path, years: list[dict]) -> None:
    con = connect(path)
    n = years[0]["uscc"].shape[0]
    with transaction(con):
        con.execute(
            "INSERT INTO import_batch VALUES (1, 'synthetic', 'x', 'sci', '2023,2024,2025', 's', ?, ?, 0, 0, "
            "'[]', '[]', ?)",
            [n, n, datetime(2026, 1, 1)],
        )
        for period, d in zip(YEARS, years, strict=True):
            frame = pl.DataFrame(
                {"uscc": d["uscc"].tolist(), **{k: v for k, v in d.items() if k in FIELD_NAMES}}
            )
            long = frame.unpivot(index="uscc", variable_name="indicator", value_name="value").filter(
                pl.col("value").is_not_nan()
            )
            with staged(con, "synth_facts", long):
                con.execute(
                    "INSERT INTO fact (uscc, period, indicator, value, unit, batch_id, sheet, row_no) "
                    f"SELECT uscc, '{period}', indicator, value, '', 1, 's', 1 FROM synth_facts"
                )
        with staged(con, "synth_firms", pl.DataFrame({"uscc": years[0]["uscc"].tolist()})):
            con.execute(
                "INSERT INTO enterprise (uscc, name, town, industry_code, registered_on) "
                "SELECT uscc, '企业' || uscc, '镇' || (hash(uscc) % 7)::VARCHAR, '3973', DATE '2012-05-01' "
                "FROM synth_firms"
            )
        fill_missing(con)  # the firms' numbers and their facts' (store.keys), as an import sets them
    con.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=100_000)
    args = ap.parse_args()
    print(load_average())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        t = time.perf_counter()
        years = random_years(11, n=args.firms)
        load_store(path, years)
        print(f"store with {args.firms:,} firms × 3 years built in {time.perf_counter() - t:.1f} s")
        con = connect(path)
        total = 0.0
        for sid in BUILTIN:
            scheme = load(sid)[0]
            data = [{k: v for k, v in d.items()} for d in years]
            pure = measure(lambda: core.evaluate(scheme, "2025", data), repeat=3)  # noqa: B023 (called here)
            res = pure.last
            t = time.perf_counter()  # once: a second call finds the stored run
            out = run_cultivation(con, sid, "2025")
            whole = time.perf_counter() - t
            total += whole
            rows = one(con, "SELECT count(*) FROM run_item WHERE run_id = ?", [out.run_id])[0]
            gaps = sum(int(np.isfinite(g.steps).sum()) for gl in res.gaps.values() for g in gl)
            print(
                f"{sid:22s} core {pure.s()} ({gaps:,} gaps found) · run_cultivation {whole:5.2f} s, one run "
                f"({rows:,} trace rows) · {dict((k, v) for k, v in res.counts().items() if v)}"
            )
        t = time.perf_counter()
        evaluate_stored(con, load("hnte-2016")[0], "2025")
        print(f"reading 3 years from the store + core (hnte-2016): {time.perf_counter() - t:.2f} s")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(f"all five schemes: {total:.1f} s; peak RSS {rss:.2f} GiB; {load_average()}")


if __name__ == "__main__":
    main()
