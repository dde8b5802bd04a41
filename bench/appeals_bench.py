"""The 定级 final list of a large run: the run's rows with the approved decisions laid over them
(cases.appeals.decisions.final_list), against its floor — reading the run's rows alone
(store.runs.run_results, which the final list must do anyway). Goal: the overlay costs at most 50% on top of
the read (ratio ≤ 1.5), with 1% of the firms carrying decisions.
Run: .venv/bin/python bench/appeals_bench.py [--firms 200000]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from gaoxin.cases.appeals.decisions import final_list
from gaoxin.store import connect
from gaoxin.store import runs as store_runs
from timing import load_average, measure


def build(con, n: int) -> str:
    run_id = "bench-run"
    con.execute(f"""
        INSERT INTO enterprise (uscc, name, town)
        SELECT printf('U%017d', i), 'firm ' || i, 'town' || (i % 9) FROM range({n}) t(i)""")
    con.execute(f"""
        INSERT INTO run_result (run_id, uscc, list_id, score, rank, class_initial, class_final, firm)
        SELECT '{run_id}', printf('U%017d', i), '规上', 100 - i / {n}, i + 1, 'B', ['A','B','C','D'][1 + i % 4], i
        FROM range({n}) t(i)""")
    k = max(n // 100, 1)
    con.execute(f"""
        INSERT INTO mujun_decision
        SELECT i + 1, '{run_id}', printf('U%017d', i * 97 % {n}), 'adjust', 'B', 'C', '数据更正', NULL, NULL, NULL,
               NULL, 'a', now() FROM range({k}) t(i)""")
    con.execute(f"""
        INSERT INTO mujun_decision_review
        SELECT i + 1, 1, CASE WHEN i % 3 = 0 THEN '退回' ELSE '通过' END, 'b', now(), NULL FROM range({k}) t(i)""")
    return run_id


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=200_000)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "b.duckdb")
        run_id = build(con, a.firms)
        print(load_average())
        floor = measure(lambda: store_runs.run_results(con, run_id))
        final = measure(lambda: final_list(con, run_id))
        print(f"firms {a.firms:,}: run rows (floor) {floor.ms()}; final list {final.ms()}")
        print(f"ratio of the medians {final.median / floor.median:.2f} (goal ≤ 1.5); {load_average()}")


if __name__ == "__main__":
    main()
