"""评价: list runs, start one (built-in scheme + year), a run's summary and xlsx, scheme texts, and the
comparison of two runs (who moved class and the item that moved most)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from gaoxin.schemes import SchemeError, list_builtin, scheme_text
from gaoxin.store import overview as store_overview
from gaoxin.store import queries as store_queries
from gaoxin.store import runs as store_runs
from gaoxin.web import queries as Q
from gaoxin.web import services
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import CurrentUser, DbDep, RunExporter, Runner
from gaoxin.web.render import render

router = APIRouter(include_in_schema=False)


def runs_context(db, **extra) -> dict:
    from gaoxin.store import zones as store_zones

    periods = sorted(set(store_queries.periods(db)) | set(store_zones.zone_periods(db)))
    return {
        "runs": store_runs.run_summaries(db, kind=None),
        "schemes": list_builtin(),  # every kind an analyst may run; the form groups them by kind
        "periods": periods,
        "default_period": periods[-1] if periods else "",
        "nav": "runs",
        "error": None,
        **extra,
    }


@router.get("/runs")
def runs_page(request: Request, db: DbDep, user: CurrentUser):
    return render(request, "runs.html", runs_context(db))


@router.post("/runs", dependencies=[Csrf])
async def start(
    request: Request,
    db: DbDep,
    user: Runner,
    scheme: Annotated[str, Form()] = "default",
    period: Annotated[str, Form()] = "",
):
    store = request.app.state.store

    def work():
        with store.write_lock:
            return services.start_run(db, scheme, period.strip())

    try:
        run_id, created = await run_in_threadpool(work)
    except services.ServiceError as exc:
        return render(request, "runs.html", runs_context(db, error=str(exc)), status_code=400)
    return RedirectResponse(f"/runs/{run_id}?created={int(created)}", status_code=303)


def item_titles(*runs: dict) -> dict[str, str]:
    """Indicator id (without the list prefix, as compared) → title."""
    out = {}
    for run in runs:
        for it in run["summary"].get("items", []):
            key = str(it.get("key", ""))
            out[key.split(".", 1)[-1]] = it.get("title", key)
    return out


@router.get("/runs/compare")
def compare(request: Request, db: DbDep, user: CurrentUser, a: str = "", b: str = ""):
    runs = store_runs.run_summaries(db)
    context = {"runs": runs, "a": a, "b": b, "nav": "runs", "result": None}
    if a and b:
        pair = Q.compared_runs(db, request.app.state.cache, a, b)
        if pair is None:
            raise HTTPException(404, "run not found")
        run_a, run_b = pair
        context["result"] = {
            "run_a": run_a,
            "run_b": run_b,
            "change": store_overview.transitions(db, a, b, user.scope_town),
            "movers": store_overview.movers(db, a, b, user.scope_town),
            "titles": item_titles(run_a, run_b),
        }
    return render(request, "compare.html", context)


@router.get("/runs/{run_id}")
def run_page(request: Request, db: DbDep, user: CurrentUser, run_id: str, created: int | None = None):
    run = store_runs.get_run(db, run_id, kind=None)
    if run is None:
        raise HTTPException(404, "run not found")
    return render(request, "run.html", {"run": run, "created": created, "nav": "runs"})


@router.get("/runs/{run_id}/export.xlsx")
def export_run(request: Request, db: DbDep, user: RunExporter, run_id: str):
    """The county-office workbook of a whole run, as its kind writes it (every town: not for town users)."""
    run = store_runs.find_run(db, run_id)
    if run is None:
        raise HTTPException(404, "run not found")
    with tempfile.TemporaryDirectory(prefix="gaoxin-export-") as tmp:
        path, name = services.run_workbook(db, run, Path(tmp) / f"{run_id}.xlsx")
        body = Path(path).read_bytes()
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f"attachment; filename=run-{run_id}.xlsx; filename*=UTF-8''{quote(name)}"
        },
    )


@router.get("/runs/{run_id}/scheme")
def run_scheme(request: Request, db: DbDep, user: CurrentUser, run_id: str):
    run = store_runs.get_run(db, run_id, kind=None)
    stored = services.stored_scheme(db, run["scheme_sha256"]) if run else None
    if stored is None:
        raise HTTPException(404, "scheme not found")
    return render(
        request, "scheme.html", {"scheme_id": run["scheme_id"], "text": stored[0], "run": run, "nav": "runs"}
    )


@router.get("/schemes")
def schemes(request: Request, user: CurrentUser):
    return render(request, "schemes.html", {"schemes": list_builtin(), "nav": "runs"})


@router.get("/schemes/{scheme_id}")
def scheme_page(request: Request, user: CurrentUser, scheme_id: str):
    if scheme_id not in {s.id for s in list_builtin()}:
        raise HTTPException(404, "scheme not found")
    try:
        text = scheme_text(scheme_id)
    except SchemeError as exc:
        raise HTTPException(404, "scheme not found") from exc
    return render(request, "scheme.html", {"scheme_id": scheme_id, "text": text, "run": None, "nav": "runs"})
