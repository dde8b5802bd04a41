"""The web's read queries: the enterprise list (paged, sorted and filtered in SQL), overview aggregates,
run comparison, and the in-memory look-up tables that keep them fast at 100k firms.

`webcache.firm` is enterprise ⋈ pinyin initials ⋈ latest 规上 status, rebuilt when the store's data
version (last batch id, enterprise count) changes. `webcache.run_firm` holds one row per firm of each run
viewed (runs are immutable, so it is built once per run). Both live in an attached in-memory database and
are never written to the store file; `name_index` (pinyin initials) is kept in the store because computing
initials for 100k names takes seconds.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl
from pypinyin import Style, lazy_pinyin

from gaoxin.jsonable import jsonable
from gaoxin.store import one, queries, rows
from gaoxin.store.imports import staged

CLASSES = ("A", "B", "C", "D", "T")
MAX_VIEWS = 6
RANKED = ("A", "B", "C", "D")


def initials(name: str | None) -> str:
    """Pinyin initials for search: 江苏捷佳机器人有限公司 → jsjjjqryxgs (Latin letters and digits kept)."""
    if not name:
        return ""
    parts = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return "".join(ch for ch in "".join(parts).lower() if ch.isascii() and ch.isalnum())


# ---- look-up tables ----------------------------------------------------------------------------------
class WebCache:
    def __init__(self, store):
        self.store = store
        self.lock = threading.Lock()
        self.version: tuple | None = None
        self.runs: set[str] = set()
        self.views: dict[str, str] = {}  # run id ('' = none) → table of the list joined with that run
        self.stale: list[str] = []
        self.generation = 0
        self.towns: list[str] = []
        self.industries: list[tuple[str, str]] = []

    def data_version(self, cur: duckdb.DuckDBPyConnection) -> tuple:
        return one(
            cur,
            "SELECT (SELECT coalesce(max(batch_id), 0) FROM import_batch), (SELECT count(*) FROM enterprise)",
        )

    def ensure(self, cur: duckdb.DuckDBPyConnection) -> None:
        """Make `webcache.firm` current (cheap when nothing changed)."""
        version = self.data_version(cur)
        if version == self.version:
            return
        with self.lock:
            if version == self.version:
                return
            self._refresh_names(cur)
            cur.execute(f"""
                CREATE OR REPLACE TABLE webcache.firm AS
                SELECT e.uscc, e.name, coalesce(n.initials, '') AS initials, e.town, e.industry_code,
                       e.industry_name, e.registered_on, e.above_scale
                FROM ({queries.ENTERPRISE_SQL}) e LEFT JOIN name_index n ON n.uscc = e.uscc
                ORDER BY e.uscc""")
            # a request may still read a view of the previous generation: drop the one before it
            for name in self.stale:
                cur.execute(f"DROP TABLE IF EXISTS webcache.{name}")
            self.stale = list(self.views.values())
            self.views = {}
            self.generation += 1
            self.towns = [
                r[0]
                for r in rows(
                    cur, "SELECT DISTINCT town FROM webcache.firm WHERE town IS NOT NULL ORDER BY town"
                )
            ]
            self.industries = rows(
                cur,
                """
                SELECT left(industry_code, 2) AS code, arg_min(industry_name, industry_code) AS name
                FROM webcache.firm WHERE industry_code IS NOT NULL GROUP BY 1 ORDER BY 1""",
            )
            self.version = version

    def _refresh_names(self, cur: duckdb.DuckDBPyConnection) -> None:
        todo = rows(
            cur,
            """SELECT e.uscc, e.name FROM enterprise e LEFT JOIN name_index n USING (uscc)
                            WHERE n.uscc IS NULL OR n.name IS DISTINCT FROM e.name""",
        )
        if not todo:
            return
        df = pl.DataFrame(
            {
                "uscc": [r[0] for r in todo],
                "name": [r[1] for r in todo],
                "initials": [initials(r[1]) for r in todo],
            },
            schema={"uscc": pl.Utf8, "name": pl.Utf8, "initials": pl.Utf8},
        )
        with self.store.write_lock, staged(cur, "staged_names", df):
            cur.execute("INSERT OR REPLACE INTO name_index SELECT uscc, name, initials FROM staged_names")

    def ensure_run(self, cur: duckdb.DuckDBPyConnection, run: dict) -> None:
        run_id = run["run_id"]
        if run_id in self.runs:
            return
        with self.lock:
            if run_id in self.runs:
                return
            keys = indicator_keys(run)
            cur.execute("""CREATE TABLE IF NOT EXISTS webcache.run_firm (
                run_id VARCHAR, uscc VARCHAR, list_id VARCHAR, score DOUBLE, rank INTEGER, class_initial VARCHAR,
                class_final VARCHAR, reasons VARCHAR, land_mu DOUBLE, tax_per_mu DOUBLE, va_per_mu DOUBLE)""")
            cur.execute("DELETE FROM webcache.run_firm WHERE run_id = ?", [run_id])
            cur.execute(
                """INSERT INTO webcache.run_firm
                   SELECT r.run_id, r.uscc, r.list_id, r.score, r.rank, r.class_initial, r.class_final, r.reasons,
                          r.land_mu, i.tax_per_mu, i.va_per_mu
                   FROM run_result r LEFT JOIN (
                       SELECT t.firm, max(t.value) FILTER (WHERE list_contains(?, d.item)) AS tax_per_mu,
                              max(t.value) FILTER (WHERE list_contains(?, d.item)) AS va_per_mu
                       FROM run_trace t JOIN run_item_def d ON d.run_id = t.run_id AND d.item_no = t.item_no
                       WHERE t.run_id = ? GROUP BY t.firm) i ON i.firm = r.firm
                   WHERE r.run_id = ?""",
                [keys["tax_per_mu"] or [""], keys["va_per_mu"] or [""], run_id, run_id],
            )
            self.runs.add(run_id)

    def view(self, cur: duckdb.DuckDBPyConnection, run: dict | None) -> str:
        """A table holding the enterprise list with one run's result columns (one table scan per page view
        instead of a join); built on first use, the least recently built dropped beyond `MAX_VIEWS`."""
        self.ensure(cur)
        key = run["run_id"] if run else ""
        name = self.views.get(key)
        if name is not None:
            return name
        if run:
            self.ensure_run(cur, run)
        with self.lock:
            name = self.views.get(key)
            if name is not None:
                return name
            name = f"v{self.generation}_" + (re.sub(r"[^0-9a-zA-Z]", "", key)[:32] or "none")
            join, params = (
                ("LEFT JOIN webcache.run_firm r ON r.uscc = f.uscc AND r.run_id = ?", [key])
                if run
                else (
                    "LEFT JOIN (SELECT NULL::VARCHAR AS uscc, NULL::VARCHAR AS list_id, NULL::DOUBLE AS score, "
                    "NULL::INTEGER AS rank, NULL::VARCHAR AS class_final, NULL::DOUBLE AS land_mu, "
                    "NULL::DOUBLE AS tax_per_mu) r ON false",
                    [],
                )
            )
            cur.execute(
                f"""CREATE OR REPLACE TABLE webcache.{name} AS
                SELECT f.uscc, f.name, f.initials, f.town, f.industry_code, f.industry_name, f.above_scale,
                       r.list_id, r.score, r.rank, r.class_final, r.land_mu, r.tax_per_mu
                FROM webcache.firm f {join}""",
                params,
            )
            self.views[key] = name
            while len(self.views) > MAX_VIEWS:
                oldest = next(iter(self.views))
                cur.execute(f"DROP TABLE IF EXISTS webcache.{self.views.pop(oldest)}")
            return name

    def forget(self) -> None:
        self.version = None


def indicator_keys(run: dict) -> dict[str, list[str]]:
    """Run item keys of 亩均税收 / 亩均增加值 in each list (by indicator id or title)."""
    out: dict[str, list[str]] = {"tax_per_mu": [], "va_per_mu": []}
    titles = {"tax_per_mu": "亩均税收", "va_per_mu": "亩均增加值"}
    for it in (run.get("summary") or {}).get("items", []):
        if it.get("kind", "indicator") != "indicator":
            continue
        key = str(it.get("key", ""))
        for name, title in titles.items():
            if key.split(".")[-1] == name or it.get("title") == title:
                out[name].append(key)
    return out


# ---- runs --------------------------------------------------------------------------------------------
MUJUN = "mujun"  # the pages show 亩均 runs; other kinds (cultivation, zones) are listed on the runs page only


def list_runs(cur: duckdb.DuckDBPyConnection, kind: str | None = MUJUN) -> list[dict]:
    where, params = ("WHERE kind = ?", [kind]) if kind else ("", [])
    out = []
    for r in rows(
        cur,
        f"""SELECT run_id, kind, scheme_id, scheme_sha256, period, created_at, summary_json
                           FROM run {where} ORDER BY created_at DESC, run_id""",
        params,
    ):
        summary = json.loads(r[6] or "{}")
        out.append(
            {
                "run_id": r[0],
                "kind": r[1],
                "scheme_id": r[2],
                "scheme_sha256": r[3],
                "period": r[4],
                "created_at": r[5],
                "title": summary.get("title", r[2]),
                "n": summary.get("n"),
                "counts": summary.get("counts", {}),
            }
        )
    return out


def compared_runs(
    cur: duckdb.DuckDBPyConnection, cache: WebCache, a: str, b: str
) -> tuple[dict, dict] | None:
    """The two 亩均 runs of a comparison with their cached result tables ready; None when either is unknown."""
    run_a, run_b = get_run(cur, a), get_run(cur, b)
    if run_a is None or run_b is None:
        return None
    cache.ensure(cur)
    cache.ensure_run(cur, run_a)
    cache.ensure_run(cur, run_b)
    return run_a, run_b


def get_run(cur: duckdb.DuckDBPyConnection, run_id: str, kind: str | None = MUJUN) -> dict | None:
    found = rows(
        cur,
        "SELECT run_id, kind, scheme_id, scheme_sha256, period, created_at, summary_json, "
        "data_fingerprint, max_batch_id FROM run WHERE run_id = ?",
        [run_id],
    )
    if not found or (kind and found[0][1] != kind):
        return None
    r = found[0]
    return {
        "run_id": r[0],
        "kind": r[1],
        "scheme_id": r[2],
        "scheme_sha256": r[3],
        "period": r[4],
        "created_at": r[5],
        "summary": json.loads(r[6] or "{}"),
        "data_fingerprint": r[7],
        "max_batch_id": r[8],
    }


# ---- the enterprise list -------------------------------------------------------------------------------
SORTS = {
    "name": "f.initials {d} NULLS LAST, f.name {d}",
    "uscc": "f.uscc {d}",
    "town": "f.town {d} NULLS LAST, f.initials",
    "industry": "f.industry_code {d} NULLS LAST, f.initials",
    "scale": "f.above_scale {d} NULLS LAST, f.initials",
    "class": "CASE f.class_final WHEN 'A' THEN 1 WHEN 'B' THEN 2 WHEN 'C' THEN 3 WHEN 'D' THEN 4 "
    "WHEN 'T' THEN 5 END {d} NULLS LAST, f.score DESC NULLS LAST",
    "score": "f.score {d} NULLS LAST, f.uscc",
    "rank": "f.list_id NULLS LAST, f.rank {d} NULLS LAST, f.uscc",
    "land": "f.land_mu {d} NULLS LAST, f.uscc",
    "tax_per_mu": "f.tax_per_mu {d} NULLS LAST, f.uscc",
}
_USCC_CHARS = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{4,18}$")


@dataclass
class ListQuery:
    q: str = ""
    town: str = ""
    industry: str = ""
    klass: str = ""
    scale: str = ""  # above | below | ""
    run_id: str | None = None
    sort: str = "name"
    desc: bool = False
    page: int = 1
    size: int = 50
    scope_town: str | None = None  # forced by a town user's role

    def where(self) -> tuple[str, list]:
        parts, params = [], []
        town = self.scope_town or self.town
        if town:
            parts.append("f.town = ?")
            params.append(town)
        if self.industry:
            parts.append("starts_with(f.industry_code, ?)")
            params.append(self.industry)
        if self.scale == "above":
            parts.append("f.above_scale")
        elif self.scale == "below":
            parts.append("NOT coalesce(f.above_scale, false)")
        if self.klass and self.run_id:
            parts.append("f.class_final = ?")
            params.append(self.klass)
        q = self.q.strip()
        if q:
            alts, qp = ["contains(f.name, ?)"], [q]
            up = q.upper()
            if _USCC_CHARS.match(up):
                alts.append("starts_with(f.uscc, ?)")
                qp.append(up)
            low = q.lower()
            if low.isascii() and low.isalnum():
                alts.append("contains(f.initials, ?)")
                qp.append(low)
            parts.append("(" + " OR ".join(alts) + ")")
            params += qp
        return ("WHERE " + " AND ".join(parts)) if parts else "", params

    def order(self) -> str:
        sql = SORTS.get(self.sort, SORTS["name"])
        return sql.format(d="DESC" if self.desc else "ASC")


LIST_COLUMNS = (
    "uscc",
    "name",
    "town",
    "industry_code",
    "industry_name",
    "above_scale",
    "list_id",
    "score",
    "rank",
    "class_final",
    "land_mu",
    "tax_per_mu",
)


def list_page(cur: duckdb.DuckDBPyConnection, table: str, query: ListQuery) -> tuple[int, list[dict]]:
    """(total matching, the rows of the requested page) from a `WebCache.view` table."""
    where, params = query.where()
    total = one(cur, f"SELECT count(*) FROM webcache.{table} f {where}", params)[0]
    found = rows(
        cur,
        f"SELECT {', '.join(LIST_COLUMNS)} FROM webcache.{table} f {where} ORDER BY {query.order()} "
        "LIMIT ? OFFSET ?",
        params + [query.size, (query.page - 1) * query.size],
    )
    return total, [dict(zip(LIST_COLUMNS, r, strict=True)) for r in found]


def list_all(cur: duckdb.DuckDBPyConnection, table: str, query: ListQuery, limit: int) -> list[dict]:
    where, params = query.where()
    found = rows(
        cur,
        f"SELECT {', '.join(LIST_COLUMNS)} FROM webcache.{table} f {where} ORDER BY {query.order()} LIMIT ?",
        params + [limit],
    )
    return [dict(zip(LIST_COLUMNS, r, strict=True)) for r in found]


def firm_town(cur: duckdb.DuckDBPyConnection, uscc: str) -> tuple[bool, str | None]:
    """(exists, town) from the store itself, for access checks."""
    found = one(cur, "SELECT town FROM enterprise WHERE uscc = ?", [uscc])
    return (found is not None, found[0] if found else None)


def identity(cur: duckdb.DuckDBPyConnection, uscc: str) -> dict | None:
    """The profile's attributes (the latest 规上 status from the look-up table) and its parcels."""
    keys = (
        "uscc",
        "name",
        "town",
        "industry_code",
        "industry_name",
        "registered_on",
        "business_scope",
        "main_products",
        "batch_id",
        "attr_source",
        "file_name",
    )
    found = one(
        cur,
        f"""SELECT {", ".join("e." + k for k in keys[:-1])}, b.file_name
                         FROM enterprise e LEFT JOIN import_batch b USING (batch_id) WHERE e.uscc = ?""",
        [uscc],
    )
    if found is None:
        return None
    out = dict(zip(keys, found, strict=True))
    scale = one(cur, "SELECT above_scale FROM webcache.firm WHERE uscc = ?", [uscc])
    out["above_scale"] = scale[0] if scale else None
    pkeys = (
        "parcel_id",
        "period",
        "area_mu",
        "leased_out_mu",
        "leased_in_mu",
        "land_use",
        "batch_id",
        "row_no",
    )
    out["parcels"] = [
        dict(zip(pkeys, r, strict=True))
        for r in rows(
            cur, f"SELECT {', '.join(pkeys)} FROM parcel WHERE uscc = ? ORDER BY period, parcel_id", [uscc]
        )
    ]
    return out


