"""Run management in a real browser (Debian's Chromium through Playwright) against the real server: Chinese
glyphs actually drawn (not tofu boxes), a run made stale by a later import flagged 已过期 and re-run, the fresh
run marked 正式 (the overview then opens it), and its 差别化政策台账 in 万元 — no console error."""

from __future__ import annotations

import pytest

from e2e_server import running_server
from test_e2e_browser import ARGS, CHROMIUM

# two different Chinese characters and a private-use code point (no font has a glyph for it: the "tofu"
# fallback) drawn in the page's own font: with CJK fonts the two characters differ from each other and from
# the fallback; without them all three come out as the same box (or nothing)
GLYPHS = """() => {
  const font = getComputedStyle(document.body).fontFamily;
  const c = document.createElement('canvas'); c.width = 64; c.height = 64;
  const g = c.getContext('2d');
  const draw = ch => {
    g.clearRect(0, 0, 64, 64); g.font = '48px ' + font; g.fillStyle = '#000'; g.textBaseline = 'top';
    g.fillText(ch, 4, 4);
    const d = g.getImageData(0, 0, 64, 64).data; let ink = 0; const mask = [];
    for (let i = 3; i < d.length; i += 4) { mask.push(d[i] > 127 ? 1 : 0); ink += d[i] > 127 ? 1 : 0; }
    return {mask: mask.join(''), ink: ink};
  };
  const han = draw('汉'), zi = draw('字'), tofu = draw('\\uE000');
  return {font: font, hanInk: han.ink, distinct: han.mask !== zi.mask,
          notTofu: han.mask !== tofu.mask && zi.mask !== tofu.mask};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from gaoxin.demo.files import write_department_files, write_innovation_file
    from gaoxin.demo.zone import generate_zone
    from gaoxin.evaluations.mujun import run_mujun
    from gaoxin.ingest.importer import commit_all, prepare_all
    from gaoxin.store import connect
    from gaoxin.web.auth import ensure_demo_admin

    root = tmp_path_factory.mktemp("e2e-runs")
    zone = generate_zone(n_firms=200)
    files = write_department_files(zone, root / "files")
    db = root / "runs.duckdb"
    con = connect(db)
    commit_all(con, prepare_all(files))
    stale = run_mujun(con, "default", "2025").run_id
    commit_all(con, prepare_all([write_innovation_file(zone, root / "files")]))  # after the run: stale
    name, password = ensure_demo_admin(con)
    con.close()
    with running_server(db) as base:
        yield {"base": base, "name": name, "password": password, "stale": stale}


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        pg = context.new_page()
        pg.set_default_timeout(20_000)
        problems: list[str] = []
        pg.on("console", lambda m: problems.append(f"{pg.url}: {m.text}") if m.type == "error" else None)
        pg.on("pageerror", lambda e: problems.append(f"{pg.url}: {e}"))
        pg.on("requestfailed", lambda r: problems.append(f"{r.url}: {r.failure}"))
        pg.problems = problems
        base = server["base"]
        pg.goto(base + "/runs")
        pg.fill("input[name=name]", server["name"])
        pg.fill("input[name=password]", server["password"])
        pg.click("button[type=submit]")
        pg.wait_for_url(base + "/runs")
        yield pg
        context.close()
        browser.close()


def test_chinese_glyphs_are_drawn(page):
    """Fails in a browser without CJK fonts (.ci/run installs fonts-noto-cjk): 汉 and 字 would be tofu."""
    got = page.evaluate(GLYPHS)
    assert got["hanInk"] > 100, got
    assert got["distinct"] and got["notTofu"], got


def test_stale_run_rerun_marked_official_and_its_ledger(server, page):
    base, stale = server["base"], server["stale"]
    row = page.locator(f"#runs tr:has(a[href='/runs/{stale}'])")
    assert "已过期" in row.inner_text()

    page.goto(f"{base}/runs/{stale}")
    assert page.locator("#stale").is_visible()
    page.click("#rerun")
    page.wait_for_url(lambda url: "/runs/" in url and stale not in url)
    fresh = page.url.split("/runs/")[1].split("?")[0]
    assert page.locator("#stale").count() == 0

    page.fill("#official-form input[name=reason]", "经局务会审定")
    page.click("#mark-official")
    page.wait_for_url(f"{base}/runs/{fresh}")
    text = page.inner_text("#official")
    assert "本评价是该方案该年度的正式评价" in text and "经局务会审定" in text

    page.goto(base + "/overview")
    assert page.locator("select[name=run] option:checked").get_attribute("value") == fresh

    page.goto(f"{base}/runs/{fresh}/ledger")
    table = page.inner_text("#ledger-by-class")
    assert "差别化电价加价" in table and "万元" in table and "万千瓦时" in table
    assert "electricity_surcharge" not in table
    assert page.problems == []
