"""`gaoxin publish|appeals|adjust|final …`: 亩均 公示 of the official run, 申诉/复核 cases, 调档 with a second
user's approval, and the final list (定级) with its transitions — the same code the pages and the JSON API
call (gaoxin.cases.appeals)."""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from gaoxin.commands.common import JsonOption, console, fail, print_json
from gaoxin.commands.data import DbOpt, open_store

publish_app = typer.Typer(
    help="亩均 公示 / publication of the official run (公示中 → 公示结束 → 定级)", no_args_is_help=True
)
appeals_app = typer.Typer(
    help="亩均 申诉/复核 / appeals (受理 → 核实 → 领导小组审定 → 办结)", no_args_is_help=True
)
adjust_app = typer.Typer(
    help="亩均 调档、参评/不参评 / class adjustments (待审核 → 通过 / 退回)", no_args_is_help=True
)
final_app = typer.Typer(help="亩均 定级名单、台账、等级变动矩阵 / final list", no_args_is_help=True)

RunOpt = Annotated[str | None, typer.Option("--run", help="评价结果编号（默认：最近年度的正式评价）")]
UserOpt = Annotated[str | None, typer.Option("--user", help="办理人（默认：当前系统用户）")]
AtOpt = Annotated[str | None, typer.Option("--at", help="办理时间 YYYY-MM-DD[ HH:MM]（默认现在）")]


def register(root: typer.Typer) -> None:
    root.add_typer(publish_app, name="publish")
    root.add_typer(appeals_app, name="appeals")
    root.add_typer(adjust_app, name="adjust")
    root.add_typer(final_app, name="final")


def _user(user: str | None) -> str:
    return user or getpass.getuser()


def _guard(fn):
    """Refusals of this area reach the user as one line, never a traceback."""
    from gaoxin.cases.appeals.appeal import AppealError
    from gaoxin.cases.appeals.decisions import DecisionError
    from gaoxin.cases.appeals.publication import PublicationError
    from gaoxin.cases.appeals.rescore import RescoreError
    from gaoxin.cases.ledger import CaseError
    from gaoxin.evaluations.runs import RunError
    from gaoxin.flows import FlowError

    try:
        return fn()
    except (
        AppealError,
        DecisionError,
        PublicationError,
        RescoreError,
        CaseError,
        FlowError,
        RunError,
    ) as exc:
        fail(str(exc))


def _run_id(con, run: str | None) -> str:
    from gaoxin.store import official
    from gaoxin.store import runs as store_runs

    if run:
        found = store_runs.resolve_run(con, run)
        if found is None:
            fail(f"没有编号以 {run} 开头的评价结果（gaoxin mujun runs list 列出）")
        return found
    found = official.official_run(con, "mujun")
    if found is None:
        fail("尚无正式的亩均评价结果：先用 gaoxin mujun runs official <编号> 设为正式评价")
    return found


def _when(text):
    from gaoxin.commands.requests import _when as parse

    return parse(text)


def _cal(con):
    from gaoxin.cases.calendar import calendar_in_force

    return calendar_in_force(con)


