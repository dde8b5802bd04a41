"""Import of real xlsx/csv department files: headers, units, mess, duplicates, failures."""

from __future__ import annotations

import json

import pytest

from gaoxin.ingest.importer import ImportFailed, import_files
from gaoxin.ingest.prepare import prepare_file
from gaoxin.store import imports as store_imports
from gaoxin.store import one, queries, rows
from support import REAL_USCC, broken, valid_code, write_xlsx

A, B, C, D = (valid_code(i) for i in (1, 2, 3, 4))


def tax_file(path, year=2025, data=None):
    """A tax-bureau sheet: title, unit line, two-row merged header, 合计 row, blank row."""
    data = (
        data
        if data is not None
        else [
            [1, REAL_USCC, "甲科技有限公司", 123.45, 50, "否"],
            [2, broken(A), "乙电子有限公司", 10, 5, "否"],
            [3, A, "丙新材料有限公司", "１，２３４．５", "—", "是"],
            [None, None, None, None, None, None],
            [4, B, "丁装备有限公司", -3.2, None, "否"],  # refund: negative tax is real
            [5, C, "戊医药有限公司", 88, 8, "否"],
            [6, C, "戊医药有限公司", 88, 8, "否"],  # exact duplicate
            [7, D, "己电器有限公司", 20, 2, "否"],
            [8, D, "己电器有限公司", 21, 2, "否"],  # conflicting duplicate
            ["合计", None, None, 1531.75, 65, None],
        ]
    )
    header = [
        [f"示范高新区{year}年度企业税收实际贡献情况表"],
        ["单位：万元"],
        ["序号", "统一社会信用代码", "纳税人名称", "纳税情况", None, "重大税收违法失信"],
        [None, None, None, "税收实际贡献（万元）", "其中：增值税（万元）", None],
    ]
    merges = [
        (0, 0, 0, 5, header[0][0]),
        (2, 0, 3, 0, "序号"),
        (2, 1, 3, 1, "统一社会信用代码"),
        (2, 2, 3, 2, "纳税人名称"),
        (2, 3, 2, 4, "纳税情况"),
        (2, 5, 3, 5, "重大税收违法失信"),
    ]
    return write_xlsx(path, {f"{year}年": header + data}, {f"{year}年": merges})


def facts(con, indicator, period="2025"):
    return dict(
        rows(con, "SELECT uscc, value FROM fact WHERE indicator = ? AND period = ?", [indicator, period])
    )


def test_merged_headers_units_fullwidth_totals_and_duplicates(tmp_path, store):
    path = tax_file(tmp_path / "税务局_纳税.xlsx")
    [res] = import_files(store, [path])
    b = res.batch
    assert b.source == "tax" and b.periods == ["2025"]
    # 10 data rows: 5 accepted (甲, 丙, 丁, 戊 once, and no 己), 戊 twice → 1 skipped, blank + 合计 skipped,
    # broken code and both conflicting 己 rows rejected
    assert (b.rows, b.accepted, b.rejected, b.skipped) == (10, 4, 3, 3)
    tax = facts(store, "tax_paid")
    assert tax == pytest.approx({REAL_USCC: 1234500.0, A: 12345000.0, B: -32000.0, C: 880000.0})
    assert facts(store, "dishonest")[A] == 1.0
    rej = store_imports.batch_rejects(store, res.batch_id)
    by_row = {r["row_no"]: r for r in rej.iter_rows(named=True)}
    assert "校验位错误" in by_row[6]["reasons"] and by_row[6]["columns"] == "统一社会信用代码"
    assert by_row[6]["sheet"] == "2025年"
    assert json.loads(by_row[6]["raw_json"])["统一社会信用代码"] == broken(A)
    assert by_row[8]["reasons"] == "空行" and by_row[8]["disposition"] == "skipped"
    assert "完全重复" in by_row[11]["reasons"] and by_row[11]["disposition"] == "skipped"
    assert "数值不一致" in by_row[12]["reasons"] and "第13行" in by_row[12]["reasons"]
    assert by_row[13]["disposition"] == "rejected"
    assert by_row[14]["reasons"].startswith("合计行")
    assert any("其中：增值税" in n for n in b.notes)  # unknown column reported, not silently dropped


def test_reimport_same_file_is_a_noop(tmp_path, store):
    path = tax_file(tmp_path / "税务局_纳税.xlsx")
    import_files(store, [path])
    before = one(store, "SELECT count(*) FROM fact")[0]
    [res] = import_files(store, [path])
    assert res.status == "duplicate" and res.batch_id == 1
    assert one(store, "SELECT count(*) FROM fact")[0] == before
    assert one(store, "SELECT count(*) FROM import_batch")[0] == 1


