"""低效用地 flags on made facts, each rule at its threshold, and a flag's evidence traced to the right batches:
a 宗地台账 imported through the normal path (rejects kept, every physical row accounted for), monthly power and
tax rows in their own batch, and the CLI over the same store."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from gaoxin.cases.land import register
from gaoxin.cases.land.flags import lowuse_flags
from gaoxin.cases.land.rules import load_rules
from gaoxin.store import connect
from support import cli, valid_code, write_xlsx

RULES = load_rules()
AS_OF = date(2026, 6, 30)
PCOLS = {"parcel_no": pl.Utf8, "uscc": pl.Utf8, "area_mu": pl.Float64, "agreed_complete": pl.Date,
         "actual_complete": pl.Date, "invested_wan": pl.Float64, "agreed_intensity": pl.Float64,
         "industry_status": pl.Utf8, "industry": pl.Utf8, "batch_id": pl.Int64}  # fmt: skip
MCOLS = {"uscc": pl.Utf8, "low_power_months": pl.Int64, "power_batches": pl.List(pl.Int64),
         "no_tax_months": pl.Int64, "tax_batches": pl.List(pl.Int64)}  # fmt: skip
CCOLS = {"uscc": pl.Utf8, "year": pl.Utf8, "class": pl.Utf8, "run_id": pl.Utf8}


def flags(parcels: list[dict], months: list[dict] = (), classes: list[dict] = (), rules=RULES) -> dict:
    p = pl.DataFrame([{c: r.get(c) for c in PCOLS} for r in parcels], schema=PCOLS)
    m = pl.DataFrame([{c: r.get(c) for c in MCOLS} for r in months], schema=MCOLS)
    k = pl.DataFrame(list(classes), schema=CCOLS)
    out = lowuse_flags(p, m, k, AS_OF, rules)
    return {(r["parcel_no"], r["rule"]): r for r in out.to_dicts()}


def test_overdue_completion_at_two_years():
    rows = [
        {"parcel_no": "late", "uscc": "u1", "agreed_complete": date(2024, 6, 30), "batch_id": 7},  # two years today
        {"parcel_no": "early", "uscc": "u2", "agreed_complete": date(2024, 7, 1), "batch_id": 7},
        {"parcel_no": "done", "uscc": "u3", "agreed_complete": date(2020, 1, 1), "actual_complete": date(2021, 1, 1),
         "batch_id": 7},
    ]  # fmt: skip
    got = flags(rows)
    assert set(got) == {("late", "overdue_completion")}
    assert json.loads(got[("late", "overdue_completion")]["numbers"])["已超期天数"] == 730
    assert got[("late", "overdue_completion")]["batches"] == [7]


def test_low_intensity_below_half_of_the_contract():
    rows = [  # 20 亩 at 300 万元/亩 agreed: below 3,000 万元 invested is below half
        {"parcel_no": "low", "uscc": "u1", "area_mu": 20.0, "invested_wan": 2999.0, "agreed_intensity": 300.0},
        {"parcel_no": "half", "uscc": "u2", "area_mu": 20.0, "invested_wan": 3000.0, "agreed_intensity": 300.0},
    ]  # fmt: skip
    got = flags(rows)
    assert set(got) == {("low", "low_intensity")}
    n = json.loads(got[("low", "low_intensity")]["numbers"])
    assert n["实际投资强度_万元每亩"] == pytest.approx(149.95) and n["比例"] == pytest.approx(
        0.4998, abs=1e-4
    )


def test_power_tax_class_and_industry_rules_with_their_batches():
    parcels = [{"parcel_no": f"P{i}", "uscc": f"u{i}", "batch_id": 3} for i in range(1, 6)]
    parcels[4]["industry_status"] = "淘汰类"
    months = [
        {"uscc": "u1", "low_power_months": 12, "power_batches": [11, 12], "no_tax_months": 23, "tax_batches": [13]},
        {"uscc": "u2", "low_power_months": 11, "power_batches": [11], "no_tax_months": 24, "tax_batches": [13, 14]},
    ]  # fmt: skip
    classes = [
        {"uscc": "u3", "year": "2024", "class": "D", "run_id": "r24"},
        {"uscc": "u3", "year": "2025", "class": "D", "run_id": "r25"},
        {"uscc": "u4", "year": "2024", "class": "D", "run_id": "r24"},
        {"uscc": "u4", "year": "2025", "class": "C", "run_id": "r25"},
    ]
    got = flags(parcels, months, classes)
    assert set(got) == {("P1", "no_power"), ("P2", "no_tax"), ("P3", "class_d"), ("P5", "banned_industry")}
    assert got[("P1", "no_power")]["batches"] == [3, 11, 12]  # the register's batch and the power months'
    assert got[("P2", "no_tax")]["batches"] == [3, 13, 14]
    assert json.loads(got[("P3", "class_d")]["numbers"])["评价批次"] == ["r25", "r24"]


def test_a_rule_switched_off_in_the_zone_file_does_not_fire():
    rules = json.loads(json.dumps(RULES, default=str))
    rules["lowuse"]["banned_industry"]["on"] = False
    rows = [{"parcel_no": "P", "uscc": "u", "industry_status": "淘汰类", "batch_id": 1}]
    assert flags(rows) and not flags(rows, rules=rules)


def _ledger(path, uscc_a, uscc_b):
    head = ["宗地编号", "统一社会信用代码", "土地使用权人", "镇街", "宗地面积（公顷）", "出让价款（万元）", "约定开工日期",
            "约定竣工日期", "约定投资强度（万元/亩）", "实际开工日期", "已投资额（万元）"]  # fmt: skip
    return write_xlsx(
        path,
        {
            "宗地": [
                ["示范区宗地台账"],
                head,
                ["ZD1", uscc_a, "甲公司", "东镇", 2, 600, "2024-01-10", "2025-12-31", 300, None, None],
                ["ZD2", uscc_b, "乙公司", "西镇", 1, 300, "2023-01-01", "2024-01-01", 300, "2023-02-01", 900],
                [
                    "ZD3",
                    "91330000XXXXXXXX",
                    "丙公司",
                    "西镇",
                    1,
                    300,
                    "2023-01-01",
                    "2024-01-01",
                    300,
                    None,
                    None,
                ],
                ["ZD4", None, "丁公司", "西镇", -1, 300, "2023-01-01", "2022-01-01", 300, None, None],
                [None] * 11,
                ["合计", None, None, None, 4, 1500],
            ]
        },
    )


def test_register_import_flags_and_evidence_through_the_store(tmp_path):
    a, b = valid_code(1), valid_code(2)
    db = tmp_path / "s.duckdb"
    con = connect(db)
    out = register.import_land(con, _ledger(tmp_path / "宗地台账.xlsx", a, b))
    # 6 physical rows under the header: 2 accepted, 2 rejected (bad code; negative area and dates out of
    # order), the blank and the 合计 line skipped
    assert (out.accepted, out.rejected, out.skipped) == (2, 2, 2)
    kept = con.execute("SELECT row_no, disposition, reasons FROM rejected_row WHERE batch_id = ? ORDER BY row_no",
                       [out.batch_id]).fetchall()  # fmt: skip
    assert [(r[0], r[1]) for r in kept] == [(5, "rejected"), (6, "rejected"), (7, "skipped"), (8, "skipped")]
    rej = [(r[0], r[2]) for r in kept]
    assert (
        "统一社会信用代码" in rej[0][1]
        and "宗地面积须大于 0" in rej[1][1]
        and "早于约定开工日期" in rej[1][1]
    )
    assert register.import_land(con, tmp_path / "宗地台账.xlsx").duplicate
    con.execute(
        "INSERT INTO monitor_firm_value SELECT ?, printf('%04d-%02d', y, m), y, m, 'power', 10.0, '千瓦时', true, 99, "
        "'用电', 1, false FROM (SELECT 2025 + (i // 12) AS y, i % 12 + 1 AS m FROM range(18) t(i))",
        [b],
    )
    ev = register.evaluate(con, AS_OF)
    p = {r["parcel_no"]: r for r in ev["parcels"].to_dicts()}
    assert p["ZD1"]["area_mu"] == pytest.approx(30.0)  # 2 公顷 = 30 亩
    c = {r["parcel_no"]: r for r in ev["clocks"].to_dicts()}
    assert c["ZD1"]["status"] == "闲置" and c["ZD1"]["fee_base_wan"] == pytest.approx(120.0)
    f = {(r["parcel_no"], r["rule"]): r for r in ev["flags"].to_dicts()}
    assert f[("ZD2", "no_power")]["batches"] == [out.batch_id, 99]
    assert json.loads(f[("ZD2", "no_power")]["numbers"])["连续近零月数"] == 18
    # 约定竣工 2024-01-01 + 2 years = 2026-01-01, not completed by 2026-06-30; 900 万元 on 15 亩 = 60 < 150 万元/亩
    assert (
        f[("ZD2", "overdue_completion")]["batches"]
        == f[("ZD2", "low_intensity")]["batches"]
        == [out.batch_id]
    )
    assert json.loads(f[("ZD2", "low_intensity")]["numbers"])["实际投资强度_万元每亩"] == pytest.approx(60.0)
    con.close()


def test_cli_over_the_same_store(tmp_path):
    a, b = valid_code(1), valid_code(2)
    db = tmp_path / "s.duckdb"
    cli("land", "import", _ledger(tmp_path / "宗地台账.xlsx", a, b), "--db", db)
    listed = json.loads(cli("land", "list", "--as-of", "2026-06-30", "--db", db, "--json").output)
    assert listed["total"] == 2 and listed["summary"]["by_status"]["闲置"]["parcels"] == 1
    shown = json.loads(cli("land", "show", "ZD1", "--as-of", "2026-06-30", "--db", db, "--json").output)
    assert shown["clock"]["fee_eligible"] is True and shown["parcel"]["sheet"] == "宗地"
    bad = cli("land", "list", "--town", "北镇", "--db", db, ok=False)
    assert bad.exit_code == 1 and "东镇" in bad.output and "西镇" in bad.output
    opened = json.loads(cli("land", "open", "ZD1", "--db", db, "--json").output)
    cid = opened["case_id"]
    cli("land", "step", cid, "diagnose", "-f", "cause=资金", "-f", "department=东镇 王强", "--db", db)
    cli("land", "step", cid, "propose", "-f", "measure=协议收购", "--db", db)
    refused = cli("land", "step", cid, "close", "--db", db, ok=False)
    assert refused.exit_code == 1 and "盘活面积" in refused.output
    cli("land", "step", cid, "close", "-f", "freed_mu=30", "--db", db)
    cases = json.loads(cli("land", "cases", "--db", db, "--json").output)
    assert cases["progress"][0]["freed_mu"] == 30 and cases["cases"][0]["state"] == "closed"
    fee = cli("land", "decide", "ZD1", "fee", "--db", db, ok=False)
    assert fee.exit_code == 1 and "人民政府批准" in fee.output
    cli("land", "report", "--out", tmp_path / "l.xlsx", "--db", db)
    assert (tmp_path / "l.xlsx").stat().st_size > 0


def test_recoverable_value_worked_by_hand(tmp_path):
    """甲 holds ZD1 (30 亩, idle) and pays 60 万元 tax: 2 万元/亩; 乙 holds ZD2 (15 亩, 低效) and pays 150 万元:
    10 万元/亩. The zone median over the register's firms is 6 万元/亩, so ZD1 could yield (6 − 2) × 30 = 120
    万元 more and ZD2 nothing (it is above the median)."""
    from gaoxin.ingest.importer import import_files

    a, b = valid_code(1), valid_code(2)
    con = connect(tmp_path / "s.duckdb")
    register.import_land(con, _ledger(tmp_path / "宗地台账.xlsx", a, b))
    tax = [["统一社会信用代码", "企业名称", "税收实际贡献（万元）"], [a, "甲公司", 60], [b, "乙公司", 150]]
    import_files(con, [write_xlsx(tmp_path / "税务 2025.xlsx", {"2025": tax})], source="tax", period="2025")
    rec = {r["parcel_no"]: r for r in register.recoverable(con, register.evaluate(con, AS_OF)).to_dicts()}
    assert rec["ZD1"]["tax_per_mu"] == pytest.approx(2.0) and rec["ZD2"]["tax_per_mu"] == pytest.approx(10.0)
    assert rec["ZD1"]["median_tax_per_mu"] == pytest.approx(6.0)
    assert rec["ZD1"]["recoverable_tax_wan"] == pytest.approx(120.0)
    assert rec["ZD2"]["recoverable_tax_wan"] == 0
    assert list(rec) == ["ZD1", "ZD2"]  # the most recoverable first
    con.close()


def test_same_industry_by_major_group():
    assert register.same_industry("3562", "3511 矿山机械制造")
    assert not register.same_industry("3973", "3562 电子和电工机械专用设备制造")
    assert not register.same_industry(None, "3562 …") and not register.same_industry("3562", "电机")


def test_no_tax_for_two_years_from_the_yearly_tax_files(tmp_path):
    """乙 paid no tax in 2024 and 2025 (the 税务 files of both years): ZD2 is flagged, its evidence the two tax
    batches beside the register's; 甲 paid in 2025, so one zero year does not make the case."""
    from gaoxin.ingest.importer import import_files

    a, b = valid_code(1), valid_code(2)
    con = connect(tmp_path / "s.duckdb")
    land = register.import_land(con, _ledger(tmp_path / "宗地台账.xlsx", a, b))
    batches = []
    for year, (ta, tb) in (("2024", (0, 0)), ("2025", (60, 0))):
        rows = [
            ["统一社会信用代码", "企业名称", "税收实际贡献（万元）"],
            [a, "甲公司", ta],
            [b, "乙公司", tb],
        ]
        out = import_files(
            con, [write_xlsx(tmp_path / f"税务 {year}.xlsx", {year: rows})], source="tax", period=year
        )
        batches.append(out[0].batch_id)
    flags = {(r["parcel_no"], r["rule"]): r for r in register.evaluate(con, AS_OF)["flags"].to_dicts()}
    hit = flags[("ZD2", "no_tax")]
    assert hit["batches"] == sorted([land.batch_id, *batches])
    assert json.loads(hit["numbers"])["无税年度"] == ["2024", "2025"]
    assert ("ZD1", "no_tax") not in flags
    con.close()


