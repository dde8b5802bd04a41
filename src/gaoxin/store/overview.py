"""The overview and the run comparison, aggregated in SQL over the cached run tables of `store.webcache`."""

from __future__ import annotations

import duckdb
import numpy as np

from .db import rows

CLASSES = ("A", "B", "C", "D", "T")
RANKED = ("A", "B", "C", "D")


def _scope(town: str | None) -> tuple[str, list]:
    return ("AND f.town = ?", [town]) if town else ("", [])


def overview(cur: duckdb.DuckDBPyConnection, run: dict, town: str | None, prev: dict | None) -> dict:
    """Class counts by list and town, the 亩均税收 / 亩均增加值 values (for histograms), top and bottom ten per
    list, and the class transitions against the previous run; read from the cached run tables."""
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
        dist[col] = np.asarray(
            [r[0] for r in rows(cur, f"SELECT r.{col} {base} AND r.{col} IS NOT NULL", [rid] + sp)],
            dtype=float,
        )
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
    return transition_summary(found)


def transition_summary(found) -> dict:
    """(class in A, class in B, firms) rows → the matrix and how many moved up, down or stayed."""
    matrix = {a: {b: 0 for b in CLASSES} for a in CLASSES}
    up = down = same = total = 0
    for a, b, n in found:
        matrix.setdefault(a, {c: 0 for c in CLASSES})[b] = n
        total += n
        if a == b:
            same += n
        elif a in RANKED and b in RANKED:
            if RANKED.index(b) < RANKED.index(a):
                up += n
            else:
                down += n
    return {"matrix": matrix, "up": up, "down": down, "same": same, "both": total}


def movers(
    cur: duckdb.DuckDBPyConnection,
    run_a: str,
    run_b: str,
    town: str | None,
    limit: int = 500,
    offset: int = 0,
) -> list[dict]:
    """Firms whose class differs between two runs, with the item whose score moved most ("why")."""
    sc, sp = _scope(town)
    order = """CASE WHEN class_a IN ('A','B','C','D') AND class_b IN ('A','B','C','D')
                      THEN abs(ascii(class_a) - ascii(class_b)) ELSE 0 END DESC,
                 abs(coalesce(score_b, 0) - coalesce(score_a, 0)) DESC, uscc"""
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
        p AS (SELECT * FROM m ORDER BY {order} LIMIT ? OFFSET ?),  -- the page first, its items after
        -- items compared by indicator id without the list prefix: a firm may change list (规下 → 规上)
        items AS (
            SELECT run_id, uscc, substr(item, strpos(item, '.') + 1) AS key, score FROM run_item
            WHERE run_id IN (?, ?) AND uscc IN (SELECT uscc FROM p) AND NOT starts_with(item, 'policy.')
        ),
        d AS (
            SELECT coalesce(ib.uscc, ia.uscc) AS uscc, coalesce(ib.key, ia.key) AS item,
                   coalesce(ib.score, 0) - coalesce(ia.score, 0) AS delta
            FROM (SELECT * FROM items WHERE run_id = ?) ib
            FULL JOIN (SELECT * FROM items WHERE run_id = ?) ia ON ia.uscc = ib.uscc AND ia.key = ib.key
        ),
        top AS (SELECT uscc, arg_max(item, abs(delta)) AS item, max_by(delta, abs(delta)) AS delta
                FROM d GROUP BY uscc)
        SELECT p.*, top.item, top.delta FROM p LEFT JOIN top USING (uscc) ORDER BY {order}""",
        [run_b, run_a] + sp + [limit, offset, run_a, run_b, run_b, run_a],
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


def compare_frames(cur: duckdb.DuckDBPyConnection, run_a: str, run_b: str) -> dict:
    """Every firm in both runs (town, classes, scores, reasons, list, rank and trace position in each): the
    comparison's transitions, movers and rank similarity are filtered, counted and paged from it in memory."""
    from .db import frame

    return {
        "both": frame(
            cur,
            """SELECT a.uscc, f.name, f.town, a.class_final AS class_a, b.class_final AS class_b,
                      a.score AS score_a, b.score AS score_b, a.reasons AS reasons_a, b.reasons AS reasons_b,
                      a.list_id AS list_a, b.list_id AS list_b, a.rank AS rank_a, b.rank AS rank_b,
                      a.firm AS firm_a, b.firm AS firm_b
               FROM run_result a JOIN run_result b ON b.uscc = a.uscc AND b.run_id = ?
               LEFT JOIN webcache.firm f ON f.uscc = a.uscc
               WHERE a.run_id = ?""",
            [run_b, run_a],
        )
    }


def top_items(
    cur: duckdb.DuckDBPyConnection, run_a: str, run_b: str, firms_a: list[int], firms_b: list[int]
) -> dict[int, tuple]:
    """position in A → (indicator id without the list prefix, score change B − A) of the item whose score
    moved most, for a page of firms given by their trace positions in A and B (index-friendly reads)."""
    if not firms_a:
        return {}
    found = rows(
        cur,
        """WITH pair AS (SELECT unnest(?::INTEGER[]) AS fa, unnest(?::INTEGER[]) AS fb),
           ia AS (SELECT p.fa, substr(d.item, strpos(d.item, '.') + 1) AS key, t.score
                  FROM run_trace t JOIN pair p ON p.fa = t.firm
                  JOIN run_item_def d ON d.run_id = t.run_id AND d.item_no = t.item_no
                  WHERE t.run_id = ? AND t.firm IN (SELECT fa FROM pair) AND NOT starts_with(d.item, 'policy.')),
           ib AS (SELECT p.fa, substr(d.item, strpos(d.item, '.') + 1) AS key, t.score
                  FROM run_trace t JOIN pair p ON p.fb = t.firm
                  JOIN run_item_def d ON d.run_id = t.run_id AND d.item_no = t.item_no
                  WHERE t.run_id = ? AND t.firm IN (SELECT fb FROM pair) AND NOT starts_with(d.item, 'policy.')),
           d AS (SELECT coalesce(ib.fa, ia.fa) AS fa, coalesce(ib.key, ia.key) AS item,
                        coalesce(ib.score, 0) - coalesce(ia.score, 0) AS delta
                 FROM ib FULL JOIN ia ON ia.fa = ib.fa AND ia.key = ib.key)
           SELECT fa, arg_max(item, abs(delta)), max_by(delta, abs(delta)) FROM d GROUP BY fa""",
        [firms_a, firms_b, run_a, run_b],
    )
    return {r[0]: (r[1], r[2]) for r in found}
