"""`gaoxin land …`: 盘活存量 — the land register (宗地, 厂房, outlines), the 闲置土地 clocks of 53号令 and the zone's
低效 flags with their evidence, decisions beside the clocks, 一企一策 disposal cases, and the county's workbook.
The same code the pages and the JSON API call (gaoxin.cases.land)."""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from gaoxin.commands.common import AsOfOption as AsOfOpt
from gaoxin.commands.common import JsonOption, console, fail, num, table
from gaoxin.commands.common import RulesOption as RulesOpt
from gaoxin.commands.common import as_of_day as _as_of
from gaoxin.commands.common import print_plain as _out
from gaoxin.commands.data import DbOpt, open_store
from gaoxin.commands.requests import AsOpt, _calendar, _fields, _run, _when

app = typer.Typer(
    help="盘活存量 / land: 宗地台账、闲置土地（53号令）、低效用地、一企一策处置", no_args_is_help=True
)

TownOpt = Annotated[str | None, typer.Option("--town", help="只看某镇街 / one town")]
RoleOpt = Annotated[str, typer.Option("--role", help="以何种角色办理 / role: admin, analyst, town")]
FieldOpt = Annotated[list[str], typer.Option("--field", "-f", help="名称=值，可重复（如 cause=资金）")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="land")


def _evaluated(
    db, day: date, rules: Path | None, town: str | None = None, then=None, parcel_no: str | None = None
) -> tuple[dict, object]:
    """The register evaluated as of `day` on the store opened read-only (an unknown --town refused with the
    towns that exist); `then(con, ev)` reads what else a command needs before the store is closed. A rules
    file or parcel that cannot be used ends the command with its message."""
    from gaoxin.cases.land.register import LandError, evaluate
    from gaoxin.cases.land.rules import RulesError

    con = open_store(db, read_only=True)
    try:
        _check_town(con, town)
        ev = evaluate(con, day, rules, town, parcel_no)
        return ev, (then(con, ev) if then else None)
    except (RulesError, LandError) as exc:
        fail(str(exc))
    finally:
        con.close()


def _check_town(con, town: str | None) -> None:
    from gaoxin.store import land as store

    if town and town not in (known := store.towns(con)):
        fail(f"没有镇街「{town}」的宗地；已登记的镇街：{'、'.join(known) or '（无）'}")


