"""盘活存量 in a real browser against the real server: the parcel map draws from the stored outlines (canvas
pixels counted, and an idle parcel's centre painted in the idle colour), a click on a parcel opens its page,
and a disposal case opened there is moved 摸排 → 方案 → 实施 → 销号 with the outcome on the town's progress."""

from __future__ import annotations

from datetime import date

import pytest

from e2e_server import running_server
from test_e2e_browser import ARGS, CHROMIUM, PAINTED, until

USERS = {"ana": ("analyst", "ana-pw-1")}

# the page position and painted colour of a lon/lat on the map (ECharts' own projection of the series)
PIXEL = """([lon, lat]) => {
  const el = document.getElementById('land-map');
  const chart = echarts.getInstanceByDom(el);
  const [x, y] = chart.convertToPixel({seriesIndex: 0}, [lon, lat]);
  const c = el.querySelector('canvas'), r = window.devicePixelRatio || 1;
  const d = c.getContext('2d').getImageData(Math.round(x * r), Math.round(y * r), 1, 1).data;
  const box = el.getBoundingClientRect();
  return {x: box.left + x, y: box.top + y, rgb: [d[0], d[1], d[2]]};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from gaoxin.cases.calendar import calendar_in_force
    from gaoxin.demo.files import write_department_files
    from gaoxin.demo.land import generate_land
    from gaoxin.demo.zone import generate_zone
    from gaoxin.ingest.importer import commit_all, prepare_all
    from gaoxin.store import connect
    from gaoxin.web.auth import add_user

    root = tmp_path_factory.mktemp("e2e-land")
    db = root / "land.duckdb"
    con = connect(db)
    commit_all(con, prepare_all(write_department_files(generate_zone(n_firms=200), root / "files")))
    for name, (role, pw) in USERS.items():
        add_user(con, name, role, password=pw)
    got = generate_land(con, calendar_in_force(con), date.today(), root / "land")
    con.close()
    with running_server(db) as base:
        yield {"base": base, "land": got}


def _centre(geometry: dict) -> list[float]:
    ring = geometry["coordinates"][0][:-1]
    return [sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)]


def test_the_map_draws_a_click_opens_the_parcel_and_its_case_is_closed(server):
    from playwright.sync_api import sync_playwright

    base = server["base"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1300, "height": 1000}, locale="zh-CN")
            page = ctx.new_page()
            page.set_default_timeout(20_000)
            problems: list[str] = []
            page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
            page.on(
                "console",
                lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
            )
            page.goto(base + "/land/map")
            page.fill("input[name=name]", "ana")
            page.fill("input[name=password]", USERS["ana"][1])
            page.click("button[type=submit]")
            page.wait_for_url(base + "/land/map")
            until(
                page,
                "() => ['1', 'error'].includes(document.getElementById('land-map').getAttribute('data-rendered'))",
            )
            assert page.get_attribute("#land-map", "data-rendered") == "1", problems
            assert int(page.get_attribute("#land-map", "data-drawn")) == server["land"]["geometries"]
            assert page.evaluate(PAINTED, "#land-map") > 2_000  # the parcels, on a transparent canvas
            # an idle parcel that is no one's disposal case yet: its centre is painted in the idle red
            idle = page.request.get(base + "/api/land?status=闲置").json()["rows"]
            taken = {c["parcel_no"] for c in page.request.get(base + "/api/land/cases").json()["cases"]}
            no = next(r["parcel_no"] for r in idle if r["parcel_no"] not in taken)
            one = page.request.get(f"{base}/api/land/{no}").json()
            at = page.evaluate(PIXEL, _centre(one["geometry"]))
            r, g, b = at["rgb"]
            assert r > 150 and g < 90 and b < 90, at  # #c62828
            page.mouse.click(at["x"], at["y"])
            page.wait_for_url(f"{base}/land/{no}")
            assert page.inner_text("#status") == "闲置"
            page.click("#open-case")
            page.wait_for_url(f"{base}/land/cases/TD-*")
            assert page.inner_text("#case-state") == "摸排"
            form = page.locator("details[data-step=diagnose] form")
            form.locator("select[name=cause]").select_option("资金")
            form.locator("input[name=department]").fill("云谷街道 刘洋")
            form.locator("button[type=submit]").click()
            page.wait_for_selector("#case-state >> text=方案")
            form = page.locator("details[data-step=propose] form")
            form.locator("select[name=measure]").select_option("协议收购")
            form.locator("button[type=submit]").click()
            page.wait_for_selector("#case-state >> text=实施")
            page.locator("details[data-step=close] summary").click()
            form = page.locator("details[data-step=close] form")
            form.locator("input[name=freed_mu]").fill(str(one["parcel"]["area_mu"]))
            form.locator("input[name=new_user]").fill("承接企业")
            form.locator("button[type=submit]").click()
            page.wait_for_selector("#case-state >> text=销号")
            assert page.locator("#timeline-table tr[data-action=close]").count() == 1
            cases = page.request.get(base + "/api/land/cases").json()
            mine = next(c for c in cases["cases"] if c["parcel_no"] == no and c["state"] == "closed")
            assert mine["town"] == one["parcel"]["town"]
            assert problems == []
            ctx.close()
        finally:
            browser.close()
