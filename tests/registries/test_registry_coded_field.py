"""研发机构级别 leaves the 科技局 file: the old coded field migrates (migration 19) into 创新平台 register rows to
verify, a file that still carries the column has its codes converted the same way at import, and the register
decides the level of every firm once a list is in.

Made data: 甲 (A) coded 3 in 2024 and 2025, 乙 (B) coded 4 in 2025 only and 1 in 2024, 丙 (C) coded 0 both years.
- A → one row 省 for 2024–2025, B → two rows (区 2024, 国家 2025), C → none; kind 未注明（科技局旧字段迁移）, no
  approval date, status 待核实, the note naming the batch, file, sheet and row; the old facts stay (same count).
- `registry due` lists the three as 待核实; the levels in force stay 3/3, 1/4, 0/0 (converted rows count in
  their own years only)."""

from __future__ import annotations

import json

from gaoxin.ingest.importer import import_files
from gaoxin.registries.intake import import_registry
from gaoxin.registries.service import due
from gaoxin.store import connect, frame
from gaoxin.store.queries import arrays
from support import cli, valid_code, write_xlsx

A, B, C, D = (valid_code(i) for i in (61, 62, 63, 64))
HEAD = ["统一社会信用代码", "企业名称", "年份", "职工总数", "研发机构级别"]


def sci_file(tmp_path, name="科技局.xlsx", rows=None):
    rows = rows or [[A, "甲公司", 2025, 100, 3], [A, "甲公司", 2024, 100, 3], [B, "乙公司", 2025, 50, 4],
                    [B, "乙公司", 2024, 50, 1], [C, "丙公司", 2025, 80, 0], [C, "丙公司", 2024, 80, 0]]  # fmt: skip
    return write_xlsx(tmp_path / name, {"企业": [HEAD, *rows]})


def level(con, uscc, year):
    d = arrays(con, str(year), ["rd_institution_level"])
    v = d["rd_institution_level"][list(d["uscc"]).index(uscc)]
    return None if v != v else float(v)


def converted(con):
    return frame(
        con,
        "SELECT host_uscc, level, kind, status, approved_on, from_year, to_year, note, sheet, row_no FROM reg_platform "
        "WHERE NOT superseded ORDER BY host_uscc, from_year",
    ).rows()


def test_the_old_coded_field_migrates(tmp_path):
    db = tmp_path / "old.duckdb"
    con = connect(db)
    import_files(con, [sci_file(tmp_path)], source="sci")
    facts = frame(con, "SELECT count(*) AS n FROM fact").item()
    # make it a store of before migration 19 (the codes as facts, no register columns), then open it again
    con.execute("DELETE FROM schema_version WHERE version = 19")
    con.execute("ALTER TABLE reg_platform DROP COLUMN from_year")
    con.execute("ALTER TABLE reg_platform DROP COLUMN to_year")
    con.close()
    con = connect(db)
    try:
        rows = converted(con)
        assert [(r[0], r[1], r[5], r[6]) for r in rows] == [(A, "省", 2024, 2025), (B, "区", 2024, 2024),
                                                            (B, "国家", 2025, 2025)]  # fmt: skip
        assert {(r[2], r[3], r[4]) for r in rows} == {("未注明（科技局旧字段迁移）", "待核实", None)}
        note = rows[0][7]
        assert (
            "代码 3（省级）" in note
            and "批次 1「科技局.xlsx」工作表「企业」第 3 行" in note
            and "2024 年" in note
        )
        assert (rows[0][8], rows[0][9]) == ("企业", 3)  # the first year's row (2024 is the sheet's row 3)
        assert frame(con, "SELECT count(*) AS n FROM fact").item() == facts  # the old facts stay
        listed = due(con, __import__("datetime").date(2026, 12, 1))
        assert sorted(listed.get_column("status_now").to_list()) == ["待核实"] * 3
        assert listed.get_column("counts").to_list() == [False, False, False]  # 2026: not their years
        assert (level(con, A, 2025), level(con, B, 2024), level(con, B, 2025), level(con, C, 2025)) == (
            3,
            1,
            4,
            0,
        )
    finally:
        con.close()


