"""What a first CLI user trips on (issue 14): units in explain, no 1e+09, whole reject reasons with their raw
cells, scheme sources, unknown filter values and towns named, official marks and re-runs of stale runs."""

from __future__ import annotations

import json
import re

import pytest

from gaoxin.store import connect, one
from support import cli


@pytest.fixture(scope="module", autouse=True)
def wide_console():
    """A wide terminal, so table cells are not wrapped (the tests read whole values)."""
    from gaoxin.commands.common import console

    width = console.width
    console.width = 1000
    yield
    console.width = width


@pytest.fixture(scope="module")
def store(demo_store, tmp_path_factory):
    db = demo_store.copy(tmp_path_factory.mktemp("day-one") / "d.duckdb")
    run = json.loads(cli("evaluate", "--scheme", "default", "--period", "2025", "--db", db, "--json").stdout)
    con = connect(db)
    firm = one(
        con,
        """SELECT r.uscc FROM run_result r JOIN run_item i ON i.run_id = r.run_id AND i.uscc = r.uscc
           WHERE r.run_id = ? AND i.item LIKE '%tax_per_kwh' AND r.list_id IS NOT NULL ORDER BY r.uscc LIMIT 1""",
        [run["run_id"]],
    )[0]
    big = one(con, "SELECT uscc FROM fact WHERE indicator = 'revenue' ORDER BY value DESC LIMIT 1")[0]
    con.close()
    return db, run["run_id"], firm, big


def test_explain_shows_user_units_with_the_unit(store):
    db, run_id, firm, _ = store
    out = cli("explain", run_id, firm, "--db", db).output
    assert "万元 ← 税收实际贡献" in out and "万千瓦时 ← 用电量" in out
    assert "list." not in out  # clause keys stay in --json
    info = json.loads(cli("explain", run_id, firm, "--db", db, "--json").stdout)
    kwh = next(i for i in info["items"] if i["item"].endswith("tax_per_kwh"))
    wan = f"{kwh['numerator'] / 1e4:,.2f} 万元"  # 元 → 万元, two decimals
    assert wan in out


def test_enterprise_has_no_exponent_and_money_in_wan(store):
    db, _, _, big = store
    out = cli("enterprise", big, "--db", db).output
    assert not re.search(r"\d\.\d+e\+\d+", out)
    assert "万元" in out
    # the 规上 status names its basis: the year and the file (the department's batch) it comes from
    assert re.search(r"规上: [是否]（依据 20\d\d 年度「是否规上」，统计局\S+\.xlsx 批次 #\d+", out)


def test_rejects_show_whole_reasons_and_raw_cells(store):
    db = store[0]
    rows = json.loads(cli("rejects", "--db", db, "--json").stdout)["rows"]
    longest = max(rows, key=lambda r: len(r["reasons"]))
    res = cli("rejects", str(longest["batch_id"]), "--db", db)
    flat = re.sub(r"[\s│┃]+", "", res.output)
    assert re.sub(r"\s+", "", longest["reasons"]) in flat  # nothing cut with …
    raw = json.loads(longest["raw_json"])
    shown = [str(v) for v in raw.values() if v not in (None, "")][:1]
    assert all(re.sub(r"\s+", "", s) in flat for s in shown)


def test_schemes_list_cites_sources(store):
    data = json.loads(cli("schemes", "list", "--json").stdout)["schemes"]
    assert data and all(s["sources"] and all(x["title"] for x in s["sources"]) for s in data)
    out = cli("schemes", "list").output
    first = data[0]["sources"][0]["title"][:8]
    assert first in re.sub(r"[\s│]+", "", out)


