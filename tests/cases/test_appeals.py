"""申诉/复核 and 调档 on a hand-made store (numbers in appeals_support): a corrected tax figure moves the
appellant C → B and, through the benchmark, another firm B → C — shown before the decision, applied after;
a returned 调档 changes nothing; the run's own rows never change."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from appeals_support import code, hand_store  # noqa: E402

from gaoxin.cases.appeals import appeal as A  # noqa: E402
from gaoxin.cases.appeals import decisions as D  # noqa: E402
from gaoxin.cases.appeals.publication import open_publication  # noqa: E402
from gaoxin.cases.calendar import calendar_in_force  # noqa: E402
from gaoxin.store import imports  # noqa: E402
from gaoxin.store import publication as store_pub  # noqa: E402
from gaoxin.store import runs as store_runs  # noqa: E402


@pytest.fixture
def hand(store, tmp_path):
    return store, hand_store(store, tmp_path), calendar_in_force(store)


def _classes(con, run_id) -> dict:
    return dict(D.final_list(con, run_id).select("uscc", "class_final").iter_rows())


def _file_and_verify(con, run, cal):
    case = A.file_appeal(
        con, cal=cal, run_id=run["run_id"], uscc=code(3), actor="城西专员", reason="税务局漏计一笔入库税款",
        indicator="tax_paid", claimed=125.0, evidence=[("完税证明.pdf", b"%PDF-1.4 stamped")],
        at=datetime(2026, 3, 2, 9),
    )  # fmt: skip
    A.assign(con, case, cal=cal, department="税务局", actor="亩均办", at=datetime(2026, 3, 2, 10))
    A.verify(con, case, cal=cal, confirmed=True, figure=120.0, actor="税务局王", at=datetime(2026, 3, 3, 10))
    return case


def test_worked_appeal_moves_firm_up_and_neighbour_down(hand):
    con, run, cal = hand
    before_rows = store_pub.run_rows(con, run["run_id"])
    assert _classes(con, run["run_id"]) == {code(1): "A", code(2): "B", code(3): "C", code(4): "D"}
    case = _file_and_verify(con, run, cal)
    cell = A.appeal(con, case)["fields"]["cell"]
    # the disputed cell names the 税务 file, sheet and row it came from (row 4: the third firm)
    assert (cell["file_name"], cell["sheet"], cell["row_no"], cell["value"]) == (
        "税务 2025.xlsx",
        "2025",
        4,
        80e4,
    )

    # before the decision: 税收 80 → 120 万元 (the department's figure, not the claimed 125): Σ = 440,
    # benchmark 11 万元/亩 → firm 3: 100 × 12 / 11 = 109.09 (B); firm 2: 100 × 10.5 / 11 = 95.45 (C)
    shown = A.preview(con, case)
    assert shown["firm"]["class_final"] == "C" and shown["firm"]["class_new"] == "B"
    assert shown["firm"]["score_new"] == pytest.approx(1200 / 11)
    assert [(o["uscc"], o["class_final"], o["class_new"]) for o in shown["others"]] == [(code(2), "B", "C")]
    assert shown["others"][0]["score_new"] == pytest.approx(1050 / 11)
    assert _classes(con, run["run_id"])[code(3)] == "C"  # nothing applied yet

    A.decide(con, case, cal=cal, adopt=True, actor="领导小组", at=datetime(2026, 3, 4, 10))
    assert _classes(con, run["run_id"]) == {code(1): "A", code(2): "C", code(3): "B", code(4): "D"}
    decided = [d for d in D.firm_log(con, code(2)) if d["case_id"] == case]
    assert decided[0]["class_before"] == "B" and decided[0]["class_after"] == "C"
    rerun = decided[0]["rerun_id"]
    assert rerun != run["run_id"] and store_runs.find_run(con, rerun) is not None
    # the correction is a batch of its own, named with the case, the department's figure in force
    batch = [b for b in imports.list_batches(con).to_dicts() if b["file_name"] == f"申诉更正 {case}"]
    assert len(batch) == 1 and batch[0]["source"] == "tax"
    assert A.disputed_cell(con, code(3), "2025", "tax_paid")["value"] == pytest.approx(120e4)
    A.close(con, case, cal=cal, actor="亩均办", at=datetime(2026, 3, 5, 10))
    # the official run's rows are exactly as they were
    assert store_pub.run_rows(con, run["run_id"]) == before_rows


def test_rejected_appeal_changes_nothing(hand):
    con, run, cal = hand
    case = A.file_appeal(
        con, cal=cal, run_id=run["run_id"], uscc=code(4), actor="城西专员", reason="应适用重大项目保护",
        rule="protection.major_project", claimed_class="C", at=datetime(2026, 3, 2, 9),
    )  # fmt: skip
    A.assign(con, case, cal=cal, department="发改局", actor="亩均办", at=datetime(2026, 3, 2, 10))
    A.verify(
        con, case, cal=cal, confirmed=False, note="非重大项目", actor="发改局李", at=datetime(2026, 3, 3)
    )
    A.decide(con, case, cal=cal, adopt=False, actor="领导小组", at=datetime(2026, 3, 4))
    assert _classes(con, run["run_id"])[code(4)] == "D"


def test_unverified_correction_cannot_be_adopted(hand):
    con, run, cal = hand
    case = A.file_appeal(
        con, cal=cal, run_id=run["run_id"], uscc=code(3), actor="城西专员", reason="漏计",
        indicator="tax_paid", claimed=125.0, at=datetime(2026, 3, 2, 9),
    )  # fmt: skip
    A.assign(con, case, cal=cal, department="税务局", actor="亩均办", at=datetime(2026, 3, 2, 10))
    A.verify(
        con, case, cal=cal, confirmed=False, note="入库数据无误", actor="税务局王", at=datetime(2026, 3, 3)
    )
    with pytest.raises(A.AppealError, match="未确认属实"):
        A.decide(con, case, cal=cal, adopt=True, actor="领导小组", at=datetime(2026, 3, 4))


def test_returned_adjustment_leaves_final_list_unchanged(hand):
    con, run, cal = hand
    before = D.final_list(con, run["run_id"])
    did = D.propose(con, run["run_id"], code(2), to_class="D", reason="安全生产事故", actor="分析员甲")
    assert D.queue(con, run["run_id"])[0]["decision_id"] == did
    with pytest.raises(D.DecisionError, match="提出人"):
        D.review(con, did, approve=False, actor="分析员甲", note="自审")
    D.review(con, did, approve=False, actor="分析员乙", note="事故发生在评价年度之后")
    assert D.final_list(con, run["run_id"]).equals(before)
    assert D.queue(con, run["run_id"]) == []
    with pytest.raises(D.DecisionError, match="不能重复审核"):
        D.review(con, did, approve=True, actor="分析员丙")


def test_approved_adjustment_and_non_participation(hand):
    con, run, cal = hand
    did = D.propose(
        con, run["run_id"], code(2), to_class="D", reason="安全生产事故", actor="甲", note="较大事故"
    )
    D.review(con, did, approve=True, actor="乙")
    nid = D.propose(con, run["run_id"], code(4), to_class="T", reason="停产", actor="甲", kind="participate")
    D.review(con, nid, approve=True, actor="乙")
    final = D.final_list(con, run["run_id"]).filter(pl.col("decision_id").is_not_null())
    assert dict(final.select("uscc", "class_run").iter_rows()) == {code(2): "B", code(4): "D"}
    assert dict(final.select("uscc", "class_final").iter_rows()) == {code(2): "D", code(4): "T"}
    with pytest.raises(D.DecisionError, match="理由列表"):
        D.propose(con, run["run_id"], code(1), to_class="B", reason="看着不顺眼", actor="甲")


def test_publication_of_the_official_run(hand):
    con, run, cal = hand
    pub_id = open_publication(con, run["run_id"], cal=cal, actor="亩均办", opens_on=date(2025, 9, 29))
    pub = store_pub.get(con, pub_id)
    assert pub["ends_on"] == date(2025, 10, 11)  # 9/29, 9/30, (国庆 10/1–10/8), 10/9, 10/10, 10/11 (调休 班)
    assert "tax_wan" not in pub["columns"] and "land_mu" not in pub["columns"]


_RESULTS = pl.DataFrame({"uscc": [f"F{i}" for i in range(6)], "class_final": list("ABCDTB")})


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.integers(0, 5), st.sampled_from("ABCDT"), st.booleans()), min_size=0, max_size=12)
)
def test_final_list_is_run_plus_approved_decisions(proposals):
    """Property: each firm's final class is its latest approved decision's class, else the run's."""
    rows = [
        {
            "decision_id": i + 1,
            "uscc": f"F{f}",
            "kind": "adjust",
            "class_after": k,
            "reason": "数据更正",
            "ok": ok,
        }
        for i, (f, k, ok) in enumerate(proposals)
    ]
    approved = pl.DataFrame(
        [r for r in rows if r["ok"]],
        schema={"decision_id": pl.Int64, "uscc": pl.Utf8, "kind": pl.Utf8, "class_after": pl.Utf8,
                "reason": pl.Utf8, "ok": pl.Boolean},
    )  # fmt: skip
    final = dict(D.apply_decisions(_RESULTS, approved).select("uscc", "class_final").iter_rows())
    expected = dict(_RESULTS.iter_rows())
    for r in rows:  # in decision order: a later approved one replaces an earlier
        if r["ok"]:
            expected[r["uscc"]] = r["class_after"]
    assert final == expected


