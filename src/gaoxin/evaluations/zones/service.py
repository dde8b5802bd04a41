"""Zone rankings from the CLI and the web: rank (the one run recipe), what-if climbs and the zone list."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from gaoxin import zone_fields as Z
from gaoxin.evaluations.runs import RunError, load, run
from gaoxin.jsonable import jsonable
from gaoxin.store import runs as store_runs
from gaoxin.store import zones as store_zones

from .climb import climb
from .evaluate import evaluate
from .kind import KIND, _ranked, period_data, rank_payload, resolve_period, resolve_zone


@dataclass
class RankOutcome:
    run_id: str
    created: bool
    payload: dict


def run_rank(
    con: duckdb.DuckDBPyConnection,
    scheme_ref: str | Path,
    period: str | None = None,
    home: str | None = None,
    draws: int | None = None,
    seed: int | None = None,
) -> RankOutcome:
    """Rank the zones of ``period`` and store the run (or return the identical stored one)."""
    out = run(con, scheme_ref, period, expect=KIND.name, home=home, draws=draws, seed=seed)
    return RankOutcome(out.run_id, out.created, rank_payload(con, store_runs.find_run(con, out.run_id)))


def load_zone_scheme(ref: str | Path):
    scheme, text, sha = load(ref)
    if not KIND.accepts(scheme):
        raise RunError(KIND.wrong_kind(ref, scheme))
    return scheme, text, sha


def climb_zone(
    con: duckdb.DuckDBPyConnection,
    scheme_ref: str | Path,
    zone: str | None,
    to_rank: int,
    period: str | None = None,
    max_change: float = 0.5,
) -> dict:
    """What-if: the smallest set of improvements that moves the zone to rank ``to_rank`` (re-ranked and checked)."""
    scheme, _text, _sha = load_zone_scheme(scheme_ref)
    period = resolve_period(con, period)
    zone_id = resolve_zone(con, zone)
    if zone_id is None:
        raise RunError("没有指定园区，且数据库中没有标记为本区的园区：请用 --zone 园区名称")
    if not 0 < max_change <= 10:
        raise RunError("--max-change 应在 0 到 10 之间（0.5 = 每项最多改善今天值的 50%）")
    data = period_data(con, period)
    try:
        result = evaluate(scheme, data, period)
    except ValueError as exc:
        raise RunError(str(exc)) from exc
    if not _ranked(result, zone_id):
        why = (
            result.excluded.get(data.index_of(zone_id), "没有该年度数据")
            if zone_id in data.zone_id
            else "没有该年度数据"
        )
        raise RunError(f"园区 {zone_id} 不在 {period} 年度的排名中：{why}")
    if not 1 <= to_rank <= result.m:
        raise RunError(f"--to-rank 应在 1 到 {result.m} 之间")
    return jsonable(asdict(climb(result, zone_id, to_rank, max_change)))


def zone_list(con: duckdb.DuckDBPyConnection) -> list[dict]:
    df = store_zones.zones(con)
    counts = store_zones.zone_period_counts(con)
    return [
        {**r, "level": Z.LEVEL_LABELS.get(r["level"], r["level"]), "periods": counts.get(r["zone_id"], 0)}
        for r in df.to_dicts()
    ]
