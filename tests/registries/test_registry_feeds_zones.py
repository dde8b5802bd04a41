"""The zone ranking reads the home zone's 技术合同 and 研发机构 figures from the registries, worked by hand:

Firms (2025, 科技局 file): A 600 staff, B 400 → the denominator 1,000 人 (rules.toml: 从业人员合计, assumed).
Contracts registered in 2025: A 开发 300 万元, B 服务 200 万元 → 成交额 500 万元 = 0.05 亿元, 人均 0.5 万元/人; one
2024 contract of 80 万元 does not count in 2025.
Platforms: 国家 企业技术中心 (2020), 省 工程技术研究中心 (2024), 市 重点实验室 (2023, not 国家/省), 省 企业技术中心
revoked 2025-06-30 (counts at the end of 2024, not of 2025) → 国家级和省级研发机构数 2025 = 2, 2024 = 3;
per 10,000 staff 2025: 2 / 1,000 × 10,000 = 20.
The zone file types 人均 9.9 and 99 机构 for the home zone 本高新区; after the registry import those figures give
way to the registry's, the other zone keeps its typed numbers, and the zone data's fingerprint moves."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from gaoxin.evaluations.zones.kind import period_data
from gaoxin.ingest.importer import import_files
from gaoxin.registries.intake import import_registry
from gaoxin.schemes import load_scheme
from gaoxin.store import registries as store_registries
from gaoxin.store import zones as store_zones
from support import valid_code, write_xlsx

A, B = valid_code(71), valid_code(72)


@pytest.fixture
def zone(store, tmp_path):
    firms = [
        ["统一社会信用代码", "企业名称", "年份", "年平均职工人数"],
        [A, "甲公司", 2025, 600],
        [B, "乙公司", 2025, 400],
    ]
    import_files(store, [write_xlsx(tmp_path / "科技局企业.xlsx", {"2025年": firms})], source="sci")
    head = [
        "园区代码",
        "园区名称",
        "级别",
        "是否本区",
        "人均技术合同成交额（万元/人）",
        "国家级和省级研发机构数（个）",
    ]
    zones = [head, ["Z1", "本高新区", "国家级", "是", 9.9, 99], ["Z2", "邻高新区", "国家级", "否", 5, 50]]
    import_files(store, [write_xlsx(tmp_path / "园区.xlsx", {"2025年": zones})], source="zone")
    return store


def registry(tmp_path):
    contracts = [
        ["合同登记编号", "卖方名称", "卖方统一社会信用代码", "合同类型", "成交额（万元）", "登记日期"],
        ["T1", "甲公司", A, "技术开发", 300, "2025-03-01"],
        ["T2", "乙公司", B, "技术服务", 200, "2025-08-01"],
        ["T0", "甲公司", A, "技术咨询", 80, "2024-05-01"],
    ]
    platforms = [
        ["平台名称", "平台类型", "级别", "依托单位", "统一社会信用代码", "认定日期", "状态", "撤销日期"],
        ["甲国家企业技术中心", "企业技术中心", "国家", "甲公司", A, "2020-05-01", "有效", ""],
        ["乙省工程技术研究中心", "工程技术研究中心", "省", "乙公司", B, "2024-02-01", "有效", ""],
        ["甲市重点实验室", "重点实验室", "市", "甲公司", A, "2023-01-01", "有效", ""],
        ["乙省企业技术中心", "企业技术中心", "省", "乙公司", B, "2022-01-01", "撤销", "2025-06-30"],
    ]
    return write_xlsx(tmp_path / "创新登记.xlsx", {"技术合同": contracts, "创新平台": platforms})


def home_values(con, period="2025"):
    d = period_data(con, period)
    out = {}
    for z in ("Z1", "Z2"):
        i = list(d.zone_id).index(z)
        out[z] = {m: d.values[i, j] for j, m in enumerate(d.indicators)}
    return out


def test_home_zone_figures_come_from_the_registries(zone, tmp_path):
    before = store_zones.zone_fingerprint(zone, "2025")
    v = home_values(zone)
    assert (v["Z1"]["tech_contract_per_capita"], v["Z1"]["rd_institutions"]) == (9.9, 99.0)
    out = import_registry(zone, registry(tmp_path))
    assert out.kinds == {"contract": 3, "platform": 4}
    v = home_values(zone)
    assert v["Z1"]["tech_contract_amount"] == pytest.approx(0.05)  # 500 万元 in 亿元
    assert v["Z1"]["tech_contract_per_capita"] == pytest.approx(0.5)  # 500 万元 / 1,000 人
    assert v["Z1"]["rd_institutions"] == 2.0  # 国家 + 省; 市 not counted; revoked mid-2025
    assert v["Z1"]["rd_institutions_per_10k"] == pytest.approx(20.0)
    # the other zone keeps what its file types; it has no registry figures
    assert (v["Z2"]["tech_contract_per_capita"], v["Z2"]["rd_institutions"]) == (5.0, 50.0)
    assert np.isnan(v["Z2"]["tech_contract_amount"])
    assert store_zones.zone_fingerprint(zone, "2025") != before
    src = store_zones.zone_sources(zone, "Z1", "2025").filter(pl.col("indicator") == "rd_institutions")
    assert src["sheet"].to_list() == ["创新登记", "2025年"]  # the registry's first, the typed one kept
    assert src["file_name"].to_list() == ["创新登记.xlsx", "园区.xlsx"]


def test_a_revoked_platform_still_counted_at_the_end_of_the_year_before(zone, tmp_path):
    import_registry(zone, registry(tmp_path))
    m = store_registries.zone_measures(zone)
    got = {(r["period"], r["indicator"]): r["value"] for r in m.iter_rows(named=True)}
    assert got[("2024", "rd_institutions")] == 3.0  # 国家 + 省 (2024) + the 省 one revoked only in 2025
    assert got[("2024", "tech_contract_amount")] == pytest.approx(0.008)  # 80 万元
    assert ("2024", "tech_contract_per_capita") not in got  # no 2024 staff: no per-capita figure, never 0


def test_miit_2024_scheme_states_what_is_known():
    s = load_scheme("miit-2024")
    assert len(s.dimensions) == 6
    first = s.dimensions[0]
    assert (first.title, first.weight, first.status) == ("高质量发展综合质效", 15, "verified")
    assert all(d.status == "assumed" for d in s.dimensions[1:])
    assert sum(d.weight for d in s.dimensions) == 100
    assert (
        "tech_contract_per_capita" in s.report.top_lists and s.report.top_n == 20 and s.robustness.top == 50
    )
    assert all(i.status == "assumed" for d in s.dimensions for i in d.indicators)
