"""先承诺后审批 (告知承诺制): a commitment is a case on the `commitment-approval` flow — the commitment text, the
statutory conditions, the check due date and method; 审批, then 核查 (符合 → 核查合格; 不符合 → 限期整改 → 合格 or
撤销 with a 信用记录 on the firm). Conditions with a measurable field (a fact indicator, a threshold, a year) are
checked against the facts in force of the firm's credit code, with their batch, file and row; the others are
for the officer, who records the result with evidence attached (the ledger's attachments).

A revoked commitment with its credit entry is the firm's 失信 record (`dishonest`)."""

from __future__ import annotations

import json
from datetime import date, datetime

import polars as pl

from gaoxin.cases import ledger
from gaoxin.cases.ledger import CaseError, open_case
from gaoxin.ingest.uscc import is_valid
from gaoxin.store import projects as store
from gaoxin.store import queries

FLOW, DOMAIN, PREFIX = "commitment-approval", "commitment", "CN"
METHODS = ("书面核查", "网络核验", "实地调查", "公示核查")
OPS = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b}
MET, SHORT, NO_DATA, OFFICER = "符合", "不符合", "无数据", "待人工核查"


def parse_condition(text: str) -> dict:
    """One condition: 「说明」 for the officer, or 「说明|indicator|>=|threshold|year」 machine-checkable (the
    threshold in the indicator's stored unit, e.g. tax_paid in 元)."""
    parts = [p.strip() for p in (text or "").split("|")]
    if not parts[0]:
        raise CaseError("承诺条件不能为空")
    if len(parts) == 1:
        return {"text": parts[0]}
    if len(parts) != 5 or parts[2] not in OPS:
        raise CaseError(f"可核验条件应写成「说明|指标|>=或<=|数值|年度」，收到「{text}」")
    try:
        threshold, year = float(parts[3]), int(parts[4])
    except ValueError:
        raise CaseError(f"条件「{parts[0]}」的数值或年度无法识别：「{parts[3]}」「{parts[4]}」") from None
    return {"text": parts[0], "indicator": parts[1], "op": parts[2], "threshold": threshold, "year": year}


def enter(con, cal, *, actor: str, role: str, title: str, commitment: str, conditions: list[str], due: date,
          method: str, uscc: str | None = None, firm_name: str | None = None, project: str = "",
          at: datetime | None = None) -> str:  # fmt: skip
    """承诺: the firm's commitment with its conditions, check due date and method."""
    if method not in METHODS:
        raise CaseError(f"核查方式只能是 {' / '.join(METHODS)}，收到「{method}」")
    if not (commitment or "").strip():
        raise CaseError("承诺内容不能为空")
    if not conditions:
        raise CaseError("至少须有一项承诺条件")
    firm = queries.enterprise(con, uscc) if uscc and is_valid(uscc) else None  # name and town from the store
    firm_name = firm_name or (firm or {}).get("name")
    header = ledger.case_header(
        title=title, what="承诺事项", uscc=uscc, firm_name=firm_name, town=(firm or {}).get("town"), category=method,
        urgency="一般", source=project or None,
        fields={"commitment": commitment.strip(), "conditions": [parse_condition(c) for c in conditions],
                "due": due.isoformat(), "method": method, "project": project},
    )  # fmt: skip
    return open_case(con, domain=DOMAIN, prefix=PREFIX, flow_ref=FLOW, cal=cal, actor=actor, role=role,
                     header=header, at=at)  # fmt: skip


def check(con, case_id: str) -> list[dict]:
    """Each condition's verdict: 符合 / 不符合 (by how much) / 无数据 from the facts in force, with the batch,
    file, sheet and row; 待人工核查 for a condition without a measurable field."""
    head = ledger.load(con, case_id)[0]
    if head["domain"] != DOMAIN:
        raise CaseError(f"{case_id} 不是告知承诺事项")
    conds = head["fields"].get("conditions", [])
    wanted = tuple({c["indicator"] for c in conds if "indicator" in c})
    facts = (
        store.facts_in_force(con, [head["uscc"]], wanted) if head.get("uscc") and wanted else pl.DataFrame()
    )
    out = []
    for c in conds:
        if "indicator" not in c:
            out.append({**c, "status": OFFICER, "actual": None, "gap": None, "evidence": None})
            continue
        hit = (
            facts.filter((pl.col("indicator") == c["indicator"]) & (pl.col("period") == str(c["year"])))
            if facts.height
            else facts
        )
        if hit.height == 0:
            out.append({**c, "status": NO_DATA, "actual": None, "gap": None, "evidence": None})
            continue
        r = hit.row(0, named=True)
        ok = OPS[c["op"]](r["value"], c["threshold"])
        gap = None if ok else abs(c["threshold"] - r["value"])
        evidence = f"批次 #{r['batch_id']} {r['file_name']} 「{r['sheet']}」第{r['row_no']}行"
        out.append(
            {**c, "status": MET if ok else SHORT, "actual": r["value"], "gap": gap, "evidence": evidence}
        )
    return out


def listing(con) -> list[dict]:
    """Every commitment with its state, due date and method (the 告知承诺 page and `gaoxin commitments list`)."""
    rows = store.project_rows(con, DOMAIN)
    out = []
    for r in rows.iter_rows(named=True):
        f = json.loads(r["fields_json"] or "{}")
        out.append({"case_id": r["case_id"], "title": r["title"], "firm_name": r["firm_name"], "uscc": r["uscc"],
                    "state": r["state"], "state_title": r["state_title"], "due": f.get("due"),
                    "method": f.get("method"), "project": f.get("project")})  # fmt: skip
    return out


def dishonest(con, cal) -> list[dict]:
    """失信: revoked commitments with the credit entry recorded on revocation."""
    out = []
    for r in listing(con):
        if r["state"] != "revoked":
            continue
        view = ledger.show(con, r["case_id"], cal)
        rev = next((e for e in view["timeline"] if e["action"] == "revoke"), None)
        if rev:
            out.append({**r, "credit": rev["fields"].get("credit"), "reason": rev["fields"].get("reason"),
                        "at": rev["at"]})  # fmt: skip
    return out


def detail(con, cal, case_id: str) -> dict:
    view = ledger.show(con, case_id, cal)
    if view["case"]["domain"] != DOMAIN:
        raise CaseError(f"{case_id} 不是告知承诺事项")
    return {**view, "checks": check(con, case_id)}


__all__ = ["DOMAIN", "FLOW", "METHODS", "check", "detail", "dishonest", "enter", "listing", "parse_condition"]
