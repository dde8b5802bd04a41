"""Who may do what, and the town scoping: a town user sees only its town's firms in pages, exports and the
API; another town's firm is 404 everywhere."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from gaoxin.store import one, rows

# (method, path template, expected status per role: admin root, analyst ana, viewer vic, town tom, anonymous)
MATRIX = [
    ("GET", "/overview", {"root": 200, "ana": 200, "vic": 200, "tom": 200, "anon": 303}),
    ("GET", "/enterprises", {"root": 200, "ana": 200, "vic": 200, "tom": 200, "anon": 303}),
    ("GET", "/enterprises/{my_firm}", {"root": 200, "ana": 200, "vic": 200, "tom": 200, "anon": 303}),
    ("GET", "/enterprises/{other_firm}", {"root": 200, "ana": 200, "vic": 200, "tom": 404, "anon": 303}),
    ("GET", "/enterprises/export.xlsx", {"root": 200, "ana": 200, "vic": 200, "tom": 200, "anon": 303}),
    ("GET", "/runs", {"root": 200, "ana": 200, "vic": 200, "tom": 200, "anon": 303}),
    ("GET", "/runs/{run_new}", {"root": 200, "ana": 200, "vic": 200, "tom": 200, "anon": 303}),
    ("GET", "/runs/{run_new}/export.xlsx", {"root": 200, "ana": 200, "vic": 200, "tom": 403, "anon": 303}),
    (
        "GET",
        "/runs/compare?a={run_old}&b={run_new}",
        {"root": 200, "ana": 200, "vic": 200, "tom": 200, "anon": 303},
    ),
    ("GET", "/schemes/default", {"root": 200, "ana": 200, "vic": 200, "tom": 200, "anon": 303}),
    ("GET", "/imports", {"root": 200, "ana": 200, "vic": 403, "tom": 403, "anon": 303}),
    ("GET", "/batches", {"root": 200, "ana": 200, "vic": 200, "tom": 403, "anon": 303}),
    ("GET", "/imports/batches/1", {"root": 200, "ana": 200, "vic": 200, "tom": 403, "anon": 303}),
    ("GET", "/admin/users", {"root": 200, "ana": 403, "vic": 403, "tom": 403, "anon": 303}),
    ("GET", "/api/me", {"root": 200, "ana": 200, "vic": 200, "tom": 200, "anon": 401}),
    ("GET", "/api/enterprises", {"root": 200, "ana": 200, "vic": 200, "tom": 200, "anon": 401}),
    ("GET", "/api/enterprises/{other_firm}", {"root": 200, "ana": 200, "vic": 200, "tom": 404, "anon": 401}),
    ("GET", "/api/runs", {"root": 200, "ana": 200, "vic": 200, "tom": 200, "anon": 401}),
    ("GET", "/api/runs/{run_new}/overview", {"root": 200, "ana": 200, "vic": 200, "tom": 200, "anon": 401}),
    ("GET", "/api/batches", {"root": 200, "ana": 200, "vic": 200, "tom": 403, "anon": 401}),
    ("GET", "/api/batches/1/rejects", {"root": 200, "ana": 200, "vic": 200, "tom": 403, "anon": 401}),
    ("GET", "/api/schemes", {"root": 200, "ana": 200, "vic": 200, "tom": 200, "anon": 401}),
]


@pytest.mark.parametrize(("method", "path", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _ in MATRIX])
def test_access_matrix(clients, world, method, path, expected):
    url = path.format(**world.__dict__)
    for role, status in expected.items():
        r = clients[role].request(method, url, follow_redirects=False)
        assert r.status_code == status, (role, url, r.status_code)


@pytest.mark.parametrize("role", ["vic", "tom"])
def test_readers_cannot_start_runs_or_import(clients, role):
    from web_support import csrf_of

    c = clients[role]
    token = csrf_of(c)
    assert (
        c.post("/runs", data={"scheme": "default", "period": "2025", "csrf_token": token}).status_code == 403
    )
    assert (
        c.post(
            "/api/runs", json={"scheme": "default", "period": "2025"}, headers={"X-CSRF-Token": token}
        ).status_code
        == 403
    )
    assert (
        c.post(
            "/imports/preview", data={"csrf_token": token}, files={"files": ("a.csv", b"x", "text/csv")}
        ).status_code
        == 403
    )
    assert c.post("/admin/users", data={"name": "x", "role": "admin", "csrf_token": token}).status_code == 403


def test_town_user_list_is_its_town_only(clients, world):
    c = clients["tom"]
    r = c.get("/enterprises", params={"size": 200})
    assert f'<b id="total">{world.n_my_town}</b>' in r.text
    towns = set(re.findall(r"<td>([^<>]+(?:镇|街道))</td>", r.text.split('id="enterprise-table"')[1]))
    assert towns == {world.my_town}
    api = c.get("/api/enterprises", params={"size": 200}).json()
    assert api["total"] == world.n_my_town and {i["town"] for i in api["items"]} == {world.my_town}


def test_town_user_other_town_is_404_in_page_api_and_export(clients, world):
    c = clients["tom"]
    assert c.get(f"/enterprises/{world.other_firm}").status_code == 404
    assert c.get(f"/enterprises/{world.other_firm}/what-if?run={world.run_new}&to=A").status_code == 404
    assert c.get(f"/api/enterprises/{world.other_firm}").status_code == 404
    assert c.get("/enterprises", params={"town": world.other_town}).status_code == 404
    assert c.get("/api/enterprises", params={"town": world.other_town}).status_code == 404
    assert c.get("/enterprises/export.xlsx", params={"town": world.other_town}).status_code == 404
    assert c.get(f"/api/runs/{world.run_new}/results", params={"town": world.other_town}).status_code == 404
    # asking for the other firm by code finds nothing
    assert c.get("/api/enterprises", params={"q": world.other_firm}).json()["total"] == 0
    page = c.get("/enterprises", params={"q": world.other_firm}).text
    assert '<b id="total">0</b>' in page and f"/enterprises/{world.other_firm}" not in page
    ws = openpyxl.load_workbook(
        io.BytesIO(c.get("/enterprises/export.xlsx", params={"q": world.other_firm}).content)
    ).active
    assert ws.max_row == 2  # title and header only


def test_town_user_export_holds_its_town_only(clients, world):
    r = clients["tom"].get("/enterprises/export.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    data = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert len(data) == world.n_my_town and {row[2] for row in data} == {world.my_town}


def test_town_user_overview_and_compare_are_scoped(clients, world, shared_app):
    cur = shared_app.state.store.cursor()
    mine = dict(
        rows(
            cur,
            """SELECT r.class_final, count(*) FROM run_result r JOIN enterprise e USING (uscc)
                             WHERE r.run_id = ? AND e.town = ? GROUP BY 1""",
            [world.run_new, world.my_town],
        )
    )
    data = clients["tom"].get(f"/api/runs/{world.run_new}/overview").json()
    assert data["town"] == world.my_town
    assert data["counts"] == {c: mine.get(c, 0) for c in "ABCDT"}
    assert set(data["towns"]) == {world.my_town}
    for part in (data["top"], data["bottom"]):
        assert all(r["town"] == world.my_town for rows_ in part.values() for r in rows_)
    cmp = clients["tom"].get("/api/runs/compare", params={"a": world.run_old, "b": world.run_new}).json()
    assert all(m["town"] == world.my_town for m in cmp["movers"])
    both = one(
        cur,
        """SELECT count(*) FROM run_result a JOIN run_result b USING (uscc) JOIN enterprise e USING (uscc)
                       WHERE a.run_id = ? AND b.run_id = ? AND e.town = ?""",
        [world.run_old, world.run_new, world.my_town],
    )[0]
    assert cmp["change"]["both"] == both
    page = clients["tom"].get(f"/overview?run={world.run_new}").text
    assert world.other_town not in page


def test_town_user_sees_no_town_filter_and_results_api_is_scoped(clients, world):
    page = clients["tom"].get("/enterprises").text
    assert 'name="town"' not in page
    res = clients["tom"].get(f"/api/runs/{world.run_new}/results", params={"size": 1000}).json()
    assert res["items"] and {i["town"] for i in res["items"]} == {world.my_town}


def test_town_user_sees_no_zone_wide_counts(clients, world):
    runs = clients["tom"].get("/api/runs").json()
    assert all(r["counts"] == {} and r["n"] is None for r in runs)
    detail = clients["tom"].get(f"/api/runs/{world.run_new}").json()
    assert "counts" not in detail["summary"] and "items" in detail["summary"]
    assert clients["vic"].get("/api/runs").json()[0]["counts"]
