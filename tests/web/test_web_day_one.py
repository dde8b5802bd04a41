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
