"""JSON API mirroring the 企业培育, 园区对标 and 产业链 actions of the pages (same scope rules, same helpers):
the pool, ladder and expiring certificates; a zone run's payload and a climb; tagging, an override, and a
firm's chain tags and tiers. State changes send the X-CSRF-Token header."""

from __future__ import annotations

from typing import Annotated

import polars as pl
from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from gaoxin.evaluations import cultivation as svc
from gaoxin.evaluations.cultivation.english import english, english_parts
from gaoxin.evaluations.runs import RunError
from gaoxin.evaluations.zones.kind import rank_payload
from gaoxin.evaluations.zones.service import climb_zone
from gaoxin.jsonable import jsonable
from gaoxin.store import chains as store_chains
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import CurrentUser, DbDep, Runner
from gaoxin.web.routes import chains as chain_pages
from gaoxin.web.routes import cultivation as pages
from gaoxin.web.routes import zones as zone_pages
from gaoxin.web.routes.profile import visible_firm

router = APIRouter(prefix="/api", tags=["cultivation", "zones", "chains"])
Period = Annotated[str | None, Query(pattern=r"^\d{4}$")]
Text = Annotated[str, Query(max_length=40)]
Page = Annotated[int, Query(ge=1, le=100_000)]


def _split(text: str | None) -> list[str]:
    return [g for g in (text or "").split("；") if g]


@router.get("/cultivation/pool")
def pool(
    db: DbDep,
    user: CurrentUser,
    scheme: Text = "hnte-2016",
    period: Period = None,
    town: Text = "",
    industry: Text = "",
    page: Page = 1,
):
    """The 培育库 of a tier scheme (latest run of the year), closest first; `position` counts from 1."""
    period, runs = pages.year_runs(db, period)
    run_id = runs.get(scheme)
    if run_id is None:
        raise HTTPException(404, f"{period or '—'} 年度没有 {scheme} 的培育评价")
    view = pages.pool_view(db, run_id, pages.scoped_town(user, town), industry or None)
    total = view.height
    df = view.slice((page - 1) * pages.PAGE, pages.PAGE)
    rows = [
        {**r, "gaps": _split(r.pop("reasons")), "gaps_en": en}
        for r, en in zip(df.to_dicts(), english_parts(df["reasons"]), strict=True)
    ]
    return jsonable({"period": period, "scheme": scheme, "run_id": run_id, "total": total, "rows": rows})


@router.get("/cultivation/ladder")
def ladder(db: DbDep, user: CurrentUser, period: Period = None, town: Text = "", page: Page = 1):
    period, runs = pages.year_runs(db, period)
    if period is None or len(runs) < len(svc.BUILTIN):
        raise HTTPException(404, "该年度的梯度方案还没有全部评价")
    lad = pages.ladder_of(db, period, runs)
    firms = lad["firms"]
    t = pages.scoped_town(user, town)
    if t:
        firms = firms.filter(pl.col("town") == t)
    shown = firms.slice((page - 1) * pages.PAGE, pages.PAGE)
    rows = [
        {**r, "next_gaps": _split(r["next_gaps"]), "next_gaps_en": en}
        for r, en in zip(shown.to_dicts(), english_parts(shown["next_gaps"]), strict=True)
    ]
    return jsonable({"period": period, "tiers": lad["tiers"], "total": firms.height, "firms": rows})


@router.get("/cultivation/certificates")
def certificates(db: DbDep, user: CurrentUser, period: Period = None):
    period, runs = pages.year_runs(db, period)
    run_id = runs.get(svc.HNTE[1])
    if run_id is None:
        raise HTTPException(404, "没有高企评价")
    certs = pages.certificates_of(db, run_id).filter(pl.col("status") != "有效")
    if user.scope_town:
        certs = certs.filter(pl.col("town") == user.scope_town)
    certs = certs.with_columns(english(certs["status"]).alias("status_en"))
    rows = [
        {**r, "gaps": _split(r.pop("reasons")), "gaps_en": en}
        for r, en in zip(certs.to_dicts(), english_parts(certs["reasons"]), strict=True)
    ]
    return jsonable({"period": period, "run_id": run_id, "certificates": rows})


@router.get("/zones/runs/{run_id}")
def zone_run(db: DbDep, user: CurrentUser, run_id: str):
    """The `gaoxin rank --json` answer of a stored zone run."""
    zone_pages.zone_reader(user)
    return jsonable(rank_payload(db, zone_pages.zone_run(db, run_id)))


class ClimbAsk(BaseModel):
    to_rank: int = Field(ge=1, le=10_000, description="the rank to reach")
    max_change: float = Field(0.5, gt=0, le=10, description="largest change per indicator (0.5 = 50 %)")


@router.post("/zones/runs/{run_id}/climb", dependencies=[Csrf])
async def climb(db: DbDep, user: CurrentUser, run_id: str, ask: ClimbAsk):
    """争先进位 for the home zone, re-ranked and checked (as `gaoxin climb --json`)."""
    zone_pages.zone_reader(user)
    run = zone_pages.zone_run(db, run_id)
    try:
        return await run_in_threadpool(
            climb_zone, db, run["scheme_id"], None, ask.to_rank, run["period"], ask.max_change
        )
    except RunError as exc:
        raise HTTPException(400, str(exc)) from exc


@router.post("/chains/tag", dependencies=[Csrf])
async def tag(request: Request, db: DbDep, user: Runner):
    """Tag every enterprise (counts per chain; per-firm tags via GET /api/enterprises/USCC/chains)."""
    from gaoxin.chains.analysis import tag_store

    chain_pages.chain_reader(user)

    def work():
        with request.app.state.store.write_lock:
            return tag_store(db, chain_pages.packs())

    return await run_in_threadpool(work)


class Override(BaseModel):
    uscc: str = Field(max_length=18)
    node: str = Field(max_length=20, description="node id, e.g. IC.M2")
    action: str = Field("add", pattern="^(add|remove)$")
    note: str = Field(min_length=1, max_length=200, description="the reason (required)")


@router.post("/chains/override", dependencies=[Csrf])
def override(request: Request, db: DbDep, user: Runner, body: Override):
    code = visible_firm(db, user, body.uscc)
    pack, _n = chain_pages.node_of(body.node.strip())
    with request.app.state.store.write_lock:
        store_chains.add_override(db, code, pack.id, body.node.strip(), body.action, body.note.strip())
    return {"uscc": code, "chain": pack.id, "node": body.node.strip(), "action": body.action}


@router.get("/enterprises/{code}/chains")
def firm_chains(request: Request, db: DbDep, user: CurrentUser, code: str):
    uscc = visible_firm(db, user, code)
    return jsonable({"uscc": uscc, "tags": chain_pages.firm_chain_tags(db, uscc, request.state.lang)})


@router.get("/enterprises/{code}/tiers")
def firm_tiers(db: DbDep, user: CurrentUser, code: str):
    uscc = visible_firm(db, user, code)
    found = pages.firm_tiers(db, uscc)
    if found is None:
        raise HTTPException(404, "没有培育评价")
    return jsonable(found)
