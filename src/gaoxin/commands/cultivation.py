"""Enterprise-cultivation commands: cultivate, pool, ladder (and `explain` for cultivation runs)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from gaoxin.commands.common import JsonOption, console, fail, latest_period, print_json
from gaoxin.commands.data import DbOpt, open_store

if TYPE_CHECKING:
    import polars as pl

    from gaoxin.evaluations import cultivation as svc

# The cultivation evaluation (numpy/scipy engine), schemes, store and polars are imported inside the functions
# that use them: module level stays light so that `gaoxin --help` and other areas' commands start fast.

VERDICT_ORDER = ("pass", "expert", "missing", "near", "fail", "out")

SchemeOpt = Annotated[
    str,
    typer.Option(
        "--scheme",
        help="培育方案 id 或 .toml 路径（hnte-2016 / tsme-2022 / "
        "innovative-sme-2022 / srdi-sme-2022 / little-giant-2022）",
    ),
]
PeriodOpt = Annotated[str, typer.Option("--period", help="数据年度 YYYY（默认为库中最新年度）")]
ParamOpt = Annotated[
    list[str] | None, typer.Option("--param", help="覆盖方案参数 name=value，可重复（如 featured_min=10）")
]


def register(app: typer.Typer) -> None:
    app.command(
        "cultivate",
        help="企业培育评价（高企/科小/创新型/专精特新/小巨人）并保存 / evaluate a cultivation scheme",
    )(cultivate)
    app.command("pool", help="培育库：差距最小的企业及一年内到期的高企证书 / the cultivation pool")(pool)
    app.command("ladder", help="梯度培育：各企业达到的最高梯度与下一梯度差距 / tier ladder")(ladder)


def _params(items: list[str] | None) -> dict[str, float]:
    out = {}
    for it in items or []:
        name, sep, value = it.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            fail(f"--param 应写作 name=数值（如 featured_min=10），实际为「{it}」")
        if not sep:
            fail(f"--param 应写作 name=数值，实际为「{it}」")
    return out


def _run(con, scheme: str, period: str, params: dict | None = None) -> tuple[svc.CultivationOutcome, dict]:
    from gaoxin.evaluations import cultivation as svc
    from gaoxin.evaluations.runs import RunError
    from gaoxin.schemes import SchemeError
    from gaoxin.schemes.formula import FormulaError
    from gaoxin.store import runs as store_runs

    try:
        outcome = svc.run_cultivation(con, scheme, period, params)
    except (RunError, SchemeError, FormulaError) as exc:
        fail(str(exc))
    return outcome, store_runs.find_run(con, outcome.run_id)


def _n(v, digits: int = 0) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    from gaoxin.evaluations import cultivation as core

    return core.fmt_number(float(v), digits)


# ---- cultivate ---------------------------------------------------------------------------------------
def cultivate(
    scheme: SchemeOpt = "hnte-2016",
    period: PeriodOpt = "",
    param: ParamOpt = None,
    top: Annotated[int, typer.Option("--top", help="显示差距最小的前 N 家")] = 10,
    as_json: JsonOption = False,
    db: DbOpt = None,
) -> None:
    con = open_store(db)
    period = period or latest_period(con)
    with console.status(f"培育评价 {scheme} · {period} 年度 …", spinner="dots"):
        outcome, run = _run(con, scheme, period, _params(param))
    s = run["summary"]
    if as_json:
        print_json(
            {
                "run_id": run["run_id"],
                "scheme": run["scheme_id"],
                "title": s["title"],
                "tier": s["tier"],
                "period": period,
                "created": outcome.created,
                "n": s["n"],
                "counts": s["counts"],
                "conditions": s["conditions"],
                "certificates": s["certificates"],
                "params": s["params"],
            }
        )
        return
    show_summary(con, run, outcome.created, top)


def show_summary(con, run: dict, created: bool = True, top: int = 10) -> None:
    from gaoxin.evaluations import cultivation as core
    from gaoxin.evaluations import cultivation as svc

    s = run["summary"]
    note = "" if created else "（相同数据与方案的评价已存在，结果未变）"
    console.print(
        f"[bold]培育评价 {run['run_id']}[/] {s['title']} · {run['period']} 年度数据 · 参评 {s['n']} 家{note}"
    )
    t = Table(title="结论 Verdicts")
    for v in VERDICT_ORDER:
        t.add_column(core.VERDICT_LABELS[v], justify="right")
    t.add_row(*[str(s["counts"].get(v, 0)) for v in VERDICT_ORDER])
    console.print(t)
    t = Table(title="逐条件 Conditions（参评企业）")
    for c in ("方面", "条件", "符合", "不符合", "待专家评分", "数据缺失", "其中直接认定"):
        t.add_column(c, justify="left" if c in ("方面", "条件") else "right")
    for c in s["conditions"]:
        t.add_row(
            c["aspect"],
            c["title"],
            str(c["pass"]),
            str(c["fail"]),
            str(c["expert"]),
            str(c["missing"]),
            str(c["via_route"]),
        )
    console.print(t)
    cert = s.get("certificates")
    if cert:
        console.print(
            f"持有有效高企证书 {cert['holders']} 家，其中 12 个月内到期或已到期 {cert['expiring']} 家"
            f"（已到期 {cert['expired']} 家）：gaoxin pool --scheme {run['scheme_id']}"
        )
    show_pool(svc.pool(con, run["run_id"]).head(top), f"差距最小的 {top} 家 Closest firms")
    console.print(
        f"逐条解释：gaoxin explain {run['run_id']} <统一社会信用代码>；全部培育库：gaoxin pool --scheme "
        f"{run['scheme_id']} --out 培育库.xlsx"
    )


def show_pool(df: pl.DataFrame, title: str) -> None:
    from gaoxin.evaluations import cultivation as core

    t = Table(title=title, title_justify="left", show_lines=False)
    for c in ("名次", "企业名称", "镇街", "结论", "未满足", "待补数据", "得分", "差距"):
        t.add_column(c)
    if "position" not in df.columns:
        df = df.with_row_index("position", offset=1)
    for r in df.iter_rows(named=True):
        score = (
            "—"
            if r["score_min"] is None
            else (
                _n(r["score_min"])
                if r["score_max"] == r["score_min"]
                else f"{_n(r['score_min'])}–{_n(r['score_max'])}"
            )
        )
        t.add_row(
            str(r["position"]),
            r["name"] or r["uscc"],
            r["town"] or "—",
            core.VERDICT_LABELS.get(r["verdict"], r["verdict"]),
            str(r["n_fail"]),
            str(r.get("n_missing", 0)),
            score,
            r["reasons"] or "",
        )
    console.print(t)


# ---- pool --------------------------------------------------------------------------------------------
def pool(
    scheme: Annotated[
        str | None, typer.Option("--scheme", help="只看一个培育方案（默认全部内置方案）")
    ] = None,
    period: PeriodOpt = "",
    limit: Annotated[
        int | None, typer.Option("--limit", help="每个方案列出前 N 家（默认：屏幕 20 家，JSON 全部）")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="导出中文 xlsx 培育库")] = None,
    as_json: JsonOption = False,
    db: DbOpt = None,
) -> None:
    import polars as pl

    from gaoxin.evaluations import cultivation as svc

    con = open_store(db)
    period = period or latest_period(con)
    schemes = [scheme] if scheme else list(svc.BUILTIN)
    pools, certs = [], None
    with console.status(f"培育库 {period} 年度 …", spinner="dots"):
        for sid in schemes:
            _outcome, run = _run(con, sid, period)
            # `position` counts from 1 in the pool (as on the web); `rank` stays the firm's place in the run
            df = svc.pool(con, run["run_id"]).with_row_index("position", offset=1)
            tier = run["summary"].get("tier")
            pools.append(
                {
                    "scheme": run["scheme_id"],
                    "title": run["summary"]["title"],
                    "tier": tier,
                    "run_id": run["run_id"],
                    "counts": run["summary"]["counts"],
                    "pool": df,
                }
            )
            if run["summary"].get("certificates") is not None:
                certs = svc.certificates(con, run["run_id"])
    if out is not None:
        from gaoxin.reports.cultivation_xlsx import write_pool_xlsx

        path = write_pool_xlsx(out, period, pools, certs)
        if not as_json:
            console.print(f"已导出 {path}")
    if as_json:
        print_json(
            {
                "period": period,
                "schemes": [
                    {k: v for k, v in p.items() if k != "pool"}
                    | {
                        "pool": [
                            _pool_row(r)
                            for r in (p["pool"].head(limit) if limit else p["pool"]).iter_rows(named=True)
                        ]
                    }
                    for p in pools
                ],
                "certificates": []
                if certs is None
                else [
                    {
                        **{k: r[k] for k in ("uscc", "name", "town", "status", "verdict")},
                        "issued_year": _int(r["issued_year"]),
                        "expires_year": _int(r["expires_year"]),
                        "gaps": _split(r["reasons"]),
                    }
                    for r in certs.filter(pl.col("status") != "有效").iter_rows(named=True)
                ],
            }
        )
        return
    show_pool_summary(pools, certs)
    for p in pools:
        show_pool(
            p["pool"].head(limit or 20),
            f"{p['title']} 培育库（前 {limit or 20} 家，共 {p['pool'].height} 家）",
        )
    if certs is not None:
        show_certificates(certs)


def _int(v):
    return None if v is None else int(v)


def _split(text: str | None) -> list[str]:
    return [t for t in (text or "").split("；") if t]


def _pool_row(r: dict) -> dict:
    return {
        "rank": r["rank"],
        "position": r["position"],
        "uscc": r["uscc"],
        "name": r["name"],
        "town": r["town"],
        "verdict": r["verdict"],
        "renewal": r["list_id"] == "到期复审",
        "n_fail": r["n_fail"],
        "n_missing": r["n_missing"],
        "score_min": r["score_min"],
        "score_max": r["score_max"],
        "expert_needed": r["expert_needed"],
        "gaps": _split(r["reasons"]),
    }


def show_pool_summary(pools: list[dict], certs: pl.DataFrame | None) -> None:
    import polars as pl

    t = Table(title="培育库概况 Pool summary")
    for c in ("方案", "参评", "符合条件", "待专家评分", "待补数据", "差一项", "未达标"):
        t.add_column(c, justify="left" if c == "方案" else "right")
    for p in pools:
        k = p["counts"]
        t.add_row(
            p["title"],
            str(sum(v for key, v in k.items() if key != "out")),
            str(k.get("pass", 0)),
            str(k.get("expert", 0)),
            str(k.get("missing", 0)),
            str(k.get("near", 0)),
            str(k.get("fail", 0)),
        )
    console.print(t)
    if certs is not None:
        due = certs.filter(pl.col("status") != "有效")
        console.print(f"高企证书：持证 {certs.height} 家，12 个月内到期或已到期 {due.height} 家")


def show_certificates(certs: pl.DataFrame, top: int = 20) -> None:
    import polars as pl

    from gaoxin.evaluations import cultivation as core

    due = certs.filter(pl.col("status") != "有效")
    t = Table(title=f"高企证书到期提醒（{due.height} 家）", title_justify="left")
    for c in ("企业名称", "镇街", "发证年份", "到期年份", "状态", "按现行条件复审", "差距"):
        t.add_column(c)
    for r in due.head(top).iter_rows(named=True):
        t.add_row(
            r["name"] or r["uscc"],
            r["town"] or "—",
            _n(r["issued_year"]),
            _n(r["expires_year"]),
            r["status"],
            core.VERDICT_LABELS.get(r["verdict"], r["verdict"]),
            r["reasons"] or "",
        )
    console.print(t)


# ---- ladder ------------------------------------------------------------------------------------------
def ladder(
    period: PeriodOpt = "",
    top: Annotated[int, typer.Option("--top", help="显示最接近下一梯度的前 N 家")] = 20,
    as_json: JsonOption = False,
    db: DbOpt = None,
) -> None:
    import polars as pl

    from gaoxin.evaluations import cultivation as core
    from gaoxin.evaluations import cultivation as svc
    from gaoxin.evaluations.runs import RunError
    from gaoxin.schemes import SchemeError

    con = open_store(db)
    period = period or latest_period(con)
    with console.status(f"梯度培育 {period} 年度 …", spinner="dots"):
        try:
            info = svc.ladder(con, period)
        except (RunError, SchemeError) as exc:
            fail(str(exc))
    firms: pl.DataFrame = info["firms"]
    if as_json:
        print_json(
            {
                **{k: v for k, v in info.items() if k != "firms"},
                "firms": [
                    {
                        **{
                            k: r[k]
                            for k in (
                                "uscc",
                                "name",
                                "town",
                                "highest",
                                "highest_title",
                                "next",
                                "next_title",
                                "next_verdict",
                                "hnte",
                                "hnte_holder",
                            )
                        },
                        "next_gaps": _split(r["next_gaps"]),
                    }
                    for r in firms.iter_rows(named=True)
                ],
            }
        )
        return
    console.print(
        f"[bold]梯度培育[/] {period} 年度数据：科技型中小企业 → 创新型中小企业 → 专精特新中小企业 → 专精特新“小巨人”"
        "（高企单列）"
    )
    t = Table(title="已达到的最高梯度 Highest tier reached")
    t.add_column("梯度")
    t.add_column("企业数", justify="right")
    for k, v in info["distribution"].items():
        t.add_row(k, str(v))
    console.print(t)
    h = info["hnte"]
    console.print(
        f"高新技术企业：持证 {h['holders']} 家；按现行条件 符合 {h['pass']} · 待专家评分 {h['expert']} · "
        f"待补数据 {h['missing']} · 差一项 {h['near']} · 未达标 {h['fail']}"
    )
    t = Table(title=f"最接近下一梯度的企业（前 {top} 家）", title_justify="left")
    for c in ("企业名称", "镇街", "已达到", "下一梯度", "结论", "高企", "下一梯度差距"):
        t.add_column(c)
    for r in firms.filter(pl.col("next").is_not_null()).head(top).iter_rows(named=True):
        t.add_row(
            r["name"] or r["uscc"],
            r["town"] or "—",
            r["highest_title"],
            r["next_title"],
            core.VERDICT_LABELS.get(r["next_verdict"], r["next_verdict"] or "—"),
            ("持证 · " if r["hnte_holder"] else "") + core.VERDICT_LABELS.get(r["hnte"], r["hnte"] or "—"),
            r["next_gaps"] or "",
        )
    console.print(t)


# ---- explain -----------------------------------------------------------------------------------------
def show_cultivation_explanation(info: dict) -> None:
    console.print(
        f"[bold]{info['name'] or info['uscc']}[/] {info['uscc']} · {info['town'] or ''} · 培育评价 "
        f"{info['run_id']}（{info['title']}，{info['period']} 年度）"
    )
    if info["list"] is None:
        console.print(f"不参评：{info['reasons']}")
        return
    score = ""
    if info["score_min"] is not None:
        score = f" · 得分 {_n(info['score_min'])}" + (
            f"–{_n(info['score_max'])}" if info["score_max"] != info["score_min"] else ""
        )
    console.print(
        f"结论 [bold]{info['verdict_label']}[/] · 培育库第 {info['rank']} 名（共 {info['pool_size']} 家）{score}"
    )
    if info["certificate"]:
        c = info["certificate"]
        console.print(
            f"高企证书：{_n(c['issued_year'])} 年发证，{_n(c['expires_year'])} 年到期（{c['status']}）"
        )
    t = Table(title="逐条件 Conditions")
    for col in ("方面", "条件", "结果", "说明（差距按企业自身口径）", "条款"):
        t.add_column(col)
    for c in info["conditions"]:
        style = {"pass": "green", "fail": "red", "missing": "yellow", "expert": "cyan"}[c["state"]]
        t.add_row(c["aspect"], c["title"], f"[{style}]{c['state_label']}[/]", c["note"] or "", c["ref"])
    console.print(t)
    if info["routes"]:
        console.print("直接认定情形：" + "；".join(r["title"] for r in info["routes"]))
    if info["items"]:
        t = Table(title="评分 Points（区间：专家评判项与分档区间）")
        for col in ("分组", "项目", "数值", "档次", "得分", "满分", "专家评判"):
            t.add_column(col)
        for p in info["items"]:
            val = "—" if p["value"] is None else f"{_n(p['value'], 2)}{p['unit']}"
            pts = _n(p["min"], 2) if p["min"] == p["max"] else f"{_n(p['min'], 2)}–{_n(p['max'], 2)}"
            t.add_row(
                p["group"], p["title"], val, p["band"] or "", pts, _n(p["full"]), "是" if p["judged"] else ""
            )
        for g in info["groups"]:
            pts = _n(g["min"], 2) if g["min"] == g["max"] else f"{_n(g['min'], 2)}–{_n(g['max'], 2)}"
            t.add_row(g["title"], "小计（封顶）", "", "", pts, _n(g["cap"]), "", style="bold")
        console.print(t)
    t = Table(title="数据来源 Sources")
    for col in ("字段", "年度", "数值", "单位", "批次", "文件", "行"):
        t.add_column(col)
    for s in info["sources"]:
        t.add_row(
            s["label"], s["period"], s["display"], s["unit"], f"#{s['batch_id']}", s["file"], str(s["row"])
        )
    console.print(t)


# ---- demo --------------------------------------------------------------------------------------------
def demo_cultivation(db, zone, out_dir: Path, keep_dir: Path | None) -> None:
    """`gaoxin demo`: write and import the 科技局 file, run the five built-in schemes for the latest year, print
    the pool summary (who passes today, who is one gap away) and export the pool workbook."""
    from gaoxin.commands.data import run_import, show_import
    from gaoxin.demo.files import write_innovation_file
    from gaoxin.evaluations import cultivation as svc
    from gaoxin.reports.cultivation_xlsx import write_pool_xlsx
    from gaoxin.settings import get_settings

    path = write_innovation_file(zone, out_dir)
    console.rule("企业培育 · 高企 / 科小 / 创新型 / 专精特新 / 小巨人")
    show_import(run_import([path], "auto", None, db))
    con = open_store(db)
    try:
        period = latest_period(con)
        pools, certs = [], None
        with console.status("培育评价 …"):
            for sid in svc.BUILTIN:
                _outcome, run = _run(con, sid, period)
                pools.append(
                    {
                        "scheme": run["scheme_id"],
                        "title": run["summary"]["title"],
                        "tier": run["summary"]["tier"],
                        "run_id": run["run_id"],
                        "counts": run["summary"]["counts"],
                        "pool": svc.pool(con, run["run_id"]),
                    }
                )
                if run["summary"].get("certificates") is not None:
                    certs = svc.certificates(con, run["run_id"])
        show_pool_summary(pools, certs)
        hnte = next(p for p in pools if p["tier"] == "hnte")
        show_pool(hnte["pool"].head(5), "高企培育库 差距最小的 5 家")
        target = keep_dir or get_settings().demo_out
        xlsx = write_pool_xlsx(Path(target) / f"培育库_{period}.xlsx", period, pools, certs)
        console.print(
            f"培育库已导出 {xlsx}；更多：gaoxin pool、gaoxin ladder、gaoxin explain {hnte['run_id']} <统一社会信用代码>"
        )
    finally:
        con.close()
