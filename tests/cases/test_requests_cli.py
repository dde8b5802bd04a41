"""`gaoxin requests` from the command line: enter, move, show, list and the 三率 (--json contracts), with the
flow's refusals as one line naming the clause."""

from __future__ import annotations

import json
from datetime import date

from gaoxin.cases.calendar import calendar_in_force
from gaoxin.demo.requests import generate_requests
from gaoxin.store import cases as store_cases
from gaoxin.store import connect
from support import cli, valid_code


def test_a_request_from_entry_to_rating(tmp_path):
    db = str(tmp_path / "r.duckdb")
    code = valid_code(7)
    out = json.loads(
        cli(
            "requests",
            "add",
            "--title",
            "厂房用电增容",
            "--category",
            "水电气",
            "--uscc",
            code,
            "--at",
            "2025-09-26 10:00",
            "--json",
            "--db",
            db,
        ).output
    )
    case = out["case_id"]
    assert case == "SQ-2025-00001"
    steps = [
        ("dispatch", "analyst", ["-f", "department=供电公司"], "2025-09-26 11:00"),
        ("accept", "department", [], "2025-09-28 09:00"),
        ("request_info", "department", ["-f", "note=请补充用电申请表"], "2025-09-29 10:00"),
        ("info_received", "town", [], "2025-10-09 10:00"),
        ("answer", "department", ["-f", "answer=已完成增容"], "2025-10-10 16:00"),
        ("close", "department", [], "2025-10-10 17:00"),
        ("visit", "analyst", ["-f", "note=已回访"], "2025-10-11 10:00"),
        ("rate", "analyst", ["-f", "satisfaction=满意"], "2025-10-11 11:00"),
    ]
    for action, role, extra, at in steps:
        cli("requests", "move", case, action, "--role", role, *extra, "--at", at, "--db", db)
    view = json.loads(cli("requests", "show", case, "--json", "--db", db).output)
    assert view["state"] == "rated" and view["lead"] == "供电公司"
    assert view["case"]["uscc"] == code
    assert [t["title"] for t in view["timeline"]][-2:] == ["回访", "评价"]
    clocks = {c["deadline"]: c for c in view["clocks"]}
    # paused in (09-29, 10-09]: 09-30 and 10-09 are working days → 2 days off the clock
    assert clocks["resolve"]["status"] == "met" and clocks["resolve"]["paused_days"] == 2
    assert clocks["respond"]["status"] == "met"  # 09-28 is the 调休 Sunday: the first working day
    rates = json.loads(cli("requests", "stats", "--year", "2025", "--json", "--db", db).output)["rates"]
    assert rates[0]["response_rate"] == 1.0 and rates[0]["satisfaction_rate"] == 1.0


def test_refusals_are_one_line(tmp_path):
    db = str(tmp_path / "r.duckdb")
    cli(
        "requests", "add", "--title", "融资对接", "--category", "融资", "--at", "2025-09-26 10:00", "--db", db
    )
    out = cli("requests", "move", "SQ-2025-00001", "close", "--at", "2025-09-26 11:00", "--db", db, ok=False)
    assert out.exit_code == 1 and "transitions.close" in out.output and "Traceback" not in out.output
    bad = cli(
        "requests",
        "add",
        "--title",
        "x",
        "--category",
        "融资",
        "--uscc",
        "91340100MA2TEST00X",
        "--db",
        db,
        ok=False,
    )
    assert bad.exit_code == 1 and "校验不通过" in bad.output


def _demo_store(path):
    con = connect(path)
    con.execute(
        "INSERT INTO enterprise (uscc, name, town) VALUES (?, ?, ?)", [valid_code(1), "甲公司", "城东街道"]
    )
    ids = generate_requests(con, calendar_in_force(con), n=200, end=date(2026, 6, 30))
    return con, ids


def test_the_demo_year_is_deterministic_and_covers_every_path(tmp_path):
    a, ids_a = _demo_store(tmp_path / "a.duckdb")
    b, ids_b = _demo_store(tmp_path / "b.duckdb")
    try:
        assert ids_a == ids_b and len(ids_a) == 200
        rows_a = store_cases.case_events(a, ids_a[17])
        assert rows_a == store_cases.case_events(b, ids_b[17])
        actions = {e["action"] for c in ids_a for e in store_cases.case_events(a, c)}
        assert {"redispatch", "request_info", "extend_ask", "extend_decide", "reopen", "rate"} <= actions
        states = store_cases.case_list(a, {"domain": "request"})
        assert states.filter(states["closed_at"].is_null()).height > 0  # some still open at the end day
        assert states["escalation"].drop_nulls().len() > 0
    finally:
        a.close()
        b.close()
