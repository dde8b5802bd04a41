"""产业链: the nine chain maps — per node the firms, revenue, tax, 亩均 class mix and leaders (育龙头), the gaps
ranked by centrality (补链条) and the cluster scale against 百亿/千亿 targets by year (集集群).

The analysis is `gaoxin.chains.analysis.chain_map` over the tags stored by `gaoxin chains tag`; the web only
reads. A chain map is a zone-wide analysis (presence is measured against the whole zone's firms, the cluster
against the zone's target), and `chain_map` has no town filter, so users limited to a town get 404 on these
pages and their API, as for another town's firm.
"""

from __future__ import annotations

import copy
import html
import math
import re
import threading
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Annotated

import duckdb
from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from gaoxin.chains.analysis import chain_map, scale_label
from gaoxin.chains.packs import STAGES, Pack, find_pack, load_packs
from gaoxin.store import chains as store_chains
from gaoxin.store import queries as store_queries
from gaoxin.web.auth import Csrf
from gaoxin.web.charts import FONT
from gaoxin.web.deps import CurrentUser, DbDep, Runner, User
from gaoxin.web.i18n import translate
from gaoxin.web.queries import clean
from gaoxin.web.render import render, wan

router = APIRouter(include_in_schema=False)

LEVELS = ("absent", "weak", "present")
LEVEL_LABELS = {"absent": "空白", "weak": "薄弱", "present": "已有"}
LEVEL_COLORS = {"absent": "#c62828", "weak": "#ef8f00", "present": "#2e7d32"}
STAGE_COLOR = "#12355b"
Year = Annotated[str | None, Query(pattern=r"^\d{4}$", description="year YYYY (default: the latest)")]


# ---- access ------------------------------------------------------------------------------------------------
def chain_reader(user: CurrentUser) -> User:
    """Chain maps are zone-wide: a user limited to a town gets 404 (see the module note)."""
    if user.scope_town is not None:
        raise HTTPException(404, "not found")
    return user


ChainReader = Annotated[User, Depends(chain_reader)]


# ---- packs and maps ----------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def packs() -> dict[str, Pack]:
    """The built-in chain packs (validated once per process)."""
    return load_packs()


def pack_or_404(chain_id: str) -> Pack:
    pack = find_pack(packs(), chain_id)
    if pack is None:
        raise HTTPException(404, "chain not found")
    return pack