# ---------------------------------------------------------------------------------------------------- 公示
@publish_app.command("open", help="公示正式评价结果 / open a publication")
def publish_open(
    run: RunOpt = None,
    days: Annotated[int | None, typer.Option("--days", help="公示期（工作日，默认按规则文件）")] = None,
    start: Annotated[str | None, typer.Option("--start", help="公示开始日 YYYY-MM-DD（默认今天）")] = None,
    user: UserOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.appeals.publication import open_publication, state
    from gaoxin.store import publication as store

    con = open_store(db)
    cal = _cal(con)
    opens = date.fromisoformat(start) if start else None
    pub_id = _guard(
        lambda: open_publication(
            con, _run_id(con, run), cal=cal, actor=_user(user), opens_on=opens, workdays=days
        )
    )
    pub = state(con, store.get(con, pub_id), cal)
    if as_json:
        print_json(pub)
        return
    console.print(
        f"{pub_id} 公示中：{pub['opens_on']} 至 {pub['ends_on']}（{pub['window_workdays']} 个工作日）"
    )


@publish_app.command("list", help="公示列表 / publications")
def publish_list(db: DbOpt = None, as_json: JsonOption = False) -> None:
    from gaoxin.cases.appeals.publication import state
    from gaoxin.store import publication as store

    con = open_store(db)
    cal = _cal(con)
    pubs = [state(con, p, cal) for p in store.all_publications(con)]
    if as_json:
        print_json(pubs)
        return
    for p in pubs:
        console.print(
            f"{p['pub_id']}  {p['period']}  {p['state']}  {p['opens_on']} ~ {p['ends_on']}  剩余 {p['left_workdays']} 个工作日"
        )


@publish_app.command("finalise", help="公示期满后定级 / finalise after the window")
def publish_finalise(
    pub_id: str, user: UserOpt = None, db: DbOpt = None, as_json: JsonOption = False
) -> None:
    from gaoxin.cases.appeals.publication import finalise

    con = open_store(db)
    pub = _guard(lambda: finalise(con, pub_id, cal=_cal(con), actor=_user(user)))
    if as_json:
        print_json(pub)
        return
    console.print(f"{pub_id} 已定级")


@publish_app.command("export", help="公示名单 xlsx / pdf")
def publish_export(
    pub_id: str,
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件（.xlsx 或 .pdf）")],
    db: DbOpt = None,
) -> None:
    from gaoxin.cases.appeals.publication import public_list
    from gaoxin.store import publication as store

    con = open_store(db)
    pub = store.get(con, pub_id) or fail(f"没有编号为 {pub_id} 的公示")
    df = public_list(con, pub)
    title = f"{pub['period']} 年度亩均效益综合评价结果公示名单"
    if out.suffix.lower() == ".pdf":
        from gaoxin.reports.publication_pdf import write_list_pdf

        write_list_pdf(df, title, out, f"公示期 {pub['opens_on']} 至 {pub['ends_on']}")
    else:
        from gaoxin.reports.publication_xlsx import write_list_xlsx

        write_list_xlsx(df, title, out)
    console.print(f"已写出 {out}")


# ---------------------------------------------------------------------------------------------------- 申诉
@appeals_app.command("file", help="镇街为企业提交申诉 / file an appeal")
def appeals_file(
    uscc: str,
    reason: Annotated[str, typer.Option("--reason", help="申诉理由")],
    indicator: Annotated[str | None, typer.Option("--indicator", help="有异议的指标（如 tax_paid）")] = None,
    claimed: Annotated[
        float | None, typer.Option("--claimed", help="企业认为正确的数值（万元等展示单位）")
    ] = None,
    rule: Annotated[
        str | None, typer.Option("--rule", help="有异议的规则（如 protection.major_project）")
    ] = None,
    claimed_class: Annotated[str | None, typer.Option("--class", help="规则申诉主张的等级")] = None,
    evidence: Annotated[list[Path], typer.Option("--evidence", help="证明材料文件，可重复")] = [],  # noqa: B006
    run: RunOpt = None,
    user: UserOpt = None,
    at: AtOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.appeals import appeal as A

    con = open_store(db)
    files = [(p.name, p.read_bytes()) for p in evidence]
    case = _guard(
        lambda: A.file_appeal(
            con,
            cal=_cal(con),
            run_id=_run_id(con, run),
            uscc=uscc.strip().upper(),
            actor=_user(user),
            reason=reason,
            indicator=indicator,
            claimed=claimed,
            rule=rule,
            claimed_class=claimed_class,
            evidence=files,
            at=_when(at),
        )  # fmt: skip
    )
    if as_json:
        print_json({"case_id": case})
        return
    console.print(f"已受理申诉 {case}")


@appeals_app.command("list", help="申诉列表 / appeals")
def appeals_list(run: RunOpt = None, db: DbOpt = None, as_json: JsonOption = False) -> None:
    from gaoxin.cases.appeals import appeal as A
    from gaoxin.store import cases as store_cases

    con = open_store(db)
    rows = []
    for h in A.list_appeals(con, _run_id(con, run) if run else None):
        st = store_cases.case_state(con, h["case_id"])
        rows.append({**h, "state": st})
    if as_json:
        print_json(rows)
        return
    for h in rows:
        console.print(f"{h['case_id']}  {h['firm_name']}  {h['town']}  {h['fields'].get('reason')}")


@appeals_app.command("show", help="一件申诉（有异议的数据及其来源、办理记录、重新评价预览）")
def appeals_show(case_id: str, db: DbOpt = None, as_json: JsonOption = False) -> None:
    from gaoxin.cases import ledger
    from gaoxin.cases.appeals import appeal as A

    con = open_store(db)
    out = _guard(lambda: {**ledger.show(con, case_id, _cal(con)), "preview": A.preview(con, case_id)})
    if as_json:
        print_json(out)
        return
    f = out["case"]["fields"]
    console.print(f"{case_id}  {out['case']['firm_name']}  {out['state_title']}")
    if f.get("cell"):
        c = f["cell"]
        console.print(
            f"  有异议的数据：{c['title']} {c.get('shown')} {c['shown_unit']}（批次 {c['batch_id']} · {c['file_name']} · {c['sheet']} 第 {c['row_no']} 行）"
        )
    p = out["preview"]
    if p.get("firm"):
        console.print(
            f"  重新评价：{p['firm']['class_final']} → {p['firm']['class_new']}（得分 {p['firm']['score_new']:.2f}）"
        )
        for o in p["others"]:
            console.print(f"  随基准变化：{o['name']} {o['class_final']} → {o['class_new']}")


def _step(case_id: str, fn, as_json: bool) -> None:
    view = _guard(fn)
    if as_json:
        print_json({"case_id": case_id, "state": view.state, "state_title": view.state_title})
        return
    console.print(f"{case_id} → {view.state_title}")


@appeals_app.command("assign", help="转责任部门核实")
def appeals_assign(case_id: str, department: Annotated[str, typer.Option("--department")], user: UserOpt = None,
                   at: AtOpt = None, db: DbOpt = None, as_json: JsonOption = False) -> None:  # fmt: skip
    from gaoxin.cases.appeals import appeal as A

    con = open_store(db)
    _step(
        case_id,
        lambda: A.assign(con, case_id, cal=_cal(con), department=department, actor=_user(user), at=_when(at)),
        as_json,
    )


@appeals_app.command("verify", help="责任部门核实：--confirm --figure 数值，或 --reject --note 理由")
def appeals_verify(
    case_id: str,
    confirm: Annotated[bool, typer.Option("--confirm/--reject")] = True,
    figure: Annotated[float | None, typer.Option("--figure", help="本部门核实的数值（展示单位）")] = None,
    note: Annotated[str, typer.Option("--note")] = "",
    user: UserOpt = None,
    at: AtOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.appeals import appeal as A

    con = open_store(db)
    _step(case_id, lambda: A.verify(con, case_id, cal=_cal(con), confirmed=confirm, figure=figure, note=note,
                                    actor=_user(user), at=_when(at)), as_json)  # fmt: skip


@appeals_app.command("decide", help="领导小组审定：--adopt（采纳，写入申诉更正批次并重新评价）或 --refuse")
def appeals_decide(
    case_id: str,
    adopt: Annotated[bool, typer.Option("--adopt/--refuse")] = True,
    to_class: Annotated[str | None, typer.Option("--class", help="规则申诉审定后的等级")] = None,
    note: Annotated[str, typer.Option("--note")] = "",
    user: UserOpt = None,
    at: AtOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.appeals import appeal as A

    con = open_store(db)
    _step(case_id, lambda: A.decide(con, case_id, cal=_cal(con), adopt=adopt, to_class=to_class, note=note,
                                    actor=_user(user), at=_when(at)), as_json)  # fmt: skip


@appeals_app.command("close", help="办结")
def appeals_close(case_id: str, user: UserOpt = None, at: AtOpt = None, db: DbOpt = None,
                  as_json: JsonOption = False) -> None:  # fmt: skip
    from gaoxin.cases.appeals import appeal as A

    con = open_store(db)
    _step(case_id, lambda: A.close(con, case_id, cal=_cal(con), actor=_user(user), at=_when(at)), as_json)


# ---------------------------------------------------------------------------------------------------- 调档
@adjust_app.command(
    "propose", help="提出调档（--class A–D）或 参评/不参评（--participate，--class T 为不参评）"
)
def adjust_propose(
    uscc: str,
    to_class: Annotated[str, typer.Option("--class")],
    reason: Annotated[str, typer.Option("--reason", help="理由（规则文件中的理由之一）")],
    note: Annotated[str, typer.Option("--note")] = "",
    participate: Annotated[bool, typer.Option("--participate", help="参评/不参评")] = False,
    run: RunOpt = None,
    user: UserOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.appeals import decisions as D

    con = open_store(db)
    did = _guard(lambda: D.propose(con, _run_id(con, run), uscc.strip().upper(), to_class=to_class, reason=reason,
                                   note=note, actor=_user(user), kind="participate" if participate else "adjust"))  # fmt: skip
    if as_json:
        print_json({"decision_id": did})
        return
    console.print(f"调档申请 {did} 待审核")


@adjust_app.command("review", help="审核调档：--approve 或 --return --note 理由（须由提出人以外的用户）")
def adjust_review(
    decision_id: int,
    approve: Annotated[bool, typer.Option("--approve/--return")] = True,
    note: Annotated[str, typer.Option("--note")] = "",
    user: UserOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.appeals import decisions as D

    con = open_store(db)
    d = _guard(lambda: D.review(con, decision_id, approve=approve, actor=_user(user), note=note))
    if as_json:
        print_json(d)
        return
    console.print(f"调档申请 {decision_id} {d['status']}")


@adjust_app.command("queue", help="待审核的调档申请")
def adjust_queue(run: RunOpt = None, db: DbOpt = None, as_json: JsonOption = False) -> None:
    from gaoxin.cases.appeals import decisions as D

    con = open_store(db)
    rows = D.queue(con, _run_id(con, run) if run else None)
    if as_json:
        print_json(rows)
        return
    for d in rows:
        console.print(
            f"{d['decision_id']}  {d['name']}  {d['class_before']} → {d['class_after']}  {d['reason']}  提出人 {d['proposed_by']}"
        )


# ---------------------------------------------------------------------------------------------------- 定级
@final_app.command("list", help="定级名单（评价结果 + 通过的调整）")
def final_list_cmd(
    run: RunOpt = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="写出 .xlsx 或 .pdf")] = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.appeals.decisions import final_list
    from gaoxin.reports.publication_xlsx import final_frame
    from gaoxin.store import runs as store_runs

    con = open_store(db)
    run_id = _run_id(con, run)
    final = final_list(con, run_id)
    if out:
        period = store_runs.find_run(con, run_id)["period"]
        title = f"{period} 年度亩均效益综合评价 定级名单"
        if out.suffix.lower() == ".pdf":
            from gaoxin.reports.publication_pdf import write_list_pdf

            write_list_pdf(final_frame(final), title, out, f"评价结果 {run_id[:12]}")
        else:
            from gaoxin.reports.publication_xlsx import write_list_xlsx

            write_list_xlsx(final_frame(final), title, out)
        console.print(f"已写出 {out}")
        return
    if as_json:
        print_json(final.to_dicts())
        return
    changed = final.filter(final["class_run"] != final["class_final"])
    console.print(f"定级名单 {final.height} 家，调整 {changed.height} 家")
    for r in changed.iter_rows(named=True):
        console.print(f"  {r['name']}  {r['class_run']} → {r['class_final']}  {r['decision_reason']}")


@final_app.command("transitions", help="等级变动矩阵（上一年度 → 本年度）与连续 D 类企业")
def final_transitions(
    year_from: Annotated[str | None, typer.Option("--from")] = None,
    year_to: Annotated[str | None, typer.Option("--to")] = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.appeals import transitions as T

    con = open_store(db)
    finals = T.yearly_finals(con)
    years = sorted(finals["period"].unique().to_list())
    if len(years) < 2 and not (year_from and year_to):
        fail(f"正式评价不足两个年度（已有：{'、'.join(years) or '无'}），无法计算等级变动")
    b = year_to or years[-1]
    a = year_from or years[years.index(b) - 1]
    cells = T.transitions(finals, a, b)
    out = {"from": a, "to": b, "matrix": T.matrix(cells), "cells": cells.to_dicts(),
           "consecutive_d": T.consecutive_d(finals).to_dicts()}  # fmt: skip
    if as_json:
        print_json(out)
        return
    console.print(f"{a} → {b}（行：{a} 等级 A B C D T；列：{b}）")
    for k, row in zip("ABCDT", out["matrix"], strict=True):
        console.print(f"  {k}  " + "  ".join(f"{v:4d}" for v in row))
    for r in out["consecutive_d"]:
        console.print(f"  连续 D 类：{r['name']}（{r['town']}）{r['surcharge']}")


@final_app.command("ledger", help="按定级等级的差别化政策台账 / policy ledger from the final classes")
def final_ledger_cmd(
    run: RunOpt = None,
    town: Annotated[str | None, typer.Option("--town", help="只看一个镇街")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="写出 .xlsx")] = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.reports.policy_ledger import write_ledger_xlsx
    from gaoxin.reports.publication_ledger import final_ledger
    from gaoxin.store import runs as store_runs

    con = open_store(db)
    run_row = store_runs.find_run(con, _run_id(con, run))
    data = final_ledger(con, run_row, town)
    if out:
        write_ledger_xlsx(data, run_row, out, town)
        console.print(f"已写出 {out}")
        return
    if as_json:
        print_json({"by_class": data["by_class"].to_dicts(), "by_town": data["by_town"].to_dicts(),
                    "unpriced": data["unpriced"].to_dicts()})  # fmt: skip
        return
    for r in data["by_class"].iter_rows(named=True):
        console.print(f"{r['title']}  {r['class_final']}  {r['firms']} 家  {r['amount']:,.2f}")
    if data["unpriced"].height:
        console.print(f"另有 {data['unpriced'].height} 家调整后等级的政策金额待核定（初评等级下无该项金额）")
