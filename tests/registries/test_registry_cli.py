"""`gaoxin registry import|list|show|due --json` on a small 科技局 file, as of a fixed day (never today)."""

from __future__ import annotations

import json

from support import cli, valid_code, write_xlsx

A, B = valid_code(31), valid_code(32)


def test_import_list_show_due(tmp_path):
    db = tmp_path / "r.duckdb"
    path = write_xlsx(
        tmp_path / "平台.xlsx",
        {
            "平台": [
                ["平台名称", "平台类型", "级别", "依托单位", "统一社会信用代码", "认定日期", "最近评价结果"],
                ["甲设计中心", "工业设计中心", "国家", "甲公司", A, "2021-12-03", ""],
                ["乙技术中心", "企业技术中心", "国家", "乙公司", B, "2019-01-01", "不合格"],
            ],
            "人才": [["姓名", "人才计划", "计划级别", "入选年度", "工作单位", "引进方式"], ["张三", "某省领军人才", "省", 2024, "甲公司", "柔性"]],
        },
    )  # fmt: skip
    out = json.loads(cli("registry", "import", path, "--db", db, "--json").stdout)["batches"][0]
    assert (out["status"], out["accepted"], out["kinds"]) == ("imported", 3, {"talent": 1, "platform": 2})
    again = json.loads(cli("registry", "import", path, "--db", db, "--json").stdout)["batches"][0]
    assert again["status"] == "duplicate"
    listed = json.loads(
        cli(
            "registry",
            "list",
            "platform",
            "-f",
            "status_now=撤销",
            "--as-of",
            "2025-10-01",
            "--db",
            db,
            "--json",
        ).stdout
    )
    assert [r["name"] for r in listed["rows"]] == ["乙技术中心"]
    shown = json.loads(
        cli("registry", "show", "甲设计中心", "--as-of", "2025-10-01", "--db", db, "--json").stdout
    )
    assert shown["clock"]["next_review"] == "2025-12-03" and shown["clock"]["workdays_left"] == 41
    due = json.loads(cli("registry", "due", "--as-of", "2025-10-01", "--db", db, "--json").stdout)
    assert [r["name"] for r in due["rows"]] == ["甲设计中心"]  # the revoked one has nothing due
    text = cli("registry", "due", "--as-of", "2025-10-01", "--db", db).stdout
    assert "甲设计中心" in text and "41" in text
    talent = json.loads(cli("registry", "list", "talent", "--db", db, "--json").stdout)
    assert talent["rows"][0]["mode"] == "柔性"


def test_refusals_name_what_is_wrong(tmp_path):
    db = tmp_path / "r.duckdb"
    bad = tmp_path / "空.csv"
    bad.write_text("企业名称,营业收入\n甲,1\n", encoding="utf-8")
    res = cli("registry", "import", bad, "--db", db, ok=False)
    assert res.exit_code == 1 and "空.csv: 未找到登记台账" in res.output
    res = cli("registry", "show", "没有的平台", "--db", db, ok=False)
    assert res.exit_code == 1 and "没有名为「没有的平台」的创新平台" in res.output
    res = cli("registry", "list", "platform", "-f", "colour=红", "--db", db, ok=False)
    assert "没有列「colour」" in res.output
