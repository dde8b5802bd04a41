"""企业诉求 in the web: the 待办 inbox, a case page with its step form, 新建诉求, board, statistics, the firm's
画像 and the /api/requests mirror — and who may see and do what. Every transition route is tried by every
role along a request's whole life; the outcome is checked against the ledger (the state derived from the
event log), a department user gets 404 on another department's case, a town user sees its town only, and a
step without its CSRF token is refused."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest
from fastapi.testclient import TestClient
from web_support import PASSWORDS, csrf_of, login, make_app

from gaoxin.cases import ledger
from gaoxin.cases.calendar import calendar_in_force
from gaoxin.cases.requests import DOMAIN, rates
from gaoxin.demo.requests import generate_requests
from gaoxin.flows import load_flow
from gaoxin.store import cases as store_cases
from gaoxin.store import connect, one
from gaoxin.web.auth import add_user

LAND, POLICY = "自然资源和规划局", "经济发展局"
DEPT_USERS = {"zr": LAND, "jf": POLICY}
PW = {**PASSWORDS, "zr": "dept-pw-zr", "jf": "dept-pw-jf"}
FLOW = load_flow("enterprise-request")[0]


@pytest.fixture(scope="module")
def desk_db(world, tmp_path_factory):
    """The web world with a year of demo requests and two department users."""
    path = tmp_path_factory.mktemp("requests") / "requests.duckdb"
    shutil.copy(world.db, path)
    con = connect(path)
    generate_requests(con, calendar_in_force(con), n=80)
    for name, unit in DEPT_USERS.items():
        add_user(con, name, "department", password=PW[name], department=unit)
    con.close()
    return path


def _client(app, name):
    c = TestClient(app)
    assert login(c, name, PW[name]).status_code == 303
    return c


@pytest.fixture(scope="module")
def desk(desk_db):
    app = make_app(desk_db)
    clients = {name: _client(app, name) for name in PW}
    yield app, clients
    app.state.store.close()


@pytest.fixture
def fresh_desk(desk_db, tmp_path):
    path = tmp_path / "store.duckdb"
    shutil.copy(desk_db, path)
    app = make_app(path)
    clients = {name: _client(app, name) for name in PW}
    yield app, clients
    app.state.store.close()


def _db(app):
    return app.state.store.cursor()


def _case_of(app, **filters) -> str:
    df = store_cases.case_list(_db(app), {"domain": DOMAIN, **filters})
    return df["case_id"][0]


def _derived(app, case_id) -> dict:
    """What the event log says, derived afresh (not the projection)."""
    cur = _db(app)
    return ledger.show(cur, case_id, calendar_in_force(cur))


def _events(app, case_id) -> int:
    return one(_db(app), "SELECT count(*) FROM case_event WHERE case_id = ?", [case_id])[0]


# ---- pages ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(PW))
def test_every_role_reaches_the_pages(desk, name):
    app, clients = desk
    c = clients[name]
    for path in (
        "/requests",
        "/requests?view=all",
        "/requests/board",
        "/requests/stats",
        "/requests?lang=en",
    ):
        r = c.get(path)
        assert r.status_code == 200, path
        assert "企业诉求" in r.text or "Enterprise requests" in r.text
    assert 'href="/requests"' in c.get("/overview").text  # the nav entry
    new = c.get("/requests/new")
    assert new.status_code == (200 if name in ("root", "ana", "tom") else 403)


def test_inbox_is_overdue_first_with_clocks_in_working_days(desk):
    app, clients = desk
    page = clients["ana"].get("/requests?view=all&lang=zh").text
    assert "个工作日" in page
    data = clients["ana"].get("/api/requests").json()
    rows = data["rows"]
    assert data["total"] == store_cases.inbox(_db(app), {"domain": DOMAIN})[0] > 0
    flags = [r["overdue"] for r in rows]
    assert flags == sorted(flags, reverse=True)  # overdue first
    for r in rows:
        kind = r["clock"]["kind"]
        if FLOW.paused(r["state"]):
            assert kind == "paused"
        elif r["due"]:
            cal = calendar_in_force(_db(app))
            due, today = date.fromisoformat(r["due"]), date.today()
            if due >= today:
                assert kind == "left" and r["clock"]["n"] == int(cal.count(today, due))
            else:
                assert kind == "over" and r["clock"]["n"] == int(cal.count(due, today))
    en = clients["ana"].get("/requests?lang=en").text
    assert "working days" in en


def test_inbox_filters_and_paging(desk):
    app, clients = desk
    c = clients["ana"]
    all_ = c.get("/api/requests?view=all&size=10").json()
    assert all_["total"] == store_cases.case_list(_db(app), {"domain": DOMAIN}).height
    assert len(all_["rows"]) == 10 and all_["pages"] == -(-all_["total"] // 10)
    second = c.get("/api/requests?view=all&size=10&page=2").json()["rows"]
    assert not {r["case_id"] for r in second} & {r["case_id"] for r in all_["rows"]}
    land = c.get("/api/requests", params={"view": "all", "department": LAND, "size": 200}).json()
    assert land["rows"] and {r["lead"] for r in land["rows"]} == {LAND}
    cat = c.get("/api/requests", params={"view": "all", "category": "融资", "size": 200}).json()
    assert {r["category"] for r in cat["rows"]} == {"融资"}
    frag = c.get("/requests?view=all&category=融资", headers={"HX-Request": "true"}).text
    assert "<html" not in frag and 'id="requests-table"' in frag


def test_department_user_sees_only_its_department(desk):
    app, clients = desk
    zr = clients["zr"]
    data = zr.get("/api/requests", params={"view": "all", "size": 200}).json()
    expected = store_cases.case_list(_db(app), {"domain": DOMAIN, "unit": LAND}).height
    assert data["total"] == expected > 0
    assert all(r["lead"] == LAND or LAND in (r["co_units"] or "") for r in data["rows"])
    other = _case_of(app, lead=POLICY)
    assert zr.get(f"/requests/{other}").status_code == 404
    assert zr.get(f"/api/requests/{other}").status_code == 404
    token = csrf_of(zr, "/requests")
    before = _events(app, other)
    r = zr.post(f"/requests/{other}/step", data={"action": "note", "note_text": "x", "csrf_token": token})
    assert r.status_code == 404 and ("没有这条诉求" in r.text or "No such request" in r.text)
    r = zr.post(
        f"/api/requests/{other}/transition", json={"action": "accept"}, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 404 and _events(app, other) == before
    mine = _case_of(app, lead=LAND)
    assert zr.get(f"/requests/{mine}").status_code == 200
    board = zr.get("/api/requests/board").json()["rows"]
    assert [b["lead"] for b in board] == [LAND]
    stats = zr.get("/api/requests/stats").json()
    assert {d["lead"] for d in stats["departments"]} <= {LAND}
    assert {r["lead"] for r in rates(_db(app), None, {"unit": LAND})} <= {LAND}


def test_town_user_sees_its_town_only(desk, world):
    app, clients = desk
    tom = clients["tom"]
    data = tom.get("/api/requests", params={"view": "all", "size": 200}).json()
    assert data["total"] == store_cases.case_list(_db(app), {"domain": DOMAIN, "town": world.my_town}).height
    assert {r["town"] for r in data["rows"]} <= {world.my_town}
    other = _case_of(app, town=world.other_town)
    assert tom.get(f"/requests/{other}").status_code == 404
    assert tom.get(f"/api/requests/{other}").status_code == 404


def test_case_page_shows_header_timeline_and_only_my_steps(desk):
    app, clients = desk
    case_id = _case_of(app, lead=LAND)
    view = _derived(app, case_id)
    page = clients["ana"].get(f"/requests/{case_id}?lang=zh").text
    assert case_id in page and 'id="timeline-table"' in page
    assert page.count("<tr data-action=") == len(view["timeline"])
    assert view["state_title"] in page and LAND in page
    if view["case"]["uscc"]:
        assert f'href="/enterprises/{view["case"]["uscc"]}"' in page
    vic = clients["vic"].get(f"/requests/{case_id}").text
    assert 'id="no-steps"' in vic and 'name="action"' not in vic
    api = clients["ana"].get(f"/api/requests/{case_id}").json()
    assert api["state"] == view["state"] and len(api["timeline"]) == len(view["timeline"])
    allowed = {t.id for t in FLOW.available(view["state"], "analyst")}
    assert {s["action"] for s in api["steps"] if FLOW.transition(s["action"])} == allowed


def test_stats_match_the_ledger_rates(desk):
    app, clients = desk
    stats = clients["ana"].get("/api/requests/stats").json()
    table = rates(_db(app))
    assert stats["total"]["cases"] == sum(r["cases"] for r in table)
    assert stats["total"]["responded_in_time"] == sum(r["responded_in_time"] for r in table)
    per = {d["lead"]: d for d in stats["departments"]}
    land = [r for r in table if r["lead"] == LAND]
    assert per[LAND]["closed_in_time"] == sum(r["closed_in_time"] for r in land)
    page = clients["ana"].get("/requests/stats?lang=zh").text
    assert "响应率" in page and 'id="rates"' in page and "chart-rates" in page
    assert sum(c["cases"] for c in stats["categories"]) == stats["total"]["cases"]


def test_profile_lists_the_firms_requests(desk):
    app, clients = desk
    uscc = store_cases.case_list(_db(app), {"domain": DOMAIN}).filter(
        store_cases.case_list(_db(app), {"domain": DOMAIN})["uscc"].is_not_null()
    )["uscc"][0]
    page = clients["ana"].get(f"/enterprises/{uscc}").text
    n = store_cases.case_list(_db(app), {"domain": DOMAIN, "uscc": uscc}).height
    assert 'id="firm-requests"' in page and page.count('<tr><td><a href="/requests/SQ-') == n > 0


# ---- writing --------------------------------------------------------------------------------------------
def test_new_request_by_code_by_name_and_unregistered(fresh_desk, world):
    app, clients = fresh_desk
    c = clients["ana"]
    token = csrf_of(c, "/requests/new")
    r = c.post(
        "/requests/new",
        data={"firm": world.my_firm, "title": "用电增容", "category": "水电气", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    case_id = r.headers["location"].rsplit("/", 1)[1]
    head = _derived(app, case_id)["case"]
    assert head["uscc"] == world.my_firm and head["town"] == world.my_town
    r = c.post(
        "/requests/new",
        data={"firm": "拟落户新能源公司（筹）", "title": "选址咨询", "category": "用地", "csrf_token": token},
        follow_redirects=False,
    )
    head = _derived(app, r.headers["location"].rsplit("/", 1)[1])["case"]
    assert head["uscc"] is None and head["firm_name"] == "拟落户新能源公司（筹）"
    bad = c.post(
        "/requests/new",
        data={"firm": "", "title": "", "category": "用地", "content": "保留", "csrf_token": token},
    )
    assert bad.status_code == 400 and "诉求标题不能为空" in bad.text and "保留" in bad.text
    tom = clients["tom"]
    r = tom.post(
        "/requests/new",
        data={
            "firm": world.other_firm,
            "title": "x",
            "category": "用地",
            "csrf_token": csrf_of(tom, "/requests/new"),
        },
    )
    assert r.status_code == 403
    assert (
        clients["zr"]
        .post("/requests/new", data={"csrf_token": csrf_of(clients["zr"], "/requests")})
        .status_code
        == 403
    )


def test_steps_refuse_without_csrf(fresh_desk):
    app, clients = fresh_desk
    case_id = _case_of(app, lead=LAND)
    before = _events(app, case_id)
    c = clients["root"]
    assert c.post(f"/requests/{case_id}/step", data={"action": "note", "note_text": "x"}).status_code == 403
    assert (
        c.post(
            f"/requests/{case_id}/step", data={"action": "note", "note_text": "x", "csrf_token": "0" * 40}
        ).status_code
        == 403
    )
    assert (
        c.post(f"/api/requests/{case_id}/transition", json={"action": "note", "note": "x"}).status_code == 403
    )
    assert (
        c.post(
            f"/api/requests/{case_id}/transition",
            json={"action": "note", "note": "x"},
            headers={"X-CSRF-Token": "f"},
        ).status_code
        == 403
    )
    assert c.post("/api/requests", json={"title": "x", "category": "用地"}).status_code == 403
    assert _events(app, case_id) == before


def test_refusal_names_the_clause_and_keeps_what_was_typed(fresh_desk, world):
    app, clients = fresh_desk
    c = clients["ana"]
    token = csrf_of(c, "/requests/new")
    r = c.post(
        "/requests/new",
        data={"firm": world.my_firm, "title": "融资对接", "category": "融资", "csrf_token": token},
        follow_redirects=False,
    )
    case_id = r.headers["location"].rsplit("/", 1)[1]
    r = c.post(
        f"/requests/{case_id}/step", data={"action": "dispatch", "note_text": "请尽快", "csrf_token": token}
    )
    assert r.status_code == 400
    assert "缺少必填项" in r.text and "transitions.dispatch.requires" in r.text and "请尽快" in r.text
    r = c.post(f"/requests/{case_id}/step", data={"action": "close", "csrf_token": token})
    assert r.status_code == 400 and "transitions.close" in r.text
    api = c.post(
        f"/api/requests/{case_id}/transition", json={"action": "answer"}, headers={"X-CSRF-Token": token}
    )
    assert api.status_code == 400 and api.json()["clause"] == "transitions.answer"
    assert _events(app, case_id) == 1 and _derived(app, case_id)["state"] == "received"


# the life every request can walk, each step by a role the flow allows; the attempts at every state
PATH = [
    ("dispatch", "ana", {"department": LAND}),
    ("accept", "zr", {"handler": "李强"}),
    ("request_info", "zr", {"note": "请补充产权证明"}),
    ("info_received", "tom", {}),
    ("answer", "zr", {"answer": "已办理"}),
    ("close", "zr", {}),
    ("visit", "ana", {"note": "电话回访"}),
    ("rate", "tom", {"satisfaction": "不满意"}),
    ("reopen", "ana", {"reason": "企业不满意"}),
    ("answer", "zr", {"answer": "重新办理后答复"}),
]
WEB_ROLE = {
    "root": "admin",
    "ana": "analyst",
    "vic": "viewer",
    "tom": "town",
    "zr": "department",
    "jf": "department",
}


def _fields_for(t) -> dict:
    values = {"department": LAND, "reason": "理由", "note": "说明", "answer": "答复", "satisfaction": "满意"}
    return {f: values.get(f, "x") for f in t.requires}


def _expected(name: str, t, state: str, lead: str | None) -> int:
    role = WEB_ROLE[name]
    if role == "department" and DEPT_USERS[name] != lead:
        return 404  # not its case: it must not learn the case exists
    if role == "viewer":
        return 403
    if state not in t.from_:
        return 400
    if role not in t.roles:
        return 403
    return 200


def test_permission_walk_every_transition_by_every_role(fresh_desk, world):
    """At each state of a request's life, every transition of the flow is posted by every user through both
    routes (page form and API): refused ones change nothing and answer 404 / 403 / 400 as scope, role and
    state say; allowed ones off the path are posted without their required fields (400, nothing written);
    then the path's step is taken and the ledger's derived state is the transition's target."""
    app, clients = fresh_desk
    tokens = {n: csrf_of(c, "/requests") for n, c in clients.items()}
    r = clients["ana"].post(
        "/requests/new",
        data={
            "firm": world.my_firm,
            "title": "厂房产权证办理",
            "category": "用地",
            "csrf_token": tokens["ana"],
        },
        follow_redirects=False,
    )
    case_id = r.headers["location"].rsplit("/", 1)[1]
    tried = set()
    for action, actor, fields in PATH:
        view = _derived(app, case_id)
        state, lead = view["state"], view["lead"]
        for t in FLOW.transitions:
            for name, c in clients.items():
                if name == "anon":
                    continue
                want = _expected(name, t, state, lead)
                body = {} if want == 200 else _fields_for(t)
                if want == 200 and not t.requires:
                    continue  # would succeed off the path
                before = _events(app, case_id)
                page = c.post(
                    f"/requests/{case_id}/step", data={"action": t.id, "csrf_token": tokens[name], **body}
                )
                api = c.post(
                    f"/api/requests/{case_id}/transition",
                    json={"action": t.id, "fields": body},
                    headers={"X-CSRF-Token": tokens[name]},
                )
                code = 400 if want == 200 else want
                assert (page.status_code, api.status_code) == (code, code), (state, t.id, name)
                assert _events(app, case_id) == before, (state, t.id, name)
                tried.add((t.id, WEB_ROLE[name]))
        r = clients[actor].post(
            f"/requests/{case_id}/step",
            data={
                "action": action,
                "csrf_token": tokens[actor],
                "events": str(_events(app, case_id)),
                **fields,
            },
            follow_redirects=False,
        )
        assert r.status_code == 303, (action, actor, r.text[-500:])
        after = _derived(app, case_id)
        assert after["state"] == FLOW.transition(action).to
        assert after["timeline"][-1]["actor"] == actor and after["timeline"][-1]["role"] == WEB_ROLE[actor]
        projected = store_cases.case_state(_db(app), case_id)
        assert projected["state"] == after["state"] and projected["lead"] == after["lead"]
    assert {t.id for t in FLOW.transitions} <= {a for a, _ in tried}
    assert {r for _, r in tried} == set(WEB_ROLE.values())


