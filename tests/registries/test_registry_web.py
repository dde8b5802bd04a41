"""The registry pages and their JSON: the platform list with filters and its xlsx, a platform's page with its
review clock, the reviews due, the 技术合同 dashboard, the 画像 section — and talent rows only for the roles
that may see them (a viewer gets 403 and a count; a town user its own town's only)."""

from __future__ import annotations

import io
import re
import warnings
from datetime import date, timedelta

import openpyxl
import pytest

from gaoxin.ingest.importer import import_files
from gaoxin.registries.intake import import_registry
from gaoxin.store import connect
from gaoxin.web import create_app
from gaoxin.web.auth import add_user
from gaoxin.web.deps import WebSettings
from support import valid_code, write_xlsx

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

A, B, C = valid_code(41), valid_code(42), valid_code(43)
PW = {"root": "admin-pw-1", "vic": "viewer-pw-1", "tom": "town-pw-1"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("regweb")
    db = root / "s.duckdb"
    con = connect(db)
    firms = [["统一社会信用代码", "企业名称", "镇街", "年份", "年平均职工人数", "研发费用（万元）", "是否高新技术企业"],
             [A, "甲公司", "东城街道", 2025, 100, 500, "是"], [B, "乙公司", "西城街道", 2025, 50, 200, "是"],
             [C, "丙公司", "东城街道", 2025, 80, "", "否"]]  # fmt: skip
    import_files(con, [write_xlsx(root / "e.xlsx", {"2025年": firms})], source="sci")
    # dates relative to today: the pages count from today; the assertions only read what the dates imply
    soon = date.today() + timedelta(days=30)
    approved = (
        soon.replace(year=soon.year - 4) if not (soon.month == 2 and soon.day == 29) else date(2021, 3, 1)
    )
    sheets = {
        "创新平台": [
            ["平台名称", "平台类型", "级别", "依托单位", "统一社会信用代码", "认定日期", "最近评价结果"],
            ["甲设计中心", "工业设计中心", "国家", "甲公司", A, approved.isoformat(), ""],
            ["乙技术中心", "企业技术中心", "省", "乙公司", B, "2024-01-01", ""],
            ["丙技术中心", "企业技术中心", "国家", "丙公司", C, "2015-01-01", "不合格"],
        ],
        "技术合同": [
            ["合同登记编号", "卖方名称", "卖方统一社会信用代码", "合同类型", "成交额（万元）", "技术交易额（万元）", "登记日期"],
            ["T1", "甲公司", A, "开发", 120, 100, "2025-03-01"],
            ["T2", "丙公司", C, "服务", 30, 30, "2024-06-01"],
        ],
        "人才": [
            ["姓名", "人才计划", "计划级别", "入选年度", "工作单位", "工作单位统一社会信用代码", "引进方式"],
            ["张三", "某省领军人才", "省", 2024, "甲公司", A, "全职"],
            ["李四", "某市英才", "市", 2025, "乙公司", B, "柔性"],
        ],
        "载体": [["载体名称", "载体类型", "级别", "场地面积（平方米）", "在孵企业数"], ["东城孵化器", "科技企业孵化器", "省", 12000, 2]],
        "在孵企业": [["在孵企业名称", "载体名称", "统一社会信用代码", "入孵日期"], ["甲公司", "东城孵化器", A, "2023-01-01"]],
    }  # fmt: skip
    out = import_registry(con, write_xlsx(root / "登记.xlsx", sheets))
    assert out.rejected == 0, out
    add_user(con, "root", "admin", password=PW["root"])
    add_user(con, "vic", "viewer", password=PW["vic"])
    add_user(con, "tom", "town", town="东城街道", password=PW["tom"])
    con.close()
    a = create_app(db, secret="test-secret", settings=WebSettings())
    yield a


def client(app, name):
    c = TestClient(app)
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    c.post("/login", data={"name": name, "password": PW[name], "csrf_token": token, "next": "/"})
    return c


def test_platform_list_filters_and_xlsx(app):
    c = client(app, "root")
    page = c.get("/registries/platform")
    assert page.status_code == 200 and "甲设计中心" in page.text and "丙技术中心" in page.text
    revoked = c.get("/registries/platform", params={"status": "撤销"})
    assert "丙技术中心" in revoked.text and "甲设计中心" not in revoked.text
    assert re.search(r'id="total">1<', revoked.text)
    x = c.get("/registries/platform/export.xlsx", params={"level": "国家"})
    assert x.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(x.content)).active
    names = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert names == ["丙技术中心", "甲设计中心"] and ws.cell(1, 1).value == "平台名称"
    api = c.get("/api/registries/platform", params={"level": "国家"}).json()
    assert api["total"] == 2 and {r["name"] for r in api["rows"]} == {"甲设计中心", "丙技术中心"}


