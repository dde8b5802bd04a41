"""Zone benchmarking (园区对标) as a registered evaluation kind: a ranking run reads a period's zone matrix, ranks
the zones and stores per-zone results (``run_result.uscc`` holds the zone id), per-indicator and per-dimension
rows (``run_item``: ``ind.<id>``; ``dim.<id>`` with the dimension rank in ``value``), and in its summary the
top-N lists, the home zone's diagnosis, the rank intervals and the zone attributes as ranked."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from gaoxin import zone_fields as Z
from gaoxin.evaluations.runs import Computed, Plan, RegisteredKind, RunError, Stopwatch
from gaoxin.jsonable import jsonable
from gaoxin.schemes import ZoneScheme
from gaoxin.store import runs as store_runs
from gaoxin.store import zones as store_zones

from .evaluate import ZoneData, ZoneResult, evaluate
from .reports import diagnose, top_lists
from .robustness import robustness

KIND_NAME = "zone"


def resolve_period(con: duckdb.DuckDBPyConnection, period: str | None) -> str:
    known = store_zones.zone_periods(con)
    if not known:
        raise RunError(
            "数据库中还没有园区数据：先用 gaoxin import 文件 --source zone 导入园区指标表（或运行 gaoxin demo）"
        )
    if not period:
        return known[-1]
    if period not in known:
        raise RunError(f"数据库中没有 {period} 年度的园区数据（已有年度：{', '.join(known)}）")
    return period


def period_data(con: duckdb.DuckDBPyConnection, period: str, max_batch: int | None = None) -> ZoneData:
    ids = list(Z.IDS)
    base, values, _batches = store_zones.zone_matrix(con, period, ids, max_batch)
    col = {c: base.get_column(c).to_numpy() for c in store_zones.ZONE_COLUMNS}
    return ZoneData(
        col["zone_id"],
        col["name"],
        values,
        ids,
        col["province"],
        col["city"],
        col["level"],
        col["zone_type"],
        col["is_home"].astype(bool),
    )


def resolve_zone(con: duckdb.DuckDBPyConnection, ref: str | None) -> str | None:
    if ref is None:
        return store_zones.home_zone(con)
    found = store_zones.find_zone(con, ref)
    if found is None:
        raise RunError(f"没有名为或编号为「{ref}」的园区（gaoxin zones 查看已导入的园区）")
    return found


def _ranked(result: ZoneResult, zone_id: str) -> bool:
    try:
        result.position(zone_id)
        return True
    except KeyError:
        return False


class ZoneKind(RegisteredKind):
    name = KIND_NAME
    model = ZoneScheme

    def accepts(self, scheme) -> bool:
        return isinstance(scheme, ZoneScheme)

    def wrong_kind(self, ref, scheme) -> str:
        return (
            f'方案 {ref} 不是园区对标方案（kind = "{scheme.scheme.kind}"）；'
            '园区对标可用 miit-2024、most-2021、most-2013、zone-entropy-topsis 或 kind = "zone" 的方案文件'
        )

    def plan(self, con, scheme: ZoneScheme, period: str | None, options: dict) -> Plan:
        period = resolve_period(con, period)
        home_id = resolve_zone(con, options.get("home"))
        draws, seed = options.get("draws"), options.get("seed")
        params = {
            "period": period,
            "home": home_id,
            "draws": draws or scheme.robustness.draws,
            "seed": scheme.robustness.seed if seed is None else seed,
        }
        return Plan(period, params, store_zones.zone_fingerprint(con, period))

    def max_batch(self, con: duckdb.DuckDBPyConnection) -> int | None:
        return store_zones.max_zone_batch(con)

    def compute(self, con, scheme: ZoneScheme, plan: Plan, max_batch, watch: Stopwatch) -> Computed:
        period, params, home_id = plan.period, plan.params, plan.params["home"]
        data = period_data(con, period, max_batch)
        watch.lap("read")
        try:
            result = evaluate(scheme, data, period)
        except ValueError as exc:
            raise RunError(str(exc)) from exc
        watch.lap("evaluate")
        ranked_home = home_id if home_id is not None and _ranked(result, home_id) else None
        summary = {
            "title": scheme.scheme.title,
            "kind": KIND_NAME,
            "n": result.m,
            "status": scheme.scheme.status,
            "method": scheme.method.aggregation,
            "weighting": scheme.method.weighting,
            "total": scheme.method.total,
            "dimensions": [
                {"id": d.id, "no": d.no, "title": d.title, "weight": float(w)}
                for d, w in zip(scheme.dimensions, result.dimension_weights, strict=True)
            ],
            "indicators": indicator_meta(result),
            "zones": {
                str(z): [
                    data.name[i],
                    data.province[i],
                    data.city[i],
                    data.zone_type[i],
                    bool(data.is_home[i]),
                ]
                for i, z in enumerate(data.zone_id)
            },
            "excluded": [
                {"zone_id": str(data.zone_id[i]), "name": str(data.name[i]), "reason": why}
                for i, why in sorted(result.excluded.items())
            ],
            "top_lists": top_lists(result, indicators=None),
            "shown_lists": scheme.report.top_lists or [s.id for s in scheme.indicators[:6]],
            "home": diagnose(result, ranked_home) if ranked_home else None,
            "home_note": (
                None if home_id is None or ranked_home else f"本区 {home_id} 不在 {period} 年度的排名中"
            ),
            "robustness": None,
            "notes": result.notes + scheme.warnings(),
        }
        rob, _res = robustness(result, ranked_home, draws=params["draws"], seed=params["seed"])
        summary["robustness"] = rob
        results, items = result_frames(result)
        return Computed(result, jsonable(summary), results, items)

    def explain(self, con: duckdb.DuckDBPyConnection, run: dict, subject: str) -> dict | None:
        """One zone of a ranking run: its total and rank, and per dimension and indicator the stored value,
        normalised value, points and clause (the home zone's diagnosis comes with the run's summary)."""
        payload = rank_payload(con, run)
        zone = next((z for z in payload["zones"] if subject in (z["zone_id"], z["name"])), None)
        if zone is None:
            return None
        items = store_runs.run_items(con, run["run_id"], zone["zone_id"]).to_dicts()
        meta = {f"ind.{m['id']}": m for m in payload["indicators"]}
        for it in items:
            m = meta.get(it["item"])
            if m is not None:
                it["title"], it["unit"] = m["title"], m["unit"]
        home = payload.get("home")
        return {
            "run_id": run["run_id"],
            "kind": KIND_NAME,
            "scheme": run["scheme_id"],
            "period": run["period"],
            **zone,
            "items": items,
            "diagnosis": home if home and home.get("zone_id") == zone["zone_id"] else None,
        }

    def workbook(self, con: duckdb.DuckDBPyConnection, run: dict, out: Path) -> Path:
        from gaoxin.reports.zone_xlsx import write_rank_xlsx

        return write_rank_xlsx(con, run, out)


KIND = ZoneKind()


def indicator_meta(result: ZoneResult) -> list[dict]:
    dims = result.scheme.dimensions
    return [
        {
            "id": s.id,
            "no": s.no or s.info.no,
            "title": s.info.label,
            "unit": s.info.unit,
            "kind": s.info.kind,
            "direction": "lower" if result.types[j] < 0 else "higher",
            "dimension": dims[result.dim_of[j]].id,
            "multiplier": s.multiplier,
            "points": float(result.points[j]),
            "weight": float(result.weights[j]),
            "worst": _f(result.worst[j]),
            "best": _f(result.best[j]),
            "status": s.status,
        }
        for j, s in enumerate(result.scheme.indicators)
    ]


def result_frames(result: ZoneResult) -> tuple[pl.DataFrame, pl.DataFrame]:
    """run_result rows (ranked and excluded zones) and run_item rows (indicators and dimensions), vectorised."""
    ids = result.zone_ids().astype(str)
    m, n = result.X.shape
    d = len(result.scheme.dimensions)
    ranked = pl.DataFrame(
        {
            "uscc": ids,
            "list_id": ["参评"] * m,
            "score": result.total,
            "rank": result.rank.astype(np.int32),
            "class_initial": [None] * m,
            "class_final": [None] * m,
            "reasons": [None] * m,
            "land_mu": [None] * m,
            "base_score": result.total,
            "adjustment": [None] * m,
            "list_size": np.full(m, m, np.int32),
        },
        schema_overrides={
            "class_initial": pl.Utf8,
            "class_final": pl.Utf8,
            "reasons": pl.Utf8,
            "land_mu": pl.Float64,
            "adjustment": pl.Float64,
        },
    )
    out = [ranked]
    if result.excluded:
        rows = sorted(result.excluded.items())
        out.append(
            pl.DataFrame(
                {
                    "uscc": [str(result.data.zone_id[i]) for i, _ in rows],
                    "list_id": [None] * len(rows),
                    "reasons": [r for _, r in rows],
                },
                schema_overrides={"list_id": pl.Utf8},
            )
        )
    results = pl.concat(out, how="diagonal_relaxed")
    specs = result.scheme.indicators
    clause = [
        f"{result.scheme.dimensions[result.dim_of[j]].id}.{s.no or s.info.no}" for j, s in enumerate(specs)
    ]
    missing = np.isnan(result.X)
    why = "缺失：按最差参照值计" if result.scheme.method.aggregation == "goalpost" else "缺失：插补"
    note = pl.Series("note", missing.ravel()).replace_strict({True: why, False: None}, return_dtype=pl.Utf8)
    ind = pl.DataFrame(
        {
            "uscc": np.repeat(ids, n),
            "item": np.tile([f"ind.{s.id}" for s in specs], m),
            "value": result.X.ravel(),
            "numerator": np.full(m * n, np.nan),
            "denominator": np.full(m * n, np.nan),
            "benchmark": np.tile(result.best, m),
            "raw_score": result.U.ravel(),
            "score": result.item_scores.ravel(),
            "weight": np.tile(result.points, m),
            "note": note,
            "clause": np.tile(clause, m),
        }
    )
    dims = pl.DataFrame(
        {
            "uscc": np.repeat(ids, d),
            "item": np.tile([f"dim.{x.id}" for x in result.scheme.dimensions], m),
            "value": result.dim_ranks.ravel(),
            "numerator": np.full(m * d, np.nan),
            "denominator": np.full(m * d, np.nan),
            "benchmark": np.full(m * d, np.nan),
            "raw_score": np.full(m * d, np.nan),
            "score": result.dim_scores.ravel(),
            "weight": np.tile(result.dimension_weights, m),
            "note": ["value = 维度名次"] * (m * d),
            "clause": np.tile([x.id for x in result.scheme.dimensions], m),
        }
    )
    items = pl.concat([ind, dims]).with_columns(pl.col(pl.Float64).fill_nan(None))
    return results, items


def rank_payload(con: duckdb.DuckDBPyConnection, run: dict) -> dict:
    """The ``gaoxin rank --json`` answer, rebuilt from a stored run."""
    s = run["summary"]
    res = store_zones.zone_run_results(con, run["run_id"])
    dims = store_zones.zone_dimensions(con, run["run_id"])
    by_zone: dict[str, dict] = {}
    for r in dims.iter_rows(named=True):
        by_zone.setdefault(r["zone_id"], {})[r["dim"]] = {"score": r["score"], "rank": int(r["rank"])}
    order = [d["id"] for d in s["dimensions"]]
    zones = []
    for r in res.filter(pl.col("rank").is_not_null()).iter_rows(named=True):
        name, province, city, zone_type, is_home = s["zones"].get(
            r["zone_id"], [r["zone_id"], None, None, None, False]
        )
        zones.append(
            {
                "zone_id": r["zone_id"],
                "name": name,
                "province": province,
                "city": city,
                "zone_type": zone_type,
                "is_home": is_home,
                "score": r["score"],
                "rank": r["rank"],
                "dimensions": [{"id": k, **by_zone.get(r["zone_id"], {}).get(k, {})} for k in order],
            }
        )
    return {
        "run_id": run["run_id"],
        "scheme": {"id": run["scheme_id"], "title": s["title"], "status": s.get("status")},
        "period": run["period"],
        "n": s["n"],
        "method": s.get("method"),
        "dimensions": s["dimensions"],
        "zones": zones,
        "excluded": s.get("excluded", []),
        "top_lists": [t for t in s["top_lists"] if t["indicator"] in s.get("shown_lists", [])]
        or s["top_lists"],
        "all_top_lists": s["top_lists"],
        "home": s.get("home"),
        "home_note": s.get("home_note"),
        "robustness": s.get("robustness"),
        "indicators": s["indicators"],
        "notes": s.get("notes", []),
        "created_at": run.get("created_at"),
    }


def _f(v) -> float | None:
    v = float(v)
    return None if math.isnan(v) else v
