"""企业培育: the 培育库 (pool ranked by closeness, filters, xlsx of the view), the 梯度 ladder (highest tier and the
next tier's gaps), HNTE certificates expiring within 12 months, and a cultivation run page (every condition of
every firm: value against threshold, 符合 / 不符合 / 数据缺失 and the gap).

The pages read stored runs (the latest run of each built-in tier scheme for the year); an analyst starts the
year's runs from the pool page through the one run recipe. Town users see their town's firms only.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import polars as pl
from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from gaoxin.evaluations import cultivation as svc
from gaoxin.evaluations.cultivation.english import english, english_parts, english_text
from gaoxin.evaluations.runs import RunError
from gaoxin.store import cultivation as store_cultivation
from gaoxin.store import queries as store_queries
from gaoxin.store import runs as store_runs
from gaoxin.store import webcache as store_webcache
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import CurrentUser, DbDep, Runner, User
from gaoxin.web.render import render
from gaoxin.web.routes.profile import visible_firm

router = APIRouter(include_in_schema=False)

PAGE = 50
Period = Annotated[str | None, Query(pattern=r"^\d{4}$")]
Text = Annotated[str, Query(max_length=40)]
TIERS = [(sid, title) for _, sid, title in (*svc.LADDER, svc.HNTE)]
STATE_OF_SCORE = {1.0: "pass", 0.5: "expert", 0.0: "fail"}
STATE_LABEL = {"pass": "符合", "expert": "待专家评分", "fail": "不符合", "missing": "数据缺失"}
VERDICT_LABEL = {
    "pass": "达标",
    "near": "接近达标",
    "expert": "待专家评分",
    "missing": "待补数据",
    "fail": "未达标",
    "out": "不在范围",
}


class Frames:
    """Frames read from immutable runs (pool, certificates, a run's firms, its conditions), kept per run and
    store data version (an import may rename firms or move them between towns): pages then filter and page in
    memory instead of scanning the run's rows on every request."""

    def __init__(self, size: int = 32):
        self.lock = threading.Lock()
        self.size = size
        self.items: dict[tuple, object] = {}

    def get(self, db, kind: str, run_id: str, build):
        key = (kind, run_id, store_webcache.data_version(db))
        with self.lock:
            found = self.items.get(key)
        if found is None:
            found = build()
            with self.lock:
                if len(self.items) >= self.size:
                    self.items.pop(next(iter(self.items)))
                self.items[key] = found
        return found


FRAMES = Frames()


def pool_view(db, run_id: str, town: str | None, industry: str | None) -> pl.DataFrame:
    """The run's 培育库 filtered by town and industry (大类 prefix), with `position` from 1 in the view."""
    df = FRAMES.get(db, "pool", run_id, lambda: svc.pool(db, run_id))
    if town:
        df = df.filter(pl.col("town") == town)
    if industry:
        df = df.filter(pl.col("industry_code").fill_null("").str.starts_with(industry))
    return df.with_row_index("position", offset=1).with_columns(pl.col("position").cast(pl.Int64))


def pool_choices(db, run_id: str) -> tuple[list[str], list[str]]:
    df = FRAMES.get(db, "pool", run_id, lambda: svc.pool(db, run_id))
    towns = sorted(t for t in df["town"].unique().to_list() if t)
    codes = sorted({c[:2] for c in df["industry_code"].drop_nulls().to_list() if c})
    return towns, codes


def certificates_of(db, run_id: str) -> pl.DataFrame:
    return FRAMES.get(db, "certificates", run_id, lambda: svc.certificates(db, run_id))


def periods(db) -> list[str]:
    return store_cultivation.cultivation_periods(db)


def year_runs(db, period: str | None) -> tuple[str | None, dict[str, str]]:
    """(period, scheme id → latest run id) of the requested year, or of the latest year with runs."""
    ps = periods(db)
    if period is None:
        period = ps[-1] if ps else None
    if period is None:
        return None, {}
    return period, store_cultivation.latest_scheme_runs(db, list(svc.BUILTIN), period)


def scoped_town(user: User, town: str) -> str | None:
    return user.scope_town if user.scope_town is not None else (town or None)


def split_gaps(text: str | None) -> list[str]:
    return [g for g in (text or "").split("；") if g]


def gaps_of(texts: pl.Series, lang: str) -> list[list[str]]:
    """Each row's gaps (`reasons` split at "；"), in English on English pages."""
    if lang == "en":
        return english_parts(texts)
    return [split_gaps(t) for t in texts.to_list()]


def pool_rows(df: pl.DataFrame, lang: str = "zh") -> list[dict]:
    out = []
    for r, gaps in zip(df.iter_rows(named=True), gaps_of(df["reasons"], lang), strict=True):
        out.append({**r, "gaps": gaps, "verdict_label": VERDICT_LABEL.get(r["verdict"], r["verdict"])})
    return out


def run_title(db, run: dict, lang: str) -> str:
    """The run's scheme title in the page's language (the scheme file's title_en on English pages)."""
    title = run["summary"]["title"]
    if lang == "en":
        found = FRAMES.get(db, "title_en", run["run_id"], lambda: svc.stored_scheme(db, run).scheme.title_en)
        return found or english_text(title) or title
    return title


def base_context(db, period, runs, nav_tab: str) -> dict:
    return {
        "nav": "cultivation",
        "tab": nav_tab,
        "period": period,
        "periods": periods(db),
        "data_periods": [p for p in store_queries.periods(db) if len(p) == 4],
        "runs": runs,
        "tiers": TIERS,
        "VERDICT_LABEL": VERDICT_LABEL,
    }


@router.get("/cultivation")
def pool_page(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    scheme: Text = "hnte-2016",
    period: Period = None,
    town: Text = "",
    industry: Text = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
):
    period, runs = year_runs(db, period)
    if scheme not in svc.BUILTIN:
        raise HTTPException(404, "unknown scheme")
    ctx = base_context(db, period, runs, "pool") | {"scheme": scheme, "town": town, "industry": industry}
    run_id = runs.get(scheme)
    if run_id is None:
        return render(request, "cultivation_pool.html", ctx | {"run": None, "rows": [], "total": 0})
    view = pool_view(db, run_id, scoped_town(user, town), industry or None)
    total = view.height
    df = view.slice((page - 1) * PAGE, PAGE)
    towns, codes = pool_choices(db, run_id)
    return render(
        request,
        "cultivation_pool.html",
        ctx
        | {
            "run": store_runs.find_run(db, run_id),
            "rows": pool_rows(df, request.state.lang),
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PAGE)),
            "towns": [user.scope_town] if user.scope_town else towns,
            "codes": codes,
        },
    )


