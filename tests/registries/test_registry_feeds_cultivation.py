"""研发机构级别 from the register: a firm whose 科技局 file codes 0 gets 3 once the register holds its 省级 platform
(approved before the year's end), and a 科技型中小企业 condition it failed passes by the 省部级研发机构 route
(tsme-2022 第七条（三）); the fact names the registry file, sheet and row. A later list revoking the platform in
the year brings the level back to 0 — a revoked platform no longer counts for cultivation. A firm the register
does not list keeps the number its file codes."""

from __future__ import annotations

import pytest

from gaoxin.evaluations.cultivation.kind import evaluate_stored
from gaoxin.ingest.importer import import_files
from gaoxin.registries.intake import import_registry
from gaoxin.schemes import load_scheme
from gaoxin.store import frame
from gaoxin.store.queries import arrays
from support import valid_code, write_xlsx

A, B = valid_code(51), valid_code(52)
HEAD = ["统一社会信用代码", "企业名称", "年份", "职工总数", "科技人员数", "营业收入（万元）", "资产总额（万元）",
        "成本费用支出总额（万元）", "研发费用（万元）", "Ⅰ类知识产权数", "Ⅱ类知识产权数", "重大安全事故", "重大环境事件",
        "严重失信", "研发机构级别"]  # fmt: skip


def weak(code, name, year, level):  # no 科技人员, no R&D, no IP: 0 points, so only a direct route qualifies
    return [code, name, year, 100, 0, 5000, 10000, 4500, 0, 0, 0, "否", "否", "否", level]


@pytest.fixture
def zone(store, tmp_path):
    rows = [
        HEAD,
        weak(A, "甲公司", 2025, 0),
        weak(A, "甲公司", 2024, 0),
        weak(B, "乙公司", 2025, 4),
        weak(B, "乙公司", 2024, 4),
    ]
    import_files(store, [write_xlsx(tmp_path / "科技局.xlsx", {"企业": rows})], source="sci")
    return store


def platforms(tmp_path, name, status="有效", revoked=""):
    sheet = [["平台名称", "平台类型", "级别", "依托单位", "统一社会信用代码", "认定日期", "状态", "撤销日期"],
             ["甲公司省级企业技术中心", "企业技术中心", "省", "甲公司", A, "2024-03-01", status, revoked]]  # fmt: skip
    return write_xlsx(tmp_path / name, {"创新平台": sheet})


def level(con, uscc, year):
    d = arrays(con, str(year), ["rd_institution_level"])
    return float(d["rd_institution_level"][list(d["uscc"]).index(uscc)])


def verdict(con, uscc):
    r = evaluate_stored(con, load_scheme("tsme-2022"), "2025")
    return (
        r.verdict[list(r.uscc).index(uscc)] if hasattr(r, "uscc") else r.verdict[sorted([A, B]).index(uscc)]
    )


def test_a_provincial_platform_passes_the_route_and_a_revoked_one_does_not(zone, tmp_path):
    assert level(zone, A, 2025) == 0 and verdict(zone, A) == "fail"
    out = import_registry(zone, platforms(tmp_path, "平台.xlsx"))
    assert level(zone, A, 2025) == 3 and level(zone, A, 2024) == 3
    src = frame(
        zone,
        "SELECT f.sheet, f.row_no, b.file_name FROM fact f JOIN import_batch b USING (batch_id) "
        "WHERE f.uscc = ? AND f.indicator = 'rd_institution_level' AND f.period = '2025' AND NOT f.superseded",
        [A],
    )
    assert src.rows() == [("创新平台", 2, "平台.xlsx")] and out.batch_id is not None
    assert verdict(zone, A) == "pass"
    assert level(zone, B, 2025) == 4  # not in the register: the file's own number stays in force
    import_registry(zone, platforms(tmp_path, "撤销.xlsx", status="撤销", revoked="2025-06-30"))
    assert level(zone, A, 2025) == 0 and verdict(zone, A) == "fail"
    assert level(zone, A, 2024) == 3  # revoked in 2025: it still counted at the end of 2024
