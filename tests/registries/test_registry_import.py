"""Registry intake: a 科技局 file with a 创新平台 sheet and a 技术合同 sheet as sent (title line, 万元 and 元 headers,
a 合计 line), hostile rows rejected naming sheet, row and column; the batch is all-or-nothing and a second import
of the same file writes nothing."""

from __future__ import annotations

import json

import pytest

from gaoxin.ingest.registries import read_registry_file
from gaoxin.registries.intake import RegistryImportError, import_registry
from gaoxin.store import frame
from support import broken, valid_code, write_xlsx

A, B, C = valid_code(11), valid_code(12), valid_code(13)

PLATFORMS = [
    ["2025年全区创新平台名单"],
    ["平台名称", "平台类型", "级别", "依托单位", "统一社会信用代码", "认定日期", "认定文号", "状态"],
    ["甲企业技术中心", "企业技术中心", "省级", "甲公司", A, "2021-05-10", "皖经信〔2021〕1号", "有效"],
    ["乙工业设计中心", "国家级工业设计中心", "", "乙公司", B, "2021/12/3", "工信部政法函〔2021〕2号", "正常"],
    ["", "工业设计中心", "国家", "丙公司", C, "2021-12-03", "x", "有效"],  # row 5: no name
    ["丁中心", "重点实验室", "宇宙级", "丁公司", broken(C), "明天", "x", "存疑"],  # row 6: four bad cells
    ["戊实验室", "重点实验室", "市", "", "", "2022-01-01", "x", "有效"],  # row 7: no host at all
    ["合计", "", "", "", "", "", "", ""],
]
CONTRACTS = [
    ["合同登记编号", "卖方名称", "卖方统一社会信用代码", "买方名称", "合同类型", "成交额（元）", "技术交易额（元）", "登记日期"],
    ["HT-001", "甲公司", A, "某大学", "技术开发合同", 1_200_000, 1_000_000, "2025-03-01"],
    ["HT-002", "乙公司", B, "某厂", "咨询", 500_000, 600_000, "2025-04-01"],  # row 3: 技术交易额 > 成交额
    ["HT-003", "乙公司", B, "某厂", "捐赠", 500_000, 400_000, "2025-04-01"],  # row 4: type unknown
    ["HT-004", "乙公司", B, "某厂", "服务", "1e400", "", "2025-04-01"],  # row 5: not a finite figure
    ["HT-005", "乙公司", B, "某厂", "服务", -5, "", "2025-04-01"],  # row 6: negative
]  # fmt: skip


@pytest.fixture
def registry_file(tmp_path):
    return write_xlsx(tmp_path / "科技局登记台账.xlsx", {"创新平台": PLATFORMS, "技术合同": CONTRACTS})


def test_rows_accepted_and_rejected_with_sheet_row_and_column(registry_file):
    batch = read_registry_file(registry_file)
    assert batch.sheet_kinds == {"创新平台": "platform", "技术合同": "contract"}
    plat = batch.frames["platform"]
    ok = plat.filter(plat["_status"] == "accepted")
    assert ok["name"].to_list() == ["甲企业技术中心", "乙工业设计中心"]
    # 乙's 级别 cell is empty but its type says 国家级: the level comes from the type
    assert ok["level"].to_list() == ["省", "国家"]
    assert ok["kind"].to_list() == ["企业技术中心", "工业设计中心"]
    rej = {r["row_no"]: r for r in batch.rejected_rows().filter(sheet="创新平台").iter_rows(named=True)}
    assert rej[5]["sheet"] == "创新平台" and "列「平台名称」(A列)" in rej[5]["reasons"]
    r6 = rej[6]["reasons"]
    for col in ("列「级别」(C列)", "列「统一社会信用代码」(E列)", "列「认定日期」(F列)", "列「状态」(H列)"):
        assert col in r6
    assert "宇宙级" in r6 and "明天" in r6 and "存疑" in r6
    assert rej[6]["columns"] == "级别、统一社会信用代码、认定日期、状态"
    assert "依托单位名称与信用代码均为空" in rej[7]["reasons"]
    assert rej[8]["disposition"] == "skipped" and "合计" in rej[8]["reasons"]
    assert json.loads(rej[6]["raw_json"])["级别"] == "宇宙级"  # the raw cells kept with the rejected row
    con_rows = batch.frames["contract"]
    good = con_rows.filter(con_rows["_status"] == "accepted")
    assert good["contract_no"].to_list() == ["HT-001"]
    assert good["amount_wan"].to_list() == [120.0] and good["tech_amount_wan"].to_list() == [
        100.0
    ]  # 元 → 万元
    assert good["ctype"].to_list() == ["开发"]
    c = {
        r["row_no"]: r["reasons"]
        for r in batch.rejected_rows().filter(sheet="技术合同").iter_rows(named=True)
    }
    assert "技术交易额大于成交额" in c[3]
    assert "列「合同类型」(E列)" in c[4] and "捐赠" in c[4]
    assert "列「成交额（元）」(F列)" in c[5] and "列「成交额（元）」(F列)" in c[6]


def test_import_is_one_batch_and_idempotent(store, registry_file):
    first = import_registry(store, registry_file)
    assert (first.accepted, first.rejected, first.skipped) == (3, 7, 1)
    assert first.kinds == {"platform": 2, "contract": 1}
    rejects = frame(
        store, "SELECT sheet, row_no, columns FROM rejected_row WHERE batch_id = ?", [first.batch_id]
    )
    assert rejects.height == 8
    again = import_registry(store, registry_file)
    assert again.duplicate and again.batch_id == first.batch_id
    assert frame(store, "SELECT count(*) AS n FROM reg_platform").item() == 2


def test_a_later_list_supersedes_the_record(store, tmp_path, registry_file):
    import_registry(store, registry_file)
    later = [PLATFORMS[1], ["甲企业技术中心", "企业技术中心", "省", "甲公司", A, "2021-05-10", "x", "撤销"]]
    import_registry(store, write_xlsx(tmp_path / "更正.xlsx", {"平台": later}))
    now = frame(store, "SELECT name, status FROM reg_platform WHERE NOT superseded ORDER BY name")
    assert now.rows() == [("乙工业设计中心", "有效"), ("甲企业技术中心", "撤销")]


def test_a_file_without_any_registry_sheet_writes_nothing(store, tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", {"Sheet1": [["企业名称", "营业收入"], ["甲", 1]]})
    with pytest.raises(RegistryImportError, match="x.xlsx: 未找到登记台账"):
        import_registry(store, path)
    assert frame(store, "SELECT count(*) AS n FROM import_batch").item() == 0
