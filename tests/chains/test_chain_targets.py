"""招商 candidate lists are read through `gaoxin.ingest.readers`: same checks and messages as any user file."""

from __future__ import annotations

import openpyxl
import pytest

from gaoxin.chains.targets import TargetsError, read_candidates


def test_txt_list_read_as_csv(tmp_path):
    path = tmp_path / "候选.txt"
    path.write_text('企业名称,经营范围,营业收入\n甲科技,集成电路设计,"1,200"\n,,\n', encoding="utf-8-sig")
    [c] = read_candidates(path)
    assert c["row"] == 2 and c["name"] == "甲科技" and c["revenue"] == 1200 * 1e4


def test_xlsx_rows_are_excel_rows(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["企业名称", "经营范围", "营业收入（亿元）", "行业代码"])
    ws.append(["甲", "封装测试", 12, 3973])
    ws.append([None, None, None, None])
    ws.append(["乙", "芯片制造", None, "C3973"])
    wb.save(tmp_path / "候选.xlsx")
    cands = read_candidates(tmp_path / "候选.xlsx")
    assert [(c["row"], c["name"], c["industry_code"]) for c in cands] == [
        (2, "甲", "3973"),
        (4, "乙", "C3973"),
    ]
    assert cands[0]["revenue"] == 12e8


def test_refusals_name_the_file(tmp_path):
    empty = tmp_path / "空.csv"
    empty.write_bytes(b"")
    with pytest.raises(TargetsError, match="空.csv: 文件为空"):
        read_candidates(empty)
    doc = tmp_path / "名单.doc"
    doc.write_text("x")
    with pytest.raises(TargetsError, match="只支持 xlsx / xls / csv"):
        read_candidates(doc)
    no_scope = tmp_path / "名单.csv"
    no_scope.write_text("企业名称,所在地区\n甲,上海\n", encoding="utf-8")
    with pytest.raises(TargetsError, match="缺少“经营范围”列"):
        read_candidates(no_scope)
