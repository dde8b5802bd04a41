"""`gaoxin requests import`: a 12345 ticket export with hand-made mess becomes enterprise-request cases whose
events replay each ticket's history; every physical row is accounted for, rejects keep their reasons, the
same tickets are never imported twice, and no hostile file reaches the user as a traceback."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from gaoxin.cases.calendar import calendar_in_force
from gaoxin.cases.intake import IntakeFailed, category_of, import_tickets
from gaoxin.cases.ledger import show
from gaoxin.demo.tickets import generate_tickets, write_ticket_file
from gaoxin.ingest.importer import import_files
from gaoxin.ingest.requests import Limits, parse_time
from gaoxin.store import cases as store_cases
from gaoxin.store import connect
from gaoxin.store import imports as store_imports
from support import broken, cli, valid_code, write_xlsx

A, B, C, D = (valid_code(i) for i in (11, 12, 13, 14))
HEADER = [
    "工单编号",
    "受理时间",
    "企业名称",
    "统一社会信用代码",
    "诉求内容",
    "诉求类别",
    "承办单位",
    "办理状态",
    "答复时间",
    "办结时间",
    "满意度",
    "回访时间",
]


def _registry(tmp_path, con) -> None:
    reg = write_xlsx(
        tmp_path / "市场监管局_登记.xlsx",
        {
            "企业名录": [
                ["统一社会信用代码", "企业名称", "所属镇街"],
                [A, "丙新材料有限公司", "科学城街道"],
                [B, "丁装备（湖滨）有限公司", "湖滨街道"],
                [C, "戊科技有限公司", "湖滨街道"],
            ]
        },
    )
    import_files(con, [reg], source="registry", period="2025")


def _tickets(tmp_path, extra: list[list] | None = None, name: str = "12345工单.xlsx"):
    # 45721.6 = 2025-03-05 14:24 as an Excel serial
    data = [
        ["GD-001", "2025/3/5 14:20", "丙新材料有限公司", A, "厂房用电增容。请协调", "供电", "供电公司",
         "已评价", "2025年3月7日", "2025-03-10 16:00", "非常满意", 45727.4],
        ["GD-002", "2025年3月6日 9时30分", "丁装备(湖滨)有限公司", None, "招聘技术工人", "招工", "人社局",
         "办理中", None, None, None, None],
        ["GD-003", "2025-03-06 10:00", "戊科技有限公司", broken(C), "贷款对接", "融资", "金融办",
         "已办结", "2025-03-07", "2025-03-08", None, None],
        ["GD-004", 45722.5, "某拟落户企业（筹）", None, "园区周边异味", "环境保护", "生态环境分局",
         "已办结", None, "2025/3/12 17:00", None, None],
        ["GD-005", "2025-03-07 09:00", "丙新材料有限公司", A, "技改补助拨付", "奖补", "经济发展局",
         "已办结", "2025-03-10 10:00", None, None, None],
        None,  # a blank row
        ["GD-001", "2025/3/5 14:20", "丙新材料有限公司", A, "厂房用电增容。请协调", "供电", "供电公司",
         "已评价", "2025年3月7日", "2025-03-10 16:00", "非常满意", 45727.4],
        ["GD-006", "2025-03-10 09:00", "戊科技有限公司", C, "施工许可", "行政审批", "行政审批局",
         "已答复", "2025-03-09 10:00", None, None, None],
        ["GD-007", "三月五日", "戊科技有限公司", C, "消防验收", "审批", "消防大队",
         "已派单", None, None, None, None],
        ["GD-008", "2025-03-11 08:30", "戊科技有限公司", C, "天然气接入", "燃气", "燃气公司",
         "已评价", "2025-03-12 15:00", "2025-03-13 15:00", "不满意", "2025-03-14 10:00"],
        *(extra or []),
        ["合计", None, None, None, "共 10 件", None, None, None, None, None, None, None],
    ]  # fmt: skip
    rows = [["示范高新区 12345 企业诉求工单明细（2025年3月）"] + [None] * 11, HEADER]
    rows += [r if r is not None else [None] * 12 for r in data]
    return write_xlsx(tmp_path / name, {"工单": rows}, merges={"工单": [(0, 0, 0, 11, rows[0][0])]})


@pytest.fixture
def con(tmp_path):
    c = connect(tmp_path / "t.duckdb")
    _registry(tmp_path, c)
    yield c
    c.close()


def test_times_as_hotline_exports_write_them():
    assert parse_time("2025/3/5 14:20") == (datetime(2025, 3, 5, 14, 20), True)
    assert parse_time("2025年3月5日") == (datetime(2025, 3, 5), False)
    assert parse_time("2025年3月6日 9时30分") == (datetime(2025, 3, 6, 9, 30), True)
    assert parse_time("45721.5972") == (datetime(2025, 3, 5, 14, 20), True)
    assert parse_time("2025-03-05 14:20:00") == (datetime(2025, 3, 5, 14, 20), True)
    assert parse_time("—") == (None, False)
    with pytest.raises(ValueError):
        parse_time("三月五日")
    assert (
        category_of("供电") == "水电气"
        and category_of("环境保护") == "其他"
        and category_of("用地") == "用地"
    )


def test_a_messy_export_becomes_cases_with_every_row_accounted_for(tmp_path, con):
    cal = calendar_in_force(con)
    out = import_tickets(con, _tickets(tmp_path), cal=cal)
    assert out.status == "imported"
    # 8 tickets, 1 blank row, 1 duplicate of GD-001, 1 合计 line = 11 physical rows below the header
    assert (out.rows, out.accepted, out.rejected, out.skipped) == (11, 4, 4, 3)
    assert out.rows == out.accepted + out.rejected + out.skipped
    rejects = {(r["row_no"], r["disposition"]): r for r in out.rejects}
    assert set(rejects) == {
        (5, "rejected"),
        (7, "rejected"),
        (8, "skipped"),
        (9, "skipped"),
        (10, "rejected"),
        (11, "rejected"),
        (13, "skipped"),
    }
    assert rejects[(5, "rejected")]["columns"] == "统一社会信用代码"
    assert (
        "校验位错误" in rejects[(5, "rejected")]["reasons"] and "(D列)" in rejects[(5, "rejected")]["reasons"]
    )
    assert rejects[(7, "rejected")]["columns"] == "办结时间"
    assert "工单已办结，但办结时间为空" in rejects[(7, "rejected")]["reasons"]
    assert rejects[(8, "skipped")]["reasons"] == "空行"
    assert "与工作表「工单」第3行完全重复" in rejects[(9, "skipped")]["reasons"]
    assert (
        "答复时间 2025-03-09 10:00 早于上一环节时间 2025-03-10 09:00" in rejects[(10, "rejected")]["reasons"]
    )
    assert "无法识别的时间「三月五日」" in rejects[(11, "rejected")]["reasons"]
    assert rejects[(13, "skipped")]["reasons"] == "合计行（不是工单）"
    # the batch and its rejected rows are stored like any import (gaoxin rejects BATCH)
    batch = store_imports.batch_record(con, out.batch_id)
    assert batch["source"] == "12345" and (batch["rows"], batch["accepted"]) == (11, 4)
    stored = store_imports.batch_rejects(con, out.batch_id)
    assert stored.height == 7 and set(stored["file_name"]) == {"12345工单.xlsx"}
    assert json.loads(stored.filter(stored["row_no"] == 5)["raw_json"][0])["统一社会信用代码"] == broken(C)

    cases = {c["ticket_no"]: c for c in _cases(con)}
    assert set(cases) == {"GD-001", "GD-002", "GD-004", "GD-008"}
    assert out.states == {"已评价": 2, "办理中": 1, "已办结": 1}
    views = {t: show(con, c["case_id"], cal) for t, c in cases.items()}
    # GD-001: the whole run at the ticket's own times, by 12345导入
    one = views["GD-001"]
    assert one["state"] == "rated" and one["lead"] == "供电公司" and one["case"]["category"] == "水电气"
    assert [(e["action"], e["at"]) for e in one["timeline"]] == [
        ("open", datetime(2025, 3, 5, 14, 20)),
        ("dispatch", datetime(2025, 3, 5, 14, 20)),
        ("accept", datetime(2025, 3, 5, 14, 20)),
        ("answer", datetime(2025, 3, 7)),
        ("close", datetime(2025, 3, 10, 16, 0)),
        ("visit", datetime(2025, 3, 11, 9, 36)),
        ("rate", datetime(2025, 3, 11, 9, 36)),
    ]
    assert {e["actor"] for e in one["timeline"]} == {"12345导入"}
    assert one["timeline"][-1]["fields"]["satisfaction"] == "满意"
    assert one["case"]["fields"]["ticket_no"] == "GD-001" and one["case"]["source"] == "12345"
    assert one["case"]["town"] == "科学城街道"
    # GD-002: no code, linked to the registered firm by its name (full-width brackets folded)
    two = views["GD-002"]
    assert two["state"] == "handling" and two["case"]["uscc"] == B and two["case"]["town"] == "湖滨街道"
    assert any("按企业名称关联" in n for n in out.notes)
    # GD-004: Excel serial 受理时间, a category the flow does not know (其他, the original kept), the answer
    # taken at the 办结 time; a firm not registered stays unlinked
    four = views["GD-004"]
    assert four["state"] == "closed" and four["case"]["category"] == "其他"
    assert four["case"]["fields"]["raw_category"] == "环境保护" and four["case"]["uscc"] is None
    assert four["timeline"][0]["at"] == datetime(2025, 3, 6, 12, 0)
    assert four["timeline"][3]["at"] == four["timeline"][4]["at"] == datetime(2025, 3, 12, 17, 0)
    assert (
        views["GD-008"]["state"] == "rated"
        and _state(con, cases["GD-008"]["case_id"])["satisfaction"] == "不满意"
    )


def _cases(con) -> list[dict]:
    rows = store_cases.case_list(con, {"domain": "request"}).to_dicts()
    return [
        {**r, "ticket_no": store_cases.case_header(con, r["case_id"])["fields"]["ticket_no"]} for r in rows
    ]


def _state(con, case_id: str) -> dict:
    return store_cases.case_state(con, case_id)


def test_importing_twice_adds_nothing_and_a_corrected_file_adds_only_the_new_tickets(tmp_path, con):
    cal = calendar_in_force(con)
    path = _tickets(tmp_path)
    first = import_tickets(con, path, cal=cal)
    again = import_tickets(con, path, cal=cal)
    assert again.status == "duplicate" and again.batch_id == first.batch_id and again.accepted == 0
    assert "sha256 一致" in again.notes[0]
    fixed = _tickets(
        tmp_path,
        extra=[
            [
                "GD-009",
                "2025-03-12 09:00",
                "丙新材料有限公司",
                A,
                "用地指标",
                "土地",
                "自然资源局",
                "已派单",
                None,
                None,
                None,
                None,
            ],
        ],  # fmt: skip
        name="12345工单（更正）.xlsx",
    )
    third = import_tickets(con, fixed, cal=cal)
    assert third.status == "imported" and third.accepted == 1 and third.already == 4
    assert len(_cases(con)) == 5
    skipped = [r for r in third.rejects if "工单已导入" in (r["reasons"] or "")]
    assert len(skipped) == 4 and third.rows == third.accepted + third.rejected + third.skipped
    # the CLI says so, in --json too
    db = tmp_path / "t.duckdb"
    con.close()
    res = json.loads(cli("requests", "import", fixed, "--json", "--db", db).output)
    assert res["status"] == "duplicate" and res["batch_id"] == third.batch_id
    text = cli("requests", "import", fixed, "--db", db).output
    assert "已导入过，未改动" in text


def test_the_demo_export_imports_with_the_counts_it_promises(tmp_path, con):
    firms = [{"uscc": A, "name": "丙新材料有限公司"}, {"uscc": B, "name": "丁装备（湖滨）有限公司"}]
    tf = write_ticket_file(tmp_path / "demo12345.xlsx", generate_tickets(firms, 30, "2025-11"))
    again = write_ticket_file(tmp_path / "again.xlsx", generate_tickets(firms, 30, "2025-11"))
    assert tf.path.read_bytes() != b"" and again.tickets == tf.tickets  # deterministic
    out = import_tickets(con, tf.path, cal=calendar_in_force(con))
    exp = tf.expected
    assert (out.rows, out.accepted, out.rejected, out.skipped) == (
        exp["rows"],
        exp["accepted"],
        exp["rejected"],
        exp["skipped"],
    )
    assert any("按企业名称关联" in n for n in out.notes) == bool(exp["linked_by_name"])


def test_hostile_files_are_one_line_refusals_and_write_nothing(tmp_path, con):
    cal = calendar_in_force(con)
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    doc = tmp_path / "工单.docx"
    doc.write_bytes(b"PK\x03\x04 not a workbook")
    fake = tmp_path / "损坏.xlsx"
    fake.write_bytes(b"this is not a zip file at all")
    no_header = write_xlsx(tmp_path / "无表头.xlsx", {"Sheet1": [["甲", "乙"], [1, 2]]})
    only_header = write_xlsx(tmp_path / "只有表头.xlsx", {"工单": [HEADER]})
    big = _tickets(tmp_path, name="大.xlsx")
    cases = [
        (empty, "文件为空"),
        (doc, "不支持的文件类型"),
        (fake, "不是有效的 Excel 文件"),
        (no_header, "未找到工单表"),
        (only_header, "没有数据行"),
        (tmp_path / "不存在.xlsx", "文件不存在"),
    ]
    for path, words in cases:
        with pytest.raises(IntakeFailed, match=words):
            import_tickets(con, path, cal=cal)
    with pytest.raises(IntakeFailed, match="超过工单导入上限"):
        import_tickets(con, big, cal=cal, limits=Limits(max_bytes=1000))
    with pytest.raises(IntakeFailed, match="超过工单导入上限 5 行"):
        import_tickets(con, big, cal=cal, limits=Limits(max_rows=5))
    assert (
        store_imports.list_batches(con).filter(store_imports.list_batches(con)["source"] == "12345").height
        == 0
    )
    assert _cases(con) == []
    db = tmp_path / "t.duckdb"
    con.close()
    for path, words in cases:
        res = cli("requests", "import", path, "--db", db, ok=False)
        assert res.exit_code == 1 and "Traceback" not in res.output
        assert isinstance(res.exception, SystemExit)
        assert words in res.output and "本次导入未写入任何数据" in res.output


def test_a_failure_while_writing_the_cases_leaves_no_batch_behind(tmp_path, con, monkeypatch):
    import gaoxin.cases.intake as intake

    def boom(*a, **k):
        raise RuntimeError("injected failure while writing the cases")

    monkeypatch.setattr(intake, "open_many", boom)
    with pytest.raises(RuntimeError, match="injected"):
        import_tickets(con, _tickets(tmp_path), cal=calendar_in_force(con))
    batches = store_imports.list_batches(con)
    assert batches.filter(batches["source"] == "12345").height == 0 and _cases(con) == []
    monkeypatch.undo()
    assert (
        import_tickets(con, _tickets(tmp_path), cal=calendar_in_force(con)).accepted == 4
    )  # not a duplicate