def test_unknown_filter_values_name_what_exists(store):
    db, run_id, _, _ = store
    res = cli("results", run_id, "--town", "不存在镇", "--db", db, ok=False)
    assert res.exit_code != 0 and "可选" in res.output
    con = connect(db)
    town = one(con, "SELECT min(town) FROM enterprise")[0]
    con.close()
    assert town in res.output
    res = cli("results", run_id, "--class", "X", "--db", db, ok=False)
    assert res.exit_code != 0 and "A / B / C / D / T" in res.output
    assert json.loads(cli("results", run_id, "--town", town, "--db", db, "--json").stdout)


def test_user_add_refuses_an_unknown_town(store, tmp_path):
    db = store[0]
    res = cli("user", "add", "t1", "--role", "town", "--town", "不存在镇", "--db", db, ok=False)
    assert res.exit_code != 0 and "已有镇街" in res.output
    con = connect(db)
    town = one(con, "SELECT min(town) FROM enterprise")[0]
    con.close()
    cli("user", "add", "t2", "--role", "town", "--town", town, "--password", "pw-123456789", "--db", db)


def test_runs_official_and_rerun(store, tmp_path):
    db, run_id, _, _ = store
    listed = json.loads(cli("runs", "--db", db, "--json").stdout)["runs"]
    mine = next(r for r in listed if r["run_id"] == run_id)
    assert mine["official"] is False and mine["stale"] is False and mine["subjects"] == "企业"
    marked = json.loads(
        cli(
            "runs", "official", run_id[:8], "--reason", "审定", "--by", "分析员甲", "--db", db, "--json"
        ).stdout
    )
    assert marked["official"] and marked["history"][0]["marked_by"] == "分析员甲"
    assert "正式" in cli("runs", "--db", db).output
    same = json.loads(cli("runs", "rerun", run_id, "--db", db, "--json").stdout)
    assert same == {"run_id": run_id, "from": run_id, "created": False}  # unchanged data: no new run
    cleared = json.loads(cli("runs", "official", run_id, "--clear", "--db", db, "--json").stdout)
    assert cleared["official"] is False and [h["action"] for h in cleared["history"]] == ["clear", "mark"]


def test_run_workbook_policy_sheet_has_titles_and_wan(store, tmp_path):
    import openpyxl

    db, run_id, _, _ = store
    out = tmp_path / "run.xlsx"
    cli("export", run_id, "--out", out, "--db", db)
    ws = openpyxl.load_workbook(out)["差别化政策台账"]
    heads = [c.value for c in ws[3]]
    assert "差别化电价加价（万元）" in heads and not any("surcharge" in str(h) for h in heads)
    col = heads.index("差别化电价加价（万元）")
    con = connect(db)
    total = one(
        con,
        "SELECT sum(value) FROM run_item WHERE run_id = ? AND item = 'policy.electricity_surcharge'",
        [run_id],
    )[0]
    con.close()
    got = sum(r[col] or 0 for r in ws.iter_rows(min_row=4, values_only=True))
    assert got == pytest.approx(total / 1e4)  # 元 → 万元


def test_explain_shows_ratios_in_percent_and_the_clause_as_written(store):
    """Day-one bug (issue 14), still in `gaoxin explain`: a 比值 item (黄岩 R&D / revenue) printed 0.1257 比值
    and benchmark 0.0302 where users read 12.57 % and 3.02 %, and the 依据 column was always "—"."""
    db = store[0]
    run = json.loads(
        cli("evaluate", "--scheme", "zj-huangyan-2022", "--period", "2025", "--db", db, "--json").stdout
    )
    con = connect(db)
    firm, value = one(
        con,
        """SELECT uscc, value FROM run_item WHERE run_id = ? AND item = '规上.rd_ratio' AND value IS NOT NULL
           ORDER BY uscc LIMIT 1""",
        [run["run_id"]],
    )
    con.close()
    out = cli("explain", run["run_id"], firm, "--db", db).output
    row = next(line for line in out.splitlines() if "R&D经费支出占营业收入比重" in line)
    cells = [c.strip() for c in re.split(r"[│┃]", row) if c.strip()]
    assert cells[1:3] == [f"{value * 100:,.2f}", "%"]  # 0.1257 比值 → 12.57 %
    assert "3.02" in cells and "比值" not in row and "0.0302" not in cells
    assert "S9：R&D占比/0.0302×10" in row  # the scheme's clause as written
    info = json.loads(cli("explain", run["run_id"], firm, "--db", db, "--json").stdout)
    item = next(i for i in info["items"] if i["item"] == "规上.rd_ratio")
    assert item["ref"] == "S9：R&D占比/0.0302×10" and item["value"] == value  # JSON keeps canonical values