def _handling_case(clients, world) -> str:
    """A new request entered, dispatched to 自然资源和规划局 and accepted there, through the API."""
    ana, zr = clients["ana"], clients["zr"]
    h = {"X-CSRF-Token": csrf_of(ana, "/requests")}
    case_id = ana.post(
        "/api/requests",
        json={"title": "土地性质变更咨询", "category": "用地", "firm": world.my_firm},
        headers=h,
    ).json()["case_id"]
    assert (
        ana.post(
            f"/api/requests/{case_id}/transition",
            json={"action": "dispatch", "fields": {"department": LAND}},
            headers=h,
        ).json()["state"]
        == "dispatched"
    )
    hz = {"X-CSRF-Token": csrf_of(zr, "/requests")}
    assert (
        zr.post(f"/api/requests/{case_id}/transition", json={"action": "accept"}, headers=hz).json()["state"]
        == "handling"
    )
    return case_id


def test_co_unit_reads_and_notes_but_does_not_act(fresh_desk, world):
    app, clients = fresh_desk
    case_id = _handling_case(clients, world)
    token = csrf_of(clients["ana"], "/requests")
    r = clients["ana"].post(
        f"/api/requests/{case_id}/transition",
        json={"action": "involve", "fields": {"department": POLICY}},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200, r.text
    jf = clients["jf"]
    assert jf.get(f"/requests/{case_id}").status_code == 200
    jt = csrf_of(jf, "/requests")
    r = jf.post(
        f"/api/requests/{case_id}/transition",
        json={"action": "answer", "fields": {"answer": "x"}},
        headers={"X-CSRF-Token": jt},
    )
    assert r.status_code == 403 and "首接负责" in r.json()["detail"]
    r = jf.post(
        f"/api/requests/{case_id}/transition",
        json={"action": "note", "note": "已配合核实"},
        headers={"X-CSRF-Token": jt},
    )
    assert r.status_code == 200 and _derived(app, case_id)["timeline"][-1]["note"] == "已配合核实"


def test_attachment_upload_and_download_by_sha(fresh_desk, world):
    import hashlib

    app, clients = fresh_desk
    case_id = _handling_case(clients, world)
    zr = clients["zr"]
    data = "产权证明（扫描件）".encode()
    r = zr.post(
        f"/requests/{case_id}/step",
        data={"action": "note", "note_text": "附材料", "csrf_token": csrf_of(zr, "/requests")},
        files={"files": ("证明.txt", data, "text/plain")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    sha = hashlib.sha256(data).hexdigest()
    assert _derived(app, case_id)["timeline"][-1]["attachments"] == (sha,) or list(
        _derived(app, case_id)["timeline"][-1]["attachments"]
    ) == [sha]
    page = zr.get(f"/requests/{case_id}").text
    assert re.search(rf'/requests/{case_id}/file/{sha}"', page)
    got = clients["ana"].get(f"/requests/{case_id}/file/{sha}")
    assert got.status_code == 200 and got.content == data
    assert clients["jf"].get(f"/requests/{case_id}/file/{sha}").status_code == 404
    other = _case_of(app, lead=POLICY)
    assert clients["ana"].get(f"/requests/{other}/file/{sha}").status_code == 404


def test_demo_officers_and_the_admin_page(fresh_desk, world):
    """`gaoxin demo` prints a login per demo department; each sees exactly its department's requests. The
    administrator adds a 部门经办人 on the users page (a department is required)."""
    from gaoxin.demo.requests import DEPARTMENT_USERS, TOPICS
    from gaoxin.web.auth import ensure_demo_officers

    app, clients = fresh_desk
    cur = _db(app)
    with app.state.store.write_lock:
        officers = ensure_demo_officers(cur, DEPARTMENT_USERS, world.my_town)
    units = {unit for unit, _ in TOPICS.values()}
    assert units <= {o[2] for o in officers if o[1] == "department"}
    name, _role, unit, password = next(o for o in officers if o[2] == LAND)
    c = TestClient(app)
    assert login(c, name, password).status_code == 303
    got = c.get("/api/requests", params={"view": "all", "size": 200}).json()
    assert got["total"] == store_cases.case_list(cur, {"domain": DOMAIN, "unit": LAND}).height
    root = clients["root"]
    token = csrf_of(root, "/admin/users")
    r = root.post("/admin/users", data={"name": "kj", "role": "department", "csrf_token": token})
    assert r.status_code == 400 and ("部门经办人必须指定承办部门" in r.text or "needs a department" in r.text)
    r = root.post(
        "/admin/users",
        data={
            "name": "kj",
            "role": "department",
            "department": "科技局",
            "password": "kj-pw-123",
            "csrf_token": token,
        },
    )
    assert r.status_code == 200
    kj = TestClient(app)
    assert login(kj, "kj", "kj-pw-123").status_code == 303
    assert kj.get("/api/me").json()["department"] == "科技局"
    rows = kj.get("/api/requests", params={"view": "all", "size": 200}).json()["rows"]
    assert {r["lead"] for r in rows} <= {"科技局"}


def test_the_first_list_of_the_day_re_derives_the_clocks(fresh_desk):
    app, clients = fresh_desk
    cur = _db(app)
    store_cases.set_clocks_day(cur, DOMAIN, "2000-01-01")  # as if the last list was long ago
    assert clients["ana"].get("/requests").status_code == 200
    assert store_cases.clocks_day(cur, DOMAIN) == date.today().isoformat()


def test_english_inbox_translates_the_flow_data(desk):
    """Issue 14: English pages kept the flow's categories, urgencies and deadline titles in Chinese."""
    import re as _re

    from gaoxin.web.i18n import EN

    app, clients = desk
    en = clients["ana"].get("/requests?view=all&lang=en").text
    table = en.split('id="requests-table"')[1].split("</table>")[0]
    cells = _re.findall(r"<tr class=\"[^\"]*\" data-case=.*?</tr>", table, _re.S)
    assert cells
    data = {c: EN[c] for c in FLOW.choices["category"] + FLOW.choices["urgency"]}
    for row in cells:
        tds = _re.findall(r"<td>(.*?)</td>", row, _re.S)
        category, urgency, deadline = (
            tds[3],
            tds[4],
            tds[7],
        )  # number, title, firm, category, urgency, state, lead, deadline
        assert category in data.values() or category == "—", category
        assert urgency in data.values() or urgency == "", urgency
        assert not _re.search(r"[\u4e00-\u9fff]", deadline), deadline
