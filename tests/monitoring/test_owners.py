"""目标分解: town targets measured on the town's firms, department targets on the zone's published figure."""

from __future__ import annotations

import polars as pl
import pytest

from gaoxin.monitoring import owners
from gaoxin.monitoring.cards import by_id
from gaoxin.monitoring.dashboard import dashboard
from gaoxin.monitoring.targets import Method
from gaoxin.store import connect, rows

SUMS = pl.DataFrame(  # 1–10月 sums in 元: this year (current) and last year's same months (base)
    {
        "uscc": ["A", "B", "C", "D"],
        "current": [3.0e8, 1.5e8, 2.0e8, 0.5e8],
        "base": [2.5e8, 1.5e8, None, 1.0e8],  # C entered 规上 this year
    },
    schema_overrides={"base": pl.Float64},
)
TOWNS = pl.DataFrame({"uscc": ["A", "B", "C", "D"], "town": ["东镇", "东镇", "东镇", "西镇"]})
TARGET = {"batch_id": 7, "file_name": "目标.xlsx", "sheet": "年度目标", "row_no": 3}


def test_town_level_and_growth_targets_worked_by_hand():
    figs = {r["town"]: r for r in owners.town_figures(SUMS, TOWNS).to_dicts()}
    east = figs["东镇"]
    # 累计 over every firm reporting this year: 3 + 1.5 + 2 = 6.5 亿元; growth like-for-like over A and B only:
    # (3 + 1.5) / (2.5 + 1.5) − 1 = 12.5 %, C (no base) kept out
    assert east["cum"] == pytest.approx(6.5e8)
    assert east["growth"] == pytest.approx(12.5)
    assert east["firms"] == 2
    card = by_id()["gross_output"]
    level = owners.town_progress(
        card, TARGET | {"owner": "东镇", "kind": "level", "value": 8.0}, east, "2025-10", Method()
    )
    # 完成率 6.5 / 8 = 81.25 %; 时序进度 10/12 = 83.33 %; 欠进度 2.08 points
    assert level["progress"]["completion"] == pytest.approx(0.8125)
    assert round(owners.ahead_points(level["progress"]), 2) == -2.08
    assert level["progress"]["status"] == "欠进度"
    assert level["firms"] == 2 and "第 3 行" in level["source"]
    growth = owners.town_progress(
        card, TARGET | {"owner": "西镇", "kind": "growth", "value": 6.0}, figs["西镇"], "2025-10", Method()
    )
    assert growth["progress"]["cum_yoy"] == pytest.approx(-50.0)  # D halved
    assert growth["progress"]["gap"] == pytest.approx(-56.0)


def test_a_town_target_that_cannot_be_measured_says_why():
    card = by_id()["industrial_va"]  # growth published by the bureau only: no firm-level field
    row = owners.town_progress(
        card, TARGET | {"owner": "东镇", "kind": "growth", "value": 8}, {}, "2025-10", Method()
    )
    assert row["progress"] is None and "没有企业月度数据" in row["basis"]


def test_split_keeps_department_targets_with_the_zone():
    t = pl.DataFrame({"indicator": ["x", "x", "y"], "owner": [None, "东镇", "财政局"]})
    zone, town = owners.split(t, {"东镇", "西镇"})
    assert zone["owner"].to_list() == [None, "财政局"] and town["owner"].to_list() == ["东镇"]


def test_demo_town_targets_sum_to_the_zone_firm_total(monthly_store):
    con = connect(monthly_store["db"])
    try:
        d = dashboard(con, "2025-10")
        firm_cum = rows(
            con,
            "SELECT sum(value) FROM monitor_firm_value v JOIN enterprise e USING (uscc) WHERE indicator = "
            "'output' AND NOT superseded AND year = 2025 AND month <= 10 AND e.town IS NOT NULL",
        )[0][0]
    finally:
        con.close()
    towns = [r for r in d["owners"] if r["owner_kind"] == "town" and r["indicator"] == "gross_output"]
    departments = [r for r in d["owners"] if r["owner_kind"] == "department"]
    assert len(towns) >= 3 and all(r["progress"] for r in towns)
    # each town's 累计 is its firms' sum: together they are the zone's firm-level total (亿元)
    assert sum(r["progress"]["cum"] for r in towns) == pytest.approx(firm_cum / 1e8)
    # the zone's own card keeps the zone target, never a town's
    card = next(c for c in d["cards"] if c["card"].id == "gross_output")
    assert card["target"]["owner"] == "经济发展局"
    assert {r["owner"] for r in departments} >= {"经济发展局", "财政局"}
    dept = next(r for r in departments if r["indicator"] == "gross_output")
    assert dept["progress"] == card["progress"]


def test_brief_workbook_carries_the_assigned_targets(monthly_store, tmp_path):
    import openpyxl

    from gaoxin.reports.monitor_xlsx import write_brief_xlsx

    con = connect(monthly_store["db"])
    try:
        full = write_brief_xlsx(con, tmp_path / "all.xlsx", "2025-10")
        town_view = write_brief_xlsx(con, tmp_path / "town.xlsx", "2025-10", firms=False)
        owners_ = dashboard(con, "2025-10")["owners"]
    finally:
        con.close()
    ws = openpyxl.load_workbook(full)["目标分解"]
    body = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0]]
    assert len(body) == len(owners_)
    town = next(r for r in owners_ if r["owner_kind"] == "town" and r["progress"]["kind"] == "level")
    line = next(r for r in body if r[0] == town["owner"] and r[1] == town["label"] and r[2] == "总量")
    assert line[5] == pytest.approx(
        town["progress"]["completion"] * 100
    )  # owner, 指标, 类型, 目标, 累计, 完成率
    hidden = openpyxl.load_workbook(town_view)["目标分解"]
    kinds = {r[0] for r in hidden.iter_rows(min_row=4, values_only=True) if r[0]}
    assert town["owner"] not in kinds  # a town user's brief carries no other town's figures


def test_brief_pdf_has_a_page_of_assigned_targets(monthly_store, tmp_path):
    import re

    from gaoxin.monitoring.cards import load_cards
    from gaoxin.reports.monitor_brief import owner_cell, write_brief_pdf

    con = connect(monthly_store["db"])
    try:
        path = write_brief_pdf(con, tmp_path / "brief.pdf", "2025-10")
    finally:
        con.close()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))
    # the summary page, the 目标分解 page, then the trend charts four to a page
    assert pages == 2 + -(-len(load_cards()) // 4)
    assert owner_cell(None)[1] == "无法测算"
    level = {"kind": "level", "target": 8.0, "completion": 0.8125, "status": "欠进度", "ahead": -0.0208}
    assert owner_cell(level) == ("8.00", "81.25%", "欠进度 2.08%")


def test_the_demo_monthly_files_are_the_same_bytes_each_time(demo_store, tmp_path):
    """A second `gaoxin demo` must find every monthly file already imported (same sha256), not add them again."""
    import hashlib
    import time

    from gaoxin.demo.monthly import write_monthly_files

    def shas(out):
        return sorted(
            hashlib.sha256(p.read_bytes()).hexdigest() for p in write_monthly_files(demo_store.zone, out)
        )

    first = shas(tmp_path / "a")
    time.sleep(1.1)  # xlsxwriter stamps the creation time to the second: written a second apart
    assert shas(tmp_path / "b") == first
