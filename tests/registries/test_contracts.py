"""技术合同 measures worked by hand on made data.

Firms (2025, imported from a 科技局 file): A 100 staff, 研发费用 500 万元, 高企; B 50 staff, 200 万元, 高企; C 250 staff,
no R&D, not 高企; D 100 staff, 80 万元, 高企. Contracts: 2025 A 开发 120 万 (技术交易额 100), A 服务 30 (30), a
university without a credit code 转让 50 (50); 2024 D 咨询 20 (20).
- 2025 成交额 120 + 30 + 50 = 200 万元 over 100 + 50 + 250 + 100 = 500 staff → 0.4 万元/人; on 技术交易额
  (100 + 30 + 50 = 180) → 0.36; over a fixed 1,000 人 → 0.2.
- Unregistered income 2025: B (R&D, 高企, no contract) and D (its only contract is 2024); C has no R&D, A sold.
  With a one-year look-back D drops out."""

from __future__ import annotations

import pytest

from gaoxin.ingest.importer import import_files
from gaoxin.registries import contracts as K
from gaoxin.registries.intake import import_registry
from gaoxin.registries.rules import load_rules
from support import valid_code, write_xlsx

A, B, C, D = (valid_code(i) for i in (21, 22, 23, 24))


@pytest.fixture
def zone(store, tmp_path):
    firms = [
        ["统一社会信用代码", "企业名称", "年份", "年平均职工人数", "研发费用（万元）", "是否高新技术企业"],
        [A, "甲公司", 2025, 100, 500, "是"],
        [B, "乙公司", 2025, 50, 200, "是"],
        [C, "丙公司", 2025, 250, "", "否"],
        [D, "丁公司", 2025, 100, 80, "是"],
    ]
    import_files(store, [write_xlsx(tmp_path / "科技局企业.xlsx", {"2025年": firms})], source="sci")
    head = [
        "合同登记编号",
        "卖方名称",
        "卖方统一社会信用代码",
        "买方名称",
        "合同类型",
        "成交额（万元）",
        "技术交易额（万元）",
        "登记日期",
    ]
    rows = [
        head,
        ["T1", "甲公司", A, "某厂", "技术开发", 120, 100, "2025-03-01"],
        ["T2", "甲公司", A, "某厂", "技术服务", 30, 30, "2025-07-01"],
        ["T3", "某大学", "", "乙公司", "技术转让", 50, 50, "2025-09-30"],
        ["T4", "丁公司", D, "某厂", "技术咨询", 20, 20, "2024-12-31"],
    ]  # fmt: skip
    out = import_registry(store, write_xlsx(tmp_path / "技术合同.xlsx", {"登记": rows}))
    assert out.accepted == 4
    return store


def test_per_capita_over_staff(zone):
    got = K.per_capita(zone, load_rules(), 2025)
    assert (got["contracts"], got["amount_wan"], got["denominator"]) == (3, 200.0, 500.0)
    assert got["per_capita_wan"] == pytest.approx(0.4)
    assert got["denominator_assumed"] and got["denominator_firms"] == 4


def test_per_capita_on_technology_amount_and_fixed_denominator(zone):
    rules = load_rules()
    tech = {**rules, "contracts": {**rules["contracts"], "amount": "tech_amount_wan"}}
    assert K.per_capita(zone, tech, 2025)["per_capita_wan"] == pytest.approx(0.36)
    fixed = {
        **rules,
        "contracts": {**rules["contracts"], "denominator": "fixed", "population": {"2025": 1000}},
    }
    assert K.per_capita(zone, fixed, 2025)["per_capita_wan"] == pytest.approx(0.2)
    none = K.per_capita(zone, fixed, 2024)
    assert none["per_capita_wan"] is None and "无分母数据" in none["note"]


def test_zone_and_firm_years(zone):
    from gaoxin.store.registries import contracts

    c = contracts(zone)
    z = K.per_zone_year(c)
    assert z.filter(year=2025, ctype="合计").select("contracts", "amount_wan").row(0) == (3, 200.0)
    assert z.filter(year=2025)["ctype"].to_list() == ["开发", "转让", "服务", "合计"]
    f = K.per_firm_year(c).filter(seller=A)
    assert f.select("year", "contracts", "amount_wan", "tech_amount_wan").row(0) == (2025, 2, 150.0, 130.0)


def test_unregistered_income_flags(zone):
    rules = load_rules()
    got = K.unregistered(zone, rules, 2025)
    assert got["uscc"].to_list() == [B, D]
    assert got["rd_expense_wan"].to_list() == [200.0, 80.0]
    back = {**rules, "unregistered": {**rules["unregistered"], "lookback_years": 1}}
    assert K.unregistered(zone, back, 2025)["uscc"].to_list() == [B]
