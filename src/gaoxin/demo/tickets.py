"""A deterministic 12345-hotline export of enterprise tickets (工单明细), with the mess real exports carry:
a merged title row and an 导出时间 line above the header, hotline column names (来电时间, 承办部门, 评价结果),
times as xlsx dates, Excel serial numbers, 2025年3月5日 and 2025/3/5 14:20 text, hotline categories the flow
does not know, a ticket exported twice (identically) and one twice with different content, a firm without
its credit code (linked by name), a credit code with a wrong check character, a blank row, a 注 line and a
合计 line. `TicketFile.expected` says what an import must find, so tests assert exact counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import xlsxwriter

HEADER = [
    "工单编号",
    "来电时间",
    "企业名称",
    "统一社会信用代码",
    "诉求内容",
    "诉求类别",
    "承办部门",
    "办理状态",
    "答复时间",
    "办结时间",
    "评价结果",
    "回访时间",
]
# hotline category → (department, what firms ask)
TOPICS = {
    "土地规划": ("自然资源和规划局", "厂房产权证办理进度"),
    "招工用工": ("人力资源和社会保障局", "技术工人招聘对接"),
    "融资贷款": ("地方金融服务中心", "流动资金贷款对接"),
    "奖补兑现": ("经济发展局", "技改补助拨付进度"),
    "行政审批": ("行政审批局", "施工许可并联审批"),
    "供电": ("供电公司", "厂房用电增容"),
    "环境保护": ("生态环境分局", "园区周边异味投诉"),  # not a flow category: imported as 其他
}
STATUS_STEPS = ["已派单", "办理中", "已答复", "已办结", "已回访", "已评价"]


@dataclass
class TicketFile:
    path: Path
    tickets: list[dict]  # the clean tickets (before the mess), as a hotline system holds them
    expected: dict = field(default_factory=dict)  # rows, accepted, rejected, skipped, linked_by_name, …


def generate_tickets(firms: list[dict], n: int = 40, month: str = "2025-11", seed: int = 12345) -> list[dict]:
    """`n` tickets opened in `month` by `firms` ({uscc, name}), most rated, some still open or unsatisfied."""
    rng = np.random.default_rng(seed)
    y, m = (int(x) for x in month.split("-"))
    first = date(y, m, 1)
    days = ((first.replace(day=28) + timedelta(days=4)).replace(day=1) - first).days
    cats = list(TOPICS)
    out = []
    for k in range(n):
        firm = firms[int(rng.integers(len(firms)))] if firms else {"uscc": None, "name": f"企业{k:03d}"}
        cat = cats[int(rng.integers(len(cats)))]
        dept, ask = TOPICS[cat]
        opened = datetime.combine(first + timedelta(days=int(rng.integers(days))), datetime.min.time())
        opened += timedelta(hours=int(rng.integers(8, 18)), minutes=int(rng.integers(0, 60)))
        late = rng.random() < 0.15 or k == 6
        answered = opened + timedelta(days=int(rng.integers(1, 5)) + (30 if late else 0), hours=2)
        closed = answered + timedelta(days=int(rng.integers(0, 3)), hours=1)
        visited = closed + timedelta(days=1)
        r = rng.random()
        steps = 6 if r < 0.75 or k in (4, 6) else int(rng.integers(1, 6))
        rating = ["满意", "基本满意", "不满意"][int(rng.choice(3, p=[0.8, 0.12, 0.08]))]
        rating = "不满意" if k == 4 else rating
        out.append(
            {
                "ticket_no": f"12345-{y}{m:02d}-{k + 1:05d}",
                "opened_at": opened,
                "firm_name": firm["name"],
                "uscc": firm["uscc"],
                "content": f"{ask}，请尽快协调。",
                "category": cat,
                "department": dept,
                "status": STATUS_STEPS[steps - 1],
                "answered_at": answered if steps >= 3 else None,
                "closed_at": closed if steps >= 4 else None,
                "satisfaction": rating if steps >= 6 else None,
                "visited_at": visited if steps >= 5 else None,
            }
        )
    return out


def _time_cell(ws, r: int, c: int, v: datetime | None, style: int, fmt) -> None:
    """One time as exports write them: an xlsx date, an Excel serial, 2025年3月5日 or 2025/3/5 14:20."""
    if v is None:
        return
    if style == 0:
        ws.write_datetime(r, c, v, fmt)
    elif style == 1:
        ws.write_number(r, c, round((v - datetime(1899, 12, 30)).total_seconds() / 86400, 6))
    elif style == 2:
        ws.write_string(r, c, f"{v.year}年{v.month}月{v.day}日 {v:%H:%M}")
    else:
        ws.write_string(r, c, f"{v.year}/{v.month}/{v.day} {v:%H:%M}")


def write_ticket_file(path: Path | str, tickets: list[dict], month: str = "2025-11") -> TicketFile:
    """The export of `tickets` with the mess described above; the first three tickets carry it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [dict(t) for t in tickets]
    linked = rows[0]["uscc"] is not None
    if rows:
        rows[0] = {**rows[0], "uscc": None}  # a registered firm without its code: linked by name
    if len(rows) > 1 and rows[1]["uscc"]:
        code = rows[1]["uscc"]
        rows[1] = {**rows[1], "uscc": code[:-1] + ("0" if code[-1] != "0" else "1")}  # wrong check character
    dup_same = dict(rows[2]) if len(rows) > 2 else None
    dup_diff = dict(rows[3]) if len(rows) > 3 else None
    body = list(rows)
    if dup_same:
        body.append(dup_same)  # exported twice, identical: the second is skipped
    if dup_diff:
        body.append(
            {**dup_diff, "content": dup_diff["content"] + "（补充）"}
        )  # twice, different: both rejected
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("工单明细")
    fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws.merge_range(0, 0, 0, len(HEADER) - 1, f"12345政务服务便民热线 企业诉求工单明细（{month}）")
    ws.write_string(1, 0, "导出时间：2025-12-01 09:00　导出人：营商环境办")
    for j, h in enumerate(HEADER):
        ws.write_string(2, j, h)
    r = 3
    for i, t in enumerate(body):
        if i == 5:
            r += 1  # a blank row in the middle
        vals = [t["ticket_no"], None, t["firm_name"], t["uscc"], t["content"], t["category"], t["department"]]
        for j, v in enumerate(vals):
            if v is not None:
                ws.write_string(r, j, v)
        ws.write_string(r, 7, t["status"])
        if t["satisfaction"]:
            ws.write_string(r, 10, t["satisfaction"])
        for j, key in ((1, "opened_at"), (8, "answered_at"), (9, "closed_at"), (11, "visited_at")):
            _time_cell(ws, r, j, t[key], (i + j) % 4, fmt)
        r += 1
    ws.write_string(r, 0, "合计")
    ws.write_string(r, 4, f"共 {len(body)} 件")
    ws.write_string(r + 1, 0, "注：满意度为回访时企业评价结果。")
    wb.close()
    n = len(rows)
    rejected = (1 if len(rows) > 1 and tickets[1]["uscc"] else 0) + (2 if dup_diff else 0)
    skipped = (1 if dup_same else 0) + (1 if len(body) > 5 else 0) + 2  # duplicate, blank, 合计, 注
    physical = len(body) + (1 if len(body) > 5 else 0) + 2
    return TicketFile(
        path,
        tickets,
        {
            "rows": physical,
            "accepted": n - (rejected - (1 if dup_diff else 0)),
            "rejected": rejected,
            "skipped": skipped,
            "linked_by_name": 1 if linked else 0,
        },
    )
