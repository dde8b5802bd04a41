"""The xlsx of a zone ranking run, with the conventions of the 亩均 export: a merged title, a unit line,
Chinese merged headers (dimension over its indicators, indicator over 数值/得分) with units, frozen panes.

Sheets: 综合排名 (total and per-dimension score and rank), 指标数值与得分, 单项前N名, 本区诊断 (短板/优势),
排名区间 (Monte Carlo rank intervals), 方案说明 (sources, verified, assumed, goalposts and points).
Everything is read from the stored run, so an export always matches the run it names.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from gaoxin.evaluations.runs import stored_scheme
from gaoxin.reports.mujun_xlsx import _Book
from gaoxin.store import zones as store_zones


def write_rank_xlsx(con: duckdb.DuckDBPyConnection, run: dict, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    s = run["summary"]
    rid = run["run_id"]
    res = store_zones.zone_run_results(con, rid)
    items = store_zones.zone_run_items(con, rid)
    book = _Book(out)
    book.pct = book.wb.add_format({"border": 1, "num_format": "0.0%"})
    book.home = book.wb.add_format({"border": 1, "bold": True, "bg_color": "#FFF2CC"})
    head = f"{s['title']}（{run['period']} 年度数据，排名编号 {rid}）"
    ranked = res.filter(pl.col("rank").is_not_null())
    _ranking(book, s, ranked, items, head)
    _indicators(book, s, ranked, items, head)
    _top_lists(book, s, head)
    _home(book, s, head)
    _robustness(book, s, head)
    _scheme(book, con, run, s, head)
    book.wb.close()
    return out


def _attrs(s: dict, zone_id: str) -> list:
    name, province, city, zone_type, is_home = s["zones"].get(zone_id, [zone_id, None, None, None, False])
    return [name, province, city, zone_type, is_home]


def _wide(items: pl.DataFrame, prefix: str, col: str) -> pl.DataFrame:
    part = items.filter(pl.col("item").str.starts_with(prefix))
    return (
        part.pivot(on="item", index="zone_id", values=col) if part.height else pl.DataFrame({"zone_id": []})
    )


def _ranking(book: _Book, s: dict, ranked: pl.DataFrame, items: pl.DataFrame, head: str) -> None:
    dims = s["dimensions"]
    fixed = ["名次", "园区代码", "园区名称", "所在省份", "所在城市", "园区类型", "综合得分"]
    ws = book.sheet(
        "综合排名",
        f"{head} — 综合排名与维度排名",
        f"得分：分（满分 {s.get('total', 100):g}）；名次 1 为最好，并列取同一名次",
        len(fixed) + 2 * len(dims),
    )
    for c, h in enumerate(fixed):
        ws.merge_range(2, c, 3, c, h, book.head)
    for k, d in enumerate(dims):
        c = len(fixed) + 2 * k
        label = f"{d['no']}、{d['title']}" + (
            f"（{d['weight']:.0f}分）" if s.get("method") == "goalpost" else ""
        )
        ws.merge_range(2, c, 2, c + 1, label, book.head)
        ws.write(3, c, "得分", book.head)
        ws.write(3, c + 1, "名次", book.head)
    score = _wide(items, "dim.", "score")
    rank = _wide(items, "dim.", "value")
    wide = ranked.join(score, on="zone_id", how="left").join(rank, on="zone_id", how="left", suffix="|rank")
    for r, row in enumerate(wide.iter_rows(named=True), start=4):
        name, province, city, zone_type, is_home = _attrs(s, row["zone_id"])
        vals = [row["rank"], row["zone_id"], name, province, city, zone_type, row["score"]]
        for d in dims:
            dim_rank = row.get(f"dim.{d['id']}|rank")
            vals += [row.get(f"dim.{d['id']}"), None if dim_rank is None else int(dim_rank)]
        for c, v in enumerate(vals):
            book.write_cell(ws, r, c, v)
        if is_home:
            ws.write_string(r, 2, str(name), book.home)
    ws.freeze_panes(4, 3)
    ws.set_column(2, 2, 16)
    ws.set_column(5, 5, 18)


def _indicators(book: _Book, s: dict, ranked: pl.DataFrame, items: pl.DataFrame, head: str) -> None:
    inds = s["indicators"]
    fixed = ["名次", "园区名称"]
    ws = book.sheet(
        "指标数值与得分",
        f"{head} — 各指标数值与得分",
        "数值为指标原单位（表头括号内）；得分 = 截断到[0,1]的标准化值 × 该项分值"
        if s.get("method") == "goalpost"
        else "数值为指标原单位（表头括号内）；TOPSIS 不可按项相加，只列标准化值",
        len(fixed) + 2 * len(inds),
    )
    for c, h in enumerate(fixed):
        ws.merge_range(2, c, 4, c, h, book.head)
    c = len(fixed)
    for d in s["dimensions"]:
        members = [i for i in inds if i["dimension"] == d["id"]]
        ws.merge_range(2, c, 2, c + 2 * len(members) - 1, f"{d['no']}、{d['title']}", book.head)
        for i in members:
            ws.merge_range(3, c, 3, c + 1, f"{i['no']} {i['title']}（{i['unit']}）", book.head)
            ws.write(4, c, "数值", book.head)
            ws.write(
                4,
                c + 1,
                f"得分（{i['points']:.2f}）" if s.get("method") == "goalpost" else f"权重 {i['weight']:.3f}",
                book.head,
            )
            c += 2
    value = _wide(items, "ind.", "value")
    score = _wide(items, "ind.", "score")
    wide = (
        ranked.select("zone_id", "rank")
        .join(value, on="zone_id", how="left")
        .join(score, on="zone_id", how="left", suffix="|score")
    )
    order = [i["id"] for d in s["dimensions"] for i in inds if i["dimension"] == d["id"]]
    ws.set_row(3, 48)
    for r, row in enumerate(wide.iter_rows(named=True), start=5):
        vals = [row["rank"], _attrs(s, row["zone_id"])[0]]
        for i in order:
            vals += [row.get(f"ind.{i}"), row.get(f"ind.{i}|score")]
        for c, v in enumerate(vals):
            book.write_cell(ws, r, c, v)
    ws.freeze_panes(5, 2)
    ws.set_column(1, 1, 16)


def _top_lists(book: _Book, s: dict, head: str) -> None:
    ws = book.sheet("单项前N名", f"{head} — 单项指标前 N 名", "每项指标按其方向排序（成本型指标越低越好）", 4)
    r = 2
    for tl in s["top_lists"]:
        ws.merge_range(
            r,
            0,
            r,
            3,
            f"{tl['no']} {tl['title']}（{tl['unit']}，{'越低越好' if tl['direction'] == 'lower' else '越高越好'}）",
            book.head,
        )
        r += 1
        for c, h in enumerate(["名次", "园区代码", "园区名称", f"数值（{tl['unit']}）"]):
            ws.write(r, c, h, book.head)
        r += 1
        for z in tl["zones"]:
            for c, v in enumerate([z["rank"], z["zone_id"], z["name"], z["value"]]):
                book.write_cell(ws, r, c, v)
            r += 1
        r += 1
    ws.set_column(1, 2, 16)
    ws.set_column(3, 3, 18)


def _home(book: _Book, s: dict, head: str) -> None:
    h = s.get("home")
    cols = [
        "序号",
        "维度",
        "指标",
        "单位",
        "本区数值",
        "全国中位数",
        "与全国中位数差距",
        "差距（%）",
        "同类中位数",
        "与同类中位数差距",
        "单项名次",
        "参与园区数",
        "得分",
        "满分",
        "失分",
        "判断",
    ]
    ws = book.sheet(
        "本区诊断",
        f"{head} — 本区短板与优势",
        "差距 = 本区数值 − 中位数（指标原单位；成本型指标为负是好事）",
        len(cols),
    )
    if not h:
        ws.write(
            2,
            0,
            s.get("home_note") or "未指定本区（导入文件中“是否本区”为“是”的园区，或 gaoxin rank --home）",
            book.note,
        )
        return
    ws.write(2, 0, f"{h['name']}：综合第 {h['rank']} 名 / {h['of']}，总分 {h['score']:.2f}", book.bold)
    r = 3
    for d in h["dimensions"]:
        ws.write(
            r, 0, f"{d['title']}：第 {d['rank']} 名，得分 {d['score']:.2f} / {d['weight']:.2f}", book.note
        )
        r += 1
    peer = f"同类：{h['peer_group']}（{h['peer_size']} 个）" if h.get("peer_group") else "未分同类组"
    ws.write(r, 0, peer, book.note)
    r += 1
    for c, name in enumerate(cols):
        ws.write(r, c, name, book.head)
    weak = {w["indicator"] for w in h["weaknesses"]}
    strong = {x["indicator"] for x in h["strengths"]}
    for n, it in enumerate(h["indicators"], start=1):
        verdict = (
            "短板"
            if it["indicator"] in weak
            else "优势"
            if it["indicator"] in strong
            else ("低于中位数" if it["below_group"] or it["below_peer"] else "")
        )
        vals = [
            n,
            it["dimension"],
            f"{it['no']} {it['title']}",
            it["unit"],
            it["value"],
            it["group_median"],
            it["gap_group"],
            None if it["gap_group_pct"] is None else it["gap_group_pct"] / 100,
            it["peer_median"],
            it["gap_peer"],
            it["indicator_rank"],
            it["of"],
            it["points"],
            it["max_points"],
            it["points_lost"],
            verdict,
        ]
        for c, v in enumerate(vals):
            if c == 7 and v is not None:
                ws.write_number(r + n, c, v, book.pct)
            else:
                book.write_cell(ws, r + n, c, v)
    ws.set_column(1, 1, 20)
    ws.set_column(2, 2, 44)


def _robustness(book: _Book, s: dict, head: str) -> None:
    rob = s.get("robustness")
    cols = [
        "名次",
        "园区代码",
        "园区名称",
        "中位名次",
        "平均名次",
        "5% 分位名次",
        "95% 分位名次",
        f"进入前 {rob['top'] if rob else 50} 名概率",
    ]
    ws = book.sheet("排名区间", f"{head} — 排名区间（权重与方法不确定性）", "", len(cols))
    if not rob:
        return
    ws.write(
        1,
        0,
        (
            f"{rob['draws']:,} 次抽样；权重扰动 ±{rob['perturbation']:.0%}（{rob['weight_draws']}）；标准化方法 "
            f"{'/'.join(rob['normalizations'])}；聚合方法 {'/'.join(rob['aggregations'])}；种子 {rob['seed']}；"
            f"平均名次变动 {rob['mean_rank_shift']:.2f}"
        ),
        book.note,
    )
    for c, h in enumerate(cols):
        ws.write(2, c, h, book.head)
    for r, z in enumerate(rob["zones"], start=3):
        for c, v in enumerate(
            [z["rank"], z["zone_id"], z["name"], z["median"], z["mean"], z["p05"], z["p95"]]
        ):
            book.write_cell(ws, r, c, v)
        ws.write_number(r, 7, z["p_top"], book.pct)
    ws.set_column(2, 2, 16)


def _scheme(book: _Book, con, run: dict, s: dict, head: str) -> None:
    scheme = stored_scheme(con, run)
    m = scheme.scheme
    ws = book.sheet(
        "方案说明", f"{head} — 方案说明", f"方案 {m.id}（{m.status}）sha256 {run['scheme_sha256'][:12]}", 9
    )
    r = 2
    for label, lines in (
        ("来源", [" ".join(filter(None, (x.key, x.title, x.number, x.url, x.note))) for x in m.sources]),
        ("已核实", m.verified),
        ("假设", m.assumed),
        ("说明", [m.notes] if m.notes else []),
        ("运行提示", s.get("notes") or []),
    ):
        ws.write(r, 0, label, book.bold)
        for line in lines or ["—"]:
            ws.write(r, 1, line)
            r += 1
        r += 1
    cols = ["维度", "编号", "指标", "单位", "方向", "赋权倍数", "分值/权重", "最差参照值", "基准值", "状态"]
    for c, h in enumerate(cols):
        ws.write(r, c, h, book.head)
    dims = {d["id"]: d["title"] for d in s["dimensions"]}
    for i in s["indicators"]:
        r += 1
        vals = [
            dims[i["dimension"]],
            i["no"],
            i["title"],
            i["unit"],
            "越低越好" if i["direction"] == "lower" else "越高越好",
            i["multiplier"],
            i["points"],
            i["worst"],
            i["best"],
            "已核实" if i["status"] == "verified" else "假设",
        ]
        for c, v in enumerate(vals):
            book.write_cell(ws, r, c, v)
    ws.set_column(0, 0, 22)
    ws.set_column(2, 2, 44)
