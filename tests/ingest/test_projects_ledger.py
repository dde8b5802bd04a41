"""项目台账 import (gaoxin projects import): a 招商局 ledger with 亿元 and 公顷 headers, a 合计 and a 说明 line, and
four bad rows. Worked by hand: 2.5 亿元 = 25,000 万元; 4 公顷 × 15 = 60 亩; every physical row (3…10) is accepted,
rejected naming its column, or skipped; a second import of the same file writes nothing."""

from __future__ import annotations

import json

import xlsxwriter

from support import cli, valid_code

HEAD = ["序号", "项目名称", "投资主体", "统一社会信用代码", "所属镇街", "签约日期", "总投资（亿元）",
        "用地面积（公顷）", "投资强度（万元/亩）", "亩均税收（万元/亩）", "达产年份", "重点项目"]  # fmt: skip


def ledger(path, code):
    rows = [
        [1, "新能源电机项目", "甲公司", code, "城东街道", "2025-03-10", 2.5, 4, 400, 30, 2028, "是"],
        [2, "精密铸件项目", "乙公司", "", "城西街道", "2025/4/1", 1.2, 2, 380, 25, 2027, "否"],
        [3, "", "丙公司", "", "城西街道", "2025-05-01", 1, 1, 300, 20, 2027, "否"],
        [4, "电池材料项目", "丁公司", "", "城东街道", "2025-06-01", "约三亿", 3, 300, 20, 2027, "否"],
        [5, "储能项目", "戊公司", "", "城东街道", "2025-06-01", 0.5, "", 300, 20, 2027, "否"],
        [
            6,
            "芯片封装项目",
            "己公司",
            "91340100MA2XXXXXX1",
            "城东街道",
            "2025-07-01",
            3,
            5,
            420,
            35,
            2027,
            "否",
        ],
        ["合计", "", "", "", "", "", 9.2, 15],
        ["填表说明：金额单位亿元"],
    ]
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("2025年项目台账")
    ws.write_row(0, 0, ["2025年全区招商引资项目台账"])
    ws.write_row(1, 0, HEAD)
    for i, r in enumerate(rows):
        ws.write_row(2 + i, 0, r)
    wb.close()
    return path


def j(*args):
    return json.loads(cli(*args, "--json").output)


def test_a_ledger_imports_with_units_converted_and_every_row_accounted_for(tmp_path):
    db, code = str(tmp_path / "p.duckdb"), valid_code(7)
    f = str(ledger(tmp_path / "台账.xlsx", code))
    preview = j("projects", "import", f, "--dry-run", "--db", db)
    assert preview["status"] == "preview" and preview["case_ids"] == ["新能源电机项目", "精密铸件项目"]
    out = j("projects", "import", f, "--db", db)
    assert (out["rows"], out["accepted"], out["rejected"], out["skipped"]) == (8, 2, 4, 2)
    assert out["accepted"] + out["rejected"] + out["skipped"] == out["rows"]
    why = {r["row_no"]: (r["columns"], r["reasons"]) for r in out["rejects"]}
    assert sorted(why) == [5, 6, 7, 8, 9, 10]  # Excel rows; 3 and 4 became projects
    assert why[5] == ("项目名称", "列「项目名称」(B列)：项目名称为空")
    assert why[6][0] == "总投资（亿元）" and "「约三亿」" in why[6][1] and "(G列)" in why[6][1]
    assert why[7][0] == "用地面积（公顷）" and "用地面积（亩）为空" in why[7][1]
    assert why[8][0] == "统一社会信用代码" and "GB 32100" in why[8][1]
    assert why[9] == (None, "合计行（不是项目）") and why[10] == (None, "说明行（不是项目）")
    first = j("projects", "show", out["case_ids"][0], "--today", "2025-03-31", "--db", db)
    f1 = first["case"]["fields"]
    assert first["case"]["title"] == "新能源电机项目" and first["case"]["uscc"] == code
    assert (f1["investment_wan"], f1["land_mu"], f1["tax_per_mu"], f1["full_year"]) == (25000, 60, 30, 2028)
    assert f1["batch_id"] == out["batch_id"] and first["case"]["opened_at"].startswith("2025-03-10")
    assert first["case"]["urgency"] == "重点"
    second = j("projects", "show", out["case_ids"][1], "--db", db)["case"]["fields"]
    assert (second["investment_wan"], second["land_mu"]) == (12000, 30)
    again = j("projects", "import", f, "--db", db)
    assert again["status"] == "duplicate" and again["accepted"] == 0
    assert len(j("projects", "list", "--db", db)["projects"]) == 2


def test_a_ledger_without_a_project_name_column_is_refused_in_one_line(tmp_path):
    path = tmp_path / "无名.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("表1")
    ws.write_row(0, 0, ["企业名称", "总投资（万元）"])
    ws.write_row(1, 0, ["甲公司", 100])
    wb.close()
    r = cli("projects", "import", str(path), "--db", str(tmp_path / "p.duckdb"), ok=False)
    assert r.exit_code != 0 and "须有「项目名称」列" in r.output and "无名.xlsx" in r.output
    assert "Traceback" not in r.output
