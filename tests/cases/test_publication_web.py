"""The 公示与申诉 pages and API by role on the hand-made store: a town officer files for its own town's firm
only and sees only its town's appeals; a department user verifies but cannot decide; a viewer proposes no
调档; the API answers what the pages show."""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "web"))

from appeals_support import code, hand_store  # noqa: E402
from web_support import make_app  # noqa: E402

from gaoxin.store import connect  # noqa: E402
from gaoxin.web.auth import add_user  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

USERS = {
    "ana": ("analyst", {}),
    "tax": ("department", {"department": "税务局"}),
    "west": ("town", {"town": "城西街道"}),
    "east": ("town", {"town": "城东街道"}),
    "vic": ("viewer", {}),
}


@pytest.fixture
def site(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    run = hand_store(con, tmp_path)
    for name, (role, extra) in USERS.items():
        add_user(con, name, role, password=f"{name}-pw-1", **extra)
    con.close()
    app = make_app(tmp_path / "w.duckdb")
    clients = {}
    for name in USERS:
        c = TestClient(app)
        page = c.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        r = c.post("/login", data={"name": name, "password": f"{name}-pw-1", "csrf_token": token, "next": "/"},
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 303
        clients[name] = c
    yield clients, run
    app.state.store.close()


def _token(c, path="/publication") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', c.get(path).text).group(1)


def _file(c, uscc: str):
    return c.post(
        "/appeals",
        data={
            "csrf_token": _token(c),
            "uscc": uscc,
            "indicator": "tax_paid",
            "claimed": "120",
            "reason": "漏计",
        },
        files={"evidence": ("证明.pdf", b"%PDF stamped", "application/pdf")},
        follow_redirects=False,
    )


def test_roles_on_an_appeal(site):
    clients, run = site
    west, east, tax, ana, vic = (clients[n] for n in ("west", "east", "tax", "ana", "vic"))
    refused = _file(west, code(1))  # firm 1 is in 城东街道
    assert "error=" in refused.headers["location"]
    r = _file(west, code(3))
    case = r.headers["location"].rsplit("/", 1)[1]
    assert case.startswith("SS-")
    assert east.get(f"/appeals/{case}").status_code == 404
    assert [a["case_id"] for a in east.get("/api/mujun/appeals").json()] == []
    assert [a["case_id"] for a in west.get("/api/mujun/appeals").json()] == [case]
    ev = west.get(f"/api/mujun/appeals/{case}").json()["evidence"][0]
    assert west.get(f"/appeals/{case}/evidence/{ev[0]}").content == b"%PDF stamped"

    def step(c, **data):
        return c.post(f"/appeals/{case}/step", data={"csrf_token": _token(c, f"/appeals/{case}"), **data},
                      follow_redirects=False)  # fmt: skip

    assert step(tax, action="assign", department="税务局").status_code == 403
    assert "error" not in step(ana, action="assign", department="税务局").headers["location"]
    assert "error" not in step(tax, action="verify", verdict="属实", figure="120").headers["location"]
    assert step(tax, action="decide", decision="采纳").status_code == 403
    shown = ana.get(f"/api/mujun/appeals/{case}").json()
    assert shown["state"] == "verified" and shown["preview"]["firm"]["class_new"] == "B"
    assert "error" not in step(ana, action="decide", decision="采纳").headers["location"]
    final = {r["uscc"]: r["class_final"] for r in ana.get("/api/mujun/final").json()["rows"]}
    assert final[code(3)] == "B" and final[code(2)] == "C"
    log = ana.get(f"/enterprises/{code(3)}/mujun-decisions").text
    assert case in log and "通过" in log  # the decision log on the firm's 画像
    r = vic.post("/adjust", data={"csrf_token": _token(vic, "/adjust"), "run_id": run["run_id"], "uscc": code(1),
                                  "to_class": "B", "reason": "环保事故"}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 403
