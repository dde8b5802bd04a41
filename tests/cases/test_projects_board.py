"""The board's projection (project_board, migration 11) against the recomputation from every project's log:
the same colours, overdue nodes, 调度 totals and 三未 inputs on the demo for several days; a row follows its
project's events and the day."""

from __future__ import annotations

from datetime import date

import pytest

from gaoxin.cases.calendar import calendar_in_force
from gaoxin.cases.projects import book
from gaoxin.demo.projects import generate_projects
from gaoxin.store import connect

KEYS = ("state", "colour", "overdue_nodes", "landed", "planned_start", "planned_complete", "last_done_month",
        "signed", "owner", "full_year")  # fmt: skip
MONEY = ("done_wan", "funds_wan", "plan_wan", "investment_wan", "counted_wan")


@pytest.fixture(scope="module")
def store(demo_store, tmp_path_factory):
    db = demo_store.copy(tmp_path_factory.mktemp("board") / "b.duckdb")
    con = connect(db)
    generate_projects(con, calendar_in_force(con), date(2025, 11, 20))
    yield con
    con.close()


@pytest.mark.parametrize("day", [date(2024, 6, 28), date(2025, 3, 3), date(2025, 11, 20)])
def test_the_projection_is_the_recomputation_from_the_logs(store, day):
    cal = calendar_in_force(store)
    floor = {p["case_id"]: p for p in book.board_from_logs(store, cal, day)}
    projected = {p["case_id"]: p for p in book.board(store, cal, day)}
    assert projected.keys() == floor.keys() and len(floor) > 40
    for cid, p in projected.items():
        f = floor[cid]
        assert {k: p[k] for k in KEYS} == {k: f[k] for k in KEYS}, cid
        assert {k: p[k] for k in MONEY} == pytest.approx({k: f[k] for k in MONEY}), cid
    assert {"红", "黄", "绿"} <= {p["colour"] for p in projected.values()}


def test_a_row_follows_its_events_and_the_day(store):
    cal = calendar_in_force(store)
    day = date(2025, 11, 20)
    book.board(store, cal, day)
    assert book.refresh_board(store, cal, day) == 0  # fresh: nothing to re-derive
    p = next(x for x in book.board(store, cal, day) if x["state"] == "started" and x["colour"] == "绿")
    book.progress(
        store, cal, p["case_id"], actor="t", role="analyst", month="2025-11", plan_wan=1e5, done_wan=0
    )
    assert book.refresh_board(store, cal, day) == 1  # only the project with a new event
    after = next(x for x in book.board(store, cal, day) if x["case_id"] == p["case_id"])
    assert after["colour"] == "红" and after["plan_wan"] == pytest.approx(p["plan_wan"] + 1e5)
    n = len(book.board(store, cal, date(2025, 11, 21)))
    assert book.refresh_board(store, cal, date(2025, 11, 21)) == 0 and n > 40  # the new day re-derived all


def test_the_stored_commitment_check_is_the_check_and_is_reworked_when_a_log_grows(store):
    from gaoxin.cases.desk import Scope
    from gaoxin.cases.projects import desk
    from gaoxin.store import projects as store_projects

    cal, day = calendar_in_force(store), date(2025, 11, 20)
    board = desk.board(store, cal, Scope("admin", None), day)
    worked = book.check_projects(store, today=day)
    short = worked.filter(worked["status"] == "未达标").sort("case_id", "year", "item")
    assert board["shortfalls"] == short.to_dicts() and short.height > 0
    before = store_projects.stored_check_fingerprint(store)
    # 完成投资 that lifts a short 投资强度 to its commitment: the next board re-works the check
    s = next(x for x in board["shortfalls"] if x["item"] == "intensity")
    land = next(p for p in board["projects"] if p["case_id"] == s["case_id"])["land_mu"]
    book.progress(
        store, cal, s["case_id"], actor="t", role="analyst", month="2025-10", done_wan=s["short"] * land + 1
    )
    again = desk.board(store, cal, Scope("admin", None), day)
    assert store_projects.stored_check_fingerprint(store) != before
    assert not [x for x in again["shortfalls"] if x["case_id"] == s["case_id"] and x["item"] == "intensity"]