def test_platform_page_shows_its_review_clock(app):
    c = client(app, "root")
    page = c.get("/registries/platforms/甲设计中心")
    assert page.status_code == 200
    soon = date.today() + timedelta(days=30)
    nxt = re.search(r'id="next-review">([\d-]+)<', page.text).group(1)
    assert abs((date.fromisoformat(nxt) - soon).days) <= 1  # 认定 4 years before, valid 4 years
    assert "工信部政法〔2023〕93号" in page.text and "个工作日" in page.text
    js = c.get("/api/registries/platforms/甲设计中心").json()
    assert js["clock"]["next_review"] == nxt and js["clock"]["mode"] == "validity"
    assert c.get("/registries/platforms/没有").status_code == 404
    overview = c.get("/registries")
    assert "甲设计中心" in overview.text and "丙技术中心" not in re.search(
        r'<table id="due">.*?</table>', overview.text, re.S
    ).group(0)
    en = c.get("/registries/platforms/甲设计中心", params={"lang": "en"})
    assert "Review clock" in en.text


def test_dashboard_and_profile_section(app):
    c = client(app, "root")
    d = c.get("/registries/dashboard", params={"year": 2025})
    assert d.status_code == 200 and "人均技术合同成交额" in d.text
    js = c.get("/api/registries/dashboard", params={"year": 2025}).json()
    assert js["per_capita"]["per_capita_wan"] == pytest.approx(120 / 230)  # 120 万元 over 100 + 50 + 80 staff
    assert [r["uscc"] for r in js["unregistered"]] == [B]  # 乙: R&D and 高企, no contract
    prof = c.get(f"/enterprises/{A}")
    assert (
        'id="registry"' in prof.text
        and "甲设计中心" in prof.text
        and "张三" in prof.text
        and "东城孵化器" in prof.text
    )
    # the register's batch named in English on the English 画像 (its 研发机构级别 facts come from it)
    en = c.get(f"/enterprises/{A}", params={"lang": "en"}).text
    assert "科技创新台账" in prof.text and "Innovation registry" in en and "科技创新台账" not in en


def test_talent_only_for_roles_that_may_see_it(app):
    vic = client(app, "vic")
    assert vic.get("/registries/talent").status_code == 403
    assert vic.get("/api/registries/talent").status_code == 403
    prof = vic.get(f"/enterprises/{A}")
    assert "张三" not in prof.text and 'id="talent-hidden"' in prof.text
    tom = client(app, "tom")
    names = [r["name"] for r in tom.get("/api/registries/talent").json()["rows"]]
    assert names == ["张三"]  # 李四 works for a firm of another town
    assert tom.get("/registries/platforms/乙技术中心").status_code == 404
    assert "乙技术中心" not in tom.get("/registries/platform").text


def test_upload_a_list_through_the_web(app, tmp_path):
    c = client(app, "root")
    page = c.get("/registries/import")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    path = write_xlsx(
        tmp_path / "新认定.xlsx",
        {"平台": [["平台名称", "平台类型", "级别", "依托单位", "统一社会信用代码", "认定日期"],
                  ["丙新型研发机构", "新型研发机构", "市", "丙公司", C, "2025-09-01"],
                  ["坏行", "新型研发机构", "市", "丙公司", C, "不是日期"]]},
    )  # fmt: skip
    with path.open("rb") as f:
        res = c.post("/registries/import", data={"csrf_token": token}, files={"file": (path.name, f)})
    assert res.status_code == 200
    assert re.search(r'id="accepted">1<', res.text) and re.search(r'id="rejected">1<', res.text)
    assert c.get("/registries/platforms/丙新型研发机构").status_code == 200
    batch = c.get(re.search(r'href="(/imports/batches/\d+)"', res.text).group(1))
    assert batch.status_code == 200 and "不是日期" in batch.text  # the rejected row with its raw cells
    vic = client(app, "vic")
    assert vic.get("/registries/import").status_code == 403