# everything chain_map reads: imports (facts, enterprises), tags, overrides, 亩均 runs
class MapCache:
    """Chain maps of the current store state: the list page reads nine of them, so they are kept until the
    store changes (a new batch, tags, overrides or 亩均 run)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.version: tuple | None = None
        self.maps: dict[tuple, dict] = {}

    def get(self, db: duckdb.DuckDBPyConnection, pack: Pack, period: str | None) -> dict:
        version = store_chains.data_version(db)
        key = (pack.id, pack.sha256, period)
        with self.lock:
            if version != self.version:
                self.version, self.maps = version, {}
            found = self.maps.get(key)
        if found is None:
            found = chain_map(db, pack, period)
            with self.lock:
                if version == self.version:
                    self.maps[key] = found
        return copy.deepcopy(found)  # callers may decorate their copy


_cache_lock = threading.Lock()


def map_cache(request: Request) -> MapCache:
    state = request.app.state
    with _cache_lock:
        if getattr(state, "chain_maps", None) is None:
            state.chain_maps = MapCache()
        return state.chain_maps


def years(db: duckdb.DuckDBPyConnection) -> list[str]:
    return [p for p in store_queries.periods(db) if len(p) == 4]


# ---- wording (Chinese from the analysis; English built from the same numbers) --------------------------------
def stage_text(stage: str, lang: str) -> str:
    return translate(STAGES.get(stage, ""), lang)


def scale_text(yuan: float, lang: str, zh: str) -> str:
    return zh if lang != "en" else f"{yuan / 1e9:,.4g} bn yuan"


def level_text(cluster: dict, pack: Pack, lang: str) -> str:
    if lang != "en":
        return cluster["level"]
    reached = [m for m in pack.milestones if cluster["latest_revenue"] >= m]
    if reached:
        return f"{max(reached) / 1e9:,.4g} bn yuan class"
    return f"below {min(pack.milestones or (1e10,)) / 1e9:,.4g} bn yuan"


def gap_reason(gap: dict, node: dict, lang: str) -> str:
    if lang != "en":
        return gap["reason"]
    where = f"{node['name']} ({stage_text(node['stage'], lang).lower()})"
    if node["firms"] == 0:
        return f"{where}: no firm in the zone; centrality {node['centrality']:.2f}"
    return (
        f"{where}: only {node['firms']} firm(s), {node['revenue_share']:.1%} of the chain's revenue; "
        f"centrality {node['centrality']:.2f}"
    )


_DOC_REF = re.compile(r"docs:\s*\S*?([^/\s]+)\.md")
_NOTE_REF = re.compile(r"\[[RVP]\]|[，,]?\s*与\s*S\d+(?:/S\d+)*[^；;]*")


def source_text(source: str | None, lang: str) -> str:
    """A pack's source for users: the developer-notes path becomes the title of the notes, note markers
    ([R], S35…) are dropped; the full text stays in the tooltip."""
    if not source:
        return ""
    title = translate("产业链研究资料", lang)
    return _NOTE_REF.sub("", _DOC_REF.sub(title, source)).strip(" ；;")


def levels_of(m: dict) -> dict[str, str]:
    """Node → absent (no firm) / weak (firms, but a gap by the analysis' presence measure) / present."""
    gaps = {g["node"] for g in m["gaps"]}
    return {
        n["node"]: "absent" if n["firms"] == 0 else "weak" if n["node"] in gaps else "present"
        for n in m["nodes"]
    }


# ---- what the pages and the API show ----------------------------------------------------------------------
def chain_data(request: Request, db: duckdb.DuckDBPyConnection, chain_id: str, period: str | None) -> dict:
    """One chain map with presence levels, gap reasons and cluster wording in the request's language."""
    pack = pack_or_404(chain_id)
    ys = years(db)
    if period is not None and period not in ys:
        raise HTTPException(404, "no data for this year")
    lang = getattr(request.state, "lang", "zh")
    m = clean(map_cache(request).get(db, pack, period))
    levels = levels_of(m)
    by_node = {n["node"]: n for n in m["nodes"]}
    for n in m["nodes"]:
        n["level"] = levels[n["node"]]
        n["stage_text"] = stage_text(n["stage"], lang)
    for rank, g in enumerate(m["gaps"], start=1):
        g["rank"] = rank
        g["stage"] = by_node[g["node"]]["stage"]
        g["stage_text"] = stage_text(g["stage"], lang)
        g["reason"] = gap_reason(g, by_node[g["node"]], lang)
    c = m["cluster"]
    c["target_text"] = scale_text(c["target_revenue"], lang, c["target_label"])
    c["level_text"] = level_text(c, pack, lang)
    for t in c["trend"]:
        t["progress"] = t["revenue"] / c["target_revenue"] if c["target_revenue"] else None
    counts = store_chains.tag_counts(db)
    stale = store_chains.stale_tags(db, pack.id, pack.sha256)
    return {
        "pack": pack,
        "map": m,
        "years": ys,
        "levels": Counter(levels.values()),
        "tagged": bool(counts),
        "chain_tagged": pack.id in counts,
        "stale_tags": stale,
        "source_text": source_text(pack.source, lang),
    }


def chains_overview(request: Request, db: duckdb.DuckDBPyConnection) -> dict:
    """Every chain: tagged firms, nodes by presence, revenue and cluster level (latest year)."""
    lang = getattr(request.state, "lang", "zh")
    counts = store_chains.tag_counts(db)
    cache = map_cache(request)
    period = None
    out = []
    for pack in packs().values():
        row = {
            "id": pack.id,
            "name": pack.name,
            "version": pack.version,
            "nodes": len(pack.leaves()),
            "stages": {s: sum(1 for n in pack.leaves() if n.stage == s) for s in STAGES},
            "target_text": scale_text(pack.target_revenue, lang, scale_label(pack.target_revenue)),
            "firms": 0,
            "overrides": counts.get(pack.id, (0, 0))[1],
            "levels": None,
            "revenue": None,
            "level_text": None,
            "top_gap": None,
        }
        if counts:
            m = clean(cache.get(db, pack, None))
            period = period or m["period"]
            lv = Counter(levels_of(m).values())
            row.update(
                firms=m["firms"],
                levels={k: lv.get(k, 0) for k in LEVELS},
                revenue=m["revenue"],
                level_text=level_text(m["cluster"], pack, lang),
                top_gap=m["gaps"][0]["name"] if m["gaps"] else None,
            )
        out.append(row)
    return {"chains": out, "tagged": bool(counts), "period": period}


# ---- charts ------------------------------------------------------------------------------------------------
def _symbol_size(firms: int) -> float:
    return round(min(40.0, 10 + 5 * math.sqrt(firms)), 1)


def chain_tree(m: dict, _) -> dict:
    """The chain as an ECharts tree: chain → 上游/中游/下游 → nodes (nested by parent), coloured by presence,
    sized by firm count; clicking a node jumps to its row of the node table (app.js, `anchor`)."""
    children = defaultdict(list)
    for n in m["nodes"]:
        children[n["parent"]].append(n)

    def item(n: dict) -> dict:
        color = LEVEL_COLORS[n["level"]]
        tip = "<br/>".join(
            [
                f"<b>{html.escape(n['name'])}</b> · {html.escape(n['stage_text'])}",
                f"{_('状态')}: {_(LEVEL_LABELS[n['level']])}",
                f"{_('企业数')}: {n['firms']}",
                f"{_('营收（万元）')}: {wan(n['revenue'])}",
                f"{_('中心度')}: {n['centrality']:.2f} · {_('缺口得分')}: {n['gap_score']:.2f}",
            ]
        )
        return {
            "name": n["name"],
            "value": n["firms"],
            "anchor": "node-" + n["node"],
            "symbolSize": _symbol_size(n["firms"]),
            "itemStyle": {"color": color, "borderColor": color},
            "label": {"formatter": f"{n['name']} · {n['firms']}"},
            "tooltip": {"formatter": tip},
            "children": [item(c) for c in children.get(n["node"], [])],
        }

    stages = []
    for s in STAGES:
        kids = [item(n) for n in children.get(m["chain"], []) if n["stage"] == s]
        if kids:
            name = _(STAGES[s])
            stages.append(
                {
                    "name": name,
                    "symbolSize": 12,
                    "itemStyle": {"color": STAGE_COLOR},
                    "label": {"fontWeight": "bold"},
                    "tooltip": {"formatter": html.escape(name)},
                    "children": kids,
                }
            )
    root = {
        "name": m["name"],
        "symbolSize": 16,
        "itemStyle": {"color": STAGE_COLOR},
        "label": {"fontWeight": "bold", "fontSize": 14},
        "tooltip": {"formatter": html.escape(m["name"])},
        "children": stages,
    }
    return {
        "animation": False,
        "textStyle": FONT,
        "tooltip": {"trigger": "item", "confine": True},
        "series": [
            {
                "type": "tree",
                "data": [root],
                "orient": "LR",
                "initialTreeDepth": -1,
                "expandAndCollapse": False,
                "roam": False,
                "left": 90,
                "right": 200,
                "top": 16,
                "bottom": 16,
                "symbol": "circle",
                "label": {"position": "left", "verticalAlign": "middle", "align": "right", "fontSize": 13},
                "leaves": {"label": {"position": "right", "verticalAlign": "middle", "align": "left"}},
                "lineStyle": {"color": "#b8c4d0", "width": 1.5, "curveness": 0.5},
                "emphasis": {"focus": "ancestor"},
            }
        ],
    }


def cluster_chart(c: dict, _) -> dict:
    """Chain revenue by year (亿元); the target is drawn when the chain is within a fifth of it."""
    trend = c["trend"]
    values = [round(t["revenue"] / 1e8, 2) for t in trend]
    target = c["target_revenue"] / 1e8
    series = {
        "type": "bar",
        "name": _("集群规模（亿元）"),
        "data": values,
        "itemStyle": {"color": "#3f6ea8"},
        "label": {"show": True, "position": "top"},
        "barMaxWidth": 48,
    }
    y_axis = {"type": "value", "name": _("亿元")}
    if values and max(values) >= 0.2 * target:
        series["markLine"] = {
            "symbol": "none",
            "data": [{"yAxis": round(target, 2), "name": c["target_text"]}],
            "label": {"formatter": c["target_text"], "position": "insideEndTop"},
            "lineStyle": {"color": "#c62828"},
        }
        y_axis["max"] = round(max(max(values), target) * 1.1, 2)
    return {
        "animation": False,
        "textStyle": FONT,
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 48, "right": 24, "top": 36, "bottom": 32, "containLabel": True},
        "xAxis": {"type": "category", "data": [t["period"] for t in trend]},
        "yAxis": y_axis,
        "series": [series],
    }


