"""盘活存量 pages: the land register (/land), the parcel map (/land/map, drawn from the stored outlines), one
parcel (/land/{宗地编号}: contract vs actual, 53号令 clocks, 低效 flags with their evidence, buildings, decisions,
the holder's 亩均 history, its disposal case), where to act first (/land/priorities), the 一企一策 cases and the
per-town progress (/land/cases), the county's workbook (/land/ledger.xlsx), the upload (/land/import) and the
JSON API beside them. Routes only translate HTTP; the work is `gaoxin.cases.land` (as `gaoxin land …`)."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import polars as pl
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from gaoxin.cases import desk, ledger
from gaoxin.cases.calendar import calendar_in_force
from gaoxin.cases.land import disposal
from gaoxin.cases.land import register as land
from gaoxin.cases.land.clocks import DECISION_KINDS
from gaoxin.cases.land.decisions import RECORDERS, DecisionRefused, record_decision
from gaoxin.cases.land.rules import LOWUSE
from gaoxin.flows import load_flow
from gaoxin.store import land as store
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import CurrentUser, DbDep, Importer, PageNo
from gaoxin.web.render import render
from gaoxin.web.routes.imports import check_type, run_on_upload, safe_name
from gaoxin.web.routes.requests_api import plain as jsonable  # dates as ISO text, NaN as null

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/land", tags=["land"])
PAGE = 100
Status = Annotated[str | None, Query(max_length=20)]
Rule = Annotated[str | None, Query(max_length=30)]
Text = Annotated[str | None, Query(max_length=60)]
GEOMETRY = (".geojson", ".json", ".shp", ".zip")
SHEETS = (".xlsx", ".xls", ".csv")
CASE_FIELDS = ("cause", "department", "measure", "reason", "freed_mu", "new_user", "new_investment_wan")


def _ev(db, user, parcel_no: str | None = None) -> dict:
    """The register as of today within the user's town (one parcel of it for a parcel's page or decision)."""
    return land.evaluate(db, date.today(), town=user.scope_town, parcel_no=parcel_no)


def _writer(user) -> bool:
    return user.role in RECORDERS


def _register(db, user, status, rule, category, q, page) -> dict:
    ev = _ev(db, user)
    reg = ev["register"]
    rows = land.select(reg, status=status or None, rule=rule or None, category=category or None, q=q)
    start = (page - 1) * PAGE
    return {
        "as_of": date.today(),
        "summary": land.summary(reg),
        "rows": rows.slice(start, PAGE).to_dicts(),
        "total": rows.height,
        "page": page,
        "pages": max(1, -(-rows.height // PAGE)),
        "filters": {"status": status or "", "rule": rule or "", "category": category or "", "q": q or ""},
        "statuses": land.STATUSES,
        "rules": {k: ev["rules"]["lowuse"][k]["title"] for k in LOWUSE},
        "categories": land.CATEGORIES,
        "mapped": store.geometry_count(db),
    }


@router.get("/land")
def register_page(request: Request, db: DbDep, user: CurrentUser, status: Status = None, rule: Rule = None,
                  category: Rule = None, q: Text = None, page: PageNo = 1):  # fmt: skip
    data = _register(db, user, status, rule, category, q, page)
    return render(request, "land.html", {**data, "nav": "land", "writer": _writer(user)})


@router.get("/land/map")
def map_page(request: Request, db: DbDep, user: CurrentUser):
    # `charts` makes the page load the vendored ECharts (the map is drawn from /api/land/map by app.js)
    return render(
        request, "land_map.html", {"nav": "land", "categories": land.CATEGORIES, "charts": {"map": True}}
    )


@api.get("/map", summary="宗地图数据 / the parcel map's GeoJSON and legend")
def map_api(request: Request, db: DbDep, user: CurrentUser,
            format: Annotated[str, Query(pattern="^(compact|geojson)$")] = "compact"):  # fmt: skip
    """`compact` (the map page's: coordinates as integer deltas) or `geojson` (a FeatureCollection for GIS)."""
    ev = _ev(db, user)
    body = land.map_payload(ev["register"], store.geometries(db), format).encode()
    if "gzip" in request.headers.get("accept-encoding", ""):  # outlines compress ~8×: what goes over the wire
        import gzip

        return Response(gzip.compress(body, 6), media_type="application/json",
                        headers={"content-encoding": "gzip", "vary": "accept-encoding"})  # fmt: skip
    return Response(body, media_type="application/json")


@router.get("/land/priorities")
def priorities_page(request: Request, db: DbDep, user: CurrentUser):
    ev = _ev(db, user)
    rec = land.recoverable(db, ev)
    context = {"nav": "land", "rows": rec.head(50).to_dicts(), "total": rec.height, "matches": land.matches(db, ev),
               "as_of": date.today()}  # fmt: skip
    return render(request, "land_priorities.html", context)


def _cases(request: Request, db, user, year: int | None):
    cal = calendar_in_force(db)
    with request.app.state.store.write_lock:  # the day's first look re-derives stale clocks
        ledger.refresh_if_stale(db, disposal.DOMAIN, cal)
    year = year or date.today().year
    progress = disposal.town_progress(db, store.targets(db, year))
    if user.scope_town:
        progress = [p for p in progress if p["town"] == user.scope_town]
    flow = load_flow(disposal.FLOW)[0]
    cases = [
        {**c, "state_en": flow.state(c["state"]).title_en}
        for c in store.land_case_rows(db, user.scope_town).to_dicts()
    ]
    return {"year": year, "progress": progress, "cases": cases}


Year = Annotated[int | None, Query(ge=2000, le=2100)]


@router.get("/land/cases")
def cases_page(request: Request, db: DbDep, user: CurrentUser, year: Year = None):
    return render(request, "land_cases.html", {**_cases(request, db, user, year), "nav": "land"})


def _case(db, user, case_id: str, **extra) -> dict:
    try:
        view = desk.case_view(db, calendar_in_force(db), case_id, user.scope, domain=disposal.DOMAIN)
    except desk.CaseNotFound:
        raise HTTPException(404, "case not found") from None
    return {**view, "nav": "land", "error": None, "posted": None, "parcel_no": view["case"]["fields"].get("parcel_no"),
            **extra}  # fmt: skip


@router.get("/land/cases/{case_id}")
def case_page(request: Request, db: DbDep, user: CurrentUser, case_id: str):
    return render(request, "land_case.html", _case(db, user, case_id))


async def _step(request: Request, db, user, case_id: str, action: str, fields: dict, note: str):
    _case(db, user, case_id)  # 404 outside the user's scope or another domain

    def work():
        with request.app.state.store.write_lock:
            return desk.take_step(db, calendar_in_force(db), user.scope, actor=user.name, case_id=case_id,
                                  action=action, fields=fields, note=note, domain=disposal.DOMAIN)  # fmt: skip

    return await run_in_threadpool(work)


@router.post("/land/cases/{case_id}/step", dependencies=[Csrf])
async def case_step(request: Request, db: DbDep, user: CurrentUser, case_id: str):
    form = await request.form(max_files=0, max_fields=30)
    action = str(form.get("action") or "")
    fields = {k: str(form.get(k)).strip()[:200] for k in CASE_FIELDS if form.get(k) not in (None, "")}
    note = str(form.get("note_text") or "")[:2000]
    try:
        await _step(request, db, user, case_id, action, fields, note)
    except desk.Refusal as exc:
        context = _case(
            db, user, case_id, error=exc, posted={"action": action, "fields": fields, "note": note}
        )
        return render(request, "land_case.html", context, status_code=exc.status)
    return RedirectResponse(f"/land/cases/{quote(case_id)}#timeline", status_code=303)


@router.get("/land/ledger.xlsx")
def ledger_xlsx(db: DbDep, user: CurrentUser):
    from gaoxin.reports.land_xlsx import write_land_xlsx

    today = date.today()
    ev = _ev(db, user)
    progress = disposal.town_progress(db, store.targets(db, today.year))
    if user.scope_town:
        progress = [p for p in progress if p["town"] == user.scope_town]
    with tempfile.TemporaryDirectory(prefix="gaoxin-land-") as tmp:
        path = write_land_xlsx(
            ev, progress, store.land_case_rows(db, user.scope_town), Path(tmp) / "l.xlsx", today
        )
        data = path.read_bytes()
    name = quote(f"闲置低效用地台账_{today:%Y%m%d}.xlsx")
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"content-disposition": f"attachment; filename*=UTF-8''{name}"})  # fmt: skip