# ---- overview ------------------------------------------------------------------------------------------
def _scope(town: str | None) -> tuple[str, list]:
    return ("AND f.town = ?", [town]) if town else ("", [])


def overview(cur: duckdb.DuckDBPyConnection, run: dict, town: str | None, prev: dict | None) -> dict:
    rid = run["run_id"]
    sc, sp = _scope(town)
    base = f"FROM webcache.run_firm r LEFT JOIN webcache.firm f ON f.uscc = r.uscc WHERE r.run_id = ? {sc}"
    by_list = rows(
        cur, f"SELECT coalesce(r.list_id, 'T'), r.class_final, count(*) {base} GROUP BY ALL", [rid] + sp
    )
    lists = sorted({r[0] for r in by_list if r[0] != "T"})
    counts = {c: 0 for c in CLASSES}
    matrix = {lst: {c: 0 for c in RANKED} for lst in lists}
    for lst, cls, n in by_list:
        counts[cls] = counts.get(cls, 0) + n
        if lst != "T" and cls in RANKED:
            matrix[lst][cls] += n
    by_town = rows(
        cur,
        f"SELECT coalesce(f.town, '—'), r.class_final, count(*) {base} GROUP BY ALL ORDER BY 1",
        [rid] + sp,
    )
    towns: dict[str, dict[str, int]] = {}
    for t, cls, n in by_town:
        towns.setdefault(t, {c: 0 for c in CLASSES})[cls] = n
    dist = {}
    for col in ("tax_per_mu", "va_per_mu"):
        vals = np.asarray(
            [r[0] for r in rows(cur, f"SELECT r.{col} {base} AND r.{col} IS NOT NULL", [rid] + sp)],
            dtype=float,
        )
        dist[col] = histogram(vals)
    top, bottom = {}, {}
    cols = "r.uscc, f.name, f.town, r.score, r.rank, r.class_final"
    for lst in lists:
        top[lst] = rows(
            cur,
            f"SELECT {cols} {base} AND r.list_id = ? AND r.rank IS NOT NULL ORDER BY r.rank LIMIT 10",
            [rid] + sp + [lst],
        )
        bottom[lst] = rows(
            cur,
            f"SELECT {cols} {base} AND r.list_id = ? AND r.rank IS NOT NULL ORDER BY r.rank DESC LIMIT 10",
            [rid] + sp + [lst],
        )
    change = transitions(cur, prev["run_id"], rid, town) if prev else None
    return {
        "counts": counts,
        "lists": lists,
        "matrix": matrix,
        "towns": towns,
        "dist": dist,
        "top": top,
        "bottom": bottom,
        "change": change,
        "total": sum(counts.values()),
    }


