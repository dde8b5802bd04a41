"""招商项目 core, worked by hand: node plans on the working-day calendar, the three colours (红 → 黄 after
catching up), the counting rule, a commitment check and the projected class."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from gaoxin import workdays
from gaoxin.cases.ledger import CaseError
from gaoxin.cases.projects import commitments as C
from gaoxin.cases.projects.book import flow
from gaoxin.cases.projects.leads import counted
from gaoxin.cases.projects.plan import colours, node_plan

CAL = workdays.calendar([])
FLOW = flow()


def test_node_plan_counts_working_days_across_the_national_day_holiday():
    # signed Tue 2025-09-30; 1–8 Oct are off, Sat 11 Oct is a 调休 working day: 20 working days → 4 Nov
    plan = {n.id: n for n in node_plan(FLOW, date(2025, 9, 30), {}, CAL, date(2025, 9, 30))}
    assert plan["filing"].planned == date(2025, 11, 4)
    # parallel 能评 / 环评 after 备案; 施工许可 after the last of 规划许可, 能评, 环评
    last = max(plan["planning"].planned, plan["energy"].planned, plan["eia"].planned)
    assert plan["permit"].planned == CAL.add(last, 20).item()
    assert plan["energy"].after == ("filing",) and plan["eia"].after == ("filing",)


def test_a_late_node_is_red_then_yellow_after_catching_up_never_green():
    signed = date(2025, 1, 2)
    planned = {n.id: n.planned for n in node_plan(FLOW, signed, {}, CAL, signed)}
    assert planned["filing"] < date(2025, 2, 28)  # 备案 due in February
    done = {"filing": date(2025, 3, 10)}  # done in March, late
    today = date(2025, 4, 15)
    plan = node_plan(FLOW, signed, done, CAL, today)
    filing = next(n for n in plan if n.id == "filing")
    assert filing.status == "done_late" and filing.late_workdays == int(
        CAL.count(planned["filing"], done["filing"])
    )
    months = {m.month: m.colour for m in colours(FLOW, plan, {}, signed, today)}
    assert months["2025-01"] == "绿"
    assert months["2025-02"] == "红"  # 备案 past its day at the end of February
    # in April 供地 (60 working days) is still ahead; the project is back on plan but stays 黄
    assert planned["land"] > today or months["2025-04"] == "红"
    assert months["2025-04"] in ("黄", "红") and "绿" not in [months["2025-03"], months["2025-04"]]


def test_investment_below_the_share_is_red_and_caught_up_is_yellow():
    signed, today = date(2025, 1, 2), date(2025, 1, 31)
    plan = []  # no nodes: only the money counts
    reports = {"2025-01": {"plan_wan": 1000, "done_wan": 700}}
    assert colours(FLOW, plan, reports, signed, today)[-1].colour == "红"  # 700 < 0.8 × 1000
    today = date(2025, 2, 28)
    reports["2025-02"] = {"plan_wan": 0, "done_wan": 300}
    ms = colours(FLOW, plan, reports, signed, today)
    assert [m.colour for m in ms] == ["红", "黄"]


def test_counting_rule_first_signing_only_and_increments():
    first = counted("新签", "电机项目", "F1", 20000, [])
    assert first == (20000, "首次签约，全额计入")
    earlier = [{"title": "电机项目", "firm": "F1", "case_id": "ZS-2024-00001", "at": date(2024, 5, 6)}]
    again, why = counted("新签", "电机项目", "F1", 20000, earlier)
    assert again == 0 and "ZS-2024-00001" in why and "不重复计入" in why
    inc, why = counted("增资", "电机项目（增资）", "F1", 26000, earlier, 20000, "XM-2024-00001")
    assert inc == 6000 and "26000 − 20000 = 6000" in why
    with pytest.raises(CaseError, match="没有增量"):
        counted("增资", "x", "F1", 20000, earlier, 20000, "XM-2024-00001")


def _fact(ind, value, unit, batch, row, period="2025"):
    return {"uscc": "F1", "period": period, "indicator": ind, "value": value, "unit": unit, "batch_id": batch,
            "source": "", "file_name": f"file{batch}.xlsx", "sheet": "2025年", "row_no": row}  # fmt: skip


def test_a_firm_meets_investment_intensity_but_misses_tax_per_mu_in_its_full_year():
    projects = pl.DataFrame(
        [
            {
                "case_id": "XM-1",
                "uscc": "F1",
                "land_mu": 50.0,
                "full_year": 2025,
                "done_wan": 9000.0,
                "intensity": 160.0,
                "tax_per_mu": 30.0,
                "plot_ratio": 1.2,
            }
        ]  # fmt: skip
    )
    facts = pl.DataFrame(
        [_fact("tax_paid", 12_000_000.0, "元", 2, 7), _fact("land_own_mu", 50.0, "亩", 5, 63)]
    )
    out = {r["item"]: r for r in C.check(projects, facts, 2025).to_dicts()}
    # 投资强度 9000 万元 ÷ 50 亩 = 180 ≥ 160
    assert out["intensity"]["actual"] == pytest.approx(180) and out["intensity"]["status"] == C.MET
    # 亩均税收 12,000,000 元 = 1200 万元 ÷ 50 亩 = 24 < 30: short by 6
    tax = out["tax_per_mu"]
    assert (
        tax["actual"] == pytest.approx(24) and tax["status"] == C.SHORT and tax["short"] == pytest.approx(6)
    )
    assert any("批次 2 · file2.xlsx" in e and "第 7 行" in e for e in tax["evidence"])
    assert out["plot_ratio"]["status"] == C.NO_DATA


def test_no_facts_is_no_data_never_a_shortfall():
    projects = pl.DataFrame([{"case_id": "XM-1", "uscc": "F1", "land_mu": 50.0, "full_year": 2025,
                              "done_wan": 0.0, "tax_per_mu": 30.0}])  # fmt: skip
    facts = pl.DataFrame([_fact("land_own_mu", 50.0, "亩", 5, 63)])
    (row,) = C.check(projects, facts, 2025).to_dicts()
    assert row["status"] == C.NO_DATA


def test_projected_class_at_signing_by_hand():
    run = pl.DataFrame(
        {
            "uscc": list("abcde"),
            "rank": [1, 2, 3, 4, 5],
            "class_initial": ["A", "B", "B", "C", "D"],
            "class_final": ["A", "B", "B", "C", "D"],
            "value": [50.0, 40.0, 12.0, 30.0, 5.0],
        }  # fmt: skip
    )
    # 35 万元/亩: two firms (50, 40) are higher → rank 3 of 6 → the class of rank 3 is B
    p = C.projected_class(35.0, run, "r1", "规上")
    assert (p.klass, p.position, p.of, p.above) == ("B", 3, 6, 2)
    # 1 万元/亩 is lower than all five → last; the last firm's class
    assert C.projected_class(1.0, run, "r1", "规上").klass == "D"