def _import_page(request: Request, status_code: int = 200, **extra):
    context = {"nav": "land", "outcome": None, "errors": [], **extra}
    return render(request, "land_import.html", context, status_code=status_code)


@router.get("/land/import")
def import_page(request: Request, db: DbDep, user: Importer):
    return _import_page(request)


@router.post("/land/import", dependencies=[Csrf])
async def import_file(request: Request, db: DbDep, user: Importer):
    """A 宗地台账 (xlsx / csv) or the outlines (GeoJSON, or a shapefile as .zip): all or nothing, rejects kept."""
    form = await request.form(max_files=2, max_fields=10)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _import_page(
            request, 400, errors=["请选择宗地台账（xlsx / csv）或宗地图形（GeoJSON / shapefile 的 zip）"]
        )
    name = safe_name(upload.filename)
    if Path(name).suffix.lower() not in GEOMETRY + SHEETS:
        return _import_page(
            request, 415, errors=[f"{name}：只接受 xlsx、xls、csv、geojson、json 或 zip（shapefile）"]
        )
    head = await upload.read(4096)
    await upload.seek(0)
    suffix, problem = Path(name).suffix.lower(), None
    if suffix in SHEETS:
        problem = check_type(name, head)
    elif suffix == ".zip" and not head.startswith(b"PK\x03\x04"):
        problem = "文件内容与扩展名不符（zip 压缩包应含 shapefile 的 .shp .shx .dbf）"
    if problem:
        return _import_page(request, 415, errors=[f"{name}：{problem}"])
    try:
        outcome = await run_on_upload(
            request, upload, "gaoxin-land-", lambda path: land.import_land(db, path)
        )
    except land.LandError as exc:
        return _import_page(request, 400, errors=[str(exc)])
    return _import_page(request, outcome=outcome)


