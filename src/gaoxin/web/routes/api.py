"""JSON API under /api/: the same data as the pages, with the same access rules (a town user sees its
town's firms only; another town's firm is 404). Authenticated by the session cookie of /login;
POST needs the X-CSRF-Token header (the token is in GET /api/me)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import AfterValidator, BaseModel, Field
from starlette.concurrency import run_in_threadpool

from gaoxin.schemes import SchemeError, list_builtin, scheme_text
from gaoxin.store import enterprise_list
from gaoxin.store import overview as store_overview
from gaoxin.store import runs as store_runs
from gaoxin.store.imports import batch_record, batch_rejects, list_batches
from gaoxin.web import queries as Q
from gaoxin.web import services
from gaoxin.web.auth import Csrf
from gaoxin.web.deps import BatchReader, CurrentUser, DbDep, PageNo, Runner
from gaoxin.web.routes.enterprises import list_query
from gaoxin.web.routes.overview import overview_data
from gaoxin.web.routes.profile import item_rows, profile_data, visible_firm

router = APIRouter(prefix="/api", tags=["api"])
Qp = Annotated[str, Query(max_length=100)]


# ---- models (they make /api/openapi.json describe the answers) ----------------------------------------


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


# the store keeps UTC without a zone (DuckDB TIMESTAMP); the API says which zone it is
UtcDatetime = Annotated[datetime, AfterValidator(_as_utc), Field(description="UTC (ISO 8601 with offset)")]


class Me(BaseModel):
    name: str
    role: str = Field(description="admin | analyst | department | town | viewer")
    town: str | None = Field(None, description="镇街 a town user is limited to")
    department: str | None = Field(None, description="承办部门 a department user (部门经办人) works for")
    csrf_token: str = Field(description="send as X-CSRF-Token on POST")


class EnterpriseRow(BaseModel):
    uscc: str = Field(description="统一社会信用代码")
    name: str | None = None
    town: str | None = None
    industry_code: str | None = Field(None, description="GB/T 4754-2017")
    industry_name: str | None = None
    above_scale: bool | None = Field(None, description="规上 (latest year known)")
    list_id: str | None = Field(None, description="evaluation list of the run (规上/规下/…); null = T")
    score: float | None = None
    rank: int | None = None
    class_final: str | None = Field(None, description="A/B/C/D/T in the run")
    land_mu: float | None = Field(None, description="land used by the run, 亩")
    tax_per_mu: float | None = Field(None, description="亩均税收, 万元/亩")


class EnterprisePage(BaseModel):
    total: int
    page: int
    size: int
    run_id: str | None
    items: list[EnterpriseRow]


class RunInfo(BaseModel):
    run_id: str
    kind: str
    scheme_id: str
    period: str
    created_at: UtcDatetime
    title: str | None = None
    n: int | None = None
    counts: dict[str, int] = {}


class RunDetail(BaseModel):
    run_id: str
    kind: str
    scheme_id: str
    scheme_sha256: str
    period: str
    created_at: UtcDatetime
    data_fingerprint: str
    summary: dict[str, Any]


class ResultRow(BaseModel):
    uscc: str
    name: str | None = None
    town: str | None = None
    list_id: str | None = None
    score: float | None = None
    rank: int | None = None
    class_final: str | None = None
    land_mu: float | None = None
    tax_per_mu: float | None = None


class ResultPage(BaseModel):
    total: int
    page: int
    size: int
    items: list[ResultRow]


class Overview(BaseModel):
    run_id: str
    town: str | None
    total: int
    counts: dict[str, int]
    counts_by_list: dict[str, dict[str, int]]
    towns: dict[str, dict[str, int]]
    distributions: dict[str, dict[str, Any]]
    previous_run_id: str | None
    change: dict[str, Any] | None
    top: dict[str, list[dict[str, Any]]]
    bottom: dict[str, list[dict[str, Any]]]


class Profile(BaseModel):
    uscc: str
    enterprise: dict[str, Any]
    facts: list[dict[str, Any]]
    history: list[dict[str, Any]]
    run_id: str | None
    result: dict[str, Any] | None
    items: list[dict[str, Any]]


class Compare(BaseModel):
    run_a: str
    run_b: str
    change: dict[str, Any]
    movers: list[dict[str, Any]]


class StartRun(BaseModel):
    scheme: str = Field("default", description="built-in scheme id (GET /api/schemes)")
    period: str = Field(description="year of the data, YYYY")


class Started(BaseModel):
    run_id: str
    created: bool


class Batch(BaseModel):
    batch_id: int
    file_name: str
    source: str
    periods: str | None
    rows: int
    accepted: int
    rejected: int
    skipped: int
    imported_at: UtcDatetime
    sha256: str


class Reject(BaseModel):
    batch_id: int
    file_name: str
    sheet: str
    row_no: int
    disposition: str
    columns: str | None
    reasons: str
    raw: dict[str, Any]


class SchemeInfo(BaseModel):
    id: str
    title: str
    source: str | None = None  # the cited documents' titles, one line each
    sources: list[dict] = Field(
        default_factory=list, description="title, number, url, key of each cited document"
    )


class SchemeText(BaseModel):
    id: str
    text: str = Field(description="the TOML file")


def _plain(obj):
    """Dates to ISO text, NaN to null, recursively (for dict-typed fields)."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    return Q.clean(obj)


