"""The case ledger on a real store: a case opened and moved through its flow keeps every event, its state and
clocks are derived from the log, and the projection the inbox and the 三率 read follows each event."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from gaoxin.cases.ledger import CaseError, open_case, record, refresh, show
from gaoxin.store import cases as store
from gaoxin.store import connect
from gaoxin.workdays import calendar

CAL = calendar()


@pytest.fixture
def con(tmp_path):
    c = connect(tmp_path / "cases.duckdb")
    yield c
    c.close()


def opened(con, day="2025-09-26", **header) -> str:
    return open_case(
        con,
        domain="request",
        prefix="SQ",
        flow_ref="enterprise-request",
        cal=CAL,
        actor="王敏",
        role="analyst",
        header={"title": "厂房用电增容", "category": "水电气", "town": "城东街道", **header},
        fields={"category": "水电气", "urgency": "一般"},
        at=datetime.fromisoformat(f"{day}T10:00"),
    )


def step(con, case_id, day, action, role="analyst", hour=10, **fields):
    return record(
        con,
        case_id,
        cal=CAL,
        actor="u",
        role=role,
        action=action,
        fields=fields,
        at=datetime.fromisoformat(f"{day}T{hour:02d}:00"),
    )


def test_numbers_are_per_year_and_the_log_is_kept_whole(con):
    a, b = opened(con), opened(con)
    assert (a, b) == ("SQ-2025-00001", "SQ-2025-00002")
    step(con, a, "2025-09-26", "dispatch", hour=11, department="供电公司")
    step(con, a, "2025-09-29", "accept", role="department")
    events = store.case_events(con, a)
    assert [(e["seq"], e["action"], e["from_state"], e["to_state"]) for e in events] == [
        (1, "open", None, "received"),
        (2, "dispatch", "received", "dispatched"),
        (3, "accept", "dispatched", "handling"),
    ]


def test_projection_follows_the_log(con):
    a = opened(con)
    step(con, a, "2025-09-26", "dispatch", hour=11, department="供电公司")
    step(con, a, "2025-09-29", "accept", role="department")
    s = store.case_state(con, a)
    assert (s["state"], s["lead"], s["respond_status"]) == ("handling", "供电公司", "met_late")
    assert s["due"] == date(2025, 9, 30) and s["due_deadline"] == "答复"  # reply: 3 working days after 09-26


def test_a_refused_step_leaves_nothing_behind(con):
    a = opened(con)
    with pytest.raises(Exception, match="只能在「办理中」时进行"):
        step(con, a, "2025-09-26", "answer", role="department", answer="x")
    with pytest.raises(CaseError, match="早于上一条记录"):
        step(con, a, "2025-09-25", "dispatch", department="税务局")
    assert len(store.case_events(con, a)) == 1
    with pytest.raises(CaseError, match="没有编号为 SQ-2025-09999 的案件"):
        step(con, "SQ-2025-09999", "2025-09-26", "dispatch", department="税务局")


def test_two_writers_on_the_same_case_conflict(con):
    a = opened(con)
    row = {"at": datetime(2025, 9, 26, 11), "actor": "x", "role": "analyst", "action": "note"}
    store.append_event(con, a, 1, row)
    with pytest.raises(store.CaseConflict, match="已有新的办理记录"):
        store.append_event(con, a, 1, row)


def test_show_gives_titles_clocks_and_next_steps(con):
    a = opened(con)
    step(con, a, "2025-09-26", "dispatch", hour=11, department="供电公司")
    view = show(con, a, CAL, datetime(2025, 10, 9))
    assert view["state_title"] == "已派单"
    assert [t["title"] for t in view["timeline"]] == ["受理登记", "派单"]
    assert [n["title"] for n in view["next"]] == ["改派", "申请退单", "签收办理", "撤回"]
    resolve = next(c for c in view["clocks"] if c["deadline"] == "resolve")
    assert resolve["due"] == date(2025, 10, 23)


def test_refresh_moves_the_clocks_and_rates_count_per_unit_and_month(con):
    a, b = opened(con), opened(con)
    for c in (a, b):
        step(con, c, "2025-09-26", "dispatch", hour=11, department="供电公司")
    step(con, a, "2025-09-28", "accept", role="department")
    step(con, a, "2025-09-29", "answer", role="department", answer="已增容")
    step(con, a, "2025-09-30", "close", role="department")
    step(con, a, "2025-10-09", "visit", note="已回访")
    step(con, a, "2025-10-09", "rate", hour=11, satisfaction="满意")
    assert refresh(con, "request", CAL, datetime(2025, 10, 23)) == 1  # only b is open
    sb = store.case_state(con, b)
    assert sb["overdue"] and sb["escalation"] is None  # respond missed (no steps); resolve due today, 10-23
    refresh(con, "request", CAL, datetime(2025, 10, 24))
    assert store.case_state(con, b)["escalation"] == "催办"  # the working day after the due day
    rates = store.monthly_rates(con, "request", 2025).to_dicts()
    assert rates == [
        {
            "lead": "供电公司",
            "month": "2025-09",
            "cases": 2,
            "responded": 1,
            "responded_in_time": 1,
            "closed": 1,
            "closed_in_time": 1,
            "rated": 1,
            "satisfied": 1,
            "overdue": 1,
        }
    ]
    inbox = store.case_list(con, {"lead": "供电公司"}, open_only=True)
    assert inbox["case_id"].to_list() == [b]


def test_clocks_are_re_derived_once_a_day_closed_cases_awaiting_a_call_back_included(con):
    from gaoxin.cases.ledger import refresh_if_stale

    a, b = opened(con), opened(con)
    for c in (a, b):
        step(con, c, "2025-09-26", "dispatch", hour=11, department="供电公司")
        step(con, c, "2025-09-28", "accept", role="department")
    step(con, a, "2025-09-29", "answer", role="department", answer="已增容")
    step(con, a, "2025-09-30", "close", role="department")  # closed: the 回访 (1 working day) is due 10-09
    assert refresh_if_stale(con, "request", CAL, datetime(2025, 10, 9, 8)) == 2  # both clocks still run
    assert not store.case_state(con, a)["overdue"]
    assert refresh_if_stale(con, "request", CAL, datetime(2025, 10, 9, 18)) is None  # fresh for today
    assert refresh_if_stale(con, "request", CAL, datetime(2025, 10, 10, 8)) == 2  # a new day
    assert store.case_state(con, a)["overdue"]  # nobody called the firm back on 10-09
