"""招商引资 in a real browser (Debian's Chromium through Playwright) against the real server: the analyst opens a
lead in 洽谈 from /leads, signs it (签约) with the agreement's numbers and lands on the project it opened; a node
(备案) is completed and this month's 调度 entered short of plan (500 of 1,000 万元 < 80 %); the project page and
the board (/projects?colour=红) show it 红, read back from the projection and the JSON API. A viewer sees no
signing form."""

from __future__ import annotations

from datetime import date

import pytest

from e2e_server import running_server
from test_e2e_browser import ARGS, CHROMIUM

USERS = {"ana": ("analyst", "ana-pw-1"), "vic": ("viewer", "vic-pw-1")}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from gaoxin.cases.calendar import calendar_in_force
    from gaoxin.cases.ledger import record
    from gaoxin.cases.projects.leads import enter_lead
    from gaoxin.store import connect
    from gaoxin.web.auth import add_user

    db = tmp_path_factory.mktemp("e2e-projects") / "projects.duckdb"
    con = connect(db)
    for name, (role, pw) in USERS.items():
        add_user(con, name, role, password=pw)
    cal = calendar_in_force(con)
    lead = enter_lead(con, cal, actor="ana", role="analyst", title="年产5万台伺服电机项目",
                      industry="3811 电动机制造", investment_wan=20000, land_mu=100, owner="周明")  # fmt: skip
    for action in ("visit", "negotiate"):
        record(con, lead, cal=cal, actor="ana", role="analyst", action=action)
    caught_up = _caught_up_project(con, cal)
    committed = _committed_project(con, cal, db.parent)
    con.close()
    with running_server(db) as base:
        yield {"base": base, "lead": lead, "caught_up": caught_up, "committed": committed}


def _committed_project(con, cal, root) -> str:
    """A project past its 达产 year (2024) that committed 亩均税收 30 万元/亩; the 税务 file of 2024 gives the firm
    100 万元 on 10 亩 = 10 万元/亩: short by 20, read from that batch."""
    from datetime import datetime

    from gaoxin.cases.projects import book
    from gaoxin.ingest.importer import import_files
    from support import valid_code, write_xlsx

    code = valid_code(4242)
    rows = [["统一社会信用代码", "企业名称", "所属镇街", "用地面积（亩）", "税收实际贡献（万元）"],
            [code, "承诺测试企业", "城东街道", 10, 100]]  # fmt: skip
    import_files(con, [write_xlsx(root / "税务 2024.xlsx", {"2024": rows})], source="tax", period="2024")
    return book.enter_project(con, cal, actor="ana", role="analyst", at=datetime(2022, 3, 1, 10),
                              title="精密模具项目", uscc=code, firm_name="承诺测试企业", industry="3525 模具制造",
                              investment_wan=3000, land_mu=10, full_year=2024, tax_per_mu=30)  # fmt: skip


def _caught_up_project(con, cal) -> dict:
    """A 重点 project signed two months back: every node due so far done on its planned day, the first month's
    完成投资 short of plan (红), the next month caught up (黄, not 绿 — the flow's rule)."""
    from datetime import datetime, time, timedelta

    from gaoxin.cases.projects import book

    first = (date.today().replace(day=1) - timedelta(days=40)).replace(day=1)
    second = (first + timedelta(days=32)).replace(day=1)
    pid = book.enter_project(con, cal, actor="ana", role="analyst", at=datetime(first.year, first.month, 2, 10),
                             title="高端轴承项目", industry="3451 滚动轴承制造", investment_wan=5000, land_mu=30,
                             key=True)  # fmt: skip
    for n in sorted(book.detail(con, cal, pid)["plan"], key=lambda n: n.planned):
        if n.planned < date.today():
            book.complete_node(con, cal, pid, actor="ana", role="analyst", node=n.id, done_on=n.planned,
                               at=datetime.combine(n.planned, time(16)))  # fmt: skip
    m1, m2 = first.strftime("%Y-%m"), second.strftime("%Y-%m")
    book.progress(con, cal, pid, actor="ana", role="analyst", month=m1, plan_wan=1000, done_wan=500)
    book.progress(con, cal, pid, actor="ana", role="analyst", month=m2, plan_wan=0, done_wan=700)
    book.refresh_board(con, cal, None, [pid])
    return {"id": pid, "months": (m1, m2)}


