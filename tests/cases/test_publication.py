"""公示 windows on the working-day calendar, the published columns, 定级 after the window, the final-list
workbook, transitions over years — and the official run's rows untouched by all of it."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from appeals_support import TAX, code, hand_store  # noqa: E402

from gaoxin.cases.appeals import appeal as A  # noqa: E402
from gaoxin.cases.appeals import decisions as D  # noqa: E402
from gaoxin.cases.appeals import publication as P  # noqa: E402
from gaoxin.cases.appeals import rules as R  # noqa: E402
from gaoxin.cases.appeals import transitions as T  # noqa: E402
from gaoxin.cases.calendar import calendar_in_force  # noqa: E402
from gaoxin.reports.publication_xlsx import final_frame, write_list_xlsx  # noqa: E402
from gaoxin.store import publication as store_pub  # noqa: E402
from gaoxin.workdays import calendar  # noqa: E402


@pytest.mark.parametrize(
    ("opens", "days", "ends"),
    [
        # 2025 国庆/中秋: 10-01…10-08 休, 09-28 (Sun) and 10-11 (Sat) 班 (国办发明电〔2024〕12号)
        (date(2025, 9, 29), 5, date(2025, 10, 11)),  # 9/29, 9/30, 10/9, 10/10, 10/11
        (date(2025, 9, 28), 5, date(2025, 10, 10)),  # the 调休 Sunday counts as day one
        (date(2025, 10, 3), 3, date(2025, 10, 11)),  # opened in the holiday: 10/9, 10/10, 10/11 (Sat 班)
        (date(2025, 9, 30), 1, date(2025, 9, 30)),
        (date(2025, 11, 3), 5, date(2025, 11, 7)),  # an ordinary Monday–Friday
    ],
)
def test_window_end_on_the_working_day_calendar(opens, days, ends):
    assert P.window_end(calendar([]), opens, days) == ends


def test_publication_states_and_finalise(store, tmp_path):
    run = hand_store(store, tmp_path)
    cal = calendar_in_force(store)
    pub_id = P.open_publication(store, run["run_id"], cal=cal, actor="亩均办", opens_on=date(2025, 9, 29))
    pub = store_pub.get(store, pub_id)
    assert P.state(store, pub, cal, date(2025, 9, 30))["state"] == P.OPEN
    assert (
        P.state(store, pub, cal, date(2025, 9, 30))["left_workdays"] == 4
    )  # 9/30 (today), 10/9, 10/10, 10/11
    assert P.state(store, pub, cal, date(2025, 10, 11))["state"] == P.OPEN  # the last day is in the window
    assert P.state(store, pub, cal, date(2025, 10, 11))["left_workdays"] == 1
    assert P.state(store, pub, cal, date(2025, 10, 4))["left_workdays"] == 3  # a holiday: 10/9, 10/10, 10/11
    with pytest.raises(P.PublicationError, match="公示期内不能定级"):
        P.finalise(store, pub_id, cal=cal, actor="亩均办", today=date(2025, 10, 10))
    assert P.state(store, pub, cal, date(2025, 10, 13))["state"] == P.ENDED
    done = P.finalise(store, pub_id, cal=cal, actor="亩均办", today=date(2025, 10, 13))
    assert done["state"] == P.FINAL
    with pytest.raises(P.PublicationError, match="不重复公示"):
        P.open_publication(store, run["run_id"], cal=cal, actor="亩均办")


def test_only_the_official_run_is_published(store, tmp_path):
    from gaoxin.store import official
    from gaoxin.store import runs as store_runs

    run = hand_store(store, tmp_path)
    official.record(store, store_runs.find_run(store, run["run_id"]), "clear", "admin", "撤回")
    with pytest.raises(P.PublicationError, match="不是正式评价"):
        P.open_publication(store, run["run_id"], cal=calendar_in_force(store), actor="亩均办")


def test_published_columns_never_carry_raw_figures_unless_allowed(store, tmp_path, monkeypatch):
    run = hand_store(store, tmp_path)
    cal = calendar_in_force(store)
    pub = store_pub.get(store, P.open_publication(store, run["run_id"], cal=cal, actor="亩均办"))
    listed = P.public_list(store, pub)
    assert listed.columns == ["镇街", "企业名称", "统一社会信用代码", "名单", "综合得分", "名次", "评价等级"]
    assert listed.height == 4 and listed["镇街"].to_list() == ["城东街道", "城东街道", "城西街道", "城西街道"]
    # a county whose scheme allows the figures: 用地 and 税收 appear, the tax as the run read it (万元)
    allowed = replace(R.load(), show_raw_figures=True)
    monkeypatch.setattr(P, "load", lambda: allowed)
    run2 = {**pub, "columns": allowed.public_columns()}
    shown = P.public_list(store, run2)
    assert dict(zip(shown["企业名称"], shown["税收实际贡献（万元）"], strict=True)) == {
        f"测试企业{i}": pytest.approx(t) for i, t in TAX.items()
    }


def test_final_list_workbook_has_run_class_and_final_class(store, tmp_path):
    run = hand_store(store, tmp_path)
    did = D.propose(store, run["run_id"], code(1), to_class="C", reason="环保事故", actor="甲")
    D.review(store, did, approve=True, actor="乙")
    out = write_list_xlsx(final_frame(D.final_list(store, run["run_id"])), "定级名单", tmp_path / "f.xlsx")
    sheets = pl.read_excel(out, sheet_id=0, read_options={"header_row": 1})
    assert set(sheets) == {"全部", "城东街道", "城西街道"}
    first = sheets["全部"].filter(pl.col("企业名称") == "测试企业1").to_dicts()[0]
    assert (first["初评等级"], first["定级"], first["调整类型"], first["调整理由"]) == (
        "A",
        "C",
        "调档",
        "环保事故",
    )
    assert sheets["城西街道"].height == 2


def test_transitions_and_consecutive_d():
    finals = pl.DataFrame(
        {
            "uscc": ["a", "b", "c", "a", "b", "c", "d", "a", "b", "c", "d"],
            "name": ["甲", "乙", "丙", "甲", "乙", "丙", "丁", "甲", "乙", "丙", "丁"],
            "town": ["东"] * 11,
            "list_id": ["规上"] * 11,
            "class_final": ["D", "B", "C", "D", "C", "C", "D", "D", "C", "B", "D"],
            "period": ["2023"] * 3 + ["2024"] * 4 + ["2025"] * 4,
            "run_id": ["r"] * 11,
        }
    )
    cells = T.transitions(finals, "2024", "2025")
    m = T.matrix(cells)
    # 2024 → 2025: a D→D, b C→C, c C→B, d D→D
    assert m[3][3] == 2 and m[2][2] == 1 and m[2][1] == 1 and sum(map(sum, m)) == 4
    cb = cells.filter((pl.col("from") == "C") & (pl.col("to") == "B")).to_dicts()[0]
    assert cb["names"] == ["丙"]
    first = T.transitions(finals, "2023", "2024")
    assert first.filter(pl.col("from") == "T")["names"].to_list() == [["丁"]]  # absent in 2023: T
    flagged = T.consecutive_d(finals, 3)
    assert flagged["uscc"].to_list() == ["a"]  # d was D only twice (absent in 2023)
    assert T.consecutive_d(finals, 2)["uscc"].to_list() == ["a", "d"]


def test_nothing_in_the_run_changes(store, tmp_path):
    """Publication, a returned and an approved 调档, an adopted correction (batch + re-run), 定级: the official
    run's rows in run, run_result, run_trace, run_item_def and run_note are exactly as before."""
    run = hand_store(store, tmp_path)
    before = store_pub.run_rows(store, run["run_id"])
    assert before["run_result"] and before["run_trace"]
    cal = calendar_in_force(store)
    pub_id = P.open_publication(store, run["run_id"], cal=cal, actor="亩均办", opens_on=date(2025, 9, 1))
    did = D.propose(
        store, run["run_id"], code(4), to_class="T", reason="停产", actor="甲", kind="participate"
    )
    D.review(store, did, approve=False, actor="乙", note="未停产")
    did = D.propose(store, run["run_id"], code(1), to_class="B", reason="安全生产事故", actor="甲")
    D.review(store, did, approve=True, actor="乙")
    case = A.file_appeal(store, cal=cal, run_id=run["run_id"], uscc=code(3), actor="镇街", reason="漏计",
                         indicator="tax_paid", claimed=120.0, at=datetime(2025, 9, 2, 9))  # fmt: skip
    A.assign(store, case, cal=cal, department="税务局", actor="亩均办", at=datetime(2025, 9, 2, 10))
    A.verify(store, case, cal=cal, confirmed=True, figure=120.0, actor="税务", at=datetime(2025, 9, 3))
    A.decide(store, case, cal=cal, adopt=True, actor="领导小组", at=datetime(2025, 9, 4))
    P.finalise(store, pub_id, cal=cal, actor="亩均办")
    assert store_pub.run_rows(store, run["run_id"]) == before
    final = dict(D.final_list(store, run["run_id"]).select("uscc", "class_final").iter_rows())
    # the approved 调档 of firm 1 stands (the re-run does not move it); the appeal moves 3 up and 2 down; the
    # returned 不参评 of firm 4 changes nothing
    assert final == {code(1): "B", code(2): "C", code(3): "B", code(4): "D"}


