"""总览: one run at a glance — classes, towns, 亩均 distributions, change against last year, top/bottom."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse

from gaoxin.store import official as store_official
from gaoxin.store import runs as store_runs
from gaoxin.web import charts
from gaoxin.web import queries as Q
from gaoxin.web.deps import CurrentUser, DbDep
from gaoxin.web.i18n import translate
from gaoxin.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home():
    return RedirectResponse("/overview", status_code=303)


def overview_data(request: Request, db, user, run_id: str | None) -> dict:
    """Everything the overview shows for a run (also served by the API)."""
    cache = request.app.state.cache
    cache.ensure(db)
    run = store_runs.get_run(db, run_id) if run_id else None
    if run_id and run is None:
        raise HTTPException(404, "run not found")
    if run is None:
        return {"run": None}
    cache.ensure_run(db, run)
    prev_id = store_runs.previous_run_of(db, run)
    prev = store_runs.get_run(db, prev_id) if prev_id else None
    if prev:
        cache.ensure_run(db, prev)
    data = Q.overview(db, run, user.scope_town, prev)
    data.update(run=run, prev=prev)
    return data


@router.get("/overview")
def overview(request: Request, db: DbDep, user: CurrentUser, run: str | None = None):
    runs = store_runs.run_summaries(db)
    # by default the official run (正式评价) of the latest year marked, else the newest run
    run_id = run or store_official.official_run(db, "mujun") or (runs[0]["run_id"] if runs else None)
    data = overview_data(request, db, user, run_id)
    lang = request.state.lang

    def _(t):
        return translate(t, lang)

    chart_options = {}
    if data["run"] is not None:
        names = data["run"]["summary"].get("class_names", {})
        chart_options = {
            "chart-classes": charts.class_counts(data["counts"], names, _),
            "chart-towns": charts.classes_by_town(data["towns"], _),
            "chart-tax": charts.histogram(data["dist"]["tax_per_mu"], "万元/亩", _),
            "chart-va": charts.histogram(data["dist"]["va_per_mu"], "万元/亩", _),
        }
    return render(
        request, "overview.html", {"runs": runs, "data": data, "charts": chart_options, "nav": "overview"}
    )
