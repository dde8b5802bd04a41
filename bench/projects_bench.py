"""10k projects × 36 months of 调度: the 招商项目 board with its KPIs (what /projects and `gaoxin projects list`
read: desk.board — colours, 三未, KPIs by year / industry / owner, the 履约 shortfalls) from the project_board
projection (migration 11), and the day's first board that re-derives every row from the logs.

Floor: the same board recomputed from every project's whole log (book.board_from_logs — what the board did
before the projection: each project's log loaded and replayed, node plan and monthly colours derived),
measured in the same run on the same store.
Goals (issue 15): board and KPI queries p95 ≤ 150 ms; the yearly commitment check of 10k projects ≤ 2 s (the
firms' tax, revenue, value added, energy, R&D and land facts for 2023–2025 in the store).
Run: .venv/bin/python bench/projects_bench.py [--projects 10000] [--months 36]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from gaoxin.cases.calendar import calendar_in_force
from gaoxin.cases.desk import Scope
from gaoxin.cases.projects import book, desk
from gaoxin.store import connect
from gaoxin.web.routes.projects import PAGE_ROWS
from timing import load_average, measure

TODAY = date(2026, 1, 20)
# node events of a started project, days after signing (in log order); land and planning are skipped for one
# project in seven (late: 红); a third never reach 竣工 (late after ~16 months), and one in five reports 完成投资 short of plan in its first months
NODES = (("filing", 25), ("energy", 65), ("eia", 80), ("land", 80), ("planning", 110), ("permit", 140))
LATER = (("complete", 480, "i % 3 <> 0"), ("produce", 530, "i % 3 <> 0"))  # transitions after the 调度 months


def build(con, n: int, months: int) -> None:
    """One project entered through the code (its flow text stored; a valid credit code, as entering checks
    it), cloned n times in SQL with its events."""
    cal = calendar_in_force(con)
    tpl = book.enter_project(
        con, cal, actor="bench", role="analyst", at=datetime(2022, 9, 1, 10), title="模板项目",
        uscc="913300000000000004", firm_name="模板企业", town="云谷街道", industry="3811 电动机制造",
        owner="周明", investment_wan=20000, land_mu=100, intensity=200, tax_per_mu=30, full_year=2024,
        output_per_mu=300, energy_va=2.0, rd_share=3.0,
    )  # fmt: skip
    cols = [r[0] for r in con.execute("DESCRIBE case_file").fetchall()]
    pick = {
        "case_id": "printf('XM-B-%06d', i)",
        "opened_at": "TIMESTAMP '2022-10-10 10:00' + INTERVAL (i % 365) DAY",
        "town": "'town' || (i % 9)",
        "category": "'cat' || (i % 6)",
        "uscc": "printf('9133%014d', i)",
        "fields_json": 'replace(fields_json, \'"owner": "周明"\', \'"owner": "owner\' || (i % 8) || \'"\')',
    }
    sel = ", ".join(pick.get(c, c) for c in cols)
    con.execute(
        f"INSERT INTO case_file SELECT {sel} FROM case_file, range({n}) t(i) WHERE case_id = ?", [tpl]
    )
    base = "TIMESTAMP '2022-10-10 10:00' + INTERVAL (i % 365) DAY"
    ev = "case_id, seq, happened_at, actor, role, action, from_state, to_state, fields_json, note, attachments_json, recorded_at"  # noqa: E501
    con.execute(f"""INSERT INTO case_event ({ev})
        SELECT printf('XM-B-%06d', i), 1, {base}, 'bench', 'analyst', 'open', NULL, 'signed', '{{}}', '签约入库', '[]', now()
        FROM range({n}) t(i)""")  # fmt: skip
    for k, (node, days) in enumerate(NODES):
        skip = "WHERE i % 7 <> 3" if node in ("land", "planning") else ""
        con.execute(f"""INSERT INTO case_event ({ev})
            SELECT printf('XM-B-%06d', i), {k + 2}, {base} + INTERVAL {days} DAY, 'bench', 'analyst', 'node', 'signed',
                   'signed', '{{"node": "{node}"}}', '', '[]', now()
            FROM range({n}) t(i) {skip}""")  # fmt: skip
    start = len(NODES) + 2
    con.execute(f"""INSERT INTO case_event ({ev})
        SELECT printf('XM-B-%06d', i), {start}, {base} + INTERVAL 165 DAY, 'bench', 'analyst', 'start', 'signed',
               'started', '{{}}', '', '[]', now()
        FROM range({n}) t(i)""")  # fmt: skip
    con.execute(f"""INSERT INTO case_event ({ev})
        SELECT printf('XM-B-%06d', i), {start + 1} + m, {base} + INTERVAL 166 DAY + INTERVAL (m) HOUR, 'bench',
               'analyst', 'report', 'started', 'started',
               printf('{{"month": "%s", "plan_wan": 500.0, "done_wan": %s, "funds_wan": 450.0}}',
                      strftime({base} + INTERVAL (m) MONTH, '%Y-%m'),
                      CASE WHEN i % 5 = 0 AND m < 4 THEN '200.0' ELSE '500.0' END),
               '', '[]', now()
        FROM range({n}) t(i), range({months}) u(m)""")  # fmt: skip
    states = {"complete": ("started", "completed"), "produce": ("completed", "producing")}
    for k, (action, days, where) in enumerate(LATER):
        a, b = states[action]
        con.execute(f"""INSERT INTO case_event ({ev})
            SELECT printf('XM-B-%06d', i), {start + months + 1 + k}, {base} + INTERVAL {days} DAY, 'bench',
                   'analyst', '{action}', '{a}', '{b}', '{{}}', '', '[]', now()
            FROM range({n}) t(i) WHERE {where}""")  # fmt: skip
    con.execute("""INSERT INTO case_state (case_id, state, state_title, events, provisional, as_of, reopened)
        SELECT e.case_id, arg_max(e.to_state, e.seq), '', count(*), false, DATE '2026-01-20', 0
        FROM case_event e WHERE e.case_id LIKE 'XM-B-%' GROUP BY e.case_id""")
    facts(con, n)
    con.execute("DELETE FROM case_event WHERE case_id = ?", [tpl])
    con.execute("DELETE FROM case_state WHERE case_id = ?", [tpl])
    con.execute("DELETE FROM case_file WHERE case_id = ?", [tpl])


FACTS = (("tax_paid", "元", 2.6e6), ("revenue", "元", 2.6e8), ("value_added", "元", 6e7), ("energy_tce", "吨标准煤", 2.5e4),
         ("rd_expense", "元", 8e6), ("land_own_mu", "亩", 100.0))  # fmt: skip


def facts(con, n: int) -> None:
    """Each project's firm's facts for 2023–2025 in one batch (what the yearly commitment check reads)."""
    con.execute("""INSERT INTO import_batch (batch_id, file_name, sha256, source, rows, accepted, rejected, skipped,
                   imported_at) VALUES (1, 'bench.xlsx', 'bench', 'tax', 0, 0, 0, 0, now())""")  # fmt: skip
    for ind, unit, base in FACTS:
        con.execute(f"""INSERT INTO fact (uscc, period, indicator, value, unit, batch_id, sheet, row_no, superseded)
            SELECT printf('9133%014d', i), y::VARCHAR, '{ind}', {base} * (0.7 + (i * 7 + y) % 10 / 16.0), '{unit}', 1,
                   y::VARCHAR || '年', i + 2, false
            FROM range({n}) t(i), range(2023, 2026) u(y)""")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=10_000)
    ap.add_argument("--months", type=int, default=36)
    args = ap.parse_args()
    n, months = args.projects, args.months
    print(load_average())
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "projects.duckdb")
        t = time.perf_counter()
        build(con, n, months)
        events = con.execute("SELECT count(*) FROM case_event").fetchone()[0]
        print(
            f"built {n:,} projects / {events:,} events ({months} months of 调度 each) in {time.perf_counter() - t:.1f} s"
        )
        cal = calendar_in_force(con)
        admin, town = Scope("admin", None), Scope("town", None, "town3")
        t = time.perf_counter()
        refreshed = book.refresh_board(con, cal, TODAY)
        first = time.perf_counter() - t
        data = desk.board(con, cal, admin, TODAY)
        assert len(data["projects"]) == n and refreshed == n
        board = measure(lambda: desk.board(con, cal, admin, TODAY, limit=PAGE_ROWS), repeat=30)
        town_board = measure(lambda: desk.board(con, cal, town, TODAY, limit=PAGE_ROWS), repeat=30)
        red = measure(lambda: desk.board(con, cal, admin, TODAY, colour="红", limit=PAGE_ROWS), repeat=30)
        every = measure(lambda: desk.board(con, cal, admin, TODAY), repeat=10)
        t = time.perf_counter()
        floor = book.board_from_logs(con, cal, TODAY)
        floor_s = time.perf_counter() - t
        check = measure(lambda: book.check_projects(con, today=TODAY), repeat=5)
        checked = book.check_projects(con, today=TODAY)
        short = checked.filter(checked["status"] == "未达标").height
        same = {p["case_id"]: p["colour"] for p in floor} == {
            p["case_id"]: p["colour"] for p in data["projects"]
        }
        c = data["colours"]
        print(
            f"board + KPIs + 三未 (all {n:,} projects): p95 {board.p95 * 1e3:.0f} ms, {board.ms()} "
            f"(goal p95 ≤ 150 ms; the page's first {PAGE_ROWS} rows); 红 only: p95 {red.p95 * 1e3:.0f} ms; one town: "
            f"p95 {town_board.p95 * 1e3:.0f} ms; every row as --json lists them: p95 {every.p95 * 1e3:.0f} ms; "
            f"红 {c['红']} 黄 {c['黄']} 绿 {c['绿']}"
        )
        print(
            f"floor, recomputed from the logs: {floor_s:.1f} s ({floor_s / board.median:.0f}× the projection's median; "
            f"same colours: {same}); the day's first board re-derives every row: {first:.1f} s"
        )
        print(
            f"yearly commitment check, every project past 达产 ({checked.height:,} item-years, {short:,} short): "
            f"p95 {check.p95:.2f} s, {check.s()} (goal ≤ 2 s)"
        )
        con.close()
    print(load_average())


if __name__ == "__main__":
    main()