# ---- endpoints -----------------------------------------------------------------------------------------
@router.get("/me", response_model=Me, summary="The signed-in user")
def me(request: Request, user: CurrentUser):
    return Me(
        name=user.name,
        role=user.role,
        town=user.town,
        department=user.department,
        csrf_token=request.app.state.auth.csrf_token(request),
    )


@router.get(
    "/enterprises", response_model=EnterprisePage, summary="Enterprise list (search, filter, sort, page)"
)
def enterprises(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    q: Annotated[str, Query(max_length=100, description="name, pinyin initials or USCC prefix")] = "",
    town: Qp = "",
    industry: Annotated[str, Query(max_length=10, description="GB/T 4754 code prefix")] = "",
    klass: Annotated[str, Query(alias="class", max_length=2)] = "",
    scale: Annotated[str, Query(pattern="^(above|below)?$")] = "",
    run: Annotated[str | None, Query(description="run id (default: latest)")] = None,
    sort: Annotated[str, Query(description="|".join(enterprise_list.SORTS))] = "name",
    desc: bool = False,
    page: PageNo = 1,
    size: Annotated[int | None, Query(ge=1, le=200)] = None,
):
    query = list_query(request, db, user, q, town, industry, klass, scale, run, sort, desc, page, size)
    items, _, total = request.app.state.cache.page(
        db, request.state.list_table, query
    )  # as the page reads it
    return EnterprisePage(
        total=total,
        page=query.page,
        size=query.size,
        run_id=query.run_id,
        items=[EnterpriseRow(**Q.clean(i)) for i in items],
    )


@router.get("/enterprises/{code}", response_model=Profile, summary="One enterprise: attributes, facts, runs")
def enterprise(request: Request, db: DbDep, user: CurrentUser, code: str, run: str | None = None):
    data = profile_data(request, db, user, code, run)
    ent = dict(data["enterprise"])
    ent.pop("facts", None)
    ent.pop("firm", None)  # the store's own number, not the API's key
    items = item_rows(db, data["run"], data["items"], request.state.lang) if data["run"] else []
    return Profile(
        uscc=data["uscc"],
        enterprise=_plain(ent),
        facts=_plain(data["facts"]),
        history=_plain(data["history"]),
        run_id=data["run"]["run_id"] if data["run"] else None,
        result=_plain(data["result"]),
        items=_plain(items + data["policy"]),
    )


@router.get("/runs", response_model=list[RunInfo], summary="Evaluation runs, newest first")
def runs(db: DbDep, user: CurrentUser):
    out = [
        RunInfo(**{k: v for k, v in r.items() if k in RunInfo.model_fields})
        for r in store_runs.run_summaries(db, kind=None)
    ]
    if user.scope_town:  # zone-wide counts are not a town user's to see (its own: /api/runs/{id}/overview)
        out = [r.model_copy(update={"n": None, "counts": {}}) for r in out]
    return out