def test_duplicates_across_files_latest_batch_wins_and_history_is_kept(tmp_path, store):
    first = tax_file(tmp_path / "税务局_一.xlsx", data=[[1, A, "丙新材料有限公司", 100, 1, "否"]])
    second = tax_file(tmp_path / "税务局_二.xlsx", data=[[1, A, "丙新材料有限公司", 120, 1, "否"]])
    import_files(store, [first])
    import_files(store, [second])
    cur = queries.enterprise(store, A)
    tax = [f for f in cur["facts"] if f["indicator"] == "tax_paid"]
    assert len(tax) == 1 and tax[0]["value"] == 1200000.0 and tax[0]["batch_id"] == 2
    assert cur["superseded_values"] == 2  # tax_paid and dishonest from batch 1
    assert one(store, "SELECT count(*) FROM fact WHERE uscc = ? AND indicator = 'tax_paid'", [A])[0] == 2


def stats_file(path, revenue_wan):
    header = [
        ["统计年度", "统一社会信用代码", "单位名称", "是否规上", "主要经济指标", None, "能源消费"],
        [None, None, None, None, "营业收入（万元）", "工业增加值（万元）", "综合能耗（吨标准煤）"],
    ]
    data = [[2025, A, "丙新材料有限公司", "是", revenue_wan, 800, 1200.5]]
    merges = [(0, 4, 0, 5, "主要经济指标")]
    return write_xlsx(path, {"规上工业": header + data}, {"规上工业": merges})


def test_source_precedence_stats_revenue_beats_tax(tmp_path, store):
    stats = stats_file(tmp_path / "统计局_规上.xlsx", 5000)
    tax = write_xlsx(
        tmp_path / "税务局_销售.xlsx",
        {"2025年": [["统一社会信用代码", "纳税人名称", "应税销售收入（万元）"], [A, "丙", 4800]]},
    )
    import_files(store, [stats])
    import_files(store, [tax])  # imported later, but 统计 is the preferred source for 营业收入
    wide = queries.wide(store, "2025", ["revenue", "value_added", "energy_tce", "above_scale"])
    row = wide.filter(wide["uscc"] == A).to_dicts()[0]
    assert row["revenue"] == 5000e4 and row["revenue__batch"] == 1
    assert row["value_added"] == 800e4 and row["energy_tce"] == 1200.5 and row["above_scale"] == 1.0
    assert queries.enterprise(store, A)["above_scale"] is True


def test_area_and_power_units_convert_to_mu_and_kwh(tmp_path, store):
    land = write_xlsx(
        tmp_path / "自然资源局_用地.xlsx",
        {
            "用地": [
                [
                    "年份",
                    "宗地编号",
                    "统一社会信用代码",
                    "土地使用权人",
                    "土地使用权面积（平方米）",
                    "出租面积（公顷）",
                    "承租面积（亩）",
                ],
                [2025, "ZD-001", A, "丙", 20000, None, None],
                [2025, "ZD-002", A, "丙", 6666.67, 0.2, None],
                [2025, "ZD-003", B, "丁", None, None, 12.5],
            ]
        },
    )
    power = write_xlsx(
        tmp_path / "供电公司_用电.xlsx",
        {
            "2024年": [
                ["户号", "用电户名", "统一社会信用代码", "用电量（千瓦时）"],
                ["001", "丙", A, 123456],
            ],
            "2025年": [
                ["户号", "用电户名", "统一社会信用代码", "用电量（万千瓦时）"],
                ["001", "丙", A, 12.5],
            ],
        },
    )
    import_files(store, [land, power])
    assert facts(store, "land_own_mu")[A] == pytest.approx(30.0 + 10.000005, rel=1e-9)
    assert facts(store, "land_leased_out_mu")[A] == pytest.approx(3.0)
    assert facts(store, "land_leased_in_mu")[B] == pytest.approx(12.5)
    assert facts(store, "power_kwh", "2024")[A] == 123456
    assert facts(store, "power_kwh", "2025")[A] == 125000
    assert one(store, "SELECT count(*) FROM parcel WHERE uscc = ?", [A])[0] == 2


def test_leading_blank_rows_and_columns_keep_real_excel_row_numbers(tmp_path, store):
    grid = [
        [None] * 4,
        [None] * 4,
        [None, "统一社会信用代码", "企业名称", "实缴税金（万元）"],
        [None, A, "丙", 5],
        [None, "12345", "坏", 6],
    ]
    path = write_xlsx(tmp_path / "税务.xlsx", {"2025年": grid})
    [res] = import_files(store, [path])
    rej = store_imports.batch_rejects(store, res.batch_id).to_dicts()
    assert rej[0]["row_no"] == 5 and "(B列)" in rej[0]["reasons"] and "应为18位" in rej[0]["reasons"]


def test_bad_numbers_and_negative_land_are_rejected_with_column_and_expectation(tmp_path, store):
    path = write_xlsx(
        tmp_path / "土地.xlsx",
        {
            "2025": [
                ["统一社会信用代码", "企业名称", "用地面积（亩）", "用电量（万千瓦时）"],
                [A, "丙", -5, 1],
                [B, "丁", 10, "十二"],
                [C, "戊", "12%", 1],
            ]
        },
    )
    [res] = import_files(store, [path])
    rej = {r["row_no"]: r for r in store_imports.batch_rejects(store, res.batch_id).to_dicts()}
    assert "不能为负数" in rej[2]["reasons"] and rej[2]["columns"] == "用地面积（亩）"
    assert "应为数值（万千瓦时），实际为「十二」" in rej[3]["reasons"]
    assert "应为数值（亩）" in rej[4]["reasons"]
    assert res.batch.accepted == 0


