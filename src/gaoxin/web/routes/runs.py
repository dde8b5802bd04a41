"""评价: list runs, start one (built-in scheme + year), a run's summary and xlsx, scheme texts, and the
comparison of two runs (who moved class and the item that moved most)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from gaoxin.schemes import SchemeError, list_builtin, scheme_text
from gaoxin.store import official as store_official
from gaoxin.store import overview as store_overview
from gaoxin.store import queries as store_queries
from gaoxin.store import runs as store_runs
from gaoxin.web import queries as Q
from gaoxin.web import services
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import CurrentUser, DbDep, RunExporter, Runner
from gaoxin.web.render import render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(
    prefix="/api", tags=["runs"]
)  # JSON mirror of 正式/已过期, the 台账 and the comparison
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COMPARE_PAGE = 100


def run_status(db, runs: list[dict]) -> set[str]:
    """The stale runs (已过期) among summaries (each fetched with its fingerprint and parameters)."""
    from gaoxin.evaluations import freshness

    full = [store_runs.find_run(db, r["run_id"]) for r in runs]
    return freshness.stale_ids(db, [r for r in full if r is not None])


def _xlsx(body: bytes, name: str, ascii_name: str) -> Response:
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(name)}"},
    )


def runs_context(db, **extra) -> dict:
    from gaoxin.store import zones as store_zones

    periods = sorted(set(store_queries.periods(db)) | set(store_zones.zone_periods(db)))
    runs = store_runs.run_summaries(db, kind=None)
    return {
        "runs": runs,
        "official": store_official.official_ids(db),
        "stale": run_status(db, runs),
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


_MEMO: dict[tuple, object] = {}  # (what, run ids…, data version) → frames; runs are immutable


def memo(key: tuple, build):
    """A frame derived from immutable runs, kept until the store's data version changes (a few entries)."""
    if key not in _MEMO:
        if len(_MEMO) >= 16:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[key] = build()
    return _MEMO[key]