@router.post(
    "/runs", response_model=Started, dependencies=[Csrf], summary="Start a 亩均 run (analyst, admin)"
)
async def start_run(request: Request, body: StartRun, db: DbDep, user: Runner):
    store = request.app.state.store

    def work():
        with store.write_lock:
            return services.start_run(db, body.scheme, body.period)

    try:
        run_id, created = await run_in_threadpool(work)
    except services.ServiceError as exc:
        raise HTTPException(400, str(exc)) from exc
    return Started(run_id=run_id, created=created)


@router.get("/runs/compare", response_model=Compare, summary="Who moved class between two runs, and why")
def compare(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    a: str,
    b: str,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
):
    if Q.compared_runs(db, request.app.state.cache, a, b) is None:
        raise HTTPException(404, "run not found")
    return Compare(
        run_a=a,
        run_b=b,
        change=store_overview.transitions(db, a, b, user.scope_town),
        movers=_plain(store_overview.movers(db, a, b, user.scope_town, limit)),
    )


@router.get("/runs/{run_id}", response_model=RunDetail, summary="A run with its summary")
def run(db: DbDep, user: CurrentUser, run_id: str):
    found = store_runs.get_run(db, run_id, kind=None)
    if found is None:
        raise HTTPException(404, "run not found")
    if user.scope_town:
        found["summary"] = {
            k: v for k, v in found["summary"].items() if k not in ("n", "counts", "counts_by_list")
        }
    return RunDetail(**{k: v for k, v in found.items() if k in RunDetail.model_fields})


@router.get("/runs/{run_id}/overview", response_model=Overview, summary="Aggregates of a run (town-scoped)")
def run_overview(request: Request, db: DbDep, user: CurrentUser, run_id: str):
    data = overview_data(request, db, user, run_id)
    keys = ("uscc", "name", "town", "score", "rank", "class_final")
    return Overview(
        run_id=run_id,
        town=user.scope_town,
        total=data["total"],
        counts=data["counts"],
        counts_by_list=data["matrix"],
        towns=data["towns"],
        distributions=_plain(data["dist"]),
        previous_run_id=data["prev"]["run_id"] if data["prev"] else None,
        change=data["change"],
        top={k: [_plain(dict(zip(keys, r, strict=True))) for r in v] for k, v in data["top"].items()},
        bottom={k: [_plain(dict(zip(keys, r, strict=True))) for r in v] for k, v in data["bottom"].items()},
    )


@router.get("/runs/{run_id}/results", response_model=ResultPage, summary="Per-firm results of a run")
def results(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    run_id: str,
    klass: Annotated[str, Query(alias="class", max_length=2)] = "",
    town: Qp = "",
    page: PageNo = 1,
    size: Annotated[int, Query(ge=1, le=1000)] = 100,
):
    found = store_runs.get_run(db, run_id)
    if found is None:
        raise HTTPException(404, "run not found")
    query = list_query(request, db, user, "", town, "", klass, "", run_id, "rank", False, page, None)
    table = request.state.list_table
    total, found_rows = enterprise_list.result_page(db, table, query, page, size)
    return ResultPage(total=total, page=page, size=size, items=[ResultRow(**Q.clean(r)) for r in found_rows])


@router.get(
    "/runs/{run_id}/what-if/{code}",
    response_model=dict[str, Any],
    summary="Smallest single-item changes that lift a firm to a better class",
)
def what_if(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    run_id: str,
    code: str,
    to: Annotated[str, Query(pattern="^[A-D]$", description="target class")] = "B",
):
    uscc = visible_firm(db, user, code)
    found = store_runs.get_run(db, run_id)
    if found is None:
        raise HTTPException(404, "run not found")
    try:
        return services.what_if(db, found, uscc, to)
    except services.ServiceError as exc:
        raise HTTPException(400, str(exc)) from exc