def histogram(vals: np.ndarray, bins: int = 20) -> dict:
    """Bins over the 1st–99th percentile (a few extreme firms would squash the rest into one bar)."""
    vals = vals[np.isfinite(vals)]
    if vals.size == 0:
        return {"labels": [], "counts": [], "n": 0, "median": None, "mean": None}
    lo, hi = np.percentile(vals, [1, 99]) if vals.size >= 50 else (vals.min(), vals.max())
    lo = min(lo, 0.0) if lo >= 0 and lo < (hi - lo) * 0.1 else lo
    if not hi > lo:
        hi = lo + 1.0
    edges = np.linspace(lo, hi, bins + 1)
    counts, _ = np.histogram(np.clip(vals, lo, hi), edges)
    digits = 0 if hi - lo >= 40 else (1 if hi - lo >= 4 else 2)
    labels = [f"{edges[i]:.{digits}f}–{edges[i + 1]:.{digits}f}" for i in range(bins)]
    return {
        "labels": labels,
        "counts": [int(c) for c in counts],
        "n": int(vals.size),
        "median": float(np.median(vals)),
        "mean": float(vals.mean()),
    }


def transitions(cur: duckdb.DuckDBPyConnection, run_a: str, run_b: str, town: str | None) -> dict:
    """Class of each firm in run A × its class in run B (firms in both)."""
    sc, sp = _scope(town)
    found = rows(
        cur,
        f"""
        SELECT a.class_final, b.class_final, count(*)
        FROM webcache.run_firm a JOIN webcache.run_firm b ON b.uscc = a.uscc AND b.run_id = ?
        LEFT JOIN webcache.firm f ON f.uscc = a.uscc
        WHERE a.run_id = ? {sc} GROUP BY ALL""",
        [run_b, run_a] + sp,
    )
    matrix = {a: {b: 0 for b in CLASSES} for a in CLASSES}
    up = down = same = 0
    for a, b, n in found:
        matrix.setdefault(a, {c: 0 for c in CLASSES})[b] = n
        if a == b:
            same += n
        elif a in RANKED and b in RANKED:
            if RANKED.index(b) < RANKED.index(a):
                up += n
            else:
                down += n
    return {"matrix": matrix, "up": up, "down": down, "same": same, "both": sum(r[2] for r in found)}


