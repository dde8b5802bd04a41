"""`gaoxin leads …` and `gaoxin projects …`: 招商线索 (接洽 → 考察 → 洽谈 → 签约 / 放弃) and 项目库 (node plans,
monthly 调度, three colours, 标准地 commitment checks) — the same code the pages and the JSON API call
(gaoxin.cases.projects)."""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from gaoxin.commands.common import JsonOption, console, fail, print_json, table
from gaoxin.commands.data import DbOpt, open_store
from gaoxin.commands.requests import (  # one parser and refusal rule for cases
    AsOpt,
    AtOpt,
    _calendar,
    _run,
    _when,
)

leads_app = typer.Typer(
    help="招商线索 / investment leads (接洽 → 考察 → 洽谈 → 签约 / 放弃)", no_args_is_help=True
)
projects_app = typer.Typer(
    help="项目库 / projects (节点计划、月度调度、红黄绿、标准地承诺核验)", no_args_is_help=True
)

RoleOpt = Annotated[str, typer.Option("--role", help="以何种角色办理 / role: admin, analyst")]
FieldOpt = Annotated[
    list[str], typer.Option("--field", "-f", help="名称=值，可重复（如 reason=用地条件不满足）")
]
CommitOpt = Annotated[
    list[str],
    typer.Option(
        "--commit",
        help="标准地承诺 名称=值，可重复：intensity（投资强度 万元/亩）plot_ratio tax_per_mu output_per_mu "
        "energy_va rd_share",
    ),
]
TodayOpt = Annotated[
    str | None, typer.Option("--today", help="按哪一天计算颜色 / as of (YYYY-MM-DD，默认今天)")
]


def register(root: typer.Typer) -> None:
    root.add_typer(leads_app, name="leads")
    root.add_typer(projects_app, name="projects")
    from gaoxin.commands import commitments  # 先承诺后审批 (imports this module's helpers)

    commitments.register(root)


def _day(text: str | None) -> date | None:
    return _when(text).date() if text else None


def _pairs(pairs: list[str], what: str = "--field") -> dict[str, str]:
    out = {}
    for p in pairs:
        if "=" not in p:
            fail(f"{what} 应写成 名称=值（如 reason=企业投资计划调整），收到「{p}」")
        k, v = p.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _numbers(pairs: list[str]) -> dict[str, float]:
    out = {}
    for k, v in _pairs(pairs, "--commit").items():
        try:
            out[k] = float(v)
        except ValueError:
            fail(f"--commit {k} 的值应为数字，收到「{v}」")
    return out


def _out(obj) -> None:
    """--json: the same values the JSON API gives (node plans and months as objects, no NaN)."""
    import dataclasses

    from gaoxin.jsonable import jsonable

    def plain(o):
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            return plain(dataclasses.asdict(o))
        if isinstance(o, dict):
            return {str(k): plain(v) for k, v in o.items()}
        if isinstance(o, list | tuple):
            return [plain(v) for v in o]
        return o

    print_json(jsonable(plain(obj)))


def _domain_of(con, case_id: str, domain: str, what: str) -> None:
    from gaoxin.store import cases as store_cases

    if not store_cases.case_visible(con, case_id, {"domain": domain}):
        fail(
            f"没有编号为 {case_id} 的{what}（gaoxin {'leads' if what == '招商线索' else 'projects'} list 列出已有的）"
        )


def _timeline(view: dict) -> None:
    table(
        "办理记录",
        ("#", "时间", "办理人", "操作", "状态", "说明"),
        [
            (
                e["seq"],
                f"{e['at']:%Y-%m-%d %H:%M}",
                e["actor"],
                e["title"],
                e["to_title"],
                "；".join(x for x in ("；".join(f"{k}={v}" for k, v in e["fields"].items()), e["note"]) if x),
            )
            for e in view["timeline"]
        ],
    )


# ---- leads ------------------------------------------------------------------------------------------------


