"""Zone-indicator files through the normal import path: Chinese two-row headers, units, rejects with reasons."""

import json

import pytest
from typer.testing import CliRunner

from gaoxin.cli import app
from gaoxin.demo.zones import expected_zone_facts, generate_zones, write_zone_file
from gaoxin.ingest.importer import ImportFailed, import_files
from gaoxin.ingest.zones import lookup, split_unit
from gaoxin.store import frame, one, rows
from support import write_xlsx

TITLE = "2025年全省高新区主要指标"
HEAD1 = [
    "序号",
    "园区代码",
    "园区名称",
    "级别",
    "是否本区",
    "一、创新能力和创业活跃度",
    None,
    "三、绿色发展和宜居包容性",
    None,
]
HEAD2 = [
    None,
    None,
    None,
    None,
    None,
    "1.3 研发经费内部支出占营业收入比例（%）",
    "1.8 当年登记入库的科技型中小企业数（家）",
    "3.1 单位增加值综合能耗（吨标准煤/万元）",
    "当年可支配财力（万元）",
]
MERGES = [
    (0, 0, 0, 8, TITLE),
    (1, 0, 2, 0, "序号"),
    (1, 1, 2, 1, "园区代码"),
    (1, 2, 2, 2, "园区名称"),
    (1, 3, 2, 3, "级别"),
    (1, 4, 2, 4, "是否本区"),
    (1, 5, 1, 6, "一、创新能力和创业活跃度"),
    (1, 7, 1, 8, "三、绿色发展和宜居包容性"),
]


def _file(tmp_path, data_rows, name="zones.xlsx", sheet="2025年"):
    return write_xlsx(tmp_path / name, {sheet: [[TITLE], HEAD1, HEAD2, *data_rows]}, {sheet: MERGES})


ROWS = [
    [1, "Z001", "甲高新区", "国家级", "否", 3.25, 120, 0.21, 123456],
    [2, "Z002", "乙高新区", "国家级", "是", "4.5%", "１２０", 0.18, 50000],
    [3, "Z003", "丙高新区", "省级", "否", "待核实", 80, 0.3, 40000],  # rejected: not a number
    [4, "Z004", "丁高新区", "国家级", "否", 130, 90, 0.25, 30000],  # rejected: a share above 100 %
    [5, None, None, None, None, 2.0, 10, 0.2, 1],  # rejected: no zone name or code
    [6, "Z006", "戊高新区", "国家级", "否", "—", 60, "/", 20000],  # missing cells stay missing
    [None, None, None, None, None, None, None, None, None],  # blank: skipped
    [None, None, "合计", None, None, None, 390, None, None],  # 合计: skipped
    [7, "Z001", "甲高新区", "国家级", "否", 3.25, 120, 0.21, 123456],  # exact duplicate: skipped
]


def test_two_row_headers_units_and_rejects(store, tmp_path):
    path = _file(tmp_path, ROWS)
    [res] = import_files(store, [path], "zone")
    out = res.as_json()
    assert (out["source"], out["rows"], out["accepted"], out["rejected"], out["skipped"]) == (
        "zone",
        9,
        3,
        3,
        3,
    )
    assert out["periods"] == ["2025"] and out["status"] == "imported"
    facts = {(z, i): v for z, i, v in rows(store, "SELECT zone_id, indicator, value FROM zone_fact")}
    assert facts[("Z001", "rd_intensity")] == 3.25
    assert facts[("Z002", "rd_intensity")] == pytest.approx(4.5)  # '4.5%' in a % column
    assert facts[("Z002", "new_tech_smes")] == 120  # full-width digits
    assert facts[("Z001", "disposable_fiscal")] == pytest.approx(12.3456)  # 万元 → 亿元
    assert ("Z006", "rd_intensity") not in facts and ("Z006", "energy_per_va") not in facts
    assert one(store, "SELECT unit FROM zone_fact WHERE indicator = 'disposable_fiscal' LIMIT 1")[0] == "亿元"
    zones = {r[0]: r[1:] for r in rows(store, "SELECT zone_id, name, level, is_home FROM zone")}
    assert zones == {
        "Z001": ("甲高新区", "national", False),
        "Z002": ("乙高新区", "national", True),
        "Z006": ("戊高新区", "national", False),
    }
    rej = frame(
        store, "SELECT row_no, disposition, columns, reasons, raw_json FROM rejected_row ORDER BY row_no"
    )
    by_row = {r["row_no"]: r for r in rej.to_dicts()}
    assert by_row[6]["disposition"] == "rejected" and "待核实" in by_row[6]["reasons"]
    assert "研发经费内部支出占营业收入比例" in by_row[6]["columns"] and "(F列)" in by_row[6]["reasons"]
    assert json.loads(by_row[6]["raw_json"])["园区名称"] == "丙高新区"
    assert "不大于 100" in by_row[7]["reasons"]
    assert "园区名称和园区代码均为空" in by_row[8]["reasons"]
    assert by_row[10]["disposition"] == "skipped" and by_row[10]["reasons"] == "空行"
    assert "合计" in by_row[11]["reasons"]
    assert "完全重复" in by_row[12]["reasons"]
    # the same file again: nothing changes
    [again] = import_files(store, [path], "zone")
    assert again.status == "duplicate" and one(store, "SELECT count(*) FROM import_batch")[0] == 1


