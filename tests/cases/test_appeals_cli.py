"""`gaoxin publish|appeals|adjust|final --json` on the hand-made store, and the demo step run twice."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

from appeals_support import code, hand_store  # noqa: E402

from gaoxin.store import connect  # noqa: E402
from support import cli  # noqa: E402


def test_cli_from_publication_to_final_list(tmp_path):
    db = tmp_path / "s.duckdb"
    con = connect(db)
    run = hand_store(con, tmp_path)
    con.close()
    pub = json.loads(
        cli("publish", "open", "--start", "2025-09-29", "--user", "亩均办", "--db", db, "--json").output
    )
    assert pub["ends_on"] == "2025-10-11" and pub["run_id"] == run["run_id"]
    ev = tmp_path / "证明.pdf"
    ev.write_bytes(b"%PDF stamped")
    case = json.loads(
        cli("appeals", "file", code(3), "--reason", "漏计", "--indicator", "tax_paid", "--claimed", "120",
            "--evidence", ev, "--user", "镇街", "--at", "2026-03-02 09:00", "--db", db, "--json").output
    )["case_id"]  # fmt: skip
    cli("appeals", "assign", case, "--department", "税务局", "--at", "2026-03-02 10:00", "--db", db)
    cli("appeals", "verify", case, "--confirm", "--figure", "120", "--at", "2026-03-03 10:00", "--db", db)
    shown = json.loads(cli("appeals", "show", case, "--db", db, "--json").output)
    assert shown["preview"]["firm"]["class_new"] == "B"
    assert [o["class_new"] for o in shown["preview"]["others"]] == ["C"]
    assert shown["case"]["fields"]["cell"]["row_no"] == 4
    cli("appeals", "decide", case, "--adopt", "--at", "2026-03-04 10:00", "--db", db)
    did = json.loads(
        cli("adjust", "propose", code(1), "--class", "B", "--reason", "环保事故", "--user", "甲", "--db", db,
            "--json").output
    )["decision_id"]  # fmt: skip
    refused = cli("adjust", "review", did, "--approve", "--user", "甲", "--db", db, ok=False)
    assert refused.exit_code == 1 and "提出人" in refused.output
    cli("adjust", "review", did, "--return", "--note", "不属实", "--user", "乙", "--db", db)
    res = cli("final", "list", "--db", db, "--json", ok=False)
    assert res.exit_code == 0, repr(res.exception)
    final = {r["uscc"]: r["class_final"] for r in json.loads(res.output)}
    assert final == {code(1): "A", code(2): "C", code(3): "B", code(4): "D"}
    out = tmp_path / "final.xlsx"
    cli("final", "list", "--out", out, "--db", db)
    sheet = pl.read_excel(out, sheet_name="全部", read_options={"header_row": 1})
    assert dict(zip(sheet["企业名称"], sheet["定级"], strict=True))["测试企业3"] == "B"


def test_demo_step_is_idempotent(demo_store, tmp_path):
    from gaoxin.cases.appeals import appeal as A
    from gaoxin.demo.appeals import demo_appeals
    from gaoxin.evaluations.mujun import run_mujun
    from gaoxin.store import decisions, imports, queries
    from gaoxin.store import publication as store_pub

    con = connect(demo_store.copy(tmp_path / "demo.duckdb"))
    assert demo_appeals(con) is None  # no 亩均 run yet: nothing to publish
    for period in queries.periods(con)[-2:]:
        run_mujun(con, "default", period)
    first = demo_appeals(con)
    assert first is not None and len(first["appeals"]) == 2
    counts = (len(A.list_appeals(con)), len(decisions.decisions(con)), len(store_pub.all_publications(con)),
              imports.store_counts(con))  # fmt: skip
    assert demo_appeals(con) is None
    assert counts == (len(A.list_appeals(con)), len(decisions.decisions(con)), len(store_pub.all_publications(con)),
                      imports.store_counts(con))  # fmt: skip
    states = {h["case_id"]: h for h in A.list_appeals(con)}
    assert len(states) == 2
    con.close()
