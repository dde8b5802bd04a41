"""One header detection for every kind of sheet: only the vocabulary differs."""

from __future__ import annotations

import polars as pl
import pytest

from gaoxin.ingest import headers
from gaoxin.ingest.readers import RawSheet
from gaoxin.ingest.vocabulary import ENTERPRISE, ZONE


def _sheet(rows: list[list[str | None]]) -> RawSheet:
    width = max(len(r) for r in rows)
    grid = pl.DataFrame({f"c{j}": [r[j] if j < len(r) else None for r in rows] for j in range(width)})
    return RawSheet("表", grid.cast(pl.Utf8), 0, 0)


def test_lookup_per_vocabulary():
    assert ENTERPRISE.lookup("用电量（万千瓦时）") == ("power_kwh", "万千瓦时")
    assert ENTERPRISE.lookup("用电量/万千瓦时") == ("power_kwh", "万千瓦时")
    assert ZONE.lookup("2.3人均技术合同成交额(万元/人)") == ("tech_contract_per_capita", "万元/人")
    assert ZONE.lookup("统一社会信用代码")[0] is None and ENTERPRISE.lookup("园区代码")[0] is None


def test_detect_zone_sheet_prefers_the_name_column():
    sheet = _sheet(
        [
            ["2025年园区指标", None, None],
            ["单位：亿元", None, None],
            ["园区代码", "园区名称", "当年净增营业收入"],
            ["Z01", "甲高新区", "12.5"],
        ]
    )
    layout = headers.detect(sheet, "园区.xlsx", ZONE)
    assert layout.key.header == "园区名称" and layout.data_start == 3 and layout.title_year == "2025"
    revenue = layout.columns[2]
    assert revenue.unit == "亿元" and not revenue.unit_assumed and revenue.field.id == revenue.target
    assert headers.detect(sheet, "园区.xlsx") is None  # no 统一社会信用代码 column for the enterprise words


def test_unit_refusal_names_file_sheet_and_column():
    sheet = _sheet([["统一社会信用代码", "用电量（吨）"], ["91330000000000000X", "1"]])
    with pytest.raises(
        headers.SheetError, match=r"电\.xlsx 工作表「表」列「用电量（吨）」（B列）: 单位「吨」"
    ):
        headers.detect(sheet, "电.xlsx", ENTERPRISE)
