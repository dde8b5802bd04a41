"""The demo's 公示 and 申诉: the latest 亩均 run marked official (when none is), a publication open today,
a data appeal verified by the 税务局 and waiting for the leading group (its re-evaluation preview in view),
a rule appeal adopted and closed, and two 调档 (one approved, one waiting). Written once through the same
functions the pages call; a store that already has appeals keeps them. No correction batch is written, so a
second demo computes the same run ids."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from gaoxin.cases.appeals import appeal as A
from gaoxin.cases.appeals import decisions as D
from gaoxin.cases.appeals.publication import open_publication
from gaoxin.cases.calendar import calendar_in_force
from gaoxin.store import official
from gaoxin.store import publication as store_pub
from gaoxin.store import runs as store_runs


def _official(con) -> str | None:
    """The latest year's official run; every year without one gets its newest run marked (the transition
    matrix reads the official run of each year)."""
    from gaoxin.store import queries

    for period in queries.periods(con):
        if official.official_run(con, "mujun", period) is None:
            run_id = store_runs.latest_run(con, "mujun", period)
            if run_id is not None:
                run = store_runs.find_run(con, run_id)
                official.record(con, run, "mark", "demo", "示范：该年度的评价设为正式评价")
    return official.official_run(con, "mujun")


def demo_appeals(con) -> dict | None:
    """Seed the demo store once; None when it already holds appeals or has no 亩均 run."""
    run_id = _official(con)
    if run_id is None or A.list_appeals(con):
        return None
    cal = calendar_in_force(con)
    if store_pub.for_run(con, run_id) is None:
        open_publication(con, run_id, cal=cal, actor="亩均办", note="示范公示")
    res = store_runs.run_results(con, run_id).filter(pl.col("list_id").is_not_null())
    plain = res.filter(pl.col("reasons").is_null() | (pl.col("reasons") == ""))
    c_firm = plain.filter(pl.col("class_final") == "C").sort("rank")["uscc"][0]  # the best C: near B
    d_firm = res.filter(pl.col("class_final") == "D")["uscc"][0]
    b_firm = res.filter(pl.col("class_final") == "B")["uscc"][-1]
    t = datetime.now().replace(microsecond=0) - timedelta(hours=3)
    cell = A.disputed_cell(con, c_firm, store_runs.find_run(con, run_id)["period"], "tax_paid")
    shown = cell.get("shown") or 100.0
    one = A.file_appeal(
        con, cal=cal, run_id=run_id, uscc=c_firm, actor="镇街专员", reason="部分税款在外地入库，未计入",
        indicator="tax_paid", claimed=round(shown * 1.6, 2), evidence=[("完税证明.txt", "示范：税收完税证明".encode())],
        at=t,
    )  # fmt: skip
    A.assign(con, one, cal=cal, department="税务局", actor="亩均办", at=t + timedelta(minutes=30))
    A.verify(con, one, cal=cal, confirmed=True, figure=round(shown * 1.5, 2), actor="税务局经办人",
             note="核实：跨区入库税款应计入", at=t + timedelta(hours=1))  # fmt: skip
    two = A.file_appeal(
        con, cal=cal, run_id=run_id, uscc=d_firm, actor="镇街专员", reason="重大项目建设期，应不列入 D 类",
        rule="protection.major_project", claimed_class="C", at=t + timedelta(minutes=10),
    )  # fmt: skip
    A.assign(con, two, cal=cal, department="发改局", actor="亩均办", at=t + timedelta(minutes=40))
    A.verify(con, two, cal=cal, confirmed=True, actor="发改局经办人", note="列入年度重大项目清单",
             at=t + timedelta(hours=1, minutes=10))  # fmt: skip
    A.decide(con, two, cal=cal, adopt=True, to_class="C", actor="领导小组", at=t + timedelta(hours=2))
    A.close(con, two, cal=cal, actor="亩均办", at=t + timedelta(hours=2, minutes=10))
    ok = D.propose(
        con, run_id, b_firm, to_class="C", reason="环保事故", actor="分析员", note="年内发生一般环境事件"
    )
    D.review(con, ok, approve=True, actor="admin", note="同意")
    waiting = D.propose(
        con, run_id, res.filter(pl.col("class_final") == "C")["uscc"][-1], to_class="B", reason="重大项目",
        actor="分析员", note="列入省重大产业项目",
    )  # fmt: skip
    return {"run_id": run_id, "appeals": [one, two], "decisions": [ok, waiting]}


def seed(db) -> None:
    """The `gaoxin demo` step (after the 亩均 runs): open the store, seed once, say what was left."""
    from gaoxin.settings import get_settings
    from gaoxin.store import connect

    con = connect(db or get_settings().db)
    try:
        done = demo_appeals(con)
    finally:
        con.close()
    if done is None:
        print("亩均公示与申诉已存在（或尚无亩均评价），未重复生成")
    else:
        print(
            f"亩均公示与申诉：申诉 {'、'.join(done['appeals'])}，调档 {len(done['decisions'])} 件；gaoxin appeals list 查看"
        )
