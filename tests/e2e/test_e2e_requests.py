"""企业诉求 in a real browser (Debian's Chromium through Playwright) against the real server: a request is
entered and dispatched (派单) by the service officer (analyst), accepted, paused for the firm's documents
(待企业补充材料), answered and closed by the 部门经办人, called back by the analyst and rated by the town
user — three users, each in their own browser session — and the department user gets 404 on another
department's case. The state after each step is read back from the ledger (derived from the event log)."""

from __future__ import annotations

import pytest

from e2e_server import running_server
from test_e2e_browser import ARGS, CHROMIUM

LAND, POLICY = "自然资源和规划局", "经济发展局"
USERS = {
    "ana": ("analyst", "ana-pw-1", {}),
    "zr": ("department", "zr-pw-1", {"department": LAND}),
    "tom": ("town", "tom-pw-1", {}),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from gaoxin.cases.calendar import calendar_in_force
    from gaoxin.cases.ledger import record
    from gaoxin.cases.requests import enter_request
    from gaoxin.demo.files import write_department_files
    from gaoxin.demo.zone import generate_zone
    from gaoxin.ingest.importer import commit_all, prepare_all
    from gaoxin.store import connect, one
    from gaoxin.web.auth import add_user

    root = tmp_path_factory.mktemp("e2e-requests")
    files = write_department_files(generate_zone(n_firms=200), root / "files")
    db = root / "requests.duckdb"
    con = connect(db)
    commit_all(con, prepare_all(files))
    uscc, town = one(con, "SELECT uscc, town FROM enterprise WHERE town IS NOT NULL ORDER BY uscc LIMIT 1")
    for name, (role, pw, extra) in USERS.items():
        add_user(con, name, role, town=town if role == "town" else None, password=pw, **extra)
    cal = calendar_in_force(con)
    other = enter_request(con, cal, actor="ana", role="analyst", title="研发费用奖补", category="政策兑现")
    record(con, other, cal=cal, actor="ana", role="analyst", action="dispatch", fields={"department": POLICY})
    con.close()
    with running_server(db) as base:
        yield {"base": base, "uscc": uscc, "other": other}


def _state(page, base: str, case_id: str) -> str:
    """The state the ledger derives from the case's event log (GET /api/requests/{id}, same session)."""
    answer = page.request.get(f"{base}/api/requests/{case_id}")
    assert answer.status == 200
    return answer.json()["state"]


def _sign_in(browser, base: str, name: str):
    context = browser.new_context(viewport={"width": 1300, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
    page.goto(base + "/requests")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", USERS[name][1])
    page.click("button[type=submit]")
    page.wait_for_url(base + "/requests")
    return context, page, problems


def _step(page, action: str, **fields) -> None:
    """Open the step's form on the case page, fill its fields, submit, wait for the case page again."""
    box = page.locator(f'details[data-step="{action}"]')
    assert box.count() == 1, f"step {action} not offered"
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    for name, value in fields.items():
        el = box.locator(f'[name="{name}"]')
        if el.evaluate("e => e.tagName") == "SELECT":
            el.select_option(value)
        else:
            el.fill(value)
    with page.expect_navigation():
        box.locator("button[type=submit]").click()


def _shown_state(page) -> str:
    return page.locator("#case-state").get_attribute("data-state")


def test_a_request_through_its_life_by_three_users(server):
    from playwright.sync_api import sync_playwright

    base = server["base"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            # the service officer (analyst) enters the request and dispatches it to 自然资源和规划局
            ctx, page, problems = _sign_in(browser, base, "ana")
            page.click("a[href='/requests/new']")
            page.fill("input[name=firm]", server["uscc"])
            page.fill("input[name=title]", "厂房产权证办理")
            page.select_option("select[name=category]", "用地")
            page.fill("textarea[name=content]", "新建厂房竣工，申请办理不动产权证")
            with page.expect_navigation():
                page.click("#new-request button[type=submit]")
            case_id = page.url.rsplit("/", 1)[1]
            assert case_id.startswith("SQ-") and _shown_state(page) == "received"
            assert page.locator("#firm-link").count() == 1  # the registered firm links to its 画像
            _step(page, "dispatch", department=LAND)
            assert _shown_state(page) == "dispatched" and _state(page, base, case_id) == "dispatched"
            assert problems == []
            ctx.close()

            # the 部门经办人 finds it in its 待办, accepts, asks for documents, gets them, answers and closes
            ctx, page, problems = _sign_in(browser, base, "zr")
            assert page.locator(f'tr[data-case="{case_id}"]').count() == 1
            page.click(f'tr[data-case="{case_id}"] a >> nth=0')
            page.wait_for_url(f"{base}/requests/{case_id}")
            _step(page, "accept", handler="李强")
            assert _shown_state(page) == "handling"
            _step(page, "request_info", note="请补充竣工验收备案表")
            assert (
                _shown_state(page) == "waiting_firm" and "暂停中" in page.locator("#case-state").inner_text()
            )
            assert _state(page, base, case_id) == "waiting_firm"
            page.goto(base + "/requests")
            assert "暂停中" in page.locator(f'tr[data-case="{case_id}"]').inner_text()
            page.goto(f"{base}/requests/{case_id}")
            _step(page, "info_received")
            _step(page, "answer", answer="已受理不动产登记，5个工作日内发证")
            assert _shown_state(page) == "answered"
            _step(page, "close")
            assert _shown_state(page) == "closed" and _state(page, base, case_id) == "closed"
            # another department's case does not exist for this user
            response = page.goto(f"{base}/requests/{server['other']}")
            assert response.status == 404
            assert "页面不存在" in page.locator("h1").inner_text()
            page.goto(base + "/requests?view=all")
            assert page.locator(f'tr[data-case="{server["other"]}"]').count() == 0
            assert problems == []
            ctx.close()

            # the analyst calls back (回访)
            ctx, page, problems = _sign_in(browser, base, "ana")
            page.goto(f"{base}/requests/{case_id}")
            _step(page, "visit", note="电话回访，企业已收到答复")
            assert _shown_state(page) == "visited"
            ctx.close()

            # the town user records the firm's rating (评价)
            ctx, page, problems = _sign_in(browser, base, "tom")
            page.goto(f"{base}/requests/{case_id}")
            _step(page, "rate", satisfaction="满意")
            assert _shown_state(page) == "rated" and _state(page, base, case_id) == "rated"
            actors = page.locator("#timeline-table tr[data-action] td:nth-child(3)").all_inner_texts()
            assert {a.split()[0] for a in actors} == {"ana", "zr", "tom"}
            assert page.locator("#timeline-table tr[data-action]").count() == 9  # 受理 + 8 steps
            assert problems == []
            ctx.close()
        finally:
            browser.close()