def test_period_from_title_from_option_or_clear_error(tmp_path, store):
    grid = [["示范高新区2024年度用电情况"], ["统一社会信用代码", "用电量（万千瓦时）"], [A, 1]]
    path = write_xlsx(tmp_path / "电力.xlsx", {"Sheet1": grid})
    assert prepare_file(path).periods == ["2024"]
    nodate = write_xlsx(tmp_path / "电力2.xlsx", {"Sheet1": grid[1:]})
    assert prepare_file(nodate, period="2023").periods == ["2023"]
    with pytest.raises(ImportFailed, match="无法确定数据年度.*--period"):
        import_files(store, [nodate])


def test_registry_attributes_dates_codes_and_authority(tmp_path, store):
    tax = tax_file(tmp_path / "税务局.xlsx", data=[[1, A, "丙（税务名称）", 1, 1, "否"]])
    reg = write_xlsx(
        tmp_path / "市场监管局_登记.xlsx",
        {
            "企业名录": [
                ["统一社会信用代码", "企业名称", "注册日期", "所属镇街", "行业代码", "经营范围"],
                [A, "丙新材料有限公司", "2019/5/12", "科学城街道", "C3985", "一般项目：电子专用材料制造"],
                [B, "丁装备有限公司", "2024年3月1日", "湖滨街道", "3491", "工业机器人制造"],
                [C, "戊", "不详", "湖滨街道", "ABC", ""],
            ]
        },
    )
    import_files(store, [tax, reg])
    ent = queries.enterprise(store, A)
    assert ent["name"] == "丙新材料有限公司" and ent["industry_code"] == "3985"
    assert ent["registered_on"] == "2019-05-12" and ent["town"] == "科学城街道"
    assert queries.enterprise(store, B)["registered_on"] == "2024-03-01"
    rej = store_imports.batch_rejects(store, 2).to_dicts()
    assert len(rej) == 1 and "日期" in rej[0]["reasons"] and "行业代码" in rej[0]["reasons"]
    assert queries.enterprises(store, town="湖滨街道")["uscc"].to_list() == [B]


def test_csv_in_gbk(tmp_path, store):
    path = tmp_path / "生态环境局_排放.csv"
    path.write_bytes(
        (f"年份,统一社会信用代码,排污单位名称,化学需氧量（吨）,氨氮(千克)\n2025,{A},丙,1.5,300\n").encode(
            "gb18030"
        )
    )
    [res] = import_files(store, [path])
    assert res.batch.source == "env"
    assert facts(store, "cod_t")[A] == 1.5 and facts(store, "nh3n_t")[A] == pytest.approx(0.3)


def test_unreadable_files_fail_cleanly_and_change_nothing(tmp_path, store):
    good = tax_file(tmp_path / "税务局_好.xlsx")
    nokey = write_xlsx(tmp_path / "无代码.xlsx", {"S": [["企业名称", "实缴税金（万元）"], ["丙", 1]]})
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    corrupt = tmp_path / "损坏.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a workbook")
    headers_only = write_xlsx(tmp_path / "只有表头.xlsx", {"S": [["统一社会信用代码", "实缴税金（万元）"]]})
    wrong_type = tmp_path / "报表.pdf"
    wrong_type.write_bytes(b"%PDF-1.4")
    cases = [
        (nokey, "未找到「统一社会信用代码」列"),
        (empty, "文件为空"),
        (corrupt, "不是有效的 Excel 文件"),
        (headers_only, "没有数据行"),
        (wrong_type, "不支持的文件类型"),
    ]
    for bad, message in cases:
        with pytest.raises(ImportFailed, match=message) as info:
            import_files(store, [good, bad])
        assert bad.name in str(info.value)
    for table in ("import_batch", "fact", "enterprise", "rejected_row", "parcel"):
        assert one(store, f"SELECT count(*) FROM {table}")[0] == 0


def test_unit_of_wrong_kind_is_a_file_error(tmp_path, store):
    path = write_xlsx(tmp_path / "统计.xlsx", {"2025年": [["统一社会信用代码", "综合能耗（万元）"], [A, 1]]})
    with pytest.raises(ImportFailed, match=r"列「综合能耗（万元）」（B列）: 单位「万元」不是能耗单位"):
        import_files(store, [path])


def test_failure_in_the_middle_of_a_batch_leaves_nothing(tmp_path, store, monkeypatch):
    path = tax_file(tmp_path / "税务局.xlsx")
    real = store_imports.write_batch
    monkeypatch.setattr(
        "gaoxin.ingest.importer.write_batch", lambda con, batch: real(con, batch, fail_after_facts=True)
    )
    with pytest.raises(RuntimeError, match="injected"):
        import_files(store, [path])
    for table in ("import_batch", "fact", "enterprise", "rejected_row", "parcel"):
        assert one(store, f"SELECT count(*) FROM {table}")[0] == 0
    monkeypatch.undo()
    [res] = import_files(store, [path])  # and the same file then imports normally
    assert res.status == "imported" and res.batch.accepted == 4
