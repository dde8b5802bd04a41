"""招商 targets: rank a list of firms outside the zone by the chain gaps they would fill, with the reason.

The candidate file (xlsx or csv, UTF-8 or GBK; read by `gaoxin.ingest.readers`, which checks it before
parsing) has Chinese headers: 企业名称, 所在地区, 经营范围, 主营产品,
营业收入（万元 / 亿元 / 元; 万元 when no unit is given）and optionally 行业代码.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import polars as pl

from gaoxin.chains.packs import Pack
from gaoxin.chains.tagging import Tagger
from gaoxin.ingest import readers

HEADERS = {
    "name": ("企业名称", "公司名称", "单位名称", "名称", "企业"),
    "region": ("所在地区", "所在地", "地区", "区域", "省市", "注册地"),
    "scope": ("经营范围",),
    "products": ("主营产品", "主要产品", "主营业务", "产品"),
    "revenue": ("营业收入", "营收", "销售收入", "主营业务收入", "年营业收入"),
    "industry_code": ("行业代码", "国民经济行业代码"),
}
UNITS = {"亿元": 1e8, "万元": 1e4, "千元": 1e3, "元": 1.0}


class TargetsError(ValueError):
    pass


def read_table(path: Path) -> tuple[pl.DataFrame, int]:
    """The first sheet with its first row as the header (all cells text), and the Excel row of data row 0."""
    if path.suffix.lower() not in (*readers.SUPPORTED, ".txt"):
        raise TargetsError(f"{path.name}: 只支持 xlsx / xls / csv 文件")
    try:
        sheets = readers.read_file(path, csv_suffixes=(".csv", ".txt"))
    except readers.ReadError as exc:
        raise TargetsError(str(exc)) from exc
    if not sheets or sheets[0].grid.height == 0:
        return pl.DataFrame(), 2
    sheet = sheets[0]
    names: list[str] = []
    for v in sheet.grid.row(0):
        name = "" if v is None else str(v)
        n = sum(1 for x in names if x == name or x.startswith(f"{name}_duplicated_"))
        names.append(f"{name}_duplicated_{n - 1}" if n else name)
    data = sheet.grid.slice(1)
    return data.rename(dict(zip(data.columns, names, strict=True))), sheet.row0 + 2


def norm_header(h: str) -> str:
    return re.sub(r"\s", "", str(h)).replace("（", "(").replace("）", ")")


def _unit(header: str) -> float:
    for u, f in UNITS.items():
        if u in header:
            return f
    return 1e4  # candidate lists are kept in 万元 unless the header says otherwise


def number(v) -> float | None:
    if v is None:
        return None
    s = str(v).strip().replace(",", "").replace("，", "")
    if s in ("", "-", "—", "…", "/"):
        return None
    try:
        return float(s)
    except ValueError:
        return None


def read_candidates(path: str | Path) -> list[dict]:
    path = Path(path)
    if not path.exists():
        raise TargetsError(f"文件不存在: {path}")
    df, first_row = read_table(path)
    cols = {}
    for field, names in HEADERS.items():
        for c in df.columns:
            h = norm_header(c)
            if any(h == n or h.startswith(n + "(") or h.startswith(n) for n in names):
                cols.setdefault(field, c)
                break
    for need in ("name", "scope"):
        if need not in cols:
            raise TargetsError(f"{path.name}: 缺少“{HEADERS[need][0]}”列（现有列: {', '.join(df.columns)}）")
    factor = _unit(norm_header(cols["revenue"])) if "revenue" in cols else 1e4
    out = []
    for i, r in enumerate(df.iter_rows(named=True), start=first_row):
        name = (r.get(cols["name"]) or "").strip()
        if not name:
            continue
        rev = number(r.get(cols["revenue"])) if "revenue" in cols else None
        out.append(
            {
                "row": i,
                "name": name,
                "region": (r.get(cols.get("region", ""), "") or "").strip(),
                "scope": r.get(cols["scope"]) or "",
                "products": r.get(cols.get("products", ""), "") or "",
                "industry_code": (r.get(cols.get("industry_code", ""), "") or "").strip() or None,
                "revenue": rev * factor if rev is not None else None,
            }
        )
    return out


def rank(candidates: list[dict], pack: Pack, gaps: dict[str, dict], tagger: Tagger) -> list[dict]:
    """Score = Σ over the chain nodes a candidate is tagged with of gap_score × confidence, scaled by size.

    `gaps` maps node id → {gap_score, name, firms, centrality} from the chain map of the zone.
    """
    ranked = []
    for c in candidates:
        tags = [t for t in tagger.tag(c["scope"], c["products"], c["industry_code"]) if t.chain == pack.id]
        fills = []
        for t in tags:
            g = gaps.get(t.node)
            if g and g["gap_score"] > 0:
                fills.append((g["gap_score"] * t.confidence, t, g))
        fill = sum(x[0] for x in fills)
        rev = c.get("revenue")
        size = min(1.0, math.log10(1 + rev / 1e4) / 6) if rev and rev > 0 else 0.0  # 100亿元 → 1
        score = fill * (0.7 + 0.3 * size)
        reasons = []
        for _, t, g in sorted(fills, key=lambda x: -x[0]):
            where = "园区内无企业" if g["firms"] == 0 else f"园区内仅 {g['firms']} 家"
            reasons.append(
                f"可补「{g['name']}」（{where}，中心度 {g['centrality']:.2f}，匹配置信度 {t.confidence:.2f}）"
            )
        if not tags:
            reasons.append("经营范围未对应到本链条节点")
        elif not fills:
            reasons.append("对应节点在园区内已较完整：" + "、".join(pack.nodes[t.node].name for t in tags))
        if rev:
            reasons.append(f"营收 {rev / 1e8:.2f} 亿元")
        ranked.append(
            {
                **c,
                "score": round(score, 4),
                "nodes": [t.node for t in tags],
                "node_names": [pack.nodes[t.node].name for t in tags],
                "reason": "；".join(reasons),
            }
        )
    ranked.sort(key=lambda x: (-x["score"], -(x.get("revenue") or 0), x["name"]))
    for i, r in enumerate(ranked, start=1):
        r["rank"] = i
    return ranked
