"""招商线索: a lead is a case on the `investment-lead` flow (接洽 → 考察 → 洽谈 → 签约 / 放弃 with a reason). Its
signing opens the project (项目库, `project-standard`) and is counted once: a project at its first signing, a
capital increase (增资) only by its increment (三明 明政办〔2006〕95号) — the counted amount and the reason are
written into the signing event, never typed by the user."""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import polars as pl

from gaoxin.cases.ledger import CaseError, case_header, open_case, record
from gaoxin.cases.projects import chain_nodes
from gaoxin.store import projects as store

FLOW, DOMAIN, PREFIX = "investment-lead", "lead", "ZS"
KINDS = ("新签", "增资")
SOURCES = ("以商招商", "展会招商", "驻点招商", "中介招商", "基金招商", "产业链招商", "其他")


def lead_header(
    *,
    title: str,
    industry: str,
    source: str = "其他",
    uscc: str | None = None,
    firm_name: str | None = None,
    town: str | None = None,
    chain_node: str = "",
    investment_wan: float | None = None,
    land_mu: float | None = None,
    space_sqm: float | None = None,
    owner: str = "",
    next_action: str = "",
    next_due: str = "",
    kind: str = "新签",
    of_project: str = "",
) -> dict:
    if not (title or "").strip():
        raise CaseError("线索名称不能为空")
    if kind not in KINDS:
        raise CaseError(f"线索类型只能是 {' / '.join(KINDS)}，收到「{kind}」")
    if kind == "增资" and not of_project:
        raise CaseError("增资线索须指明原项目编号（of_project）")
    for name, v in (("计划投资", investment_wan), ("用地需求", land_mu), ("厂房需求", space_sqm)):
        if v is not None and v < 0:
            raise CaseError(f"{name}不能为负数：{v}")
    chain = chain_nodes.resolve(chain_node) if (chain_node or "").strip() else {}
    fields = {
        "chain_node": chain_node,
        **chain,
        "investment_wan": investment_wan,
        "land_mu": land_mu,
        "space_sqm": space_sqm,
        "owner": owner,
        "next_action": next_action,
        "next_due": next_due,
        "kind": kind,
        "of_project": of_project,
    }
    return case_header(
        title=title,
        what="线索名称",
        uscc=uscc,
        firm_name=firm_name,
        town=town,
        category=industry,
        urgency=kind,
        source=source,
        fields=fields,
    )


def enter_lead(con: duckdb.DuckDBPyConnection, cal, *, actor: str, role: str, at=None, **header) -> str:
    return open_case(
        con,
        domain=DOMAIN,
        prefix=PREFIX,
        flow_ref=FLOW,
        cal=cal,
        actor=actor,
        role=role,
        header=lead_header(**header),
        at=at,
    )


def counted(
    kind: str,
    title: str,
    firm: str | None,
    investment_wan: float,
    earlier: list[dict],
    prior_total_wan: float | None = None,
    of_project: str = "",
) -> tuple[float, str]:
    """(counted 万元, reason) of a signing. `earlier`: the signings before it (title, firm, case_id, at).
    A project counts at its first signing only; a 增资 counts the new total less what the project had."""
    if investment_wan is None or investment_wan <= 0:
        raise CaseError("签约投资须大于 0 万元")
    if kind == "增资":
        prior = float(prior_total_wan or 0)
        inc = investment_wan - prior
        if inc <= 0:
            raise CaseError(
                f"增资后总投资 {investment_wan:g} 万元不高于原项目 {of_project} 的 {prior:g} 万元，没有增量可计"
            )
        return inc, f"增资只计增量：{investment_wan:g} − {prior:g} = {inc:g} 万元（原项目 {of_project}）"
    for e in earlier:
        if e["title"] == title and (e.get("firm") or None) == (firm or None):
            return 0.0, f"同一项目已于 {e['at']:%Y-%m-%d} 首次签约（{e['case_id']}），不重复计入"
    return investment_wan, "首次签约，全额计入"


def earlier_signings(con: duckdb.DuckDBPyConnection) -> list[dict]:
    out = []
    for r in store.signings(con, DOMAIN).iter_rows(named=True):
        out.append(
            {
                "case_id": r["case_id"],
                "title": r["title"],
                "firm": r["uscc"] or r["firm_name"],
                "at": r["happened_at"],
                "fields": json.loads(r["fields_json"] or "{}"),
            }
        )
    return out


def sign(
    con: duckdb.DuckDBPyConnection,
    cal,
    lead_id: str,
    *,
    actor: str,
    role: str,
    investment_wan: float,
    header: dict,
    prior_total_wan: float | None = None,
    at: datetime | None = None,
) -> tuple[float, str]:
    """Record the signing of a lead with its counted amount and reason (the project is opened by the caller)."""
    firm = header.get("uscc") or header.get("firm_name")
    fields = header.get("fields") or {}
    amount, reason = counted(
        str(fields.get("kind") or "新签"),
        header["title"],
        firm,
        investment_wan,
        earlier_signings(con),
        prior_total_wan,
        str(fields.get("of_project") or ""),
    )
    record(
        con,
        lead_id,
        cal=cal,
        actor=actor,
        role=role,
        action="sign",
        fields={"investment_wan": investment_wan, "counted_wan": amount, "count_reason": reason},
        at=at,
    )
    return amount, reason


def lead_rows(
    con: duckdb.DuckDBPyConnection, town: str | None = None, uscc: str | None = None
) -> pl.DataFrame:
    return store.project_rows(con, DOMAIN, town, uscc)


def funnel(rows: pl.DataFrame) -> list[dict]:
    """Leads per stage, in flow order: how many reached at least that stage (the funnel) and are there now."""
    order = ["contact", "visit", "negotiate", "signed"]
    titles = {"contact": "接洽", "visit": "考察", "negotiate": "洽谈", "signed": "签约", "dropped": "放弃"}
    now = {s: int((rows["state"] == s).sum()) for s in [*order, "dropped"]} if rows.height else {}
    out = []
    for i, s in enumerate(order):
        reached = sum(now.get(x, 0) for x in order[i:])
        out.append({"state": s, "title": titles[s], "now": now.get(s, 0), "reached": reached})
    out.append(
        {"state": "dropped", "title": titles["dropped"], "now": now.get("dropped", 0), "reached": None}
    )
    return out
