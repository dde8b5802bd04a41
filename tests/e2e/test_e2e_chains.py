"""产业链 in a real browser (Debian's Chromium through Playwright) against the real server: a demo zone imported,
evaluated and tagged (`gaoxin chains tag` runs before the server, as it must), then the chain list, a chain map
with its ECharts tree drawn, a click on a node that lands on its table row, and English — no console error."""

from __future__ import annotations

import pytest

from e2e_server import running_server
from test_e2e_browser import ARGS, CHROMIUM, PAINTED

# the page position of a tree node, from the chart's own layout (ECharts draws on a canvas)
NODE_XY = """name => {
  const el = document.getElementById('chart-chain');
  const data = echarts.getInstanceByDom(el).getModel().getSeriesByIndex(0).getData();
  for (let i = 0; i < data.count(); i++) {
    if (data.getName(i) === name) {
      const t = data.getItemGraphicEl(i).transform, box = el.getBoundingClientRect();
      return [box.left + t[4], box.top + t[5]];
    }
  }
  return null;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from gaoxin.chains.analysis import tag_store
    from gaoxin.chains.packs import load_packs
    from gaoxin.demo.files import write_department_files
    from gaoxin.demo.zone import generate_zone
    from gaoxin.evaluations.mujun import run_mujun
    from gaoxin.ingest.importer import commit_all, prepare_all
    from gaoxin.store import connect
    from gaoxin.web.auth import ensure_demo_admin

    root = tmp_path_factory.mktemp("e2e-chains")
    files = write_department_files(generate_zone(n_firms=200), root / "files")
    db = root / "chains.duckdb"
    con = connect(db)
    commit_all(con, prepare_all(files))
    run_mujun(con, "default", "2025")
    tag_store(con, load_packs())
    name, password = ensure_demo_admin(con)
    con.close()
    with running_server(db) as base:
        yield {"base": base, "name": name, "password": password}


def test_chain_map_in_the_browser(server):
    from playwright.sync_api import sync_playwright

    base = server["base"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(20_000)
        problems: list[str] = []
        page.on("console", lambda m: problems.append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"{r.url}: {r.failure}"))
        try:
            page.goto(base + "/chains")
            page.fill("input[name=name]", server["name"])
            page.fill("input[name=password]", server["password"])
            page.click("button[type=submit]")
            page.wait_for_url(base + "/chains")
            assert page.locator("#not-tagged").count() == 0  # tagged before the server started
            assert page.locator("#chains tbody tr").count() == 9

            page.click("#chain-IC a[href='/chains/IC']")
            page.wait_for_url(base + "/chains/IC")
            for chart in ("#chart-chain", "#chart-cluster"):
                page.wait_for_selector(chart + " canvas")
                assert page.evaluate(PAINTED, chart) > 500, chart
            assert int(page.inner_text("#count-present")) > 0
            assert page.locator("#gaps tr").count() > 1

            # a click on a node of the tree lands on the node's row of the table
            gap = page.inner_text("#gaps tr:nth-child(2) td:nth-child(2)")
            xy = page.evaluate(NODE_XY, gap)
            assert xy is not None, gap
            page.mouse.click(xy[0], xy[1])
            row_id = page.evaluate(
                "() => { const r = document.querySelector('[data-anchored]'); return r && r.id; }"
            )
            assert row_id and row_id.startswith("node-IC.")
            assert gap in page.inner_text("#" + row_id.replace(".", "\\."))

            page.goto(base + "/chains/IC?lang=en")
            page.wait_for_selector("#chart-chain canvas")
            assert page.evaluate(PAINTED, "#chart-chain") > 500
            assert "Industry chains" in page.inner_text("nav") and "Gaps ranked" in page.content()
            assert problems == []
        finally:
            context.close()
            browser.close()
