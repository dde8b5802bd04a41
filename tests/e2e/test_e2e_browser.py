"""The web app in a real browser (Debian's Chromium through Playwright) against the real server (uvicorn in a
subprocess): sign in, upload the demo's department files, run an evaluation, read the overview and an
enterprise profile with their charts drawn, export xlsx and open it — with no JavaScript console error."""

from __future__ import annotations

import io
import time

import openpyxl
import pytest

from e2e_server import running_server

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# canvas pixels that are not fully transparent (ECharts draws on a transparent canvas)
PAINTED = """sel => {
  const c = document.querySelector(sel + ' canvas');
  if (!c || !c.width || !c.height) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  return n;
}"""


def until(page, predicate: str, timeout: float = 20.0) -> None:
    """Poll a JavaScript function from Python (page.wait_for_function evaluates strings, which our CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from gaoxin.demo.files import write_department_files
    from gaoxin.demo.zone import generate_zone
    from gaoxin.store import connect
    from gaoxin.web.auth import ensure_demo_admin

    root = tmp_path_factory.mktemp("e2e")
    files = write_department_files(generate_zone(n_firms=200), root / "files")
    db = root / "e2e.duckdb"
    con = connect(db)
    name, password = ensure_demo_admin(con)
    con.close()
    with running_server(db) as base:
        yield {"base": base, "files": files, "name": name, "password": password}


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 1400, "height": 1000}, locale="zh-CN"
        )
        pg = context.new_page()
        problems: list[str] = []
        pg.on("console", lambda m: problems.append(f"{pg.url}: {m.text}") if m.type == "error" else None)
        pg.on("pageerror", lambda e: problems.append(f"{pg.url}: {e}"))
        pg.on("requestfailed", lambda r: problems.append(f"{r.url}: {r.failure}"))
        pg.problems = problems
        yield pg
        context.close()
        browser.close()


def test_the_whole_journey(server, page, tmp_path):
    base = server["base"]
    page.set_default_timeout(20_000)

    # sign in (redirected to the login form first)
    page.goto(base + "/enterprises")
    assert "/login" in page.url
    page.fill("input[name=name]", server["name"])
    page.fill("input[name=password]", server["password"])
    page.click("button[type=submit]")
    page.wait_for_url(base + "/enterprises")

    # upload the department files, see the preview, commit
    page.goto(base + "/imports")
    page.set_input_files("input[name=files]", [str(p) for p in server["files"]])
    page.click("form[action='/imports/preview'] button[type=submit]")
    page.wait_for_selector("#commit")
    assert "导入预览（尚未写入）" in page.content()
    assert page.locator("#file-summary tr").count() == len(server["files"]) + 1
    assert page.locator("table.rejects tr").count() > 5  # the demo files carry bad codes, blanks, 合计 rows
    page.click("#commit")
    page.wait_for_selector("text=导入结果")
    assert page.locator("#file-summary >> text=已导入").count() == len(server["files"])

    # run the evaluation for two years (the second gets a year-on-year comparison)
    for period in ("2024", "2025"):
        page.goto(base + "/runs")
        page.select_option("#start-run select[name=period]", period)
        page.click("#start-run button[type=submit]")
        page.wait_for_selector("text=评价完成")

    # the overview draws its charts
    page.goto(base + "/overview")
    for chart in ("#chart-classes", "#chart-towns", "#chart-tax", "#chart-va"):
        page.wait_for_selector(chart + " canvas")
        assert page.evaluate(PAINTED, chart) > 500, chart
    assert page.locator("#transitions").count() == 1

    # the enterprise list: search as you type (htmx), sort, then open a profile
    page.goto(base + "/enterprises")
    total_all = int(page.inner_text("#total"))
    with page.expect_response(
        lambda r: "/enterprises?" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.fill("input[name=q]", "kjyxgs")
    until(page, f"() => document.querySelector('#total').innerText !== '{total_all}'")
    assert 0 < int(page.inner_text("#total")) < total_all
    assert "q=kjyxgs" in page.url  # the view is in the address bar
    searched = int(page.inner_text("#total"))
    page.goto(base + "/runs")
    page.go_back()  # back to the searched list, whole page
    page.wait_for_selector("#filters")
    assert int(page.inner_text("#total")) == searched and page.input_value("input[name=q]") == "kjyxgs"
    with page.expect_response(lambda r: "scale=above" in r.url):
        page.select_option("select[name=scale]", "above")
    page.wait_for_url("**scale=above**")
    page.go_back()  # an htmx history entry: restored by htmx itself
    until(page, "() => !location.search.includes('scale=above')")
    until(
        page,
        f"() => document.querySelector('#total') && document.querySelector('#total').innerText === "
        f"'{searched}'",
    )
    assert page.locator("#filters").count() == 1 and page.locator("#enterprise-table").count() == 1
    page.select_option("select[name=scale]", "")
    # the search box sends 300 ms after typing and again (`change`) when it loses focus: let both answers land
    # now, or the second one, sent when the sort link below is clicked, can replace the sorted table
    with page.expect_response(lambda r: "/enterprises?" in r.url and "q=&" in r.url):
        page.fill("input[name=q]", "")
    with page.expect_response(lambda r: "/enterprises?" in r.url and "q=&" in r.url):
        page.locator("input[name=q]").blur()
    with page.expect_response(lambda r: "/enterprises?" in r.url and "class=C" in r.url):
        page.select_option("select[name=class]", "C")
    until(page, f"() => document.querySelector('#total').innerText !== '{total_all}'")
    page.click("#enterprise-table th >> text=得分")
    page.wait_for_selector("#enterprise-table th >> text=得分 ▼")
    first = page.locator("#enterprise-table tbody tr td a").first
    first.click()
    page.wait_for_selector("#items")
    page.wait_for_selector("#chart-radar canvas")
    assert page.evaluate(PAINTED, "#chart-radar") > 500
    assert page.locator("#facts tr").count() > 5
    page.click("#items form button[type=submit]")  # what-if, loaded by htmx
    page.wait_for_selector("#what-if p")

    # export the current view and open it
    page.goto(base + "/enterprises?class=C&sort=score&desc=true")
    n = int(page.inner_text("#total"))
    with page.expect_download() as info:
        page.click("#export")
    path = tmp_path / "export.xlsx"
    info.value.save_as(path)
    ws = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active
    assert ws.max_row == n + 2 and ws.cell(2, 1).value == "统一社会信用代码"

    # English, then every page once more for console errors
    page.goto(base + "/overview?lang=en")
    assert "Overview" in page.inner_text("nav")
    for path_ in ("/runs", "/schemes/default", "/batches", "/admin/users", "/runs/compare", "/imports"):
        page.goto(base + path_)
        page.wait_for_load_state("load")
    assert page.problems == []
