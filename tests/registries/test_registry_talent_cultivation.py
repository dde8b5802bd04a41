"""人才 from the register beside a firm's cultivation conditions: the people a firm employs, selected by the run's
data year, counted per programme level and mode (no names) — information only, since no built-in scheme's
认定办法 sets a condition on 人才计划 members; the verdict does not move when the list is imported."""

from __future__ import annotations

from gaoxin.evaluations import runs
from gaoxin.evaluations.cultivation.explain import explanation
from gaoxin.ingest.importer import import_files
from gaoxin.registries.intake import import_registry
from gaoxin.store import runs as store_runs
from support import valid_code, write_xlsx

A = valid_code(61)
HEAD = ["统一社会信用代码", "企业名称", "年份", "职工总数", "科技人员数", "营业收入（万元）", "资产总额（万元）",
        "成本费用支出总额（万元）", "研发费用（万元）", "重大安全事故", "重大环境事件", "严重失信"]  # fmt: skip


def talent_list(tmp_path):
    sheet = [
        ["姓名", "人才计划", "计划级别", "入选年度", "工作单位统一社会信用代码", "工作单位", "引进方式"],
        ["张三", "国家高层次人才特殊支持计划", "国家级", 2023, A, "甲公司", "全职"],
        ["李四", "省高层次人才计划", "省级", 2025, A, "甲公司", "柔性引进"],
        ["王五", "市英才计划", "市级", 2026, A, "甲公司", "全职"],  # selected after the data year
        ["赵六", "市英才计划", "市级", 2024, valid_code(62), "乙公司", "全职"],  # another employer
    ]
    return write_xlsx(tmp_path / "人才办.xlsx", {"人才": sheet})


def test_talent_counts_beside_the_conditions_and_the_verdict_unchanged(store, tmp_path):
    rows = [HEAD, [A, "甲公司", 2025, 100, 12, 5000, 10000, 4500, 300, "否", "否", "否"]]
    import_files(store, [write_xlsx(tmp_path / "科技局.xlsx", {"企业": rows})], source="sci")
    before = runs.run(store, "tsme-2022", "2025")
    info = explanation(store, store_runs.find_run(store, before.run_id), A)
    assert info["talent"]["count"] == 0 and info["talent"]["text"] == "人才登记：截至 2025 年无本企业入选人员"
    import_registry(store, talent_list(tmp_path))
    after = runs.run(store, "tsme-2022", "2025")
    info = explanation(store, store_runs.find_run(store, after.run_id), A)
    t = info["talent"]
    # 张三 (2023, 国家, 全职) and 李四 (2025, 省, 柔性); 王五 is selected in 2026, 赵六 works elsewhere
    assert (t["count"], t["by_level"], t["by_mode"]) == (2, {"国家级": 1, "省级": 1}, {"全职": 1, "柔性": 1})
    assert t["text"] == "人才登记：截至 2025 年入选 2 人（国家级 1，省级 1；全职 1，柔性 1）"
    assert (
        t["text_en"]
        == "Talent register: 2 selected by 2025 (national 1, provincial 1; full-time 1, flexible 1)"
    )
    assert t["counts_in_scheme"] is False and "张三" not in str(t)
    old = explanation(store, store_runs.find_run(store, before.run_id), A)
    assert info["verdict"] == old["verdict"]  # information only: no condition reads it
