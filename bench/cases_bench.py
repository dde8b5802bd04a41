"""1M cases with 10M events: the 待办 inbox of one department and the monthly 三率 of all departments, read
as the web's /requests page and `gaoxin requests stats` read them: the inbox from `case_inbox` (the open cases'
list rows, kept with the projection: migration 10), the 三率 from the case_state projection. For comparison,
the inbox as `gaoxin requests list --open` reads it (case_file ⋈ case_state over every case).

Floor: the same answers computed straight from the append-only log (`case_event`: the latest event per case
by window function) in DuckDB — what a store without the projection would have to do on every page view.
Goals (issue 13): inbox p95 ≤ 100 ms, 三率 for all departments ≤ 1 s.
Run: .venv/bin/python bench/cases_bench.py [--cases 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from gaoxin.store import cases as store_cases
from gaoxin.store import connect
from timing import load_average, measure

UNITS = 40


def build(con, n: int) -> None:
    # synthetic but shaped like the demo: ~10 events a case, 40 lead units, a year of openings
    con.execute(f"""
        INSERT INTO case_file
        SELECT printf('SQ-2025-%07d', i), 'request', 'enterprise-request', 'x', NULL, NULL, 'town' || (i % 7),
               'title', 'cat' || (i % 7), '一般', NULL, '{{}}', TIMESTAMP '2025-01-01' + INTERVAL (i % 365) DAY
        FROM range({n}) t(i)""")
    con.execute(f"""
        INSERT INTO case_event
        SELECT printf('SQ-2025-%07d', i), k + 1, TIMESTAMP '2025-01-01' + INTERVAL (i % 365) DAY
               + INTERVAL (k * 7) HOUR, 'u', 'department', 'note', 's', 's', '{{}}', NULL, '[]', now()
        FROM range({n}) t(i), range(10) u(k)""")
    con.execute(f"""
        INSERT INTO case_state
        SELECT printf('SQ-2025-%07d', i), CASE WHEN i % 10 = 0 THEN 'handling' ELSE 'rated' END, '',
               'unit' || (i % {UNITS}), NULL, NULL,
               CASE WHEN i % 10 = 0 THEN DATE '2025-01-05' + INTERVAL (i % 380) DAY END, '办结',
               i % 37 = 0, (i % 30) - 10, NULL, CASE WHEN i % 9 = 0 THEN 'met_late' ELSE 'met' END,
               CASE WHEN i % 11 = 0 THEN 'met_late' ELSE 'met' END,
               CASE WHEN i % 13 = 0 THEN '不满意' ELSE '满意' END,
               CASE WHEN i % 10 = 0 THEN NULL ELSE TIMESTAMP '2025-02-01' END, 0, 10, false, DATE '2025-12-31'
        FROM range({n}) t(i)""")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=1_000_000)
    n = ap.parse_args().cases
    print(load_average())
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "cases.duckdb")
        t = time.perf_counter()
        build(con, n)
        open_rows = store_cases.rebuild_inbox(
            con
        )  # what every append keeps current; the bulk load bypassed it
        print(
            f"built {n:,} cases / {10 * n:,} events ({open_rows:,} in the inbox) in {time.perf_counter() - t:.1f} s"
        )
        units = [f"unit{k}" for k in range(UNITS)]
        k = iter(range(10**9))
        inbox = measure(
            lambda: store_cases.inbox(con, {"domain": "request", "unit": units[next(k) % UNITS]}, limit=50),
            repeat=100,
        )
        joined = measure(
            lambda: store_cases.case_list(
                con, {"domain": "request", "lead": units[next(k) % UNITS]}, open_only=True, limit=50
            ),
            repeat=30,
        )
        rates = measure(lambda: store_cases.monthly_rates(con, "request", 2025), repeat=10)
        floor_inbox = measure(
            lambda: con.execute("""
            SELECT * FROM (SELECT case_id, to_state, row_number() OVER (PARTITION BY case_id ORDER BY seq DESC) r
                           FROM case_event) WHERE r = 1 AND to_state <> 'rated' LIMIT 50""").fetchall(),
            repeat=5,
        )
        print(
            f"inbox (one unit, open, 50 rows): p95 {inbox.p95 * 1e3:.1f} ms, {inbox.ms()} "
            f"(goal p95 ≤ 100 ms; page count included)"
        )
        print(f"  over case_file ⋈ case_state: p95 {joined.p95 * 1e3:.1f} ms, {joined.ms()}")
        print(f"  floor from the log: {floor_inbox.ms()}")
        print(f"三率, all units by month: p95 {rates.p95:.3f} s, {rates.s()} (goal ≤ 1 s)")
        con.close()
    print(load_average())


if __name__ == "__main__":
    main()
