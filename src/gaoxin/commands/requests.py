"""`gaoxin requests …`: 企业诉求 (政企连心桥 · 马上就办) — enter, list, show, move a request; the 三率."""

from __future__ import annotations

import getpass
import hashlib
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from gaoxin.commands.common import JsonOption, console, fail, print_json
from gaoxin.commands.data import DbOpt, open_store

FLOW = "enterprise-request"
DOMAIN, PREFIX = "request", "SQ"

app = typer.Typer(help="企业诉求办理 / enterprise requests (连心桥 · 马上就办)", no_args_is_help=True)

AsOpt = Annotated[str | None, typer.Option("--as", help="办理人 / acting user (默认当前系统用户)")]
RoleOpt = Annotated[
    str, typer.Option("--role", help="以何种角色办理 / role: admin, analyst, department, town")
]
AtOpt = Annotated[
    str | None, typer.Option("--at", help="办理时间 / when (YYYY-MM-DD[ HH:MM]，默认现在；补录历史记录时用)")
]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="requests")


def _when(text: str | None) -> datetime:
    if not text:
        return datetime.now().replace(microsecond=0)
    try:
        return datetime.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        fail(f"时间「{text}」无法识别，请写成 2025-10-09 或 2025-10-09 14:30")


def _calendar(con):
    from gaoxin.cases.calendar import calendar_in_force

    return calendar_in_force(con)


def _fields(pairs: list[str]) -> dict[str, str]:
    out = {}
    for p in pairs:
        if "=" not in p:
            fail(f"--field 应写成 名称=值（如 department=税务局），收到「{p}」")
        k, v = p.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _run(fn):
    """Flow and case refusals reach the officer as one line (the clause named), never a traceback."""
    from gaoxin.cases.ledger import CaseError
    from gaoxin.flows import FlowError

    try:
        return fn()
    except (CaseError, FlowError) as exc:
        fail(str(exc))


