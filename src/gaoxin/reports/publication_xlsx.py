"""公示名单 and 定级 final list workbooks: one sheet for the whole list and one per town, titles in the
headers; the final list shows 初评等级 (the run's class) beside 定级 and the decision behind a change."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter

FINAL_TITLES = {
    "town": "镇街",
    "name": "企业名称",
    "uscc": "统一社会信用代码",
    "list_id": "名单",
    "score": "综合得分",
    "rank": "名次",
    "class_run": "初评等级",
    "class_final": "定级",
    "decision_kind": "调整类型",
    "decision_reason": "调整理由",
    "decision_id": "决定编号",
}
KIND_TITLES = {"adjust": "调档", "participate": "参评/不参评", "appeal": "申诉更正"}


def final_frame(final: pl.DataFrame) -> pl.DataFrame:
    """The final list as its workbook and PDF show it (titles as headers, by town, list and rank)."""
    cols = [c for c in FINAL_TITLES if c in final.columns]
    out = final.sort(["town", "list_id", "rank"], nulls_last=True).select(cols)
    if "decision_kind" in out.columns:
        out = out.with_columns(pl.col("decision_kind").replace(KIND_TITLES))
    return out.rename({c: FINAL_TITLES[c] for c in cols})


def _sheet(wb, name: str, title: str, df: pl.DataFrame, head, wrap) -> None:
    ws = wb.add_worksheet(name[:31])
    ws.merge_range(0, 0, 0, max(df.width - 1, 1), title, head)
    for j, c in enumerate(df.columns):
        ws.write(1, j, c, head)
        ws.set_column(j, j, 22 if c in ("企业名称", "统一社会信用代码", "调整理由") else 11)
    for i, row in enumerate(df.iter_rows(), start=2):
        for j, v in enumerate(row):
            if isinstance(v, float):
                ws.write_number(i, j, round(v, 2)) if v == v else ws.write_blank(i, j, None)
            elif v is None:
                ws.write_blank(i, j, None)
            else:
                ws.write(i, j, v, wrap)
    ws.freeze_panes(2, 0)


def write_list_xlsx(df: pl.DataFrame, title: str, out: Path, town_col: str = "镇街") -> Path:
    """One sheet 全部 and one per town of `df` (already titled)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(out))
    head = wb.add_format({"bold": True, "bg_color": "#e8eef7", "border": 1})
    wrap = wb.add_format({"text_wrap": False})
    _sheet(wb, "全部", title, df, head, wrap)
    if town_col in df.columns:
        for town in sorted(t for t in df[town_col].unique().to_list() if t):
            _sheet(wb, town, f"{title}（{town}）", df.filter(pl.col(town_col) == town), head, wrap)
    wb.close()
    return out
