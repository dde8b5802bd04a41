"""园区对标 commands: zones, rank, climb, rank-export (and the demo's zone part)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from gaoxin.commands.common import JsonOption, console, fail, print_json
from gaoxin.commands.data import DbOpt, open_store

# The zone evaluation (numpy/scipy engine), schemes and store are imported inside the commands that use them:
# module level stays light so that `gaoxin --help` and other areas' commands start fast.

DEFAULT_SCHEME = "most-2021"


def register(app: typer.Typer) -> None:
    app.command("zones", help="已导入的园区 / zones in the store")(zones)
    app.command("rank", help="园区综合排名、维度排名、短板诊断与排名区间 / rank zones")(rank)
    app.command("climb", help="升至目标名次所需的最少指标改善 / smallest improvements to reach a rank")(climb)
    app.command("rank-export", help="导出园区排名结果 xlsx / export a ranking run")(rank_export)


def zones(as_json: JsonOption = False, db: DbOpt = None) -> None:
    from gaoxin.evaluations.zones import service

    con = open_store(db)
    items = service.zone_list(con)
    if as_json:
        print_json({"zones": items})
        return
    if not items:
        console.print("还没有园区数据：gaoxin import 文件 --source zone（或 gaoxin demo）")
        return
    t = Table(title=f"园区 Zones（{len(items)} 个）")
    for col in ("园区代码", "园区名称", "省份", "城市", "级别", "类型", "本区", "年度数"):
        t.add_column(col)
    for z in items:
        t.add_row(
            z["zone_id"],
            z["name"],
            z["province"] or "—",
            z["city"] or "—",
            z["level"] or "—",
            z["zone_type"] or "—",
            "是" if z["is_home"] else "",
            str(z["periods"]),
        )
    console.print(t)


def rank(
    scheme: Annotated[str, typer.Option("--scheme", help="园区方案 id 或 .toml 路径")] = DEFAULT_SCHEME,
    period: Annotated[str, typer.Option("--period", help="数据年度 YYYY（默认最新）")] = "",
    home: Annotated[
        str | None, typer.Option("--home", help="本区（园区名称或代码；默认标记为本区的园区）")
    ] = None,
    draws: Annotated[int | None, typer.Option("--draws", help="稳健性抽样次数（默认按方案，10000）")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="随机种子（默认按方案）")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="同时导出 xlsx")] = None,
    as_json: JsonOption = False,
    db: DbOpt = None,
) -> None:
    from gaoxin.evaluations.zones import service
    from gaoxin.schemes import SchemeError
    from gaoxin.store import runs as store_runs

    con = open_store(db)
    try:
        with console.status("园区排名 …", spinner="dots"):
            outcome = service.run_rank(con, scheme, period or None, home, draws, seed)
    except (service.RunError, SchemeError) as exc:
        fail(str(exc))
    if out is not None:
        from gaoxin.reports.zone_xlsx import write_rank_xlsx

        write_rank_xlsx(con, store_runs.find_run(con, outcome.run_id), out)
    if as_json:
        print_json({**outcome.payload, "created": outcome.created, "export": str(out) if out else None})
        return
    show_rank(outcome.payload, outcome.created)
    if out is not None:
        console.print(f"已导出 {out}")


def _n(v, digits: int = 2) -> str:
    if v is None:
        return "—"
    if float(v).is_integer():
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def show_rank(p: dict, created: bool = True, top: int = 20) -> None:
    note = "" if created else "（相同数据与方案的排名已存在，结果未变）"
    console.print(
        f"[bold]园区排名 {p['run_id']}[/] {p['scheme']['title']} · {p['period']} 年度数据 · "
        f"{p['n']} 个园区{note}"
    )
    dims = p["dimensions"]
    t = Table(title=f"综合排名前 {top} 名（括号内为维度名次）", title_justify="left")
    for col in ("名次", "园区", "省份", "类型", "总分"):
        t.add_column(col)
    for d in dims:
        t.add_column(
            f"{d['no']}、{d['title']}（{d['weight']:.0f}）" if p.get("method") == "goalpost" else d["title"]
        )
    shown = p["zones"][:top]
    home = p.get("home")
    if home and all(z["zone_id"] != home["zone_id"] for z in shown):
        shown = shown + [z for z in p["zones"] if z["zone_id"] == home["zone_id"]]
    for z in shown:
        style = "bold yellow" if z["is_home"] else None
        t.add_row(
            str(z["rank"]),
            z["name"],
            z["province"] or "—",
            z["zone_type"] or "—",
            f"{z['score']:.2f}",
            *[f"{d.get('score', 0):.2f} ({d.get('rank', '—')})" for d in z["dimensions"]],
            style=style,
        )
    console.print(t)
    lists = p.get("top_lists") or []
    if lists:
        t = Table(title="单项指标前 5 名（完整前 20 名见 --json 或 rank-export）", title_justify="left")
        t.add_column("指标")
        for k in range(1, 6):
            t.add_column(f"第{k}名")
        for tl in lists:
            cells = [f"{z['name']} {_n(z['value'])}" for z in tl["zones"][:5]]
            t.add_row(f"{tl['title']}（{tl['unit']}）", *(cells + [""] * (5 - len(cells))))
        console.print(t)
    if home:
        show_home(home)
    elif p.get("home_note"):
        console.print(p["home_note"])
    rob = p.get("robustness")
    if rob:
        show_robustness(rob, home["name"] if home else None)
    for n in p.get("notes") or []:
        console.print(f"[dim]注：{n}[/]")
    if p.get("excluded"):
        console.print(
            f"[dim]未参加排名 {len(p['excluded'])} 个园区："
            + "；".join(f"{e['name']}（{e['reason']}）" for e in p["excluded"][:5])
            + "[/]"
        )


def show_home(h: dict) -> None:
    console.print(
        f"\n[bold]本区 {h['name']}[/]：综合第 {h['rank']} 名 / {h['of']}，总分 {h['score']:.2f}；"
        + "；".join(f"{d['title']} 第 {d['rank']} 名" for d in h["dimensions"])
    )
    peer = (
        f"同类（{h['peer_group']}，{h['peer_size']} 个）"
        if h.get("peer_group") and h.get("peer_size")
        else "同类"
    )
    t = Table(
        title=f"短板：低于全国中位数或{peer}中位数的指标（共 {h['n_weaknesses']} 项，按失分排序）",
        title_justify="left",
    )
    for col in ("指标", "单位", "本区", "全国中位数", "差距", f"{peer}中位数", "差距", "单项名次", "失分"):
        t.add_column(col)
    for w in h["weaknesses"]:
        t.add_row(
            f"{w['no']} {w['title']}",
            w["unit"],
            _n(w["value"]),
            _n(w["group_median"]),
            _n(w["gap_group"]),
            _n(w["peer_median"]),
            _n(w["gap_peer"]),
            f"{w['indicator_rank']}/{w['of']}" if w["indicator_rank"] else "缺数据",
            _n(w["points_lost"]),
        )
    console.print(t)
    t = Table(title=f"优势：高于全国与同类中位数（共 {h['n_strengths']} 项）", title_justify="left")
    for col in ("指标", "单位", "本区", "全国中位数", "高出", "单项名次"):
        t.add_column(col)
    for s in h["strengths"]:
        t.add_row(
            f"{s['no']} {s['title']}",
            s["unit"],
            _n(s["value"]),
            _n(s["group_median"]),
            _n(s["gap_group"]),
            f"{s['indicator_rank']}/{s['of']}",
        )
    console.print(t)


def show_robustness(rob: dict, home_name: str | None) -> None:
    t = Table(
        title=(
            f"排名区间：{rob['draws']:,} 次抽样（权重 ±{rob['perturbation']:.0%}，标准化 "
            f"{'/'.join(rob['normalizations'])}，聚合 {'/'.join(rob['aggregations'])}）"
        ),
        title_justify="left",
    )
    for col in ("名次", "园区", "中位名次", "5%–95% 区间", f"进入前 {rob['top']} 名概率"):
        t.add_column(col)
    for z in rob["zones"]:
        t.add_row(
            str(z["rank"]),
            z["name"],
            f"{z['median']:.0f}",
            f"{z['p05']:.0f}–{z['p95']:.0f}",
            f"{z['p_top']:.1%}",
            style="bold yellow" if z["is_focus"] else None,
        )
    console.print(t)
    who = home_name or "第一名"
    console.print(
        f"{who}进入前 {rob['top']} 名的概率：[bold]{rob['p_top']:.1%}[/]；平均名次变动 "
        f"{rob['mean_rank_shift']:.2f} 位。"
    )


def climb(
    scheme: Annotated[str, typer.Option("--scheme", help="园区方案 id 或 .toml 路径")] = DEFAULT_SCHEME,
    zone: Annotated[str | None, typer.Option("--zone", help="园区名称或代码（默认本区）")] = None,
    to_rank: Annotated[int, typer.Option("--to-rank", help="目标名次 K")] = 50,
    period: Annotated[str, typer.Option("--period", help="数据年度 YYYY（默认最新）")] = "",
    max_change: Annotated[
        float, typer.Option("--max-change", help="每项指标最多改善今天值的比例（0.5 = 50%）")
    ] = 0.5,
    as_json: JsonOption = False,
    db: DbOpt = None,
) -> None:
    from gaoxin.evaluations.zones import service
    from gaoxin.schemes import SchemeError

    con = open_store(db)
    try:
        with console.status("求解 …", spinner="dots"):
            answer = service.climb_zone(con, scheme, zone, to_rank, period or None, max_change)
    except (service.RunError, SchemeError) as exc:
        fail(str(exc))
    if as_json:
        print_json(answer)
        return
    show_climb(answer)


def show_climb(a: dict) -> None:
    how = {"milp": "混合整数线性规划（HiGHS）", "search": "贪心搜索", "none": ""}[a["method"]]
    console.print(
        f"[bold]{a['name']}[/] {a['period']} 年度 · 方案 {a['scheme']} · 当前第 {a['current_rank']} 名"
        f"（{a['current_score']:.2f} 分），目标第 {a['target_rank']} 名（需 ≥ {a['target_score']:.2f} 分）"
        + (f" · {how}" if how else "")
    )
    console.print(a["message"])
    if a["changes"]:
        t = Table(title="需改善的指标（其他园区保持不变）", title_justify="left")
        for col in ("指标", "单位", "当前值", "需达到", "改变量", "相对当前", "增加得分"):
            t.add_column(col)
        for c in a["changes"]:
            t.add_row(
                f"{c['no']} {c['title']}",
                c["unit"],
                _n(c["current"], 4),
                _n(c["proposed"], 4),
                f"{c['change']:+,.4g}",
                "—" if c["change_pct"] is None else f"{c['change_pct']:+.1f}%",
                "—" if c["points_gain"] is None else f"{c['points_gain']:.3f}",
            )
        console.print(t)
    for n in a.get("notes") or []:
        console.print(f"[dim]注：{n}[/]")


def rank_export(
    run_id: Annotated[str, typer.Argument(help="排名编号（可只写前几位）")],
    out: Annotated[Path, typer.Option("--out", help="输出文件 .xlsx")],
    db: DbOpt = None,
) -> None:
    from gaoxin.evaluations.zones import service
    from gaoxin.reports.zone_xlsx import write_rank_xlsx
    from gaoxin.store import runs as store_runs

    con = open_store(db)
    full = store_runs.resolve_run(con, run_id)
    run = store_runs.find_run(con, full) if full else None
    if run is None or run["kind"] != service.KIND.name:
        fail(f"没有编号为 {run_id} 的园区排名（gaoxin runs 查看已有评价）")
    console.print(f"已导出 {write_rank_xlsx(con, run, out)}")


def demo_zones(db, out_dir: Path, keep_dir: Path | None) -> None:
    """The demo's zone benchmarking: 178 fictional national zones plus 示范高新区, imported through the normal
    import path as one zone-indicator xlsx, ranked with most-2021 (latest year), a climb to the top 50, and
    the ranking exported."""
    from gaoxin.commands.data import run_import, show_import
    from gaoxin.demo.zones import generate_zones, write_zone_file
    from gaoxin.evaluations.zones import service
    from gaoxin.reports.zone_xlsx import write_rank_xlsx
    from gaoxin.settings import get_settings
    from gaoxin.store import runs as store_runs

    with console.status("生成全国高新区对标数据 …"):
        path = write_zone_file(generate_zones(), out_dir)
    console.rule("园区对标 · 全国高新区")
    show_import(run_import([path], "zone", None, db))
    con = open_store(db)
    try:
        with console.status("园区排名 most-2021 …"):
            outcome = service.run_rank(con, DEFAULT_SCHEME)
        show_rank(outcome.payload, outcome.created, top=10)
        home = outcome.payload.get("home")
        if home and home["rank"] > 1:
            target = 50 if home["rank"] > 50 else max(1, home["rank"] - 10)
            show_climb(service.climb_zone(con, DEFAULT_SCHEME, home["zone_id"], target))
        export_dir = keep_dir or get_settings().demo_out
        export_dir.mkdir(parents=True, exist_ok=True)
        run = store_runs.find_run(con, outcome.run_id)
        xlsx = write_rank_xlsx(con, run, export_dir / f"园区排名_{DEFAULT_SCHEME}_{run['period']}.xlsx")
        console.print(
            f"园区排名已导出 {xlsx}；再试：gaoxin rank --scheme zone-entropy-topsis、gaoxin climb --to-rank 40"
        )
    finally:
        con.close()
