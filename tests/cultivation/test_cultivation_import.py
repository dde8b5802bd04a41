"""The cultivation fields come in through the normal import path: Chinese headers, units, codes, mess."""

from __future__ import annotations

import math

import polars as pl
import pytest

from gaoxin import fields as F
from gaoxin.demo.files import innovation_expected_facts, write_innovation_file
from gaoxin.demo.zone import NEAR_MISSES, cultivation_years
from gaoxin.evaluations import cultivation as svc
from gaoxin.ingest import headers
from gaoxin.ingest.importer import import_files
from gaoxin.store import frame
from support import valid_code, write_xlsx


def test_every_alias_maps_to_one_field_only():
    seen: dict[str, str] = {}
    for f in F.FIELDS:
        for a in (f.label, *f.aliases):
            key = headers.text.match_key(headers.text.split_unit(a)[0])
            assert seen.setdefault(key, f.name) == f.name, (a, seen[key], f.name)


@pytest.mark.parametrize(
    ("header", "field", "unit"),
    [
        ("其中：境内研发费用（万元）", "rd_domestic", "万元"),
        ("Ⅰ类知识产权（件）", "ip1_count", "件"),
        ("I类知识产权数", "ip1_count", None),
        ("高新技术产品（服务）收入（万元）", "ht_income", "万元"),
        ("职工总数(月平均)（人）", "total_staff", "人"),
        ("研发机构级别（代码，0无/1区县级/4国家级）", "rd_institution_level", "代码"),
        ("资产负债率（%）", "debt_ratio", "%"),
        ("高企证书发证年份（年）", "hnte_cert_year", "年"),
    ],
)
def test_header_lookup(header, field, unit):
    fld, u = headers.lookup_field(header)
    assert fld is not None and fld.name == field and u == unit


def test_import_a_handwritten_department_file(store, tmp_path):
    a, b = valid_code(901), valid_code(902)
    rows = [
        ["示范高新区2025年度企业创新能力监测表"] + [None] * 9,
        [
            "序号",
            "统一社会信用代码",
            "企业名称",
            "研发活动",
            None,
            "人员",
            None,
            "知识产权",
            "经营情况",
            None,
        ],
        [
            None,
            None,
            None,
            "研发费用（万元）",
            "其中：境内研发费用（万元）",
            "职工总数（人）",
            "科技人员数（人）",
            "Ⅰ类知识产权（件）",
            "资产负债率（%）",
            "研发机构级别（代码，0无/1区县级/2市级/3省级/4国家级）",
        ],
        [1, a, "甲科技有限公司", "1,234.50", 1000, "１２０", 15, 2, "45.5%", 3],
        [2, b, "乙科技有限公司", 88.8, "—", 40, 4, "/", 62.3, 0],
    ]
    merges = {
        "2025年": [
            (0, 0, 0, 9, rows[0][0]),
            (1, 3, 1, 4, "研发活动"),
            (1, 5, 1, 6, "人员"),
            (1, 8, 1, 9, "经营情况"),
            (1, 0, 2, 0, "序号"),
            (1, 1, 2, 1, "统一社会信用代码"),
            (1, 2, 2, 2, "企业名称"),
        ]
    }
    path = write_xlsx(tmp_path / "科技局_企业创新能力_2025.xlsx", {"2025年": rows}, merges)
    res = import_files(store, [path])
    assert res[0].batch.accepted == 2 and res[0].batch.rejected == 0 and res[0].batch.source == "sci"
    facts = frame(store, "SELECT uscc, indicator, value, unit FROM fact ORDER BY uscc, indicator")
    got = {(r["uscc"], r["indicator"]): r["value"] for r in facts.iter_rows(named=True)}
    assert got[(a, "rd_expense")] == 12345000.0 and got[(a, "rd_domestic")] == 1e7
    assert got[(a, "total_staff")] == 120 and got[(a, "tech_staff")] == 15 and got[(a, "ip1_count")] == 2
    assert math.isclose(got[(a, "debt_ratio")], 0.455) and math.isclose(got[(b, "debt_ratio")], 0.623)
    assert got[(a, "rd_institution_level")] == 3 and got[(b, "rd_institution_level")] == 0
    assert (b, "rd_domestic") not in got and (b, "ip1_count") not in got  # "—" and "/" are missing, never 0
    units = dict(zip(facts["indicator"], facts["unit"], strict=False))
    assert (
        units["rd_expense"] == "元"
        and units["debt_ratio"] == "比值"
        and units["rd_institution_level"] == "级"
    )