def test_a_second_appeal_records_only_its_own_moves(hand):
    """After firm 3's correction (Σ 440, benchmark 11), firm 4 proves 税收 15 → 60 万元: Σ 485, benchmark 12.125
    → firm 4: 100 × 6 / 12.125 = 49.48 (still D); firm 3: 100 × 12 / 12.125 = 98.97 (B → C); firm 2:
    86.60 (C, unchanged). The second appeal records firm 3 B → C only; firm 2's C from the first stands."""
    con, run, cal = hand
    first = _file_and_verify(con, run, cal)
    A.decide(con, first, cal=cal, adopt=True, actor="领导小组", at=datetime(2026, 3, 4, 10))
    second = A.file_appeal(con, cal=cal, run_id=run["run_id"], uscc=code(4), actor="城西专员", reason="漏计",
                           indicator="tax_paid", claimed=60.0, at=datetime(2026, 3, 5, 9))  # fmt: skip
    A.assign(con, second, cal=cal, department="税务局", actor="亩均办", at=datetime(2026, 3, 5, 10))
    A.verify(con, second, cal=cal, confirmed=True, figure=60.0, actor="税务局王", at=datetime(2026, 3, 6, 10))
    shown = A.preview(con, second)
    assert shown["firm"]["class_new"] == "D" and shown["firm"]["score_new"] == pytest.approx(600 / 12.125)
    assert [(o["uscc"], o["class_final"], o["class_new"]) for o in shown["others"]] == [(code(3), "B", "C")]
    A.decide(con, second, cal=cal, adopt=True, actor="领导小组", at=datetime(2026, 3, 7, 10))
    assert [d["uscc"] for d in D.store.decisions(con, case_id=second)] == [code(3)]
    assert _classes(con, run["run_id"]) == {code(1): "A", code(2): "C", code(3): "C", code(4): "D"}


def test_a_department_file_imported_after_the_run_stops_the_preview(hand, tmp_path):
    from appeals_support import TOWNS

    from gaoxin.ingest.importer import import_files
    from support import write_xlsx

    con, run, cal = hand
    case = _file_and_verify(con, run, cal)
    rows = [
        ["统一社会信用代码", "企业名称", "所属镇街", "税收实际贡献（万元）"],
        [code(1), "测试企业1", TOWNS[1], 300],
    ]
    import_files(con, [write_xlsx(tmp_path / "税务 补报.xlsx", {"2025": rows})], source="tax", period="2025")
    with pytest.raises(A.AppealError, match="之后又导入了 1 个批次"):
        A.preview(con, case)
