"""The data commands as a user runs them: init, import (--json contract), batches, rejects, look-ups."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from gaoxin.cli import app
from support import REAL_USCC, broken, valid_code, write_xlsx

runner = CliRunner()
A = valid_code(7)


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def files(tmp_path):
    tax = write_xlsx(
        tmp_path / "税务局_2025.xlsx",
        {
            "2025年": [
                ["统一社会信用代码", "纳税人名称", "实缴税金（万元）"],
                [REAL_USCC, "甲公司", 12.5],
                [A, "乙公司", 3],
                [broken(A), "坏代码公司", 1],
            ]
        },
    )
    stats = write_xlsx(
        tmp_path / "统计局_2025.xlsx",
        {
            "规上": [
                [
                    "统计年度",
                    "统一社会信用代码",
                    "单位名称",
                    "营业收入（万元）",
                    "R&D经费支出（万元）",
                    "是否规上",
                ],
                [2025, REAL_USCC, "甲公司", 3000, "—", "是"],
            ]
        },
    )
    return tax, stats


def test_import_json_contract_batches_and_rejects(tmp_path):
    db = tmp_path / "g.duckdb"
    assert run("init", "--db", db).exit_code == 0
    tax, stats = files(tmp_path)
    res = run("import", tax, stats, "--db", db, "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    first = out["batches"][0]
    assert {"file", "sha256", "source", "rows", "accepted", "rejected", "skipped"} <= set(first)
    assert (first["file"], first["source"], first["rows"], first["accepted"], first["rejected"]) == (
        "税务局_2025.xlsx",
        "tax",
        3,
        2,
        1,
    )
    again = json.loads(run("import", tax, "--db", db, "--json").stdout)
    assert again["batches"][0]["status"] == "duplicate"
    listed = json.loads(run("batches", "--db", db, "--json").stdout)["batches"]
    assert [b["file_name"] for b in listed] == ["税务局_2025.xlsx", "统计局_2025.xlsx"]
    rej = json.loads(run("rejects", "1", "--db", db, "--json").stdout)["rows"]
    assert len(rej) == 1 and rej[0]["row_no"] == 4 and "校验位错误" in rej[0]["reasons"]
    human = run("import", tax, "--db", db)
    assert "已导入过" in human.stdout or "内容相同" in human.stdout


def test_enterprise_lookup_shows_units_batches_and_null_for_missing(tmp_path):
    db = tmp_path / "g.duckdb"
    tax, stats = files(tmp_path)
    run("import", tax, stats, "--db", db)
    info = json.loads(run("enterprise", REAL_USCC.lower(), "--db", db, "--json").stdout)
    assert info["name"] == "甲公司" and info["above_scale"] is True
    facts = {f["indicator"]: f for f in info["facts"]}
    assert facts["tax_paid"]["value"] == 125000.0 and facts["tax_paid"]["unit"] == "元"
    assert facts["tax_paid"]["display_value"] == "12.50" and facts["tax_paid"]["display_unit"] == "万元"
    assert facts["tax_paid"]["batch_id"] == 1 and facts["tax_paid"]["file_name"] == "税务局_2025.xlsx"
    assert facts["revenue"]["batch_id"] == 2
    assert "rd_expense" not in facts  # '—' in the file: missing, never stored as 0
    people = json.loads(run("enterprises", "--db", db, "--json").stdout)
    assert people["n"] == 2
    missing = run("enterprise", broken(A), "--db", db)
    assert missing.exit_code != 0 and "校验位也不正确" in missing.output


def test_unreadable_file_exits_nonzero_naming_the_file(tmp_path):
    db = tmp_path / "g.duckdb"
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"not a workbook")
    res = run("import", bad, "--db", db)
    assert res.exit_code == 1
    assert (
        "坏文件.xlsx" in res.output
        and "不是有效的 Excel 文件" in res.output
        and "未写入任何数据" in res.output
    )
    res = run("import", bad, "--source", "nonsense", "--db", db)
    assert res.exit_code == 1 and "--source" in res.output