@router.get(
    "/runs/{run_id}/explain/{code}",
    response_model=dict[str, Any],
    summary="Everything behind one firm's result in a run of any kind (as `gaoxin explain RUN USCC --json`)",
)
def explain(request: Request, db: DbDep, user: CurrentUser, run_id: str, code: str):
    uscc = visible_firm(db, user, code)
    found = store_runs.get_run(db, run_id, kind=None)
    if found is None:
        raise HTTPException(404, "run not found")
    info = services.explain(db, found, uscc)  # a ranking's subjects are zones: no firm there, 404
    if info is None:
        raise HTTPException(404, "firm not in this run")
    return info


@router.get("/batches", response_model=list[Batch], summary="Import batches (not for town users)")
def batches(db: DbDep, user: BatchReader):
    return [Batch(**b) for b in list_batches(db).to_dicts()]


@router.get("/batches/{batch_id}/rejects", response_model=list[Reject], summary="Rejected and skipped rows")
def rejects(db: DbDep, user: BatchReader, batch_id: int):
    df = batch_rejects(db, batch_id)
    if df.height == 0 and batch_record(db, batch_id) is None:
        raise HTTPException(404, "batch not found")
    return [
        Reject(**{k: v for k, v in r.items() if k != "raw_json"}, raw=json.loads(r["raw_json"] or "{}"))
        for r in df.to_dicts()
    ]


@router.get("/schemes", response_model=list[SchemeInfo], summary="Built-in schemes")
def schemes(user: CurrentUser):
    from gaoxin.schemes import scheme_sources

    out = []
    for s in list_builtin():
        cited = scheme_sources(s.id)
        source = "\n".join(c["title"] + (f"（{c['number']}）" if c["number"] else "") for c in cited)
        out.append(SchemeInfo(id=s.id, title=s.title, source=source or None, sources=cited))
    return out


@router.get("/schemes/{scheme_id}", response_model=SchemeText, summary="A built-in scheme's TOML text")
def scheme(user: CurrentUser, scheme_id: str):
    if scheme_id not in {s.id for s in list_builtin()}:
        raise HTTPException(404, "scheme not found")
    try:
        return SchemeText(id=scheme_id, text=scheme_text(scheme_id))
    except SchemeError as exc:
        raise HTTPException(404, "scheme not found") from exc


# ---- 产业链 (chain maps; zone-wide, so a town user gets 404) ----------------------------------------------
class ChainLeader(BaseModel):
    uscc: str
    name: str | None = None
    revenue: float | None = Field(None, description="营业收入, 元")
    score: float | None = Field(None, description="亩均 score in the year's latest 亩均 run")
    class_final: str | None = Field(None, description="亩均 class A/B/C/D")


class ChainNode(BaseModel):
    node: str = Field(description="node id, e.g. IC.M2")
    name: str
    stage: str = Field(description="U | M | D (上游/中游/下游)")
    stage_name: str
    parent: str
    codes: str = Field(description="GB/T 4754-2017 classes; `*` = only part of the class belongs to the node")
    firms: int
    revenue: float = Field(description="元")
    tax: float = Field(description="税收, 元")
    revenue_share: float = Field(description="share of the chain's revenue, 0–1")
    mujun_classes: dict[str, int] | None = Field(
        None, description="亩均 class mix (null: no 亩均 run that year)"
    )
    leaders_revenue: list[ChainLeader] = Field(description="育龙头: top firms by revenue")
    leaders_mujun: list[ChainLeader] = Field(description="育龙头: top firms by 亩均 score")
    centrality: float = Field(description="0–1")
    presence: float = Field(description="0–1, from firm count and revenue against the chain's usual node")
    level: str = Field(description="absent (no firm) | weak (a gap) | present")
    gap_score: float = Field(description="centrality × (1 − presence)")


class ChainGap(BaseModel):
    rank: int
    node: str
    name: str
    stage: str
    stage_name: str
    firms: int
    centrality: float
    gap_score: float
    reason: str = Field(description="in the request's language")


