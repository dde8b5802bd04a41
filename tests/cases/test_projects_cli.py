"""`gaoxin leads` and `gaoxin projects` from the command line (--json contracts): a lead signed into a project
counted once, a second signing of the same project counted 0 and a 增资 by its increment; a node completed
late turns the month 红 and the next 黄; 月度调度 short of the plan is 红; refusals are one line. Dates worked
by hand on the 2025 holiday calendar (春节 28 Jan – 4 Feb off, Sun 26 Jan and Sat 8 Feb working days)."""

from __future__ import annotations

import json

import pytest

from support import cli, valid_code


def j(*args):
    return json.loads(cli(*args, "--json").output)


def _lead(db, title, code, *extra):
    return j("leads", "add", "--title", title, "--uscc", code, "--investment", "20000", "--land", "100",
             "--industry", "3811 电动机制造", "--at", "2024-11-04 09:00", *extra, "--db", db)["case_id"]  # fmt: skip


def _to_negotiate(db, lead):
    j("leads", "move", lead, "visit", "--at", "2024-11-20 10:00", "--db", db)
    return j("leads", "move", lead, "negotiate", "--at", "2024-12-10 10:00", "--db", db)


def test_signing_counts_the_first_signing_only_and_a_capital_increase_by_its_increment(tmp_path):
    db, code = str(tmp_path / "p.duckdb"), valid_code(3)
    first = _lead(db, "电机项目", code)
    assert _to_negotiate(db, first)["state"] == "negotiate"
    signed = j("leads", "move", first, "sign", "--investment", "20000", "--land", "100", "--full-year", "2027",
               "--commit", "intensity=200", "--commit", "tax_per_mu=30", "--at", "2025-01-02 10:00", "--db", db)  # fmt: skip
    assert signed["counted_wan"] == 20000 and signed["count_reason"] == "首次签约，全额计入"
    pid = signed["project_id"]
    assert pid == "XM-2025-00001"
    project = j("projects", "show", pid, "--today", "2025-01-31", "--db", db)
    assert project["case"]["fields"]["lead"] == first and project["case"]["fields"]["intensity"] == 200
    assert project["case"]["fields"]["full_year"] == 2027

    again = _lead(db, "电机项目", code)
    _to_negotiate(db, again)
    twice = j("leads", "move", again, "sign", "--investment", "20000", "--land", "100", "--at", "2025-02-10 10:00", "--db", db)  # fmt: skip
    assert (
        twice["counted_wan"] == 0 and first in twice["count_reason"] and "不重复计入" in twice["count_reason"]
    )

    inc = _lead(db, "电机项目（增资）", code, "--kind", "增资", "--of-project", pid)
    _to_negotiate(db, inc)
    more = j("leads", "move", inc, "sign", "--investment", "26000", "--land", "120", "--at", "2025-03-03 10:00", "--db", db)  # fmt: skip
    assert more["counted_wan"] == 6000 and "26000 − 20000 = 6000" in more["count_reason"]

    listed = j("leads", "list", "--db", db)
    assert {f["state"]: f["now"] for f in listed["funnel"]}["signed"] == 3
    board = j("projects", "list", "--today", "2025-03-31", "--db", db)
    assert [p["counted_wan"] for p in board["projects"]] == [20000, 0, 6000]
    assert board["kpis"]["year"][0]["counted_wan"] == 26000  # 20000 + 0 + 6000, never 66000
    shown = cli("leads", "show", again, "--db", db).output
    assert "计入：0 万元" in shown and "不重复计入" in shown


def test_a_node_done_late_is_red_then_yellow_and_money_short_of_plan_is_red(tmp_path):
    db = str(tmp_path / "p.duckdb")
    pid = j("projects", "add", "--title", "年产10万台电机项目", "--investment", "20000", "--land", "100",
            "--at", "2025-01-02 10:00", "--db", db)["case_id"]  # fmt: skip
    # 备案: 20 working days after Thu 2 Jan → 3 Jan (1) … 24 Jan (16), Sun 26 Jan (17), 27 Jan (18), 5 Feb (19),
    # 6 Feb (20)
    plan = {n["id"]: n for n in j("projects", "show", pid, "--today", "2025-01-31", "--db", db)["plan"]}
    assert plan["filing"]["planned"] == "2025-02-06"
    m = j("projects", "progress", pid, "--month", "2025-01", "--plan", "1000", "--done", "1000", "--funds", "900",
          "--at", "2025-02-03 10:00", "--db", db)  # fmt: skip
    assert m["colour"] == "绿"
    j("projects", "progress", pid, "--month", "2025-02", "--plan", "500", "--done", "500", "--at", "2025-03-03 09:00", "--db", db)  # fmt: skip
    moved = j("projects", "move", pid, "node", "--node", "filing", "--done-on", "2025-03-03", "--at", "2025-03-03 10:00", "--db", db)  # fmt: skip
    assert moved["state"] == "signed"
    # 能评 is planned from 备案's planned day (the baseline fixed at signing): 6 Feb + 30 working days = 19 Mar
    j("projects", "move", pid, "node", "--node", "energy", "--done-on", "2025-03-14", "--db", db)
    d = j("projects", "show", pid, "--today", "2025-03-31", "--db", db)
    filing = next(n for n in d["plan"] if n["id"] == "filing")
    # 7 Feb, Sat 8 Feb, 10–14, 17–21, 24–28 Feb, 3 Mar: 18 working days late
    assert filing["status"] == "done_late" and filing["late_workdays"] == 18
    months = {x["month"]: x for x in d["months"]}
    assert [months[k]["colour"] for k in ("2025-01", "2025-02", "2025-03")] == ["绿", "红", "黄"]
    assert "备案" in months["2025-02"]["reason"] and "已赶上" in months["2025-03"]["reason"]
    assert next(n for n in d["plan"] if n["id"] == "energy")["planned"] == "2025-03-19"
    # March 100 done of a 1000 plan: cumulative 1600 of 2500 < 80% (2000) → 红 (land, due 2 Apr, not yet late)
    short = j(
        "projects", "progress", pid, "--month", "2025-03", "--plan", "1000", "--done", "100", "--db", db
    )
    assert (
        short["colour"] == "红" and "1600" in short["reason"] and "2500" in short["reason"]
    )  # 1600 < 0.8 × 2500
    red = j("projects", "list", "--colour", "红", "--db", db)["projects"]
    assert [p["case_id"] for p in red] == [pid]


