"""一企一策 disposal cases: a case on the `land-disposal` flow per parcel (摸排 → 方案 → 实施 → 销号), with the
officer of the parcel's town as lead and the outcome (亩 freed, new user, new investment) on the 销号 event.
The case core does the rest (`cases.ledger`: events checked against the flow, working-day clocks)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl

from gaoxin.cases.ledger import CaseError, case_header, open_case
from gaoxin.store import land as store

FLOW, DOMAIN, PREFIX = "land-disposal", "land", "TD"


def disposal_header(parcel: dict, *, title: str | None = None, source: str = "摸排") -> dict:
    """The case header of one parcel's disposal: the parcel's holder, town and number."""
    return case_header(
        title=title or f"宗地 {parcel['parcel_no']} 盘活处置",
        what="处置案件名称",
        uscc=parcel.get("uscc"),
        firm_name=parcel.get("holder_name"),
        town=parcel.get("town"),
        source=source,
        fields={"parcel_no": parcel["parcel_no"], "area_mu": parcel.get("area_mu")},
    )


def open_disposal(
    con: duckdb.DuckDBPyConnection,
    cal,
    parcel_no: str,
    *,
    actor: str,
    role: str,
    note: str = "",
    at: datetime | None = None,
) -> str:
    found = store.parcels(con).filter(pl.col("parcel_no") == parcel_no)
    if found.height == 0:
        raise CaseError(f"没有编号为 {parcel_no} 的宗地（gaoxin land list 列出已登记的宗地）")
    open_ = store.land_case_rows(con).filter(
        (pl.col("parcel_no") == parcel_no) & ~pl.col("state").is_in(["closed", "cancelled"])
    )
    if open_.height:
        raise CaseError(f"宗地 {parcel_no} 已有在办处置案件 {open_['case_id'][0]}，不重复立案")
    return open_case(
        con,
        domain=DOMAIN,
        prefix=PREFIX,
        flow_ref=FLOW,
        cal=cal,
        actor=actor,
        role=role,
        header=disposal_header(found.row(0, named=True)),
        note=note,
        at=at,
    )


def town_progress(con: duckdb.DuckDBPyConnection, targets: dict[str, float] | None = None) -> list[dict]:
    """Per town: cases opened / closed / overdue, 亩 freed (销号 outcomes) against the town's target."""
    cases = store.land_case_rows(con)
    if cases.height == 0:
        return []
    outcomes = store.case_outcomes(con)
    joined = cases.join(
        outcomes.select("case_id", "freed_mu", "new_investment_wan"), on="case_id", how="left"
    )
    per = (
        joined.group_by(pl.col("town").fill_null("（未注明镇街）"))
        .agg(
            opened=pl.len(),
            closed=(pl.col("state") == "closed").sum(),
            in_progress=(~pl.col("state").is_in(["closed", "cancelled"])).sum(),
            overdue=pl.col("overdue").fill_null(False).sum(),
            freed_mu=pl.col("freed_mu").fill_null(0).sum(),
            new_investment_wan=pl.col("new_investment_wan").fill_null(0).sum(),
        )
        .sort("town")
    )
    out = []
    for r in per.to_dicts():
        target = (targets or {}).get(r["town"])
        out.append({**r, "target_mu": target, "share": (r["freed_mu"] / target) if target else None})
    return out
