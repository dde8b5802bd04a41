"""Chain maps from the store: firms, revenue, tax and 亩均 classes per node, leaders (育龙头), gaps weighted by
node centrality (补链条), and cluster scale against 百亿/千亿 targets with the trend over years (集集群)."""

from __future__ import annotations

import json
import math

import duckdb
import polars as pl

from gaoxin.chains.packs import Pack
from gaoxin.chains.tagging import Tagger, mark_primary, primaries
from gaoxin.store import chains as store
from gaoxin.store import queries

CLASSES = ["A", "B", "C", "D"]
LEADERS = 3


# ---- tagging the store -----------------------------------------------------------------------------------------
def tag_store(
    con: duckdb.DuckDBPyConnection,
    packs: dict[str, Pack],
    tagger: Tagger | None = None,
    segments: dict[str, list[dict]] | None = None,
    firms_out: bool = False,
) -> dict:
    """Tag every enterprise with every chain and replace the stored tagger rows. Returns counts per chain and,
    with ``firms_out``, every firm's tags (node, confidence, primary, evidence).

    The primary node of a chain is decided by the revenue-share rule (`primary_node`: ≥50 % of revenue, or the
    one node with ≥30 % of both revenue and gross profit) for firms whose 收入构成 is given in ``segments``
    (USCC → [{text, revenue, gross_profit}]); otherwise, and when the rule decides nothing, it is the most
    confident node (ties → the smallest node id). The rule's reason is kept as evidence of the primary tag."""
    tagger = tagger or Tagger(packs)
    segments = segments or {}
    firms = store.enterprise_texts(con)
    out_rows = []
    per_firm = []
    texts = zip(firms["business_scope"], firms["main_products"], firms["industry_code"], strict=True)
    for uscc, name, tags in zip(firms["uscc"], firms["name"], tagger.tag_many(texts), strict=True):
        rule = primaries(segments[uscc], tags, tagger) if uscc in segments and tags else {}
        mark_primary(tags, [n for n, _ in rule.values()])
        for t in tags:
            if t.primary and t.chain in rule:
                t.evidence = [
                    {"signal": "revenue", "text": rule[t.chain][1], "section": "收入构成"},
                    *t.evidence,
                ]
            out_rows.append((uscc, t.chain, t.node, t.confidence, t.primary, store.evidence_json(t.evidence)))
        if firms_out and tags:
            per_firm.append({"uscc": uscc, "name": name, "tags": [t.as_json() for t in tags]})
    df = (
        pl.DataFrame(out_rows, schema=list(store.TAG_COLUMNS), orient="row")
        if out_rows
        else pl.DataFrame(schema=store.TAG_COLUMNS)
    )
    store.replace_tags(con, df, {p.id: p.sha256 for p in packs.values()})
    per_chain = {}
    for pack in packs.values():
        sub = df.filter(pl.col("chain_id") == pack.id)
        per_chain[pack.id] = {
            "chain": pack.id,
            "name": pack.name,
            "firms": sub["uscc"].n_unique(),
            "tags": sub.height,
        }
    out = {
        "enterprises": firms.height,
        "tagged": df["uscc"].n_unique() if df.height else 0,
        "primary_by_revenue": sum(1 for u in segments if u in set(df["uscc"].to_list())) if segments else 0,
        "chains": list(per_chain.values()),
    }
    if firms_out:
        out["firms"] = per_firm
    return out


# ---- structure --------------------------------------------------------------------------------------------------
def centrality(pack: Pack) -> dict[str, float]:
    """How central each node is in its chain, 0–1.

    Supply links run between adjacent stages (上游→中游→下游): a node's degree is the number of nodes in the
    neighbouring stages. Normalised by the largest degree and multiplied by the node's `weight` (an editable
    importance, default 1), then scaled so the most central node is 1.
    """
    leaves = pack.leaves()
    by_stage: dict[str, int] = {}
    for n in leaves:
        by_stage[n.stage] = by_stage.get(n.stage, 0) + 1
    neighbours = {"U": ["M"], "M": ["U", "D"], "D": ["M"]}
    raw = {}
    for n in leaves:
        deg = sum(by_stage.get(s, 0) for s in neighbours[n.stage])
        raw[n.id] = max(deg, 1) * n.weight
    top = max(raw.values()) if raw else 1.0
    return {k: round(v / top, 3) for k, v in raw.items()}


