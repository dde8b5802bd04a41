"""创新登记 in a real browser (Debian's Chromium through Playwright) against the real server: the analyst uploads
a 科技局 platform list at /registries/import, opens the platform and reads its review clock (a 省级 企业技术中心
approved 2024-03-01: 3-year cycle from rules.toml → next review 2027-03-01), then re-runs the stale 科技型中小企业
run from 评价 and sees the host firm's cultivation gap change on its 画像 and its firm page: before the list it
fails tsme-2022 (no 科技人员, no R&D, no IP: 0 points, and the 科技局 file codes no R&D institution); with the
register's 省级 platform it qualifies directly by 第七条（三）拥有经认定的省部级以上研发机构."""

from __future__ import annotations

import pytest

from e2e_server import running_server
from test_e2e_browser import ARGS, CHROMIUM

HEAD = ["统一社会信用代码", "企业名称", "年份", "职工总数", "科技人员数", "营业收入（万元）", "资产总额（万元）",
        "成本费用支出总额（万元）", "研发费用（万元）", "Ⅰ类知识产权数", "Ⅱ类知识产权数", "重大安全事故", "重大环境事件",
        "严重失信", "研发机构级别"]  # fmt: skip
PLATFORM = "甲公司省级企业技术中心"
ROUTE = "经直接认定「拥有经认定的省部级以上研发机构」满足"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from gaoxin.evaluations import cultivation as svc
    from gaoxin.ingest.importer import import_files
    from gaoxin.store import connect
    from gaoxin.web.auth import add_user
    from support import valid_code, write_xlsx

    root = tmp_path_factory.mktemp("e2e-registries")
    code = valid_code(5151)
    weak = [code, "甲公司", None, 100, 0, 5000, 10000, 4500, 0, 0, 0, "否", "否", "否", 0]
    rows = [HEAD, [*weak[:2], 2025, *weak[3:]], [*weak[:2], 2024, *weak[3:]]]
    db = root / "registries.duckdb"
    con = connect(db)
    import_files(con, [write_xlsx(root / "科技局.xlsx", {"企业": rows})], source="sci")
    for sid in svc.BUILTIN:
        svc.run_cultivation(con, sid, "2025")
    tsme = svc.run_cultivation(con, "tsme-2022", "2025").run_id
    add_user(con, "ana", "analyst", password="ana-pw-1")
    con.close()
    sheet = [["平台名称", "平台类型", "级别", "依托单位", "统一社会信用代码", "认定日期", "状态"],
             [PLATFORM, "企业技术中心", "省", "甲公司", code, "2024-03-01", "有效"]]  # fmt: skip
    listing = write_xlsx(root / "科技局创新平台.xlsx", {"创新平台": sheet})
    with running_server(db) as base:
        yield {"base": base, "code": code, "tsme": tsme, "listing": listing}


def test_a_platform_list_imported_in_the_browser_changes_the_firms_cultivation_gap(server):
    from playwright.sync_api import sync_playwright

    base, code, tsme = server["base"], server["code"], server["tsme"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1300, "height": 1000}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(30_000)
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
        try:
            page.goto(base + "/registries/import")
            page.fill("input[name=name]", "ana")
            page.fill("input[name=password]", "ana-pw-1")
            page.click("button[type=submit]")
            page.wait_for_url(base + "/registries/import")

            # before: the 画像 shows tsme 未达标 with the failing conditions, none met through a route
            page.goto(f"{base}/enterprises/{code}")
            row = page.locator("#tier-table tr", has_text="科技型中小企业")
            assert "未达标" in row.inner_text() and ROUTE not in row.inner_text()
            page.goto(f"{base}/cultivation/runs/{tsme}/{code}")
            assert page.inner_text("#verdict") == "未达标"

            # the upload: one batch, the platform row accepted
            page.goto(base + "/registries/import")
            page.set_input_files("input[name=file]", str(server["listing"]))
            page.click("form[action='/registries/import'] button[type=submit]")
            page.wait_for_selector("#outcome")
            assert page.inner_text("#accepted") == "1" and page.inner_text("#rejected") == "0"

            # the platform's review clock: 省级, 3-year cycle (assumed) from the 认定 date
            page.goto(base + "/registries/platform")
            page.click(f"a:has-text('{PLATFORM}')")
            page.wait_for_selector("#review-clock")
            assert page.inner_text("#next-review") == "2027-03-01"
            assert page.locator("#workdays-left").count() == 1 and page.inner_text("#status-now")

            # the stored tsme run is stale now: re-run it from 评价
            page.goto(base + "/runs")
            row = page.locator("tr", has=page.locator(f"a[href='/runs/{tsme}']"))
            row.locator("form[action$='/rerun'] button").click()
            page.wait_for_load_state()

            # after: the firm qualifies directly, on its 画像 and on the new run's firm page
            page.goto(f"{base}/enterprises/{code}")
            row = page.locator("#tier-table tr", has_text="科技型中小企业")
            cells = row.locator("td").all_inner_texts()
            assert cells[2] == "达标" and cells[3] == "—"  # no gap left
            new_run = row.locator("a").get_attribute("href").split("/")[3]
            assert new_run != tsme
            page.goto(f"{base}/cultivation/runs/{new_run}/{code}")
            assert page.inner_text("#verdict") == "符合条件"
            assert ROUTE in page.inner_text("#firm-conditions")
            assert problems == []
        finally:
            context.close()
            browser.close()
