"""登记告知承诺 from the web (it could be entered only with `gaoxin commitments add`): one condition per line,
the checked one read against the firm's facts; refusals keep what was typed; writers only."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_support import csrf_of, login


def test_a_commitment_entered_from_the_form_is_checked_against_the_data(fresh, world):
    app, client = fresh("ana")
    assert 'id="new-commitment"' in client.get("/commitments/new").text
    form = {
        "csrf_token": csrf_of(client),
        "title": "施工许可 告知承诺",
        "uscc": world.my_firm,
        "due": "2026-06-30",
        "method": "实地调查",
        "commitment": "按标准地出让条件建设",
        "conditions": "年度税收达标|tax_paid|>=|1|2025\n现场核查\n",
    }
    res = client.post("/commitments/new", data=form, follow_redirects=False)
    assert res.status_code == 303
    cid = res.headers["location"].rsplit("/", 1)[1]
    view = client.get(f"/api/commitments/{cid}").json()
    conditions = view["case"]["fields"]["conditions"]
    assert len(conditions) == 2 and conditions[0]["indicator"] == "tax_paid"
    page = client.get(f"/commitments/{cid}").text
    assert "待人工核查" in page and "按标准地出让条件建设" in page

    bad = client.post("/commitments/new", data={**form, "due": "明年"}, follow_redirects=False)
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text and "按标准地出让条件建设" in bad.text
    none = client.post("/commitments/new", data={**form, "conditions": " \n"}, follow_redirects=False)
    assert none.status_code == 400 and "至少须有一项承诺条件" in none.text


def test_only_writers_record_commitments(fresh):
    app, _ = fresh("ana")
    viewer = TestClient(app)
    assert login(viewer, "vic").status_code == 303
    assert 'id="new-commitment"' not in viewer.get("/commitments/new").text
    res = viewer.post(
        "/commitments/new", data={"csrf_token": csrf_of(viewer), "title": "x"}, follow_redirects=False
    )
    assert res.status_code == 403


def test_an_officer_check_keeps_its_evidence_files(fresh, world):
    """ "The rest by an officer with evidence attached" (issue 15): a step's files are kept by sha256 and listed."""
    import hashlib

    app, client = fresh("ana")
    form = {"csrf_token": csrf_of(client), "title": "环评 告知承诺", "uscc": world.my_firm, "due": "2026-06-30",
            "method": "实地调查", "commitment": "按环评批复建设", "conditions": "现场核查"}  # fmt: skip
    cid = (
        client.post("/commitments/new", data=form, follow_redirects=False)
        .headers["location"]
        .rsplit("/", 1)[1]
    )
    photo = b"\x89PNG site photo"
    res = client.post(
        f"/commitments/{cid}/step",
        data={"csrf_token": csrf_of(client), "action": "approve", "note": "现场核查"},
        files={"files": ("现场照片.png", photo, "image/png")},
        follow_redirects=False,
    )
    assert res.status_code == 303
    page = client.get(f"/commitments/{cid}").text
    sha = hashlib.sha256(photo).hexdigest()
    assert f"/commitments/{cid}/files/{sha}" in page and "现场照片.png" in page
    got = client.get(f"/commitments/{cid}/files/{sha}")
    assert got.status_code == 200 and got.content == photo
    assert client.get(f"/commitments/{cid}/files/{'0' * 64}").status_code == 404