@router.get("/cultivation/export.xlsx")
def pool_export(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    scheme: Text = "hnte-2016",
    period: Period = None,
    town: Text = "",
    industry: Text = "",
):
    """The pool as filtered on the page (every row, not one page), with the expiring certificates of the view."""
    from gaoxin.reports.cultivation_xlsx import write_pool_xlsx

    period, runs = year_runs(db, period)
    run_id = runs.get(scheme)
    if run_id is None:
        raise HTTPException(404, "no run")
    run = store_runs.find_run(db, run_id)
    t = scoped_town(user, town)
    df = pool_view(db, run_id, t, industry or None)
    df = df.with_columns(pl.col("position").alias("rank")).drop("position")
    pools = [
        {
            "scheme": run["scheme_id"],
            "title": run["summary"]["title"],
            "tier": run["summary"].get("tier"),
            "run_id": run_id,
            "counts": run["summary"]["counts"],
            "pool": df,
        }
    ]
    certs = None
    if run["summary"].get("certificates") is not None:
        certs = certificates_of(db, run_id)
        if t:
            certs = certs.filter(pl.col("town") == t)
    with tempfile.TemporaryDirectory(prefix="gaoxin-pool-") as tmp:
        path = write_pool_xlsx(Path(tmp) / "pool.xlsx", period, pools, certs)
        body = Path(path).read_bytes()
    name = f"培育库_{run['summary']['title']}_{period}{'_' + t if t else ''}.xlsx"
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename=pool.xlsx; filename*=UTF-8''{quote(name)}"},
    )


@router.post("/cultivation/run", dependencies=[Csrf])
async def start_year(request: Request, db: DbDep, user: Runner, period: Annotated[str, Form()] = ""):
    """Run every built-in tier scheme for the year (an identical run is found, not repeated)."""
    store = request.app.state.store

    def work():
        with store.write_lock:
            for sid in svc.BUILTIN:
                svc.run_cultivation(db, sid, period.strip())

    try:
        await run_in_threadpool(work)
    except RunError as exc:
        period_, runs = year_runs(db, None)
        ctx = base_context(db, period_, runs, "pool") | {"scheme": "hnte-2016", "town": "", "industry": ""}
        return render(
            request,
            "cultivation_pool.html",
            ctx | {"run": None, "rows": [], "total": 0, "error": str(exc)},
            status_code=400,
        )
    return RedirectResponse(f"/cultivation?period={quote(period.strip())}", status_code=303)


