"""亩均 申诉 in a real browser against the real server, on the hand-made store of tests/cases/appeals_support
(four firms, numbers worked by hand): the town officer files an appeal for firm 3 against its 税收 cell with
a stamped file, the analyst sends it to the 税务局, the department confirms with its own figure (120 万元),
the analyst (领导小组) sees the preview (firm 3 C → B, firm 2 B → C) and adopts it, and the final list xlsx
downloads with firm 3 in B and firm 2 in C."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from e2e_server import running_server
from test_e2e_browser import ARGS, CHROMIUM

sys.path.insert(0, str(Path(__file__).parents[1] / "cases"))

from appeals_support import code, hand_store  # noqa: E402

USERS = {
    "ana": ("analyst", "ana-pw-1", {}),
    "tax": ("department", "tax-pw-1", {"department": "税务局"}),
    "tom": ("town", "tom-pw-1", {"town": "城西街道"}),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from gaoxin.store import connect
    from gaoxin.web.auth import add_user

    root = tmp_path_factory.mktemp("e2e-appeals")
    con = connect(root / "appeals.duckdb")
    run = hand_store(con, root)
    for name, (role, pw, extra) in USERS.items():
        add_user(con, name, role, password=pw, **extra)
    con.close()
    with running_server(root / "appeals.duckdb") as base:
        yield {"base": base, "run_id": run["run_id"], "root": root}


def _sign_in(browser, base: str, name: str):
    context = browser.new_context(viewport={"width": 1300, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
    page.goto(base + "/publication")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", USERS[name][1])
    page.click("button[type=submit]")
    page.wait_for_url(base + "/publication")
    return context, page, problems


def _step(page, **fields) -> None:
    form = page.locator("#step-form")
    for name, value in fields.items():
        el = form.locator(f'[name="{name}"]')
        if el.evaluate("e => e.tagName") == "SELECT":
            el.select_option(value)
        else:
            el.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator("#step-error").count() == 0, page.locator("#step-error").inner_text()


def _state(page) -> str:
    return page.locator("#case-state").get_attribute("data-state")


def test_an_appeal_from_town_to_final_list(server):
    import polars as pl
    from playwright.sync_api import sync_playwright

    base = server["base"]
    evidence = server["root"] / "完税证明.pdf"
    evidence.write_bytes(b"%PDF-1.4 stamped tax certificate")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            ctx, page, problems = _sign_in(browser, base, "tom")
            form = page.locator("#new-appeal")
            form.locator("input[name=uscc]").fill(code(3))
            form.locator("select[name=indicator]").select_option("tax_paid")
            form.locator("input[name=claimed]").fill("125")
            form.locator("input[name=reason]").fill("一笔税款在外地入库，未计入")
            form.locator("input[name=evidence]").set_input_files(str(evidence))
            with page.expect_navigation():
                form.locator("button[type=submit]").click()
            case_id = page.url.rsplit("/", 1)[1]
            assert case_id.startswith("SS-") and _state(page) == "accepted"
            assert "税务 2025.xlsx" in page.locator("#cell-source").inner_text()  # batch, file, sheet, row
            assert "第 4 行" in page.locator("#cell-source").inner_text()
            assert page.locator("a[href*='/evidence/']").inner_text() == "完税证明.pdf"
            assert problems == []
            ctx.close()

            ctx, page, problems = _sign_in(browser, base, "ana")
            page.goto(f"{base}/appeals/{case_id}")
            _step(page, department="税务局")
            assert _state(page) == "verifying"
            ctx.close()

            ctx, page, problems = _sign_in(browser, base, "tax")
            page.goto(f"{base}/appeals/{case_id}")
            _step(page, verdict="属实", figure="120", note="核实：跨区入库税款 40 万元应计入")
            assert _state(page) == "verified"
            ctx.close()

            ctx, page, problems = _sign_in(browser, base, "ana")
            page.goto(f"{base}/appeals/{case_id}")
            firm = page.locator("#preview-firm").inner_text()
            assert re.search(r"C\s*→\s*B", firm), firm  # before the decision: firm 3 moves up
            others = page.locator("#preview-others").inner_text()
            assert "测试企业2" in others and re.search(r"B\s*C", others), others  # firm 2 B → C
            _step(page, decision="采纳")
            assert _state(page) == "decided"
            answer = page.request.get(f"{base}/final/{server['run_id']}/list.xlsx")
            assert answer.status == 200
            final = pl.read_excel(
                io.BytesIO(answer.body()), sheet_name="全部", read_options={"header_row": 1}
            )
            got = dict(
                zip(final["企业名称"], zip(final["初评等级"], final["定级"], strict=True), strict=True)
            )
            assert got["测试企业3"] == ("C", "B") and got["测试企业2"] == ("B", "C")
            assert got["测试企业1"] == ("A", "A") and got["测试企业4"] == ("D", "D")
            assert problems == []
            ctx.close()
        finally:
            browser.close()
