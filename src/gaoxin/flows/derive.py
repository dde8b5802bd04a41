"""A case's state and clocks, derived from its append-only event log and its flow (pure: no I/O).

The log is the truth; nothing here is stored back. ``check`` decides whether a new event is allowed (and
says which clause forbids it), ``replay`` walks the log to the state, the lead unit and the pauses, and
``clocks`` turns every deadline of the flow into a due day, the working days used and left, and the
escalation steps reached — all in working days of the calendar in force (``gaoxin.workdays``).

Clock conventions (those of 政务服务): the day a clock starts is not counted; a pause stops the clock from
the day after it began to the day it ended (working days in (pause start, pause end] do not count); a
deadline is met on the day the case first reaches one of its ``met_by`` states. A deadline in working
hours (urgent cases) runs from the moment the clock starts and is not stopped by pauses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

import numpy as np

from .loader import FlowError
from .model import Deadline, Flow

# events that are not state transitions
OPEN, NOTE, ATTACH, ASSIGN, INVOLVE, EXTEND_ASK, EXTEND_DECIDE, NODE, REPORT = (
    "open",
    "note",
    "attach",
    "assign",
    "involve",
    "extend_ask",
    "extend_decide",
    "node",  # a node of the flow's node plan completed (fields: node, done_on)
    "report",  # a periodic report of figures (fields: month, …), e.g. a project's monthly 调度
)
ACTION_TITLES = {
    OPEN: "受理登记",
    NOTE: "备注",
    ATTACH: "附件",
    ASSIGN: "指定经办人",
    INVOLVE: "协办单位",
    EXTEND_ASK: "申请延期",
    EXTEND_DECIDE: "延期审批",
    NODE: "完成节点",
    REPORT: "月度调度",
}
YES = {"是", "同意", "通过", "yes", "true", "1", True}


class Calendar(Protocol):  # what gaoxin.workdays.Calendar offers
    def count(self, d1: Any, d2: Any) -> np.ndarray: ...
    def add(self, d: Any, n: Any) -> np.ndarray: ...
    def add_hours(self, t: Any, hours: Any) -> np.ndarray: ...
    def provisional(self, d1: Any, d2: Any = None) -> np.ndarray: ...


@dataclass(frozen=True)
class Event:
    at: datetime
    actor: str
    role: str
    action: str
    fields: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    attachments: tuple[str, ...] = ()  # sha256 of each file


@dataclass
class Replay:
    state: str
    entered: list[tuple[datetime, str]]  # every state entry, in order (the opening included)
    lead: str | None = None  # 首接负责 unit
    co_units: list[str] = field(default_factory=list)  # units the lead involved (协办)
    handler: str | None = None
    reopened: list[datetime] = field(default_factory=list)
    asked: dict[str, list[datetime]] = field(default_factory=dict)  # deadline → extension requests
    extended: dict[str, datetime] = field(default_factory=dict)  # deadline → approval time
    pending: set[str] = field(default_factory=set)  # deadlines with an undecided extension request
    nodes: dict[str, date] = field(default_factory=dict)  # node plan: node → the day it was completed


@dataclass(frozen=True)
class Clock:
    deadline: str
    title: str
    clause: str
    status: str  # not_started | running | paused | met | met_late | overdue
    start: date | None
    due: date | None  # None while not started
    due_at: datetime | None  # deadlines in hours
    budget: int | None  # working days allowed (after an approved extension)
    used: int | None  # working days used, pauses excluded
    left: int | None  # working days left (negative: overdue by)
    paused_days: int
    extended: bool
    escalations: tuple[tuple[str, str, date], ...]  # (level, title, day reached)
    provisional: bool  # the due day lies in a year whose holidays are not yet announced

    @property
    def overdue(self) -> bool:
        return self.status in ("overdue", "met_late")


def _day(t: datetime) -> np.datetime64:
    return np.datetime64(t.date(), "D")


def _scalar(a) -> Any:
    return np.asarray(a).item()


def _refuse(clause: str, message: str) -> FlowError:
    return FlowError("", [(clause, message)])


def check(
    flow: Flow, replay: Replay | None, event: Event, cal: Calendar | None = None
) -> tuple[str | None, str | None]:
    """(from state, to state) of a new event, or FlowError naming the clause that forbids it. With a
    calendar it also checks timing rules (an extension asked before its deadline)."""
    if replay is None:
        if event.action != OPEN:
            raise _refuse("flow.start", "案件的第一条记录必须是受理登记（open）")
        _check_fields(flow, "open", [], event)
        return None, flow.flow.start
    if event.action == OPEN:
        raise _refuse("flow.start", "案件已受理，不能重复受理")
    here = replay.state
    t = flow.transition(event.action)
    if t is None:
        _check_side_action(flow, replay, event)
        if cal is not None and event.action == EXTEND_ASK:
            _check_asked_in_time(flow, replay, event, cal)
        return here, here
    if here not in t.from_:
        allowed = "、".join(flow.state(s).title for s in t.from_)
        raise _refuse(
            f"transitions.{t.id}",
            f"「{t.title}」只能在「{allowed}」时进行，当前状态为「{flow.state(here).title}」",
        )
    if event.role not in t.roles:
        who = "、".join(flow.roles[r] for r in t.roles)
        raise _refuse(f"transitions.{t.id}.roles", f"「{t.title}」只能由{who}办理")
    _check_fields(flow, t.id, t.requires, event)
    if t.sets_lead and replay.lead and event.fields.get("department") != replay.lead:
        raise _refuse(
            f"transitions.{t.id}",
            f"首接负责：牵头单位已是「{replay.lead}」，更换牵头单位须由调度中心改派并说明理由",
        )
    return here, t.to


def _check_fields(flow: Flow, clause: str, required: list[str], event: Event) -> None:
    missing = [f for f in required if str(event.fields.get(f) or "").strip() == ""]
    if missing:
        names = "、".join(flow.fields.get(f, f) for f in missing)
        raise _refuse(f"transitions.{clause}.requires", f"缺少必填项：{names}")
    for f, options in flow.choices.items():
        v = event.fields.get(f)
        if v is not None and str(v) not in options:
            raise _refuse(f"choices.{f}", f"{flow.fields.get(f, f)}只能是 {' / '.join(options)}，收到「{v}」")


def _check_side_action(flow: Flow, replay: Replay, event: Event) -> None:
    a = event.action
    if a not in ACTION_TITLES or a == OPEN:
        known = "、".join([t.id for t in flow.transitions] + list(ACTION_TITLES))
        raise _refuse("transitions", f"流程 {flow.flow.id} 没有操作「{a}」（可用：{known}）")
    if flow.state(replay.state).terminal and a not in (NOTE, ATTACH):
        raise _refuse(f"states.{replay.state}", f"案件已{flow.state(replay.state).title}，只能添加备注或附件")
    if a == ATTACH and not event.attachments:
        raise _refuse("attachments", "附件记录须带文件")
    if a in (ASSIGN, INVOLVE):
        key = "handler" if a == ASSIGN else "department"
        if not str(event.fields.get(key) or "").strip():
            raise _refuse(a, f"缺少必填项：{flow.fields.get(key, key)}")
        if replay.lead is None:
            raise _refuse(a, "尚未派单，没有牵头单位")
    if a in (EXTEND_ASK, EXTEND_DECIDE):
        _check_extension(flow, replay, event)
    if a == NODE:
        _check_node(flow, replay, event)
    if a == REPORT and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(event.fields.get("month") or "")):
        raise _refuse("report.month", f"调度月份应为 YYYY-MM，收到「{event.fields.get('month')}」")


def node_day(event: Event) -> date:
    """The day a node event says the node was completed (done_on, else the day it was recorded)."""
    raw = event.fields.get("done_on")
    if raw in (None, ""):
        return event.at.date()
    return raw if isinstance(raw, date) else date.fromisoformat(str(raw))


def _check_node(flow: Flow, replay: Replay, event: Event) -> None:
    nid = str(event.fields.get("node") or "")
    n = flow.node(nid)
    if n is None:
        known = "、".join(x.id for x in flow.nodes) or "无"
        raise _refuse("nodes", f"流程 {flow.flow.id} 没有节点「{nid}」（节点：{known}）")
    if nid in replay.nodes:
        raise _refuse(f"nodes.{nid}", f"「{n.title}」已于 {replay.nodes[nid]} 完成")
    try:
        day = node_day(event)
    except ValueError:
        raise _refuse(
            f"nodes.{nid}", f"完成日期应为 YYYY-MM-DD，收到「{event.fields.get('done_on')}」"
        ) from None
    if day > event.at.date():
        raise _refuse(f"nodes.{nid}", f"完成日期 {day} 晚于登记日期 {event.at.date()}")


def _check_extension(flow: Flow, replay: Replay, event: Event) -> None:
    did = str(event.fields.get("deadline") or "")
    d = flow.deadline(did)
    if d is None or d.extension is None:
        can = "、".join(x.id for x in flow.deadlines if x.extension) or "无"
        raise _refuse("deadlines", f"时限「{did}」不能延期（可延期的时限：{can}）")
    ext, clause = d.extension, f"deadlines.{d.id}.extension"
    if event.action == EXTEND_ASK:
        if event.role not in ext.ask_roles:
            raise _refuse(clause, "只有" + "、".join(flow.roles[r] for r in ext.ask_roles) + "可以申请延期")
        if not str(event.fields.get("reason") or "").strip():
            raise _refuse(clause, "申请延期须说明理由")
        if d.id in replay.pending:
            raise _refuse(clause, "已有待审批的延期申请")
        if len(replay.asked.get(d.id, [])) >= ext.times or d.id in replay.extended:
            raise _refuse(clause, f"「{d.title}」最多延期 {ext.times} 次")
    else:
        if event.role not in ext.approve_roles:
            raise _refuse(
                clause, "只有" + "、".join(flow.roles[r] for r in ext.approve_roles) + "可以审批延期"
            )
        if d.id not in replay.pending:
            raise _refuse(clause, "没有待审批的延期申请")


def _check_asked_in_time(flow: Flow, r: Replay, event: Event, cal: Calendar) -> None:
    d = flow.deadline(str(event.fields["deadline"]))
    assert d is not None and d.extension is not None
    if not d.extension.ask_before_due:
        return
    clock = next(c for c in clocks(flow, r, cal, event.at) if c.deadline == d.id)
    if clock.status in ("overdue", "met", "met_late"):
        why = "已超期" if clock.status == "overdue" else "已完成"
        raise _refuse(
            f"deadlines.{d.id}.extension", f"「{d.title}」{why}（期限 {clock.due}），不能再申请延期"
        )


def replay(flow: Flow, events: list[Event]) -> Replay:
    """The case as its log leaves it; FlowError when the log breaks its flow (a log is checked on write, so
    this only fires for a flow file edited under existing cases)."""
    r: Replay | None = None
    for e in events:
        _, to = check(flow, r, e)
        if r is None:
            r = Replay(state=str(to), entered=[(e.at, str(to))])
            continue
        t = flow.transition(e.action)
        if t is not None:
            if t.sets_lead and r.lead is None or t.changes_lead:
                r.lead = str(e.fields["department"])
            if t.changes_lead:
                r.handler = None
            if t.reopen:
                r.reopened.append(e.at)
            r.state = t.to
            r.entered.append((e.at, t.to))
        _mark_nodes(flow, r, e)
        if e.fields.get("handler") and (t is not None or e.action == ASSIGN):
            r.handler = str(e.fields["handler"])
        if e.action == INVOLVE:
            unit = str(e.fields["department"])
            if unit != r.lead and unit not in r.co_units:
                r.co_units.append(unit)
        elif e.action == EXTEND_ASK:
            did = str(e.fields["deadline"])
            r.asked.setdefault(did, []).append(e.at)
            r.pending.add(did)
        elif e.action == EXTEND_DECIDE:
            did = str(e.fields["deadline"])
            r.pending.discard(did)
            if e.fields.get("approved") in YES or str(e.fields.get("approved")).lower() in YES:
                r.extended[did] = e.at
    if r is None:
        raise _refuse("flow.start", "案件没有任何记录")
    return r


def _mark_nodes(flow: Flow, r: Replay, e: Event) -> None:
    """The nodes an event completes: a `node` event its node, a transition the nodes it is `by`."""
    if e.action == NODE:
        r.nodes[str(e.fields["node"])] = node_day(e)
        return
    for n in flow.nodes:
        if n.by == e.action and n.id not in r.nodes:
            r.nodes[n.id] = node_day(e)


def _pauses(flow: Flow, r: Replay, after: datetime) -> list[tuple[date, date | None]]:
    """Pause intervals (entered day, left day or None while paused) that end after `after`."""
    out: list[tuple[date, date | None]] = []
    for (t, s), nxt in zip(r.entered, [*r.entered[1:], None], strict=True):
        if not flow.paused(s):
            continue
        left = nxt[0] if nxt else None
        if left is not None and left <= after:
            continue
        out.append((max(t, after).date(), left.date() if left else None))
    return out


def _window(d: Deadline, r: Replay) -> tuple[datetime | None, datetime | None]:
    """When the deadline's clock started (None: not yet) and when it was met (None: not yet). A reopen (重办)
    restarts the clocks marked restart_on_reopen."""
    floor = r.reopened[-1] if d.restart_on_reopen and r.reopened else r.entered[0][0]
    if d.starts_at is None:
        start: datetime | None = floor
    else:
        start = next((t for t, s in r.entered if s == d.starts_at and t >= floor), None)
    if start is None:
        return None, None
    met = next((t for t, s in r.entered if s in d.met_by and t >= start), None)
    return start, met


def _due(cal: Calendar, start: date, budget: int, pauses: list[tuple[date, date | None]], today: date):
    """Due day with the pauses pushed in, and the working days the pauses took. An ongoing pause is counted
    up to today (the due day moves on each day the pause lasts)."""
    cursor, remaining, paused = start, budget, 0
    for ps, pe in pauses:
        if _scalar(cal.add(cursor, remaining)) < ps:  # a pause from the due day on still stops the clock
            break
        end = pe or max(today, ps)
        remaining -= int(_scalar(cal.count(cursor, ps)))
        paused += int(_scalar(cal.count(ps, end)))
        cursor = end
    return _scalar(cal.add(cursor, remaining)), paused


def clocks(flow: Flow, r: Replay, cal: Calendar, now: datetime) -> list[Clock]:
    out = []
    for d in flow.deadlines:
        start, met = _window(d, r)
        extended = d.id in r.extended
        budget = d.extension.total_workdays if (extended and d.extension) else d.workdays
        if start is None:
            out.append(
                Clock(
                    d.id,
                    d.title,
                    d.clause,
                    "not_started",
                    None,
                    None,
                    None,
                    budget,
                    None,
                    None,
                    0,
                    extended,
                    (),
                    False,
                )
            )
            continue
        end = met or now
        due_at = None
        if d.hours is not None:
            due_at = _scalar(cal.add_hours(np.datetime64(start, "m"), d.hours))
            due = due_at.date()
            paused = 0
            late = end > due_at
            used = left = None
        else:
            assert budget is not None
            pauses = _pauses(flow, r, start)
            due, paused = _due(cal, start.date(), budget, pauses, end.date())
            used = int(_scalar(cal.count(start.date(), end.date()))) - paused
            left = budget - used
            late = end.date() > due
        if met is not None:
            status = "met_late" if late else "met"
        elif flow.paused(r.state) and not late:
            status = "paused"
        elif flow.state(r.state).terminal:
            status = "met"
        else:
            status = "overdue" if late else "running"
        reached = []
        if late:
            for step in d.escalation:
                on = _scalar(cal.add(due, step.after_workdays))
                if on <= end.date():
                    reached.append((step.level, step.title, on))
        prov = bool(_scalar(cal.provisional(start.date(), due)))
        out.append(
            Clock(
                d.id,
                d.title,
                d.clause,
                status,
                start.date(),
                due,
                due_at,
                budget,
                used,
                left,
                paused,
                extended,
                tuple(reached),
                prov,
            )
        )
    return out


@dataclass(frozen=True)
class CaseView:
    state: str
    state_title: str
    lead: str | None
    co_units: tuple[str, ...]
    handler: str | None
    clocks: tuple[Clock, ...]
    reopened: int

    @property
    def escalation(self) -> str | None:
        """The title of the furthest escalation step any clock has reached (催办 → 督办 → 通报)."""
        reached = max(self.clocks, key=lambda c: len(c.escalations), default=None)
        return reached.escalations[-1][1] if reached and reached.escalations else None


def derive(flow: Flow, events: list[Event], cal: Calendar, now: datetime) -> CaseView:
    r = replay(flow, events)
    cs = clocks(flow, r, cal, now)
    return CaseView(
        r.state, flow.state(r.state).title, r.lead, tuple(r.co_units), r.handler, tuple(cs), len(r.reopened)
    )
