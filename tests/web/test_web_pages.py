"""Every page renders with the store's real numbers; the enterprise list searches, filters, sorts, pages and
exports in SQL; English with ?lang=en."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest

from gaoxin.store import one, rows
from gaoxin.store.queries import ENTERPRISE_SQL
from gaoxin.web.queries import initials

PAGES = [
    "/overview",
    "/enterprises",
    "/runs",
    "/schemes",
    "/schemes/default",
    "/imports",
    "/batches",
    "/admin/users",
]


@pytest.mark.parametrize("path", PAGES)
def test_admin_sees_every_page(clients, path):
    r = clients["root"].get(path)
    assert r.status_code == 200, r.text[:500]
    assert "<html" in r.text and "gaoxin" in r.text


def test_run_pages(clients, world):
    c = clients["root"]
    for path in (
        f"/overview?run={world.run_old}",
        f"/runs/{world.run_new}",
        f"/runs/{world.run_new}/scheme",
        f"/runs/compare?a={world.run_old}&b={world.run_new}",
        f"/imports/batches/{world.batch_ids[1]}",
        f"/enterprises/{world.my_firm}",
        f"/enterprises/{world.my_firm}?run={world.run_old}",
    ):
        r = c.get(path)
        assert r.status_code == 200, (path, r.text[:300])


@pytest.mark.parametrize(
    "path",
    [
        "/enterprises/91110000600037341L",
        "/runs/nope",
        "/runs/nope/scheme",
        "/overview?run=nope",
        "/schemes/nope",
        "/imports/batches/9999",
        "/runs/compare?a=nope&b=nope",
        "/no-such-page",
    ],
)
def test_unknown_things_are_404(clients, path):
    r = clients["root"].get(path)
    assert r.status_code == 404
    assert "页面不存在" in r.text


def test_a_missing_run_page_says_what_to_do_and_the_api_keeps_its_detail(clients):
    c = clients["root"]
    page = c.get("/runs/compare?a=nope&b=nope")
    assert page.status_code == 404 and "请从「评价」页面重新选择" in page.text
    try:
        assert "Pick a run on the Runs page" in c.get("/runs/nope?lang=en").text
    finally:
        c.get("/?lang=zh")  # the language sticks in a cookie of this shared client
    api = c.get("/api/runs/compare?a=nope&b=nope")
    assert api.status_code == 404 and api.json() == {"detail": "run not found"}


def _store(shared_app):
    return shared_app.state.store.cursor()


def test_overview_counts_match_the_run(clients, world, shared_app):
    r = clients["root"].get(f"/overview?run={world.run_new}")
    cur = _store(shared_app)
    counts = dict(
        rows(cur, "SELECT class_final, count(*) FROM run_result WHERE run_id = ? GROUP BY 1", [world.run_new])
    )
    data = json.loads(re.search(r'id="chart-classes-data">(.*?)</script>', r.text, re.S).group(1))
    shown = [d["value"] for d in data["series"][0]["data"]]
    assert shown == [counts.get(c, 0) for c in "ABCDT"]
    # the previous year's run is found and the transition table covers the firms of both runs
    both = one(
        cur,
        "SELECT count(*) FROM run_result a JOIN run_result b USING (uscc) "
        "WHERE a.run_id = ? AND b.run_id = ?",
        [world.run_old, world.run_new],
    )[0]
    assert f"两次评价中都有的企业 {both}" in r.text
    for chart in ("chart-classes", "chart-towns", "chart-tax", "chart-va"):
        assert f'data-chart="{chart}-data"' in r.text
    assert "/static/vendor/echarts.min.js" in r.text


def test_profile_shows_facts_with_batches_items_and_radar(clients, world, shared_app):
    r = clients["root"].get(f"/enterprises/{world.my_firm}?run={world.run_new}")
    assert r.status_code == 200
    cur = _store(shared_app)
    files = {
        x[0]
        for x in rows(
            cur,
            "SELECT DISTINCT b.file_name FROM fact f JOIN import_batch b USING (batch_id) WHERE f.uscc = ?",
            [world.my_firm],
        )
    }
    assert files and all(f in r.text for f in files)
    n_facts = one(cur, "SELECT count(*) FROM fact WHERE uscc = ?", [world.my_firm])[0]
    facts_section = r.text.split('id="facts"')[1]
    assert facts_section.count("<tr") - 1 == n_facts  # every value, superseded ones included
    benchmarks = rows(
        cur,
        "SELECT benchmark FROM run_item WHERE run_id = ? AND uscc = ? AND benchmark IS NOT NULL",
        [world.run_new, world.my_firm],
    )
    assert benchmarks
    assert "逐项得分" in r.text and "基准值" in r.text and "权重" in r.text
    radar = json.loads(re.search(r'id="chart-radar-data">(.*?)</script>', r.text, re.S).group(1))
    assert radar["series"][0]["type"] == "radar" and len(radar["radar"]["indicator"]) >= 2
    assert "历次评价" in r.text and world.run_old in r.text  # history across runs
    assert "万元" in r.text  # money in 万元


def test_what_if_fragment(clients, world):
    r = clients["root"].get(f"/enterprises/{world.my_firm}/what-if?run={world.run_new}&to=A")
    assert r.status_code == 200
    assert "<html" not in r.text
    assert "需达到" in r.text or "已是" in r.text or "不参评" in r.text or "error" in r.text


def test_what_if_rejects_bad_target(clients, world):
    assert (
        clients["root"].get(f"/enterprises/{world.my_firm}/what-if?run={world.run_new}&to=Z").status_code
        == 400
    )


def _table_usccs(html: str) -> list[str]:
    body = html.split('id="enterprise-table"')[1].split("</table>")[0]
    found = re.findall(r'<td><a href="/enterprises/([0-9A-Z]{18})', body)
    return list(dict.fromkeys(found))  # the code and the name cells both link to the profile


def test_list_search_by_name_initials_and_uscc(clients, shared_app):
    cur = _store(shared_app)
    uscc, name = one(cur, "SELECT uscc, name FROM enterprise WHERE name IS NOT NULL ORDER BY uscc LIMIT 1")
    c = clients["root"]
    by_name = _table_usccs(c.get("/enterprises", params={"q": name[2:6], "size": 200}).text)
    assert uscc in by_name
    ini = initials(name)
    assert ini and uscc in _table_usccs(c.get("/enterprises", params={"q": ini, "size": 200}).text)
    assert uscc in _table_usccs(c.get("/enterprises", params={"q": uscc[:10].lower()}).text)
    assert _table_usccs(c.get("/enterprises", params={"q": "没有这样的企业名称"}).text) == []


def test_list_filters_sort_and_paging(clients, world, shared_app):
    c = clients["root"]
    cur = _store(shared_app)
    r = c.get("/enterprises", params={"town": world.other_town, "size": 200})
    n = one(cur, "SELECT count(*) FROM enterprise WHERE town = ?", [world.other_town])[0]
    assert len(_table_usccs(r.text)) == n and f'<b id="total">{n}</b>' in r.text
    # class filter against the chosen run
    r = c.get("/enterprises", params={"run": world.run_new, "class": "A", "size": 200})
    expected = {
        x[0]
        for x in rows(
            cur, "SELECT uscc FROM run_result WHERE run_id = ? AND class_final = 'A'", [world.run_new]
        )
    }
    assert set(_table_usccs(r.text)) == expected
    # 规上 filter
    above = _table_usccs(c.get("/enterprises", params={"scale": "above", "size": 200}).text)
    expected = {x[0] for x in rows(cur, f"SELECT uscc FROM ({ENTERPRISE_SQL}) WHERE above_scale")}
    assert expected and set(above) == expected
    # sort by score, descending, NULLs last
    r = c.get("/enterprises", params={"run": world.run_new, "sort": "score", "desc": "true", "size": 20})
    top = [
        x[0]
        for x in rows(
            cur,
            "SELECT uscc FROM run_result WHERE run_id = ? ORDER BY score DESC NULLS LAST, uscc LIMIT 20",
            [world.run_new],
        )
    ]
    assert _table_usccs(r.text) == top
    # pages do not overlap and cover the list
    p1 = _table_usccs(c.get("/enterprises", params={"size": 25, "page": 1}).text)
    p2 = _table_usccs(c.get("/enterprises", params={"size": 25, "page": 2}).text)
    assert len(p1) == 25 and len(p2) == 25 and not set(p1) & set(p2)
    assert "下一页" in c.get("/enterprises", params={"size": 25}).text


def test_htmx_request_gets_the_table_fragment(clients):
    r = clients["root"].get("/enterprises", params={"q": "有限"}, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert "<html" not in r.text and 'id="enterprise-table"' in r.text
    assert 'hx-swap-oob="true"' in r.text  # the sort state travels back to the filter form
    assert "HX-Request" in r.headers["vary"] and r.headers["cache-control"] == "no-store"
    # going back in history, htmx asks for the whole page again
    full = clients["root"].get(
        "/enterprises",
        params={"q": "有限"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in full.text and 'id="filters"' in full.text


def test_export_is_the_current_view(clients, world, shared_app):
    r = clients["root"].get(
        "/enterprises/export.xlsx",
        params={"town": world.other_town, "run": world.run_new, "sort": "score", "desc": "true"},
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[2]]
    assert header[:3] == ["统一社会信用代码", "企业名称", "镇街"] and "亩均税收（万元/亩）" in header
    data = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    n = one(_store(shared_app), "SELECT count(*) FROM enterprise WHERE town = ?", [world.other_town])[0]
    assert len(data) == n and {row[2] for row in data} == {world.other_town}
    scores = [row[header.index("得分")] for row in data if row[header.index("得分")] is not None]
    assert scores == sorted(scores, reverse=True)


def test_english(clients, world):
    c = clients["vic"]
    r = c.get("/enterprises?lang=en")
    assert "Enterprises" in r.text and 'lang="en"' in r.text and "Export xlsx" in r.text
    assert "gx_lang=en" in r.headers.get("set-cookie", "")
    assert "Overview" in c.get(f"/overview?run={world.run_new}").text  # remembered
    assert "Tax per mu" in c.get(f"/overview?run={world.run_new}").text
    r = c.get("/runs?lang=zh")
    assert "评价记录" in r.text and 'lang="zh-CN"' in r.text


def test_security_headers(clients):
    r = clients["root"].get("/overview")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp and "cdn" not in csp.lower()
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    assert "<script>" not in r.text  # no inline scripts (the CSP would block them)


def test_vendored_assets_are_served(clients):
    for path in (
        "/static/vendor/echarts.min.js",
        "/static/vendor/htmx.min.js",
        "/static/app.js",
        "/static/app.css",
    ):
        r = clients["anon"].get(path)
        assert r.status_code == 200 and len(r.content) > 500
    assert "Apache License" in clients["anon"].get("/static/vendor/echarts.LICENSE").text


def test_profile_shows_policy_amounts(clients, world, shared_app):
    cur = _store(shared_app)
    found = one(
        cur,
        "SELECT uscc, value FROM run_item WHERE run_id = ? AND starts_with(item, 'policy.') "
        "AND value <> 0 ORDER BY uscc LIMIT 1",
        [world.run_new],
    )
    if found is None:
        pytest.skip("the demo run has no policy amounts")
    r = clients["root"].get(f"/enterprises/{found[0]}?run={world.run_new}")
    assert "差别化政策" in r.text and f"{found[1]:,.2f}" in r.text


def test_an_empty_store_shows_every_page(tmp_path):
    from fastapi.testclient import TestClient
    from web_support import login, make_app

    from gaoxin.store import connect
    from gaoxin.web.auth import ensure_demo_admin

    con = connect(tmp_path / "empty.duckdb")
    name, password = ensure_demo_admin(con)
    con.close()
    app = make_app(tmp_path / "empty.duckdb")
    try:
        c = TestClient(app)
        assert login(c, name, password).status_code == 303
        for path in (
            "/overview",
            "/enterprises",
            "/runs",
            "/imports",
            "/batches",
            "/schemes",
            "/admin/users",
            "/enterprises/export.xlsx",
            "/api/enterprises",
            "/api/runs",
        ):
            assert c.get(path).status_code == 200, path
        assert "还没有评价结果" in c.get("/overview").text
        assert "请先导入部门数据" in c.get("/runs").text
        assert c.get("/api/enterprises").json()["total"] == 0
    finally:
        app.state.store.close()


def test_profile_items_in_user_units_with_the_clause_as_written(clients, world, shared_app):
    """Day-one bug (issue 14): ratios read as 0.03083 and clause keys (list.规上.indicator.…) on the 画像."""
    from gaoxin.store.runs import find_run

    run = find_run(_store(shared_app), world.run_new)
    items = {it["key"]: it for it in run["summary"]["items"]}
    body = clients["root"].get(f"/enterprises/{world.my_firm}?run={world.run_new}").text
    section = body.split('id="items"')[1].split("</table>")[0]
    assert not re.search(r">\s*list\.[^<]*<", section)  # keys only in tooltips
    assert 'title="list.' in section  # … where they are
    refs = [it["ref"] for it in items.values() if it.get("ref") and it["kind"] == "indicator"]
    assert all(ref in section for ref in refs)
    # a scheme writing ratios as fractions (比值, e.g. zj-huangyan-2022's R&D share) is read as a percentage
    from gaoxin.web.render import templates

    env = templates.env
    page = env.from_string("{{ v|user_value(u) }} {{ u|user_unit }}")
    assert page.render(v=0.03083, u="比值", lang="zh") == "3.08 %"
    assert page.render(v=33883300.0, u="元", lang="en") == "3,388.33 10k yuan"


def test_schemes_page_and_api_cite_the_documents(clients):
    """Day-one bug (issue 14): the 依据 column was empty although every built-in scheme cites its sources."""
    from markupsafe import escape

    from gaoxin.schemes import list_builtin, load_scheme

    page = clients["root"].get("/schemes").text
    api = {s["id"]: s for s in clients["root"].get("/api/schemes").json()}
    for b in list_builtin():
        cited = load_scheme(b.id).scheme.sources
        assert cited, b.id
        assert all(str(escape(c.title)) in page for c in cited)
        assert api[b.id]["source"] and [c["title"] for c in api[b.id]["sources"]] == [c.title for c in cited]
    assert not re.search(r"<td class=\"small\">\s*</td>", page)


def test_scale_status_shows_its_year_and_department(clients, world, shared_app):
    """Day-one bug (issue 14): 规上 (2024 statistics) on the list while the 2025 run has the firm as 规下 — the
    status now says which year and which department's file it comes from."""
    cur = _store(shared_app)
    found = rows(
        cur,
        """SELECT f.uscc, arg_max(f.period, f.period), arg_max(b.file_name, f.period)
           FROM fact f JOIN import_batch b USING (batch_id)
           WHERE f.indicator = 'above_scale' AND NOT f.superseded GROUP BY f.uscc LIMIT 1""",
    )
    assert found
    uscc, period, file_name = found[0]
    profile = clients["root"].get(f"/enterprises/{uscc}").text
    basis = re.search(r'id="scale-basis" title="([^"]+)">([^<]+)<', profile)
    assert basis and file_name in basis.group(1) and period in basis.group(2) and "统计" in basis.group(2)
    page = clients["root"].get("/enterprises", params={"q": uscc}).text
    assert re.search(
        rf'class="muted small scale-basis" title="{re.escape(file_name)} #\d+">{period} 统计<', page
    )
    en = clients["root"].get(f"/enterprises/{uscc}?lang=en").text
    assert re.search(r'id="scale-basis"[^>]*>[^<]*[\u4e00-\u9fff]', en) is None  # in English on English pages
