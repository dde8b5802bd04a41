"""申诉/复核 on the case core (flow mujun-appeal): a town officer files an appeal for a firm against cells of
an official run (firm, period, indicator with its source batch, file, sheet and row) or against a rule's
application, with evidence files; the responsible department confirms with its own figure or rejects; the
leading group decides with the re-evaluation in view; an adopted correction becomes a 申诉更正 batch, a
re-run, and approved decisions beside the official run (referencing the re-run and the case)."""

from __future__ import annotations

import hashlib
import tempfile
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from gaoxin import fields as F
from gaoxin.cases import ledger
from gaoxin.evaluations import runs
from gaoxin.store import cases as store_cases
from gaoxin.store import decisions as store_decisions
from gaoxin.store import publication as store_pub
from gaoxin.store import queries
from gaoxin.store import runs as store_runs

from .correction import CORRECTION, write_correction
from .decisions import final_class
from .rescore import compare, rescore

DOMAIN, PREFIX, FLOW = "appeal", "SS", "mujun-appeal"
CELL, RULE = "cell", "rule"
ADOPT, REJECT = "采纳", "不予采纳"
CONFIRMED, REFUTED = "属实", "不属实"


class AppealError(ValueError):
    """An appeal that cannot be filed or moved on; the message says why."""


def _field(indicator: str) -> F.Field:
    fld = F.BY_NAME.get(indicator)
    if fld is None:
        raise AppealError(f"未知的指标「{indicator}」")
    return fld


def to_canonical(indicator: str, shown: float) -> float:
    """A figure in the unit shown to users (万元 for money) → the stored unit."""
    fld = _field(indicator)
    return shown / fld.to_display(1.0) if fld.to_display(1.0) else shown


def disputed_cell(con: duckdb.DuckDBPyConnection, uscc: str, period: str, indicator: str) -> dict:
    """The value in force of one cell with its batch, source, file, sheet and row."""
    facts = queries.firm_facts(con, uscc, [period]).filter(pl.col("indicator") == indicator)
    fld = _field(indicator)
    if facts.height == 0:
        return {"uscc": uscc, "period": period, "indicator": indicator, "title": fld.label, "value": None,
                "unit": fld.unit, "shown_unit": fld.shown_unit, "batch_id": None, "source": fld.sources[0]
                if fld.sources else "other", "file_name": None, "sheet": None, "row_no": None}  # fmt: skip
    row = facts.to_dicts()[0]
    return {**row, "title": fld.label, "shown_unit": fld.shown_unit, "shown": fld.to_display(row["value"])}


def file_appeal(
    con: duckdb.DuckDBPyConnection,
    *,
    cal,
    run_id: str,
    uscc: str,
    actor: str,
    reason: str,
    indicator: str | None = None,
    claimed: float | None = None,
    rule: str | None = None,
    claimed_class: str | None = None,
    evidence: list[tuple[str, bytes]] = (),
    role: str = "town",
    at: datetime | None = None,
) -> str:
    """受理 an appeal. A cell appeal names the indicator and the claimed figure (in the shown unit, 万元 for
    money); a rule appeal names the rule (e.g. a protection that should apply) and the class claimed."""
    run = store_runs.find_run(con, run_id)
    if run is None:
        raise AppealError(f"没有编号为 {run_id[:12]} 的评价结果")
    firm = queries.enterprise(con, uscc)
    res = store_runs.run_results(con, run_id).filter(pl.col("uscc") == uscc)
    if firm is None or res.height == 0:
        raise AppealError(f"企业 {uscc} 不在评价结果 {run_id[:12]} 中")
    fields = {"run_id": run_id, "period": run["period"], "class_run": res["class_final"][0], "reason": reason}
    if indicator:
        if claimed is None:
            raise AppealError("对数据提出申诉须填写企业认为正确的数值")
        cell = disputed_cell(con, uscc, run["period"], indicator)
        fields.update(basis=CELL, indicator=indicator, claimed=float(claimed), cell=_cell_fields(cell))
    elif rule:
        fields.update(basis=RULE, rule=rule, claimed_class=(claimed_class or "").upper() or None)
    else:
        raise AppealError("请指明有异议的数据（指标）或规则")
    shas = []
    for name, data in evidence:
        sha = hashlib.sha256(data).hexdigest()
        store_cases.store_attachment(con, sha, name, data)
        shas.append(sha)
    fields["evidence"] = shas
    header = ledger.case_header(
        title=f"{firm['name'] or uscc} 亩均评价申诉（{run['period']}）",
        what="申诉标题",
        uscc=uscc,
        firm_name=firm["name"],
        town=firm["town"],
        category=CELL if indicator else RULE,
        source=run_id,
        fields=fields,
    )
    return ledger.open_case(
        con, domain=DOMAIN, prefix=PREFIX, flow_ref=FLOW, cal=cal, actor=actor, role=role, header=header,
        fields={"reason": reason}, note=reason, at=at,
    )  # fmt: skip


