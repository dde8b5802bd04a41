"""The project page's Gantt rows worked by hand, and the projected-class rule read from the flow file (our own
rule, marked unconfirmed)."""

from __future__ import annotations

from datetime import date

from gaoxin import workdays
from gaoxin.cases.projects import book
from gaoxin.cases.projects.plan import node_plan
from gaoxin.web.routes.projects_charts import gantt, gantt_rows

CAL = workdays.calendar([])


def test_gantt_rows_place_nodes_after_their_predecessors_in_days_after_signing():
    signed, today = date(2025, 9, 30), date(2025, 12, 31)
    done = {"land": date(2025, 10, 20), "filing": date(2025, 12, 10)}
    plan = node_plan(book.flow(), signed, done, CAL, today)
    rows = {r["id"]: r for r in gantt_rows(plan, signed, today)}
    by = {n.id: n for n in plan}
    # 供地 and 备案 both follow 签约 (parallel): planned from day 0; 供地 planned 30 Dec = day 91 (60 working
    # days over 国庆), done 20 Oct = day 20; 备案 planned 4 Nov = day 35, done 10 Dec = day 71 (late)
    assert rows["land"]["plan"] == (0, 91) and rows["land"]["actual"] == (0, 20) and rows["land"]["done"]
    assert (
        rows["filing"]["plan"] == (0, 35) and rows["filing"]["actual"] == (0, 71) and rows["filing"]["late"]
    )
    # 能评 follows 备案: planned from day 35 to 16 Dec (day 77); open and overdue, drawn from 备案's actual end
    # (day 71) to today (31 Dec = day 92)
    assert rows["energy"]["plan"] == (35, 77) and rows["energy"]["actual"] == (71, 92)
    assert rows["energy"]["late"] and not rows["energy"]["done"]
    # 规划许可 follows 供地: planned from day 91; actual from 供地's end (day 20) to today
    assert rows["planning"]["plan"][0] == 91 and rows["planning"]["actual"] == (20, 92)
    assert by["planning"].status == "pending"
    option = gantt(plan, signed, today, lambda t: t)
    spans = option["series"][3]["data"]
    assert option["yAxis"]["data"][-1] == "供地" and spans[-1]["value"] == 20
    late_colours = {
        s["itemStyle"]["color"]
        for s, r in zip(spans, reversed(list(rows.values())), strict=True)
        if r["late"]
    }
    assert late_colours <= {"#c62828"}


def test_the_projection_rule_is_data_and_marked_unconfirmed():
    indicator, list_id, confirmed = book.projection_rule()
    assert (indicator, list_id, confirmed) == ("tax_per_mu", "规上", False)
    rules = book.flow().rules
    assert rules["projection_indicator"] == "tax_per_mu" and rules["projection_confirmed"] is False
