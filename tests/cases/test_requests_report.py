"""The monthly 诉求办理情况通报 workbook: read back with openpyxl, its figures are exactly those of
`gaoxin requests stats --json` for the same month (departments as they are; totals over summed counts)."""

from __future__ import annotations

import json

import openpyxl

from gaoxin.cases.calendar import calendar_in_force
from gaoxin.cases.intake import import_tickets
from gaoxin.demo.tickets import generate_tickets, write_ticket_file
from gaoxin.store import connect
from support import cli, valid_code

FIRMS = [{"uscc": valid_code(i), "name": f"示范{i}号科技有限公司"} for i in range(1, 9)]
COUNTS = ("cases", "responded_in_time", "closed", "closed_in_time", "rated", "satisfied", "overdue")


def _store(tmp_path):
    db = tmp_path / "r.duckdb"
    con = connect(db)
    cal = calendar_in_force(con)
    for month, seed in (("2025-10", 1), ("2025-11", 2)):
        tf = write_ticket_file(tmp_path / f"{month}.xlsx", generate_tickets(FIRMS, 40, month, seed), month)
        assert import_tickets(con, tf.path, cal=cal).accepted == tf.expected["accepted"]
    con.close()
    return db


def _sum(rows: list[dict]) -> dict:
    c = {k: sum(r[k] for r in rows) for k in COUNTS}
    return {
        **c,
        "response_rate": c["responded_in_time"] / c["cases"] if c["cases"] else None,
        "on_time_rate": c["closed_in_time"] / c["closed"] if c["closed"] else None,
        "satisfaction_rate": c["satisfied"] / c["rated"] if c["rated"] else None,
    }


def _table(ws, first: int = 5) -> list[list]:
    out = []
    for row in ws.iter_rows(min_row=first, values_only=True):
        if row[0] is None or isinstance(row[0], str) and row[0].startswith("本月无"):
            break
        out.append(list(row))
    return out


def test_the_workbook_says_what_requests_stats_says(tmp_path):
    db = _store(tmp_path)
    out = tmp_path / "通报.xlsx"
    said = cli("requests", "report", "--month", "2025-11", "--out", out, "--db", db).output
    assert "已写出" in said and out.exists()
    rates = json.loads(cli("requests", "stats", "--year", "2025", "--json", "--db", db).output)["rates"]
    nov = [r for r in rates if r["month"] == "2025-11"]
    oct_ = [r for r in rates if r["month"] == "2025-10"]
    assert nov and oct_
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["通报", "部门办理情况", "超期件", "诉求类别", "不满意件"]

    # per department: every number is the stats row's own
    depts = _table(wb["部门办理情况"])
    assert len(depts) == len(nov)
    by_lead = {r["lead"]: r for r in nov}
    for rank, lead, cases, closed, in_time, on_time, overdue, response, satisfaction in depts:
        r = by_lead[lead]
        assert (cases, closed, in_time, overdue) == (
            r["cases"],
            r["closed"],
            r["closed_in_time"],
            r["overdue"],
        )
        assert (on_time, response, satisfaction) == (
            r["on_time_rate"],
            r["response_rate"],
            r["satisfaction_rate"],
        )
        assert isinstance(rank, int) and 1 <= rank <= len(nov)
    ranked = [d[5] if d[5] is not None else -1 for d in depts]
    assert ranked == sorted(ranked, reverse=True)  # best 按时办结率 first
    assert wb["部门办理情况"].cell(5, 6).number_format == "0.0%"

    # cover: this month, the month before, the year to date — the same ratios over summed counts
    cover = {row[0]: row[1:] for row in wb["通报"].iter_rows(min_row=5, max_row=11, values_only=True)}
    expect = [_sum(nov), _sum(oct_), _sum(oct_ + nov)]
    keys = {
        "受理件数": "cases",
        "办结件数": "closed",
        "按时办结件数": "closed_in_time",
        "超期件数（未办结且已超期）": "overdue",
        "响应率": "response_rate",
        "按时办结率": "on_time_rate",
        "满意率": "satisfaction_rate",
    }
    for label, key in keys.items():
        assert tuple(cover[label]) == tuple(e[key] for e in expect), label
    assert expect[0]["cases"] == 40 - 2  # the demo export's two rejected tickets

    # overdue list and unsatisfied cases: as many as stats counts
    late = _table(wb["超期件"])
    assert len(late) == expect[0]["overdue"] and all(r[7] is not None and r[7] > 0 for r in late)
    unhappy = _table(wb["不满意件"])
    assert len(unhappy) == expect[0]["rated"] - expect[0]["satisfied"] >= 1
    cats = _table(wb["诉求类别"])
    assert sum(r[2] for r in cats) == expect[0]["cases"] and cats[0][2] == max(r[2] for r in cats)


def test_report_refusals_are_one_line(tmp_path):
    db = _store(tmp_path)
    bad = cli("requests", "report", "--month", "2025-13", "--out", tmp_path / "x.xlsx", "--db", db, ok=False)
    assert bad.exit_code == 1 and "YYYY-MM" in bad.output
    bad = cli("requests", "report", "--month", "2025-11", "--out", tmp_path / "x.pdf", "--db", db, ok=False)
    assert bad.exit_code == 1 and ".xlsx" in bad.output
    empty = tmp_path / "空月.xlsx"
    cli("requests", "report", "--month", "2025-03", "--out", empty, "--db", db)
    wb = openpyxl.load_workbook(empty)
    assert wb["超期件"].cell(5, 1).value == "本月无超期件。"
