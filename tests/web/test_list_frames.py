"""List pages worked in memory (`gaoxin.web.list_frames`) are the pages the SQL of `store.enterprise_list`
gives over the same view table: the same firms in the same order with the same columns and 规上 basis, and
the same count — for any filters, search, sort, direction, page and page size, with a run and without."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoxin.evaluations.mujun import run_mujun
from gaoxin.store import connect, enterprise_list, rows, webcache
from gaoxin.store import runs as store_runs
from gaoxin.web.list_frames import ListFrame
from gaoxin.web.queries import WebCache


@pytest.fixture(scope="module")
def views(demo_store, tmp_path_factory):
    con = connect(demo_store.copy(tmp_path_factory.mktemp("frames") / "s.duckdb"))
    webcache.attach(con)
    cache = WebCache(SimpleNamespace(write_lock=threading.RLock()))
    run = store_runs.get_run(con, run_mujun(con, "default", "2025").run_id)
    out = {}
    for r in (None, run):
        table = cache.view(con, r)
        out[r["run_id"] if r else None] = (table, ListFrame(enterprise_list.view_frame(con, table)))
    names = [x[0] for x in rows(con, f"SELECT name FROM webcache.{out[None][0]} ORDER BY uscc")]
    initials = [x[0] for x in rows(con, f"SELECT initials FROM webcache.{out[None][0]} ORDER BY uscc")]
    usccs = [x[0] for x in rows(con, f"SELECT uscc FROM webcache.{out[None][0]} ORDER BY uscc")]
    towns = sorted({x[0] for x in rows(con, f"SELECT town FROM webcache.{out[None][0]}") if x[0]})
    yield SimpleNamespace(
        con=con, out=out, run_id=run["run_id"], names=names, initials=initials, usccs=usccs, towns=towns
    )
    con.close()


def test_the_sql_orders_are_worked_from_the_same_table():
    """`SORTS` (SQL) comes from `SORT_KEYS`, the table the in-memory pages sort by: the fixed directions, NULLS
    LAST and the class places read as the list's SQL always read."""
    assert set(enterprise_list.SORTS) == set(enterprise_list.SORT_KEYS)
    assert enterprise_list.SORTS["class"] == (
        "CASE f.class_final WHEN 'A' THEN 1 WHEN 'B' THEN 2 WHEN 'C' THEN 3 WHEN 'D' THEN 4 WHEN 'T' THEN 5 END {d} "
        "NULLS LAST, f.score DESC NULLS LAST, f.name_order"
    )
    assert enterprise_list.SORTS["rank"] == "f.list_id NULLS LAST, f.rank {d} NULLS LAST, f.uscc"
    assert enterprise_list.SORTS["town"] == "f.town {d} NULLS LAST, f.name_order"


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_pages_in_memory_are_the_sql_pages(views, data):
    with_run = data.draw(st.booleans())
    run_id = views.run_id if with_run else None
    table, frame = views.out[run_id]
    i = data.draw(st.integers(0, len(views.names) - 1))
    q = data.draw(
        st.sampled_from(
            [
                "",
                "",
                views.names[i][1:4],
                views.initials[i][:3],
                views.usccs[i][:10],
                views.usccs[i][:10].lower(),
                " 有限 ",
                "zzzz",
                "9",
            ]
        )
    )
    query = enterprise_list.ListQuery(
        q=q,
        town=data.draw(st.sampled_from(["", "", *views.towns[:4], "无此镇"])),
        industry=data.draw(st.sampled_from(["", "", "3", "39", "C", "7"])),
        klass=data.draw(st.sampled_from(["", "", "A", "B", "D", "T"])),
        scale=data.draw(st.sampled_from(["", "above", "below"])),
        run_id=run_id,
        sort=data.draw(st.sampled_from(sorted(enterprise_list.SORTS))),
        desc=data.draw(st.booleans()),
        page=data.draw(st.integers(1, 8)),
        size=data.draw(st.integers(1, 60)),
        scope_town=data.draw(st.sampled_from([None, None, views.towns[0]])),
    )
    items, basis, total = frame.page(query)
    want_items, want_basis = enterprise_list.page_with_basis(views.con, table, query)
    assert items == want_items, query
    assert basis == want_basis, query
    assert total == enterprise_list.count(views.con, table, query), query


def test_the_whole_list_in_every_order(views):
    """Unfiltered, each order in one page of everything: the SQL order row for row (ties included)."""
    table, frame = views.out[views.run_id]
    n = len(views.usccs)
    for sort in enterprise_list.SORTS:
        for desc in (False, True):
            query = enterprise_list.ListQuery(run_id=views.run_id, sort=sort, desc=desc, size=n)
            assert frame.page(query)[0] == enterprise_list.page_with_basis(views.con, table, query)[0], (
                sort,
                desc,
            )
