"""收入构成 (revenue segments) for the primary-node rule: a file of listed or reporting firms' revenue by business
line, read by `gaoxin.ingest.readers` (checked before parsing) through the same table reader as 招商 targets.

Headers (Chinese): 统一社会信用代码, 业务/产品 (the segment's name as reported, e.g. 动力电池系统), 营业收入 and
optionally 毛利 (any one money unit per column: 元 / 万元 / 亿元 in the header; shares are what the rule reads,
so the unit only has to be the same within a column). A row that names no firm, no segment or an unreadable
amount is refused with its row and column; nothing is half-read.
"""

from __future__ import annotations

from pathlib import Path

from gaoxin.chains.targets import TargetsError, norm_header, number, read_table
from gaoxin.ingest import uscc as U

HEADERS = {
    "uscc": ("统一社会信用代码", "信用代码", "USCC"),
    "text": ("业务", "产品", "业务名称", "产品名称", "分部", "收入构成", "项目"),
    "revenue": ("营业收入", "收入", "营收", "主营业务收入"),
    "gross_profit": ("毛利", "毛利润", "营业毛利"),
}


def _columns(columns: list[str], path: Path) -> dict[str, str]:
    cols: dict[str, str] = {}
    for field, names in HEADERS.items():
        for c in columns:
            h = norm_header(c)
            if any(h == n or h.startswith(n + "(") for n in names):
                cols.setdefault(field, c)
                break
    for need in ("uscc", "text", "revenue"):
        if need not in cols:
            raise TargetsError(f"{path.name}: 缺少“{HEADERS[need][0]}”列（现有列: {', '.join(columns)}）")
    return cols


def read_segments(path: str | Path) -> dict[str, list[dict]]:
    """USCC → [{text, revenue, gross_profit}] in file order; raises TargetsError naming file, row and column."""
    path = Path(path)
    if not path.exists():
        raise TargetsError(f"文件不存在: {path}")
    df, first_row = read_table(path)
    cols = _columns(list(df.columns), path)
    out: dict[str, list[dict]] = {}
    errors = []
    for i, r in enumerate(df.iter_rows(named=True), start=first_row):
        code = U.normalize(str(r.get(cols["uscc"]) or ""))
        text = str(r.get(cols["text"]) or "").strip()
        if not code and not text:
            continue  # a blank line
        rev = number(r.get(cols["revenue"]))
        gp = number(r.get(cols["gross_profit"])) if "gross_profit" in cols else None
        if not code:
            errors.append(f"第 {i} 行「{cols['uscc']}」为空")
        elif not text:
            errors.append(f"第 {i} 行「{cols['text']}」为空")
        elif rev is None:
            errors.append(f"第 {i} 行「{cols['revenue']}」不是数字：{r.get(cols['revenue'])!r}")
        else:
            out.setdefault(code, []).append({"text": text, "revenue": rev, "gross_profit": gp})
    if errors:
        more = f"（另有 {len(errors) - 5} 行）" if len(errors) > 5 else ""
        raise TargetsError(f"{path.name}: " + "；".join(errors[:5]) + more)
    return out
