"""招商项目 pages and API over the demo: the board with colours and 三未, a project page with its node plan and
commitment check, the lead funnel; a town user sees its own town's projects only; only admins and analysts
record progress."""

from __future__ import annotations

import re
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


def _negotiating_lead(app, title="电子材料项目"):
    from gaoxin.cases.ledger import record
    from gaoxin.cases.projects.leads import enter_lead

    con = app.state.store.cursor()
    cal = calendar_in_force(con)
    lead = enter_lead(con, cal, actor="ana", role="analyst", title=title, industry="3985 电子专用材料制造",
                      investment_wan=12000, land_mu=60)  # fmt: skip
    for action in ("visit", "negotiate"):
        record(con, lead, cal=cal, actor="ana", role="analyst", action=action)
    con.close()
    return lead


def test_a_lead_is_signed_from_its_page_into_a_project_counted_once(fresh):
    app, client = fresh("ana")
    lead = _negotiating_lead(app)
    page = client.get(f"/leads/{lead}")
    assert page.status_code == 200 and 'data-step="sign"' in page.text and "洽谈" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"csrf_token": token, "action": "sign", "investment_wan": "1,2000", "land_mu": "60", "full_year": "2028",
            "intensity": "200", "tax_per_mu": "abc"}  # fmt: skip
    bad = client.post(f"/leads/{lead}/step", data=form, follow_redirects=False)
    assert bad.status_code == 400 and "亩均税收（万元/亩）应为数字，收到「abc」" in bad.text
    assert 'value="abc"' in bad.text  # what the officer typed is kept
    form["tax_per_mu"] = "30"
    ok = client.post(f"/leads/{lead}/step", data=form, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"].startswith("/projects/XM-")
    pid = ok.headers["location"].rsplit("/", 1)[1]
    project = client.get(f"/api/projects/{pid}").json()
    assert project["case"]["fields"]["investment_wan"] == 12000 and project["case"]["fields"]["lead"] == lead
    assert (
        project["case"]["fields"]["counted_wan"] == 12000 and project["case"]["fields"]["full_year"] == 2028
    )
    shown = client.get(f"/leads/{lead}").text
    assert (
        "首次签约，全额计入" in shown
        and f'href="/projects/{pid}"' in shown
        and 'data-step="sign"' not in shown
    )
    # the same project signed again through the JSON API counts 0, with the reason
    again = _negotiating_lead(app)
    res = client.post(f"/api/leads/{again}/steps", json={"action": "sign", "investment_wan": 12000, "land_mu": 60},
                      headers={"X-CSRF-Token": csrf_of(client)})  # fmt: skip
    assert res.status_code == 200, res.text
    signing = res.json()["lead"]["signing"]
    assert signing["counted_wan"] == 0 and lead in signing["count_reason"]


def test_signing_is_refused_to_viewers_towns_and_without_the_token(fresh):
    app, client = fresh("ana")
    lead = _negotiating_lead(app)
    data = {"action": "sign", "investment_wan": "100", "land_mu": "5"}
    assert client.post(f"/leads/{lead}/step", data=data, follow_redirects=False).status_code == 403  # no CSRF
    for who in ("vic", "tom"):
        other = TestClient(app)
        assert login(other, who).status_code == 303
        page = other.get(f"/leads/{lead}")
        if page.status_code == 200:  # a town sees only its town's leads; this one has none
            assert 'data-step="sign"' not in page.text
        token = csrf_of(other)
        res = other.post(f"/leads/{lead}/step", data={**data, "csrf_token": token}, follow_redirects=False)
        assert res.status_code in (403, 404)
    view = client.get(f"/api/leads/{lead}").json()
    assert view["state"] == "negotiate"
    drop = client.post(
        f"/api/leads/{lead}/steps", json={"action": "drop"}, headers={"X-CSRF-Token": csrf_of(client)}
    )
    assert drop.status_code == 400


def test_a_node_and_a_month_entered_from_the_project_page(fresh):
    app, client = fresh("ana")
    lead = _negotiating_lead(app)
    token = csrf_of(client, f"/leads/{lead}")
    sign = {"csrf_token": token, "action": "sign", "investment_wan": "12000", "land_mu": "60"}
    pid = (
        client.post(f"/leads/{lead}/step", data=sign, follow_redirects=False)
        .headers["location"]
        .rsplit("/", 1)[1]
    )
    page = client.get(f"/projects/{pid}")
    assert 'id="progress-form"' in page.text and 'id="node-form"' in page.text
    step = {"csrf_token": token, "kind": "node", "node": "filing", "done_on": date.today().isoformat()}
    assert client.post(f"/projects/{pid}/step", data=step, follow_redirects=False).status_code == 303
    month = date.today().strftime("%Y-%m")
    step = {"csrf_token": token, "kind": "progress", "month": month, "plan_wan": "1000", "done_wan": "500"}
    assert client.post(f"/projects/{pid}/step", data=step, follow_redirects=False).status_code == 303
    d = client.get(f"/api/projects/{pid}").json()
    assert next(n for n in d["plan"] if n["id"] == "filing")["done"] == date.today().isoformat()
    assert d["months"][-1]["colour"] == "红" and "500" in d["months"][-1]["reason"]  # 500 < 80 % of 1000
    bad = {"csrf_token": token, "kind": "progress", "month": month, "done_wan": "五百"}
    res = client.post(f"/projects/{pid}/step", data=bad, follow_redirects=False)
    assert res.status_code == 400 and "完成投资（万元）应为数字" in res.text
    viewer = TestClient(app)
    assert login(viewer, "vic").status_code == 303
    assert 'id="progress-form"' not in viewer.get(f"/projects/{pid}").text
    res = viewer.post(
        f"/projects/{pid}/step", data={**step, "csrf_token": csrf_of(viewer)}, follow_redirects=False
    )
    assert res.status_code == 403


def test_the_firm_profile_shows_its_projects_and_shortfalls(demo):
    app, client, _leads, _projects, _ = demo
    board = client.get("/api/projects").json()
    short = board["shortfalls"][0]
    uscc = next(p["uscc"] for p in board["projects"] if p["case_id"] == short["case_id"])
    mine = [p["case_id"] for p in board["projects"] if p["uscc"] == uscc]
    page = client.get(f"/enterprises/{uscc}")
    assert page.status_code == 200
    section = page.text.split('id="firm-projects"', 1)[1].split("</section>", 1)[0]
    assert all(f'href="/projects/{pid}"' in section for pid in mine)
    assert "承诺未达标" in section and short["title"] in section
    other = next(p for p in board["projects"] if p["uscc"] != uscc)
    assert f'href="/projects/{other["case_id"]}"' not in section