def _cell_fields(cell: dict) -> dict:
    keep = ("indicator", "title", "value", "unit", "shown", "shown_unit", "batch_id", "source", "file_name",
            "sheet", "row_no")  # fmt: skip
    return {k: cell.get(k) for k in keep}


def assign(con, case_id: str, *, cal, department: str, actor: str, role: str = "analyst", at=None):
    return ledger.record(con, case_id, cal=cal, actor=actor, role=role, action="assign",
                         fields={"department": department}, at=at)  # fmt: skip


def verify(
    con, case_id: str, *, cal, confirmed: bool, actor: str, figure: float | None = None, note: str = "",
    role: str = "department", at=None,
):  # fmt: skip
    """The department confirms (属实, with its own figure in the shown unit for a cell appeal) or rejects."""
    header = appeal(con, case_id)
    fields = {"verdict": CONFIRMED if confirmed else REFUTED}
    if confirmed and header["fields"].get("basis") == CELL:
        if figure is None:
            raise AppealError("确认属实须填写本部门核实的数值")
        fields["figure"] = float(figure)
    if not confirmed and not note.strip():
        raise AppealError("驳回须说明理由")
    return ledger.record(con, case_id, cal=cal, actor=actor, role=role, action="verify", fields=fields,
                         note=note, at=at)  # fmt: skip


def appeal(con: duckdb.DuckDBPyConnection, case_id: str) -> dict:
    header = store_cases.case_header(con, case_id)
    if header is None or header.get("domain") != DOMAIN:
        raise AppealError(f"没有编号为 {case_id} 的申诉（gaoxin appeals list 列出已有的申诉）")
    return header


def _verified(con, case_id: str) -> dict | None:
    for e in reversed(store_cases.case_events(con, case_id)):
        if e["action"] == "verify":
            return e["fields"]
    return None


def corrections(con: duckdb.DuckDBPyConnection, case_id: str) -> list[dict]:
    """The cells the appeal would correct: the department's figure once verified 属实, else the claimed one."""
    f = appeal(con, case_id)["fields"]
    if f.get("basis") != CELL:
        return []
    v = _verified(con, case_id)
    if v is not None and v.get("verdict") != CONFIRMED:
        return []
    shown = v["figure"] if v else f["claimed"]
    cell = f["cell"]
    return [{"uscc": appeal(con, case_id)["uscc"], "period": f["period"], "indicator": f["indicator"],
             "value": to_canonical(f["indicator"], shown), "unit": cell["unit"], "shown": shown,
             "source": cell["source"] or "other"}]  # fmt: skip


def preview(con: duckdb.DuckDBPyConnection, case_id: str) -> dict:
    """Before the decision: the firm's new score and class and every other firm whose class changes."""
    header = appeal(con, case_id)
    run = store_runs.find_run(con, header["fields"]["run_id"])
    cells = corrections(con, case_id)
    if not cells:
        return {"firm": None, "others": [], "cells": []}
    check_fresh(con, run)
    new = rescore(con, run, [(c["uscc"], c["indicator"], c["value"]) for c in cells])
    return {**compare(con, {"run_id": _basis(con, run["run_id"])}, new, header["uscc"]), "cells": cells}


def decide(
    con, case_id: str, *, cal, adopt: bool, actor: str, note: str = "", to_class: str | None = None,
    role: str = "analyst", at=None,
):  # fmt: skip
    """领导小组审定. Adopting a verified correction writes the 申诉更正 batch, re-runs the scheme and records
    the class changes as approved decisions beside the official run; adopting a rule appeal records the
    class the group sets. Rejecting changes nothing but the case."""
    header = appeal(con, case_id)
    f = header["fields"]
    extra: dict = {"decision": ADOPT if adopt else REJECT}
    if adopt:
        if f.get("basis") == CELL:
            v = _verified(con, case_id)
            if v is None or v.get("verdict") != CONFIRMED:
                raise AppealError("责任部门未确认属实，不能采纳数据更正")
            extra.update(_apply_correction(con, case_id, header, actor))
        else:
            klass = (to_class or f.get("claimed_class") or "").upper()
            if klass not in ("A", "B", "C", "D", "T"):
                raise AppealError("采纳规则申诉须给出审定后的等级（A/B/C/D/T）")
            extra["decision_ids"] = [_record_decision(con, f["run_id"], header["uscc"], klass, None, None,
                                                      case_id, f.get("rule") or "", actor)]  # fmt: skip
    return ledger.record(con, case_id, cal=cal, actor=actor, role=role, action="decide", fields=extra,
                         note=note, at=at)  # fmt: skip


