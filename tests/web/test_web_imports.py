"""Upload → preview (nothing written) → commit; duplicates; rejected rows with reasons; size and type limits."""

from __future__ import annotations

import re

from web_support import csrf_of

from gaoxin.ingest.importer import prepare_all
from gaoxin.store import one
from support import valid_code, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, paths, **form):
    token = csrf_of(client, "/imports")
    files = [("files", (p.name, p.read_bytes(), XLSX)) for p in paths]
    return client.post("/imports/preview", data={"csrf_token": token, **form}, files=files)


def _batches(app) -> int:
    return one(app.state.store.cursor(), "SELECT count(*) FROM import_batch")[0]


def test_preview_then_commit(fresh, tmp_path):
    app, c = fresh("ana")
    before = _batches(app)
    rows = [["统一社会信用代码", "纳税人名称", "税收实际贡献（万元）", "年份"]]
    rows += [[valid_code(i), f"新星科技{i}有限公司", 10 + i, 2025] for i in range(1, 6)]
    rows += [
        ["91110000600037341X", "校验位错误公司", 3, 2025],
        [None, None, None, None],
        ["合计", None, 55, None],
    ]
    path = write_xlsx(tmp_path / "税务局_新增企业.xlsx", {"2025年": rows})
    expected = prepare_all([path])[0]
    r = _upload(c, [path])
    assert r.status_code == 200 and "导入预览（尚未写入）" in r.text
    assert _batches(app) == before  # nothing written yet
    summary = r.text.split('id="file-summary"')[1].split("</table>")[0]
    cells = re.findall(r'<td class="num">(\d+)</td>', summary)
    assert cells == [
        str(expected.rows),
        str(expected.accepted),
        str(expected.rejected),
        str(expected.skipped),
    ]
    assert expected.accepted == 5 and expected.rejected == 1 and expected.skipped >= 1
    assert "校验位" in r.text  # the rejected row and its reason
    assert "将导入" in r.text
    token = re.search(r'name="token" value="([^"]+)"', r.text).group(1)
    r = c.post("/imports/commit", data={"token": token, "csrf_token": csrf_of(c, "/imports")})
    assert r.status_code == 200 and "已导入" in r.text
    assert _batches(app) == before + 1
    batch_id = one(app.state.store.cursor(), "SELECT max(batch_id) FROM import_batch")[0]
    assert f"/imports/batches/{batch_id}" in r.text and "校验位" in r.text  # rejects read back from the store
    # the new firms are searchable at once (caches follow the store)
    assert "新星科技3有限公司" in c.get("/enterprises", params={"q": "新星科技3"}).text
    assert "新星科技3有限公司" in c.get("/enterprises", params={"q": "xxkj3"}).text
    # a token is good once
    r = c.post("/imports/commit", data={"token": token, "csrf_token": csrf_of(c, "/imports")})
    assert r.status_code == 400 and "预览已过期" in r.text
    # the same file again: recognised, and no 确认导入 is offered (nothing would change)
    r = _upload(c, [path])
    assert f"已导入过 #{batch_id}" in r.text
    assert 'id="commit"' not in r.text and 'id="all-imported"' in r.text
    assert _batches(app) == before + 1


def test_demo_department_files_preview(fresh, world):
    app, c = fresh("root")
    r = _upload(c, world.files[:3])
    assert r.status_code == 200
    for p in world.files[:3]:
        assert p.name in r.text
    assert r.text.count("已导入过") == 3  # the world already holds them


def test_wrong_type_and_fake_content_are_refused(fresh, tmp_path):
    app, c = fresh("ana")
    token = csrf_of(c, "/imports")
    r = c.post(
        "/imports/preview",
        data={"csrf_token": token},
        files=[("files", ("notes.txt", b"hello", "text/plain"))],
    )
    assert r.status_code == 415 and "文件类型不支持" in r.text
    r = c.post(
        "/imports/preview",
        data={"csrf_token": token},
        files=[("files", ("fake.xlsx", b"this is not a zip", XLSX))],
    )
    assert r.status_code == 415 and "文件内容与扩展名不符" in r.text
    r = c.post(
        "/imports/preview",
        data={"csrf_token": token},
        files=[("files", ("bin.csv", b"PK\x03\x04\x00\x00", "text/csv"))],
    )
    assert r.status_code == 415
    r = c.post("/imports/preview", data={"csrf_token": token})
    assert r.status_code == 400 and "请选择至少一个文件" in r.text


