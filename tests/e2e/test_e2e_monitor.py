"""经济运行 in a real browser against the real server: a demo zone with its 36 months of monthly files, the
dashboard's trend charts drawn, an alert showing its rule, the 简报 downloaded as xlsx and PDF and opened."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from e2e_server import running_server
from test_e2e_browser import ARGS, CHROMIUM, PAINTED, until


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from gaoxin.demo.files import write_department_files
    from gaoxin.demo.monthly import import_monthly, write_monthly_files
    from gaoxin.demo.zone import generate_zone
    from gaoxin.ingest.importer import commit_all, prepare_all
    from gaoxin.store import connect
    from gaoxin.web.auth import ensure_demo_admin

    root = tmp_path_factory.mktemp("e2e-monitor")
    zone = generate_zone(n_firms=200)
    db = root / "monitor.duckdb"
    con = connect(db)
    commit_all(con, prepare_all(write_department_files(zone, root / "files")))
    import_monthly(con, write_monthly_files(zone, root / "monthly"))
    name, password = ensure_demo_admin(con)
    con.close()
    with running_server(db) as base:
        yield {"base": base, "name": name, "password": password, "root": root}


def test_dashboard_alert_and_brief_in_the_browser(server):
    from playwright.sync_api import sync_playwright

    base = server["base"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 1400, "height": 1000}, locale="zh-CN"
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        problems: list[str] = []
        page.on("console", lambda m: problems.append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
        try:
            page.goto(base + "/monitor")
            page.fill("input[name=name]", server["name"])
            page.fill("input[name=password]", server["password"])
            page.click("button[type=submit]")
            page.wait_for_url(re.compile(r".*/monitor"))
            # the output card's trend chart (this year and last year) is drawn
            until(page, f"() => ({PAINTED})('#chart-gross_output') > 500")
            assert "2025年1-11月" in page.inner_text("h1")
            # an alert shows the rule it broke (from the indicator card) and the figure
            rule = page.locator("#alerts td.rule").first
            assert rule.inner_text().strip()
            assert re.search(r"阈值|进度|目标增速", rule.inner_text())
            assert page.locator("#card-gross_output progress").count() == 1
            assert page.locator("#contrib table tr").count() > 3
            for link, check in (("#brief-xlsx", _xlsx_ok), ("#brief-pdf", _pdf_ok)):
                with page.expect_download() as info:
                    page.click(link)
                path = server["root"] / info.value.suggested_filename
                info.value.save_as(path)
                check(path)
            # one indicator's page with every vintage (the revised 1–6月 release)
            page.goto(base + "/monitor/gross_output?month=2025-06")
            assert page.locator("#vintages tr.superseded").count() >= 1
            until(page, f"() => ({PAINTED})('#chart-gross_output') > 500")
        finally:
            browser.close()
        assert problems == []


def _xlsx_ok(path: Path) -> None:
    from openpyxl import load_workbook

    assert zipfile.is_zipfile(path)
    wb = load_workbook(path, read_only=True)
    assert {"主要经济指标", "目标进度", "预警", "拉动"} <= set(wb.sheetnames)
    rows = list(wb["主要经济指标"].iter_rows(values_only=True))
    assert rows[2][0] == "指标名称" and any(r[0] == "规模以上工业总产值" for r in rows[3:])


def _pdf_ok(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert b"/FontFile2" in data and b"NotoSansCJK" in data  # the Chinese font is embedded (TrueType subset)
    assert (
        data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page>") >= 1
        or b"/Page" in data
    )
