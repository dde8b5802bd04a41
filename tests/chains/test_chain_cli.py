"""`gaoxin chains …` end to end on a small store."""

from __future__ import annotations

import json

from chain_fixtures import FIRMS, build_zone
from typer.testing import CliRunner

from gaoxin.cli import app
from gaoxin.store import connect

runner = CliRunner()


def test_chains_commands(tmp_path):
    db = tmp_path / "z.duckdb"
    con = connect(db)
    build_zone(con)
    con.close()
    out = runner.invoke(app, ["chains", "list", "--json"])
    assert out.exit_code == 0 and len(json.loads(out.stdout)["chains"]) == 9
    out = runner.invoke(app, ["chains", "tag", "--json", "--db", str(db)])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["enterprises"] == len(FIRMS)
    out = runner.invoke(app, ["chains", "override", FIRMS[5][0], "IC.M3", "--db", str(db)])
    assert out.exit_code == 0 and "已认定" in out.stdout
    out = runner.invoke(app, ["chains", "override", FIRMS[5][0], "XX.M9", "--db", str(db)])
    assert out.exit_code != 0
    out = runner.invoke(app, ["chains", "map", "集成电路", "--period", "2025", "--json", "--db", str(db)])
    m = json.loads(out.stdout)
    assert next(n for n in m["nodes"] if n["node"] == "IC.M3")["firms"] == 1
    xlsx = tmp_path / "ic.xlsx"
    out = runner.invoke(app, ["chains", "export", "IC", "--out", str(xlsx), "--db", str(db)])
    assert out.exit_code == 0 and xlsx.exists()


def test_tag_json_lists_each_firms_tags_and_uses_the_revenue_rule(tmp_path):
    """`chains tag --json` returns per-firm tags; with 收入构成 the primary follows revenue share (70 % of the
    battery firm's revenue is 储能技术服务 → ES.D2 is its ES primary although ES.U2 is more confident)."""
    db = tmp_path / "z.duckdb"
    con = connect(db)
    build_zone(con)
    con.close()
    out = runner.invoke(app, ["chains", "tag", "--json", "--db", str(db)])
    firms = {f["uscc"]: f for f in json.loads(out.stdout)["firms"]}
    battery = {t["node"]: t for t in firms[FIRMS[4][0]]["tags"]}
    assert battery["ES.U2"]["primary"] and not battery["ES.D2"]["primary"]
    assert set(battery["ES.U2"]) >= {"node", "confidence", "primary", "evidence", "chain"}
    assert battery["ES.U2"]["evidence"] and FIRMS[5][0] not in firms  # the restaurant has no tag
    seg = tmp_path / "收入构成.csv"
    seg.write_text(
        f"统一社会信用代码,业务,营业收入（万元）,毛利（万元）\n{FIRMS[4][0]},储能技术服务,7000,900\n"
        f"{FIRMS[4][0]},储能电池,3000,300\n",
        encoding="utf-8",
    )
    out = runner.invoke(app, ["chains", "tag", "--json", "--segments", str(seg), "--db", str(db)])
    assert out.exit_code == 0, out.output
    firms = {f["uscc"]: f for f in json.loads(out.stdout)["firms"]}
    battery = {t["node"]: t for t in firms[FIRMS[4][0]]["tags"]}
    assert battery["ES.D2"]["primary"] and not battery["ES.U2"]["primary"]
    assert (
        battery["ES.D2"]["evidence"][0]["signal"] == "revenue"
        and "70%" in battery["ES.D2"]["evidence"][0]["text"]
    )
    assert battery["NEV.M1"]["primary"]  # no segment names an NEV node: the most confident stays
    con = connect(db)
    stored = con.execute(
        "SELECT node_id FROM chain_tag WHERE uscc = ? AND chain_id = 'ES' AND is_primary", [FIRMS[4][0]]
    ).fetchall()
    con.close()
    assert stored == [("ES.D2",)]


def test_tag_segments_file_with_a_bad_amount_is_refused_naming_the_row(tmp_path):
    db = tmp_path / "z.duckdb"
    con = connect(db)
    build_zone(con)
    con.close()
    seg = tmp_path / "seg.csv"
    seg.write_text(f"统一社会信用代码,业务,营业收入\n{FIRMS[4][0]},储能技术服务,七千\n", encoding="utf-8")
    out = runner.invoke(app, ["chains", "tag", "--segments", str(seg), "--db", str(db)])
    assert out.exit_code != 0 and "第 2 行" in out.output and "营业收入" in out.output


def test_map_says_reached_for_a_cluster_past_its_target():
    from gaoxin.commands.chains import target_text

    past = {"latest_revenue": 1.2e11, "target_revenue": 1e11, "years_to_target": 0.0}
    assert target_text(past) == "已达标"
    assert target_text({**past, "latest_revenue": 5e10, "years_to_target": 3.04}) == "预计 3.0 年达标"
    assert "无法测算" in target_text({**past, "latest_revenue": 5e10, "years_to_target": None})