@app.command("import", help="导入宗地台账 xlsx / csv，或宗地图形 GeoJSON / shapefile / import land files")
def land_import(
    files: Annotated[list[Path], typer.Argument(help="宗地台账或宗地图形文件", show_default=False)],
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.land.register import LandError, import_land

    con = open_store(db)
    out = []
    try:
        for f in files:
            try:
                o = import_land(con, f)
            except LandError as exc:
                fail(str(exc))
            out.append(o)
    finally:
        con.close()
    if as_json:
        _out([o.__dict__ for o in out])
        return
    for o in out:
        if o.duplicate:
            console.print(f"{o.file_name}: 已导入过（批次 {o.batch_id}），未重复导入")
            continue
        console.print(
            f"{o.file_name}（{o.kind}）: 批次 {o.batch_id}，接收 {o.accepted} 行，拒收 {o.rejected} 行，跳过 {o.skipped} 行"
            + ("；拒收原因：gaoxin rejects " + str(o.batch_id) if o.rejected else "")
        )
        for n in o.notes:
            console.print(f"  · {n}")


@app.command("list", help="宗地台账：每宗地的闲置状态和低效认定 / the register")
def land_list(
    town: TownOpt = None,
    status: Annotated[str | None, typer.Option(help="状态：闲置 / 闲置候选（待认定）/ 政府原因（第八条）/ 计时中 / 正常")] = None,
    rule: Annotated[str | None, typer.Option(help="低效规则：overdue_completion low_intensity no_power no_tax class_d banned_industry")] = None,
    limit: Annotated[int, typer.Option(help="最多列出几行 / rows shown")] = 50,
    as_of: AsOfOpt = None,
    rules: RulesOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:  # fmt: skip
    from gaoxin.cases.land.register import STATUSES, select, summary
    from gaoxin.cases.land.rules import LOWUSE

    if status and status not in STATUSES:
        fail(f"--status 应为 {' / '.join(STATUSES)} 之一，收到「{status}」")
    if rule and rule not in LOWUSE:
        fail(f"--rule 应为 {' / '.join(LOWUSE)} 之一，收到「{rule}」")
    day = _as_of(as_of)
    ev, _ = _evaluated(db, day, rules, town)
    reg = ev["register"]
    rows = select(reg, status=status, rule=rule)
    if as_json:
        cols = ("parcel_no", "uscc", "holder_name", "town", "area_mu", "land_use", "status", "category",
                "idle_days", "fee_eligible", "reclaim_eligible", "investigate_overdue", "flag_rules", "flag_titles")  # fmt: skip
        _out({"as_of": day, "summary": summary(reg), "total": rows.height,
              "parcels": rows.select(cols).head(limit).to_dicts()})  # fmt: skip
        return
    s = summary(reg)
    console.print(
        f"截至 {day}：宗地 {s['parcels']} 宗 {num(s['mu'])} 亩；"
        + "，".join(f"{k} {v['parcels']} 宗" for k, v in sorted(s["by_status"].items()))
        + f"；低效 {s['lowuse_parcels']} 宗 {num(s['lowuse_mu'])} 亩；可征缴闲置费 {s['fee_eligible']} 宗，"
        f"可收回 {s['reclaim_eligible']} 宗，调查超期 {s['investigate_overdue']} 宗"
    )
    table(
        f"宗地（{rows.height} 宗{'，显示前 ' + str(limit) if rows.height > limit else ''}）",
        ("宗地编号", "使用权人", "镇街", "面积（亩）", "状态", "计时天数", "低效认定"),
        [
            (
                r["parcel_no"],
                r["holder_name"],
                r["town"],
                num(r["area_mu"]),
                r["status"],
                r["idle_days"],
                "、".join(r["flag_titles"]),
            )  # fmt: skip
            for r in rows.head(limit).iter_rows(named=True)
        ],
    )


@app.command(
    "flags", help="低效用地清单：每条认定的规则、数据和来源批次 / low-efficiency flags with evidence"
)
def land_flags(
    town: TownOpt = None,
    rule: Annotated[str | None, typer.Option(help="只看某条规则")] = None,
    as_of: AsOfOpt = None,
    rules: RulesOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    import polars as pl

    from gaoxin.cases.land.register import flag_text
    from gaoxin.cases.land.rules import LOWUSE

    if rule and rule not in LOWUSE:
        fail(f"--rule 应为 {' / '.join(LOWUSE)} 之一，收到「{rule}」")
    day = _as_of(as_of)
    ev, _ = _evaluated(db, day, rules, town)
    flags = ev["flags"] if not rule else ev["flags"].filter(pl.col("rule") == rule)
    if as_json:
        import json

        _out({"as_of": day, "rules_sha256": ev["rules"]["sha256"],
              "flags": [{**f, "numbers": json.loads(f["numbers"])} for f in flags.to_dicts()]})  # fmt: skip
        return
    table(
        f"低效用地认定（截至 {day}，{flags.height} 条）",
        ("宗地编号", "规则", "数据", "依据", "来源批次"),
        [
            (
                f["parcel_no"],
                f["title"],
                flag_text(f["numbers"]),
                f["clause"],
                "、".join(map(str, f["batches"])),
            )
            for f in flags.iter_rows(named=True)
        ],
    )


@app.command("show", help="一宗地：合同与实际、53号令计时、低效认定及证据、房屋、决定、亩均、处置案件")
def land_show(
    parcel_no: Annotated[str, typer.Argument(help="宗地编号", show_default=False)],
    as_of: AsOfOpt = None,
    rules: RulesOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.land.register import flag_text, parcel_page

    day = _as_of(as_of)
    _ev, page = _evaluated(
        db, day, rules, then=lambda con, ev: parcel_page(con, ev, parcel_no), parcel_no=parcel_no
    )
    if as_json:
        _out({"as_of": day, **page})
        return
    p, c = page["parcel"], page["clock"]
    console.print(
        f"[bold]宗地 {p['parcel_no']}[/] {p['holder_name'] or ''}（{p['uscc'] or '无信用代码'}）· {p['town'] or ''} · "
        f"{num(p['area_mu'])} 亩 · {p['land_use'] or ''} · 合同 {p['contract_no'] or '—'} · "
        f"价款 {num(p['price_wan'])} 万元"
    )
    console.print(
        f"状态：[bold]{c['status']}[/]"
        + (f"，计时 {c['idle_days']} 天（自 {c['clock_start']}）" if c["clock_start"] else "")
        + (f"，政府原因延迟 {c['delay_days']} 天" if c["delay_days"] else "")
        + (f"；调查期限 {c['investigate_due']}" if c["investigate_due"] else "")
        + ("（已超期）" if c["investigate_overdue"] else "")
        + (f"；可下达征缴闲置费决定（基数 {num(c['fee_base_wan'])} 万元）" if c["fee_eligible"] else "")
        + ("；可下达收回决定" if c["reclaim_eligible"] else "")
    )
    table(
        "合同约定与实际",
        ("事项", "约定", "实际"),
        [(t["event"], t["agreed"], t["actual"]) for t in page["timeline"]],
    )
    if page["flags"]:
        table(
            "低效认定", ("规则", "数据", "依据", "来源批次"),
            [(f["title"], flag_text(f["numbers"]), f["clause"], "、".join(map(str, f["batches"]))) for f in page["flags"]],
        )  # fmt: skip
    if page["decisions"]:
        table(
            "决定", ("时间", "类型", "原因/方式", "金额（万元）", "办理人", "说明"),
            [(d["recorded_at"], d["kind"], d["cause"], d["amount_wan"], d["actor"], d["note"]) for d in page["decisions"]],
        )  # fmt: skip
    for k in page["cases"]:
        console.print(f"处置案件 {k['case_id']}：{k['state_title']}（责任人 {k['officer'] or '未定'}）")
    console.print(f"来源：批次 {p['batch_id']} {p['file_name']} 工作表「{p['sheet']}」第 {p['row_no']} 行")


@app.command("decide", help="登记决定：delay（政府原因延迟）investigation finding fee reclaim option")
def land_decide(
    parcel_no: Annotated[str, typer.Argument(help="宗地编号", show_default=False)],
    kind: Annotated[str, typer.Argument(help="delay | investigation | finding | fee | reclaim | option", show_default=False)],
    cause: Annotated[str | None, typer.Option(help="延迟原因（第八条所列之一）")] = None,
    from_day: Annotated[str | None, typer.Option("--from", help="延迟起始日期")] = None,
    to_day: Annotated[str | None, typer.Option("--to", help="延迟结束日期（不填：仍在延迟）")] = None,
    verified: Annotated[bool, typer.Option("--verified", help="经审核属实")] = False,
    option: Annotated[str | None, typer.Option(help="第十二条处置方式")] = None,
    note: Annotated[str, typer.Option(help="说明")] = "",
    role: RoleOpt = "analyst",
    actor: AsOpt = None,
    rules: RulesOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:  # fmt: skip
    from gaoxin.cases.land.clocks import DECISION_KINDS
    from gaoxin.cases.land.decisions import DecisionRefused, record_decision
    from gaoxin.cases.land.register import evaluate
    from gaoxin.cases.land.rules import RulesError

    con = open_store(db)
    try:
        ev = evaluate(con, date.today(), rules, parcel_no=parcel_no)  # checked against its clocks as of today
        did = record_decision(con, ev, parcel_no, kind, actor=actor or getpass.getuser(), role=role, cause=cause,
                              from_day=from_day, to_day=to_day, verified=verified, option=option, note=note)  # fmt: skip
    except (DecisionRefused, RulesError) as exc:
        fail(str(exc))
    finally:
        con.close()
    if as_json:
        _out({"decision_id": did, "parcel_no": parcel_no, "kind": kind})
    else:
        console.print(
            f"已登记 {did}：宗地 {parcel_no} {DECISION_KINDS[kind]}；gaoxin land show {parcel_no} 查看计时"
        )


@app.command("cases", help="一企一策处置案件与分镇街进度 / disposal cases and per-town progress")
def land_cases(
    town: TownOpt = None,
    year: Annotated[int | None, typer.Option(help="目标年度（默认今年）")] = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.land.disposal import town_progress
    from gaoxin.store import land as store

    con = open_store(db)
    try:
        _check_town(con, town)
        from gaoxin.cases import ledger
        from gaoxin.cases.land.disposal import DOMAIN

        ledger.refresh_if_stale(con, DOMAIN, _calendar(con))
        cases = store.land_case_rows(con, town)
        progress = town_progress(con, store.targets(con, year or date.today().year))
    finally:
        con.close()
    if town:
        progress = [p for p in progress if p["town"] == town]
    if as_json:
        _out({"progress": progress, "cases": cases.to_dicts()})
        return
    table(
        "分镇街处置进度",
        ("镇街", "立案", "在办", "销号", "超期", "盘活（亩）", "目标（亩）", "完成率"),
        [(p["town"], p["opened"], p["in_progress"], p["closed"], p["overdue"], num(p["freed_mu"]), num(p["target_mu"]),
          f"{p['share']:.1%}" if p["share"] is not None else "—") for p in progress],
    )  # fmt: skip
    table(
        f"处置案件（{cases.height} 件）",
        ("案件编号", "宗地", "使用权人", "镇街", "状态", "责任人", "期限", "超期"),
        [(k["case_id"], k["parcel_no"], k["firm_name"], k["town"], k["state_title"], k["officer"], k["due"],
          "超期" if k["overdue"] else "") for k in cases.iter_rows(named=True)],
    )  # fmt: skip


@app.command("open", help="为一宗地立一企一策处置案件（摸排）/ open a disposal case")
def land_open(
    parcel_no: Annotated[str, typer.Argument(help="宗地编号", show_default=False)],
    note: Annotated[str, typer.Option(help="说明")] = "",
    role: RoleOpt = "analyst",
    actor: AsOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.land.disposal import open_disposal

    con = open_store(db)
    try:
        cid = _run(lambda: open_disposal(con, _calendar(con), parcel_no, actor=actor or getpass.getuser(),
                                         role=role, note=note))  # fmt: skip
    finally:
        con.close()
    if as_json:
        _out({"case_id": cid, "parcel_no": parcel_no})
    else:
        console.print(
            f"已立案 {cid}（宗地 {parcel_no}，摸排）；下一步：gaoxin land step {cid} diagnose -f cause=资金 -f department=…"
        )


@app.command("step", help="办理处置案件：diagnose（摸排完成）propose（方案）replan close（销号）cancel")
def land_step(
    case_id: Annotated[str, typer.Argument(help="案件编号", show_default=False)],
    action: Annotated[str, typer.Argument(help="diagnose | propose | replan | close | cancel | note", show_default=False)],
    field: FieldOpt = [],  # noqa: B006 - typer reads the default
    note: Annotated[str, typer.Option(help="说明")] = "",
    role: RoleOpt = "analyst",
    town: Annotated[str | None, typer.Option("--as-town", help="以镇街专员身份办理时的镇街")] = None,
    actor: AsOpt = None,
    at: Annotated[str | None, typer.Option("--at", help="办理时间（补录时用）")] = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:  # fmt: skip
    from gaoxin.cases import desk
    from gaoxin.cases.land.disposal import DOMAIN
    from gaoxin.store import cases as store_cases

    fields = _fields(field)
    con = open_store(db)
    try:
        if not store_cases.case_visible(con, case_id, {"domain": DOMAIN}):
            fail(f"没有编号为 {case_id} 的处置案件（gaoxin land cases 列出已有的）")
        try:
            out = desk.take_step(con, _calendar(con), desk.Scope(role, None, town), actor=actor or getpass.getuser(),
                                 case_id=case_id, action=action, fields=fields, note=note,
                                 at=_when(at) if at else None, domain=DOMAIN)  # fmt: skip
        except desk.Refusal as exc:
            fail(str(exc))
    finally:
        con.close()
    if as_json:
        _out(out)
    else:
        console.print(f"{case_id}：{out['state_title']}")


@app.command("report", help="导出闲置土地台账、低效用地清单、处置进度 xlsx / the county's workbook")
def land_report(
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件")] = Path("闲置低效用地台账.xlsx"),
    as_of: AsOfOpt = None,
    rules: RulesOpt = None,
    db: DbOpt = None,
) -> None:
    from gaoxin.cases.land.disposal import town_progress
    from gaoxin.reports.land_xlsx import write_land_xlsx
    from gaoxin.store import land as store

    day = _as_of(as_of)
    ev, (progress, cases) = _evaluated(
        db,
        day,
        rules,
        then=lambda con, _ev: (town_progress(con, store.targets(con, day.year)), store.land_case_rows(con)),
    )
    write_land_xlsx(ev, progress, cases, out, day)
    console.print(f"已导出 {out}（闲置土地台账、低效用地清单、处置进度、一企一策、说明）")


@app.command("priorities", help="先处置哪宗：可挖潜税收/增加值排序，与在谈招商线索的用地需求匹配")
def land_priorities(
    limit: Annotated[int, typer.Option(help="列出几宗")] = 20,
    as_of: AsOfOpt = None,
    rules: RulesOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.land.register import matches, recoverable

    day = _as_of(as_of)
    _ev, (rec, found) = _evaluated(
        db, day, rules, then=lambda con, ev: (recoverable(con, ev), matches(con, ev))
    )
    cols = ("parcel_no", "holder_name", "town", "area_mu", "status", "flag_titles", "tax_per_mu", "median_tax_per_mu",
            "recoverable_tax_wan", "va_per_mu", "median_va_per_mu", "recoverable_va_wan")  # fmt: skip
    if as_json:
        _out({"as_of": day, "recoverable": rec.select(cols).head(limit).to_dicts(), "matches": found})
        return
    table(
        "可挖潜（(台账内企业中位亩均 − 本宗) × 亩，万元）",
        ("宗地", "使用权人", "镇街", "面积（亩）", "状态/认定", "亩均税收", "可挖潜税收", "亩均增加值", "可挖潜增加值"),
        [(r["parcel_no"], r["holder_name"], r["town"], num(r["area_mu"]),
          r["status"] if r["status"] != "正常" else "、".join(r["flag_titles"]), num(r["tax_per_mu"]),
          num(r["recoverable_tax_wan"]), num(r["va_per_mu"]), num(r["recoverable_va_wan"]))
         for r in rec.head(limit).iter_rows(named=True)],
    )  # fmt: skip
    for m in found:
        offers = "；".join(f"{o['kind']} {o['id']}（{num(o['size'])} {o['unit']}）" for o in m["offers"])
        console.print(
            f"{m['kind']} {m['case_id']} {m['title']}（需 {m['land_mu'] or m['space_sqm']}）→ {offers}"
        )


def demo_land(db) -> None:
    """`gaoxin demo`: the demo zone's land register, outlines, decisions and disposal cases (once)."""
    import tempfile

    from gaoxin.demo.land import generate_land

    con = open_store(db)
    try:
        with console.status("盘活存量 …"), tempfile.TemporaryDirectory(prefix="gaoxin-land-") as tmp:
            got = generate_land(con, _calendar(con), date.today(), Path(tmp))
    finally:
        con.close()
    if got["skipped"]:
        console.print("宗地台账已存在，未重复生成")
        return
    console.print(
        f"盘活存量：宗地台账 {got['parcels']} 行（拒收 {got['rejected']} 行）、图形 {got['geometries']} 个、"
        f"处置案件 {len(got['cases'])} 件；gaoxin land list 查看台账"
    )
