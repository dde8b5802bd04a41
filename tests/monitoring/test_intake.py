"""Monthly intake: a 统计局-style table and a firm file through the normal batch tables; a revised release
supersedes the first one and both stay."""

from __future__ import annotations

import json

import polars as pl
import pytest

from gaoxin.ingest.monthly import prepare_firm_file, prepare_zone_table
from gaoxin.store import connect, rows
from gaoxin.store import monitoring as S
from support import broken, cli, valid_code, write_xlsx

TITLE = "示范高新区2025年1-10月主要经济指标"


def zone_table(path, title=TITLE, output_cum="690.68", tax_unit="万元"):
    return write_xlsx(
        path,
        {
            "1-10月": [
                [title],
                ["指标名称", "单位", "10月", None, "1-10月", None],
                [None, None, "绝对值", "增长%", "绝对值", "增长%"],
                ["规模以上工业总产值", "亿元", "69.1", "38.2", output_cum, "39"],
                ["规上工业增加值", "%", "—", "8.1", "—", "8.5"],
                ["税收收入", tax_unit, "41000", "5", "402000", "6.2"],
                ["其中：高技术产业", "亿元", "1", "2", "3", "4"],
                ["社会消费品零售总额", "亿元", "abc", "", "10", ""],
                ["注：增速按同口径计算"],
            ]
        },
        merges={"1-10月": [(1, 2, 1, 3, "10月"), (1, 4, 1, 5, "1-10月")]},
    )


def test_zone_table_values_units_and_rejects(tmp_path):
    b = prepare_zone_table(zone_table(tmp_path / "z.xlsx"))
    v = {(r["indicator"], r["measure"]): r["value"] for r in b.values.iter_rows(named=True)}
    assert v[("gross_output", "cum")] == 690.68 and v[("gross_output", "cum_yoy")] == 39.0
    assert v[("tax_revenue", "cum")] == pytest.approx(40.2)  # 402000 万元 → 40.2 亿元 (the card's unit)
    assert ("industrial_va", "cum") not in v and v[
        ("industrial_va", "cum_yoy")
    ] == 8.5  # growth only, "—" not 0
    assert set(b.values["period"]) == {"2025-10"}
    rej = b.rejected_rows.to_dicts()
    bad = next(r for r in rej if r["disposition"] == "rejected")
    assert (
        bad["row_no"] == 8
        and bad["columns"] == "10月/绝对值"
        and "abc" in bad["reasons"]
        and "C列" in bad["reasons"]
    )
    assert json.loads(bad["raw_json"])["指标名称"] == "社会消费品零售总额"
    assert any("不在指标卡片中" in r["reasons"] for r in rej)  # an unknown indicator row is kept, not lost


def test_a_unit_of_the_wrong_kind_is_rejected_naming_the_column(tmp_path):
    b = prepare_zone_table(zone_table(tmp_path / "z.xlsx", tax_unit="万千瓦时"))
    bad = [r for r in b.rejected_rows.to_dicts() if r["disposition"] == "rejected"]
    assert any(r["columns"] == "单位" and "万千瓦时" in r["reasons"] for r in bad)


def test_january_february_combined_release_is_marked(tmp_path):
    path = write_xlsx(
        tmp_path / "jf.xlsx",
        {
            "1-2月": [
                ["2025年1-2月主要经济指标"],
                ["指标名称", "单位", "1-2月", "同比增长%"],
                ["规模以上工业总产值", "亿元", "56.9", "11.4"],
                ["税收收入", "亿元", "9.0", "3.0"],
            ]
        },
    )
    b = prepare_zone_table(path)
    comb = dict(b.values.select("indicator", "combined").unique().iter_rows())
    assert comb == {"gross_output": True, "tax_revenue": False}


def test_revised_vintage_supersedes_and_both_stay(tmp_path):
    con = connect(tmp_path / "s.duckdb")
    first = S.write_monthly_batch(con, prepare_zone_table(zone_table(tmp_path / "a.xlsx")))
    second = S.write_monthly_batch(
        con,
        prepare_zone_table(zone_table(tmp_path / "b.xlsx", title=TITLE + "（修订）", output_cum="696.20")),
    )
    now = S.zone_values(con, "gross_output").filter(pl.col("measure") == "cum")
    assert now["value"].to_list() == [696.20] and now["batch_id"].to_list() == [second]
    all_ = S.vintages(con, "gross_output", "2025-10").filter(pl.col("measure") == "cum")
    assert all_.select("value", "superseded", "batch_id").rows() == [
        (690.68, True, first),
        (696.20, False, second),
    ]
    assert S.revised_periods(con).height >= 1
    # the rejects of both batches are in the normal rejected_row table
    assert rows(con, "SELECT count(DISTINCT batch_id) FROM rejected_row")[0][0] == 2
    con.close()


def test_firm_file_rejects_and_canonical_units(tmp_path):
    good, bad = valid_code(11), broken(valid_code(12))
    path = write_xlsx(
        tmp_path / "f.xlsx",
        {
            "Sheet1": [
                ["统一社会信用代码", "企业名称", "月份", "工业总产值（万元）", "用电量（万千瓦时）"],
                [good, "甲", "2025年10月", "120.5", "3.2"],
                [bad, "乙", "2025-10", "1", "1"],
                [valid_code(13), "丙", "2025-13", "1", "x"],
                ["合计", None, None, "200", "3"],
            ]
        },
    )
    b = prepare_firm_file(path)
    assert b.values.filter(pl.col("indicator") == "output")["value"].to_list() == [1_205_000.0]  # 元
    assert b.values.filter(pl.col("indicator") == "power")["value"].to_list() == [32_000.0]  # 千瓦时
    rej = {r["row_no"]: r for r in b.rejected_rows.to_dicts()}
    assert "校验位" in rej[3]["reasons"] and rej[3]["columns"] == "统一社会信用代码"
    assert rej[4]["columns"] == "月份、用电量（万千瓦时）"
    assert rej[5]["disposition"] == "skipped"  # 合计 line


def test_cli_import_show_json_and_alert_names_its_rule(monthly_store, tmp_path):
    db = tmp_path / "c.duckdb"
    db.write_bytes(monthly_store["db"].read_bytes())
    again = json.loads(cli("monitor", "import", monthly_store["paths"][-1], "--db", db, "--json").stdout)
    assert again[0]["status"] == "duplicate"
    shown = json.loads(cli("monitor", "show", "--month", "2025-10", "--db", db, "--json").stdout)
    assert shown["period"] == "2025-10"
    alert = shown["alerts"][0]
    assert alert["rule"] and f"{alert['value']:.2f}" in alert["text"]
    cards = {c["card"]["id"]: c for c in shown["cards"]}
    go = cards["gross_output"]
    assert go["progress"]["kind"] == "level" and go["progress"]["schedule"] == pytest.approx(10 / 12)
    assert go["progress"]["completion"] == pytest.approx(go["figures"]["cum"] / go["target"]["value"])
    assert cards["industrial_va"]["progress"]["kind"] == "growth"
    out = tmp_path / "b.xlsx"
    cli("monitor", "brief", "--out", out, "--db", db)
    assert out.read_bytes()[:2] == b"PK"
