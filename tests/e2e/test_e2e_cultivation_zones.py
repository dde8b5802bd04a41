"""企业培育, 园区对标 and 产业链 actions in a real browser (Debian's Chromium through Playwright) against the real
server: the pool and the ladder, a zone rank started from the web for the zone period with its interval chart
drawn, a 争先进位 answer verified by re-ranking, tagging from the chain list and an override on a firm's 画像."""

from __future__ import annotations

import re

import pytest

from e2e_server import running_server
from test_e2e_browser import ARGS, CHROMIUM, PAINTED


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from gaoxin.demo.files import write_department_files
    from gaoxin.demo.zone import generate_zone
    from gaoxin.demo.zones import generate_zones, write_zone_file
    from gaoxin.evaluations import cultivation as svc
    from gaoxin.evaluations.mujun import run_mujun
    from gaoxin.ingest.importer import commit_all, prepare_all
    from gaoxin.store import connect
    from gaoxin.web.auth import ensure_demo_admin

    root = tmp_path_factory.mktemp("e2e-cz")
    files = write_department_files(generate_zone(n_firms=200), root / "files")
    db = root / "cz.duckdb"
    con = connect(db)
    commit_all(con, prepare_all(files))
    run_mujun(con, "default", "2025")
    for sid in svc.BUILTIN:
        svc.run_cultivation(con, sid, "2025")
    commit_all(con, prepare_all([write_zone_file(generate_zones(), root)], source="zone"))
    pool = svc.pool(con, svc.run_cultivation(con, "hnte-2016", "2025").run_id)
    name, password = ensure_demo_admin(con)
    con.close()
    with running_server(db) as base:
        yield {"base": base, "name": name, "password": password, "pool_first": pool["name"][0]}


def test_cultivation_zones_and_chain_actions_in_the_browser(server):
    from playwright.sync_api import sync_playwright

    base = server["base"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(30_000)
        problems: list[str] = []
        page.on("console", lambda m: problems.append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
        try:
            page.goto(base + "/cultivation")
            page.fill("input[name=name]", server["name"])
            page.fill("input[name=password]", server["password"])
            page.click("button[type=submit]")
            page.wait_for_url(base + "/cultivation")
            # 培育库: ranked from 1, the closest firm first; the tier filter switches the pool
            first = page.locator("#pool tbody tr").first
            assert first.locator("td").first.inner_text().strip() == "1"
            assert server["pool_first"] in first.inner_text()
            page.select_option("select[name=scheme]", "tsme-2022")
            page.wait_for_url(re.compile(r".*scheme=tsme-2022.*"))
            assert page.locator("#pool tbody tr").count() >= 1

            # 梯度 ladder: distribution and each firm's next tier with its gaps
            page.click("#cultivation-tabs a[href^='/cultivation/ladder']")
            page.wait_for_selector("#ladder")
            assert page.locator("#distribution .stat").count() == 5
            assert page.locator("#ladder tbody tr").count() > 0

            # 园区对标: rank the zone period from the web, the interval chart drawn, then climb
            page.goto(base + "/zones")
            page.select_option("#start-rank select[name=period]", "2025")
            page.click("#start-rank button[type=submit]")
            page.wait_for_url(re.compile(r".*/zones/runs/.*"))
            page.wait_for_selector("#chart-intervals canvas")
            assert page.evaluate(PAINTED, "#chart-intervals") > 500
            home = int(re.match(r"(\d+)", page.inner_text("#home-rank")).group(1))
            target = max(1, home - 5)
            page.fill("#climb input[name=to_rank]", str(target))
            page.click("#climb button[type=submit]")
            page.wait_for_selector("#climb-message")
            if page.locator("#climb-new-rank").count():
                got = int(re.search(r"(\d+)", page.inner_text("#climb-new-rank")).group(1))
                assert got <= target  # the answer was re-ranked and reaches the target
                assert page.locator("#climb-changes tr").count() > 1
            else:
                assert "无法" in page.inner_text("#climb-message")

            # 产业链: tag from the list page, then override a node on a firm's 画像 with a reason
            page.goto(base + "/chains")
            page.click("#tag-form button[type=submit]")
            page.wait_for_selector("#tag-done")
            assert page.locator("#not-tagged").count() == 0
            page.goto(base + "/enterprises?q=")
            href = page.locator("#enterprise-table tbody tr a").first.get_attribute("href")
            page.goto(base + href.split("?")[0])
            page.select_option("#override-form select[name=node]", "IC.M2")
            page.fill("#override-form input[name=note]", "年报收入构成：功率器件 60%")
            page.click("#override-form button[type=submit]")
            page.wait_for_selector("#tag-table")
            tags = page.inner_text("#chain-tags")
            assert "IC.M2" in tags and "人工认定" in tags and "功率器件 60%" in tags

            # the English node table of a chain map fits its card (no horizontal scroll)
            page.goto(base + "/chains/IC?lang=en")
            fits = page.evaluate(
                "() => { const t = document.querySelector('#nodes'); "
                "return [t.scrollWidth, t.parentElement.clientWidth]; }"
            )
            assert fits[0] <= fits[1] + 1, fits
            assert problems == []
        finally:
            context.close()
            browser.close()
