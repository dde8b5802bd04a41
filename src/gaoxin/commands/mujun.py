"""亩均论英雄 commands: schemes, evaluate, runs, results, explain, what-if, export."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from gaoxin.commands.common import JsonOption, console, fail, latest_period, print_json, table
from gaoxin.commands.data import DbOpt, open_store

# The evaluations (numpy/scipy engine), schemes, store and polars are imported inside the commands that use
# them: module level stays light so that `gaoxin --help` and other areas' commands start fast.
schemes_app = typer.Typer(help="评价方案 / evaluation schemes", no_args_is_help=True)
CLASS_ORDER = ["A", "B", "C", "D", "T"]
runs_app = typer.Typer(
    help="评价记录（正式 / 已过期）与正式评价的标记 / runs, official marks, re-runs",
    invoke_without_command=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(schemes_app, name="schemes")
    app.command("evaluate", help="亩均效益评价并保存结果 / evaluate and store a run")(evaluate)
    app.add_typer(runs_app, name="runs")
    app.command("results", help="评价结果 / results of a run")(results)
    app.command("explain", help="逐项解释企业得分 / explain a firm's score")(explain)
    app.command("what-if", help="达到目标等级所需的最小改变 / smallest change to reach a class")(what_if)
    app.command("export", help="导出 Excel 评价结果 / export a run to xlsx")(export)


# ---- schemes -----------------------------------------------------------------------------------------
@schemes_app.command("list", help="内置方案 / built-in schemes")
def schemes_list(as_json: JsonOption = False) -> None:
    from gaoxin.schemes import list_builtin, scheme_sources

    items = list_builtin()
    if as_json:
        print_json(
            {
                "schemes": [
                    {
                        "id": b.id,
                        "kind": b.kind,
                        "title": b.title,
                        "status": getattr(b, "status", None),
                        "sources": scheme_sources(b.id),
                    }
                    for b in items
                ]
            }
        )
        return
    table = Table(title="内置评价方案 Built-in schemes", show_lines=True)
    for col in ("方案 id", "名称"):
        table.add_column(col)
    table.add_column("依据", overflow="fold")
    for b in items:
        cited = [
            f"{s['title']}{'（' + s['number'] + '）' if s['number'] else ''}" for s in scheme_sources(b.id)
        ]
        table.add_row(b.id, b.title, "\n".join(cited) or "—")
    console.print(table)
    console.print("复制一个方案文件修改后，用 --scheme 路径 使用：gaoxin schemes show default > my.toml")


@schemes_app.command("show", help="显示方案文件 / print a scheme file")
def schemes_show(scheme: Annotated[str, typer.Argument(help="方案 id 或文件路径")]) -> None:
    from gaoxin.schemes import SchemeError, scheme_text

    try:
        text = scheme_text(scheme)
    except SchemeError as exc:
        fail(str(exc))
    typer.echo(text, nl=not text.endswith("\n"))


@schemes_app.command("validate", help="校验方案文件 / validate a scheme file")
def schemes_validate(path: Annotated[Path, typer.Argument(help="方案文件 .toml")]) -> None:
    from gaoxin.schemes import SchemeError, parse_scheme, scheme_sha256, scheme_text

    try:
        s = parse_scheme(scheme_text(path), str(path))
    except SchemeError as exc:
        fail(str(exc))
    from gaoxin.evaluations.runs import title_of
    from gaoxin.schemes import Scheme

    what = title_of(s.scheme.kind)
    detail = ""
    if isinstance(s, Scheme):  # 亩均 schemes name their lists
        detail = "；评价名单 " + ", ".join(f"{lst.id}({len(lst.indicator)}项)" for lst in s.lists)
    console.print(
        f"[green]方案有效[/] {s.scheme.id}（{what}）: {s.scheme.title}{detail}；"
        f"sha256 {scheme_sha256(scheme_text(path))[:12]}"
    )
    if isinstance(s, Scheme):
        from gaoxin.schemes import overflow_warnings

        for w in overflow_warnings(s):
            console.print(f"[yellow]警告[/] {w}")


# ---- runs --------------------------------------------------------------------------------------------
def evaluate(
    scheme: Annotated[str, typer.Option("--scheme", help="方案 id 或 .toml 路径")] = "default",
    period: Annotated[str, typer.Option("--period", help="评价年度 YYYY（数据年度）")] = "",
    as_json: JsonOption = False,
    db: DbOpt = None,
) -> None:
    from gaoxin.evaluations.runs import stored_run_id
    from gaoxin.store import runs as store_runs

    con = open_store(db)
    if not period:
        period = latest_period(con)
    # the identical stored run, told from the scheme text and the store alone (no engine, no scheme model)
    run_id, created = stored_run_id(con, scheme, period, "mujun"), False
    if run_id is None:
        from gaoxin.evaluations.mujun import run_mujun
        from gaoxin.evaluations.runs import RunError
        from gaoxin.schemes import SchemeError
        from gaoxin.schemes.formula import FormulaError

        try:
            with console.status(f"评价 {period} 年度 …", spinner="dots"):
                outcome = run_mujun(con, scheme, period)
        except (RunError, SchemeError, FormulaError) as exc:
            fail(str(exc))
        run_id, created = outcome.run_id, outcome.created
    run = store_runs.find_run(con, run_id)
    counts = {k: run["summary"]["counts"].get(k, 0) for k in CLASS_ORDER}
    if as_json:
        print_json(
            {
                "run_id": run_id,
                "scheme": run["scheme_id"],
                "period": period,
                "counts": counts,
                "n": run["summary"]["n"],
                "created": created,
            }
        )
        return
    show_run_summary(con, run, created)


def show_run_summary(con, run: dict, created: bool = True, top: int = 10) -> None:
    from gaoxin.store import runs as store_runs

    s = run["summary"]
    note = "" if created else "（相同数据与方案的评价已存在，结果未变）"
    console.print(
        f"[bold]评价 {run['run_id']}[/] {s.get('title', run['scheme_id'])} · {run['period']} 年度数据 · "
        f"{s['n']} 家企业{note}"
    )
    table = Table(title="等级分布 Class counts")
    table.add_column("名单")
    names = s.get("class_names", {})
    for k in CLASS_ORDER:
        table.add_column(f"{k} {names.get(k, '')}".strip(), justify="right")
    for list_id, c in s["counts_by_list"].items():
        table.add_row(list_id, *[str(c.get(k, 0)) for k in CLASS_ORDER])
    table.add_row("合计", *[str(s["counts"].get(k, 0)) for k in CLASS_ORDER], style="bold")
    console.print(table)
    res = store_runs.run_results(con, run["run_id"])
    scored = res.filter(res["score"].is_not_null())
    for list_id in s["counts_by_list"]:
        part = scored.filter(scored["list_id"] == list_id).sort("rank")
        if part.height == 0:
            continue
        for title, rows in (
            (f"{list_id} 前 {top} 名", part.head(top)),
            (f"{list_id} 后 {top} 名", part.tail(top)),
        ):
            t = Table(title=title, title_justify="left")
            for col in ("名次", "企业名称", "所属镇街", "得分", "等级"):
                t.add_column(col)
            for r in rows.iter_rows(named=True):
                t.add_row(
                    str(r["rank"]),
                    r["name"] or r["uscc"],
                    r["town"] or "—",
                    f"{r['score']:.2f}",
                    r["class_final"],
                )
            console.print(t)


SUBJECTS = {"zone": "园区", "cultivation": "企业", "mujun": "企业"}  # what a run's 对象数 counts


def _run_rows(con) -> list[dict]:
    """Every run with its counts, 正式 mark and 已过期 flag (the CLI table and --json)."""
    from gaoxin.evaluations import freshness
    from gaoxin.store import runs as store_runs

    runs = [store_runs.find_run(con, r) for r in store_runs.run_ids(con)]
    states = freshness.run_states(con, runs)
    out = []
    for r in runs:
        out.append(
            {
                "run_id": r["run_id"],
                "kind": r["kind"],
                "scheme_id": r["scheme_id"],
                "period": r["period"],
                "data_fingerprint": r["data_fingerprint"],
                "created_at": r["created_at"],
                "n": r["summary"].get("n"),
                "subjects": SUBJECTS.get(r["kind"], "对象"),
                "counts": r["summary"].get("counts", {}) if r["kind"] == "mujun" else {},
                **states[r["run_id"]],
            }
        )
    return out


@runs_app.callback()
def runs(ctx: typer.Context, as_json: JsonOption = False, db: DbOpt = None) -> None:
    """评价记录 / list runs (正式: the official run of its scheme and year; 已过期: data changed since)."""
    if ctx.invoked_subcommand is not None:
        return
    from gaoxin.evaluations.runs import REGISTRY

    con = open_store(db)
    out = _run_rows(con)
    if as_json:
        print_json({"runs": out})
        return
    table = Table(title="评价记录 Runs")
    for col in ("run id", "类型", "方案", "年度", "对象数", "A", "B", "C", "D", "T", "状态", "时间"):
        table.add_column(col)
    for r in out:
        c = r["counts"]
        classes = (
            [str(c.get(k, 0)) for k in CLASS_ORDER] if r["kind"] == "mujun" else ["—"] * len(CLASS_ORDER)
        )
        state = " ".join(x for x, on in (("正式", r["official"]), ("已过期", r["stale"])) if on)
        table.add_row(
            r["run_id"],
            REGISTRY[r["kind"]].short if r["kind"] in REGISTRY else r["kind"],
            r["scheme_id"],
            r["period"],
            f"{r['n'] or ''} {r['subjects']}".strip() if r["n"] is not None else "",
            *classes,
            state,
            f"{r['created_at']:%Y-%m-%d %H:%M}",
        )
    console.print(table)
    if any(r["stale"] for r in out):
        console.print("已过期：评价之后数据有变化，用 gaoxin runs rerun RUN 重新评价")


def _any_run(con, run_id: str) -> dict:
    from gaoxin.store import runs as store_runs

    full = store_runs.resolve_run(con, run_id)
    run = store_runs.find_run(con, full) if full else None
    if run is None:
        fail(f"没有编号为 {run_id} 的评价（用 gaoxin runs 查看已有评价）")
    return run


@runs_app.command("official", help="标记正式评价（同一方案、同一年度只有一个）/ mark a run official")
def runs_official(
    run_id: Annotated[str, typer.Argument(help="评价编号（可只写前几位）")],
    reason: Annotated[str, typer.Option("--reason", help="理由 / why (kept in the history)")] = "",
    by: Annotated[str | None, typer.Option("--by", help="标记人 / who (default: the login name)")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="撤销正式标记 / withdraw the mark")] = False,
    as_json: JsonOption = False,
    db: DbOpt = None,
) -> None:
    import getpass

    from gaoxin.store import official

    con = open_store(db)
    run = _any_run(con, run_id)
    marks = official.current(con)
    mark = marks.get((run["scheme_id"], run["period"]))
    if clear and not (mark and mark["run_id"] == run["run_id"]):
        fail(f"评价 {run['run_id']} 不是正式评价，无需撤销")
    who = by or getpass.getuser()
    official.record(con, run, "clear" if clear else "mark", who, reason)
    history = official.history(con, run["scheme_id"], run["period"])
    if as_json:
        print_json(
            {
                "run_id": run["run_id"],
                "official": not clear,
                "replaced": mark["run_id"] if mark else None,
                "history": history,
            }
        )
        return
    if clear:
        console.print(f"已撤销 {run['scheme_id']} · {run['period']} 年度的正式评价 {run['run_id']}")
    else:
        was = f"（替代 {mark['run_id']}）" if mark and mark["run_id"] != run["run_id"] else ""
        console.print(
            f"评价 {run['run_id']} 已标记为 {run['scheme_id']} · {run['period']} 年度的正式评价{was}"
        )


@runs_app.command("rerun", help="用当前数据重新评价（已过期的评价）/ re-run a run on today's data")
def runs_rerun(
    run_id: Annotated[str, typer.Argument(help="评价编号（可只写前几位）")],
    as_json: JsonOption = False,
    db: DbOpt = None,
) -> None:
    from gaoxin.evaluations import freshness
    from gaoxin.evaluations.runs import RunError

    con = open_store(db)
    run = _any_run(con, run_id)
    try:
        outcome = freshness.rerun(con, run)
    except RunError as exc:
        fail(str(exc))
    if as_json:
        print_json({"run_id": outcome.run_id, "from": run["run_id"], "created": outcome.created})
        return
    if outcome.run_id == run["run_id"]:
        console.print(f"评价 {run['run_id']} 的数据未变，结果未变（未新建评价）")
    else:
        console.print(
            f"已重新评价：{run['run_id']} → {outcome.run_id}（{'新建' if outcome.created else '已存在'}）"
        )


OTHER_KIND_HINT = {
    "zone": "这是园区排名评价：用 gaoxin rank-export RUN --out FILE.xlsx 导出，或 gaoxin rank --json 查看",
    "cultivation": "这是企业培育评价：用 gaoxin pool / gaoxin explain RUN USCC 查看",
}


def _run_or_fail(con, run_id: str, kinds: tuple[str, ...] = ("mujun",)) -> dict:
    from gaoxin.store import runs as store_runs

    full = store_runs.resolve_run(con, run_id)
    run = store_runs.find_run(con, full) if full else None
    if run is None:
        fail(f"没有编号为 {run_id} 的评价（用 gaoxin runs 查看已有评价）")
    if run["kind"] not in kinds:
        fail(f"评价 {run['run_id']} 不是亩均评价。{OTHER_KIND_HINT.get(run['kind'], '')}")
    return run


def _check_filter_values(con, run: dict, klass: str | None, town: str | None) -> None:
    """An unknown --class or --town is refused naming the values that exist (never a silent empty table)."""
    from gaoxin.store import runs as store_runs

    if klass is not None and klass not in CLASS_ORDER:
        fail(f"没有等级「{klass}」；可选：{' / '.join(CLASS_ORDER)}")
    if town is not None:
        towns = store_runs.result_towns(con, run["run_id"])
        if town not in towns:
            fail(f"评价 {run['run_id']} 中没有镇街「{town}」；可选：{'、'.join(towns) or '（无镇街数据）'}")


def results(
    run_id: Annotated[str, typer.Argument(help="评价编号（可只写前几位）")],
    klass: Annotated[str | None, typer.Option("--class", help="只看某一等级 A/B/C/D/T")] = None,
    town: Annotated[str | None, typer.Option("--town", help="只看某一镇街")] = None,
    as_json: JsonOption = False,
    db: DbOpt = None,
) -> None:
    from gaoxin.store import runs as store_runs

    con = open_store(db)
    run = _run_or_fail(con, run_id)
    _check_filter_values(con, run, klass, town)
    found = store_runs.run_result_rows(con, run["run_id"], klass, town)  # plain rows: no polars to load
    if as_json:
        keys = ("uscc", "name", "town", "industry_code", "list_id", "score", "rank")
        print_json(
            [
                {
                    **{k: r[k] for k in keys},
                    "class": r["class_final"],
                    "class_initial": r["class_initial"],
                    "reasons": r["reasons"],
                }
                for r in found
            ]
        )
        return
    table(
        f"评价结果 {run['run_id']}（{len(found)} 家）",
        ("名单", "名次", "统一社会信用代码", "企业名称", "镇街", "得分", "初评", "最终", "说明"),
        [
            (
                r["list_id"] or "T类",
                r["rank"],
                r["uscc"],
                r["name"],
                r["town"],
                None if r["score"] is None else f"{r['score']:.2f}",
                r["class_initial"],
                r["class_final"],
                r["reasons"] or "",
            )
            for r in found[:500]
        ],
    )
    if len(found) > 500:
        console.print(f"（仅显示前 500 家；--json 或 gaoxin export 可得全部 {len(found)} 家）")


# ---- explain -----------------------------------------------------------------------------------------
def explain(
    run_id: Annotated[str, typer.Argument(help="评价编号")],
    code: Annotated[str, typer.Argument(metavar="USCC", help="统一社会信用代码")],
    as_json: JsonOption = False,
    db: DbOpt = None,
) -> None:
    from gaoxin.commands.cultivation import show_cultivation_explanation
    from gaoxin.evaluations import runs
    from gaoxin.ingest import uscc as U

    con = open_store(db)
    run = _run_or_fail(con, run_id, kinds=("mujun", "cultivation"))
    info = runs.explain(con, run, U.normalize(code))  # the run's kind explains its firm
    if info is None:
        fail(f"评价 {run['run_id']} 中没有企业 {U.normalize(code)}")
    if as_json:
        print_json(info)
        return
    # 培育评价: conditions, gaps and points instead of 亩均 items
    show = {"mujun": show_mujun_explanation, "cultivation": show_cultivation_explanation}[run["kind"]]
    show(info)


def show_mujun_explanation(info: dict) -> None:
    from gaoxin.units_format import show

    console.print(
        f"[bold]{info['name'] or info['uscc']}[/] {info['uscc']} · {info['town'] or ''} · 评价 "
        f"{info['run_id']}（{info['scheme']}，{info['period']} 年度）"
    )
    if info["list_id"] is None:
        console.print(f"不参评（T类）：{info['reasons']}")
        return
    console.print(
        f"名单 {info['list_id']} · 用地 {show(info['land_mu'], '亩')} · 指标得分 {show(info['base_score'], '分')} "
        f"· 加减分 {info['adjustment'] or 0:+.2f} 分 · 总分 {show(info['score'], '分')} · 第 {info['rank']} 名"
        f"（共 {info['list_size']} 家）"
    )
    from gaoxin.units_format import fmt, show, to_user, user_unit

    t = Table(title="逐项得分 Items")
    for col in (
        "项目",
        "数值",
        "单位",
        "分子（来源）",
        "分母（来源）",
        "基准",
        "原始分",
        "得分",
        "权重",
        "说明",
        "依据",
    ):
        t.add_column(col)
    for it in info["items"]:
        unit = it.get("unit", "")  # value and benchmark in the unit users read (比值 → %)
        t.add_row(
            it.get("title", it["item"]),
            fmt(*to_user(it["value"], unit)),
            user_unit(unit),
            _src(it, "numerator"),
            _src(it, "denominator"),
            fmt(*to_user(it["benchmark"], unit)),
            fmt(it["raw_score"], "分"),
            fmt(it["score"], "分"),
            fmt(it["weight"], "分"),
            it["note"] or "",
            it.get("ref") or "—",  # the scheme's source reference; the clause key stays in --json
        )
    console.print(t)
    console.print(
        f"初评等级 {info['class_initial']} → 最终等级 [bold]{info['class_final']}[/]"
        + (f"：{info['reasons']}" if info["reasons"] else "")
    )
    if info["policy"]:
        console.print(
            "差别化政策：" + "；".join(f"{p['title']} {show(p['amount'], p['unit'])}" for p in info["policy"])
        )


def _part_unit(it: dict, part: str) -> str:
    """The canonical unit of an item's numerator or denominator: its field's, when the formula is one field."""
    from gaoxin import fields as F

    name = (it.get(f"{part}_formula") or "").strip()
    fld = next((f for f in F.FIELDS if f.name == name), None)
    return fld.unit if fld else ("亩" if name == "land_mu" else "")


def _src(it: dict, part: str) -> str:
    """A numerator or denominator in the unit users read, with the unit, and its source batches."""
    from gaoxin.units_format import show

    srcs = it.get(f"{part}_sources") or []
    value = show(it.get(part), _part_unit(it, part))
    text = ", ".join(f"{s['label']}#{s['batch_id']}" if s["batch_id"] else f"{s['label']}(缺)" for s in srcs)
    return f"{value} ← {text}" if text else value


def _num(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{v:,.4g}" if abs(v) < 1 else f"{v:,.2f}"


# ---- what-if -----------------------------------------------------------------------------------------
def what_if(
    run_id: Annotated[str, typer.Argument(help="评价编号")],
    code: Annotated[str, typer.Argument(metavar="USCC", help="统一社会信用代码")],
    to: Annotated[str, typer.Option("--to", help="目标等级 A/B/C")] = "B",
    as_json: JsonOption = False,
    db: DbOpt = None,
) -> None:
    from gaoxin.evaluations.mujun.explain import what_if_answer
    from gaoxin.evaluations.runs import RunError
    from gaoxin.ingest import uscc as U
    from gaoxin.units_format import fmt, to_user, user_unit

    con = open_store(db)
    run = _run_or_fail(con, run_id)
    try:
        answer = what_if_answer(con, run, U.normalize(code), to)
    except RunError as exc:
        fail(str(exc))
    if as_json:
        print_json(answer)
        return
    console.print(
        f"[bold]{answer['uscc']}[/] 当前 {answer['class_final']}（{fmt(answer['score'], '分')} 分），目标 {to}："
        f"{answer['why']}"
    )
    t = Table(title="只改变一项（其余不变）")
    for col in ("指标", "单位", "当前值", "需达到", "需改变", "折合税收(万元)", "可达"):
        t.add_column(col)
    for it in answer["items"] + ([answer["tax"]] if answer["tax"] else []):
        unit = it["unit"]  # values in the unit users read (比值 → %)
        t.add_row(
            it["title"],
            user_unit(unit),
            fmt(*to_user(it["current_value"], unit)),
            fmt(*to_user(it["required_value"], unit)),
            fmt(*to_user(it["change"], unit)),
            fmt(it["tax_change_wan"], "万元"),
            "是" if it["reachable"] else f"否：{it['why']}",
        )
    console.print(t)


# ---- export ------------------------------------------------------------------------------------------
def export(
    run_id: Annotated[str, typer.Argument(help="评价编号")],
    out: Annotated[Path, typer.Option("--out", help="输出文件 .xlsx")],
    db: DbOpt = None,
) -> None:
    from gaoxin.reports.mujun_xlsx import write_run_xlsx

    con = open_store(db)
    run = _run_or_fail(con, run_id)
    path = write_run_xlsx(con, run, out)
    console.print(f"已导出 {path}")
