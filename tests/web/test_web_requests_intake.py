"""企业诉求 in bulk through the web: a 12345 ticket export imported from the page gives what `gaoxin requests
import` gives (every row accounted for, rejects with their reasons, idempotent), and the monthly 通报 downloads
with the figures `gaoxin requests stats` has. Town users do neither."""

from __future__ import annotations

import io
import shutil

import openpyxl
import pytest
from web_support import csrf_of

from gaoxin.cases import intake
from gaoxin.cases.calendar import calendar_in_force
from gaoxin.cases.requests import rates
from gaoxin.demo.tickets import generate_tickets, write_ticket_file
from gaoxin.reports.requests_xlsx import monthly_figures
from gaoxin.store import connect, one, queries

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def ticket_file(world, tmp_path):
    con = connect(world.db, read_only=True)
    firms = queries.enterprises(con).select("uscc", "name", "town").head(200).to_dicts()
    con.close()
    path = tmp_path / "12345工单导出_2025-11.xlsx"
    write_ticket_file(path, generate_tickets(firms, n=30, month="2025-11"), month="2025-11")
    return path


def _upload(c, path):
    files = [("file", (path.name, path.read_bytes(), XLSX))]
    return c.post("/requests/import", data={"csrf_token": csrf_of(c, "/requests/import")}, files=files)


def test_import_from_the_page_matches_the_command(fresh, world, ticket_file, tmp_path):
    # what the command path gives on an identical copy of the store
    twin = tmp_path / "twin.duckdb"
    shutil.copy(world.db, twin)
    con = connect(twin)
    expected = intake.import_tickets(con, ticket_file, cal=calendar_in_force(con))
    con.close()

    app, c = fresh("ana")
    page = _upload(c, ticket_file)
    assert page.status_code == 200, page.text
    text = page.text
    assert f"<dd>{expected.accepted}</dd>" in text and f"<dd>{expected.rejected}</dd>" in text
    assert expected.rejected > 0 and all(r["reasons"] in text for r in expected.rejects)
    cur = app.state.store.cursor()
    imported = one(cur, "SELECT count(*) FROM case_file WHERE fields_json LIKE '%ticket_no%'")[0]
    assert imported == expected.accepted
    again = _upload(c, ticket_file)  # the same file again adds nothing and says so
    assert again.status_code == 200 and "本次未做任何改动" in again.text
    assert one(cur, "SELECT count(*) FROM case_file WHERE fields_json LIKE '%ticket_no%'")[0] == imported


def test_import_refusals_keep_the_page(fresh, tmp_path):
    app, c = fresh("ana")
    token = csrf_of(c, "/requests/import")
    bad = c.post(
        "/requests/import", data={"csrf_token": token}, files=[("file", ("x.txt", b"hi", "text/plain"))]
    )
    assert bad.status_code == 415 and "文件类型不支持" in bad.text
    empty = tmp_path / "空.xlsx"
    openpyxl.Workbook().save(empty)
    r = c.post(
        "/requests/import",
        data={"csrf_token": token},
        files=[("file", (empty.name, empty.read_bytes(), XLSX))],
    )
    assert r.status_code == 400 and "未写入任何数据" in r.text and "Traceback" not in r.text
    assert (
        c.post("/requests/import", files=[("file", (empty.name, b"PK", XLSX))]).status_code == 403
    )  # no CSRF


def test_monthly_report_downloads_the_stats_figures(fresh, ticket_file):
    app, c = fresh("ana")
    assert _upload(c, ticket_file).status_code == 200
    r = c.get("/requests/report.xlsx", params={"month": "2025-11"})
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["通报", "部门办理情况", "超期件", "诉求类别", "不满意件"]
    cur = app.state.store.cursor()
    figures = monthly_figures(rates(cur, 2025), "2025-11")
    rows = [r for r in wb["部门办理情况"].iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    by_lead = {r[1]: r for r in rows}  # 排名, 承办部门, 受理, 办结, …
    assert set(by_lead) == {d["lead"] for d in figures["departments"]}
    for d in figures["departments"]:
        assert (by_lead[d["lead"]][2], by_lead[d["lead"]][3]) == (d["cases"], d["closed"])
    assert c.get("/requests/report.xlsx", params={"month": "2025-13"}).status_code == 422
    assert 'action="/requests/report.xlsx"' in c.get("/requests/stats").text


def test_town_users_neither_import_nor_download(clients):
    tom = clients["tom"]
    assert tom.get("/requests/import").status_code == 403
    assert tom.get("/requests/report.xlsx", params={"month": "2025-11"}).status_code == 403
    assert "/requests/import" not in tom.get("/requests").text