def test_upload_size_limit(fresh, tmp_path):
    app, c = fresh("ana", max_upload_mb=0.05)
    token = csrf_of(c, "/imports")
    big = b"PK\x03\x04" + b"0" * 120_000
    r = c.post("/imports/preview", data={"csrf_token": token}, files=[("files", ("big.xlsx", big, XLSX))])
    assert r.status_code == 413 and "上传内容过大" in r.text

    # streamed without a length: counted while reading
    def body():
        yield b"x" * 40_000
        yield b"x" * 40_000
        yield b"x" * 40_000

    r = c.post(
        "/imports/preview", content=body(), headers={"content-type": "multipart/form-data; boundary=zz"}
    )
    assert r.status_code == 413


def test_too_many_files(fresh, tmp_path):
    app, c = fresh("ana", max_files=2)
    token = csrf_of(c, "/imports")
    files = [("files", (f"f{i}.csv", b"a,b\n1,2\n", "text/csv")) for i in range(3)]
    r = c.post("/imports/preview", data={"csrf_token": token}, files=files)
    assert r.status_code == 400


def test_unreadable_file_writes_nothing(fresh, tmp_path):
    app, c = fresh("ana")
    before = _batches(app)
    path = write_xlsx(tmp_path / "no_code.xlsx", {"Sheet1": [["名称", "金额"], ["甲", 1]]})
    r = _upload(c, [path])
    assert r.status_code == 400 and "统一社会信用代码" in r.text
    assert _batches(app) == before


def test_a_preview_belongs_to_its_uploader(fresh, tmp_path):
    from fastapi.testclient import TestClient
    from web_support import login

    app, c = fresh("ana")
    path = write_xlsx(
        tmp_path / "税务局_x.xlsx",
        {"2025年": [["统一社会信用代码", "税收实际贡献（万元）", "年份"], [valid_code(77), 5, 2025]]},
    )
    token = re.search(r'name="token" value="([^"]+)"', _upload(c, [path]).text).group(1)
    other = TestClient(app)
    login(other, "root")
    r = other.post("/imports/commit", data={"token": token, "csrf_token": csrf_of(other, "/imports")})
    assert r.status_code == 400


def test_batch_page_lists_rejects(clients, world):
    r = clients["vic"].get(f"/imports/batches/{world.batch_ids[1]}")
    assert r.status_code == 200 and "拒绝或跳过的行" in r.text and "识别的列" in r.text
    api = clients["vic"].get(f"/api/batches/{world.batch_ids[1]}/rejects").json()
    assert api and all(x["reasons"] for x in api)
    assert all(x["reasons"] in r.text for x in api[:20])


def test_a_sci_file_still_coding_rd_levels_says_the_register_now_decides(fresh, tmp_path):
    """The web upload runs what every import runs afterwards (`registries.refresh.after_import`) and shows its
    message: the codes of a 研发机构级别 column became 创新平台 rows to verify."""
    app, c = fresh("ana")
    head = ["统一社会信用代码", "企业名称", "年份", "职工总数", "研发机构级别"]
    rows = [[valid_code(71), "甲研发公司", 2025, 100, 3], [valid_code(72), "乙研发公司", 2025, 50, 0]]
    path = write_xlsx(tmp_path / "科技局_研发机构.xlsx", {"企业": [head, *rows]})
    r = _upload(c, [path], source="sci")
    token = re.search(r'name="token" value="([^"]+)"', r.text).group(1)
    r = c.post("/imports/commit", data={"token": token, "csrf_token": csrf_of(c, "/imports")})
    assert r.status_code == 200 and "已导入" in r.text
    note = r.text.split('id="registry-note"', 1)[1].split("</div>", 1)[0]
    assert "待核实的 1 条记录" in note and 'href="/registries"' in note
