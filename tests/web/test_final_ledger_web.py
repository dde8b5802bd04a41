"""The 差别化政策台账 on the final classes (定级) from the web: the run's ledger page with basis=final shows the
approved 调档 (a D firm adjusted to C pays the C surcharge), its xlsx and the API say the same; the run's own
ledger is unchanged."""

from __future__ import annotations

import io
import warnings

import openpyxl
import polars as pl
import pytest
from web_support import PASSWORDS, login, make_app

from gaoxin.cases.appeals import decisions as D
from gaoxin.evaluations.mujun import run_mujun
from gaoxin.reports.policy_ledger import ledger
from gaoxin.store import connect
from gaoxin.store import runs as store_runs
from gaoxin.web.auth import add_user

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def adjusted(demo_store, tmp_path_factory):
    db = demo_store.copy(tmp_path_factory.mktemp("final-ledger") / "f.duckdb")
    con = connect(db)
    run = store_runs.find_run(con, run_mujun(con, "default", "2025").run_id)
    lines = ledger(con, run)["lines"]
    elec = lines.filter((pl.col("policy") == "electricity_surcharge") & (pl.col("class_final") == "D"))
    firm, amount = elec["uscc"][0], elec["amount"][0]
    D.review(
        con,
        D.propose(con, run["run_id"], firm, to_class="C", reason="政策保护", actor="甲"),
        approve=True,
        actor="乙",
    )
    add_user(con, "ana", "analyst", password=PASSWORDS["ana"])
    con.close()
    app = make_app(db)
    c = TestClient(app)
    assert login(c, "ana").status_code == 303
    yield c, run["run_id"], firm, amount
    app.state.store.close()


def test_the_final_ledger_page_xlsx_and_api(adjusted):
    c, run_id, firm, amount = adjusted
    own = c.get(f"/runs/{run_id}/ledger").text
    final = c.get(f"/runs/{run_id}/ledger?basis=final").text
    assert "按定级" in final and 'id="ledger-basis"' in own
    api_run = c.get(f"/api/runs/{run_id}/ledger").json()
    api_final = c.get(f"/api/runs/{run_id}/ledger?basis=final").json()
    assert api_final["basis"] == "final" and api_final["by_class"] != api_run["by_class"]

    def elec(rows, klass):
        return next(
            (r for r in rows if r.get("policy") == "electricity_surcharge" and r["class_final"] == klass),
            None,
        )

    d_run, d_final = elec(api_run["by_class"], "D"), elec(api_final["by_class"], "D")
    assert d_final["firms"] == d_run["firms"] - 1  # the adjusted firm left D …
    assert d_final["amount"] == pytest.approx(d_run["amount"] - amount)
    body = c.get(f"/runs/{run_id}/ledger.xlsx?basis=final").content
    wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    cells = [r for ws in wb.worksheets for r in ws.iter_rows(values_only=True) if firm in [str(v) for v in r]]
    assert cells and any("C" in [str(v) for v in r] for r in cells)  # … and is listed in C
    assert c.get(f"/runs/{run_id}/ledger?basis=other").status_code in (400, 422)