def test_policy_ledger_from_final_classes(demo_store, tmp_path):
    """A D firm adjusted to C: its 电价加价 is the run's amount × 0.05 / 0.3 (default scheme: C +0.05, D +0.3
    元/千瓦时, the same 用电量), its D-only 水价加价 line is gone; nothing else moves."""
    from gaoxin.evaluations.mujun import run_mujun
    from gaoxin.reports.policy_ledger import ledger
    from gaoxin.reports.publication_ledger import final_ledger
    from gaoxin.store import connect
    from gaoxin.store import runs as store_runs

    con = connect(demo_store.copy(tmp_path / "d.duckdb"))
    run = store_runs.find_run(con, run_mujun(con, "default", "2025").run_id)
    before = ledger(con, run)["lines"]
    elec = before.filter((pl.col("policy") == "electricity_surcharge") & (pl.col("class_final") == "D"))
    firm = elec["uscc"][0]
    did = D.propose(con, run["run_id"], firm, to_class="C", reason="政策保护", actor="甲")
    D.review(con, did, approve=True, actor="乙")
    after = final_ledger(con, run)["lines"]
    mine = after.filter(pl.col("uscc") == firm)
    e = mine.filter(pl.col("policy") == "electricity_surcharge").to_dicts()[0]
    assert e["class_final"] == "C" and e["rate"] == 0.05
    assert e["amount"] == pytest.approx(elec["amount"][0] * 0.05 / 0.3)
    assert mine.filter(pl.col("policy") == "water_surcharge").height == 0
    others = after.filter(pl.col("uscc") != firm).sort(["policy", "uscc"])
    assert others.equals(before.filter(pl.col("uscc") != firm).sort(["policy", "uscc"]))
    con.close()


def test_published_list_pdf_embeds_the_chinese_font(store, tmp_path):
    from gaoxin.reports.publication_pdf import ROWS_PER_PAGE, write_list_pdf

    run = hand_store(store, tmp_path)
    pub = store_pub.get(
        store, P.open_publication(store, run["run_id"], cal=calendar_in_force(store), actor="办")
    )
    listed = P.public_list(store, pub)
    many = pl.concat([listed] * (ROWS_PER_PAGE // 4 + 1))  # one page more than a page holds
    body = write_list_pdf(many, "公示名单", tmp_path / "g.pdf").read_bytes()
    assert body.startswith(b"%PDF") and b"/FontFile2" in body  # TrueType embedded (fonttype 42)
    assert b"/Count 2" in body  # 40 rows: two pages of at most 36