@app.command("add", help="登记一条企业诉求 / enter a request")
def add(
    title: Annotated[str, typer.Option("--title", help="诉求标题")],
    category: Annotated[
        str, typer.Option("--category", help="类别：用地 用工 融资 政策兑现 审批 水电气 其他")
    ],
    uscc: Annotated[str | None, typer.Option("--uscc", help="企业统一社会信用代码（可后补）")] = None,
    firm: Annotated[str | None, typer.Option("--firm", help="企业名称（未登记企业时）")] = None,
    town: Annotated[str | None, typer.Option("--town", help="所属镇街")] = None,
    urgency: Annotated[str, typer.Option("--urgency", help="紧急程度：一般 紧急 特急")] = "一般",
    content: Annotated[str, typer.Option("--content", help="诉求内容")] = "",
    source: Annotated[str, typer.Option("--source", help="来源：企业服务平台 12345 走访 电话 …")] = "",
    actor: AsOpt = None,
    role: RoleOpt = "admin",
    at: AtOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.requests import enter_request

    con = open_store(db)
    try:
        case_id = _run(
            lambda: enter_request(
                con,
                _calendar(con),
                actor=actor or getpass.getuser(),
                role=role,
                title=title,
                category=category,
                urgency=urgency,
                uscc=uscc,
                firm_name=firm,
                town=town,
                content=content,
                source=source,
                at=_when(at),
            )
        )
    finally:
        con.close()
    if as_json:
        print_json({"case_id": case_id})
    else:
        console.print(
            f"已受理诉求 [bold]{case_id}[/]：{title}（下一步：gaoxin requests move {case_id} dispatch "
            "--field department=承办部门）"
        )


@app.command("move", help="办理一步（派单、签收、答复、办结、回访、评价、延期 …）/ take a step")
def move(
    case_id: Annotated[str, typer.Argument(help="诉求编号，如 SQ-2025-00042")],
    action: Annotated[str, typer.Argument(help="操作，如 dispatch accept answer close visit rate reopen")],
    field: Annotated[list[str], typer.Option("--field", "-f", help="名称=值，可重复")] = [],  # noqa: B006
    note: Annotated[str, typer.Option("--note", help="说明")] = "",
    attach: Annotated[list[Path], typer.Option("--attach", help="附件文件，可重复")] = [],  # noqa: B006
    actor: AsOpt = None,
    role: RoleOpt = "admin",
    at: AtOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.ledger import record
    from gaoxin.store import cases as store_cases

    con = open_store(db)
    try:
        shas = []
        for path in attach:
            if not path.is_file():
                fail(f"附件 {path} 不存在")
            data = path.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            store_cases.store_attachment(con, sha, path.name, data)
            shas.append(sha)
        view = _run(
            lambda: record(
                con,
                case_id,
                cal=_calendar(con),
                actor=actor or getpass.getuser(),
                role=role,
                action=action,
                fields=_fields(field),
                note=note,
                attachments=tuple(shas),
                at=_when(at),
            )
        )
    finally:
        con.close()
    if as_json:
        print_json({"case_id": case_id, "state": view.state, "state_title": view.state_title})
    else:
        console.print(f"{case_id} → [bold]{view.state_title}[/]")


@app.command("show", help="一条诉求：办理记录、时限和下一步 / one request with its timeline and clocks")
def show_cmd(
    case_id: Annotated[str, typer.Argument(help="诉求编号")],
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.ledger import show

    con = open_store(db, read_only=True)
    try:
        view = _run(lambda: show(con, case_id, _calendar(con)))
    finally:
        con.close()
    if as_json:
        print_json(view)
        return
    from rich.table import Table

    c = view["case"]
    console.print(
        f"[bold]{c['case_id']}[/] {c['title']} · {c.get('firm_name') or c.get('uscc') or '未关联企业'}"
        f" · {view['state_title']} · 牵头单位 {view['lead'] or '—'}"
    )
    clocks = Table(title="时限（工作日）", title_justify="left")
    for col in ("时限", "状态", "起算", "到期", "已用", "剩余", "暂停", "督办"):
        clocks.add_column(col)
    for k in view["clocks"]:
        clocks.add_row(
            k["title"],
            STATUS.get(k["status"], k["status"]),
            str(k["start"] or "—"),
            f"{k['due'] or '—'}{'（暂定）' if k['provisional'] else ''}",
            "—" if k["used"] is None else str(k["used"]),
            "—" if k["left"] is None else str(k["left"]),
            str(k["paused_days"]),
            "、".join(e[1] for e in k["escalations"]) or "—",
        )
    console.print(clocks)
    timeline = Table(title="办理记录", title_justify="left")
    for col in ("#", "时间", "办理人", "操作", "状态", "说明"):
        timeline.add_column(col)
    for e in view["timeline"]:
        extra = "；".join(f"{k}={v}" for k, v in e["fields"].items())
        timeline.add_row(
            str(e["seq"]),
            f"{e['at']:%Y-%m-%d %H:%M}",
            e["actor"],
            e["title"],
            e["to_title"] or "",
            "；".join(x for x in (extra, e["note"]) if x),
        )
    console.print(timeline)
    if view["next"]:
        console.print("下一步：" + "、".join(f"{n['title']}（{n['action']}）" for n in view["next"]))


STATUS = {
    "not_started": "未起算",
    "running": "计时中",
    "paused": "暂停",
    "met": "按时",
    "met_late": "超时完成",
    "overdue": "已超期",
}


@app.command("list", help="诉求列表（超期在前）/ requests, overdue first")
def list_cmd(
    state: Annotated[str | None, typer.Option("--state", help="状态 id，如 handling")] = None,
    lead: Annotated[str | None, typer.Option("--lead", help="牵头单位")] = None,
    town: Annotated[str | None, typer.Option("--town", help="镇街")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="只看未办结")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="只看超期")] = False,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.store import cases as store_cases

    con = open_store(db, read_only=True)
    try:
        df = store_cases.case_list(
            con,
            {"domain": DOMAIN, "state": state, "lead": lead, "town": town},
            open_only=open_only,
            overdue_only=overdue,
        )
    finally:
        con.close()
    if as_json:
        print_json({"requests": df.to_dicts()})
        return
    from rich.table import Table

    t = Table(title=f"企业诉求 {df.height} 件", title_justify="left")
    for col in ("编号", "标题", "企业", "类别", "状态", "牵头单位", "时限", "到期", "剩余工作日", "督办"):
        t.add_column(col)
    for r in df.iter_rows(named=True):
        t.add_row(
            r["case_id"],
            r["title"],
            r["firm_name"] or r["uscc"] or "—",
            r["category"] or "—",
            r["state_title"] or "—",
            r["lead"] or "—",
            r["due_deadline"] or "—",
            str(r["due"] or "—"),
            "—" if r["left_workdays"] is None else str(r["left_workdays"]),
            r["escalation"] or ("超期" if r["overdue"] else ""),
        )
    console.print(t)


@app.command(
    "stats", help="三率：响应率、按时办结率、满意率（按部门、月份）/ response, on-time and satisfaction rates"
)
def stats(
    year: Annotated[int | None, typer.Option("--year", help="受理年份")] = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.requests import rates

    con = open_store(db, read_only=True)
    try:
        table = rates(con, year)
    finally:
        con.close()
    if as_json:
        print_json({"year": year, "rates": table})
        return
    from rich.table import Table

    t = Table(title="诉求办理三率", title_justify="left")
    for col in ("牵头单位", "月份", "件数", "响应率", "按时办结率", "满意率", "超期"):
        t.add_column(col)
    pct = lambda v: "—" if v is None else f"{v:.1%}"  # noqa: E731
    for r in table:
        t.add_row(
            r["lead"],
            r["month"],
            str(r["cases"]),
            pct(r["response_rate"]),
            pct(r["on_time_rate"]),
            pct(r["satisfaction_rate"]),
            str(r["overdue"]),
        )
    console.print(t)


@app.command(
    "refresh", help="按今天重算在办诉求的时限（每日一次，如放在定时任务里）/ re-derive open clocks as of now"
)
def refresh_cmd(db: DbOpt = None, as_json: JsonOption = False) -> None:
    from datetime import datetime

    from gaoxin.cases import ledger
    from gaoxin.cases.calendar import calendar_in_force
    from gaoxin.store import cases as store_cases

    con = open_store(db)
    try:
        now = datetime.now()
        n = ledger.refresh(con, DOMAIN, calendar_in_force(con), now)
        store_cases.set_clocks_day(con, DOMAIN, now.date().isoformat())
    finally:
        con.close()
    if as_json:
        print_json({"refreshed": n, "as_of": now.isoformat(timespec="minutes")})
        return
    console.print(
        f"已按 {now:%Y-%m-%d %H:%M} 重算 {n} 件未办完诉求（含待回访、待评价）的时限（网页每天首次打开待办时也会自动重算）"
    )


@app.command("import", help="导入 12345 热线工单导出表（历史诉求）/ import a 12345 ticket export")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="12345 工单导出表 xlsx / xls / csv", show_default=False)],
    actor: Annotated[str, typer.Option("--as", help="办理记录中的办理人")] = "12345导入",
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.intake import IntakeFailed, import_tickets

    con = open_store(db)
    try:
        outcome = _run(lambda: import_tickets(con, file, cal=_calendar(con), actor=actor))
    except IntakeFailed as exc:
        fail(str(exc))
    finally:
        con.close()
    if as_json:
        print_json(outcome.as_json())
        return
    _show_intake(outcome)


def _show_intake(o) -> None:
    from rich.table import Table

    t = Table(title="12345 工单导入结果", title_justify="left")
    for col in ("文件", "行数", "接受", "拒绝", "跳过", "其中已导入过", "批次"):
        t.add_column(col, justify="left" if col in ("文件", "批次") else "right")
    batch = f"#{o.batch_id}" + ("（已导入过，未改动）" if o.status == "duplicate" else "")
    t.add_row(o.file, str(o.rows), str(o.accepted), str(o.rejected), str(o.skipped), str(o.already), batch)
    console.print(t)
    for note in o.notes:
        console.print(f"[dim]{o.file}: {note}[/]")
    if o.status == "duplicate":
        return
    if o.case_ids:
        states = "、".join(f"{k} {v} 件" for k, v in o.states.items())
        console.print(f"新建诉求 {len(o.case_ids)} 件（{o.case_ids[0]} … {o.case_ids[-1]}）：{states}")
    elif o.already:
        console.print(f"文件中的 {o.already} 条工单均已导入过，本次未新增诉求（按工单编号识别）")
    if o.rejects:
        r = Table(title=f"拒绝/跳过的行（共 {len(o.rejects)} 行）", title_justify="left")
        for col in ("工作表", "行", "处理", "列", "原因"):
            r.add_column(col)
        for row in o.rejects[:20]:
            r.add_row(
                row["sheet"],
                str(row["row_no"]),
                "拒绝" if row["disposition"] == "rejected" else "跳过",
                row["columns"] or "",
                row["reasons"],
            )
        console.print(r)
    console.print(f"查看全部被拒绝的行：gaoxin rejects {o.batch_id}；导入的诉求：gaoxin requests list")


@app.command("report", help="月度诉求办理情况通报（xlsx）/ the monthly report workbook")
def report_cmd(
    month: Annotated[str, typer.Option("--month", help="月份 YYYY-MM（按受理月份统计）")],
    out: Annotated[Path, typer.Option("--out", help="输出 xlsx 文件")],
    zone: Annotated[str, typer.Option("--zone", help="通报标题中的园区名称")] = "",
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    import re

    from gaoxin.cases.requests import rates
    from gaoxin.reports.requests_xlsx import monthly_figures, write_monthly_report

    if not re.fullmatch(r"(19|20)\d{2}-(0[1-9]|1[0-2])", month.strip()):
        fail(f"--month 应写成 YYYY-MM（如 2026-11），收到「{month}」")
    month = month.strip()
    if out.suffix.lower() != ".xlsx":
        fail(f"--out 应为 .xlsx 文件，收到「{out}」")
    year = int(month[:4])
    con = open_store(db, read_only=True)
    try:
        table = rates(con, year) + (rates(con, year - 1) if month.endswith("-01") else [])
        path = write_monthly_report(con, month, out, table, zone=zone)
    except OSError as exc:
        fail(f"无法写入 {out}（{exc.strerror or exc}）")
    finally:
        con.close()
    figures = monthly_figures(table, month)
    if as_json:
        print_json({"month": month, "out": str(path), **figures})
        return
    t = figures["total"]
    pct = lambda v: "—" if v is None else f"{v:.1%}"  # noqa: E731
    console.print(
        f"已写出 {path}：{month} 受理 {t['cases']} 件、办结 {t['closed']} 件、超期 {t['overdue']} 件；"
        f"响应率 {pct(t['response_rate'])}，按时办结率 {pct(t['on_time_rate'])}，满意率 {pct(t['satisfaction_rate'])}"
    )
