"""Past 12345 tickets (工单) as enterprise-request cases.

`ticket_events` is the pure mapping: one ticket row → the case header and the events that replay its history
(受理 → 派单 → 签收办理 → 答复 → 办结 → 回访 → 评价, as far as the ticket went, at the ticket's own timestamps, by
the actor "12345导入"). `import_tickets` is the import: the file read through the normal intake path
(`ingest.requests`), each ticket linked to a registered firm (by code, else by exact name), its events checked
against the flow (a ticket the flow refuses is a rejected row naming the clause), then one import batch with
every physical row accounted for and the cases opened with `ledger.open_many` — all or nothing. The ticket
number is kept in the case header (fields.ticket_no), so the same ticket is never imported twice.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from gaoxin.cases.ledger import CaseError, open_many
from gaoxin.cases.requests import DOMAIN, FLOW, PREFIX, request_header
from gaoxin.flows import Event, Flow, FlowError, check, load_flow, replay
from gaoxin.ingest import headers
from gaoxin.ingest import requests as T
from gaoxin.ingest import rows as R
from gaoxin.ingest.readers import ReadError
from gaoxin.store import case_intake as store
from gaoxin.store import queries
from gaoxin.store.imports import find_batch

ACTOR = "12345导入"
SOURCE = "12345"

# how far a ticket went: the flow's states in order (withdrawn apart)
STAGES = ("received", "dispatched", "handling", "answered", "closed", "visited", "rated")
STATUS = {
    "received": ("待受理", "已受理", "受理", "待派单", "未派单", "已登记", "待分派"),
    "dispatched": ("已派单", "待签收", "已交办", "已转办", "派单", "已分派", "待接单"),
    "handling": ("办理中", "处理中", "已签收", "待答复", "在办", "承办中", "正在办理"),
    "answered": ("已答复", "待办结", "已回复", "已反馈"),
    "closed": ("已办结", "办结", "已完成", "完成", "已结案", "结案", "待回访", "已办理"),
    "visited": ("已回访", "待评价", "回访完成"),
    "rated": ("已评价", "已归档", "评价完成"),
    "withdrawn": ("已撤回", "撤回", "撤单", "已撤单", "已撤销", "作废", "已作废"),
}
STATUS_OF = {_s: stage for stage, words in STATUS.items() for _s in words}
# hotline categories → the flow's categories (anything else is 其他, the original kept in fields)
CATEGORY = {
    "用地": ("用地", "土地", "用地指标", "规划", "厂房", "不动产", "产权"),
    "用工": ("用工", "招工", "人才", "社保", "劳动", "就业", "招聘", "培训"),
    "融资": ("融资", "贷款", "金融", "资金", "担保", "转贷", "信贷"),
    "政策兑现": ("政策兑现", "政策", "奖补", "补贴", "补助", "奖励", "兑现", "税费", "减税降费"),
    "审批": ("审批", "许可", "办证", "证照", "行政审批", "验收", "备案", "环评", "施工许可"),
    "水电气": (
        "水电气",
        "供水",
        "供电",
        "供气",
        "用电",
        "用水",
        "用气",
        "燃气",
        "电力",
        "水电",
        "供热",
        "网络",
    ),
    "其他": ("其他", "其它", "综合", "咨询"),
}
CATEGORY_OF = {w: cat for cat, words in CATEGORY.items() for w in words}
SATISFACTION = {
    "满意": "满意",
    "非常满意": "满意",
    "很满意": "满意",
    "基本满意": "基本满意",
    "比较满意": "基本满意",
    "一般": "基本满意",
    "不满意": "不满意",
    "很不满意": "不满意",
    "非常不满意": "不满意",
}
NOT_RATED = {"未评价", "未回访", "无", "不评价", "拒绝评价", "联系不上", "未接通"}
URGENCY = {
    "一般": "一般",
    "普通": "一般",
    "紧急": "紧急",
    "急": "紧急",
    "加急": "紧急",
    "特急": "特急",
    "特别紧急": "特急",
}


class IntakeFailed(ValueError):
    """A ticket file that cannot be imported at all; one line naming the file and the rule, nothing written."""


class TicketRefused(ValueError):
    """One ticket that cannot become a case: the column (header text) and why."""

    def __init__(self, column: str | None, message: str):
        super().__init__(message)
        self.column = column


@dataclass
class IntakeOutcome:
    file: str
    sha256: str
    status: str  # imported | duplicate
    batch_id: int | None
    rows: int
    accepted: int
    rejected: int
    skipped: int
    already: int  # tickets skipped because an earlier import brought them in
    case_ids: list[str] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)  # sheet, row_no, disposition, columns, reasons
    notes: list[str] = field(default_factory=list)
    states: dict[str, int] = field(default_factory=dict)  # state title → imported cases
    imported_at: str | None = None

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "source": SOURCE,
            "status": self.status,
            "batch_id": self.batch_id,
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "already_imported": self.already,
            "cases": self.case_ids,
            "states": self.states,
            "rejects": self.rejects,
            "notes": self.notes,
            "imported_at": self.imported_at,
        }


# --- one ticket ----------------------------------------------------------------------------------------


def _key(s: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def firm_key(name: str | None) -> str:
    """A firm name as names are matched: NFKC (full-width brackets → half-width), spaces dropped."""
    return _key(name).replace("（", "(").replace("）", ")")


def category_of(raw: str | None) -> str:
    """The flow category a hotline category names (exact word first, then a word it contains); 其他 else."""
    k = _key(raw)
    if not k:
        return "其他"
    if k in CATEGORY_OF:
        return CATEGORY_OF[k]
    for word, cat in sorted(CATEGORY_OF.items(), key=lambda kv: -len(kv[0])):
        if word in k:
            return cat
    return "其他"


def _stage(t: dict, col: dict[str, str]) -> str:
    raw = _key(t.get("status"))
    named = STATUS_OF.get(raw) if raw else None
    if raw and named is None:
        known = "、".join(w for words in STATUS.values() for w in words[:2])
        raise TicketRefused(col.get("status"), f"办理状态「{t['status']}」无法识别（可识别：{known} 等）")
    if named == "withdrawn":
        return named
    evidence = 0
    for stage, present in (
        ("dispatched", t.get("department") or t.get("dispatched_at")),
        ("handling", t.get("accepted_at")),
        ("answered", t.get("answered_at")),
        ("closed", t.get("closed_at")),
        ("visited", t.get("visited_at")),
        ("rated", t.get("satisfaction") and _key(t["satisfaction"]) not in NOT_RATED),
    ):
        if present:
            evidence = max(evidence, STAGES.index(stage))
    return STAGES[max(STAGES.index(named) if named else 0, evidence)]


def ticket_events(t: dict, col: dict[str, str], actor: str = ACTOR) -> tuple[dict, list[Event]]:
    """(header bits, events) of one ticket row; TicketRefused(column, why) when its history does not hold.

    `t`: the ticket's parsed cells (ingest.requests targets, plus `<time>_has_time`); `col`: target → the
    header text in the file (for messages). Times missing for a step the ticket reached are taken from the
    next earlier step the ticket records — 派单 at 受理, 签收 at 派单, 答复 at 办结, 回访/评价 at 办结 — and the
    event's note says so; a time earlier than the step before it refuses the ticket (a date without a time
    on the same day as the step before it is taken as that moment)."""
    if t.get("opened_at") is None:
        raise TicketRefused(col.get("opened_at"), "受理时间为空")
    stage = _stage(t, col)
    withdrawn = stage == "withdrawn"
    level = STAGES.index(stage) if not withdrawn else (1 if t.get("department") else 0)
    category = category_of(t.get("category"))
    urgency = URGENCY.get(_key(t.get("urgency")), "一般")
    content = t.get("content") or ""
    events: list[Event] = []
    steps = _Steps(t, col, [t["opened_at"]])
    when = steps.when

    def add(action: str, role: str, at: datetime, fields: dict, note: str = "") -> None:
        events.append(Event(at, actor, role, action, fields, note))

    add("open", "analyst", t["opened_at"], {"category": category, "urgency": urgency}, content)
    if level >= 1:
        if not t.get("department"):
            raise TicketRefused(
                col.get("department") or "承办单位", f"工单已派单（{_said(t)}），但承办单位为空"
            )
        at, note = when("dispatched_at", steps.last[-1], "派单")
        add("dispatch", "analyst", at, {"department": t["department"]}, note)
    if level >= 2:
        at, note = when("accepted_at", steps.last[-1], "签收")
        add("accept", "department", at, {}, note)
    if level >= 3:
        answer = t.get("answer") or "（原工单未附答复内容）"
        at, note = when("answered_at", t.get("closed_at"), "答复")
        add("answer", "department", at, {"answer": answer}, note)
    if level >= 4:
        at, note = when("closed_at", None, "办结")
        add("close", "department", at, {}, note)
    if level >= 5:
        at, note = when("visited_at", steps.last[-1], "回访")
        add("visit", "analyst", at, {"note": "12345 回访"}, note)
    if level >= 6:
        raw = _key(t.get("satisfaction"))
        rating = SATISFACTION.get(raw)
        if rating is None:
            raise TicketRefused(
                col.get("satisfaction") or "满意度",
                f"满意度「{t.get('satisfaction') or ''}」无法识别，应为 满意 / 基本满意 / 不满意",
            )
        add("rate", "analyst", steps.last[-1], {"satisfaction": rating})
    if withdrawn:
        at, note = when("closed_at", steps.last[-1], "撤回")
        add("withdraw", "analyst", at, {"reason": "12345 工单已撤回"}, note)
    header = {
        "category": category,
        "urgency": urgency,
        "title": t.get("title") or _title(content) or f"12345 工单 {t['ticket_no']}",
        "content": content,
        "raw_category": t.get("category")
        if t.get("category") and category != _key(t.get("category"))
        else None,
    }
    return header, events


@dataclass
class _Steps:
    """The times of a ticket's steps, in order: a missing time falls back to the step before it."""

    t: dict
    col: dict[str, str]
    last: list[datetime]

    def when(self, target: str, fallback: datetime | None, label: str) -> tuple[datetime, str]:
        t, name = self.t, T.BY_TARGET[target].label
        at, note = t.get(target), ""
        if at is None:
            if fallback is None:
                raise TicketRefused(self.col.get(target) or name, f"工单已{label}，但{name}为空")
            at, note = fallback, f"原工单无{name}，按前一环节时间登记"
        if at < self.last[-1]:
            if not t.get(f"{target}_has_time") and at.date() == self.last[-1].date():
                at = self.last[-1]
            else:
                prev = f"{self.last[-1]:%Y-%m-%d %H:%M}"
                raise TicketRefused(
                    self.col.get(target), f"{name} {at:%Y-%m-%d %H:%M} 早于上一环节时间 {prev}"
                )
        self.last.append(at)
        return at, note