def test_refusals_are_one_line(tmp_path):
    db = str(tmp_path / "p.duckdb")
    lead = j("leads", "add", "--title", "电子材料项目", "--db", db)["case_id"]
    res = cli("leads", "move", lead, "sign", "--investment", "100", "--land", "5", "--db", db, ok=False)
    assert res.exit_code == 1 and "Traceback" not in res.output  # 签约 only from 洽谈
    res = cli("leads", "move", lead, "drop", "--db", db, ok=False)
    assert res.exit_code == 1 and ("reason" in res.output or "理由" in res.output)
    res = cli("projects", "add", "--title", "x", "--investment", "100", "--land", "0", "--db", db, ok=False)
    assert res.exit_code == 1 and "用地" in res.output
    res = cli("projects", "show", lead, "--db", db, ok=False)
    assert res.exit_code == 1 and "没有编号为" in res.output
    pid = j("projects", "add", "--title", "x", "--investment", "100", "--land", "5", "--db", db)["case_id"]
    res = cli("projects", "progress", pid, "--month", "2025-13", "--db", db, ok=False)
    assert res.exit_code == 1 and "YYYY-MM" in res.output
    res = cli("projects", "add", "--title", "y", "--investment", "100", "--land", "5", "--commit", "tax=3", "--db", db, ok=False)  # fmt: skip
    assert res.exit_code == 1 and "未知的项目字段" in res.output


def test_check_shows_each_shortfall_with_the_facts_and_their_batch(demo_store, tmp_path):
    from datetime import date

    from gaoxin.cases.calendar import calendar_in_force
    from gaoxin.demo.projects import generate_projects
    from gaoxin.store import connect

    db = demo_store.copy(tmp_path / "z.duckdb")
    con = connect(db)
    generate_projects(con, calendar_in_force(con), date(2025, 11, 20))
    con.close()
    checks = j("projects", "check", "--short", "--db", db)["checks"]
    tax = next(c for c in checks if c["item"] == "tax_per_mu")
    assert {c["status"] for c in checks} == {"未达标"}
    con = connect(db, read_only=True)
    q = """SELECT value, batch_id FROM fact WHERE uscc = ? AND period = ? AND indicator = ? AND NOT superseded"""
    uscc = con.execute("SELECT uscc FROM case_file WHERE case_id = ?", [tax["case_id"]]).fetchall()[0][0]
    paid, batch = con.execute(q, [uscc, str(tax["year"]), "tax_paid"]).fetchall()[0]
    land = con.execute(q, [uscc, str(tax["year"]), "land_own_mu"]).fetchall()[0][0]
    con.close()
    assert tax["actual"] == pytest.approx(paid / 1e4 / land)  # 元 → 万元, per 亩
    assert tax["short"] == pytest.approx(tax["committed"] - paid / 1e4 / land)
    assert any(f"#{batch}" in line or f"批次 {batch}" in line for line in tax["evidence"]), tax["evidence"]
    one = j("projects", "check", tax["case_id"], "--db", db)["checks"]
    assert {c["case_id"] for c in one} == {tax["case_id"]} and len(one) >= 1


def test_the_demo_step_enters_leads_and_projects_once_with_a_board_for_today(demo_store, tmp_path, capsys):
    from gaoxin.commands.projects import demo_projects

    db = demo_store.copy(tmp_path / "d.duckdb")
    demo_projects(db)
    line = capsys.readouterr().out
    assert "招商线索 120 条" in line and "签约入库项目" in line
    board = j("projects", "list", "--db", db)
    n = len(board["projects"])
    assert f"签约入库项目 {n} 个" in line and 40 <= n <= 80
    assert (
        sum(board["colours"].values()) == n and min(board["colours"].values()) > 0
    )  # 红, 黄 and 绿 as of today
    assert board["missing"]["开工未建设"]  # the stalled demo projects
    assert 0 < len({s["case_id"] for s in board["shortfalls"]}) < n / 4
    demo_projects(db)
    assert "招商项目已存在，未重复生成" in capsys.readouterr().out
    assert len(j("projects", "list", "--db", db)["projects"]) == n


def test_refresh_re_derives_every_row_for_the_day(tmp_path):
    db = str(tmp_path / "p.duckdb")
    pid = j("projects", "add", "--title", "x", "--investment", "100", "--land", "5", "--at", "2025-01-02 10:00", "--db", db)["case_id"]  # fmt: skip
    assert j("projects", "refresh", "--today", "2025-01-31", "--db", db) == {
        "refreshed": 1,
        "as_of": "2025-01-31",
    }
    # 备案 planned 6 Feb: on plan in January, 红 once February ends without it
    assert j("projects", "list", "--today", "2025-01-31", "--db", db)["projects"][0]["colour"] == "绿"
    late = j("projects", "list", "--today", "2025-02-28", "--db", db)["projects"][0]
    assert late["case_id"] == pid and late["colour"] == "红" and late["overdue_nodes"] == ["备案"]
