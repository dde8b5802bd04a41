"""What a first web user trips on (issue 14): an already-imported file offered for import again, an
untranslated source, field ids on the batch page, an unknown town for a town user."""

from __future__ import annotations

import re

from test_web_imports import _upload

from gaoxin.demo.zones import generate_zones, write_zone_file


def test_preview_of_imported_files_offers_no_commit(fresh, world):
    app, c = fresh()
    r = _upload(c, world.files[:2])
    assert r.status_code == 200
    assert 'id="all-imported"' in r.text and 'id="commit"' not in r.text
    assert "已导入过" in r.text


def test_zone_source_translated_and_batch_fields_by_title(fresh, world, tmp_path):
    app, c = fresh()
    path = write_zone_file(generate_zones(), tmp_path)
    r = _upload(c, [path], source="zone")
    assert r.status_code == 200, r.text[:500]
    assert "园区指标（全国高新区对标）" in r.text and "<td>zone</td>" not in r.text
    assert 'id="commit"' in r.text  # a new file is offered
    page = c.get(f"/imports/batches/{world.batch_ids[1]}")
    cells = re.findall(r"<td title=\"([a-z_]+)\">([^<]+)</td>", page.text)
    assert cells and all(label != field for field, label in cells)
    assert ("uscc", "统一社会信用代码") in cells
    en = c.get(f"/imports/batches/{world.batch_ids[1]}?lang=en").text
    assert '<td title="uscc">USCC</td>' in en  # English label, the id in the tooltip


def test_town_user_needs_a_known_town(fresh, world):
    app, c = fresh("root")
    page = c.get("/admin/users")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = c.post("/admin/users", data={"csrf_token": token, "name": "t9", "role": "town", "town": "不存在镇"})
    assert r.status_code == 400 and "已有镇街" in r.text and world.my_town in r.text
    r = c.post(
        "/admin/users", data={"csrf_token": token, "name": "t9", "role": "town", "town": world.my_town}
    )
    assert r.status_code == 200


def test_what_if_fragment_in_user_units(fresh, world):
    """Day-one bug (issue 14): the what-if table read 比值 0.0143 where users read 1.43 %, and points with four
    decimals in its head line."""
    from gaoxin.evaluations.mujun import run_mujun
    from gaoxin.evaluations.mujun.explain import what_if_answer
    from gaoxin.store import runs as store_runs

    app, c = fresh()
    con = app.state.store.cursor()
    run_id = run_mujun(con, "zj-huangyan-2022", "2025").run_id
    run = store_runs.get_run(con, run_id)
    firms = con.execute(
        """SELECT r.uscc FROM run_result r JOIN run_item i ON i.run_id = r.run_id AND i.uscc = r.uscc
           WHERE r.run_id = ? AND r.class_final IN ('C', 'D') AND r.list_id = '规上'
             AND i.item = '规上.rd_ratio' AND i.value IS NOT NULL ORDER BY r.uscc""",
        [run_id],
    ).fetchall()
    for (firm,) in firms:  # the first firm whose answer moves the R&D ratio
        answer = what_if_answer(con, run, firm, "B")
        rd = [i for i in answer["items"] if i["title"] == "R&D经费支出占营业收入比重"]
        if rd:
            break
    page = c.get(f"/enterprises/{firm}/what-if", params={"run": run_id, "to": "B"}).text
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", page, re.S) if "R&amp;D经费支出占营业收入比重" in r)
    cells = [re.sub(r"<[^>]+>", "", x).strip() for x in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[1:4] == [
        "%",
        f"{rd[0]['current_value'] * 100:,.2f}",
        f"{rd[0]['required_value'] * 100:,.2f}",
    ]
    assert not re.search(r"\d\.\d{3,}", page.split("</p>", 1)[0])


def test_english_profile_shows_units_and_sources_in_english(fresh, world):
    """Day-one bug (issue 14), still on the 画像: English pages left units in Chinese — every value's unit
    (万元, 人, 件 …), the numerator / denominator units of the run items — and the 科技局 source."""
    app, c = fresh()
    page = c.get(f"/enterprises/{world.my_firm}?lang=en").text
    facts = page.split('id="facts"', 1)[1].split("</table>", 1)[0]
    units = [
        re.sub(r"<[^>]+>", "", u).strip()
        for u in re.findall(r"<tr[^>]*>(?:<td[^>]*>.*?</td>){3}<td>(.*?)</td>", facts, re.S)
    ]
    assert "10k yuan" in units and "mu" in units
    assert not any(re.search(r"[\u4e00-\u9fff]", u) for u in units)
    items = page.split('id="items"', 1)[1].split("</h2>", 1)[1].split("</table>", 1)[0]
    assert "10k yuan" in items and not re.search(r'<span class="muted small">[^<]*[\u4e00-\u9fff]', items)
    assert "Science and technology / industry (innovation data)" in page or "科技/工信" not in facts


def test_run_page_items_in_user_units(fresh):
    """Day-one bug (issue 14), still on the run page's item table: 黄岩's R&D ratio read 比值 with benchmark
    0.0302 比值 where users read 3.02 %."""
    from gaoxin.evaluations.mujun import run_mujun

    app, c = fresh()
    run_id = run_mujun(app.state.store.cursor(), "zj-huangyan-2022", "2025").run_id
    page = c.get(f"/runs/{run_id}").text
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", page, re.S) if "R&amp;D经费支出占营业收入比重" in r)
    cells = [re.sub(r"<[^>]+>", "", x).strip() for x in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[2] == "%" and cells[4] == "3.02 %" and "比值" not in row
    en = c.get(f"/runs/{run_id}?lang=en").text.split("</table>")[-2]  # the item table, in English units
    assert "10k yuan/10 MWh" in en and not re.search(r"万元|千瓦时|比值", en)


def test_english_pages_name_the_lists_in_english(fresh, world):
    """Day-one bug (issue 14), still on the list and the 画像: English pages left 规上 / 规下 in Chinese where
    they name the run's list (名单 column, the 画像's result and history)."""
    app, c = fresh()
    page = c.get("/enterprises?lang=en").text
    table = page.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    assert "Above scale" in table or "Below scale" in table
    assert not re.search(r"<td>(规上|规下|租赁)</td>", table)
    profile = c.get(f"/enterprises/{world.my_firm}?lang=en").text
    assert not re.search(r"<b>(规上|规下|租赁)</b>|<td>(规上|规下|租赁)</td>", profile)
    zh = c.get(f"/enterprises/{world.my_firm}?lang=zh").text
    assert re.search(r"<b>(规上|规下|租赁)</b>", zh)  # Chinese stays the default