def _said(t: dict) -> str:
    return f"办理状态「{t['status']}」" if t.get("status") else "工单有派单后的记录"


def _title(content: str) -> str:
    first = re.split(r"[。！？\n]", content.strip(), maxsplit=1)[0]
    return first[:30] + ("…" if len(first) > 30 else "")


def check_events(flow: Flow, events: list[Event], cal) -> None:
    """Every event against the flow as `ledger.open_many` checks it (FlowError names the clause)."""
    for i, e in enumerate(events):
        check(flow, replay(flow, events[:i]) if i else None, e, cal)


# --- the file ------------------------------------------------------------------------------------------


def import_tickets(
    con: duckdb.DuckDBPyConnection,
    path: Path | str,
    *,
    cal,
    actor: str = ACTOR,
    limits: T.Limits = T.LIMITS,
    now: datetime | None = None,
) -> IntakeOutcome:
    """Import one 12345 ticket export. Re-importing the same file (sha256) or tickets already imported adds
    nothing and says so. Raises IntakeFailed (one line, nothing written) for a file that cannot be used."""
    path = Path(path)
    try:
        sheet = T.read_tickets(path, limits)
    except (ReadError, headers.SheetError, T.TicketFileError) as exc:
        raise IntakeFailed(f"{exc}（本次导入未写入任何数据）") from None
    previous = find_batch(con, sheet.sha256)
    rows = sheet.rows
    if previous is not None:
        return IntakeOutcome(
            file=sheet.file_name,
            sha256=sheet.sha256,
            status="duplicate",
            batch_id=previous["batch_id"],
            rows=rows.height,
            accepted=0,
            rejected=0,
            skipped=rows.height,
            already=R.status_counts(rows).get("accepted", 0),
            imported_at=str(previous["imported_at"]),
            notes=[
                f"与批次 #{previous['batch_id']}（{previous['file_name']}，{previous['imported_at']:%Y-%m-%d %H:%M} 导入）"
                "内容相同（sha256 一致），本次未做任何改动"
            ],
        )
    flow, _text, _sha = load_flow(FLOW)
    rows, cases, tally = _dispose(con, sheet, flow, cal, actor)
    already, linked_by_name, other_category = tally
    counts = R.status_counts(rows)
    notes = list(sheet.notes)
    if linked_by_name:
        notes.append(f"{linked_by_name} 条工单无统一社会信用代码，已按企业名称关联到已登记企业")
    if other_category:
        notes.append(
            f"{other_category} 条工单的诉求类别不在流程类别中，按「其他」导入（原类别保留在 raw_category）"
        )
    notes.append("原工单未记录的派单、签收、回访时间按前一环节时间登记（见各条办理记录的说明）")
    opened = [e[0].at for _h, e in cases]
    batch = {
        "file_name": sheet.file_name,
        "sha256": sheet.sha256,
        "source": SOURCE,
        "periods": sorted({f"{t:%Y-%m}" for t in opened}),
        "sheets": sheet.sheets,
        "rows": rows.height,
        "accepted": counts.get("accepted", 0),
        "rejected": counts.get("rejected", 0),
        "skipped": counts.get("skipped", 0),
        "columns": sheet.columns,
        "notes": notes,
    }
    rejected = R.rejected_frame(rows)
    batch_id = store.write_intake_batch(con, batch, rejected)
    for h, _e in cases:
        h["fields"]["batch_id"] = batch_id
    try:
        ids = open_many(con, domain=DOMAIN, prefix=PREFIX, flow_ref=FLOW, cal=cal, cases=cases, now=now)
    except BaseException:
        store.drop_intake_batch(con, batch_id)
        raise
    states: dict[str, int] = {}
    for _h, events in cases:
        title = flow.state(replay(flow, events).state).title
        states[title] = states.get(title, 0) + 1
    return IntakeOutcome(
        sheet.file_name,
        sheet.sha256,
        "imported",
        batch_id,
        rows.height,
        batch["accepted"],
        batch["rejected"],
        batch["skipped"],
        already,
        ids,
        rejected.drop("raw_json").to_dicts(),
        notes,
        states,
    )


