"""/commitments pages: a commitment's conditions and steps; 审批 then 撤销 without a 信用记录 is refused naming the
field, with one it lands on the 失信 list; a viewer cannot act."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from web_support import csrf_of, login

from gaoxin.cases.calendar import calendar_in_force
from gaoxin.cases.projects import approvals


def test_commitment_pages_and_revocation_onto_the_dishonest_list(fresh):
    app, client = fresh("ana")
    con = app.state.store.cursor()
    cid = approvals.enter(con, calendar_in_force(con), actor="ana", role="analyst", title="施工许可 告知承诺",
                          commitment="按标准建设", conditions=["年度税收达标|tax_paid|>=|1|2025", "现场核查"],
                          due=date(2026, 6, 30), method="实地调查")  # fmt: skip
    con.close()
    assert cid in client.get("/commitments").text
    page = client.get(f"/commitments/{cid}").text
    assert "待人工核查" in page and "按标准建设" in page and 'id="commitment-step"' in page
    token = csrf_of(client)
    ok = client.post(f"/commitments/{cid}/step", data={"csrf_token": token, "action": "approve"},
                     follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303
    bad = client.post(
        f"/commitments/{cid}/step", data={"csrf_token": token, "action": "revoke", "reason": "虚假承诺"}
    )
    assert bad.status_code == 400 and "信用记录" in bad.text
    done = client.post(f"/commitments/{cid}/step", data={"csrf_token": token, "action": "revoke", "reason": "虚假承诺",
                                                         "credit": "告知承诺失信"}, follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    listed = client.get("/commitments").text
    assert "告知承诺失信" in listed.split('id="dishonest"')[1]
    viewer = TestClient(app)
    assert login(viewer, "vic").status_code == 303
    assert 'id="commitment-step"' not in viewer.get(f"/commitments/{cid}").text
    assert (
        viewer.post(
            f"/commitments/{cid}/step", data={"csrf_token": csrf_of(viewer), "action": "verify"}
        ).status_code
        == 403
    )
    assert client.get("/commitments/CN-2099-99999").status_code == 404
    api = client.get("/api/commitments").json()
    assert [d["case_id"] for d in api["dishonest"]] == [cid]
    one = client.get(f"/api/commitments/{cid}").json()
    assert one["state"] == "revoked" and [c["status"] for c in one["checks"]] == ["无数据", "待人工核查"]
