"""公示: open a publication of an official 亩均 run with a window in working days; its state (公示中 →
公示结束 → 定级) derived from the calendar and its events; the list it publishes (public columns only)."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import polars as pl

from gaoxin.store import official
from gaoxin.store import publication as store
from gaoxin.store import runs as store_runs

from .rules import load

OPEN, ENDED, FINAL = "公示中", "公示结束", "定级"

COLUMN_TITLES = {
    "town": "镇街",
    "name": "企业名称",
    "uscc": "统一社会信用代码",
    "list_id": "名单",
    "score": "综合得分",
    "rank": "名次",
    "class": "评价等级",
    "land_mu": "用地面积（亩）",
    "tax_wan": "税收实际贡献（万元）",
}


class PublicationError(ValueError):
    """A publication that cannot be opened or moved on; the message says why."""


def window_end(cal, opens_on: date, workdays: int) -> date:
    """The last working day of a window of `workdays` working days that starts on `opens_on` (counted from
    that day when it is a working day, else from the next one)."""
    first = cal.roll_forward(np.datetime64(opens_on, "D"))
    last = cal.add(first, workdays - 1) if workdays > 1 else first
    return np.asarray(last, dtype="datetime64[D]").item()


def open_publication(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    cal,
    actor: str,
    opens_on: date | None = None,
    workdays: int | None = None,
    note: str | None = None,
) -> str:
    """公示 an official 亩均 run; refused for a run that is not the official one of its scheme and year."""
    run = store_runs.find_run(con, run_id)
    if run is None or (run.get("kind") or "mujun") != "mujun":
        raise PublicationError(f"没有编号为 {run_id[:12]} 的亩均评价结果")
    if run_id not in official.official_ids(con):
        raise PublicationError(
            f"评价结果 {run_id[:12]} 不是正式评价：请先用 gaoxin mujun runs official {run_id[:12]} 设为正式评价"
        )
    existing = store.for_run(con, run_id)
    if existing is not None:
        raise PublicationError(f"该评价结果已在公示（{existing['pub_id']}），不重复公示")
    rules = load()
    n = workdays or rules.window_workdays
    if n < 1:
        raise PublicationError("公示期须至少 1 个工作日")
    opens_on = opens_on or date.today()
    return store.insert(
        con,
        {
            "run_id": run_id,
            "scheme_id": run["scheme_id"],
            "period": run["period"],
            "window_workdays": n,
            "opens_on": opens_on,
            "ends_on": window_end(cal, opens_on, n),
            "columns": rules.public_columns(),
            "opened_by": actor,
            "note": note,
        },
    )


def state(con: duckdb.DuckDBPyConnection, pub: dict, cal, today: date | None = None) -> dict:
    """The publication's state and window clock as of `today`."""
    today = today or date.today()
    events = store.events(con, pub["pub_id"])
    final = bool(events) and events[-1]["action"] == "finalise"
    # the window's working days from today on, today included (the last day shows 1)
    left = int(cal.count(np.datetime64(today, "D") - 1, np.datetime64(pub["ends_on"], "D")))
    if final:
        st = FINAL
    elif today > pub["ends_on"]:
        st = ENDED
    else:
        st = OPEN
    return {**pub, "state": st, "left_workdays": max(left, 0), "events": events}


def finalise(
    con: duckdb.DuckDBPyConnection, pub_id: str, *, cal, actor: str, today: date | None = None
) -> dict:
    """定级: only after the window has ended."""
    pub = store.get(con, pub_id)
    if pub is None:
        raise PublicationError(f"没有编号为 {pub_id} 的公示")
    now = state(con, pub, cal, today)
    if now["state"] == FINAL:
        raise PublicationError(f"{pub_id} 已定级")
    if now["state"] == OPEN:
        raise PublicationError(f"{pub_id} 公示期至 {pub['ends_on']} 止，公示期内不能定级")
    store.add_event(con, pub_id, "finalise", actor, None)
    return state(con, store.get(con, pub_id), cal, today)


def public_list(con: duckdb.DuckDBPyConnection, pub: dict) -> pl.DataFrame:
    """The 公示名单: per town, only the publication's columns (titles as headers)."""
    res = store_runs.run_results(con, pub["run_id"]).rename({"class_final": "class"})
    if "tax_wan" in pub["columns"]:  # only when the rules file allows raw figures
        res = res.join(store.run_tax_wan(con, pub["run_id"]), on="uscc", how="left")
    cols = [c for c in pub["columns"] if c in res.columns]
    out = res.sort(["town", "list_id", "rank"], nulls_last=True).select(cols)
    return out.rename({c: COLUMN_TITLES.get(c, c) for c in cols})
