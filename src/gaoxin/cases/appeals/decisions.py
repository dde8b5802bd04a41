"""调档 and 参评/不参评: a proposal with a reason from the rules file, reviewed (通过 / 退回) by a second user;
and the final list — the run's classes with the approved decisions laid over them (the latest approved
decision of a firm is in force). The run is read, never written."""

from __future__ import annotations

import duckdb
import polars as pl

from gaoxin.store import decisions as store
from gaoxin.store import runs as store_runs

from .rules import load

CLASSES = ("A", "B", "C", "D", "T")
KIND_TITLES = {"adjust": "调档", "participate": "参评/不参评", "appeal": "申诉更正"}


class DecisionError(ValueError):
    """A decision that cannot be proposed or reviewed; the message says why."""


def propose(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    uscc: str,
    *,
    to_class: str,
    reason: str,
    actor: str,
    note: str = "",
    kind: str = "adjust",
) -> int:
    """Propose 调档 (kind adjust: to A–D) or 参评/不参评 (kind participate: T = 不参评, A–D = 参评 at that
    class); 待审核 until a second user reviews it."""
    rules = load()
    to_class = (to_class or "").strip().upper()
    allowed = rules.reasons if kind == "adjust" else rules.participate_reasons
    if kind not in ("adjust", "participate"):
        raise DecisionError(f"未知的决定类型「{kind}」")
    if reason not in allowed:
        raise DecisionError(f"调档理由「{reason}」不在规则文件的理由列表中（{'、'.join(allowed)}）")
    if to_class not in (CLASSES if kind == "participate" else CLASSES[:4]):
        raise DecisionError(f"调档后等级「{to_class}」应为 {'/'.join(CLASSES[:4])}（不参评请用 参评/不参评）")
    if store_runs.find_run(con, run_id) is None:
        raise DecisionError(f"没有编号为 {run_id[:12]} 的评价结果")
    before = final_class(con, run_id, uscc)
    if before == to_class:
        raise DecisionError(f"企业 {uscc} 的等级已是 {to_class}，无需调档")
    if not (note or "").strip() and reason == "其他":
        raise DecisionError("理由为「其他」时须填写说明")
    return store.propose(
        con,
        {
            "run_id": run_id,
            "uscc": uscc,
            "kind": kind,
            "class_before": before,
            "class_after": to_class,
            "reason": reason,
            "note": (note or "").strip() or None,
            "proposed_by": actor,
        },
    )


def review(
    con: duckdb.DuckDBPyConnection, decision_id: int, *, approve: bool, actor: str, note: str = ""
) -> dict:
    """通过 or 退回 by a user other than the proposer; a decision is reviewed once."""
    d = store.get(con, decision_id)
    if d is None:
        raise DecisionError(f"没有编号为 {decision_id} 的调档申请")
    if d["status"] != store.PENDING:
        raise DecisionError(f"调档申请 {decision_id} 已{d['status']}，不能重复审核")
    if d["proposed_by"] == actor:
        raise DecisionError(f"调档申请 {decision_id} 须由提出人（{actor}）以外的用户审核")
    if not approve and not (note or "").strip():
        raise DecisionError("退回须说明理由")
    store.review(
        con, decision_id, store.APPROVED if approve else store.RETURNED, actor, (note or "").strip() or None
    )
    return store.get(con, decision_id)


def apply_decisions(results: pl.DataFrame, approved: pl.DataFrame) -> pl.DataFrame:
    """Pure: the final list from the run's rows (uscc, class_final, …) and its approved decisions (uscc,
    class_after, decision_id, kind, reason …, oldest first): 初评等级 = the run's class, 定级 = the latest
    approved decision's class where there is one."""
    latest = (
        approved.sort("decision_id")
        .group_by("uscc")
        .agg(
            pl.col("class_after").last(),
            pl.col("decision_id").last(),
            pl.col("kind").last().alias("decision_kind"),
            pl.col("reason").last().alias("decision_reason"),
        )
        if approved.height
        else pl.DataFrame(
            schema={
                "uscc": pl.Utf8,
                "class_after": pl.Utf8,
                "decision_id": pl.Int64,
                "decision_kind": pl.Utf8,
                "decision_reason": pl.Utf8,
            }
        )
    )
    return (
        results.rename({"class_final": "class_run"})
        .join(latest.with_columns(pl.col("decision_id").cast(pl.Int64)), on="uscc", how="left")
        .with_columns(pl.coalesce("class_after", "class_run").alias("class_final"))
        .drop("class_after")
    )


def final_list(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """The final list of a run: its rows with 初评等级 (class_run) and 定级 (class_final) after approved decisions."""
    return apply_decisions(store_runs.run_results(con, run_id), store.approved(con, run_id))


def final_class(con: duckdb.DuckDBPyConnection, run_id: str, uscc: str) -> str | None:
    row = final_list(con, run_id).filter(pl.col("uscc") == uscc)
    if row.height == 0:
        raise DecisionError(f"企业 {uscc} 不在评价结果 {run_id[:12]} 中")
    return row["class_final"][0]


def queue(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> list[dict]:
    """The 调档 applications waiting for review."""
    return store.decisions(con, run_id=run_id, status=store.PENDING)


def firm_log(con: duckdb.DuckDBPyConnection, uscc: str) -> list[dict]:
    """Every decision about one firm across runs (its 画像's decision log)."""
    return store.decisions(con, uscc=uscc)