def _dispose(con, sheet: T.TicketSheet, flow: Flow, cal, actor: str):
    """Every row's final status: already imported, refused by the mapping or the flow, or a case to open."""
    rows = sheet.rows
    done = store.imported_tickets(con, DOMAIN)
    firms = queries.enterprises(con).select("uscc", "name", "town").to_dicts()
    by_code = {f["uscc"]: f for f in firms}
    by_name: dict[str, dict | None] = {}
    for f in firms:
        k = firm_key(f["name"])
        by_name[k] = None if k in by_name else f  # a name two firms share links to neither
    statuses, reasons, bad_cols = [], [], []
    cases: list[tuple[dict, list[Event]]] = []
    already = linked_by_name = other_category = 0
    for r in rows.iter_rows(named=True):
        status, reason, cols = r["_status"], r["_reasons"], r["_columns"]
        if status == "accepted" and r["ticket_no"] in done:
            status, reason, cols = (
                "skipped",
                f"工单已导入（诉求编号 {done[r['ticket_no']]}），未重复导入",
                None,
            )
            already += 1
        elif status == "accepted":
            col = {c.target: c.header for c in sheet.layouts[r["_sheet"]].columns if c.target}
            try:
                header, events = ticket_events(r, col, actor)
                check_events(flow, events, cal)
            except TicketRefused as exc:
                status, reason, cols = "rejected", _where(exc.column, sheet, r) + str(exc), exc.column
            except FlowError as exc:
                status, reason, cols = "rejected", f"工单记录不符合流程：{exc}", None
            else:
                firm = by_code.get(r["uscc"]) if r["uscc"] else by_name.get(firm_key(r["firm_name"]))
                if firm and not r["uscc"]:
                    linked_by_name += 1
                other_category += header["category"] == "其他" and bool(header["raw_category"])
                cases.append((_case_header(r, header, firm, sheet), events))
        statuses.append(status)
        reasons.append(reason)
        bad_cols.append(cols)
    rows = rows.with_columns(
        pl.Series("_status", statuses, pl.Utf8),
        pl.Series("_reasons", reasons, pl.Utf8),
        pl.Series("_columns", bad_cols, pl.Utf8),
    )
    return rows, cases, (already, linked_by_name, other_category)


def _where(column: str | None, sheet: T.TicketSheet, r: dict) -> str:
    if column is None:
        return ""
    layout = sheet.layouts[r["_sheet"]]
    letter = next((c.letter for c in layout.columns if c.header == column), None)
    return f"列「{column}」({letter}列)：" if letter else f"列「{column}」："


def _case_header(r: dict, h: dict, firm: dict | None, sheet: T.TicketSheet) -> dict:
    header = request_header(
        title=h["title"],
        category=h["category"],
        urgency=h["urgency"],
        uscc=r["uscc"] or (firm["uscc"] if firm else None),
        firm_name=r["firm_name"],
        content=h["content"],
        source=SOURCE,
        firm=firm,
    )
    header["fields"] = {
        **header["fields"],
        "ticket_no": r["ticket_no"],
        "file": sheet.file_name,
        "sheet": r["_sheet"],
        "row": r["_row"],
        **({"raw_category": h["raw_category"]} if h["raw_category"] else {}),
    }
    return header


__all__ = ["ACTOR", "CaseError", "IntakeFailed", "IntakeOutcome", "import_tickets", "ticket_events"]