def test_a_column_still_sent_is_converted_at_import_and_the_register_decides(tmp_path):
    db = tmp_path / "s.duckdb"
    firms = write_xlsx(
        tmp_path / "企业.xlsx",
        {"2025年": [["统一社会信用代码", "企业名称", "年份", "年平均职工人数"], [A, "甲公司", 2025, 100],
                    [C, "丙公司", 2025, 80], [D, "丁公司", 2025, 10]]},
    )  # fmt: skip
    cli("import", firms, "--source", "stats", "--db", db)
    plat = write_xlsx(
        tmp_path / "平台.xlsx",
        {"创新平台": [["平台名称", "平台类型", "级别", "依托单位", "统一社会信用代码", "认定日期"],
                      ["丙省级企业技术中心", "企业技术中心", "省", "丙公司", C, "2020-05-01"]]},
    )  # fmt: skip
    cli("registry", "import", plat, "--db", db)
    out = cli("import", sci_file(tmp_path, rows=[[A, "甲公司", 2025, 100, 4]]), "--source", "sci", "--db", db)
    assert "已转为创新平台台账中待核实的 1 条记录" in out.stdout  # the user is told the register now decides
    con = connect(db)
    try:
        rows = converted(con)
        assert [(r[0], r[1], r[3], r[5]) for r in rows] == [
            (A, "国家", "待核实", 2025),
            (C, "省", None, None),
        ]
        # A: 4 from its converted row; C: 3 from the list; D: on no list and no code → 0 (not missing)
        assert (level(con, A, 2025), level(con, C, 2025), level(con, D, 2025)) == (4, 3, 0)
        # the same codes sent again (a new file): the row in force is replaced, never doubled
        before = frame(con, "SELECT count(*) AS n FROM reg_platform WHERE NOT superseded").item()
    finally:
        con.close()
    cli("import", sci_file(tmp_path, rows=[[A, "甲公司", 2025, 100, 4]]), "--source", "sci", "--db", db)
    con = connect(db, read_only=True)
    try:
        assert frame(con, "SELECT count(*) AS n FROM reg_platform WHERE NOT superseded").item() == before == 2
        assert (level(con, A, 2025), level(con, C, 2025), level(con, D, 2025)) == (4, 3, 0)
    finally:
        con.close()


def test_a_new_data_year_gets_levels_from_the_register_without_a_new_list(tmp_path):
    db = tmp_path / "y.duckdb"
    con = connect(db)
    import_files(
        con,
        [write_xlsx(tmp_path / "a.xlsx", {"2024年": [["统一社会信用代码", "企业名称", "年份", "年平均职工人数"],
                                                    [A, "甲公司", 2024, 100], [C, "丙公司", 2024, 80]]})],
        source="stats",
    )  # fmt: skip
    plat = write_xlsx(
        tmp_path / "平台.xlsx",
        {"创新平台": [["平台名称", "平台类型", "级别", "依托单位", "统一社会信用代码", "认定日期"],
                      ["甲省级工程技术研究中心", "工程技术研究中心", "省", "甲公司", A, "2023-05-01"]]},
    )  # fmt: skip
    import_registry(con, plat)
    con.close()
    y2025 = write_xlsx(
        tmp_path / "b.xlsx",
        {"2025年": [["统一社会信用代码", "企业名称", "年份", "年平均职工人数"], [A, "甲公司", 2025, 110],
                    [C, "丙公司", 2025, 90]]},
    )  # fmt: skip
    cli("import", y2025, "--source", "stats", "--db", db, "--json")
    con = connect(db, read_only=True)
    try:
        assert (level(con, A, 2025), level(con, C, 2025)) == (3, 0)
        src = frame(
            con,
            "SELECT b.file_name FROM fact f JOIN import_batch b USING (batch_id) WHERE f.uscc = ? "
            "AND f.indicator = 'rd_institution_level' AND f.period = '2025' AND NOT f.superseded",
            [A],
        ).item()
        assert src.startswith("创新平台台账推算")
    finally:
        con.close()
    assert json.loads(cli("batches", "--db", db, "--json").stdout)
