"""重点项目月度调度表 (gaoxin projects report): the month's figures, the year to date and the totals since signing of
the key projects, worked by hand from the 调度 entered; the sheets a county circulates."""

from __future__ import annotations

import json

import fastexcel

from support import cli


def j(*args):
    return json.loads(cli(*args, "--json").output)


def test_the_dispatch_sheet_carries_the_months_figures_of_the_key_projects(tmp_path):
    db = str(tmp_path / "p.duckdb")
    key = j("projects", "add", "--title", "重点电机项目", "--investment", "20000", "--land", "100", "--key",
            "--at", "2024-11-04 10:00", "--db", db)["case_id"]  # fmt: skip
    j("projects", "add", "--title", "一般项目", "--investment", "5000", "--land", "20", "--at", "2024-11-05 10:00",
      "--db", db)  # fmt: skip
    for month, plan, done, funds in (("2024-12", 800, 600, 500), ("2025-01", 1000, 900, 700),
                                     ("2025-02", 1200, 1500, 1000)):  # fmt: skip
        j("projects", "progress", key, "--month", month, "--plan", str(plan), "--done", str(done),
          "--funds", str(funds), "--db", db)  # fmt: skip
    out = tmp_path / "调度.xlsx"
    res = j(
        "projects", "report", "--month", "2025-02", "--out", str(out), "--today", "2025-03-05", "--db", db
    )
    assert res["sheets"] == ["重点项目调度", "立项未开工", "开工未建设", "建设未竣工", "说明"]
    book = fastexcel.read_excel(out)
    assert book.sheet_names == res["sheets"]
    rows = book.load_sheet(0, header_row=2).to_polars()
    assert rows.height == 1 and rows["项目名称"][0] == "重点电机项目"  # the key project only
    r = rows.row(0, named=True)
    # the month: 1200 / 1500 / 1000; 2025 to date: 900 + 1500 = 2400; since signing: 600 + 900 + 1500 = 3000,
    # funds 500 + 700 + 1000 = 2200; 完成率 3000 / 20000 = 15 %
    assert (r["本月计划投资（万元）"], r["本月完成投资（万元）"], r["本月资金到位（万元）"]) == (
        1200,
        1500,
        1000,
    )
    assert (r["年度累计完成（万元）"], r["累计完成投资（万元）"], r["累计资金到位（万元）"]) == (
        2400,
        3000,
        2200,
    )
    assert abs(r["投资完成率"] - 0.15) < 1e-12 and r["状态"] in ("红", "黄", "绿")


def test_a_bad_month_is_refused_in_one_line(tmp_path):
    r = cli("projects", "report", "--month", "2025-13", "--out", str(tmp_path / "x.xlsx"),
            "--db", str(tmp_path / "p.duckdb"), ok=False)  # fmt: skip
    assert r.exit_code != 0 and "YYYY-MM" in r.output and "Traceback" not in r.output