def test_one_parcel_read_alone_is_the_register_s_row(tmp_path):
    """A parcel's page and a decision read only that parcel and its holder: the same clock and the same flags
    (with their batches) as the whole register gives it — the power window still ends at the zone's last month."""
    from gaoxin.ingest.importer import import_files

    a, b = valid_code(1), valid_code(2)
    con = connect(tmp_path / "s.duckdb")
    register.import_land(con, _ledger(tmp_path / "宗地台账.xlsx", a, b))
    con.execute(
        "INSERT INTO monitor_firm_value SELECT ?, printf('%04d-%02d', y, m), y, m, 'power', 10.0, '千瓦时', true, 99, "
        "'用电', 1, false FROM (SELECT 2025 + (i // 12) AS y, i % 12 + 1 AS m FROM range(14) t(i))",
        [b],
    )
    con.execute(  # another firm's later months move the window's end
        "INSERT INTO monitor_firm_value VALUES (?, '2026-06', 2026, 6, 'power', 90000.0, '千瓦时', true, 98, '用电', 1, false)",
        [a],
    )
    rows = [["统一社会信用代码", "企业名称", "税收实际贡献（万元）"], [a, "甲公司", 0], [b, "乙公司", 0]]
    for year in ("2024", "2025"):
        import_files(
            con, [write_xlsx(tmp_path / f"税务 {year}.xlsx", {year: rows})], source="tax", period=year
        )
    whole = register.evaluate(con, AS_OF)
    for no in ("ZD1", "ZD2"):
        one = register.evaluate(con, AS_OF, parcel_no=no)
        assert one["clocks"].to_dicts() == whole["clocks"].filter(pl.col("parcel_no") == no).to_dicts()
        assert one["flags"].to_dicts() == whole["flags"].filter(pl.col("parcel_no") == no).to_dicts()
        assert one["flags"].height > 0
    assert register.evaluate(con, AS_OF, parcel_no="NOPE")["parcels"].height == 0
    con.close()