class ClusterYear(BaseModel):
    period: str
    revenue: float = Field(description="chain revenue, 元 (firms counted once)")
    firms_reporting: int
    progress: float | None = Field(None, description="revenue / target")


class ChainCluster(BaseModel):
    latest_revenue: float = Field(description="元")
    target_revenue: float = Field(description="元 (百亿级 = 1e10, 千亿级 = 1e11)")
    target_label: str
    level: str = Field(description="scale reached (百亿级, 千亿级, 未达百亿级)")
    progress: float | None
    cagr: float | None = Field(None, description="average yearly growth of the trend")
    years_to_target: float | None = Field(None, description="at that growth; 0 = reached")
    trend: list[ClusterYear]


class ChainMap(BaseModel):
    chain: str
    name: str
    period: str | None = Field(None, description="year of revenue, tax and 亩均 classes")
    mujun_run: str | None = None
    pack_version: str
    pack_sha256: str
    tagged: bool = Field(description="false: `gaoxin chains tag` has not been run on this store")
    firms: int
    revenue: float = Field(description="元")
    tax: float = Field(description="元")
    nodes: list[ChainNode]
    gaps: list[ChainGap] = Field(description="补链条: weak and absent nodes, largest gap first")
    cluster: ChainCluster


class ChainInfo(BaseModel):
    id: str
    name: str
    version: str
    nodes: int
    firms: int
    present: int | None = None
    weak: int | None = None
    absent: int | None = None
    revenue: float | None = Field(None, description="元, latest year")
    target_revenue: float


@router.get(
    "/chains", response_model=list[ChainInfo], summary="The chain maps at a glance (not for town users)"
)
def chain_list(request: Request, db: DbDep, user: CurrentUser):
    from gaoxin.web.routes import chains

    chains.chain_reader(user)
    data = chains.chains_overview(request, db)
    packs = chains.packs()
    return [
        ChainInfo(
            id=c["id"],
            name=c["name"],
            version=c["version"],
            nodes=c["nodes"],
            firms=c["firms"],
            revenue=c["revenue"],
            target_revenue=packs[c["id"]].target_revenue,
            **(c["levels"] or {}),
        )
        for c in data["chains"]
    ]


@router.get(
    "/chains/{chain_id}",
    response_model=ChainMap,
    summary="A chain map: nodes, leaders, gaps, cluster scale (not for town users)",
)
def chain_detail(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    chain_id: str,
    period: Annotated[str | None, Query(pattern=r"^\d{4}$", description="year (default: latest)")] = None,
):
    from gaoxin.web.routes import chains

    chains.chain_reader(user)
    data = chains.chain_data(request, db, chain_id, period)
    m = data["map"]

    def leaders(items):
        return [
            ChainLeader(
                uscc=x["uscc"], name=x["name"], revenue=x["revenue"], score=x["score"], class_final=x["class"]
            )
            for x in items
        ]

    nodes = [
        ChainNode(
            **{k: v for k, v in n.items() if k in ChainNode.model_fields and not k.startswith("leaders")},
            leaders_revenue=leaders(n["leaders_revenue"]),
            leaders_mujun=leaders(n["leaders_mujun"]),
        )
        for n in m["nodes"]
    ]
    c = m["cluster"]
    cluster = ChainCluster(
        **{
            **{k: v for k, v in c.items() if k in ChainCluster.model_fields},
            # level and target in the request's language, like the pages
            "level": c["level_text"],
            "target_label": c["target_text"],
            "trend": [ClusterYear(**t) for t in c["trend"]],
        }
    )
    return ChainMap(
        chain=m["chain"],
        name=m["name"],
        period=m["period"],
        mujun_run=m["mujun_run"],
        pack_version=m["pack"]["version"],
        pack_sha256=m["pack"]["sha256"],
        tagged=data["tagged"],
        firms=m["firms"],
        revenue=m["revenue"],
        tax=m["tax"],
        nodes=nodes,
        gaps=[ChainGap(**{k: v for k, v in g.items() if k in ChainGap.model_fields}) for g in m["gaps"]],
        cluster=cluster,
    )
