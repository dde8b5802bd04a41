"""Clocks derived from an event log equal a timeline worked by hand on the 2025 calendar (国办发明电〔2024〕12号:
国庆 10-01…10-08 off, Sunday 09-28 and Saturday 10-11 working), with a pause and an extension."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from gaoxin.flows import Event, FlowError, check, derive, load_flow, replay
from gaoxin.workdays import calendar

FLOW = load_flow("enterprise-request")[0]
CAL = calendar()


def ev(day: str, action: str, role: str = "analyst", hour: int = 10, **fields) -> Event:
    return Event(datetime.fromisoformat(f"{day}T{hour:02d}:00"), "u", role, action, fields)


# Opened on Friday 2025-09-26. Working days after it: 09-28 (Sun, 调休) 1, 09-29 2, 09-30 3, [10-01…10-08 off],
# 10-09 4, 10-10 5, 10-11 (Sat, 调休) 6, 10-13 7 … 10-23 15.
BASE = [
    ev("2025-09-26", "open"),
    ev("2025-09-26", "dispatch", department="自然资源局", hour=11),
    ev("2025-09-29", "accept", role="department"),
]


def clock(view, did):
    return next(c for c in view.clocks if c.deadline == did)


def test_respond_missed_because_the_make_up_sunday_counts():
    view = derive(FLOW, BASE, CAL, datetime(2025, 9, 29, 12))
    c = clock(view, "respond")
    assert (c.due, c.status) == (date(2025, 9, 28), "met_late")
    assert [e[0] for e in c.escalations] == []  # respond has no escalation steps
    assert view.state == "handling" and view.lead == "自然资源局"


def test_resolve_without_pause_is_due_the_fifteenth_working_day():
    c = clock(derive(FLOW, BASE, CAL, datetime(2025, 10, 9)), "resolve")
    assert (c.due, c.used, c.left, c.status) == (date(2025, 10, 23), 4, 11, "running")


PAUSED = [
    *BASE,
    ev("2025-10-10", "request_info", role="department", note="请补充不动产权证"),
    ev("2025-10-14", "info_received", role="department"),
]


def test_a_pause_moves_the_due_day_by_the_working_days_it_took():
    # paused working days in (10-10, 10-14]: 10-11 (Sat, 调休), 10-13, 10-14 = 3 → 10-23 + 3 = 10-28
    c = clock(derive(FLOW, PAUSED, CAL, datetime(2025, 10, 15)), "resolve")
    assert (c.due, c.paused_days, c.used, c.left) == (date(2025, 10, 28), 3, 6, 9)


def test_while_paused_the_clock_is_frozen():
    c = clock(derive(FLOW, PAUSED[:-1], CAL, datetime(2025, 10, 13, 9)), "resolve")
    assert c.status == "paused" and c.used == 5 and c.left == 10


def test_a_pause_asked_on_the_due_day_still_stops_the_clock():
    # reply (3 working days) is due 09-30; the department asks for documents that afternoon, they come on 10-10:
    # the day itself was used, the paused working days (09-30, 10-10] are 10-09 and 10-10 → due 10-10
    log = [
        *BASE,
        ev("2025-09-30", "request_info", role="department", hour=15, note="请补充材料"),
        ev("2025-10-10", "info_received", role="department"),
    ]
    answered = [*log, ev("2025-10-10", "answer", role="department", hour=16, answer="已答复")]
    c = clock(derive(FLOW, answered, CAL, datetime(2025, 10, 11)), "reply")
    assert (c.due, c.paused_days, c.status) == (date(2025, 10, 10), 2, "met")


EXTENDED = [
    *PAUSED,
    ev("2025-10-20", "extend_ask", role="department", deadline="resolve", reason="需跨部门会商"),
    ev("2025-10-21", "extend_decide", role="analyst", deadline="resolve", approved="同意"),
]


def test_an_approved_extension_counts_thirty_working_days_from_the_same_start():
    # 30 − 5 used before the pause = 25 after 10-14: 10-15…10-17 (3), 10-20…24 (8), 10-27…31 (13),
    # 11-03…07 (18), 11-10…14 (23), 11-17, 11-18 (25)
    c = clock(derive(FLOW, EXTENDED, CAL, datetime(2025, 10, 22)), "resolve")
    assert (c.due, c.budget, c.extended) == (date(2025, 11, 18), 30, True)


def test_closed_on_the_due_day_is_on_time_and_late_the_day_after_escalates():
    done = [*EXTENDED, ev("2025-11-17", "answer", role="department", answer="已协调")]
    on_time = clock(
        derive(FLOW, [*done, ev("2025-11-18", "close", role="department")], CAL, datetime(2025, 11, 20)),
        "resolve",
    )
    assert (on_time.status, on_time.used, on_time.left, on_time.escalations) == ("met", 30, 0, ())
    late = clock(
        derive(FLOW, [*done, ev("2025-11-19", "close", role="department")], CAL, datetime(2025, 11, 20)),
        "resolve",
    )
    assert late.status == "met_late" and [e[:2] for e in late.escalations] == [("cuiban", "催办")]


def test_escalation_fires_on_the_right_working_day():
    # due 11-18; 催办 the next working day (11-19), 督办 3 (11-21), 通报 6 working days after (11-26)
    view = derive(FLOW, EXTENDED, CAL, datetime(2025, 11, 25))
    c = clock(view, "resolve")
    assert c.status == "overdue" and c.left == -5
    assert [(e[0], e[2]) for e in c.escalations] == [
        ("cuiban", date(2025, 11, 19)),
        ("duban", date(2025, 11, 21)),
    ]
    later = clock(derive(FLOW, EXTENDED, CAL, datetime(2025, 11, 26)), "resolve")
    assert later.escalations[-1][0] == "tongbao" and later.escalations[-1][2] == date(2025, 11, 26)
    assert derive(FLOW, EXTENDED, CAL, datetime(2025, 11, 26)).escalation == "通报"


def test_reopen_restarts_the_reply_and_resolve_clocks():
    closed = [
        *PAUSED,
        ev("2025-10-15", "answer", role="department", answer="已答复"),
        ev("2025-10-16", "close", role="department"),
        ev("2025-10-17", "visit", note="企业表示未解决"),
        ev("2025-10-17", "rate", hour=11, satisfaction="不满意"),
        ev("2025-10-20", "reopen", hour=9, reason="企业不满意"),
    ]
    view = derive(FLOW, closed, CAL, datetime(2025, 10, 21))
    assert view.state == "handling" and view.reopened == 1
    c = clock(view, "resolve")
    assert (c.start, c.due, c.status) == (date(2025, 10, 20), date(2025, 11, 10), "running")
    assert clock(view, "callback").status == "not_started"


def test_extension_must_be_asked_before_the_deadline():
    r = replay(FLOW, PAUSED)
    late = ev("2025-10-29", "extend_ask", role="department", deadline="resolve", reason="晚了")
    with pytest.raises(FlowError, match="已超期"):
        check(FLOW, r, late, CAL)
    check(FLOW, r, ev("2025-10-28", "extend_ask", role="department", deadline="resolve", reason="按时"), CAL)


def test_provisional_when_the_due_day_is_in_an_unannounced_year():
    far = [ev("2031-12-20", "open")]
    c = clock(derive(FLOW, far, CAL, datetime(2031, 12, 22)), "resolve")
    assert c.provisional is True
    assert clock(derive(FLOW, BASE, CAL, datetime(2025, 10, 9)), "resolve").provisional is False
