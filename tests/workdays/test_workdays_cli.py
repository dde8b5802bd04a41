"""`gaoxin workdays` prints the answer an officer checks, with 暂定 for unannounced years."""

from __future__ import annotations

import json

from support import cli


def test_add_count_show_load(tmp_path):
    db = str(tmp_path / "w.duckdb")
    out = cli("workdays", "add", "2025-09-30", "3", "--db", db)
    assert out.exit_code == 0 and "2025-10-11（星期六）" in out.output
    got = json.loads(cli("workdays", "count", "2025-09-26", "2025-10-23", "--json", "--db", db).output)
    assert got["workdays"] == 15 and got["provisional"] is False
    assert "暂定" in cli("workdays", "add", "2027-06-01", "5", "--db", db).output
    f = tmp_path / "2027.csv"
    f.write_text("date,kind,name\n2027-06-02,休,测试\n", encoding="utf-8")
    assert cli("workdays", "load", str(f), "--db", db).exit_code == 0
    again = cli("workdays", "load", str(f), "--db", db)
    assert "已载入过" in again.output
    after = json.loads(cli("workdays", "add", "2027-06-01", "1", "--json", "--db", db).output)
    assert after == {"date": "2027-06-01", "workdays": 1, "result": "2027-06-03", "provisional": False}
    assert "春节" in cli("workdays", "show", "2026", "--db", db).output


def test_bad_input_is_one_line(tmp_path):
    out = cli("workdays", "add", "2025-02-30", "1", "--db", str(tmp_path / "w.duckdb"), ok=False)
    assert out.exit_code == 1 and "无法识别" in out.output and "Traceback" not in out.output
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind\nxx,休\n", encoding="utf-8")
    out = cli("workdays", "load", str(bad), "--db", str(tmp_path / "w.duckdb"), ok=False)
    assert out.exit_code == 1 and "第 2 行 date 列" in out.output