def movers(
    cur: duckdb.DuckDBPyConnection, run_a: str, run_b: str, town: str | None, limit: int = 500
) -> list[dict]:
    """Firms whose class differs between two runs, with the item whose score moved most ("why")."""
    sc, sp = _scope(town)
    found = rows(
        cur,
        f"""
        WITH m AS (
            SELECT a.uscc, f.name, f.town, a.class_final AS class_a, b.class_final AS class_b,
                   a.score AS score_a, b.score AS score_b, b.reasons AS reasons_b, a.reasons AS reasons_a
            FROM webcache.run_firm a JOIN webcache.run_firm b ON b.uscc = a.uscc AND b.run_id = ?
            LEFT JOIN webcache.firm f ON f.uscc = a.uscc
            WHERE a.run_id = ? AND a.class_final IS DISTINCT FROM b.class_final {sc}
        ),
        -- items compared by indicator id without the list prefix: a firm may change list (规下 → 规上)
        items AS (
            SELECT run_id, uscc, substr(item, strpos(item, '.') + 1) AS key, score FROM run_item
            WHERE run_id IN (?, ?) AND uscc IN (SELECT uscc FROM m) AND NOT starts_with(item, 'policy.')
        ),
        d AS (
            SELECT coalesce(ib.uscc, ia.uscc) AS uscc, coalesce(ib.key, ia.key) AS item,
                   coalesce(ib.score, 0) - coalesce(ia.score, 0) AS delta
            FROM (SELECT * FROM items WHERE run_id = ?) ib
            FULL JOIN (SELECT * FROM items WHERE run_id = ?) ia ON ia.uscc = ib.uscc AND ia.key = ib.key
        ),
        top AS (SELECT uscc, arg_max(item, abs(delta)) AS item, max_by(delta, abs(delta)) AS delta
                FROM d GROUP BY uscc)
        SELECT m.*, top.item, top.delta FROM m LEFT JOIN top USING (uscc)
        ORDER BY CASE WHEN m.class_a IN ('A','B','C','D') AND m.class_b IN ('A','B','C','D')
                      THEN abs(ascii(m.class_a) - ascii(m.class_b)) ELSE 0 END DESC,
                 abs(coalesce(m.score_b, 0) - coalesce(m.score_a, 0)) DESC, m.uscc
        LIMIT ?""",
        [run_b, run_a] + sp + [run_a, run_b, run_b, run_a, limit],
    )
    keys = (
        "uscc",
        "name",
        "town",
        "class_a",
        "class_b",
        "score_a",
        "score_b",
        "reasons_b",
        "reasons_a",
        "item",
        "delta",
    )
    return [dict(zip(keys, r, strict=True)) for r in found]


