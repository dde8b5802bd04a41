"""One firm of a stored cultivation run: every condition (value, threshold, gap, clause), route, score item and
the source file of every value it read. Shared by ``gaoxin explain`` and the web."""

from __future__ import annotations

import duckdb
import polars as pl

from gaoxin import fields as F
from gaoxin.store import queries
from gaoxin.store import registries as store_registries
from gaoxin.store import runs as store_runs

from .english import english, english_aspect, english_unit
from .kind import KIND, years_of
from .types import VERDICT_LABELS

# a condition's stored score → its state (run_item keeps 1 / 0.5 / 0 / missing)
STATE_OF_SCORE = {1.0: "pass", 0.5: "expert", 0.0: "fail", None: "missing"}
STATE_LABEL = {"pass": "符合", "expert": "待专家评分", "fail": "不符合", "missing": "数据缺失"}


def explanation(con: duckdb.DuckDBPyConnection, run: dict, code: str) -> dict | None:
    """One firm in a cultivation run: every condition (value, threshold, gap, clause), route, score item and
    the source file of every value it read."""
    res = store_runs.run_results(con, run["run_id"])
    row = res.filter(res["uscc"] == code)
    if row.height == 0:
        return None
    r = row.to_dicts()[0]
    scheme = KIND.stored_scheme(con, run)
    items = store_runs.run_items(con, run["run_id"], code).to_dicts()
    by_item = {it["item"]: it for it in items}
    conditions = []
    for c in scheme.conditions:
        it = by_item.get(f"condition.{c.id}")
        if it is None:
            continue
        state = STATE_OF_SCORE.get(it["score"], "missing")
        conditions.append(
            {
                "id": c.id,
                "title": c.title,
                "aspect": c.aspect,
                "state": state,
                "state_label": STATE_LABEL[state],
                "value": it["value"],
                "threshold": it["benchmark"],
                "unit": c.unit,
                "op": c.op,
                "gap": it["raw_score"],
                "gap_unit": scheme.lever(c.levers[0]).unit if c.levers else "",
                "note": it["note"],
                "ref": c.ref,
                "clause": it["clause"],
            }
        )
    routes = [
        {"id": rt.id, "title": rt.title, "ref": rt.ref} for rt in scheme.routes if f"route.{rt.id}" in by_item
    ]
    groups = {g.id: g for g in scheme.groups}
    points = []
    for itm in scheme.items:
        it = by_item.get(f"item.{itm.id}")
        if it is None:
            continue
        points.append(
            {
                "id": itm.id,
                "title": itm.title,
                "group": groups[itm.group].title,
                "judged": itm.judged,
                "value": it["value"],
                "unit": itm.unit,
                "min": it["raw_score"],
                "max": it["score"],
                "full": itm.max,
                "band": it["note"],
                "ref": itm.ref,
            }
        )
    group_rows = [
        {
            "id": g.id,
            "title": g.title,
            "min": by_item[f"group.{g.id}"]["raw_score"],
            "max": by_item[f"group.{g.id}"]["score"],
            "cap": g.max,
        }
        for g in scheme.groups
        if f"group.{g.id}" in by_item
    ]
    _add_english(conditions, points, group_rows)
    cert = by_item.get("certificate")
    years = years_of(run["period"], scheme.scheme.years)
    fields = sorted(scheme.referenced_fields())
    facts = queries.firm_facts(con, code, years, run.get("max_batch_id"))
    facts = facts.filter(pl.col("indicator").is_in(fields)).sort(
        "indicator", "period", descending=[False, True]
    )
    sources = [
        {
            "field": f["indicator"],
            "label": F.BY_NAME[f["indicator"]].label,
            "label_en": F.BY_NAME[f["indicator"]].label_en,
            "period": f["period"],
            "value": f["value"],
            "display": _display(F.BY_NAME[f["indicator"]], f["value"]),
            "unit": F.BY_NAME[f["indicator"]].shown_unit,
            "unit_en": english_unit(F.BY_NAME[f["indicator"]].shown_unit),
            "batch_id": f["batch_id"],
            "file": f["file_name"],
            "sheet": f["sheet"],
            "row": f["row_no"],
        }
        for f in facts.iter_rows(named=True)
    ]
    return {
        "run_id": run["run_id"],
        "kind": "cultivation",
        "scheme": run["scheme_id"],
        "title": run["summary"]["title"],
        "title_en": scheme.scheme.title_en,
        "period": run["period"],
        "uscc": code,
        "name": r["name"],
        "town": r["town"],
        "verdict": r["class_final"],
        "verdict_label": VERDICT_LABELS.get(r["class_final"], r["class_final"]),
        "verdict_without_routes": r["class_initial"],
        "rank": r["rank"],
        "pool_size": r["list_size"],
        "list": r["list_id"],
        "score_min": r["score"],
        "score_max": r["base_score"],
        "expert_needed": r["adjustment"],
        "reasons": r["reasons"],
        "reasons_en": english(pl.Series([r["reasons"]], dtype=pl.Utf8))[0],
        "conditions": conditions,
        "routes": routes,
        "items": points,
        "groups": group_rows,
        "certificate": None
        if cert is None
        else {
            "issued_year": cert["value"],
            "expires_year": cert["numerator"],
            "status": cert["note"],
            "status_en": english(pl.Series([cert["note"]], dtype=pl.Utf8))[0],
        },
        "sources": sources,
        "talent": talent_info(con, code, int(str(run["period"])[:4])),
    }