# ---- pages -------------------------------------------------------------------------------------------------
@router.get("/chains")
def chains_page(request: Request, db: DbDep, user: ChainReader):
    data = chains_overview(request, db)
    return render(
        request,
        "chains.html",
        {
            **data,
            "nav": "chains",
            "LEVEL_LABELS": LEVEL_LABELS,
            "LEVEL_COLORS": LEVEL_COLORS,
            "db_name": request.app.state.store.path.name,
        },
    )


@router.get("/chains/{chain_id}")
def chain_page(request: Request, db: DbDep, user: ChainReader, chain_id: str, period: Year = None):
    data = chain_data(request, db, chain_id, period)
    lang = request.state.lang

    def _(t):
        return translate(t, lang)

    m = data["map"]
    charts = {"chart-chain": chain_tree(m, _)}
    if m["cluster"]["trend"]:
        charts["chart-cluster"] = cluster_chart(m["cluster"], _)
    return render(
        request,
        "chain.html",
        {
            **data,
            "charts": charts,
            "nav": "chains",
            "LEVEL_LABELS": LEVEL_LABELS,
            "LEVEL_COLORS": LEVEL_COLORS,
            "STAGES": STAGES,
        },
    )


# ---- tagging and overrides from the web (analysts) ---------------------------------------------------------------
@router.post("/chains/tag", dependencies=[Csrf])
async def tag_all(request: Request, db: DbDep, user: Runner):
    """Tag every enterprise with the built-in chains (as `gaoxin chains tag`); overrides keep winning."""
    from gaoxin.chains.analysis import tag_store

    chain_reader(user)
    store = request.app.state.store

    def work():
        with store.write_lock:
            return tag_store(db, packs())

    summary = await run_in_threadpool(work)
    return RedirectResponse(f"/chains?tagged={summary['tagged']}", status_code=303)


