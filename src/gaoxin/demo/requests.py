"""A year of 企业诉求 for the demo zone, entered through the same ledger officers use: most answered and
closed in time, some paused for documents, extended, re-dispatched, reopened after an unsatisfied rating, and
the latest still open — some of them overdue. Deterministic for a given end day (the seed is fixed; the year
runs back from `end`, so today's demo shows today's clocks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import numpy as np

from gaoxin.cases.ledger import open_many
from gaoxin.cases.requests import DOMAIN, FLOW, PREFIX, request_header
from gaoxin.flows import Event
from gaoxin.store import queries

# category → (lead unit, what firms ask)
TOPICS = {
    "用地": ("自然资源和规划局", ["新增用地指标", "厂房产权证办理", "土地性质变更咨询"]),
    "用工": ("人力资源和社会保障局", ["技术工人招聘对接", "稳岗补贴申领", "人才公寓申请"]),
    "融资": ("地方金融服务中心", ["流动资金贷款对接", "应急转贷", "知识产权质押融资"]),
    "政策兑现": ("经济发展局", ["亩均A类奖励兑现", "技改补助拨付", "研发费用奖补"]),
    "审批": ("行政审批局", ["施工许可并联审批", "环评批复进度", "消防验收预约"]),
    "水电气": ("供电公司", ["厂房用电增容", "天然气管网接入", "工业用水扩容"]),
    "其他": ("综合执法局", ["厂区周边道路整治", "物流车辆通行证", "夜间施工许可"]),
}
REDISPATCH_TO = {"用地": "发展和改革局", "政策兑现": "科技局", "审批": "住房和城乡建设局"}
# the demo's 部门经办人 logins (user name → 承办部门), one per department a demo request can reach
DEPARTMENT_USERS = {
    "zrzy": "自然资源和规划局",
    "rsj": "人力资源和社会保障局",
    "jrzx": "地方金融服务中心",
    "jfj": "经济发展局",
    "spj": "行政审批局",
    "gdgs": "供电公司",
    "zfj": "综合执法局",
    "fgj": "发展和改革局",
    "kjj": "科技局",
    "zjj": "住房和城乡建设局",
}
HANDLERS = ("李强", "赵敏", "陈浩", "刘洋", "周婷")
DISPATCHER = "服务专员王敏"


@dataclass
class _Clock:
    """Walks a request forward in working time: every step lands on a working day at office hours."""

    cal: object
    at: datetime

    def after(self, workdays: int, hour: int) -> datetime:
        day = np.asarray(self.cal.add(np.datetime64(self.at.date(), "D"), workdays)).item()  # type: ignore[attr-defined]
        self.at = max(self.at + timedelta(minutes=5), datetime(day.year, day.month, day.day, hour, 0))
        return self.at


def generate_requests(
    con: duckdb.DuckDBPyConnection, cal, n: int = 240, end: date | None = None
) -> list[str]:
    """Enter `n` requests opened over the year before `end` (default today); returns their numbers."""
    end = end or date.today()
    rng = np.random.default_rng(20251209)
    firms = queries.enterprises(con).select("uscc", "name", "town").to_dicts()
    if not firms:
        return []
    cats = list(TOPICS)
    weights = np.array([0.14, 0.16, 0.12, 0.22, 0.16, 0.12, 0.08])
    # days before `end`, oldest first; about one in ten opened in the last three weeks (still open)
    back = np.where(rng.random(n) < 0.1, rng.integers(1, 21, n), rng.integers(21, 365, n))
    stop = datetime.combine(end, datetime.min.time()) + timedelta(hours=17)
    cases = []
    for k, days_back in enumerate(np.sort(back)[::-1]):
        cat = cats[int(rng.choice(len(cats), p=weights))]
        unit, asks = TOPICS[cat]
        firm = (
            firms[int(rng.integers(len(firms)))] if rng.random() > 0.04 else None
        )  # a few not yet registered
        opened = datetime.combine(end - timedelta(days=int(days_back)), datetime.min.time()) + timedelta(
            hours=9
        )
        clock = _Clock(cal, opened)
        clock.after(0 if cal.is_workday(np.datetime64(opened.date())).item() else 1, 9)
        urgency = "紧急" if rng.random() < 0.1 else "一般"
        header = request_header(
            title=asks[int(rng.integers(len(asks)))],
            category=cat,
            urgency=urgency,
            uscc=firm["uscc"] if firm else None,
            firm_name=None if firm else f"拟落户企业{k + 1:03d}（筹）",
            content="企业通过服务平台提出",
            source=["企业服务平台", "12345热线", "走访", "电话"][int(rng.integers(4))],
            firm=firm,
        )
        first = Event(
            clock.at,
            DISPATCHER,
            "analyst",
            "open",
            {"category": cat, "urgency": urgency},
            "企业通过服务平台提出",
        )
        cases.append((header, [first, *_walk(cat, unit, clock, rng, stop)]))
    return open_many(
        con, domain=DOMAIN, prefix=PREFIX, flow_ref=FLOW, cal=cal, cases=cases, now=max(stop, datetime.now())
    )


def _walk(cat, unit, clock: _Clock, rng, stop: datetime) -> list[Event]:
    """The request's life as events, cut at `stop` (what has not happened by then stays undone)."""
    handler = HANDLERS[int(rng.integers(len(HANDLERS)))] if rng.random() < 0.7 else None
    plan: list[tuple[int, int, str, str, str, dict]] = [
        (0, 10, "dispatch", "analyst", DISPATCHER, {"department": unit})
    ]
    if cat in REDISPATCH_TO and rng.random() < 0.15:
        plan.append(
            (
                1,
                9,
                "redispatch",
                "analyst",
                DISPATCHER,
                {"department": REDISPATCH_TO[cat], "reason": "职责属该部门"},
            )
        )
        unit = REDISPATCH_TO[cat]
    who = f"{unit}经办人"
    late = rng.random() < 0.12
    plan.append(
        (
            int(rng.integers(0, 2)) + (1 if late else 0),
            10,
            "accept",
            "department",
            who,
            {"handler": handler} if handler else {},
        )
    )
    if rng.random() < 0.15:
        plan.append(
            (int(rng.integers(1, 3)), 15, "request_info", "department", who, {"note": "请补充相关证明材料"})
        )
        plan.append((int(rng.integers(2, 7)), 10, "info_received", "department", who, {}))
    if rng.random() < 0.08:
        plan.append(
            (1, 11, "extend_ask", "department", who, {"deadline": "resolve", "reason": "需跨部门会商"})
        )
        plan.append(
            (1, 9, "extend_decide", "analyst", DISPATCHER, {"deadline": "resolve", "approved": "同意"})
        )
    plan.append(
        (
            int(rng.integers(1, 4)) + (12 if late else 0),
            16,
            "answer",
            "department",
            who,
            {"answer": "已协调办理并答复企业"},
        )
    )
    plan.append((int(rng.integers(0, 3)), 17, "close", "department", who, {}))
    plan.append((1, 10, "visit", "analyst", DISPATCHER, {"note": "电话回访企业"}))
    r = rng.random()
    rating = "满意" if r < 0.82 else ("基本满意" if r < 0.93 else "不满意")
    plan.append((0, 11, "rate", "analyst", DISPATCHER, {"satisfaction": rating}))
    if rating == "不满意":
        plan.append((1, 9, "reopen", "analyst", DISPATCHER, {"reason": "企业对办理结果不满意"}))
        plan.append((int(rng.integers(2, 6)), 16, "answer", "department", who, {"answer": "重新办理后答复"}))
        plan.append((1, 17, "close", "department", who, {}))
        # the reopened request is called back and rated again (the 回访 clock restarts on reopen)
        plan.append((1, 10, "visit", "analyst", DISPATCHER, {"note": "重办后电话回访企业"}))
        again = "满意" if rng.random() < 0.6 else "基本满意"
        plan.append((0, 11, "rate", "analyst", DISPATCHER, {"satisfaction": again}))
    events = []
    for wd, hour, action, role, actor, fields in plan:
        at = clock.after(wd, hour)
        if at > stop:
            break
        events.append(Event(at, actor, role, action, fields))
    return events