# ---- the ladder ----------------------------------------------------------------------------------------------
_ladders: dict[tuple, dict] = {}
_ladder_lock = threading.Lock()


def ladder_of(db, period: str, runs: dict[str, str]) -> dict:
    """The ladder over the stored runs (immutable, so kept per set of run ids)."""
    key = (period, tuple(sorted(runs.items())))
    with _ladder_lock:
        found = _ladders.get(key)
    if found is None:
        found = svc.ladder(db, period, runs)
        with _ladder_lock:
            if len(_ladders) > 16:
                _ladders.clear()
            _ladders[key] = found
    return found


@router.get("/cultivation/ladder")
def ladder_page(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    period: Period = None,
    town: Text = "",
    tier: Text = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
):
    period, runs = year_runs(db, period)
    ctx = base_context(db, period, runs, "ladder") | {"town": town, "tier": tier}
    if period is None or len(runs) < len(svc.BUILTIN):
        return render(request, "cultivation_ladder.html", ctx | {"ladder": None})
    lad = ladder_of(db, period, runs)
    firms = lad["firms"]
    t = scoped_town(user, town)
    if t:
        firms = firms.filter(pl.col("town") == t)
    if tier == "none":
        firms = firms.filter(pl.col("level") < 0)
    elif tier:
        firms = firms.filter(pl.col("highest") == tier)
    total = firms.height
    shown = firms.slice((page - 1) * PAGE, PAGE)
    rows = shown.to_dicts()
    for r, gaps in zip(rows, gaps_of(shown["next_gaps"], request.state.lang), strict=True):
        r["gaps"] = gaps
        r["verdict_label"] = VERDICT_LABEL.get(r["next_verdict"] or "", "—")
    towns = sorted(x for x in lad["firms"]["town"].unique().to_list() if x)
    dist = lad["distribution"]
    if t:
        sub = lad["firms"].filter(pl.col("town") == t)
        dist = {"未达任何梯度": int((sub["level"] < 0).sum())} | {
            title: int((sub["level"] == k).sum()) for k, (_, _, title) in enumerate(svc.LADDER)
        }
    return render(
        request,
        "cultivation_ladder.html",
        ctx
        | {
            "ladder": lad,
            "distribution": dist,
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PAGE)),
            "towns": [user.scope_town] if user.scope_town else towns,
            "ladder_tiers": [(t_, title) for t_, _, title in svc.LADDER],
        },
    )


@router.get("/cultivation/certificates")
def certificates_page(request: Request, db: DbDep, user: CurrentUser, period: Period = None):
    """高企 certificates that expire within 12 months (or have expired) with today's verdict and gaps."""
    period, runs = year_runs(db, period)
    ctx = base_context(db, period, runs, "certificates")
    run_id = runs.get(svc.HNTE[1])
    if run_id is None:
        return render(request, "cultivation_certs.html", ctx | {"rows": None})
    certs = certificates_of(db, run_id).filter(pl.col("status") != "有效")
    if user.scope_town:
        certs = certs.filter(pl.col("town") == user.scope_town)
    if request.state.lang == "en":
        certs = certs.with_columns(english(certs["status"]).alias("status"))
    rows = pool_rows(certs, request.state.lang)
    return render(request, "cultivation_certs.html", ctx | {"rows": rows, "run_id": run_id})


# ---- a run ---------------------------------------------------------------------------------------------------
def cultivation_run(db, run_id: str) -> dict:
    run = store_runs.find_run(db, run_id)
    if run is None or run["kind"] != "cultivation":
        raise HTTPException(404, "run not found")
    return run