@pytest.fixture(scope="module")
def small_zone(demo_zone):
    return demo_zone  # generate_zone(n_firms=300), built once per session


def test_demo_innovation_file_reads_back_exactly(small_zone, tmp_path):
    from gaoxin.store import connect

    con = connect(tmp_path / "z.duckdb")
    path = write_innovation_file(small_zone, tmp_path)
    again = write_innovation_file(small_zone, tmp_path / "again")
    assert path.read_bytes() == again.read_bytes()  # byte-identical across runs
    res = import_files(con, [path])[0]
    expected = innovation_expected_facts(small_zone)
    ok = expected.filter((pl.col("status") == "ok") & pl.col("value").is_not_null())
    assert res.batch.accepted == ok.select("uscc", "period").unique().height
    assert (
        res.batch.rejected
        == expected.filter(pl.col("status") == "invalid_uscc").select("row").unique().height
    )
    got = frame(con, "SELECT uscc, period, indicator AS field, value AS got FROM fact")
    joined = ok.select("uscc", "period", "field", "value").join(
        got, on=["uscc", "period", "field"], how="left"
    )
    assert joined.filter(pl.col("got").is_null()).height == 0
    assert (
        joined.filter((pl.col("got") - pl.col("value")).abs() > 1e-6 * pl.col("value").abs().clip(1.0)).height
        == 0
    )
    con.close()


def test_demo_truth_is_correlated_and_plants_near_misses(small_zone, tmp_path):
    truth, near = cultivation_years(small_zone)
    fy = small_zone.firm_years.select(
        "uscc", "year", pl.col("revenue").alias("rev0"), pl.col("rd_expense").alias("rd0")
    )
    j = truth.join(fy, on=["uscc", "year"])
    assert (
        j.filter(pl.col("revenue") != pl.col("rev0")).height == 0
    )  # the same sales as the other departments
    changed = j.filter((pl.col("rd_expense") != pl.col("rd0")).fill_null(True) & pl.col("rd0").is_not_null())
    assert set(changed["uscc"]) <= set(near["rd_band"]) | set(near["rd_100wan"])
    # more R&D, more S&T staff
    last = truth.filter(pl.col("year") == 2025).with_columns(
        (pl.col("rd_expense") / pl.col("revenue")).alias("rdr"),
        (pl.col("tech_staff") / pl.col("total_staff")).alias("tr"),
    )
    assert last.select(pl.corr("rdr", "tr", method="spearman")).item() > 0.3
    assert set(NEAR_MISSES) == set(near) and sum(len(v) for v in near.values()) > 0
    # planted tech-staff near misses are one hire short of 10 %
    for u in near["tech_staff"]:
        row = last.filter(pl.col("uscc") == u).row(0, named=True)
        assert (
            row["tech_staff"] / row["total_staff"]
            < 0.10
            <= (row["tech_staff"] + 2) / (row["total_staff"] + 2)
        )


def test_planted_near_misses_are_found_by_the_schemes(small_zone, demo_store):
    from gaoxin.store import connect

    assert demo_store.zone is small_zone  # the store holds this zone's department and 科技局 files
    con = connect(demo_store.db, read_only=True)
    _truth, near = cultivation_years(small_zone)
    res = svc.evaluate_stored(con, svc.load("hnte-2016")[0], "2025")
    k = res.cond_index("tech_staff")
    for u in near["tech_staff"]:
        i = res.firm(u)
        assert res.final_state[i, k] == 1 and res.gap("tech_staff", "tech_staff").steps[i] <= 2
    k = res.cond_index("ht_income")
    for u in near["ht_income"]:
        assert res.final_state[res.firm(u), k] == 1
    con.close()
