"""Units as they appear in department headers, and their factor to the canonical unit.

Canonical units (DESIGN.md): 元, 亩, 吨标准煤, 千瓦时, 吨, 人. 1 亩 = 10000/15 m² (so 1 公顷 = 15 亩).
"""

from __future__ import annotations

SQM_PER_MU = 10000.0 / 15.0

# unit text (already NFKC-folded, lower-cased for Latin) → (quantity, factor to canonical)
UNITS: dict[str, tuple[str, float]] = {
    # money → 元
    "元": ("money", 1.0),
    "千元": ("money", 1e3),
    "万元": ("money", 1e4),
    "百万元": ("money", 1e6),
    "亿元": ("money", 1e8),
    "人民币元": ("money", 1.0),
    "万元人民币": ("money", 1e4),
    # area → 亩
    "亩": ("area", 1.0),
    "公顷": ("area", 15.0),
    "hm2": ("area", 15.0),
    "hm²": ("area", 15.0),
    "平方米": ("area", 1.0 / SQM_PER_MU),
    "㎡": ("area", 1.0 / SQM_PER_MU),
    "m2": ("area", 1.0 / SQM_PER_MU),
    "m²": ("area", 1.0 / SQM_PER_MU),
    "平米": ("area", 1.0 / SQM_PER_MU),
    "万平方米": ("area", 1e4 / SQM_PER_MU),
    "平方公里": ("area", 1500.0),
    "km2": ("area", 1500.0),
    # energy → 吨标准煤
    "吨标准煤": ("energy", 1.0),
    "吨标煤": ("energy", 1.0),
    "tce": ("energy", 1.0),
    "吨ce": ("energy", 1.0),
    "万吨标准煤": ("energy", 1e4),
    "万吨标煤": ("energy", 1e4),
    "千克标准煤": ("energy", 1e-3),
    "kgce": ("energy", 1e-3),
    # electricity → 千瓦时
    "千瓦时": ("power", 1.0),
    "kwh": ("power", 1.0),
    "kw·h": ("power", 1.0),
    "kw.h": ("power", 1.0),
    "度": ("power", 1.0),
    "万千瓦时": ("power", 1e4),
    "万kwh": ("power", 1e4),
    "万度": ("power", 1e4),
    "兆瓦时": ("power", 1e3),
    "mwh": ("power", 1e3),
    "亿千瓦时": ("power", 1e8),
    # mass → 吨
    "吨": ("mass", 1.0),
    "t": ("mass", 1.0),
    "千克": ("mass", 1e-3),
    "kg": ("mass", 1e-3),
    "公斤": ("mass", 1e-3),
    "万吨": ("mass", 1e4),
    # water → 吨 (1 m³ of water = 1 t)
    "立方米": ("water", 1.0),
    "m3": ("water", 1.0),
    "m³": ("water", 1.0),
    "万立方米": ("water", 1e4),
    "万吨水": ("water", 1e4),
    # counts
    "人": ("count", 1.0),
    "个": ("count", 1.0),
    "家": ("count", 1.0),
    "件": ("count", 1.0),
    "项": ("count", 1.0),
    "名": ("count", 1.0),
    # ratios
    "%": ("ratio", 0.01),
    "‰": ("ratio", 0.001),
    # cultivation fields (appended): years (细分市场年限, 发证年份), code levels (研发机构级别 0–4 …)
    "年": ("years", 1.0),
    "级": ("level", 1.0),
    "代码": ("level", 1.0),
}

QUANTITY_LABELS = {
    "money": "金额",
    "area": "面积",
    "energy": "能耗",
    "power": "电量",
    "mass": "质量",
    "count": "人数/个数",
    "ratio": "比率",
    "water": "水量",
    "years": "年数/年份",
    "level": "级别/代码",
}


def lookup(unit: str) -> tuple[str, float] | None:
    """(quantity, factor) for a unit text, or None when it is not a unit we know."""
    key = unit.strip().replace(" ", "")
    if not key:
        return None
    return UNITS.get(key) or UNITS.get(key.lower())


# units shared between quantities: water is counted in 吨 as often as in 立方米
SHARED: dict[str, dict[str, float]] = {"water": {"吨": 1.0, "t": 1.0, "万吨": 1e4}}


def factor_for(unit: str, quantity: str) -> float | None:
    """Factor from `unit` to the canonical unit of `quantity`, None when the unit measures something else."""
    found = lookup(unit)
    if found and found[0] == quantity:
        return found[1]
    return SHARED.get(quantity, {}).get(unit.strip())
