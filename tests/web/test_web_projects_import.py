"""/projects/import: preview writes nothing, import enters the rows as projects (亿元 → 万元, 公顷 → 亩) and lists
every rejected row by sheet, row and column; the project page carries its Gantt and investment-curve options."""

from __future__ import annotations

import json
import re

import xlsxwriter
from web_support import csrf_of


def _ledger(path):
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("项目台账")
    ws.write_row(0, 0, ["项目名称", "投资主体", "签约日期", "总投资（亿元）", "用地面积（公顷）", "达产年份"])
    ws.write_row(1, 0, ["网页导入电机项目", "甲公司", "2025-03-10", 2.5, 4, 2028])
    ws.write_row(2, 0, ["网页导入铸件项目", "乙公司", "2025-04-01", "待定", 2, 2027])
    wb.close()
    return path


def _post(client, path, mode):
    with open(path, "rb") as f:
        return client.post(
            "/projects/import",
            data={"csrf_token": csrf_of(client), "mode": mode},
            files={"file": ("台账.xlsx", f, "application/octet-stream")},
        )


def _titles(client):
    return {p["title"] for p in client.get("/api/projects").json()["projects"]}


def test_preview_then_import_of_a_ledger_and_the_project_charts(fresh, tmp_path):
    app, client = fresh("ana")
    assert client.get("/projects/import").status_code == 200
    path = _ledger(tmp_path / "台账.xlsx")
    before = _titles(client)
    preview = _post(client, path, "preview")
    assert preview.status_code == 200 and 'data-status="preview"' in preview.text
    assert "网页导入电机项目" in preview.text and _titles(client) == before
    done = _post(client, path, "import")
    assert 'data-status="imported"' in done.text
    assert re.search(r'id="n-accepted">1<', done.text) and re.search(r'id="n-rejected">1<', done.text)
    assert "列「总投资（亿元）」(D列)" in done.text and "「待定」" in done.text
    assert _titles(client) - before == {"网页导入电机项目"}
    pid = re.search(r'href="/projects/(XM-[\d-]+)"', done.text).group(1)
    one = client.get(f"/api/projects/{pid}").json()
    assert (one["case"]["fields"]["investment_wan"], one["case"]["fields"]["land_mu"]) == (25000, 60)
    page = client.get(f"/projects/{pid}").text
    block = re.search(r'<script type="application/json" id="chart-gantt-data">(.*?)</script>', page, re.S)
    gantt = json.loads(block.group(1))
    assert gantt["yAxis"]["data"][-1] == "供地"  # the first node after 签约 on top
    assert [s["stack"] for s in gantt["series"]] == ["plan", "plan", "actual", "actual"]


def test_the_dispatch_sheet_downloads_with_its_sheets(fresh, tmp_path):
    import fastexcel

    _app, client = fresh("ana")
    assert client.get("/projects/dispatch.xlsx?month=2025-13").status_code == 422
    r = client.get("/projects/dispatch.xlsx?month=2025-11")
    assert r.status_code == 200 and "dispatch-2025-11.xlsx" in r.headers["content-disposition"]
    path = tmp_path / "d.xlsx"
    path.write_bytes(r.content)
    assert fastexcel.read_excel(path).sheet_names == [
        "重点项目调度",
        "立项未开工",
        "开工未建设",
        "建设未竣工",
        "说明",
    ]


def test_demo_projects_name_the_lead_they_came_from(fresh):
    from datetime import date

    from gaoxin.cases.calendar import calendar_in_force
    from gaoxin.demo.projects import generate_projects

    app, client = fresh("ana")
    con = app.state.store.cursor()
    lead_ids, project_ids = generate_projects(con, calendar_in_force(con), date(2025, 11, 20))
    con.close()
    shown = client.get(f"/api/projects/{project_ids[0]}").json()
    lead = shown["case"]["fields"]["lead"]
    assert lead in lead_ids and shown["case"]["source"] == lead
    signed = client.get(f"/api/leads/{lead}").json()
    assert signed["case"]["title"] == shown["case"]["title"] and signed["project_id"] == project_ids[0]
    page = client.get(f"/leads/{lead}").text
    node = signed["case"]["fields"]["chain_node"]
    assert f'href="/chains/{signed["case"]["fields"]["chain_pack"]}#node-{node}"' in page


def test_demo_signings_count_only_against_earlier_signings(fresh):
    from datetime import date

    from gaoxin.cases.calendar import calendar_in_force
    from gaoxin.demo.projects import generate_projects

    app, client = fresh("ana")
    con = app.state.store.cursor()
    lead_ids, _projects = generate_projects(con, calendar_in_force(con), date(2025, 11, 20))
    con.close()
    for lead in lead_ids:
        view = client.get(f"/api/leads/{lead}").json()
        reason = (view.get("signing") or {}).get("count_reason") or ""
        first = re.search(r"已于 (\d{4}-\d{2}-\d{2}) 首次签约", reason)
        if first:  # a repeat signing names an earlier first signing, never a later one
            signed_at = next(e["at"] for e in view["timeline"] if e["action"] == "sign")
            assert first.group(1) <= signed_at[:10]
