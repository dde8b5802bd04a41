"""The xlsx a county office publishes for a 亩均 run: one sheet per list, T类, town counts, policy ledger,
and the class moves against last year's run. Chinese merged headers with units, like the department files."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import xlsxwriter

from gaoxin.store import runs as store_runs
from gaoxin.units_format import to_user, user_unit

CLASSES = ["A", "B", "C", "D", "T"]


class _Book:
    def __init__(self, path: Path):
        self.wb = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True})
        self.title = self.wb.add_format(
            {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}
        )
        self.head = self.wb.add_format(
            {
                "bold": True,
                "align": "center",
                "valign": "vcenter",
                "border": 1,
                "bg_color": "#DDEBF7",
                "text_wrap": True,
            }
        )
        self.cell = self.wb.add_format({"border": 1})
        self.num = self.wb.add_format({"border": 1, "num_format": "#,##0.00"})
        self.int = self.wb.add_format({"border": 1, "num_format": "0"})
        self.bold = self.wb.add_format({"border": 1, "bold": True})
        self.note = self.wb.add_format({"italic": True, "font_color": "#555555"})

    def sheet(self, name: str, title: str, unit_line: str, width: int):
        ws = self.wb.add_worksheet(name[:31])
        ws.merge_range(0, 0, 0, max(width - 1, 1), title, self.title)
        ws.write(1, 0, unit_line, self.note)
        ws.set_row(0, 26)
        return ws

    def write_cell(self, ws, r: int, c: int, v) -> None:
        if v is None or (isinstance(v, float) and v != v):
            ws.write_blank(r, c, None, self.cell)
        elif isinstance(v, int) and not isinstance(v, bool):
            ws.write_number(r, c, v, self.int)
        elif isinstance(v, float):
            ws.write_number(r, c, v, self.num)
        else:
            ws.write_string(r, c, str(v), self.cell)


def write_run_xlsx(con: duckdb.DuckDBPyConnection, run: dict, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    summary = run["summary"]
    names = summary.get("class_names", {})
    res = store_runs.run_results(con, run["run_id"])
    policy = store_runs.run_policy(con, run["run_id"])
    res = res.join(
        policy.rename({c: f"policy.{c}" for c in policy.columns if c != "uscc"}), on="uscc", how="left"
    )
    items = store_runs.item_scores(con, run["run_id"])
    book = _Book(out)
    head = f"{summary.get('title', run['scheme_id'])}（{run['period']} 年度数据，评价编号 {run['run_id']}）"

    for list_id in summary.get("counts_by_list", {}):
        part = res.filter(pl.col("list_id") == list_id).sort("rank")
        _list_sheet(book, list_id, part, items, summary, head)
    t = res.filter(pl.col("list_id").is_null())
    _t_sheet(book, t, head)
    _town_sheet(book, res, names, head)
    _policy_sheet(book, res, _policy_titles(con, run), head)
    _compare_sheet(book, con, run, res, head)
    book.wb.close()
    return out


def _list_sheet(
    book: _Book, list_id: str, part: pl.DataFrame, items: pl.DataFrame, summary: dict, head: str
) -> None:
    its = [i for i in summary["items"] if i["list"] == list_id and i["kind"] == "indicator"]
    fixed = ["序号", "统一社会信用代码", "企业名称", "所属镇街", "行业代码", "用地面积（亩）"]
    tail = ["指标得分合计", "加减分", "综合得分", "名次", "初评等级", "最终等级", "说明"]
    width = len(fixed) + 2 * len(its) + len(tail)
    ws = book.sheet(list_id, f"{head} — {list_id}企业", "单位：金额 万元，面积 亩；得分 分", width)
    for c, h in enumerate(fixed):
        ws.merge_range(2, c, 3, c, h, book.head)
    for k, it in enumerate(its):
        c = len(fixed) + 2 * k
        ws.merge_range(2, c, 2, c + 1, f"{it['title']}（权重 {it['weight']:g}）", book.head)
        unit = user_unit(it["unit"])  # the unit users read: 比值 → %
        ws.write(3, c, f"数值（{unit}）" if unit else "数值", book.head)
        ws.write(3, c + 1, "得分", book.head)
    for j, h in enumerate(tail):
        ws.merge_range(2, len(fixed) + 2 * len(its) + j, 3, len(fixed) + 2 * len(its) + j, h, book.head)
    keys = [it["key"] for it in its]
    factors = {it["key"]: to_user(1.0, it["unit"])[0] for it in its}  # canonical → shown (比值 × 100)
    wide = part.select("uscc")
    if keys and part.height:
        sub = items.filter(pl.col("item").is_in(keys) & pl.col("uscc").is_in(part["uscc"].implode()))
        for col in ("value", "score"):
            pv = sub.pivot(on="item", index="uscc", values=col)
            pv = pv.rename({k: f"{k}|{col}" for k in keys if k in pv.columns})
            wide = wide.join(pv, on="uscc", how="left")
    r = 4
    for n, row in enumerate(part.join(wide, on="uscc", how="left").iter_rows(named=True), start=1):
        vals = [n, row["uscc"], row["name"], row["town"], row["industry_code"], row.get("land_mu")]
        for k in keys:
            value = row.get(f"{k}|value")
            vals += [None if value is None else value * factors[k], row.get(f"{k}|score")]
        vals += [
            row.get("base_score"),
            row.get("adjustment"),
            row["score"],
            row["rank"],
            row["class_initial"],
            row["class_final"],
            row["reasons"],
        ]
        for c, v in enumerate(vals):
            book.write_cell(ws, r, c, v)
        r += 1
    ws.freeze_panes(4, 3)
    ws.set_column(1, 1, 21)
    ws.set_column(2, 2, 30)


def _t_sheet(book: _Book, t: pl.DataFrame, head: str) -> None:
    cols = ["序号", "统一社会信用代码", "企业名称", "所属镇街", "行业代码", "不参评原因"]
    ws = book.sheet(
        "T类（不参评）", f"{head} — T类（不参评）企业", "T类：依方案不参加等级评定的企业及原因", len(cols)
    )
    for c, h in enumerate(cols):
        ws.write(2, c, h, book.head)
    for n, row in enumerate(t.sort("uscc").iter_rows(named=True), start=1):
        for c, v in enumerate(
            [n, row["uscc"], row["name"], row["town"], row["industry_code"], row["reasons"]]
        ):
            book.write_cell(ws, 2 + n, c, v)
    ws.set_column(1, 1, 21)
    ws.set_column(2, 2, 30)
    ws.set_column(5, 5, 50)


def _town_sheet(book: _Book, res: pl.DataFrame, names: dict, head: str) -> None:
    ws = book.sheet("分镇街统计", f"{head} — 分镇街等级分布", "单位：家", len(CLASSES) + 2)
    ws.write(2, 0, "所属镇街", book.head)
    for c, k in enumerate(CLASSES, start=1):
        ws.write(2, c, f"{k}类 {names.get(k, '')}".strip(), book.head)
    ws.write(2, len(CLASSES) + 1, "合计", book.head)
    counts = (
        res.with_columns(pl.col("town").fill_null("（未知）"))
        .group_by("town", "class_final")
        .len()
        .pivot(on="class_final", index="town", values="len")
        .sort("town")
    )
    r = 3
    totals = dict.fromkeys(CLASSES, 0)
    for row in counts.iter_rows(named=True):
        vals = [row.get(k) or 0 for k in CLASSES]
        for k, v in zip(CLASSES, vals, strict=True):
            totals[k] += v
        for c, v in enumerate([row["town"], *vals, sum(vals)]):
            book.write_cell(ws, r, c, v)
        r += 1
    for c, v in enumerate(["合计", *totals.values(), sum(totals.values())]):
        ws.write(r, c, v, book.bold)
    ws.set_column(0, 0, 16)


def _policy_titles(con, run: dict) -> dict[str, dict]:
    """policy id → its title, the unit users read and the factor from the canonical unit (元 → 万元)."""
    from gaoxin.evaluations import runs as recipe
    from gaoxin.reports.policy_ledger import policies

    try:
        return {p["id"]: p for p in policies(recipe.stored_scheme(con, run))}
    except (recipe.RunError, ValueError):
        return {}


def _policy_sheet(book: _Book, res: pl.DataFrame, titles: dict[str, dict], head: str) -> None:
    pcols = [c for c in res.columns if c.startswith("policy.")]
    heads = []
    for c in pcols:
        p = titles.get(c[7:])
        heads.append(f"{p['title']}（{p['amount_unit']}）" if p else c[7:])
    cols = ["序号", "统一社会信用代码", "企业名称", "所属镇街", "最终等级", *heads]
    ws = book.sheet(
        "差别化政策台账",
        f"{head} — 差别化政策台账",
        "按方案政策表和最终等级计算的每户金额（金额单位见各列标题，元已折算为万元），仅列出有金额的企业",
        len(cols),
    )
    factor = {c: titles[c[7:]]["amount_factor"] if c[7:] in titles else 1.0 for c in pcols}
    res = res.with_columns([(pl.col(c) * factor[c]).alias(c) for c in pcols])
    for c, h in enumerate(cols):
        ws.write(2, c, h, book.head)
    if not pcols:
        ws.write(3, 0, "本方案未定义按户计算的政策项", book.note)
        return
    part = res.filter(pl.any_horizontal([pl.col(c).fill_null(0) != 0 for c in pcols])).sort(
        "class_final", "uscc"
    )
    for n, row in enumerate(part.iter_rows(named=True), start=1):
        for c, v in enumerate(
            [n, row["uscc"], row["name"], row["town"], row["class_final"], *[row[p] for p in pcols]]
        ):
            book.write_cell(ws, 2 + n, c, v)
    ws.set_column(1, 1, 21)
    ws.set_column(2, 2, 30)


def _compare_sheet(book: _Book, con, run: dict, res: pl.DataFrame, head: str) -> None:
    cols = [
        "序号",
        "统一社会信用代码",
        "企业名称",
        "所属镇街",
        "上年等级",
        "本年等级",
        "变化",
        "上年得分",
        "本年得分",
    ]
    ws = book.sheet("与上年对比", f"{head} — 与上年评价对比（等级变化企业）", "", len(cols))
    for c, h in enumerate(cols):
        ws.write(2, c, h, book.head)
    prev_id = store_runs.previous_run_of(con, run)
    if prev_id is None:
        ws.write(3, 0, f"没有同一方案 {int(run['period']) - 1} 年度的评价，无法对比", book.note)
        return
    prev = store_runs.run_results(con, prev_id).select(
        "uscc", pl.col("class_final").alias("prev_class"), pl.col("score").alias("prev_score")
    )
    order = {k: i for i, k in enumerate(CLASSES)}
    moved = (
        res.join(prev, on="uscc", how="inner")
        .filter(pl.col("prev_class") != pl.col("class_final"))
        .with_columns(
            pl.col("prev_class").replace_strict(order, default=9).alias("_p"),
            pl.col("class_final").replace_strict(order, default=9).alias("_c"),
        )
        .sort("_c", "uscc")
    )
    for n, row in enumerate(moved.iter_rows(named=True), start=1):
        change = (
            "新评/不参评变化"
            if "T" in (row["prev_class"], row["class_final"])
            else ("升级" if row["_c"] < row["_p"] else "降级")
        )
        for c, v in enumerate(
            [
                n,
                row["uscc"],
                row["name"],
                row["town"],
                row["prev_class"],
                row["class_final"],
                change,
                row["prev_score"],
                row["score"],
            ]
        ):
            book.write_cell(ws, 2 + n, c, v)
    ws.write(3 + moved.height, 0, f"对比评价：{prev_id}", book.note)
    ws.set_column(1, 1, 21)
    ws.set_column(2, 2, 30)