LEVEL_TITLES = {"国家": "国家级", "省": "省级", "市": "市级", "区": "区级"}
LEVEL_EN = {"国家级": "national", "省级": "provincial", "市级": "city", "区级": "district"}
MODE_EN = {"全职": "full-time", "柔性": "flexible", "未注明": "not stated"}


def talent_info(con: duckdb.DuckDBPyConnection, uscc: str, year: int) -> dict:
    """The firm's people on the 人才 register (selected by the data year), by programme level and mode: shown
    beside the conditions as information — no built-in scheme's 认定办法 counts 人才计划 members (科技人员 and
    研发人员 are staff counts of the 科技局 file)."""
    found = store_registries.talent_counts(con, uscc, year)
    by_level: dict[str, int] = {}
    by_mode: dict[str, int] = {}
    for r in found.iter_rows(named=True):
        lvl = LEVEL_TITLES.get(r["level"], r["level"])
        by_level[lvl] = by_level.get(lvl, 0) + int(r["n"])
        by_mode[r["mode"]] = by_mode.get(r["mode"], 0) + int(r["n"])
    total = sum(by_level.values())
    text = (
        f"人才登记：截至 {year} 年入选 {total} 人（"
        + "，".join(f"{k} {v}" for k, v in by_level.items())
        + "；"
        + "，".join(f"{k} {v}" for k, v in by_mode.items())
        + "）"
        if total
        else f"人才登记：截至 {year} 年无本企业入选人员"
    )
    text_en = (
        f"Talent register: {total} selected by {year} ("
        + ", ".join(f"{LEVEL_EN.get(k, k)} {v}" for k, v in by_level.items())
        + "; "
        + ", ".join(f"{MODE_EN.get(k, k)} {v}" for k, v in by_mode.items())
        + ")"
        if total
        else f"Talent register: nobody of the firm selected by {year}"
    )
    return {
        "year": year,
        "count": total,
        "by_level": by_level,
        "by_mode": by_mode,
        "text": text,
        "text_en": text_en,
        "counts_in_scheme": False,
    }


def _add_english(conditions: list[dict], points: list[dict], groups: list[dict]) -> None:
    """`_en` beside each Chinese text (titles, notes, band texts), translated in one column per kind."""
    for rows, keys in (
        (conditions, ("title", "note")),
        (points, ("title", "group", "band")),
        (groups, ("title",)),
    ):
        for key in keys:
            found = english(pl.Series([r[key] for r in rows], dtype=pl.Utf8)).to_list() if rows else []
            for r, en in zip(rows, found, strict=True):
                r[f"{key}_en"] = en
    for c in conditions:
        c["aspect_en"] = english_aspect(c["aspect"])
        c["unit_en"], c["gap_unit_en"] = english_unit(c["unit"]), english_unit(c["gap_unit"])
    for p in points:
        p["unit_en"] = english_unit(p["unit"])


def _display(fld: F.Field, value: float) -> str:
    if fld.kind == F.FLAG:
        return fld.display(value)
    return f"{fld.to_display(value):,.2f}".rstrip("0").rstrip(".")