def _record_decision(con, run_id, uscc, klass, score, rerun_id, case_id, why, actor) -> int:
    before = final_class(con, run_id, uscc)
    did = store_decisions.propose(
        con,
        {"run_id": run_id, "uscc": uscc, "kind": "appeal", "class_before": before, "class_after": klass,
         "reason": f"{CORRECTION}（{case_id}）", "note": why or None, "case_id": case_id, "rerun_id": rerun_id,
         "score_after": score, "proposed_by": f"申诉 {case_id}"},
    )  # fmt: skip
    store_decisions.review(con, did, store_decisions.APPROVED, actor, "领导小组审定")
    return did


def _apply_correction(con, case_id: str, header: dict, actor: str) -> dict:
    run = store_runs.find_run(con, header["fields"]["run_id"])
    check_fresh(con, run)
    cells = corrections(con, case_id)
    basis = _basis(con, run["run_id"])
    batch_id = write_correction(con, case_id, cells[0]["source"], cells)
    text = store_runs.scheme_text(con, run["scheme_sha256"])
    with tempfile.TemporaryDirectory() as tmp:  # the run's own scheme text: the same scheme sha
        path = Path(tmp) / f"{run['scheme_id']}.toml"
        path.write_text(text, encoding="utf-8")
        outcome = runs.run(con, path, run["period"], expect="mujun")
    rerun = outcome.run_id
    new = store_runs.run_results(con, rerun).select("uscc", "score", "class_final")
    old = store_runs.run_results(con, basis).select("uscc", pl.col("class_final").alias("old"))
    moved = old.join(new, on="uscc").filter(pl.col("class_final") != pl.col("old"))
    ids = [
        _record_decision(
            con,
            run["run_id"],
            r["uscc"],
            r["class_final"],
            r["score"],
            rerun,
            case_id,
            "重新评价后等级变化" if r["uscc"] != header["uscc"] else "申诉企业",
            actor,
        )  # fmt: skip
        for r in moved.iter_rows(named=True)
    ]
    return {"batch_id": int(batch_id), "rerun_id": rerun, "decision_ids": ids}


def _basis(con, run_id: str) -> str:
    """What an adopted correction is compared with: the re-run of the last adopted correction on this official
    run (its changes are already decisions), else the official run — so each appeal records only its own moves
    and an approved 调档 of a firm the correction does not move stands."""
    reruns = [d["rerun_id"] for d in store_decisions.decisions(con, run_id=run_id) if d["rerun_id"]]
    return reruns[0] if reruns else run_id  # decisions come newest first


def check_fresh(con, run: dict) -> None:
    """The store may differ from the official run only by 申诉更正 batches: a department file imported since
    would enter the re-evaluation and be taken for the appeal's effect."""
    later = [
        name
        for name in store_pub.later_fact_batches(con, run.get("max_batch_id") or 0, run["period"])
        if not name.startswith(CORRECTION)
    ]
    if later:
        names = "、".join(later[:3])
        raise AppealError(
            f"正式评价 {run['run_id'][:12]} 之后又导入了 {len(later)} 个批次（{names}），重新评价会把这些数据一并计入："
            "请先重新评价并设为正式评价，再办理申诉"
        )


def close(con, case_id: str, *, cal, actor: str, role: str = "analyst", note: str = "", at=None):
    return ledger.record(con, case_id, cal=cal, actor=actor, role=role, action="close", note=note, at=at)


def list_appeals(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> list[dict]:
    """Every appeal with its state (header and projection), newest first."""
    out = []
    for case_id in store_cases.case_ids(con, DOMAIN, open_only=False):
        h = appeal(con, case_id)
        if run_id and h["fields"].get("run_id") != run_id:
            continue
        out.append(h)
    out.sort(key=lambda h: h["opened_at"], reverse=True)
    return out
