"""The enterprise list's 规上 basis comes with the list view (`webcache.scale_basis`, built once per data
version): it is `store.scale_basis.scale_basis` of every firm, and an import that changes a firm's 规上 status
shows on the next list read, and the counts follow a new data version."""

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
    return enterprise_list.count(con, table, query), items, basis


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


def test_run_look_ups_follow_a_new_run_and_an_official_mark(demo_store, tmp_path):
    """The list's default run and the run picker are kept until a run is added or a 正式评价 mark is set or
    withdrawn; each read equals the store's own answer."""
    from gaoxin.evaluations.mujun import run_mujun
    from gaoxin.store import official
    from gaoxin.store import runs as store_runs

    con, cache = _open(demo_store, tmp_path)
    first = run_mujun(con, "default", "2025").run_id
    assert cache.latest_run(con) == store_runs.latest_run(con) == first
    assert cache.run_summaries(con) == store_runs.run_summaries(con)
    second = run_mujun(con, "zj-huangyan-2022", "2025").run_id  # a newer run: the default moves to it
    assert cache.latest_run(con) == store_runs.latest_run(con) == second
    assert [r["run_id"] for r in cache.run_summaries(con)][:2] == [second, first]
    official.record(con, store_runs.find_run(con, first), "mark", "tester")  # the official run comes first
    assert cache.latest_run(con) == store_runs.latest_run(con) == first
    official.record(con, store_runs.find_run(con, first), "clear", "tester")
    assert cache.latest_run(con) == store_runs.latest_run(con) == second
    assert cache.get_run(con, first) == store_runs.get_run(con, first)
    assert cache.get_run(con, "no-such-run") is None
    con.close()


def test_what_pages_derive_from_runs_is_built_once_per_runs_version(demo_store, tmp_path):
    """`RunsState.derived` builds a value once while no run is added (one version check per page), and
    again after a new run — the 画像's year of tier runs equals the route's own reading each time."""
    from gaoxin.evaluations.cultivation import run_cultivation
    from gaoxin.web.routes.cultivation import year_runs

    con, cache = _open(demo_store, tmp_path)
    built = []

    def tiers():
        built.append(1)
        return year_runs(con, None)

    state = cache.runs_state(con)
    assert state.derived("tier_year", tiers) == (None, {}) == year_runs(con, None)  # no tier run yet
    assert cache.runs_state(con) is state and state.derived("tier_year", tiers) == (None, {})
    assert len(built) == 1
    run = run_cultivation(con, "hnte-2016", "2025")
    later = cache.runs_state(con)
    assert later is not state and later.version != state.version
    assert later.derived("tier_year", tiers) == ("2025", {"hnte-2016": run.run_id}) == year_runs(con, None)
    assert len(built) == 2
    con.close()


def _key(sort: str, desc: bool):
    """The order a user asked for, worked in Python: the sort column, missing values last in either
    direction (the tie-break is the caller's)."""

    def key(row):
        value = row[sort]
        missing = value is None
        if not missing and desc:
            # a text reversed: its code points negated, a shorter text after the longer ones it begins
            value = -value if isinstance(value, int | float) else (*(-ord(ch) for ch in value), 1)
        return (missing, 0 if missing else value)

    return key


def test_pages_follow_the_sort_and_never_repeat_or_skip_a_firm(demo_store, tmp_path):
    """Every page of every sort, read one after another, is the whole list exactly once, in the order asked
    for — ties (many firms share a town or a score) broken by the name order, so paging is stable."""
    from gaoxin.evaluations.mujun import run_mujun
    from gaoxin.store import runs as store_runs

    con, cache = _open(demo_store, tmp_path)
    run = store_runs.get_run(con, run_mujun(con, "default", "2025").run_id)
    table = cache.view(con, run)
    n = rows(con, f"SELECT count(*) FROM webcache.{table}")[0][0]
    names = rows(con, f"SELECT uscc FROM webcache.{table} ORDER BY initials, name, uscc")
    by_name = [r[0] for r in names]
    place = {u: i for i, u in enumerate(by_name)}
    for sort in ("name", "town", "score", "land", "uscc"):
        for desc in (False, True):
            pages = []
            for page in range(1, n // 37 + 2):
                query = enterprise_list.ListQuery(sort=sort, desc=desc, size=37, page=page)
                pages += enterprise_list.page_with_basis(con, table, query)[0]
            assert sorted(r["uscc"] for r in pages) == sorted(by_name), (sort, desc)  # each firm once
            if sort == "name":
                assert [r["uscc"] for r in pages] == (by_name[::-1] if desc else by_name)
                continue
            column = {"score": "score", "land": "land_mu", "town": "town", "uscc": "uscc"}[sort]
            shown = [{**r, "sort": r[column]} for r in pages]
            # ties: the credit code for figures (as the list always broke them), the name order for the town
            tie = place if sort == "town" else {u: u for u in by_name}
            want = sorted(shown, key=lambda r, tie=tie, desc=desc: (_key("sort", desc)(r), tie[r["uscc"]]))
            assert [r["uscc"] for r in shown] == [r["uscc"] for r in want], (sort, desc)
    con.close()
