"""Zone store (migration 5, gaps in versions) and the commands end to end: import, rank, climb, export."""

import json

import openpyxl
import pytest
from typer.testing import CliRunner

from gaoxin.cli import app
from gaoxin.demo.zones import generate_zones, write_zone_file
from gaoxin.store import connect, one, rows, schema


def test_migration_5_and_gaps_in_versions(tmp_path, monkeypatch):
    con = connect(tmp_path / "real.duckdb")
    assert one(con, "SELECT count(*) FROM schema_version WHERE version = 5")[0] == 1
    assert (
        one(con, "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('zone', 'zone_fact')")[
            0
        ]
        == 2
    )
    con.close()
    # versions 2–4 belong to other work: with only 1 and 5 known, 5 is applied over the gap …
    by_version = {m[0]: m for m in schema.MIGRATIONS}
    base = [by_version[1], by_version[5]]
    monkeypatch.setattr("gaoxin.store.db.MIGRATIONS", base)
    con = connect(tmp_path / "a.duckdb")
    assert [r[0] for r in rows(con, "SELECT version FROM schema_version ORDER BY 1")] == [1, 5]
    con.close()
    # … and a migration numbered below one already applied (3 arriving after 5) is still applied, once
    monkeypatch.setattr(
        "gaoxin.store.db.MIGRATIONS", [*base, (3, "later work", "CREATE TABLE later_table (x INT);")]
    )
    for _ in range(2):
        con = connect(tmp_path / "a.duckdb")
        assert [r[0] for r in rows(con, "SELECT version FROM schema_version ORDER BY 1")] == [1, 3, 5]
        assert one(con, "SELECT count(*) FROM later_table")[0] == 0
        con.close()


@pytest.fixture(scope="module")
def zone_db(tmp_path_factory):
    d = tmp_path_factory.mktemp("zones")
    path = write_zone_file(generate_zones(), d)
    db = d / "z.duckdb"
    res = CliRunner().invoke(app, ["import", str(path), "--source", "zone", "--db", str(db)])
    assert res.exit_code == 0, res.output
    return db


def _run(*args):
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, res.output
    return res.output


def test_rank_json_is_stored_as_a_run_and_reproducible(zone_db, tmp_path):
    out = json.loads(
        _run(
            "rank",
            "--scheme",
            "most-2021",
            "--period",
            "2025",
            "--draws",
            "500",
            "--json",
            "--db",
            str(zone_db),
        )
    )
    assert out["created"] and out["period"] == "2025" and out["n"] == 179
    zones = out["zones"]
    assert [z["rank"] for z in zones] == sorted(z["rank"] for z in zones) and zones[0]["rank"] == 1
    assert len(zones[0]["dimensions"]) == 5 and all(
        {"score", "rank"} <= set(d) for d in zones[0]["dimensions"]
    )
    home = out["home"]
    assert home["name"] == "示范高新区" and home["weaknesses"] and home["strengths"]
    assert home["rank"] == next(z["rank"] for z in zones if z["is_home"])
    rob = out["robustness"]
    assert (
        rob["draws"] == 500 and len(rob["zones"]) == 11 and 0 <= rob["p_top"] <= 1 and rob["nominal_matches"]
    )
    assert len(out["top_lists"]) == 6 and len(out["all_top_lists"]) == 46
    con = connect(zone_db)
    run = one(con, "SELECT kind, scheme_id, period FROM run WHERE run_id = ?", [out["run_id"]])
    assert run == ("zone", "most-2021", "2025")
    assert one(con, "SELECT count(*) FROM run_result WHERE run_id = ?", [out["run_id"]])[0] == 179
    n_items = one(con, "SELECT count(*) FROM run_item WHERE run_id = ?", [out["run_id"]])[0]
    assert n_items == 179 * (46 + 5)
    con.close()
    again = json.loads(
        _run(
            "rank",
            "--scheme",
            "most-2021",
            "--period",
            "2025",
            "--draws",
            "500",
            "--json",
            "--db",
            str(zone_db),
        )
    )
    assert not again["created"] and again["run_id"] == out["run_id"]
    assert again["zones"] == out["zones"] and again["home"] == out["home"]
    text = _run("rank", "--scheme", "most-2021", "--period", "2025", "--draws", "500", "--db", str(zone_db))
    assert "短板" in text and "排名区间" in text and "示范高新区" in text