# ---- profile -------------------------------------------------------------------------------------------
def all_facts(cur: duckdb.DuckDBPyConnection, uscc: str) -> list[dict]:
    """Every value ever imported for the firm (in force or superseded), newest batch first."""
    keys = (
        "period",
        "indicator",
        "value",
        "unit",
        "batch_id",
        "source",
        "file_name",
        "sheet",
        "row_no",
        "current",
    )
    # the firm's rows first (MATERIALIZED keeps the point look-up apart from the join, so an index on
    # fact(uscc) or facts clustered by uscc make it cheap), then their batches
    found = rows(
        cur,
        """WITH f AS MATERIALIZED (SELECT * FROM fact WHERE uscc = ?)
                         SELECT f.period, f.indicator, f.value, f.unit, f.batch_id, b.source, b.file_name, f.sheet,
                                f.row_no, NOT f.superseded
                         FROM f JOIN import_batch b USING (batch_id)
                         ORDER BY f.period DESC, f.indicator, f.batch_id DESC""",
        [uscc],
    )
    return [dict(zip(keys, r, strict=True)) for r in found]


def firm_result(cur: duckdb.DuckDBPyConnection, run_id: str, uscc: str) -> dict | None:
    keys = (
        "list_id",
        "score",
        "rank",
        "class_initial",
        "class_final",
        "reasons",
        "land_mu",
        "base_score",
        "adjustment",
        "list_size",
    )
    found = one(
        cur, f"SELECT {', '.join(keys)} FROM run_result WHERE run_id = ? AND uscc = ?", [run_id, uscc]
    )
    return dict(zip(keys, found, strict=True)) if found else None