def condition_table(
    db, run: dict, usccs: list[str], lang: str = "zh"
) -> tuple[list[dict], dict[tuple, dict]]:
    """The scheme's conditions (columns) and each (firm, condition) cell: state, note, gap (titles and notes in
    English on English pages)."""

    def columns():
        conds = svc.stored_scheme(db, run).conditions
        titles_en = english(pl.Series([c.title for c in conds], dtype=pl.Utf8)).to_list()
        return [
            {"id": c.id, "title": c.title, "title_en": en, "unit": c.unit}
            for c, en in zip(conds, titles_en, strict=True)
        ]

    conds = FRAMES.get(db, "conditions", run["run_id"], columns)
    if lang == "en":
        conds = [{**c, "title": c["title_en"]} for c in conds]
    found = store_cultivation.condition_cells(db, run["run_id"], usccs)
    if lang == "en":
        found = found.with_columns(english(found["note"]).alias("note"))
    cells = {}
    for r in found.iter_rows(named=True):
        state = STATE_OF_SCORE.get(r["score"], "missing") if r["score"] is not None else "missing"
        cells[(r["uscc"], r["item"].removeprefix("condition."))] = {**r, "state": state}
    return conds, cells


@router.get("/cultivation/runs/{run_id}")
def run_page(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    run_id: str,
    town: Text = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
):
    run = cultivation_run(db, run_id)
    t = scoped_town(user, town)
    firms = FRAMES.get(db, "firms", run_id, lambda: store_cultivation.run_firms(db, run_id))
    if t:
        firms = firms.filter(pl.col("town") == t)
    total = firms.height
    lang = request.state.lang
    rows = pool_rows(firms.slice((page - 1) * PAGE, PAGE), lang)
    conds, cells = condition_table(db, run, [r["uscc"] for r in rows], lang)
    return render(
        request,
        "cultivation_run.html",
        {
            "nav": "cultivation",
            "run": run,
            "run_title": run_title(db, run, lang),
            "rows": rows,
            "conditions": conds,
            "cells": cells,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PAGE)),
            "town": town,
            "STATE_LABEL": STATE_LABEL,
        },
    )


@router.get("/cultivation/runs/{run_id}/{code}")
def run_firm(request: Request, db: DbDep, user: CurrentUser, run_id: str, code: str):
    run = cultivation_run(db, run_id)
    uscc = visible_firm(db, user, code)
    from gaoxin.evaluations.runs import explain

    info = explain(db, run, uscc)
    if info is None:
        raise HTTPException(404, "firm not in this run")
    return render(
        request,
        "cultivation_firm.html",
        {"nav": "cultivation", "run": run, "info": info, "VERDICT_LABEL": VERDICT_LABEL},
    )


# ---- a firm's tiers (画像) -------------------------------------------------------------------------------------
def firm_tiers(
    db,
    uscc: str,
    found_runs: list[dict] | None = None,
    english: bool = True,
    year: tuple[str | None, dict[str, str]] | None = None,
) -> dict | None:
    """The firm's tiers in the latest year with runs: highest tier, next tier's verdict and gaps, and each tier
    scheme's verdict with its gaps (the 画像 section), with the gaps in English too (`gaps_en`) unless
    ``english`` is false. ``found_runs``: the firm's rows of every run (`store.profile.firm_runs`) when the
    caller has read them already; ``year``: `year_runs(db, None)` when the caller keeps it."""
    period, runs = year if year is not None else year_runs(db, None)
    if period is None or not runs:
        return None
    tiers = []
    if found_runs is None:
        found = store_cultivation.firm_tiers(db, list(runs.values()), uscc)
    else:
        wanted = set(runs.values())
        found = {r["run_id"]: r for r in found_runs if r["run_id"] in wanted}
    for sid, title in TIERS:
        rid = runs.get(sid)
        r = found.get(rid) if rid else None
        if r is None or r["list_id"] is None:
            continue
        tiers.append(
            {
                "scheme": sid,
                "title": title,
                "run_id": rid,
                "verdict": r["class_final"],
                "verdict_label": VERDICT_LABEL.get(r["class_final"], r["class_final"]),
                "list": r["list_id"],
                "gaps": split_gaps(r["reasons"]),
                "reasons": r["reasons"],
            }
        )
    reasons = pl.Series([t.pop("reasons") for t in tiers], dtype=pl.Utf8)
    if english:  # the English page shows these; the JSON API gives both
        for t, gaps_en in zip(tiers, english_parts(reasons), strict=True):
            t["gaps_en"] = gaps_en
    highest = None
    if len(runs) == len(svc.BUILTIN):
        f = ladder_of(db, period, runs)["firms"].filter(pl.col("uscc") == uscc)
        highest = f.to_dicts()[0] if f.height else None
    return {"period": period, "tiers": tiers, "highest": highest}
