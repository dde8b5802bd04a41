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
