"""招商项目 pages and API over the demo: the board with colours and 三未, a project page with its node plan and
commitment check, the lead funnel; a town user sees its own town's projects only; only admins and analysts
record progress."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from web_support import csrf_of, login

from gaoxin.cases.calendar import calendar_in_force
from gaoxin.demo.projects import generate_projects


@pytest.fixture
def demo(fresh):
    app, client = fresh("ana")
    con = app.state.store.cursor()
    leads, projects = generate_projects(con, calendar_in_force(con), date(2025, 11, 20))
    con.close()
    return app, client, leads, projects, fresh


def test_board_project_and_leads_pages(demo):
    app, client, leads, projects, _ = demo
    page = client.get("/projects")
    assert page.status_code == 200 and "三未清单" in page.text and projects[0] in page.text
    data = client.get("/api/projects").json()
    assert sum(data["colours"].values()) == len(data["projects"]) > 0
    pid = projects[0]
    one = client.get(f"/api/projects/{pid}").json()
    assert [n["id"] for n in one["plan"]][:2] == ["land", "filing"]
    assert client.get(f"/projects/{pid}").status_code == 200
    assert "接洽" in client.get("/leads").text


def test_tax_check_reads_the_facts_in_force_by_hand(demo):
    app, client, _leads, projects, _ = demo
    board = client.get("/api/projects").json()
    short = next(s for s in board["shortfalls"] if s["item"] == "tax_per_mu")
    con = app.state.store.cursor()
    uscc = con.execute("SELECT uscc FROM case_file WHERE case_id = ?", [short["case_id"]]).fetchall()[0][0]
    q = """SELECT value FROM fact WHERE uscc = ? AND period = ? AND indicator = ? AND NOT superseded"""
    tax = con.execute(q, [uscc, str(short["year"]), "tax_paid"]).fetchall()[0][0]
    land = con.execute(q, [uscc, str(short["year"]), "land_own_mu"]).fetchall()[0][0]
    con.close()
    assert short["actual"] == pytest.approx(tax / 1e4 / land)
    assert short["short"] == pytest.approx(short["committed"] - tax / 1e4 / land)
    assert any("批次" in e and "行" in e for e in short["evidence"])


def test_only_writers_record_progress_and_a_town_sees_its_own(demo, world):
    app, client, _leads, projects, fresh = demo
    pid = projects[0]
    token = csrf_of(client)
    ok = client.post(f"/api/projects/{pid}/steps", json={"kind": "progress", "month": "2025-11", "plan_wan": 1,
                     "done_wan": 1, "funds_wan": 1}, headers={"X-CSRF-Token": token})  # fmt: skip
    assert ok.status_code == 200, ok.text
    bad = client.post(f"/api/projects/{pid}/steps", json={"kind": "progress", "month": "2025-13"},
                      headers={"X-CSRF-Token": token})  # fmt: skip
    assert bad.status_code == 400 and "YYYY-MM" in bad.json()["detail"]
    viewer, town = TestClient(app), TestClient(app)
    assert login(viewer, "vic").status_code == 303 and login(town, "tom").status_code == 303
    no = viewer.post(f"/api/projects/{pid}/steps", json={"kind": "node", "node": "land"},
                     headers={"X-CSRF-Token": csrf_of(viewer)})  # fmt: skip
    assert no.status_code == 403
    seen = town.get("/api/projects").json()["projects"]
    assert seen and {p["town"] for p in seen} == {world.my_town}
    other = next(p for p in client.get("/api/projects").json()["projects"] if p["town"] != world.my_town)
    assert town.get(f"/api/projects/{other['case_id']}").status_code == 404
