"""Starting runs (form and API), run export, comparison, and the JSON API with its OpenAPI document."""

from __future__ import annotations

import io
from urllib.parse import unquote

import openpyxl
import pytest
from web_support import csrf_of

from gaoxin.store import one, rows


def test_start_a_run_from_the_form(fresh, world):
    app, c = fresh("ana")
    token = csrf_of(c)
    r = c.post(
        "/runs",
        data={"scheme": "zj-huangyan-2022", "period": "2025", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    run_id = r.headers["location"].split("/runs/")[1].split("?")[0]
    cur = app.state.store.cursor()
    assert one(cur, "SELECT scheme_id, period FROM run WHERE run_id = ?", [run_id]) == (
        "zj-huangyan-2022",
        "2025",
    )
    assert "评价完成" in c.get(r.headers["location"]).text
    again = c.post(
        "/runs",
        data={"scheme": "zj-huangyan-2022", "period": "2025", "csrf_token": token},
        follow_redirects=False,
    )
    assert again.headers["location"] == f"/runs/{run_id}?created=0"  # same data, same scheme: same run
    # the new run is at once in the list, the overview and the enterprise list
    assert run_id in c.get("/runs").text
    assert c.get(f"/overview?run={run_id}").status_code == 200
    assert c.get("/enterprises", params={"run": run_id, "class": "A"}).status_code == 200


@pytest.mark.parametrize(
    ("scheme", "period", "message"),
    [
        ("../../../etc/passwd", "2025", "未知方案"),
        ("default", "1999", "没有 1999 年度的数据"),
        ("default", "20x5", "四位"),
    ],
)
def test_bad_run_requests_say_why(fresh, scheme, period, message):
    app, c = fresh("ana")
    r = c.post("/runs", data={"scheme": scheme, "period": period, "csrf_token": csrf_of(c)})
    assert r.status_code == 400 and message in r.text
    assert one(app.state.store.cursor(), "SELECT count(*) FROM run")[0] == 2


def test_start_a_run_through_the_api(fresh):
    app, c = fresh("ana")
    token = c.get("/api/me").json()["csrf_token"]
    r = c.post("/api/runs", json={"scheme": "ah-jingde", "period": "2025"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["created"] is True
    assert c.get(f"/api/runs/{r.json()['run_id']}").json()["scheme_id"] == "ah-jingde"
    assert c.post("/api/runs", json={"scheme": "ah-jingde", "period": "2025"}).status_code == 403
    bad = c.post("/api/runs", json={"scheme": "nope", "period": "2025"}, headers={"X-CSRF-Token": token})
    assert bad.status_code == 400 and "未知方案" in bad.json()["detail"]


def test_run_export_opens(clients, world):
    r = clients["vic"].get(f"/runs/{world.run_new}/export.xlsx")
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert len(book.sheetnames) >= 2


def test_compare_lists_every_firm_that_moved(clients, world, shared_app):
    cur = shared_app.state.store.cursor()
    moved = {
        r[0]
        for r in rows(
            cur,
            """SELECT a.uscc FROM run_result a JOIN run_result b USING (uscc)
                                        WHERE a.run_id = ? AND b.run_id = ? AND a.class_final <> b.class_final""",
            [world.run_old, world.run_new],
        )
    }
    data = clients["root"].get("/api/runs/compare", params={"a": world.run_old, "b": world.run_new}).json()
    assert {m["uscc"] for m in data["movers"]} == moved
    assert data["change"]["up"] + data["change"]["down"] <= len(moved)
    with_item = [m for m in data["movers"] if m["class_a"] != "T" and m["class_b"] != "T"]
    assert all(m["item"] for m in with_item)  # the item that moved most, as the "why"
    page = clients["root"].get("/runs/compare", params={"a": world.run_old, "b": world.run_new}).text
    assert page.count("/enterprises/") >= len(moved)


def test_openapi_describes_the_api(clients):
    doc = clients["anon"].get("/api/openapi.json").json()
    paths = doc["paths"]
    for p in (
        "/api/me",
        "/api/enterprises",
        "/api/enterprises/{code}",
        "/api/runs",
        "/api/runs/{run_id}",
        "/api/runs/{run_id}/overview",
        "/api/runs/{run_id}/results",
        "/api/runs/compare",
        "/api/batches",
        "/api/batches/{batch_id}/rejects",
        "/api/schemes",
        "/api/schemes/{scheme_id}",
    ):
        assert p in paths, p
        assert "200" in next(iter(paths[p].values()))["responses"]
    assert not any(p.startswith(("/overview", "/login", "/enterprises")) for p in paths)  # pages stay out
    assert "EnterprisePage" in doc["components"]["schemas"]
    assert clients["anon"].get("/docs").status_code == 404  # Swagger UI would load from a CDN


def test_api_enterprises_and_profile(clients, world, shared_app):
    c = clients["root"]
    page = c.get(
        "/api/enterprises", params={"size": 5, "sort": "score", "desc": True, "run": world.run_new}
    ).json()
    assert page["total"] == world.n_firms and len(page["items"]) == 5 and page["run_id"] == world.run_new
    scores = [i["score"] for i in page["items"]]
    assert scores == sorted(scores, reverse=True)
    prof = c.get(f"/api/enterprises/{world.my_firm}", params={"run": world.run_new}).json()
    assert prof["uscc"] == world.my_firm and prof["enterprise"]["town"] == world.my_town
    n_facts = one(
        shared_app.state.store.cursor(), "SELECT count(*) FROM fact WHERE uscc = ?", [world.my_firm]
    )[0]
    assert len(prof["facts"]) == n_facts and all(f["file_name"] for f in prof["facts"])
    assert prof["result"]["class_final"] in "ABCD" and any(i.get("benchmark") for i in prof["items"])
    assert {h["run_id"] for h in prof["history"]} >= {world.run_old, world.run_new}
    # lower-case and spaced codes are normalised
    assert c.get(f"/api/enterprises/{world.my_firm.lower()}").status_code == 200


def test_api_runs_results_batches_schemes(clients, world):
    c = clients["vic"]
    runs = c.get("/api/runs").json()
    assert {r["run_id"] for r in runs} == {world.run_old, world.run_new}
    detail = c.get(f"/api/runs/{world.run_new}").json()
    assert detail["summary"]["counts"]
    res = c.get(f"/api/runs/{world.run_new}/results", params={"class": "A", "size": 1000}).json()
    assert res["total"] == detail["summary"]["counts"].get("A", 0)
    assert all(i["class_final"] == "A" for i in res["items"])
    assert len(c.get("/api/batches").json()) == len(world.batch_ids)
    assert "default" in {s["id"] for s in c.get("/api/schemes").json()}
    assert "[scheme]" in c.get("/api/schemes/default").json()["text"]
    assert c.get("/api/schemes/nope").status_code == 404
    assert c.get("/api/runs/nope").status_code == 404
    assert c.get("/api/batches/999/rejects").status_code == 404
    assert c.get("/api/enterprises", params={"size": 0}).status_code == 422


def test_runs_of_other_kinds_stay_off_the_mujun_pages(fresh, world):
    from datetime import datetime

    app, c = fresh("ana")
    cur = app.state.store.cursor()
    cur.execute(
        "INSERT INTO run (run_id, kind, scheme_id, scheme_sha256, data_fingerprint, period, params_json, "
        "summary_json, created_at) VALUES ('cult0001', 'cultivation', 'tsme-2022', 'x', 'y', '2025', '{}', "
        "'{\"n\": 3}', ?)",
        [datetime(2100, 1, 1)],
    )
    runs = c.get("/runs").text
    assert "cult0001" in runs and "企业培育" in runs
    assert world.run_new in c.get("/overview").text  # the latest 亩均 run, not the newer cultivation one
    assert c.get("/api/enterprises").json()["run_id"] == world.run_new
    assert c.get("/overview?run=cult0001").status_code == 404
    assert c.get("/runs/cult0001").status_code == 200
    # its workbook is the kind's own (培育库), not the 亩均 评价表
    book = c.get("/runs/cult0001/export.xlsx")
    assert book.status_code == 200 and "培育库" in unquote(book.headers["content-disposition"])
    assert c.get("/api/runs/cult0001").json()["kind"] == "cultivation"


def test_api_what_if(clients, world):
    r = clients["root"].get(f"/api/runs/{world.run_new}/what-if/{world.my_firm}", params={"to": "A"})
    assert r.status_code == 200
    answer = r.json()
    assert answer["uscc"] == world.my_firm and answer["target_class"] == "A" and "why" in answer
    for it in answer["items"]:
        assert {"title", "current_value", "required_value", "reachable"} <= set(it)
    assert clients["tom"].get(f"/api/runs/{world.run_new}/what-if/{world.other_firm}").status_code == 404
    assert (
        clients["root"]
        .get(f"/api/runs/{world.run_new}/what-if/{world.my_firm}", params={"to": "Z"})
        .status_code
        == 422
    )


def test_start_a_run_of_another_kind_from_the_form(fresh):
    """The form offers every built-in kind: a 科小 (cultivation) run starts, opens and exports its 培育库."""
    app, c = fresh("ana")
    page = c.get("/runs").text
    assert 'optgroup label="企业培育"' in page and 'value="tsme-2022"' in page
    r = c.post(
        "/runs",
        data={"scheme": "tsme-2022", "period": "2025", "csrf_token": csrf_of(c)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    run_id = r.headers["location"].split("/runs/")[1].split("?")[0]
    cur = app.state.store.cursor()
    assert one(cur, "SELECT kind, scheme_id FROM run WHERE run_id = ?", [run_id]) == (
        "cultivation",
        "tsme-2022",
    )
    page = c.get(r.headers["location"]).text
    assert "企业培育" in page and f'href="/cultivation/runs/{run_id}"' in page  # the kind's own page
    assert c.get(f"/cultivation/runs/{run_id}").status_code == 200
    book = c.get(f"/runs/{run_id}/export.xlsx")
    assert book.status_code == 200 and "培育库" in unquote(book.headers["content-disposition"])
    assert openpyxl.load_workbook(io.BytesIO(book.content)).sheetnames
    # one firm of it through the API, as `gaoxin explain RUN USCC --json` gives it
    firm, verdict = one(
        cur,
        "SELECT uscc, class_final FROM run_result WHERE run_id = ? AND list_id IS NOT NULL ORDER BY uscc LIMIT 1",
        [run_id],
    )
    info = c.get(f"/api/runs/{run_id}/explain/{firm}").json()
    assert info["kind"] == "cultivation" and info["verdict"] == verdict and info["conditions"]


def test_a_ranking_without_zone_data_says_what_to_import(fresh):
    app, c = fresh("ana")
    r = c.post("/runs", data={"scheme": "most-2021", "period": "2025", "csrf_token": csrf_of(c)})
    assert r.status_code == 400 and "园区" in r.text and "导入" in r.text


def test_api_explains_a_firm_with_its_sources(clients, world, shared_app):
    cur = shared_app.state.store.cursor()
    score, klass = one(
        cur,
        "SELECT score, class_final FROM run_result WHERE run_id = ? AND uscc = ?",
        [world.run_new, world.my_firm],
    )
    info = clients["root"].get(f"/api/runs/{world.run_new}/explain/{world.my_firm}").json()
    assert info["uscc"] == world.my_firm and info["class_final"] == klass
    assert info["score"] == pytest.approx(score)
    assert any(s["file"] for it in info["items"] for s in it.get("numerator_sources", []))
    assert clients["tom"].get(f"/api/runs/{world.run_new}/explain/{world.other_firm}").status_code == 404
    assert clients["root"].get(f"/api/runs/nope/explain/{world.my_firm}").status_code == 404
