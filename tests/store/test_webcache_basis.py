"""The enterprise list's 规上 basis comes with the list view (`webcache.scale_basis`, built once per data
version): it is `store.scale_basis.scale_basis` of every firm, and an import that changes a firm's 规上 status
shows on the next list read. Counts of a view are remembered per view table and follow a new data version."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from gaoxin.ingest.importer import commit_all, prepare_all
from gaoxin.store import connect, enterprise_list, rows, webcache
from gaoxin.store.scale_basis import scale_basis
from gaoxin.web.queries import WebCache


def _open(demo_store, tmp_path):
    con = connect(demo_store.copy(tmp_path / "demo.duckdb"))
    webcache.attach(con)
    return con, WebCache(SimpleNamespace(write_lock=threading.RLock()))


def _everyone(con, cache) -> tuple[int, list[dict], dict[str, dict]]:
    n = rows(con, "SELECT count(*) FROM enterprise")[0][0]
    query = enterprise_list.ListQuery(sort="uscc", size=n)
    table = cache.view(con, None)
    items, basis = enterprise_list.page_with_basis(con, table, query)
    return cache.count(con, table, query), items, basis


def test_the_view_carries_the_basis_of_every_firm(demo_store, tmp_path):
    con, cache = _open(demo_store, tmp_path)
    total, items, basis = _everyone(con, cache)
    firms = [i["uscc"] for i in items]
    assert total == len(firms) and firms == sorted(firms)
    assert basis == scale_basis(con, firms) and len(basis) > 10  # the demo zone has its 规上 firms
    # the page is the list page's rows, the basis only beside them
    assert enterprise_list.list_page(
        con, cache.view(con, None), enterprise_list.ListQuery(sort="uscc", size=20)
    ) == (
        total,
        items[:20],
    )
    con.close()


def test_an_import_changes_the_basis_and_the_counts(demo_store, tmp_path):
    con, cache = _open(demo_store, tmp_path)
    total, _, before = _everyone(con, cache)
    uscc = next(u for u, v in before.items() if v["above_scale"])
    later = str(int(before[uscc]["period"]) + 1)
    path = tmp_path / "统计局_规上名录.csv"
    path.write_text(f"年份,统一社会信用代码,是否规上\n{later},{uscc},否\n", encoding="utf-8")
    commit_all(con, prepare_all([path], source="stats"))
    total_after, items, after = _everyone(con, cache)
    assert after[uscc]["period"] == later and after[uscc]["above_scale"] is False
    assert after[uscc]["file_name"] == path.name
    assert after == scale_basis(con, [i["uscc"] for i in items])
    assert total_after == rows(con, "SELECT count(*) FROM enterprise")[0][0] >= total
    con.close()
