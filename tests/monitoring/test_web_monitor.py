"""经济运行 pages and API through the app: the figures shown are the store's, town users see no firm 拉动."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from web_support import PASSWORDS, login, make_app  # noqa: E402

from gaoxin.store import connect, rows  # noqa: E402
from gaoxin.web.auth import add_user  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def app_db(monthly_store, tmp_path_factory):
    db = tmp_path_factory.mktemp("web-monitor") / "w.duckdb"
    db.write_bytes(monthly_store["db"].read_bytes())
    con = connect(db)
    town = rows(con, "SELECT town FROM enterprise WHERE town IS NOT NULL LIMIT 1")[0][0]
    add_user(con, "ana", "analyst", password=PASSWORDS["ana"])
    add_user(con, "tom", "town", town=town, password=PASSWORDS["tom"])
    cum = rows(
        con,
        "SELECT value FROM monitor_value WHERE indicator = 'gross_output' AND period = '2025-10' "
        "AND measure = 'cum' AND NOT superseded",
    )[0][0]
    con.close()
    return db, cum


def client(db, name):
    c = TestClient(make_app(db))
    assert login(c, name).status_code in (302, 303)
    return c


def test_dashboard_api_and_pages(app_db):
    db, cum = app_db
    with client(db, "ana") as c:
        api = c.get("/api/monitor?month=2025-10").json()
        assert api["period"] == "2025-10"
        cards = {x["card"]["id"]: x for x in api["cards"]}
        assert cards["gross_output"]["figures"]["cum"] == cum
        assert api["contributions"]["sum_pp"] == pytest.approx(api["contributions"]["growth"])
        page = c.get("/monitor?month=2025-10")
        assert page.status_code == 200 and 'id="contrib"' in page.text and "时序进度" in page.text
        assert 'id="nowcast"' in page.text and "MAE" in page.text  # the estimate with its back-test error
        assert c.get("/monitor?month=1999-01").status_code == 404
        assert c.get("/monitor/gross_output").status_code == 200
        assert c.get("/monitor/unknown").status_code == 404
        en = c.get("/monitor?lang=en")
        assert "Ahead of schedule" in en.text or "Behind schedule" in en.text


def test_town_user_sees_zone_figures_but_no_firm_contributions(app_db):
    with client(app_db[0], "tom") as c:
        page = c.get("/monitor")
        assert page.status_code == 200 and 'id="contrib"' not in page.text
        api = c.get("/api/monitor").json()
        assert "contributions" not in api
        # 目标分解: the departments' rows and the user's own town only
        towns = {r["owner"] for r in api["owners"] if r["owner_kind"] == "town"}
        assert towns == {tom_town(app_db[0])}
        assert any(r["owner_kind"] == "department" for r in api["owners"])


def tom_town(db) -> str:
    con = connect(db)
    try:
        return rows(con, "SELECT town FROM app_user WHERE name = 'tom'")[0][0]
    finally:
        con.close()


def test_targets_assigned_to_towns_and_alerts_in_english(app_db):
    with client(app_db[0], "ana") as c:
        api = c.get("/api/monitor?month=2025-10").json()
        towns = [r for r in api["owners"] if r["owner_kind"] == "town"]
        assert len({r["owner"] for r in towns}) >= 3  # every demo town has its targets
        page = c.get("/monitor?month=2025-10")
        assert 'id="owners"' in page.text and towns[0]["owner"] in page.text
        en = c.get("/monitor?month=2025-10&lang=en").text
        assert "Targets assigned down" in en
        for a in api["alerts"]:  # each alert's rule in English on the English page, never the Chinese one
            assert a["rule_en"] in en.replace("&#39;", "'") and a["rule"] not in en


def test_monthly_import_through_the_web(app_db, tmp_path):
    from test_intake import zone_table
    from web_support import csrf_of

    db, _ = app_db
    path = zone_table(tmp_path / "统计局_主要经济指标_2025年1-10月_修订.xlsx", output_cum="700.00")
    with client(db, "tom") as c:  # a town user imports nothing
        token = csrf_of(c, "/monitor")
        with path.open("rb") as f:
            r = c.post(
                "/monitor/import",
                data={"kind": "auto"},
                files={"files": (path.name, f)},
                headers={"X-CSRF-Token": token},
            )
        assert r.status_code == 403
    with client(db, "ana") as c:
        token = csrf_of(c, "/monitor")
        with path.open("rb") as f:
            r = c.post(
                "/monitor/import",
                data={"kind": "auto", "csrf_token": token},
                files={
                    "files": (
                        path.name,
                        f,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    )
                },
            )
        assert r.status_code == 200, r.text
        assert 'id="import-results"' in r.text and "/imports/batches/" in r.text
        # the new vintage is in force at once (the page cache follows the batch)
        api = c.get("/api/monitor?month=2025-10").json()
        go = next(x for x in api["cards"] if x["card"]["id"] == "gross_output")
        assert go["figures"]["cum"] == 700.00
        with path.open("rb") as f:  # the same file again: nothing written twice
            again = c.post(
                "/monitor/import", data={"kind": "auto", "csrf_token": token}, files={"files": (path.name, f)}
            )
        assert "已导入过" in again.text
        bad = c.post(
            "/monitor/import",
            data={"kind": "auto", "csrf_token": token},
            files={"files": ("x.txt", b"hello")},
        )
        assert bad.status_code == 400
