"""先承诺后审批 (gaoxin commitments): a commitment with one machine-checkable condition (税收 of a year ≥ a
threshold, checked against the facts in force with their batch and row) and one for the officer; 审批 →
不符合 → 限期整改 → 撤销 with a credit entry lands on the 失信 list; refusals name the clause."""

from __future__ import annotations

import json

from gaoxin.store import connect
from gaoxin.store import projects as store
from support import cli


def j(*args):
    return json.loads(cli(*args, "--json").output)


def _a_firm_tax(db):
    con = connect(db)
    try:
        facts = store.facts_in_force(con, [r[0] for r in con.execute("SELECT uscc FROM enterprise LIMIT 50").fetchall()], ("tax_paid",))  # fmt: skip
    finally:
        con.close()
    r = facts.filter(facts["value"] > 0).row(0, named=True)
    return r


def test_a_commitment_checked_from_the_data_then_revoked_onto_the_dishonest_list(demo_store, tmp_path):
    db = str(demo_store.copy(tmp_path / "s.duckdb"))
    f = _a_firm_tax(db)
    above, below = f["value"] * 2, f["value"] / 2
    cid = j("commitments", "add", "--title", "施工许可 告知承诺", "--commitment", "按承诺标准建设并纳税",
            "--due", "2026-06-30", "--method", "网络核验", "--uscc", f["uscc"],
            "-c", f"年度税收不低于承诺|tax_paid|>=|{above}|{f['period']}",
            "-c", f"年度税收达到下限|tax_paid|>=|{below}|{f['period']}",
            "-c", "施工现场符合安全文明施工要求", "--db", db)["case_id"]  # fmt: skip
    shown = j("commitments", "show", cid, "--db", db)
    checks = shown["checks"]
    # worked by hand: the fact is v; v ≥ 2v fails short by v; v ≥ v/2 holds; the third is the officer's
    assert [c["status"] for c in checks] == ["不符合", "符合", "待人工核查"]
    assert abs(checks[0]["gap"] - f["value"]) < 1e-6 and checks[0]["actual"] == f["value"]
    assert f"批次 #{f['batch_id']}" in checks[0]["evidence"] and f"第{f['row_no']}行" in checks[0]["evidence"]
    assert shown["state"] == "committed" and shown["case"]["firm_name"]  # named from the store
    refused = cli("commitments", "move", cid, "order_remediation", "--db", db, ok=False)
    assert refused.exit_code != 0 and "Traceback" not in refused.output  # 须先审批
    assert j("commitments", "move", cid, "approve", "--db", db)["state"] == "approved"
    no_reason = cli("commitments", "move", cid, "revoke", "-f", "reason=逾期未整改", "--db", db, ok=False)
    assert no_reason.exit_code != 0 and "信用记录" in no_reason.output
    j("commitments", "move", cid, "order_remediation", "-f", "method=网络核验", "-f", "result=不符合承诺",
      "-f", "reason=税收未达承诺", "--db", db)  # fmt: skip
    out = j("commitments", "move", cid, "revoke", "-f", "reason=逾期未整改", "-f", "credit=告知承诺失信（虚假承诺）",
            "--db", db)  # fmt: skip
    assert out["state"] == "revoked"
    listed = j("commitments", "list", "--db", db)
    assert [d["case_id"] for d in listed["dishonest"]] == [cid]
    assert listed["dishonest"][0]["credit"] == "告知承诺失信（虚假承诺）"


def test_a_bad_condition_is_refused_in_one_line(tmp_path):
    r = cli("commitments", "add", "--title", "x", "--commitment", "y", "--due", "2026-01-01", "--method", "书面核查",
            "-c", "税收|tax_paid|>|1|2025", "--db", str(tmp_path / "p.duckdb"), ok=False)  # fmt: skip
    assert r.exit_code != 0 and "说明|指标|>=或<=|数值|年度" in r.output