@leads_app.command("add", help="登记一条招商线索 / enter a lead")
def leads_add(
    title: Annotated[str, typer.Option("--title", help="线索名称（项目名称）")],
    industry: Annotated[
        str, typer.Option("--industry", help="行业（GB/T 4754 代码和名称，如「3811 电动机制造」）")
    ] = "",
    source: Annotated[str, typer.Option("--source", help="来源：以商招商 展会 中介 …")] = "",
    uscc: Annotated[str | None, typer.Option("--uscc", help="企业统一社会信用代码（可后补）")] = None,
    firm: Annotated[str | None, typer.Option("--firm", help="企业名称")] = None,
    town: Annotated[str | None, typer.Option("--town", help="拟落户镇街")] = None,
    chain_node: Annotated[
        str,
        typer.Option(
            "--chain-node",
            help="补链的产业链环节：环节编号（如 NEV.M2）或「产业链/环节」，见 gaoxin chains map",
        ),
    ] = "",
    investment: Annotated[float | None, typer.Option("--investment", help="计划投资（万元）")] = None,
    land: Annotated[float | None, typer.Option("--land", help="用地需求（亩）")] = None,
    space: Annotated[float | None, typer.Option("--space", help="厂房需求（平方米）")] = None,
    owner: Annotated[str, typer.Option("--owner", help="责任人")] = "",
    next_action: Annotated[str, typer.Option("--next-action", help="下一步工作")] = "",
    next_due: Annotated[str, typer.Option("--next-due", help="下一步期限 YYYY-MM-DD")] = "",
    kind: Annotated[str, typer.Option("--kind", help="新签 或 增资")] = "新签",
    of_project: Annotated[str, typer.Option("--of-project", help="增资时的原项目编号")] = "",
    actor: AsOpt = None,
    role: RoleOpt = "admin",
    at: AtOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.projects.leads import enter_lead

    header = dict(
        title=title, industry=industry, source=source, uscc=uscc, firm_name=firm, town=town,
        chain_node=chain_node, investment_wan=investment, land_mu=land, space_sqm=space, owner=owner,
        next_action=next_action, next_due=next_due, kind=kind, of_project=of_project,
    )  # fmt: skip
    con = open_store(db)
    try:
        lead_id = _run(
            lambda: enter_lead(
                con, _calendar(con), actor=actor or getpass.getuser(), role=role, at=_when(at), **header
            )
        )
    finally:
        con.close()
    if as_json:
        _out({"case_id": lead_id})
    else:
        console.print(f"已登记线索 [bold]{lead_id}[/]：{title}（下一步：gaoxin leads move {lead_id} visit）")


@leads_app.command("list", help="线索列表和漏斗 / leads and the funnel")
def leads_list(
    state: Annotated[
        str | None, typer.Option("--state", help="阶段 id：contact visit negotiate signed dropped")
    ] = None,
    town: Annotated[str | None, typer.Option("--town", help="镇街")] = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.projects import leads

    con = open_store(db, read_only=True)
    try:
        rows = leads.lead_rows(con, town)
    finally:
        con.close()
    funnel = leads.funnel(rows)
    if state and rows.height:
        rows = rows.filter(rows["state"] == state)
    if as_json:
        _out({"leads": rows.to_dicts(), "funnel": funnel})
        return
    table("线索漏斗", ("阶段", "当前", "到达及以后"), [(f["title"], f["now"], f["reached"]) for f in funnel])
    table(
        f"招商线索 {rows.height} 条",
        ("编号", "线索名称", "企业", "行业", "来源", "阶段", "类型"),
        [
            (r["case_id"], r["title"], r["firm_name"] or r["uscc"], r["category"], r["source"], r["state_title"], r["urgency"])
            for r in rows.iter_rows(named=True)
        ],
    )  # fmt: skip


@leads_app.command("show", help="一条线索：阶段、计入口径和办理记录 / one lead")
def leads_show(
    case_id: Annotated[str, typer.Argument(help="线索编号，如 ZS-2025-00001")],
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.ledger import show
    from gaoxin.cases.projects import leads

    con = open_store(db, read_only=True)
    try:
        _domain_of(con, case_id, leads.DOMAIN, "招商线索")
        view = _run(lambda: show(con, case_id, _calendar(con)))
    finally:
        con.close()
    if as_json:
        _out(view)
        return
    c, f = view["case"], view["case"]["fields"]
    console.print(
        f"[bold]{c['case_id']}[/] {c['title']} · {c.get('firm_name') or c.get('uscc') or '未关联企业'} · "
        f"{view['state_title']} · {f.get('kind', '新签')} · 计划投资 {f.get('investment_wan', '—')} 万元 · "
        f"用地 {f.get('land_mu', '—')} 亩 · 责任人 {f.get('owner') or '—'}"
    )
    for e in view["timeline"]:
        if e["fields"].get("count_reason"):
            console.print(f"计入：{e['fields']['counted_wan']:g} 万元 — {e['fields']['count_reason']}")
    _timeline(view)
    if view["next"]:
        console.print("下一步：" + "、".join(f"{n['title']}（{n['action']}）" for n in view["next"]))


@leads_app.command("move", help="线索推进一步：visit negotiate sign drop（签约即入项目库）/ move a lead")
def leads_move(
    case_id: Annotated[str, typer.Argument(help="线索编号")],
    action: Annotated[str, typer.Argument(help="visit（考察）negotiate（洽谈）sign（签约）drop（放弃）")],
    field: FieldOpt = [],  # noqa: B006
    reason: Annotated[str | None, typer.Option("--reason", help="放弃理由")] = None,
    investment: Annotated[float | None, typer.Option("--investment", help="签约投资（万元）")] = None,
    land: Annotated[float | None, typer.Option("--land", help="签约用地（亩）")] = None,
    full_year: Annotated[int | None, typer.Option("--full-year", help="承诺达产年度")] = None,
    commit: CommitOpt = [],  # noqa: B006
    key: Annotated[bool, typer.Option("--key", help="列为重点项目")] = False,
    note: Annotated[str, typer.Option("--note", help="说明")] = "",
    actor: AsOpt = None,
    role: RoleOpt = "admin",
    at: AtOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.ledger import record
    from gaoxin.cases.projects import book, leads

    who = actor or getpass.getuser()
    con = open_store(db)
    try:
        _domain_of(con, case_id, leads.DOMAIN, "招商线索")
        cal = _calendar(con)
        if action == "sign":
            if investment is None or land is None:
                fail("签约须给出 --investment（万元）和 --land（亩）")
            pid, amount, why = _run(
                lambda: book.sign_lead(
                    con, cal, case_id, actor=who, role=role, investment_wan=investment, land_mu=land,
                    at=_when(at), full_year=full_year, key=key, **_numbers(commit),
                )
            )  # fmt: skip
            out = {
                "case_id": case_id,
                "state": "signed",
                "project_id": pid,
                "counted_wan": amount,
                "count_reason": why,
            }
        else:
            fields = _pairs(field) | ({"reason": reason} if reason else {})
            view = _run(
                lambda: record(con, case_id, cal=cal, actor=who, role=role, action=action, fields=fields,
                               note=note, at=_when(at))
            )  # fmt: skip
            out = {"case_id": case_id, "state": view.state, "state_title": view.state_title}
    finally:
        con.close()
    if as_json:
        _out(out)
    elif action == "sign":
        console.print(
            f"{case_id} → [bold]签约[/]，入项目库 [bold]{out['project_id']}[/]；计入 {amount:g} 万元（{why}）"
        )
    else:
        console.print(f"{case_id} → [bold]{out['state_title']}[/]")


# ---- projects ---------------------------------------------------------------------------------------------


@projects_app.command("add", help="直接登记一个项目（不经线索）/ enter a project")
def projects_add(
    title: Annotated[str, typer.Option("--title", help="项目名称")],
    investment: Annotated[float, typer.Option("--investment", help="协议投资（万元）")],
    land: Annotated[float, typer.Option("--land", help="用地（亩）")],
    uscc: Annotated[str | None, typer.Option("--uscc", help="企业统一社会信用代码")] = None,
    firm: Annotated[str | None, typer.Option("--firm", help="企业名称")] = None,
    town: Annotated[str | None, typer.Option("--town", help="镇街")] = None,
    industry: Annotated[str, typer.Option("--industry", help="行业（GB/T 4754）")] = "",
    owner: Annotated[str, typer.Option("--owner", help="责任人")] = "",
    chain_node: Annotated[str, typer.Option("--chain-node", help="产业链环节")] = "",
    full_year: Annotated[int | None, typer.Option("--full-year", help="承诺达产年度")] = None,
    commit: CommitOpt = [],  # noqa: B006
    key: Annotated[bool, typer.Option("--key", help="列为重点项目")] = False,
    actor: AsOpt = None,
    role: RoleOpt = "admin",
    at: AtOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.projects import book

    con = open_store(db)
    try:
        pid = _run(
            lambda: book.enter_project(
                con, _calendar(con), actor=actor or getpass.getuser(), role=role, at=_when(at), title=title,
                uscc=uscc, firm_name=firm, town=town, industry=industry, owner=owner, chain_node=chain_node,
                full_year=full_year, key=key, investment_wan=investment, land_mu=land, **_numbers(commit),
            )
        )  # fmt: skip
    finally:
        con.close()
    if as_json:
        _out({"case_id": pid})
    else:
        console.print(f"已入项目库 [bold]{pid}[/]：{title}（节点计划：gaoxin projects show {pid}）")


@projects_app.command("list", help="项目看板：阶段、红黄绿、三未、指标 / the board")
def projects_list(
    state: Annotated[
        str | None, typer.Option("--state", help="阶段 id：signed started completed producing full")
    ] = None,
    colour: Annotated[str | None, typer.Option("--colour", help="红 / 黄 / 绿")] = None,
    town: Annotated[str | None, typer.Option("--town", help="镇街")] = None,
    today: TodayOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.desk import Scope
    from gaoxin.cases.projects import desk

    scope = Scope("town", None, town) if town else Scope("admin", None)
    con = open_store(db)  # the board's projection is re-derived for the day first
    try:
        data = desk.board(con, _calendar(con), scope, _day(today), colour=colour, state=state)
    finally:
        con.close()
    if as_json:
        _out(data)
        return
    console.print(
        f"红 {data['colours']['红']} · 黄 {data['colours']['黄']} · 绿 {data['colours']['绿']}（{data['today']}；"
        "当月未完成为红，赶上进度后为黄，不回绿）"
    )
    table(
        f"项目库 {len(data['projects'])} 个",
        ("编号", "项目名称", "企业", "阶段", "状态", "协议投资（万元）", "计入（万元）", "完成投资（万元）", "逾期节点"),
        [
            (p["case_id"], p["title"], p["firm_name"], p["state_title"], p["colour"], f"{p['investment_wan'] or 0:,.0f}",
             f"{p['counted_wan'] or 0:,.0f}", f"{p['done_wan'] or 0:,.1f}", "、".join(p["overdue_nodes"]))
            for p in data["projects"]
        ],
    )  # fmt: skip
    console.print("三未：" + "；".join(f"{k} {len(v)} 个" for k, v in data["missing"].items()))
    pct = lambda v: "—" if v is None else f"{v:.1%}"  # noqa: E731
    table(
        "项目指标（按签约年度）",
        ("年度", "项目数", "计入（万元）", "履约率", "落地率", "开工率", "投产率", "资金到位率"),
        [
            (k["group"], k["projects"], f"{k['counted_wan']:,.0f}", pct(k["performance_rate"]), pct(k["landing_rate"]),
             pct(k["start_rate"]), pct(k["production_rate"]), pct(k["funds_rate"]))
            for k in data["kpis"]["year"]
        ],
    )  # fmt: skip


@projects_app.command("show", help="一个项目：节点计划、月度颜色、承诺核验、办理记录 / one project")
def projects_show(
    case_id: Annotated[str, typer.Argument(help="项目编号，如 XM-2025-00001")],
    today: TodayOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.projects import book

    con = open_store(db, read_only=True)
    try:
        _domain_of(con, case_id, book.DOMAIN, "项目")
        d = _run(lambda: book.detail(con, _calendar(con), case_id, _day(today)))
    finally:
        con.close()
    if as_json:
        _out(d)
        return
    c, f = d["case"], d["case"]["fields"]
    console.print(
        f"[bold]{c['case_id']}[/] {c['title']} · {c.get('firm_name') or '—'} · {d['state_title']} · "
        f"状态 [bold]{d['colour'] or '—'}[/] · 协议投资 {f.get('investment_wan')} 万元 · 用地 {f.get('land_mu')} 亩"
    )
    titles = {n.id: n.title for n in d["plan"]}
    if f.get("projection"):
        p = f["projection"]
        console.print(f"签约时测算亩均等级 {p['klass']}（{p['position']} / {p['of']}，评价 {p['run_id']}）")
    table(
        "节点计划（工作日）",
        ("节点", "前置", "计划完成", "实际完成", "逾期（工作日）"),
        [
            (n.title, "、".join(titles[a] for a in n.after), n.planned, n.done, n.late_workdays or "")
            for n in d["plan"]
        ],
    )
    table(
        "月度调度",
        ("月份", "状态", "累计计划（万元）", "累计完成（万元）", "累计到位（万元）", "说明"),
        [(m.month, m.colour, f"{m.plan_cum:,.1f}", f"{m.done_cum:,.1f}", f"{m.funds_cum:,.1f}", m.reason)
         for m in d["months"][-12:]],
    )  # fmt: skip
    _checks(d["checks"])
    _timeline(d)


def _checks(checks: list[dict]) -> None:
    if not checks:
        console.print("承诺核验：尚未到达产年度，或企业没有信用代码")
        return
    table(
        "承诺核验",
        ("编号", "年度", "承诺指标", "承诺", "实际", "结果", "依据"),
        [
            (c["case_id"], c["year"], f"{c['title']}（{c['unit']}）", f"{c['committed']:.2f}",
             None if c["actual"] is None else f"{c['actual']:.2f}",
             c["status"] + (f"，差 {c['short']:.2f}" if c.get("short") else ""), "；".join(c["evidence"] or []))
            for c in checks
        ],
    )  # fmt: skip


@projects_app.command(
    "move", help="项目推进一步：node（完成节点）start complete produce reach_full terminate"
)
def projects_move(
    case_id: Annotated[str, typer.Argument(help="项目编号")],
    action: Annotated[str, typer.Argument(help="node start complete produce reach_full terminate")],
    node: Annotated[str | None, typer.Option("--node", help="完成的节点 id（action 为 node 时）：land filing energy eia planning permit above_scale")] = None,
    done_on: Annotated[str | None, typer.Option("--done-on", help="节点实际完成日 YYYY-MM-DD（默认办理日）")] = None,
    field: FieldOpt = [],  # noqa: B006
    note: Annotated[str, typer.Option("--note", help="说明")] = "",
    actor: AsOpt = None,
    role: RoleOpt = "admin",
    at: AtOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:  # fmt: skip
    from gaoxin.cases.ledger import record
    from gaoxin.cases.projects import book

    who = actor or getpass.getuser()
    con = open_store(db)
    try:
        _domain_of(con, case_id, book.DOMAIN, "项目")
        cal = _calendar(con)
        if action == "node":
            if not node:
                fail("完成节点须给出 --node（节点 id，见 gaoxin projects show）")
            view = _run(lambda: book.complete_node(con, cal, case_id, actor=who, role=role, node=node,
                                                   done_on=_day(done_on), note=note, at=_when(at)))  # fmt: skip
        else:
            view = _run(lambda: record(con, case_id, cal=cal, actor=who, role=role, action=action,
                                       fields=_pairs(field), note=note, at=_when(at)))  # fmt: skip
    finally:
        con.close()
    if as_json:
        _out({"case_id": case_id, "state": view.state, "state_title": view.state_title})
    else:
        console.print(
            f"{case_id} → [bold]{view.state_title}[/]" + (f"（完成节点 {node}）" if action == "node" else "")
        )


@projects_app.command("progress", help="登记月度调度：计划投资、完成投资、资金到位（万元）/ monthly figures")
def projects_progress(
    case_id: Annotated[str, typer.Argument(help="项目编号")],
    month: Annotated[str, typer.Option("--month", help="月份 YYYY-MM")],
    plan: Annotated[float, typer.Option("--plan", help="当月计划投资（万元）")] = 0.0,
    done: Annotated[float, typer.Option("--done", help="当月完成投资（万元）")] = 0.0,
    funds: Annotated[float, typer.Option("--funds", help="当月资金到位（万元）")] = 0.0,
    note: Annotated[str, typer.Option("--note", help="说明")] = "",
    actor: AsOpt = None,
    role: RoleOpt = "admin",
    at: AtOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    import re

    from gaoxin.cases.projects import book

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month.strip()):
        fail(f"--month 应写成 YYYY-MM（如 2025-10），收到「{month}」")
    con = open_store(db)
    try:
        _domain_of(con, case_id, book.DOMAIN, "项目")
        cal = _calendar(con)
        _run(lambda: book.progress(con, cal, case_id, actor=actor or getpass.getuser(), role=role, month=month.strip(),
                                   plan_wan=plan, done_wan=done, funds_wan=funds, note=note, at=_when(at)))  # fmt: skip
        d = book.detail(con, cal, case_id)
    finally:
        con.close()
    m = next((x for x in d["months"] if x.month == month.strip()), None)
    out = {
        "case_id": case_id,
        "month": month.strip(),
        "colour": m.colour if m else None,
        "reason": m.reason if m else "",
    }
    if as_json:
        _out(out)
    else:
        console.print(f"{case_id} {out['month']} 调度已登记：{out['colour'] or '—'} {out['reason']}")


@projects_app.command(
    "refresh", help="按今天重算项目看板（每日一次，如放在定时任务里）/ re-derive the board as of today"
)
def projects_refresh(
    today: TodayOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.projects import book
    from gaoxin.store import cases as store_cases

    day = _day(today) or date.today()
    con = open_store(db)
    try:
        n = book.refresh_board(
            con, _calendar(con), day, store_cases.case_ids(con, book.DOMAIN, open_only=False)
        )
    finally:
        con.close()
    if as_json:
        _out({"refreshed": n, "as_of": day})
    else:
        console.print(
            f"已按 {day} 重算 {n} 个项目的颜色、逾期节点和三未（网页每天首次打开看板时也会自动重算）"
        )


@projects_app.command(
    "check", help="标准地承诺核验（达产年度起逐年，对照税务/统计/用地/用能数据）/ commitment check"
)
def projects_check(
    case_ids: Annotated[
        list[str] | None, typer.Argument(help="项目编号（不填：全部已到达产年度的项目）")
    ] = None,
    short_only: Annotated[bool, typer.Option("--short", help="只看未达标")] = False,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.projects import book
    from gaoxin.cases.projects.commitments import SHORT

    con = open_store(db, read_only=True)
    try:
        for cid in case_ids or []:
            _domain_of(con, cid, book.DOMAIN, "项目")
        checks = book.check_projects(con, list(case_ids) if case_ids else None)
    finally:
        con.close()
    rows = checks.to_dicts() if checks.height else []
    if short_only:
        rows = [r for r in rows if r["status"] == SHORT]
    if as_json:
        _out({"checks": rows})
        return
    if not rows:
        console.print("没有可核验的承诺（项目尚未到达产年度，或企业没有信用代码）")
        return
    _checks(rows)
    n_short = len({r["case_id"] for r in rows if r["status"] == SHORT})
    console.print(f"未达标项目 {n_short} 个；逐项依据为数据批次、文件和行号（gaoxin batches 查看批次）")


def demo_projects(db) -> None:
    """`gaoxin demo`: ~120 leads and the projects their signings opened, 2023 to today, through the case ledger
    (once: a store that has projects keeps them); one summary line of the board as of today."""
    from gaoxin.cases.desk import Scope
    from gaoxin.cases.projects import book, desk
    from gaoxin.demo.projects import generate_projects
    from gaoxin.store import cases as store_cases

    con = open_store(db)
    try:
        if store_cases.case_ids(con, book.DOMAIN, open_only=False):
            console.print("招商项目已存在，未重复生成")
            return
        with console.status("招商引资 …"):
            cal = _calendar(con)
            lead_ids, project_ids = generate_projects(con, cal)
            data = desk.board(con, cal, Scope("admin", None))
    finally:
        con.close()
    c, m = data["colours"], data["missing"]
    short = len({s["case_id"] for s in data["shortfalls"]})
    console.print(
        f"招商线索 {len(lead_ids)} 条，签约入库项目 {len(project_ids)} 个：红 {c['红']} 黄 {c['黄']} 绿 {c['绿']}；"
        f"三未 {'、'.join(f'{k} {len(v)}' for k, v in m.items())}；履约未达标 {short} 个；gaoxin projects list 查看看板"
    )


@projects_app.command("import", help="导入项目台账（招商局报送的 xlsx / csv）/ import a project ledger")
def projects_import(
    file: Annotated[Path, typer.Argument(help="项目台账 xlsx / xls / csv", show_default=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只预览，不写入 / preview only")] = False,
    actor: Annotated[str, typer.Option("--as", help="办理记录中的办理人")] = "项目台账导入",
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.projects.intake import ImportFailed, import_projects

    con = open_store(db)
    try:
        o = _run(lambda: import_projects(con, file, cal=_calendar(con), actor=actor, dry_run=dry_run))
    except ImportFailed as exc:
        fail(str(exc))
    finally:
        con.close()
    if as_json:
        print_json(o.as_json())
        return
    batch = "预览（未写入）" if o.status == "preview" else f"#{o.batch_id}"
    if o.status == "duplicate":
        batch += "（已导入过，未改动）"
    table("项目台账导入结果", ("文件", "行数", "接受", "拒绝", "跳过", "批次"),
           [(o.file, o.rows, o.accepted, o.rejected, o.skipped, batch)])  # fmt: skip
    for note in o.notes:
        console.print(f"[dim]{o.file}: {note}[/]")
    if o.case_ids and o.status == "imported":
        console.print(f"新入项目库 {len(o.case_ids)} 个（{o.case_ids[0]} … {o.case_ids[-1]}）")
    if o.rejects:
        table("未导入的行", ("工作表", "行", "处理", "列", "原因"),
               [(r["sheet"], r["row_no"], r["disposition"], r["columns"] or "", r["reasons"]) for r in o.rejects])  # fmt: skip


@projects_app.command("report", help="重点项目月度调度表 xlsx / the monthly dispatch sheet")
def projects_report(
    month: Annotated[str, typer.Option("--month", help="调度月份 YYYY-MM")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出 xlsx 文件")],
    town: Annotated[str | None, typer.Option("--town", help="只含该镇街的项目")] = None,
    today: TodayOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    import re

    from gaoxin.cases.desk import Scope
    from gaoxin.reports.projects_dispatch import SHEETS, write_dispatch

    if not re.match(r"^(19|20)\d{2}-(0[1-9]|1[0-2])$", month):
        fail(f"--month 应写成 YYYY-MM（如 2025-11），收到「{month}」")
    con = open_store(db)
    try:
        scope = Scope("town", None, town) if town else Scope("admin", None)
        path = _run(lambda: write_dispatch(con, _calendar(con), month, out, scope, _day(today)))
    finally:
        con.close()
    if as_json:
        _out({"file": str(path), "month": month, "sheets": list(SHEETS)})
    else:
        console.print(f"已写出 {path}（{'、'.join(SHEETS)}）")