# ---- the map ----------------------------------------------------------------------------------------------------
def _period(con: duckdb.DuckDBPyConnection, period: str | None) -> str | None:
    return period or queries.latest_year(con)


def chain_map(con: duckdb.DuckDBPyConnection, pack: Pack, period: str | None = None) -> dict:
    period = _period(con, period)
    tags = store.effective_tags(con, pack.id)
    values = (
        queries.wide(con, period, ["revenue", "tax_paid"]).select(
            "uscc", "name", "town", "revenue", "tax_paid"
        )
        if period
        else pl.DataFrame(
            schema={
                "uscc": pl.Utf8,
                "name": pl.Utf8,
                "town": pl.Utf8,
                "revenue": pl.Float64,
                "tax_paid": pl.Float64,
            }
        )
    )
    run_id = store.latest_mujun_run(con, period) if period else None
    mujun = (
        store.mujun_results(con, run_id)
        if run_id
        else pl.DataFrame(schema={"uscc": pl.Utf8, "class_final": pl.Utf8, "score": pl.Float64})
    )
    firms = (
        tags.join(values, on="uscc", how="left").join(mujun, on="uscc", how="left")
        if tags.height
        else tags.with_columns(
            pl.lit(None, pl.Utf8).alias("name"),
            pl.lit(None, pl.Utf8).alias("town"),
            pl.lit(None, pl.Float64).alias("revenue"),
            pl.lit(None, pl.Float64).alias("tax_paid"),
            pl.lit(None, pl.Utf8).alias("class_final"),
            pl.lit(None, pl.Float64).alias("score"),
        )
    )
    cent = centrality(pack)
    chain_firms = firms.unique("uscc")
    chain_revenue = float(chain_firms["revenue"].fill_null(0).sum()) if chain_firms.height else 0.0
    counts = [firms.filter(pl.col("node_id") == n.id).height for n in pack.leaves()]
    present = sorted(c for c in counts if c > 0)
    n_ref = max(3.0, present[len(present) // 2]) if present else 3.0

    nodes = []
    for n in pack.leaves():
        sub = firms.filter(pl.col("node_id") == n.id).sort("revenue", descending=True, nulls_last=True)
        rev = float(sub["revenue"].fill_null(0).sum())
        tax = float(sub["tax_paid"].fill_null(0).sum())
        mix = {c: sub.filter(pl.col("class_final") == c).height for c in CLASSES} if run_id else None
        by_rev = [_leader(r) for r in sub.head(LEADERS).iter_rows(named=True) if r["revenue"] is not None]
        by_mu = [
            _leader(r)
            for r in sub.filter(pl.col("score").is_not_null())
            .sort("score", descending=True)
            .head(LEADERS)
            .iter_rows(named=True)
        ]
        share = rev / chain_revenue if chain_revenue > 0 else 0.0
        rev_ref = chain_revenue / max(1, len(pack.leaves()))
        reported = sub.height > 0 and sub["revenue"].is_not_null().any()
        if rev_ref > 0 and reported:
            presence = 0.5 * min(1.0, sub.height / n_ref) + 0.5 * min(1.0, rev / rev_ref)
        else:  # no revenue reported for this node (e.g. service firms without 统计 data): count firms only
            presence = min(1.0, sub.height / n_ref)
        nodes.append(
            {
                "node": n.id,
                "name": n.name,
                "stage": n.stage,
                "stage_name": n.stage_name,
                "parent": n.parent,
                "codes": n.codes_text(),
                "firms": sub.height,
                "revenue": rev,
                "tax": tax,
                "revenue_share": share,
                "mujun_classes": mix,
                "leaders_revenue": by_rev,
                "leaders_mujun": by_mu,
                "centrality": cent[n.id],
                "presence": round(presence, 3),
                "gap_score": round(cent[n.id] * (1 - presence), 3),
            }
        )
    gaps = sorted((x for x in nodes if x["presence"] < 0.5), key=lambda x: (-x["gap_score"], x["node"]))
    for g in gaps:
        g["gap_reason"] = _gap_reason(g)
    return {
        "chain": pack.id,
        "name": pack.name,
        "period": period,
        "mujun_run": run_id,
        "pack": {"version": pack.version, "sha256": pack.sha256[:12], "source": pack.source},
        "firms": chain_firms.height,
        "revenue": chain_revenue,
        "tax": float(chain_firms["tax_paid"].fill_null(0).sum()) if chain_firms.height else 0.0,
        "nodes": nodes,
        "gaps": [
            {
                "node": g["node"],
                "name": g["name"],
                "stage_name": g["stage_name"],
                "firms": g["firms"],
                "centrality": g["centrality"],
                "gap_score": g["gap_score"],
                "reason": g["gap_reason"],
            }
            for g in gaps
        ],
        "cluster": cluster(con, pack, tags),
    }


def _leader(r: dict) -> dict:
    return {
        "uscc": r["uscc"],
        "name": r.get("name"),
        "revenue": r.get("revenue"),
        "score": r.get("score"),
        "class": r.get("class_final"),
    }


def _gap_reason(g: dict) -> str:
    central = f"中心度 {g['centrality']:.2f}"
    if g["firms"] == 0:
        return f"「{g['name']}」（{g['stage_name']}）园区内无企业，{central}"
    return (
        f"「{g['name']}」（{g['stage_name']}）仅 {g['firms']} 家企业，营收占链条 {g['revenue_share']:.1%}，"
        f"{central}"
    )


def cluster(con: duckdb.DuckDBPyConnection, pack: Pack, tags: pl.DataFrame | None = None) -> dict:
    """Chain revenue per year (firms counted once), against the pack's 百亿/千亿 milestones, with CAGR."""
    tags = store.effective_tags(con, pack.id) if tags is None else tags
    firms = tags["uscc"].unique().to_list() if tags.height else []
    years = [p for p in queries.periods(con) if len(p) == 4]
    trend = []
    for y in years:
        w = queries.wide(con, y, ["revenue"]).filter(pl.col("uscc").is_in(firms))
        trend.append(
            {
                "period": y,
                "revenue": float(w["revenue"].fill_null(0).sum()),
                "firms_reporting": int(w["revenue"].is_not_null().sum()),
            }
        )
    trend = [t for t in trend if t["firms_reporting"] > 0]
    latest = trend[-1]["revenue"] if trend else 0.0
    cagr = None
    if len(trend) >= 2 and trend[0]["revenue"] > 0 and latest > 0:
        cagr = (latest / trend[0]["revenue"]) ** (1 / (len(trend) - 1)) - 1
    reached = [m for m in pack.milestones if latest >= m]
    target = pack.target_revenue
    years_to = None
    if latest >= target:
        years_to = 0.0
    elif cagr and cagr > 0 and latest > 0:
        years_to = round(math.log(target / latest) / math.log(1 + cagr), 1)
    return {
        "latest_revenue": latest,
        "target_revenue": target,
        "target_label": scale_label(target),
        "level": scale_label(max(reached)) if reached else "未达百亿级",
        "progress": latest / target if target else None,
        "cagr": cagr,
        "years_to_target": years_to,
        "trend": trend,
    }


def scale_label(yuan: float) -> str:
    if yuan >= 1e12:
        return f"{yuan / 1e12:g}万亿级"
    if yuan >= 1e11:
        return f"{yuan / 1e11:g}千亿级".replace("1千亿级", "千亿级")
    return f"{yuan / 1e10:g}百亿级".replace("1百亿级", "百亿级")


def firm_list(con: duckdb.DuckDBPyConnection, pack: Pack) -> list[dict]:
    tags = store.effective_tags(con, pack.id)
    names = store.enterprise_texts(con).select("uscc", "name", "town")
    out = []
    for r in (
        tags.join(names, on="uscc", how="left")
        .sort(["node_id", "confidence"], descending=[False, True])
        .iter_rows(named=True)
    ):
        ev = json.loads(r["evidence"] or "[]")
        out.append(
            {
                "node": r["node_id"],
                "uscc": r["uscc"],
                "name": r["name"],
                "town": r["town"],
                "confidence": r["confidence"],
                "primary": r["is_primary"],
                "source": r["source"],
                "evidence": "；".join(f"{e.get('section', '')}:{e.get('text', '')}" for e in ev[:4]),
            }
        )
    return out