def test_wrong_unit_stops_the_file_and_nothing_is_written(store, tmp_path):
    head2 = list(HEAD2)
    head2[7] = "3.1 单位增加值综合能耗（吨）"
    path = write_xlsx(tmp_path / "bad.xlsx", {"2025年": [[TITLE], HEAD1, head2, ROWS[0]]}, {"2025年": MERGES})
    with pytest.raises(ImportFailed, match="单位「吨」不适用于「单位增加值综合能耗」"):
        import_files(store, [path], "zone")
    assert one(store, "SELECT count(*) FROM import_batch")[0] == 0


def test_not_a_zone_file(store, tmp_path):
    path = write_xlsx(
        tmp_path / "x.xlsx", {"Sheet1": [["统一社会信用代码", "营业收入"], ["91110000600037341L", 1]]}
    )
    with pytest.raises(ImportFailed, match="园区名称"):
        import_files(store, [path], "zone")


def test_name_only_file_links_to_known_zones(store, tmp_path):
    import_files(store, [_file(tmp_path, ROWS[:2])], "zone")
    head1 = ["园区名称", "年份", "1.3 研发经费内部支出占营业收入比例（%）"]
    path = write_xlsx(
        tmp_path / "names.xlsx", {"Sheet1": [head1, ["甲高新区", "2024", 3.0], ["新高新区", 2024, 1.5]]}
    )
    [res] = import_files(store, [path], "zone")
    assert res.batch.accepted == 2 and res.batch.periods == ["2024"]
    ids = dict(rows(store, "SELECT zone_id, count(*) FROM zone_fact WHERE period = '2024' GROUP BY zone_id"))
    assert ids == {"Z001": 1, "新高新区": 1}
    assert one(store, "SELECT is_home FROM zone WHERE zone_id = 'Z002'")[0]  # home kept: this file names none


def test_header_lookup_with_numbering_and_compound_units():
    assert lookup("3.2 二氧化碳排放量增长率（%）") == ("co2_growth", "%")
    assert lookup("2.3人均技术合同成交额(万元/人)") == ("tech_contract_per_capita", "万元/人")
    assert lookup("新晋高成长(瞪羚)企业数（家）") == ("gazelle_firms", "家")
    assert lookup("高新区名称") == ("zone_name", None)
    assert split_unit("单位增加值综合能耗（单位：吨标准煤/万元）") == ("单位增加值综合能耗", "吨标准煤/万元")


def test_demo_zone_file_round_trip_and_cli_json(tmp_path):
    zs = generate_zones()
    path = write_zone_file(zs, tmp_path)
    db = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(app, ["import", str(path), "--source", "zone", "--json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    [b] = out["batches"]
    assert {"file", "sha256", "source", "rows", "accepted", "rejected", "skipped"} <= set(b)
    assert (b["source"], b["accepted"], b["rejected"]) == ("zone", 3 * 179 - 1, 1)
    from gaoxin.store import connect

    con = connect(db)
    got = frame(con, "SELECT zone_id AS zone_code, period, indicator, value FROM zone_fact")
    exp = expected_zone_facts(zs)
    assert got.height == exp.height
    joined = exp.join(got, on=["zone_code", "period", "indicator"], how="inner")
    assert joined.height == exp.height
    assert (joined["value"] - joined["value_right"]).abs().max() < 1e-9
    assert one(con, "SELECT name FROM zone WHERE is_home")[0] == "示范高新区"
    assert one(con, "SELECT count(*) FROM zone")[0] == 179
    con.close()


def test_period_option_selects_a_year_and_fills_in_when_the_file_has_none(store, tmp_path):
    sheets = {
        "2024年": [[TITLE.replace("2025", "2024")], HEAD1, HEAD2, ROWS[0]],
        "2025年": [[TITLE], HEAD1, HEAD2, ROWS[1]],
    }
    path = write_xlsx(tmp_path / "two.xlsx", sheets, {k: MERGES for k in sheets})
    [res] = import_files(store, [path], "zone", period="2025")
    assert (res.batch.accepted, res.batch.skipped, res.batch.periods) == (1, 1, ["2025"])
    assert "年度不是本次导入指定的 2025" in res.batch.rejected_rows["reasons"][0]
    bare = write_xlsx(
        tmp_path / "bare.xlsx",
        {"Sheet1": [["园区名称", "1.3 研发经费内部支出占营业收入比例（%）"], ["甲高新区", 3.0]]},
    )
    with pytest.raises(ImportFailed, match="无法确定数据年度"):
        import_files(store, [bare], "zone")
    [res] = import_files(store, [bare], "zone", period="2023")
    assert res.batch.periods == ["2023"] and res.batch.accepted == 1
