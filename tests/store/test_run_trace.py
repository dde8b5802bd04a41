"""The compact run trace (run_trace + run_item_def + run_note behind the run_item view)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.evaluations import mujun as service
from gaoxin.store import connect, frame, one, rows, runs
from gaoxin.store.db import transaction
from gaoxin.store.schema import MIGRATIONS

ITEM_SELECT = (
    "SELECT uscc, item, value, numerator, denominator, benchmark, raw_score, score, weight, note, clause "
    "FROM run_item WHERE run_id = ? ORDER BY uscc, item"
)


def _meta(run_id: str) -> dict:
    return {
        "run_id": run_id,
        "kind": "mujun",
        "scheme_id": "s",
        "scheme_sha256": run_id,
        "data_fingerprint": "f",
        "period": "2025",
        "params": {},
    }


def _results(codes: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"uscc": codes, "list_id": ["规上"] * len(codes), "score": [1.0] * len(codes)})


def test_long_items_round_trip_through_the_view(tmp_path):
    con = connect(tmp_path / "s.duckdb")
    long = pl.DataFrame(
        {
            "uscc": ["B", "A", "A", "B", "A"],
            "item": ["x", "x", "y", "policy.p", "y"],
            "value": [1.5, None, 2.0, 30.0, 3.0],
            "weight": [30.0, 30.0, None, None, None],
            "note": ["", "分子数据缺失", None, None, "分子数据缺失"],
            "clause": ["c.x", "c.x", "c.y", "policy.p", "c.y2"],
        }
    )
    assert runs.write_run(con, _meta("r1"), _results(["A", "B"]), long, "text")
    got = rows(
        con,
        "SELECT uscc, item, value, weight, note, clause FROM run_item WHERE run_id = 'r1' "
        "ORDER BY uscc, item, clause",
    )
    want = sorted(long.rows(), key=lambda r: (r[0], r[1], r[5]))
    assert got == want
    # texts are stored once per run: 4 distinct (item, weight, clause), 2 distinct notes
    assert one(con, "SELECT count(*) FROM run_item_def WHERE run_id = 'r1'")[0] == 4
    assert one(con, "SELECT count(*) FROM run_note WHERE run_id = 'r1'")[0] == 2
    assert rows(con, "SELECT uscc, firm FROM run_result WHERE run_id = 'r1' ORDER BY firm") == [
        ("A", 0),
        ("B", 1),
    ]


def test_trace_rows_for_firms_outside_the_results_are_refused(tmp_path):
    con = connect(tmp_path / "s.duckdb")
    long = pl.DataFrame({"uscc": ["A", "Z"], "item": ["x", "x"], "value": [1.0, 2.0]})
    try:
        runs.write_run(con, _meta("r1"), _results(["A"]), long, "text")
    except ValueError as exc:
        assert "Z" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected a ValueError")
    assert one(con, "SELECT count(*) FROM run")[0] == 0


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4),
            st.sampled_from(["a", "b", "c"]),
            st.one_of(st.none(), st.floats(-1e6, 1e6)),
            st.sampled_from([None, "", "n1", "n2"]),
            st.sampled_from([None, 10.0, 20.0]),
        ),
        min_size=0,
        max_size=30,
        unique_by=lambda t: (t[0], t[1]),
    )
)
def test_compact_trace_keeps_every_row(rows_in):
    codes = [f"U{i}" for i in range(5)]
    long = pl.DataFrame(
        {
            "uscc": [codes[r[0]] for r in rows_in],
            "item": [r[1] for r in rows_in],
            "value": [r[2] for r in rows_in],
            "note": [r[3] for r in rows_in],
            "weight": [r[4] for r in rows_in],
            "clause": [f"k.{r[1]}" for r in rows_in],
        },
        schema={
            "uscc": pl.Utf8,
            "item": pl.Utf8,
            "value": pl.Float64,
            "note": pl.Utf8,
            "weight": pl.Float64,
            "clause": pl.Utf8,
        },
    )
    trace = runs.compact_trace(_results(codes), long)
    back = trace.rows.join(trace.items, on="item_no", how="left").join(trace.notes, on="note_no", how="left")
    back = back.with_columns(
        pl.Series("uscc", np.asarray(codes)[back.get_column("firm").to_numpy()], dtype=pl.Utf8)
    )
    assert sorted(back.select(long.columns).rows(), key=repr) == sorted(long.rows(), key=repr)


def test_stored_mujun_trace_equals_the_result_trace(demo_store, tmp_path):
    con = connect(demo_store.copy(tmp_path / "z.duckdb"))  # the 300-firm demo store; this test writes a run
    outcome = service.run_mujun(con, "zj-huangyan-2022", "2025")
    assert list(outcome.seconds) == ["check", "read", "evaluate", "frames", "write"]
    assert all(v >= 0 for v in outcome.seconds.values())
    result = outcome.result
    cols = result.trace_columns(strings=True)
    item_keys = np.asarray([it.key for it in result.items], dtype=object)
    want = pl.DataFrame(
        {
            "uscc": result.uscc[cols["firm"]].astype(str),
            "item": item_keys[cols["item"]].astype(str),
            **{
                k: cols[k]
                for k in ("value", "numerator", "denominator", "benchmark", "raw_score", "score", "weight")
            },
            "note": cols["note"].astype(str),
            "clause": cols["clause"].astype(str),
        }
    ).with_columns(pl.col(pl.Float64).fill_nan(None))
    for pid, amount in result.policy.items():
        idx = np.flatnonzero(np.nan_to_num(amount) != 0)
        want = pl.concat(
            [
                want,
                pl.DataFrame(
                    {
                        "uscc": result.uscc[idx].astype(str),
                        "item": f"policy.{pid}",
                        "value": amount[idx],
                        "clause": f"policy.{pid}",
                    }
                ),
            ],
            how="diagonal_relaxed",
        )
    assert want.height > 3 * 300 * 0.5
    got = frame(con, ITEM_SELECT, [outcome.run_id])
    assert got.rows() == want.sort("uscc", "item").select(got.columns).rows()


def test_migration_6_moves_old_run_items_into_the_compact_trace(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
    )
    for version, description, sql in MIGRATIONS:
        if version < 6:
            with transaction(con):
                con.execute(sql)
                con.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)",
                    [version, description, datetime(2026, 1, 1)],
                )
    old_items = [
        ("r1", "B", "x", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 30.0, "", "c.x"),
        ("r1", "A", "x", None, None, None, None, None, 0.0, 30.0, "分子数据缺失", "c.x"),
        ("r1", "A", "policy.p", 12.5, None, None, None, None, None, None, None, "policy.p"),
        ("r2", "A", "x", 7.0, None, None, None, None, 1.0, 20.0, "", "c.x"),
    ]
    con.executemany("INSERT INTO run_item VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", old_items)
    con.executemany(
        "INSERT INTO run_result (run_id, uscc, list_id, score) VALUES (?, ?, ?, ?)",
        [("r1", "A", "规上", 1.0), ("r1", "B", "规上", 2.0), ("r2", "A", "规上", 3.0)],
    )
    con.close()

    con = connect(tmp_path / "old.duckdb")  # applies migration 6
    got = rows(con, "SELECT * FROM run_item ORDER BY run_id, uscc, item")
    assert got == sorted(old_items, key=lambda r: (r[0], r[1], r[2]))
    assert rows(con, "SELECT run_id, uscc, firm FROM run_result ORDER BY run_id, firm") == [
        ("r1", "A", 0),
        ("r1", "B", 1),
        ("r2", "A", 0),
    ]
    assert (
        one(
            con,
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'run_item' "
            "AND table_type = 'VIEW'",
        )[0]
        == 1
    )


def test_text_columns_for_the_cores_keep_values_and_missing():
    from gaoxin.store.queries import _text_array

    cases = [[None] * 20, ["椒江", None] * 10, [], ["a", "b", "c"], [f"镇{i % 3}" for i in range(30)]]
    for values in cases:
        got = _text_array(pl.Series("town", values, dtype=pl.Utf8))
        assert got.dtype == object and got.tolist() == values


@given(
    sizes=st.lists(st.integers(0, 400), min_size=1, max_size=6),
    firms=st.integers(1, 400),
    group=st.integers(1, 300),
    seed=st.integers(0, 2**16),
)
@settings(max_examples=60, deadline=None)
def test_the_mujun_trace_is_clustered_by_firm_and_keeps_every_row(sizes, firms, group, seed):
    """Item blocks cut into firm ranges of about one row group each, range after range: the same rows, every
    range's firms below the next range's, the blocks in their order inside a range."""
    from gaoxin.evaluations.mujun import frames

    rng = np.random.default_rng(seed)
    parts = [
        pl.DataFrame(
            {
                "firm": np.sort(rng.choice(firms, size=min(n, firms), replace=False)).astype(np.int32),
                "item_no": np.full(min(n, firms), j, dtype=np.int32),
            }
        )
        for j, n in enumerate(sizes)
    ]
    out = frames.by_firm_range(parts, firms, group)
    whole = pl.concat(out) if out else pl.DataFrame(schema={"firm": pl.Int32, "item_no": pl.Int32})
    assert whole.sort("item_no", "firm").equals(pl.concat(parts).sort("item_no", "firm"))
    total = sum(p.height for p in parts)
    step = max(1, group * firms // max(total, 1))
    ranges = whole.with_columns((pl.col("firm") // step).alias("range"))
    assert ranges.get_column("range").is_sorted()  # range after range
    for _, r in ranges.group_by("range", maintain_order=True):
        assert r.get_column("item_no").is_sorted()  # the blocks in their order inside a range


def test_a_stored_clustered_trace_is_read_by_firm_from_one_or_two_row_groups(tmp_path):
    """60,000 firms × 6 items (360,000 trace rows, three row groups' worth): stored range after range, each
    row group holds a narrow band of firms, and one firm's trace read scans at most two row groups — where
    item-major rows put every firm in every row group."""
    from gaoxin.evaluations.mujun import frames

    con = connect(tmp_path / "s.duckdb")
    n, items = 60_000, 6
    parts = [
        pl.DataFrame({"firm": np.arange(n, dtype=np.int32), "item_no": np.full(n, j, dtype=np.int32)})
        for j in range(items)
    ]
    trace = runs.Trace(
        runs.trace_table(pl.concat(frames.by_firm_range(parts, n), rechunk=False)),
        pl.DataFrame({"item_no": range(items), "item": [f"i{j}" for j in range(items)]}).with_columns(
            pl.lit(None, dtype=pl.Float64).alias("weight"), pl.lit(None, dtype=pl.Utf8).alias("clause")
        ),
        pl.DataFrame(schema=runs.dtypes(runs.NOTE_COLUMNS)),
    )
    codes = [f"91330000{i:010d}" for i in range(n)]
    assert runs.write_run(con, _meta("r1"), _results(codes), trace, "text")
    con.execute("CHECKPOINT")
    spans = [
        r[0]
        for r in rows(
            con,
            """SELECT stats FROM pragma_storage_info('run_trace')
               WHERE column_name = 'firm' AND segment_type <> 'VALIDITY'""",
        )
    ]
    assert len(spans) >= 3
    bands = [int(st["max"]) - int(st["min"]) for st in spans]
    assert max(bands) < n / 2, bands  # item-major: every band ≈ n
    assert one(con, "SELECT count(*) FROM run_trace WHERE firm = 31234")[0] == items
    text = rows(con, "EXPLAIN ANALYZE SELECT * FROM run_trace WHERE run_id = 'r1' AND firm = 31234")[0][1]
    scanned, groups = (int(x) for x in text.split("Row Groups Scanned:")[1].split("│")[0].split("/"))
    assert groups >= 3 and scanned <= 2, text
    con.close()