def _sign_in(browser, base: str, name: str):
    context = browser.new_context(viewport={"width": 1300, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
    page.goto(base + "/leads")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", USERS[name][1])
    page.click("button[type=submit]")
    page.wait_for_url(base + "/leads")
    return context, page, problems


def test_a_lead_signed_in_the_browser_becomes_a_red_project_on_the_board(server):
    from playwright.sync_api import sync_playwright

    base, lead = server["base"], server["lead"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            ctx, page, problems = _sign_in(browser, base, "ana")
            page.click(f"a[href='/leads/{lead}']")
            page.wait_for_url(f"{base}/leads/{lead}")
            assert page.inner_text("#stage") == "洽谈"
            sign = page.locator("details[data-step=sign] form")
            assert sign.locator("input[name=investment_wan]").input_value() == "20000"  # the lead's plan
            sign.locator("input[name=full_year]").fill("2029")
            sign.locator("input[name=tax_per_mu]").fill("30")
            sign.locator("button[type=submit]").click()
            page.wait_for_url(f"{base}/projects/XM-*")
            pid = page.url.rsplit("/", 1)[1]
            page.select_option("#node-form select[name=node]", "filing")
            page.fill("#node-form input[name=done_on]", date.today().isoformat())
            page.click("#node-form button[type=submit]")
            page.wait_for_url(f"{base}/projects/{pid}#months")
            month = date.today().strftime("%Y-%m")
            page.fill("#progress-form input[name=month]", month)
            page.fill("#progress-form input[name=plan_wan]", "1000")
            page.fill("#progress-form input[name=done_wan]", "500")
            page.click("#progress-form button[type=submit]")
            page.wait_for_url(f"{base}/projects/{pid}#months")
            assert page.inner_text("#colour") == "红"
            row = page.locator("#months tr", has_text=month)
            assert "完成投资 500 万元低于计划 1000 万元的 80%" in row.inner_text()
            plan = page.locator("#plan tr.node-done").inner_text()
            assert plan.startswith("备案") and date.today().isoformat() in plan
            page.goto(f"{base}/projects?colour=红")
            assert page.locator(f"#projects a[href='/projects/{pid}']").count() == 1
            # with the fixture's 2022 project (its nodes overdue since), two projects are 红
            assert page.locator("#projects td.colour-红").count() == 2
            assert "红 2" in page.inner_text("#colours")
            lead_page = page.request.get(f"{base}/api/leads/{lead}").json()
            assert lead_page["state"] == "signed" and lead_page["project_id"] == pid
            assert lead_page["signing"]["counted_wan"] == 20000
            assert problems == []
            ctx.close()

            ctx, page, problems = _sign_in(browser, base, "vic")
            page.goto(f"{base}/leads/{lead}")
            assert page.locator("details[data-step]").count() == 0
            page.goto(f"{base}/projects/{pid}")
            assert page.locator("#progress-form").count() == 0 and page.inner_text("#colour") == "红"
            assert problems == []
            ctx.close()
        finally:
            browser.close()


def test_a_ledger_uploaded_in_the_browser_and_the_projects_gantt_drawn(server, tmp_path):
    """项目台账 upload: 预览 writes nothing, 导入 enters the good row and lists the bad one by row and column; the
    new project's page draws its node Gantt (an ECharts canvas) and, after a month of 调度, the investment curve."""
    import xlsxwriter
    from playwright.sync_api import sync_playwright

    path = tmp_path / "项目台账.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("台账")
    ws.write_row(0, 0, ["项目名称", "投资主体", "签约日期", "总投资（亿元）", "用地面积（公顷）", "达产年份"])
    ws.write_row(1, 0, ["浏览器导入电机项目", "甲公司", "2025-03-10", 2.5, 4, 2028])
    ws.write_row(2, 0, ["浏览器导入铸件项目", "乙公司", "2025-04-01", "待定", 2, 2027])
    wb.close()
    base = server["base"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            ctx, page, problems = _sign_in(browser, base, "ana")
            page.goto(base + "/projects")
            page.click("a[href='/projects/import']")
            page.set_input_files("#ledger-import input[name=file]", str(path))
            page.click("#ledger-import button[value=preview]")
            page.wait_for_selector("#import-result[data-status=preview]")
            assert page.inner_text("#n-accepted") == "1" and page.inner_text("#n-rejected") == "1"
            assert "浏览器导入电机项目" not in page.request.get(f"{base}/api/projects").text()
            page.set_input_files("#ledger-import input[name=file]", str(path))
            page.click("#ledger-import button[value=import]")
            page.wait_for_selector("#import-result[data-status=imported]")
            reject = page.inner_text("#ledger-rejects")
            assert "列「总投资（亿元）」(D列)" in reject and "「待定」" in reject
            page.click("#imported-projects a")
            page.wait_for_url(f"{base}/projects/XM-2025-*")
            page.wait_for_selector("#chart-gantt[data-rendered] canvas")
            box = page.locator("#chart-gantt canvas").first.bounding_box()
            assert box["width"] > 300 and box["height"] > 200
            one = page.request.get(page.url.replace("/projects/", "/api/projects/")).json()
            assert (one["case"]["fields"]["investment_wan"], one["case"]["fields"]["land_mu"]) == (25000, 60)
            page.fill("#progress-form input[name=month]", "2025-03")
            page.fill("#progress-form input[name=plan_wan]", "1000")
            page.fill("#progress-form input[name=done_wan]", "900")
            page.click("#progress-form button[type=submit]")
            page.wait_for_selector("#chart-investment[data-rendered] canvas")
            assert problems == []
            ctx.close()
        finally:
            browser.close()


def test_a_month_short_turns_red_then_caught_up_yellow_and_the_dispatch_sheet_opens(server, tmp_path):
    """The three-colour rule in the browser (红 for the short month, 黄 — not 绿 — once caught up), and the
    重点项目月度调度表 downloaded from the board opens with its sheets and the project in it."""
    import openpyxl
    from playwright.sync_api import sync_playwright

    base, project = server["base"], server["caught_up"]
    m1, m2 = project["months"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            ctx, page, problems = _sign_in(browser, base, "ana")
            page.goto(f"{base}/projects/{project['id']}")
            assert page.inner_text("#colour") == "黄"
            colours = {
                row.locator("td").nth(0).inner_text(): row.locator("td").nth(1).inner_text()
                for row in page.locator("#months tr").all()
                if row.locator("td").count()
            }
            assert colours[m1] == "红" and colours[m2] == "黄"
            assert "曾逾期，已赶上进度" in page.locator("#months tr", has_text=m2).inner_text()
            page.goto(f"{base}/projects")
            with page.expect_download() as info:
                page.click("a[href='/projects/dispatch.xlsx']")
            path = tmp_path / info.value.suggested_filename
            info.value.save_as(path)
            wb = openpyxl.load_workbook(path, read_only=True)
            assert {"重点项目调度", "立项未开工", "开工未建设", "建设未竣工", "说明"} <= set(wb.sheetnames)
            cells = [
                str(v) for row in wb["重点项目调度"].iter_rows(values_only=True) for v in row if v is not None
            ]
            assert "高端轴承项目" in cells
            assert problems == []
            ctx.close()
        finally:
            browser.close()


def test_a_commitment_check_shows_the_shortfall_with_its_source_batch(server):
    """标准地 对赌 in the browser: after 达产 the committed 亩均税收 is checked against the 税务 facts in force."""
    from playwright.sync_api import sync_playwright

    base, pid = server["base"], server["committed"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            ctx, page, problems = _sign_in(browser, base, "ana")
            page.goto(f"{base}/projects/{pid}")
            row = page.locator("#checks tr", has_text="亩均税收").first
            text = row.inner_text()
            assert "2024" in text and "30" in text and "10" in text and "差 20" in text, text
            assert "批次" in text and "税务 2024.xlsx" in text, text
            assert problems == []
            ctx.close()
        finally:
            browser.close()