def compare_data(request: Request, db, user, a: str, b: str, town: str = "", page: int = 1) -> dict:
    """Everything the comparison shows (page and API): transitions, one page of movers, rank similarity —
    from the pair's frames (store.overview.compare_frames, kept per data version), filtered in memory."""
    from gaoxin.web import compare as C

    cache = request.app.state.cache
    pair = Q.compared_runs(db, cache, a, b)
    if pair is None:
        raise HTTPException(404, "run not found")
    run_a, run_b = pair
    towns = cache.towns  # the store's towns (cached with the firm table)
    scope = user.scope_town or (town or None)
    if scope and scope not in towns and not user.scope_town:
        raise HTTPException(400, f"没有镇街「{scope}」；可选：{'、'.join(towns)}")
    frames = memo(
        ("compare", a, b, cache.version), lambda: C.prepared(store_overview.compare_frames(db, a, b), towns)
    )
    moved = C.scoped(frames["movers"], scope)
    total = moved.height
    pages = max(1, -(-total // COMPARE_PAGE))
    page = min(max(1, page), pages)
    part = with_items(db, a, b, moved.slice((page - 1) * COMPARE_PAGE, COMPARE_PAGE))
    return {
        "run_a": run_a,
        "run_b": run_b,
        "town": scope,
        "towns": [] if user.scope_town else towns,
        "schemes_differ": run_a["scheme_id"] != run_b["scheme_id"]
        or run_a["scheme_sha256"] != run_b["scheme_sha256"],
        "change": frames["by_town"][scope]["change"],
        "movers": part,
        "total": total,
        "page": page,
        "pages": pages,
        "similarity": frames["by_town"][scope]["similarity"],
        "titles": item_titles(run_a, run_b),
        "moved": moved,  # every mover of the scope, in order (the xlsx)
    }


def with_items(db, a: str, b: str, moved) -> list[dict]:
    """Movers as rows with the item whose score moved most (read for these firms only)."""
    out = moved.to_dicts()
    items = store_overview.top_items(db, a, b, [m["firm_a"] for m in out], [m["firm_b"] for m in out])
    for m in out:
        m["item"], m["delta"] = items.get(m["firm_a"], (None, None))
    return out


def all_movers(db, data: dict) -> list[dict]:
    """Every mover of the comparison (for its xlsx), with the item that moved most."""
    return with_items(db, data["run_a"]["run_id"], data["run_b"]["run_id"], data["moved"])


def default_pair(db, runs: list[dict]) -> tuple[str, str]:
    """The comparison's default: the official run of the latest year (else the newest) against the official
    run of the year before of the same scheme (else that year's newest)."""
    if not runs:
        return "", ""
    b = store_official.official_run(db, "mujun") or runs[0]["run_id"]
    run_b = next(r for r in runs if r["run_id"] == b)
    prev = str(int(run_b["period"]) - 1) if run_b["period"].isdigit() else ""
    a = store_official.official_run(db, "mujun", prev, run_b["scheme_id"]) or store_runs.previous_run(
        db, "mujun", run_b["scheme_id"], run_b["period"]
    )
    return a or "", b


@router.get("/runs/compare")
def compare(
    request: Request, db: DbDep, user: CurrentUser, a: str = "", b: str = "", town: str = "", page: int = 1
):
    runs = store_runs.run_summaries(db)
    if not a and not b:
        a, b = default_pair(db, runs)
    context = {"runs": runs, "a": a, "b": b, "nav": "runs", "result": None}
    if a and b:
        try:
            context["result"] = compare_data(request, db, user, a, b, town, page)
        except HTTPException as exc:
            if exc.status_code != 400:
                raise
            return bad_request(request, exc)
    return render(request, "compare.html", context)


def bad_request(request: Request, exc: HTTPException):
    """A 400 on a page says what was wrong and which values exist (the detail), not only 请求无效."""
    context = {"status": 400, "title": "请求无效", "message": str(exc.detail)}
    return render(request, "error.html", context, status_code=400)


@router.get("/runs/compare/export.xlsx")
def compare_xlsx(request: Request, db: DbDep, user: CurrentUser, a: str, b: str, town: str = ""):
    from gaoxin.web.compare import compare_workbook

    data = compare_data(request, db, user, a, b, town, 1)
    movers = all_movers(db, data)
    body = compare_workbook(data, movers, request.state.lang)
    return _xlsx(body, f"评价比较_{a}_{b}.xlsx", f"compare-{a}-{b}.xlsx")


@router.get("/runs/{run_id}")
def run_page(request: Request, db: DbDep, user: CurrentUser, run_id: str, created: int | None = None):
    from gaoxin.evaluations import freshness

    run = store_runs.find_run(db, run_id)
    if run is None:
        raise HTTPException(404, "run not found")
    mark = store_official.current(db).get((run["scheme_id"], run["period"]))
    context = {
        "run": run,
        "created": created,
        "nav": "runs",
        "stale": freshness.is_stale(db, run),
        "mark": mark,
        "is_official": bool(mark and mark["run_id"] == run["run_id"]),
        "history": store_official.history(db, run["scheme_id"], run["period"]),
        "t_reasons": store_runs.t_reasons(db, run_id)
        if run["kind"] == "mujun" and not user.scope_town
        else [],
    }
    return render(request, "run.html", context)


@router.post("/runs/{run_id}/official", dependencies=[Csrf])
def mark_official(
    request: Request,
    db: DbDep,
    user: Runner,
    run_id: str,
    reason: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "mark",
):
    """Mark the run the official one of its scheme and year (or withdraw the mark), with who and why."""
    run = store_runs.find_run(db, run_id)
    if run is None:
        raise HTTPException(404, "run not found")
    with request.app.state.store.write_lock:
        store_official.record(db, run, "clear" if action == "clear" else "mark", user.name, reason)
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


async def rerun_outcome(request: Request, db, run_id: str):
    """Re-run a run on today's data under the write lock (the page and the API)."""
    from gaoxin.evaluations import freshness

    run = store_runs.find_run(db, run_id)
    if run is None:
        raise HTTPException(404, "run not found")
    store = request.app.state.store

    def work():
        with store.write_lock:
            return freshness.rerun(db, run)

    return await run_in_threadpool(work)


@router.post("/runs/{run_id}/rerun", dependencies=[Csrf])
async def rerun(request: Request, db: DbDep, user: Runner, run_id: str):
    """Re-run a stale run on today's data (same scheme text and parameters); unchanged data → the same run."""
    from gaoxin.evaluations.runs import RunError

    try:
        outcome = await rerun_outcome(request, db, run_id)
    except RunError as exc:
        return render(request, "runs.html", runs_context(db, error=str(exc)), status_code=400)
    return RedirectResponse(f"/runs/{outcome.run_id}?created={int(outcome.created)}", status_code=303)


BasisQ = Annotated[
    str,
    Query(
        pattern="^(run|final)$", description="run: the run's classes; final: 定级 (run + approved decisions)"
    ),
]


def ledger_data(
    request: Request, db, user, run_id: str, town: str = "", basis: str = "run"
) -> tuple[dict, dict]:
    """The 差别化政策台账 of a run: on its own classes, or (basis final) on the 定级 classes — the run with the
    approved 调档 / 申诉 decisions beside it (never memoised: a decision changes it without new data)."""
    from gaoxin.reports.policy_ledger import ledger, ledger_from_lines, run_policies

    run = store_runs.find_run(db, run_id)
    if run is None or run["kind"] != "mujun":
        raise HTTPException(404, "run not found")
    request.app.state.cache.ensure(db)
    towns = request.app.state.cache.towns
    scope = user.scope_town or (town or None)
    if scope and scope not in towns and not user.scope_town:
        raise HTTPException(400, f"没有镇街「{scope}」；可选：{'、'.join(towns)}")
    if basis == "final":
        from gaoxin.reports.publication_ledger import final_ledger

        data = final_ledger(db, run, scope)
    else:
        lines = memo(("ledger", run_id, request.app.state.cache.version), lambda: ledger(db, run)["lines"])
        data = ledger_from_lines(run_policies(db, run), lines, scope)
    data["town"], data["towns"], data["basis"] = scope, ([] if user.scope_town else towns), basis
    return run, data


@router.get("/runs/{run_id}/ledger")
def ledger_page(
    request: Request, db: DbDep, user: CurrentUser, run_id: str, town: str = "", basis: BasisQ = "run"
):
    try:
        run, data = ledger_data(request, db, user, run_id, town, basis)
    except HTTPException as exc:
        if exc.status_code != 400:
            raise
        return bad_request(request, exc)
    units = {p["id"]: p for p in data["policies"]}
    context = {
        "run": run,
        "data": data,
        "units": units,
        "by_class": data["by_class"].to_dicts(),
        "by_town": data["by_town"].to_dicts(),
        "lines": data["lines"].head(200).to_dicts(),
        "n_lines": data["lines"].height,
        "unpriced": data["unpriced"].to_dicts() if "unpriced" in data else [],
        "nav": "runs",
    }
    return render(request, "ledger.html", context)


@router.get("/runs/{run_id}/ledger.xlsx")
def ledger_xlsx(
    request: Request, db: DbDep, user: CurrentUser, run_id: str, town: str = "", basis: BasisQ = "run"
):
    from gaoxin.reports.policy_ledger import write_ledger_xlsx

    run, data = ledger_data(request, db, user, run_id, town, basis)
    with tempfile.TemporaryDirectory(prefix="gaoxin-ledger-") as tmp:
        path = write_ledger_xlsx(data, run, Path(tmp) / "ledger.xlsx", data["town"])
        body = Path(path).read_bytes()
    suffix = (f"_{data['town']}" if data["town"] else "") + ("_定级" if basis == "final" else "")
    return _xlsx(body, f"差别化政策台账_{run['period']}_{run_id}{suffix}.xlsx", f"ledger-{run_id}.xlsx")


# ---- JSON mirror -----------------------------------------------------------------------------------------
@api_router.get("/runs/status", summary="Runs with their 正式 (official) mark and 已过期 (stale) flag")
def api_status(db: DbDep, user: CurrentUser):
    from gaoxin.evaluations import freshness

    runs = [store_runs.find_run(db, r["run_id"]) for r in store_runs.run_summaries(db, kind=None)]
    states = freshness.run_states(db, runs)
    keys = ("run_id", "kind", "scheme_id", "period")
    return [{**{k: r[k] for k in keys}, **states[r["run_id"]]} for r in runs]


@api_router.post("/runs/{run_id}/official", dependencies=[Csrf], summary="Mark a run official (or clear)")
def api_official(request: Request, db: DbDep, user: Runner, run_id: str, body: dict | None = None):
    body = body or {}
    run = store_runs.find_run(db, run_id)
    if run is None:
        raise HTTPException(404, "run not found")
    action = "clear" if body.get("clear") else "mark"
    with request.app.state.store.write_lock:
        store_official.record(db, run, action, user.name, str(body.get("reason") or ""))
    return {
        "run_id": run_id,
        "official": action == "mark",
        "history": store_official.history(db, run["scheme_id"], run["period"]),
    }


@api_router.post("/runs/{run_id}/rerun", dependencies=[Csrf], summary="Re-run a run on today's data")
async def api_rerun(request: Request, db: DbDep, user: Runner, run_id: str):
    from gaoxin.evaluations.runs import RunError

    try:
        outcome = await rerun_outcome(request, db, run_id)
    except RunError as exc:
        raise HTTPException(400, str(exc)) from exc
    return {"run_id": outcome.run_id, "from": run_id, "created": outcome.created}


@api_router.get("/runs/{run_id}/ledger", summary="差别化政策台账: per policy and class, per town (万元)")
def api_ledger(
    request: Request, db: DbDep, user: CurrentUser, run_id: str, town: str = "", basis: BasisQ = "run"
):
    _, data = ledger_data(request, db, user, run_id, town, basis)
    return {
        "run_id": run_id,
        "town": data["town"],
        "basis": basis,
        "unpriced": data["unpriced"].to_dicts() if "unpriced" in data else [],
        "policies": [
            {k: p[k] for k in ("id", "title", "base_unit", "amount_unit", "rates")} for p in data["policies"]
        ],
        "by_class": data["by_class"].to_dicts(),
        "by_town": data["by_town"].to_dicts(),
    }


@api_router.get("/runs/compare/similarity", summary="How alike two runs' rankings are, per list")
def api_similarity(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    a: str,
    b: str,
    town: str = "",
    page: Annotated[int, Query(ge=1)] = 1,
):
    data = compare_data(request, db, user, a, b, town, page)
    return {
        "a": a,
        "b": b,
        "town": data["town"],
        "schemes_differ": data["schemes_differ"],
        "similarity": data["similarity"],
        "movers_total": data["total"],
        "page": data["page"],
        "movers": data["movers"],
    }


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
    from gaoxin.schemes import scheme_sources

    items = [{"scheme": b, "sources": scheme_sources(b.id)} for b in list_builtin()]
    return render(request, "schemes.html", {"schemes": items, "nav": "runs"})


@router.get("/schemes/{scheme_id}")
def scheme_page(request: Request, user: CurrentUser, scheme_id: str):
    if scheme_id not in {s.id for s in list_builtin()}:
        raise HTTPException(404, "scheme not found")
    try:
        text = scheme_text(scheme_id)
    except SchemeError as exc:
        raise HTTPException(404, "scheme not found") from exc
    return render(request, "scheme.html", {"scheme_id": scheme_id, "text": text, "run": None, "nav": "runs"})
