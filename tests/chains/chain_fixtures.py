"""A small zone for chain tests: a few firms with registered scopes and two years of revenue and tax."""

from __future__ import annotations

from datetime import datetime

from gaoxin.store.keys import fill_missing

FIRMS = [
    # uscc, name, code, scope, revenue 2024 / 2025 (元), tax 2025
    (
        "91000000000000001A",
        "晶芯微电子有限公司",
        "3973",
        "一般项目：集成电路芯片及产品制造；集成电路芯片及产品销售（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
        8e8,
        9e8,
        3e7,
    ),
    (
        "91000000000000002A",
        "华设集成电路设计有限公司",
        "6520",
        "一般项目：集成电路芯片设计及服务；集成电路设计；软件开发",
        1e8,
        1.5e8,
        8e6,
    ),
    (
        "91000000000000003A",
        "精工半导体设备有限公司",
        "3562",
        "一般项目：半导体器件专用设备制造；半导体器件专用设备销售",
        2e8,
        2.4e8,
        1e7,
    ),
    (
        "91000000000000004A",
        "云芯电子贸易有限公司",
        "5179",
        "一般项目：电子元器件批发；集成电路芯片及产品销售（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
        5e7,
        6e7,
        1e6,
    ),
    (
        "91000000000000005A",
        "示范锂电科技有限公司",
        "3841",
        "一般项目：电池制造；电池销售；储能技术服务",
        3e8,
        4e8,
        1.2e7,
    ),
    ("91000000000000006A", "示范餐饮管理有限公司", "6210", "许可项目：餐饮服务；食品经营", 1e7, 1.1e7, 5e5),
]


FACT = "INSERT INTO fact (uscc, period, indicator, value, unit, batch_id, sheet, row_no) "


def build_zone(con) -> None:
    now = datetime(2026, 1, 1)
    con.execute(
        "INSERT INTO import_batch (batch_id, file_name, sha256, source, periods, sheets, rows, accepted, "
        "rejected, skipped, imported_at) VALUES (1, 'test.xlsx', 'sha-test', 'stats', '2024,2025', 'Sheet1', "
        "12, 12, 0, 0, ?)",
        [now],
    )
    for i, (uscc, name, code, scope, r24, r25, tax) in enumerate(FIRMS, start=2):
        con.execute(
            "INSERT INTO enterprise (uscc, name, industry_code, town, business_scope, batch_id, attr_source) "
            "VALUES (?, ?, ?, '科学城街道', ?, 1, 'stats')",
            [uscc, name, code, scope],
        )
        for period, rev in (("2024", r24), ("2025", r25)):
            con.execute(FACT + "VALUES (?, ?, 'revenue', ?, '元', 1, 'Sheet1', ?)", [uscc, period, rev, i])
        con.execute(FACT + "VALUES (?, '2025', 'tax_paid', ?, '元', 1, 'Sheet1', ?)", [uscc, tax, i])
    fill_missing(con)  # the firms' numbers and their facts' (store.keys), as an import sets them