def node_of(node_id: str) -> tuple[Pack, object]:
    """The pack and leaf node of a node id, or a 400 naming the field."""
    for pack in packs().values():
        n = pack.nodes.get(node_id)
        if n is not None and not n.is_root:
            return pack, n
    raise HTTPException(400, f"node: 未知节点 {node_id}")


@router.post("/chains/override", dependencies=[Csrf])
def override(
    request: Request,
    db: DbDep,
    user: Runner,
    uscc: Annotated[str, Form(max_length=18)],
    node: Annotated[str, Form(max_length=20)],
    action: Annotated[str, Form(pattern="^(add|remove)$")] = "add",
    note: Annotated[str, Form(max_length=200)] = "",
):
    """An analyst's decision on a firm's node (认定 / 排除) with the reason; it wins over the tagger."""
    from gaoxin.web.routes.profile import visible_firm

    code = visible_firm(db, user, uscc)
    if not note.strip():
        raise HTTPException(400, "note: 请填写认定或排除的理由")
    pack, _n = node_of(node.strip())
    with request.app.state.store.write_lock:
        store_chains.add_override(db, code, pack.id, node.strip(), action, note.strip())
    return RedirectResponse(f"/enterprises/{code}#chain-tags", status_code=303)


def firm_chain_tags(db: duckdb.DuckDBPyConnection, uscc: str, lang: str) -> list[dict]:
    """The firm's nodes for its 画像: chain, node, confidence, primary, evidence (signal, text, clause) and the
    analyst decisions (认定 / 排除 with their reasons)."""
    import json

    out = []
    for r in store_chains.firm_tags(db, uscc):
        pack = packs().get(r["chain_id"])
        n = pack.nodes.get(r["node_id"]) if pack else None
        out.append(
            {
                **r,
                "chain_name": pack.name if pack else r["chain_id"],
                "node_name": n.name if n else r["node_id"],
                "stage_text": stage_text(n.stage, lang) if n else "",
                "evidence": json.loads(r["evidence"]) if r["evidence"] else [],
            }
        )
    return out


@lru_cache(maxsize=1)
def node_choices() -> tuple[tuple[str, str], ...]:
    """(node id, chain · node) of every leaf of the built-in packs (fixed for the process, like `packs`)."""
    return tuple((n.id, f"{p.name} · {n.name}") for p in packs().values() for n in p.leaves())