def test_rank_with_topsis_and_another_home(zone_db):
    out = json.loads(
        _run(
            "rank",
            "--scheme",
            "zone-entropy-topsis",
            "--home",
            "GX100012",
            "--draws",
            "300",
            "--json",
            "--db",
            str(zone_db),
        )
    )
    assert out["method"] == "topsis" and out["home"]["zone_id"] == "GX100012"
    assert out["robustness"]["focus"] == "GX100012"


def test_climb_json_reaches_target(zone_db):
    out = json.loads(
        _run(
            "climb",
            "--scheme",
            "most-2021",
            "--to-rank",
            "40",
            "--period",
            "2025",
            "--json",
            "--db",
            str(zone_db),
        )
    )
    assert out["name"] == "示范高新区" and out["target_rank"] == 40
    if out["current_rank"] > 40:
        assert out["reachable"] and out["new_rank"] <= 40 and out["changes"] and out["method"] == "milp"
        for c in out["changes"]:
            assert {"indicator", "title", "unit", "current", "proposed", "change", "change_pct"} <= set(c)
    far = json.loads(_run("climb", "--to-rank", "1", "--max-change", "0.1", "--json", "--db", str(zone_db)))
    assert not far["reachable"] and far["best_rank"] > 1 and "无法" in far["message"]


def test_rank_export_xlsx_has_chinese_merged_headers(zone_db, tmp_path):
    out = json.loads(_run("rank", "--draws", "300", "--json", "--db", str(zone_db)))
    path = tmp_path / "rank.xlsx"
    text = _run("rank-export", out["run_id"][:8], "--out", str(path), "--db", str(zone_db))
    assert "已导出" in text
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["综合排名", "指标数值与得分", "单项前N名", "本区诊断", "排名区间", "方案说明"]
    ws = wb["综合排名"]
    assert ws.cell(3, 8).value == "一、创新能力和创业活跃度（20分）" and ws.cell(4, 8).value == "得分"
    assert any(str(r) == "H3:I3" for r in ws.merged_cells.ranges)
    assert ws.cell(5, 1).value == 1 and ws.max_row == 4 + 179
    ind = wb["指标数值与得分"]
    assert ind.cell(4, 3).value == "1.1 国家级和省级研发机构数（个）" and ind.cell(5, 3).value == "数值"
    assert "3.8 当年可支配财力（亿元）" in [c.value for c in ind[4]]  # stored in 亿元 though sent in 万元
    assert wb["本区诊断"].cell(3, 1).value.startswith("示范高新区")


def test_errors_are_clear(zone_db, tmp_path):
    res = CliRunner().invoke(app, ["rank", "--scheme", "default", "--db", str(zone_db)])
    assert res.exit_code == 1 and "不是园区对标方案" in res.output
    res = CliRunner().invoke(app, ["rank", "--period", "2019", "--db", str(zone_db)])
    assert res.exit_code == 1 and "没有 2019 年度" in res.output
    res = CliRunner().invoke(app, ["climb", "--zone", "不存在高新区", "--db", str(zone_db)])
    assert res.exit_code == 1 and "没有名为" in res.output
    res = CliRunner().invoke(app, ["rank", "--db", str(tmp_path / "empty.duckdb")])
    assert res.exit_code == 1 and "--source zone" in res.output
    zones = json.loads(_run("zones", "--json", "--db", str(zone_db)))["zones"]
    assert len(zones) == 179 and zones[0]["is_home"] and zones[0]["periods"] == 3
