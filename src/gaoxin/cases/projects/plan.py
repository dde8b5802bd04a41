"""Node plans and the three-colour rule (pure: no I/O).

A node is planned `workdays` working days after the last planned day of the nodes it follows (the signing
day for none) — a baseline fixed at signing, as 成都东部新区 项目促建 sets deadlines. A month is missed (红) when
at its end (today, for the running month) a node is past its planned day and not done, or the cumulative
完成投资 is below the flow's `colour_investment_share` of the cumulative 计划投资; a month on plan is 绿 until
the first missed month and the flow's `colour_after_red` (黄) after it (温州瓯海: caught up is 黄, not 绿)."""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass
from datetime import date

import numpy as np

from gaoxin.flows import Flow

GREEN, YELLOW, RED = "绿", "黄", "红"


@dataclass(frozen=True)
class PlannedNode:
    id: str
    title: str
    after: tuple[str, ...]
    planned: date
    done: date | None
    late_workdays: int  # done late by (or, not done, overdue by) this many working days; 0 on time
    status: str  # done | done_late | overdue | pending

    @property
    def late(self) -> bool:
        return self.status in ("done_late", "overdue")


def _d(x) -> date:
    return np.asarray(x).item()


def node_plan(flow: Flow, signed: date, done: dict[str, date], cal, today: date) -> list[PlannedNode]:
    """Every node of the flow's plan with its planned day (working days from the signing day), its actual day
    and how late it is, in plan order."""
    planned: dict[str, date] = {}
    out = []
    for n in flow.nodes:
        base = max((planned[a] for a in n.after), default=signed)
        planned[n.id] = _d(cal.add(base, n.workdays))
        actual = done.get(n.id)
        end = actual or today
        late = int(_d(cal.count(planned[n.id], end))) if end > planned[n.id] else 0
        done_s, open_s = ("done_late", "overdue") if late else ("done", "pending")
        status = done_s if actual is not None else open_s
        out.append(PlannedNode(n.id, n.title, tuple(n.after), planned[n.id], actual, late, status))
    return out


def month_end(month: str) -> date:
    y, m = int(month[:4]), int(month[5:7])
    return date(y, m, _cal.monthrange(y, m)[1])


def months_between(first: date, last: date) -> list[str]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass(frozen=True)
class Month:
    month: str
    colour: str
    missed: bool
    plan_cum: float  # 万元
    done_cum: float
    funds_cum: float
    late_nodes: tuple[str, ...]  # titles of the nodes past their planned day at the month's end
    reason: str


def colours(
    flow: Flow, plan: list[PlannedNode], reports: dict[str, dict], signed: date, today: date
) -> list[Month]:
    """The colour of every month from signing to today. `reports`: month → {plan_wan, done_wan, funds_wan}
    (that month's figures; months without a report add nothing)."""
    share = float(flow.rules.get("colour_investment_share", 0.8))
    after_red = str(flow.rules.get("colour_after_red", YELLOW))
    out: list[Month] = []
    plan_cum = done_cum = funds_cum = 0.0
    ever_red = False
    for month in months_between(signed, today):
        end = min(month_end(month), today)
        r = reports.get(month) or {}
        plan_cum += float(r.get("plan_wan") or 0)
        done_cum += float(r.get("done_wan") or 0)
        funds_cum += float(r.get("funds_wan") or 0)
        late = tuple(n.title for n in plan if n.planned < end and (n.done is None or n.done > end))
        short = plan_cum > 0 and done_cum < share * plan_cum
        missed = bool(late) or short
        reasons = []
        if late:
            reasons.append("节点逾期：" + "、".join(late))
        if short:
            reasons.append(f"完成投资 {done_cum:g} 万元低于计划 {plan_cum:g} 万元的 {share:.0%}")
        if missed:
            colour = RED
        elif ever_red:
            colour = after_red
            reasons.append("曾逾期，已赶上进度")
        else:
            colour = GREEN
        ever_red = ever_red or missed
        out.append(Month(month, colour, missed, plan_cum, done_cum, funds_cum, late, "；".join(reasons)))
    return out