def firm_items(cur: duckdb.DuckDBPyConnection, run_id: str, uscc: str) -> list[dict]:
    keys = (
        "item",
        "value",
        "numerator",
        "denominator",
        "benchmark",
        "raw_score",
        "score",
        "weight",
        "note",
        "clause",
    )
    # both keys filter: run items are written per run in credit-code order, so zone maps prune well
    found = rows(
        cur,
        f"SELECT {', '.join(keys)} FROM run_item WHERE run_id = ? AND uscc = ? ORDER BY clause, item",
        [run_id, uscc],
    )
    return [dict(zip(keys, r, strict=True)) for r in found]


def firm_history(cur: duckdb.DuckDBPyConnection, uscc: str) -> list[dict]:
    keys = (
        "run_id",
        "scheme_id",
        "period",
        "created_at",
        "list_id",
        "score",
        "rank",
        "class_final",
        "reasons",
    )
    found = rows(
        cur,
        """WITH r AS MATERIALIZED (SELECT * FROM run_result WHERE uscc = ?)
                         SELECT r.run_id, run.scheme_id, run.period, run.created_at, r.list_id, r.score, r.rank,
                                r.class_final, r.reasons
                         FROM r JOIN run USING (run_id) WHERE run.kind = 'mujun'
                         ORDER BY run.period, run.created_at""",
        [uscc],
    )
    return [dict(zip(keys, r, strict=True)) for r in found]


clean = jsonable  # one JSON rule for CLI, API and pages (gaoxin.jsonable)
