"""亩均 公示与申诉: the publication page (window clock, per-town list, xlsx/PDF), appeals (list, new, case page
with the disputed cell and the re-evaluation preview), the 调档 queue, the final list with its transition
matrix — and the JSON API mirroring them. Routes translate HTTP; the work is gaoxin.cases.appeals."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from gaoxin.cases import ledger
from gaoxin.cases.appeals import appeal as A
from gaoxin.cases.appeals import decisions as D
from gaoxin.cases.appeals import publication as P
from gaoxin.cases.appeals import transitions as T
from gaoxin.cases.appeals.rescore import RescoreError
from gaoxin.cases.appeals.rules import load as load_rules
from gaoxin.cases.calendar import calendar_in_force
from gaoxin.flows import FlowError
from gaoxin.jsonable import jsonable
from gaoxin.store import decisions as store_decisions
from gaoxin.store import official
from gaoxin.store import publication as store_pub
from gaoxin.store import runs as store_runs
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import CurrentUser, DbDep, User
from gaoxin.web.i18n import translate
from gaoxin.web.render import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/mujun", tags=["亩均 公示与申诉"])
REFUSALS = (A.AppealError, D.DecisionError, P.PublicationError, RescoreError, ledger.CaseError, FlowError)
FILE_LIMIT = 10 * 1024 * 1024  # one evidence file
INDICATORS = ("tax_paid", "revenue", "value_added", "energy_tce", "land_own_mu", "staff", "rd_expense")


def _need(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise HTTPException(403, "forbidden")


def _indicators(lang: str) -> list[tuple[str, str]]:
    from gaoxin import fields as F

    return [(i, F.BY_NAME[i].label_en if lang == "en" else F.BY_NAME[i].label) for i in INDICATORS]


def _run_id(db, run: str | None = None) -> str | None:
    return store_runs.resolve_run(db, run) if run else official.official_run(db, "mujun")


def overview(db, cal, user: User, run_id: str | None) -> dict:
    pubs = [P.state(db, p, cal) for p in store_pub.all_publications(db)]
    appeals = []
    from gaoxin.store import cases as store_cases

    for h in A.list_appeals(db, run_id):
        if user.scope_town and h["town"] != user.scope_town:
            continue
        appeals.append({**h, "state": store_cases.case_state(db, h["case_id"])})
    return {
        "run_id": run_id,
        "run": store_runs.find_run(db, run_id) if run_id else None,
        "publications": pubs,
        "publication": next((p for p in pubs if p["run_id"] == run_id), None),
        "appeals": appeals,
        "queue": D.queue(db, run_id),
        "rules": load_rules(),
    }


@router.get("/publication")
def publication_home(request: Request, db: DbDep, user: CurrentUser, run: str | None = None):
    cal = calendar_in_force(db)
    data = overview(db, cal, user, _run_id(db, run))
    return render(
        request, "publication.html", {**data, "nav": "runs", "indicators": _indicators(request.state.lang)}
    )


def _work(request: Request, fn):
    with request.app.state.store.write_lock:
        return fn()


def _back(url: str, error: str | None = None):
    from urllib.parse import quote

    return RedirectResponse(url + (f"?error={quote(error)}" if error else ""), status_code=303)


@router.post("/publication/open", dependencies=[Csrf])
def publication_open(
    request: Request, db: DbDep, user: CurrentUser,
    run_id: Annotated[str, Form()], days: Annotated[int | None, Form()] = None,
    start: Annotated[str, Form()] = "",
):  # fmt: skip
    _need(user, "admin", "analyst")
    try:
        opens = date.fromisoformat(start) if start else None
        pub_id = _work(request, lambda: P.open_publication(db, run_id, cal=calendar_in_force(db), actor=user.name,
                                                            opens_on=opens, workdays=days))  # fmt: skip
    except (*REFUSALS, ValueError) as exc:
        return _back("/publication", str(exc))
    return _back(f"/publication/{pub_id}")


@router.get("/publication/{pub_id}")
def publication_page(request: Request, db: DbDep, user: CurrentUser, error: str | None = None):
    pub_id = request.path_params["pub_id"]
    pub = store_pub.get(db, pub_id)
    if pub is None:
        raise HTTPException(404, "publication not found")
    cal = calendar_in_force(db)
    listing = P.public_list(db, pub)
    if user.scope_town:
        listing = listing.filter(listing["镇街"] == user.scope_town) if "镇街" in listing.columns else listing
    towns = {}
    for row in listing.to_dicts():
        towns.setdefault(row.get("镇街") or "—", []).append(row)
    return render(request, "publication_page.html", {
        "pub": P.state(db, pub, cal), "towns": towns, "columns": listing.columns, "error": error, "nav": "runs",
    })  # fmt: skip


@router.post("/publication/{pub_id}/finalise", dependencies=[Csrf])
def publication_finalise(request: Request, db: DbDep, user: CurrentUser):
    pub_id = request.path_params["pub_id"]
    _need(user, "admin", "analyst")
    try:
        _work(request, lambda: P.finalise(db, pub_id, cal=calendar_in_force(db), actor=user.name))
    except REFUSALS as exc:
        return _back(f"/publication/{pub_id}", str(exc))
    return _back(f"/publication/{pub_id}")


def _file(df, title: str, fmt: str, footer: str, stem: str) -> Response:
    from urllib.parse import quote

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"x.{fmt}"
        if fmt == "pdf":
            from gaoxin.reports.publication_pdf import write_list_pdf

            write_list_pdf(df, title, out, footer)
            media = "application/pdf"
        else:
            from gaoxin.reports.publication_xlsx import write_list_xlsx

            write_list_xlsx(df, title, out)
            media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        body = out.read_bytes()
    name = quote(f"{stem}.{fmt}")
    return Response(
        body, media_type=media, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
    )


@router.get("/publication/{pub_id}/list.{fmt}")
def publication_file(request: Request, db: DbDep, user: CurrentUser, fmt: str):
    pub = store_pub.get(db, request.path_params["pub_id"])
    if pub is None or fmt not in ("xlsx", "pdf"):
        raise HTTPException(404, "not found")
    title = f"{pub['period']} 年度亩均效益综合评价结果公示名单"
    return _file(P.public_list(db, pub), title, fmt, f"公示期 {pub['opens_on']} 至 {pub['ends_on']}",
                 f"亩均公示名单_{pub['period']}")  # fmt: skip


# ------------------------------------------------------------------------------------------------- appeals
@router.post("/appeals", dependencies=[Csrf])
async def appeal_new(request: Request, db: DbDep, user: CurrentUser):
    _need(user, "admin", "analyst", "town")
    form = await request.form()
    files = []
    for up in form.getlist("evidence"):
        if isinstance(up, UploadFile) and up.filename:
            data = await up.read(FILE_LIMIT + 1)
            if len(data) > FILE_LIMIT:
                return _back("/publication", f"证明材料 {up.filename} 超过 10 MB")
            files.append((up.filename, data))
    claimed = (form.get("claimed") or "").strip()
    uscc = (form.get("uscc") or "").strip().upper()
    run_id = form.get("run_id") or _run_id(db)
    try:
        if user.scope_town:
            from gaoxin.store import queries

            firm = queries.enterprise(db, uscc)
            if firm is None or firm["town"] != user.scope_town:
                raise A.AppealError(f"企业 {uscc} 不属于 {user.scope_town}，镇街只能为本镇街企业提交申诉")
        case = _work(request, lambda: A.file_appeal(
            db, cal=calendar_in_force(db), run_id=run_id, uscc=uscc, actor=user.name, role=_role(user, "town"),
            reason=(form.get("reason") or "").strip(), indicator=form.get("indicator") or None,
            claimed=float(claimed) if claimed else None, rule=(form.get("rule") or "").strip() or None,
            claimed_class=form.get("claimed_class") or None, evidence=files,
        ))  # fmt: skip
    except (*REFUSALS, ValueError) as exc:
        return _back("/publication", str(exc))
    return _back(f"/appeals/{case}")


def _role(user: User, wanted: str) -> str:
    """The flow role a web user acts in: its own where the flow knows it, admin for admins."""
    return (
        "admin"
        if user.role == "admin"
        else (user.role if user.role in ("analyst", "department", "town") else wanted)
    )


def appeal_context(db, user: User, case_id: str) -> dict:
    cal = calendar_in_force(db)
    shown = ledger.show(db, case_id, cal)
    if user.scope_town and shown["case"]["town"] != user.scope_town:
        raise HTTPException(404, "case not found")
    try:
        preview = A.preview(db, case_id)
    except (RescoreError, A.AppealError) as exc:
        preview = {"firm": None, "others": [], "cells": [], "error": str(exc)}
    from gaoxin.store import cases as store_cases

    ev = shown["case"]["fields"].get("evidence") or []
    names = store_cases.attachment_names(db, ev) if ev else {}
    return {**shown, "preview": preview, "evidence": [(s, *names.get(s, (s[:12], 0))) for s in ev],
            "decisions": store_decisions.decisions(db, case_id=case_id)}  # fmt: skip


@router.get("/appeals/{case_id}")
def appeal_page(request: Request, db: DbDep, user: CurrentUser, error: str | None = None):
    case_id = request.path_params["case_id"]
    try:
        ctx = appeal_context(db, user, case_id)
    except A.AppealError:
        raise HTTPException(404, "case not found") from None
    except ledger.CaseError:
        raise HTTPException(404, "case not found") from None
    return render(request, "appeal.html", {**ctx, "error": error, "nav": "runs"})


@router.get("/appeals/{case_id}/evidence/{sha}")
def appeal_evidence(request: Request, db: DbDep, user: CurrentUser):
    from urllib.parse import quote

    from gaoxin.store import cases as store_cases

    case_id, sha = request.path_params["case_id"], request.path_params["sha"]
    ctx = appeal_context(db, user, case_id)
    if sha not in (ctx["case"]["fields"].get("evidence") or []):
        raise HTTPException(404, "not found")
    name, data = store_cases.attachment(db, sha)
    return Response(data, media_type="application/octet-stream",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})  # fmt: skip


@router.post("/appeals/{case_id}/step", dependencies=[Csrf])
def appeal_step(
    request: Request, db: DbDep, user: CurrentUser,
    action: Annotated[str, Form()], department: Annotated[str, Form()] = "",
    verdict: Annotated[str, Form()] = "", figure: Annotated[str, Form()] = "",
    decision: Annotated[str, Form()] = "", to_class: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "",
):  # fmt: skip
    case_id = request.path_params["case_id"]
    appeal_context(db, user, case_id)  # scope check
    cal = calendar_in_force(db)
    steps = {
        "assign": (("admin", "analyst"), lambda: A.assign(db, case_id, cal=cal, department=department,
                                                          actor=user.name, role=_role(user, "analyst"))),
        "verify": (("admin", "analyst", "department"), lambda: A.verify(
            db, case_id, cal=cal, confirmed=verdict == A.CONFIRMED, figure=float(figure) if figure else None,
            note=note, actor=user.name, role=_role(user, "department"))),
        "decide": (("admin", "analyst"), lambda: A.decide(db, case_id, cal=cal, adopt=decision == A.ADOPT,
                                                          to_class=to_class or None, note=note, actor=user.name,
                                                          role=_role(user, "analyst"))),
        "close": (("admin", "analyst", "town"), lambda: A.close(db, case_id, cal=cal, actor=user.name,
                                                                role=_role(user, "analyst"))),
    }  # fmt: skip
    if action not in steps:
        raise HTTPException(400, "unknown action")
    roles, fn = steps[action]
    _need(user, *roles)
    try:
        _work(request, fn)
    except (*REFUSALS, ValueError) as exc:
        return _back(f"/appeals/{case_id}", str(exc))
    return _back(f"/appeals/{case_id}")


# -------------------------------------------------------------------------------------------------- 调档
@router.get("/adjust")
def adjust_page(
    request: Request, db: DbDep, user: CurrentUser, run: str | None = None, error: str | None = None
):
    run_id = _run_id(db, run)
    return render(request, "adjust.html", {
        "run_id": run_id, "queue": D.queue(db, run_id), "log": store_decisions.decisions(db, run_id=run_id),
        "rules": load_rules(), "error": error, "nav": "runs",
    })  # fmt: skip


@router.post("/adjust", dependencies=[Csrf])
def adjust_propose(
    request: Request, db: DbDep, user: CurrentUser, run_id: Annotated[str, Form()], uscc: Annotated[str, Form()],
    to_class: Annotated[str, Form()], reason: Annotated[str, Form()], note: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "adjust",
):  # fmt: skip
    _need(user, "admin", "analyst")
    try:
        _work(request, lambda: D.propose(db, run_id, uscc.strip().upper(), to_class=to_class, reason=reason,
                                         note=note, actor=user.name, kind=kind))  # fmt: skip
    except REFUSALS as exc:
        return _back("/adjust", str(exc))
    return _back("/adjust")


@router.post("/adjust/{decision_id}/review", dependencies=[Csrf])
def adjust_review(
    request: Request, db: DbDep, user: CurrentUser, verdict: Annotated[str, Form()], note: Annotated[str, Form()] = ""
):  # fmt: skip
    _need(user, "admin", "analyst")
    did = int(request.path_params["decision_id"])
    try:
        _work(request, lambda: D.review(db, did, approve=verdict == "通过", actor=user.name, note=note))
    except REFUSALS as exc:
        return _back("/adjust", str(exc))
    return _back("/adjust")


# ---------------------------------------------------------------------------------------------------- 定级
def final_context(db, run_id: str | None, lang: str) -> dict:
    if run_id is None:
        return {"run_id": None, "rows": [], "changed": [], "cells": [], "flagged": [], "charts": {}}
    final = D.final_list(db, run_id)
    finals = T.yearly_finals(db)
    years = sorted(finals["period"].unique().to_list())
    period = store_runs.find_run(db, run_id)["period"]
    cells, mat, pair = [], None, None
    if period in years and years.index(period) > 0:
        pair = (years[years.index(period) - 1], period)
        cells = T.transitions(finals, *pair).to_dicts()
        mat = T.matrix(T.transitions(finals, *pair))
    chart = {}
    if mat:
        chart["chart-transitions"] = _matrix_chart(mat, pair, lang)
    return {
        "run_id": run_id, "period": period, "rows": final.to_dicts(),
        "changed": final.filter(final["class_run"] != final["class_final"]).to_dicts(),
        "cells": cells, "pair": pair, "matrix": mat, "flagged": T.consecutive_d(finals).to_dicts(),
        "charts": chart, "rules": load_rules(),
    }  # fmt: skip


def _matrix_chart(mat: list[list[int]], pair, lang: str) -> dict:
    """ECharts heatmap: rows the earlier year's class, columns the later year's, the count in each cell."""
    _ = lambda t: translate(t, lang)  # noqa: E731
    labels = list(D.CLASSES)
    data = [[j, i, mat[i][j]] for i in range(len(labels)) for j in range(len(labels))]
    return {
        "animation": False,
        "tooltip": {"position": "top"},
        "grid": {"left": 60, "right": 20, "top": 30, "bottom": 60, "containLabel": True},
        "xAxis": {"type": "category", "data": labels, "name": f"{pair[1]} {_('定级')}"},
        "yAxis": {"type": "category", "data": labels, "name": f"{pair[0]} {_('定级')}", "inverse": True},
        "visualMap": {"min": 0, "max": max(max(r) for r in mat) or 1, "calculable": False, "orient": "horizontal",
                      "left": "center", "bottom": 0, "inRange": {"color": ["#f5f7fb", "#1565c0"]}},
        "series": [{"type": "heatmap", "data": data, "label": {"show": True}, "name": _("企业数（家）")}],
    }  # fmt: skip


@router.get("/final")
def final_page(request: Request, db: DbDep, user: CurrentUser, run: str | None = None):
    ctx = final_context(db, _run_id(db, run), request.state.lang)
    if user.scope_town:
        ctx["rows"] = [r for r in ctx["rows"] if r["town"] == user.scope_town]
    return render(request, "final.html", {**ctx, "nav": "runs"})


@router.get("/final/{run_id}/list.{fmt}")
def final_file(request: Request, db: DbDep, user: CurrentUser, fmt: str):
    from gaoxin.reports.publication_xlsx import final_frame

    run = store_runs.find_run(db, request.path_params["run_id"])
    if run is None or fmt not in ("xlsx", "pdf"):
        raise HTTPException(404, "not found")
    df = final_frame(D.final_list(db, run["run_id"]))
    if user.scope_town:
        df = df.filter(df["镇街"] == user.scope_town)
    return _file(df, f"{run['period']} 年度亩均效益综合评价 定级名单", fmt, f"评价结果 {run['run_id'][:12]}",
                 f"亩均定级名单_{run['period']}")  # fmt: skip


# ----------------------------------------------------------------------------------------------------- API
@api.get("/publications")
def api_publications(db: DbDep, user: CurrentUser):
    cal = calendar_in_force(db)
    return jsonable([P.state(db, p, cal) for p in store_pub.all_publications(db)])


@api.get("/appeals")
def api_appeals(db: DbDep, user: CurrentUser, run: str | None = None):
    return jsonable(overview(db, calendar_in_force(db), user, _run_id(db, run))["appeals"])


@api.get("/appeals/{case_id}")
def api_appeal(request: Request, db: DbDep, user: CurrentUser):
    try:
        return jsonable(appeal_context(db, user, request.path_params["case_id"]))
    except (A.AppealError, ledger.CaseError):
        raise HTTPException(404, "case not found") from None


@api.get("/adjust")
def api_adjust(db: DbDep, user: CurrentUser, run: str | None = None):
    run_id = _run_id(db, run)
    return jsonable({"queue": D.queue(db, run_id), "log": store_decisions.decisions(db, run_id=run_id)})


@api.get("/final")
def api_final(request: Request, db: DbDep, user: CurrentUser, run: str | None = None):
    ctx = final_context(db, _run_id(db, run), "zh")
    ctx.pop("charts", None)
    ctx.pop("rules", None)  # absent when there is no official run yet
    if user.scope_town:
        ctx["rows"] = [r for r in ctx["rows"] if r["town"] == user.scope_town]
    return jsonable(ctx)


@router.get("/enterprises/{uscc}/mujun-decisions")
def firm_decisions(request: Request, db: DbDep, user: CurrentUser):
    """The decision log on a firm's 画像 (loaded by _profile_decisions.html)."""
    from gaoxin.cases.appeals.decisions import KIND_TITLES
    from gaoxin.store import queries

    uscc = request.path_params["uscc"]
    firm = queries.enterprise(db, uscc)
    if firm is None or (user.scope_town and firm["town"] != user.scope_town):
        raise HTTPException(404, "not found")
    return render(
        request, "publication_decisions.html", {"decisions": D.firm_log(db, uscc), "KINDS": KIND_TITLES}
    )


@api.get("/enterprises/{uscc}/decisions")
def api_firm_decisions(request: Request, db: DbDep, user: CurrentUser):
    return jsonable(D.firm_log(db, request.path_params["uscc"]))