def _parcel(db, user, parcel_no: str, **extra) -> dict:
    ev = _ev(db, user, parcel_no)
    try:
        page = land.parcel_page(db, ev, parcel_no)
    except land.LandError:
        raise HTTPException(404, "parcel not found") from None
    return {**page, "nav": "land", "writer": _writer(user), "approver": user.role == "admin",
            "kinds": DECISION_KINDS, "causes": ev["rules"]["idle"]["delay_causes"],
            "all_options": ev["rules"]["idle"]["options"], "flag_text": land.flag_text, "error": None,
            "as_of": date.today(), "can_open": user.role in ("admin", "analyst", "town"), **extra}  # fmt: skip


@router.get("/land/{parcel_no}")
def parcel_page(request: Request, db: DbDep, user: CurrentUser, parcel_no: str):
    return render(request, "land_parcel.html", _parcel(db, user, parcel_no))


DECISION_FORM = ("kind", "cause", "from_day", "to_day", "verified", "option", "note")


async def _decide(request: Request, db, user, parcel_no: str, got: dict) -> str:
    def work():
        with request.app.state.store.write_lock:
            ev = _ev(db, user, parcel_no)
            if ev["parcels"].height == 0:
                raise HTTPException(404, "parcel not found")
            return record_decision(db, ev, parcel_no, got.get("kind", ""), actor=user.name, role=user.role,
                                   cause=got.get("cause"), from_day=got.get("from_day"), to_day=got.get("to_day"),
                                   verified=got.get("verified") in ("1", "on", "true", True),
                                   option=got.get("option"), note=got.get("note") or "")  # fmt: skip

    return await run_in_threadpool(work)


@router.post("/land/{parcel_no}/decide", dependencies=[Csrf])
async def decide(request: Request, db: DbDep, user: CurrentUser, parcel_no: str):
    form = await request.form(max_files=0, max_fields=20)
    got = {k: str(form.get(k)).strip()[:2000] for k in DECISION_FORM if form.get(k) not in (None, "")}
    try:
        await _decide(request, db, user, parcel_no, got)
    except DecisionRefused as exc:
        context = _parcel(db, user, parcel_no, error=str(exc), posted=got)
        return render(request, "land_parcel.html", context, status_code=400)
    return RedirectResponse(f"/land/{quote(parcel_no)}#decisions", status_code=303)


@router.post("/land/{parcel_no}/open", dependencies=[Csrf])
async def open_case(request: Request, db: DbDep, user: CurrentUser, parcel_no: str):
    """立案 (摸排): one open disposal case per parcel."""
    if user.role not in ("admin", "analyst", "town"):
        raise HTTPException(403, "forbidden")
    _parcel(db, user, parcel_no)  # 404 outside the user's town

    def work():
        with request.app.state.store.write_lock:
            return disposal.open_disposal(
                db, calendar_in_force(db), parcel_no, actor=user.name, role=user.role
            )

    try:
        cid = await run_in_threadpool(work)
    except ledger.CaseError as exc:
        context = _parcel(db, user, parcel_no, error=str(exc))
        return render(request, "land_parcel.html", context, status_code=409)
    return RedirectResponse(f"/land/cases/{quote(cid)}", status_code=303)


