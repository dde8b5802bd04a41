"""产业链图谱 commands: list, tag, map, override, targets, export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from gaoxin.commands.common import JsonOption, console, fail, print_json, wan
from gaoxin.commands.data import DbOpt, open_store

chains_app = typer.Typer(help="产业链图谱 / industry-chain maps", no_args_is_help=True)
PacksOpt = Annotated[Path | None, typer.Option("--packs", help="自定义链条包目录（覆盖同编号的内置链条）")]


def register(app: typer.Typer) -> None:
    app.add_typer(chains_app, name="chains")


def _packs(packs: Path | None):
    from gaoxin.chains.packs import PackError, load_packs

    try:
        return load_packs(packs)
    except (PackError, OSError) as exc:
        fail(str(exc))


def _pack(packs: dict, key: str):
    from gaoxin.chains.packs import find_pack

    p = find_pack(packs, key)
    if p is None:
        fail(f"未知链条 {key}；可用：" + "、".join(f"{x.id}({x.name})" for x in packs.values()))
    return p


@chains_app.command("list", help="链条包及节点数 / chain packs")
def list_cmd(as_json: JsonOption = False, packs: PacksOpt = None) -> None:
    ps = _packs(packs)
    if as_json:
        print_json(
            {
                "chains": [
                    {
                        "id": p.id,
                        "name": p.name,
                        "version": p.version,
                        "nodes": len(p.leaves()),
                        "target_revenue": p.target_revenue,
                        "path": p.path,
                        "sha256": p.sha256,
                    }
                    for p in ps.values()
                ]
            }
        )
        return
    t = Table(title="产业链包 Chain packs")
    for c in ("编号", "链条", "版本", "节点数", "上/中/下游", "集群目标"):
        t.add_column(c)
    from gaoxin.chains.analysis import scale_label

    for p in ps.values():
        st = [sum(1 for n in p.leaves() if n.stage == s) for s in "UMD"]
        t.add_row(
            p.id,
            p.name,
            p.version,
            str(len(p.leaves())),
            "/".join(map(str, st)),
            scale_label(p.target_revenue),
        )
    console.print(t)


@chains_app.command("tag", help="为全部企业标注产业链节点 / tag enterprises")
def tag_cmd(
    as_json: JsonOption = False,
    db: DbOpt = None,
    packs: PacksOpt = None,
    segments: Annotated[
        Path | None,
        typer.Option(
            "--segments",
            help="收入构成 xlsx / csv（统一社会信用代码、业务/产品、营业收入、毛利）：按营业收入占比定主节点",
        ),
    ] = None,
) -> None:
    from gaoxin.chains.analysis import tag_store
    from gaoxin.chains.segments import read_segments
    from gaoxin.chains.targets import TargetsError

    ps = _packs(packs)
    try:
        segs = read_segments(segments) if segments else None
    except TargetsError as exc:
        fail(str(exc))
    con = open_store(db)
    summary = tag_store(con, ps, segments=segs, firms_out=as_json)
    if as_json:
        print_json(summary)
        return
    t = Table(title=f"产业链标注：{summary['enterprises']} 家企业，{summary['tagged']} 家落到至少一个节点")
    for c in ("链条", "企业数", "标注数"):
        t.add_column(c, justify="right" if c != "链条" else "left")
    for c in summary["chains"]:
        t.add_row(f"{c['chain']} {c['name']}", str(c["firms"]), str(c["tags"]))
    console.print(t)
    if segs:
        console.print(
            f"按收入构成定主节点的企业：{summary['primary_by_revenue']} 家（其余取置信度最高的节点）"
        )
    console.print("人工认定（gaoxin chains override）优先于自动标注，重新标注不会覆盖。")


@chains_app.command("map", help="产业链图谱：节点企业、龙头、缺口、集群规模 / chain map")
def map_cmd(
    chain: Annotated[str, typer.Argument(help="链条编号或名称，如 IC / 集成电路")],
    period: Annotated[str | None, typer.Option("--period", help="年度 YYYY（默认最近一年）")] = None,
    as_json: JsonOption = False,
    db: DbOpt = None,
    packs: PacksOpt = None,
) -> None:
    from gaoxin.chains.analysis import chain_map

    pack = _pack(_packs(packs), chain)
    con = open_store(db)
    m = chain_map(con, pack, period)
    if as_json:
        print_json(m)
        return
    t = Table(
        title=f"{m['name']}产业链图谱（{m['period'] or '无年度数据'}年）：{m['firms']} 家企业，"
        f"营收 {wan(m['revenue'])} 万元"
    )
    for c in ("节点", "环节", "企业数", "营收(万元)", "税收(万元)", "亩均A/B/C/D", "营收龙头", "缺口得分"):
        t.add_column(c)
    for n in m["nodes"]:
        mix = "/".join(str(n["mujun_classes"][c]) for c in "ABCD") if n["mujun_classes"] else "—"
        t.add_row(
            f"{n['node']} {n['name']}",
            n["stage_name"],
            str(n["firms"]),
            wan(n["revenue"]),
            wan(n["tax"]),
            mix,
            "、".join((x["name"] or x["uscc"]) for x in n["leaders_revenue"][:2]) or "—",
            f"{n['gap_score']:.2f}",
        )
    console.print(t)
    if m["gaps"]:
        console.print("[bold]补链条（按缺口得分）[/]")
        for g in m["gaps"]:
            console.print(f"  {g['gap_score']:.2f}  {g['reason']}")
    c = m["cluster"]
    cagr = f"{c['cagr']:.1%}" if c["cagr"] is not None else "—"
    console.print(
        f"集集群：当前 {c['latest_revenue'] / 1e8:,.1f} 亿元（{c['level']}），目标 {c['target_label']}，"
        f"年均增速 {cagr}，{target_text(c)}"
    )


def target_text(c: dict) -> str:
    """已达标 for a cluster at or past its target; else the years to it at the current growth (or — when the
    trend does not reach it)."""
    if c["latest_revenue"] >= c["target_revenue"]:
        return "已达标"
    if c["years_to_target"] is None:
        return "按当前增速无法测算达标年限"
    return f"预计 {c['years_to_target']:.1f} 年达标"


@chains_app.command("override", help="人工认定或排除企业的链条节点 / analyst override")
def override_cmd(
    uscc: Annotated[str, typer.Argument(help="统一社会信用代码")],
    node: Annotated[str, typer.Argument(help="节点编号，如 IC.M2")],
    remove: Annotated[bool, typer.Option("--remove", help="排除该节点（否则为认定）")] = False,
    note: Annotated[str | None, typer.Option("--note", help="说明")] = None,
    db: DbOpt = None,
    packs: PacksOpt = None,
) -> None:
    from gaoxin.store import chains as store
    from gaoxin.store import queries

    ps = _packs(packs)
    chain = next((p for p in ps.values() if node in p.nodes and not p.nodes[node].is_root), None)
    if chain is None:
        fail(f"未知节点 {node}")
    uscc = uscc.strip().upper()
    con = open_store(db)
    if queries.enterprise(con, uscc) is None:
        fail(f"数据库中没有企业 {uscc}")
    store.add_override(con, uscc, chain.id, node, "remove" if remove else "add", note)
    verb = "排除" if remove else "认定"
    console.print(f"已{verb}：{uscc} → {node} {chain.nodes[node].name}（优先于自动标注）")


@chains_app.command("targets", help="按补链缺口为招商候选企业排序 / rank investment targets")
def targets_cmd(
    file: Annotated[
        Path,
        typer.Argument(help="候选企业名单 xlsx / csv（企业名称、所在地区、经营范围、主营产品、营业收入）"),
    ],
    chain: Annotated[str, typer.Option("--chain", help="链条编号或名称")],
    period: Annotated[str | None, typer.Option("--period", help="年度 YYYY")] = None,
    as_json: JsonOption = False,
    db: DbOpt = None,
    packs: PacksOpt = None,
) -> None:
    from gaoxin.chains.analysis import chain_map
    from gaoxin.chains.tagging import Tagger
    from gaoxin.chains.targets import TargetsError, rank, read_candidates

    ps = _packs(packs)
    pack = _pack(ps, chain)
    try:
        cands = read_candidates(file)
    except TargetsError as exc:
        fail(str(exc))
    con = open_store(db)
    m = chain_map(con, pack, period)
    gaps = {n["node"]: n for n in m["nodes"]}
    ranked = rank(cands, pack, gaps, Tagger(ps))
    if as_json:
        print_json({"chain": pack.id, "period": m["period"], "candidates": ranked})
        return
    t = Table(title=f"{pack.name}招商目标排序（{len(ranked)} 家候选）")
    for c in ("名次", "企业", "地区", "营收(亿元)", "可补节点", "得分", "理由"):
        t.add_column(c)
    for r in ranked:
        t.add_row(
            str(r["rank"]),
            r["name"],
            r["region"] or "",
            f"{r['revenue'] / 1e8:,.2f}" if r["revenue"] else "—",
            "、".join(r["node_names"]) or "—",
            f"{r['score']:.3f}",
            r["reason"],
        )
    console.print(t)


@chains_app.command("export", help="导出产业链图谱 xlsx / export a chain map")
def export_cmd(
    chain: Annotated[str, typer.Argument(help="链条编号或名称")],
    out: Annotated[Path, typer.Option("--out", help="输出文件 .xlsx")],
    period: Annotated[str | None, typer.Option("--period", help="年度 YYYY")] = None,
    db: DbOpt = None,
    packs: PacksOpt = None,
) -> None:
    from gaoxin.chains.analysis import chain_map, firm_list
    from gaoxin.chains.export import export_map

    pack = _pack(_packs(packs), chain)
    con = open_store(db)
    m = chain_map(con, pack, period)
    path = export_map(m, firm_list(con, pack), out)
    console.print(f"已导出 {path}（{len(m['nodes'])} 个节点，{m['firms']} 家企业）")


def demo_chains(db) -> None:
    """The demo's 产业链 tags (every firm, the nine built-in chains), so the chain pages are not empty."""
    from gaoxin.chains.analysis import tag_store

    con = open_store(db)
    try:
        with console.status("产业链标注 …"):
            summary = tag_store(con, _packs(None))
    finally:
        con.close()
    busiest = sorted(summary["chains"], key=lambda c: -c["firms"])[:3]
    console.print(
        f"产业链标注：{summary['tagged']} / {summary['enterprises']} 家企业落到至少一个节点（"
        + "、".join(f"{c['name']} {c['firms']} 家" for c in busiest)
        + "）；gaoxin chains map 集成电路 查看图谱"
    )
