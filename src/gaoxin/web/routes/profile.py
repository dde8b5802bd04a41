"""企业画像: identity, parcels, every value with its batch, a run's per-item scores (table + radar),
history across runs and what-if to a better class."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from gaoxin import fields as F
from gaoxin.cases.calendar import calendar_in_force
from gaoxin.cases.desk import firm_requests
from gaoxin.cases.projects.desk import FIRM_DOMAINS, firm_projects
from gaoxin.ingest import uscc as U
from gaoxin.store import cases as store_cases
from gaoxin.store import profile as store_profile
from gaoxin.store import runs as store_runs
from gaoxin.store.scale_basis import basis_from_facts
from gaoxin.web import charts, services
from gaoxin.web import queries as Q
from gaoxin.web.deps import CurrentUser, DbDep, User
from gaoxin.web.i18n import translate
from gaoxin.web.render import compact, render

router = APIRouter(include_in_schema=False)


def visible_firm(db, user: User, code: str) -> str:
    """The normalised USCC when the firm exists and the user may see it; 404 otherwise (a town user asking
    for another town's firm learns nothing, not even that it exists)."""
    uscc = U.normalize(code)
    check_visible(user, *store_profile.firm_town(db, uscc))
    return uscc


def check_visible(user: User, exists: bool, town: str | None) -> None:
    if not exists or (user.scope_town is not None and town != user.scope_town):
        raise HTTPException(404, "enterprise not found")


def item_rows(db, run: dict, items: list[dict], lang: str) -> list[dict]:
    """Run items with titles, units, and numerator/denominator in display units (元 → 万元)."""
    meta = {it["key"]: it for it in run["summary"].get("items", [])}
    stored = services.stored_scheme(db, run["scheme_sha256"])
    extra = services.stored_item_meta(run["scheme_sha256"], stored[0]) if stored else {}
    out = []
    for it in items:
        if it["item"].startswith("policy."):
            continue
        m, x = meta.get(it["item"], {}), extra.get(it["item"], {})
        title = m.get("title") or it["item"]
        if lang == "en" and x.get("title_en"):
            title = x["title_en"]
        row = {**it, "title": title, "unit": m.get("unit", ""), "kind": m.get("kind", "indicator")}
        row["ref"] = m.get(
            "ref"
        )  # the scheme's clause as the source document writes it; the key in a tooltip
        for part in ("numerator", "denominator"):
            field = x.get(f"{part}_field")
            value = it[part]
            row[f"{part}_shown"] = field.display(value) if field and value is not None else compact(value)
            row[f"{part}_unit"] = field.shown_unit if field and value is not None else ""
        out.append(row)
    return out


def policy_rows(db, run: dict, policy: list[dict], klass: str | None, lang: str) -> list[dict]:
    """差别化政策 amounts of the firm (only non-zero lines are stored), with the scheme's titles and units."""
    stored = services.stored_scheme(db, run["scheme_sha256"])
    meta = {p.id: p for p in getattr(stored[1], "policy", [])} if stored else {}
    out = []
    for line in policy:
        pid = line["item"].removeprefix("policy.")
        p = meta.get(pid)
        title = (p.title_en or p.title if lang == "en" else p.title) if p else pid
        text = (p.text.get(klass or "", "") if p else "") or (line.get("note") or "")
        out.append(
            {
                "id": pid,
                "title": title,
                "amount": line["value"],
                "unit": p.amount_unit if p else "",
                "note": text,
            }
        )
    return out


def profile_data(request: Request, db, user: User, code: str, run_id: str | None) -> dict:
    uscc = U.normalize(code)
    state = request.app.state.cache.check(db)  # the data and the runs checked in one read
    # batches and run heads never change: taken from the cache's copies instead of a join per read
    batches = request.app.state.cache.batch_sources(db)
    ent = store_profile.identity(db, uscc, batches)  # the access check reads the town from it
    check_visible(user, ent is not None, ent["town"] if ent else None)
    found = store_profile.all_facts(db, uscc, ent["firm"], batches)
    facts = []
    for f in found:
        field = F.BY_NAME.get(f["indicator"])
        facts.append(
            {
                **f,
                "label": field.label if field else f["indicator"],
                "label_en": field.label_en if field else f["indicator"],
                "shown": field.display(f["value"]) if field else Q.clean(f["value"]),
                "shown_unit": field.shown_unit if field else f["unit"],
            }
        )
    heads = state.derived("run_heads", lambda: store_profile.run_heads(db))
    runs = store_profile.firm_runs(db, uscc, heads)  # one read for the 亩均 history and the cultivation tiers
    history = store_profile.firm_history(db, uscc, runs)
    if run_id is None and history:
        run_id = history[-1]["run_id"]
    run = request.app.state.cache.get_run(db, run_id) if run_id else None
    if run_id and run is None:
        raise HTTPException(404, "run not found")
    # the firm's row of the run, from the rows in hand: its result, and its position for the trace read
    mine = next((r for r in runs if r["run_id"] == run_id), None) if run else None
    result = store_profile.result_in([mine], run_id) if mine else None
    labels = request.app.state.cache.run_labels(db, run_id) if mine else None
    items = store_runs.run_item_rows_at(db, run_id, mine["firm"], labels) if mine else []
    policy = [i for i in items if i["item"].startswith("policy.")]
    return {
        "uscc": uscc,
        "enterprise": ent,
        "scale_basis": basis_from_facts(found),  # from the facts in hand: no second scan of the fact table
        "facts": facts,
        "history": history,
        "run": run,
        "result": result,
        "items": items,
        "policy": policy,
        "firm_runs": runs,
        "runs_state": state,
    }


@router.get("/enterprises/{code}")
def profile(request: Request, db: DbDep, user: CurrentUser, code: str, run: str | None = None):
    data = profile_data(request, db, user, code, run)
    lang = request.state.lang

    def _(t):
        return translate(t, lang)

    rows = item_rows(db, data["run"], data["items"], lang) if data["run"] else []
    indicators = [r for r in rows if r["kind"] == "indicator"]
    chart_options = {}
    if indicators:
        chart_options["chart-radar"] = charts.radar(indicators, _)
    scored = [h for h in data["history"] if h["score"] is not None]
    if len(scored) >= 2:
        chart_options["chart-history"] = charts.history(
            [{**h, "score": round(h["score"], 2)} for h in scored], _
        )
    klass = data["result"]["class_final"] if data["result"] else None
    policy = policy_rows(db, data["run"], data["policy"], klass, lang) if data["run"] else []
    state = data["runs_state"]
    domains = store_cases.firm_case_domains(db, data["uscc"])  # one look-up for both case sections
    return render(
        request,
        "profile.html",
        {
            **data,
            "item_rows": rows,
            "policy_rows": policy,
            "charts": chart_options,
            "runs": state.summaries,
            "requests": firm_requests(db, data["uscc"], user.scope, domains),
            "firm_projects": firm_projects(
                db,
                calendar_in_force(db) if FIRM_DOMAINS & domains else None,  # the calendar only for projects
                user.scope,
                data["uscc"],
                domains=domains,
            ),
            **firm_sections(
                db,
                data["uscc"],
                user,
                lang,
                data["firm_runs"],
                state,
                request.app.state.cache.registered_firms(db),
            ),
            "nav": "enterprises",
        },
    )


def firm_sections(
    db, uscc: str, user: User, lang: str, runs: list[dict] | None = None, state=None, registered=None
) -> dict:
    """The 画像's 培育梯度 (tiers and gaps), 产业链 (tags with evidence, analyst decisions) and 创新登记 sections.
    `state`: the web cache's `RunsState` (the latest year of tier runs is derived once per runs version);
    `registered`: its `registered_firms` (no register look-up for a firm in none)."""
    from gaoxin.web.routes.chains import firm_chain_tags, node_choices
    from gaoxin.web.routes.cultivation import firm_tiers, year_runs
    from gaoxin.web.routes.registries import firm_registry

    year = state.derived("tier_year", lambda: year_runs(db, None)) if state is not None else None
    return {
        "tiers": firm_tiers(db, uscc, runs, english=lang == "en", year=year),
        "chain_tags": firm_chain_tags(db, uscc, lang),
        "node_choices": node_choices() if user.can("run") else [],
        **firm_registry(db, uscc, user, registered),
    }


@router.get("/enterprises/{code}/what-if")
def what_if(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    code: str,
    run: str,
    to: Annotated[str, Query(pattern="^[A-D]$")] = "B",
):
    """htmx fragment: the smallest single-item changes that reach class `to`."""
    uscc = visible_firm(db, user, code)
    found = store_runs.get_run(db, run)
    if found is None:
        raise HTTPException(404, "run not found")
    try:
        answer, error = services.what_if(db, found, uscc, to), None
    except services.ServiceError as exc:
        answer, error = None, str(exc)
    return render(request, "_what_if.html", {"answer": answer, "error": error, "target": to})
