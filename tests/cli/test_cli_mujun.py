"""End to end through the CLI on a small demo zone: import → evaluate → results / explain / what-if / export."""

from __future__ import annotations

import json

import openpyxl
import pytest

from gaoxin.store import connect, frame, one
from support import cli


@pytest.fixture(scope="module")
def zone_db(demo_store, tmp_path_factory):
    """This module's writable copy of the session's demo store (its tests add runs and a batch)."""
    out = demo_store.imported
    assert {b["source"] for b in out["batches"]} >= {"registry", "tax", "stats", "power", "land", "env"}
    db = demo_store.copy(tmp_path_factory.mktemp("zone") / "zone.duckdb")
    return db, list(demo_store.files)


def test_evaluate_json_contract_and_reproducible_run(zone_db):
    db, _ = zone_db
    first = json.loads(
        cli("evaluate", "--scheme", "zj-huangyan-2022", "--period", "2025", "--db", db, "--json").stdout
    )
    assert set(first) >= {"run_id", "scheme", "period", "counts", "n"}
    assert set(first["counts"]) == {"A", "B", "C", "D", "T"} and sum(first["counts"].values()) == first["n"]
    again = json.loads(
        cli("evaluate", "--scheme", "zj-huangyan-2022", "--period", "2025", "--db", db, "--json").stdout
    )
    assert again["run_id"] == first["run_id"] and again["created"] is False
    con = connect(db, read_only=True)
    assert one(con, "SELECT count(*) FROM run WHERE run_id = ?", [first["run_id"]])[0] == 1
    con.close()


def test_identical_inputs_give_byte_identical_results_in_a_fresh_store(zone_db, tmp_path):
    db, paths = zone_db
    other = tmp_path / "other.duckdb"
    cli("import", *paths, "--db", other)
    runs = []
    for d in (db, other):
        out = json.loads(
            cli("evaluate", "--scheme", "default", "--period", "2025", "--db", d, "--json").stdout
        )
        con = connect(d, read_only=True)
        res = frame(con, "SELECT * FROM run_result WHERE run_id = ? ORDER BY uscc", [out["run_id"]])
        items = frame(con, "SELECT * FROM run_item WHERE run_id = ? ORDER BY uscc, item", [out["run_id"]])
        con.close()
        runs.append((out["run_id"], res.write_csv(), items.write_csv()))
    assert runs[0] == runs[1]


def test_new_data_gives_a_new_run(zone_db, tmp_path):
    db, _ = zone_db
    before = json.loads(
        cli("evaluate", "--scheme", "default", "--period", "2025", "--db", db, "--json").stdout
    )
    con = connect(db, read_only=True)
    code = one(
        con,
        "SELECT uscc FROM run_result WHERE run_id = ? AND list_id IS NOT NULL LIMIT 1",
        [before["run_id"]],
    )[0]
    con.close()
    extra = tmp_path / "税务局_补报.csv"
    extra.write_text(f"统一社会信用代码,实缴税金（万元）\n{code},12345\n", encoding="utf-8")
    cli("import", extra, "--period", "2025", "--db", db)
    after = json.loads(
        cli("evaluate", "--scheme", "default", "--period", "2025", "--db", db, "--json").stdout
    )
    assert after["run_id"] != before["run_id"]


def test_results_explain_whatif_and_export(zone_db, tmp_path):
    db, _ = zone_db
    run = json.loads(
        cli("evaluate", "--scheme", "zj-huangyan-2022", "--period", "2025", "--db", db, "--json").stdout
    )
    rows = json.loads(cli("results", run["run_id"][:8], "--db", db, "--json").stdout)
    assert rows and {"uscc", "name", "score", "class", "rank"} <= set(rows[0])
    c_rows = json.loads(cli("results", run["run_id"], "--class", "C", "--db", db, "--json").stdout)
    assert c_rows and all(r["class"] == "C" for r in c_rows)
    firm = next(r for r in c_rows if r["list_id"] == "规上")

    info = json.loads(cli("explain", run["run_id"], firm["uscc"], "--db", db, "--json").stdout)
    tax = next(i for i in info["items"] if i["item"] == "规上.tax_per_mu")
    assert tax["benchmark"] == pytest.approx(24.097)
    assert tax["score"] == pytest.approx(tax["value"] / 24.097 * 30, rel=1e-9)  # the published formula
    con = connect(db, read_only=True)
    batch, file = one(
        con,
        """SELECT f.batch_id, b.file_name FROM fact f JOIN import_batch b USING (batch_id)
                              WHERE uscc = ? AND period = '2025' AND indicator = 'tax_paid'
                              ORDER BY f.batch_id DESC LIMIT 1""",
        [firm["uscc"]],
    )
    con.close()
    assert tax["numerator_sources"] == [
        {"field": "tax_paid", "label": "税收实际贡献", "batch_id": batch, "file": file}
    ]
    assert info["score"] == pytest.approx(sum(i["score"] for i in info["items"]) + (info["adjustment"] or 0))

    answer = json.loads(cli("what-if", run["run_id"], firm["uscc"], "--to", "B", "--db", db, "--json").stdout)
    assert answer["target_class"] == "B" and answer["class_final"] == "C"
    assert any(it["reachable"] for it in answer["items"]) or answer["why"]

    out = tmp_path / "亩均评价结果.xlsx"
    cli("export", run["run_id"], "--out", out, "--db", db)
    wb = openpyxl.load_workbook(out)
    assert {"规上", "规下", "T类（不参评）", "分镇街统计", "差别化政策台账", "与上年对比"} <= set(
        wb.sheetnames
    )
    towns = wb["分镇街统计"]
    total_row = [c.value for c in towns[towns.max_row]]
    assert total_row[0] == "合计" and total_row[-1] == run["n"]
    assert wb["规上"].cell(3, 7).value.startswith("亩均税收")


def test_unknown_period_and_scheme_fail_clearly(zone_db):
    db, _ = zone_db
    res = cli("evaluate", "--scheme", "default", "--period", "2019", "--db", db, ok=False)
    assert res.exit_code != 0 and "没有 2019 年度的数据" in res.output
    res = cli("evaluate", "--scheme", "no-such-scheme", "--period", "2025", "--db", db, ok=False)
    assert res.exit_code != 0 and "no-such-scheme" in res.output