def test_run_workbook_shows_ratios_in_percent(store, tmp_path):
    """Day-one bug (issue 14), still in the 亩均 workbook: a 比值 column read 数值（比值） 0.06 (format #,##0.00 of
    0.0572) where users read 5.72 %."""
    import openpyxl

    db = store[0]
    run = json.loads(
        cli("evaluate", "--scheme", "zj-huangyan-2022", "--period", "2025", "--db", db, "--json").stdout
    )
    out = tmp_path / "hy.xlsx"
    cli("export", run["run_id"], "--out", out, "--db", db)
    ws = openpyxl.load_workbook(out)["规上"]
    top, sub = [c.value for c in ws[3]], [c.value for c in ws[4]]
    col = next(i for i, h in enumerate(top) if h and h.startswith("R&D经费支出占营业收入比重"))
    assert sub[col] == "数值（%）" and "数值（比值）" not in sub
    con = connect(db)
    stored = dict(
        con.execute(
            "SELECT uscc, value FROM run_item WHERE run_id = ? AND item = '规上.rd_ratio'", [run["run_id"]]
        ).fetchall()
    )
    con.close()
    shown = {r[1]: r[col] for r in ws.iter_rows(min_row=5, values_only=True) if r[1]}
    firm = next(u for u, v in stored.items() if v is not None and u in shown)
    assert shown[firm] == pytest.approx(stored[firm] * 100)  # 0.0572 → 5.72 (%)


def test_what_if_in_user_units_and_points_with_two_decimals(store):
    """Day-one bug (issue 14), still in `gaoxin what-if`: the 比值 item read 0.0143 → 0.3255 比值 (users read
    1.43 % → 32.55 %) and the head line gave points with four decimals (最低得分为195.5288)."""
    db = store[0]
    run = json.loads(
        cli("evaluate", "--scheme", "zj-huangyan-2022", "--period", "2025", "--db", db, "--json").stdout
    )
    con = connect(db)
    firms = con.execute(
        """SELECT r.uscc FROM run_result r JOIN run_item i ON i.run_id = r.run_id AND i.uscc = r.uscc
           WHERE r.run_id = ? AND r.class_final IN ('C', 'D') AND r.list_id = '规上' AND i.item = '规上.rd_ratio'
             AND i.value IS NOT NULL ORDER BY r.uscc""",
        [run["run_id"]],
    ).fetchall()
    con.close()
    for (firm,) in firms:  # the first firm whose answer moves the R&D ratio
        answer = json.loads(cli("what-if", run["run_id"], firm, "--to", "B", "--db", db, "--json").stdout)
        rd = [i for i in answer["items"] if i["title"] == "R&D经费支出占营业收入比重"]
        if rd:
            break
    rd = rd[0]
    out = cli("what-if", run["run_id"], firm, "--to", "B", "--db", db).output
    row = next(line for line in out.splitlines() if "R&D经费支出占营业收入比重" in line)
    cells = [c.strip() for c in re.split(r"[│┃]", row) if c.strip()]
    assert cells[1:5] == [
        "%",
        f"{rd['current_value'] * 100:,.2f}",
        f"{rd['required_value'] * 100:,.2f}",
        f"{rd['change'] * 100:,.2f}",
    ]
    head = out.splitlines()[0]
    assert f"{answer['cutoff']:,.2f}" in head and not re.search(r"\d\.\d{3,}", head)