# ---- JSON API -----------------------------------------------------------------------------------------


@api.get("", summary="宗地台账 / the register with each parcel's status and flags")
def register_api(db: DbDep, user: CurrentUser, status: Status = None, rule: Rule = None, category: Rule = None,
                 q: Text = None, page: PageNo = 1):  # fmt: skip
    data = _register(db, user, status, rule, category, q, page)
    keep = ("as_of", "summary", "rows", "total", "page", "pages", "filters")
    return JSONResponse(jsonable({k: data[k] for k in keep}))


@api.get("/flags", summary="低效用地认定及证据 / low-efficiency flags with their numbers and batches")
def flags_api(db: DbDep, user: CurrentUser, rule: Rule = None):
    ev = _ev(db, user)
    flags = ev["flags"] if not rule else ev["flags"].filter(pl.col("rule") == rule)
    out = [
        {**f, "numbers": json.loads(f["numbers"]), "text": land.flag_text(f["numbers"])}
        for f in flags.to_dicts()
    ]
    return JSONResponse(
        jsonable({"as_of": date.today(), "rules_sha256": ev["rules"]["sha256"], "flags": out})
    )


@api.get("/priorities", summary="可挖潜排序与招商匹配 / recoverable value ranking and lead matches")
def priorities_api(db: DbDep, user: CurrentUser):
    ev = _ev(db, user)
    rec = land.recoverable(db, ev).drop("flag_rules", "flag_titles", strict=False)
    return JSONResponse(jsonable({"recoverable": rec.to_dicts(), "matches": land.matches(db, ev)}))


@api.get("/cases", summary="一企一策处置案件与分镇街进度 / disposal cases and per-town progress")
def cases_api(request: Request, db: DbDep, user: CurrentUser, year: Year = None):
    return JSONResponse(jsonable(_cases(request, db, user, year)))


class Step(BaseModel):
    action: str = Field(max_length=30, description="diagnose | propose | replan | close | cancel | note")
    fields: dict[str, str] = Field(default_factory=dict, description="cause, department, measure, freed_mu …")
    note: str = Field("", max_length=2000)


@api.post("/cases/{case_id}/steps", summary="办理处置案件 / take a step on a disposal case",
          dependencies=[Csrf])  # fmt: skip
async def step_api(request: Request, db: DbDep, user: CurrentUser, case_id: str, step: Step):
    fields = {k: v[:200] for k, v in step.fields.items() if k in CASE_FIELDS}
    try:
        out = await _step(request, db, user, case_id, step.action, fields, step.note)
    except desk.Refusal as exc:
        return JSONResponse({"error": str(exc), "clause": exc.clause}, status_code=exc.status)
    return JSONResponse(jsonable(out))


class Decision(BaseModel):
    kind: str = Field(max_length=20, description="delay | investigation | finding | fee | reclaim | option")
    cause: str | None = Field(None, max_length=100)
    from_day: date | None = None
    to_day: date | None = None
    verified: bool = False
    option: str | None = Field(None, max_length=100)
    note: str = Field("", max_length=2000)


@api.get("/{parcel_no}", summary="一宗地 / one parcel with clocks, flags, decisions and cases")
def parcel_api(db: DbDep, user: CurrentUser, parcel_no: str):
    page = _parcel(db, user, parcel_no)
    keep = (
        "parcel",
        "clock",
        "flags",
        "timeline",
        "buildings",
        "decisions",
        "mujun",
        "cases",
        "geometry",
        "options",
    )
    return JSONResponse(jsonable({"as_of": date.today(), **{k: page[k] for k in keep}}))


@api.post(
    "/{parcel_no}/decisions", summary="登记决定 / record a decision beside the clocks", dependencies=[Csrf]
)
async def decision_api(request: Request, db: DbDep, user: CurrentUser, parcel_no: str, d: Decision):
    try:
        did = await _decide(request, db, user, parcel_no, d.model_dump())
    except DecisionRefused as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse({"decision_id": did, "parcel_no": parcel_no, "kind": d.kind})
