"""The monthly 企业诉求办理情况通报 the 营商环境办 sends: a cover sheet (the month's totals and 三率 against the month
before and the year to date), the per-department table with its ranking, the overdue list, the top categories
and the unsatisfied cases.

Every figure comes from the 三率 rows `gaoxin requests stats` prints (`cases.requests.rates`: counts per lead
unit and month of acceptance, and their rates) — the caller passes them in, the rates of a department are
copied as they are, and a total is the same ratio over summed counts — and from the same month's cases as
the store projects them (`store.case_intake.month_cases`), so the workbook and `gaoxin requests stats` never
disagree."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from gaoxin.reports.mujun_xlsx import _Book
from gaoxin.store import case_intake

DOMAIN = "request"
COUNTS = ("cases", "responded_in_time", "closed", "closed_in_time", "rated", "satisfied", "overdue")
SATISFIED = ("满意", "基本满意")


def previous_month(month: str) -> str:
    y, m = (int(x) for x in month.split("-"))
    return f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"


def ratios(counts: dict) -> dict:
    """The 三率 of a set of counts, as `cases.requests.rates` defines them (None where nothing to divide)."""
    return {
        "response_rate": counts["responded_in_time"] / counts["cases"] if counts["cases"] else None,
        "on_time_rate": counts["closed_in_time"] / counts["closed"] if counts["closed"] else None,
        "satisfaction_rate": counts["satisfied"] / counts["rated"] if counts["rated"] else None,
    }


def total(rows: list[dict]) -> dict:
    counts = {k: sum(int(r[k]) for r in rows) for k in COUNTS}
    return {**counts, **ratios(counts)}


def ranked(rows: list[dict]) -> list[dict]:
    """Departments of one month, best first: 按时办结率, then 满意率, then 响应率 (a rate with nothing to divide
    ranks after every number); equal keys share a rank."""

    def key(r: dict) -> tuple:
        return tuple(
            -(r[k]) if r[k] is not None else 1.0
            for k in ("on_time_rate", "satisfaction_rate", "response_rate")
        )

    out, last, rank = [], None, 0
    for i, r in enumerate(sorted(rows, key=lambda r: (key(r), r["lead"]))):
        if key(r) != last:
            rank, last = i + 1, key(r)
        out.append({**r, "rank": rank})
    return out


def monthly_figures(rates: list[dict], month: str) -> dict:
    """The cover and department figures of `month` from the 三率 rows (any years; others are ignored)."""
    year = month[:4]
    this = [r for r in rates if r["month"] == month]
    before = [r for r in rates if r["month"] == previous_month(month)]
    ytd = [r for r in rates if r["month"][:4] == year and r["month"] <= month]
    return {
        "month": month,
        "total": total(this),
        "previous": total(before),
        "year_to_date": total(ytd),
        "departments": ranked(this),
    }


def write_monthly_report(
    con: duckdb.DuckDBPyConnection,
    month: str,
    out: Path | str,
    rates: list[dict] | None = None,
    *,
    as_of: date | None = None,
    zone: str = "",
) -> Path:
    """Write the 通报 of `month` ('2026-11') to `out`. `rates`: `cases.requests.rates(con, year)` for the
    month's year (and the year before, for a January report's 上月) — read here when not given."""
    if rates is None:
        from gaoxin.cases.requests import rates as read_rates

        year = int(month[:4])
        rates = read_rates(con, year) + (read_rates(con, year - 1) if month.endswith("-01") else [])
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    figures = monthly_figures(rates, month)
    cases = case_intake.month_cases(con, DOMAIN, month)
    book = _Book(out)
    book.pct = book.wb.add_format({"border": 1, "num_format": "0.0%"})
    y, m = month.split("-")
    head = f"{zone}企业诉求办理情况通报（{y}年{int(m)}月）"
    _cover(book, figures, head, as_of or date.today())
    _departments(book, figures["departments"], head)
    _overdue(book, cases, head)
    _categories(book, cases, head)
    _unsatisfied(book, cases, head)
    book.wb.close()
    return out


def _put(book: _Book, ws, r: int, c: int, v, pct: bool = False) -> None:
    if pct and v is not None:
        ws.write_number(r, c, float(v), book.pct)
    else:
        book.write_cell(ws, r, c, v)


def _header(book: _Book, ws, r: int, cols: list[str], widths: list[int]) -> None:
    for j, (c, w) in enumerate(zip(cols, widths, strict=True)):
        ws.write_string(r, j, c, book.head)
        ws.set_column(j, j, w)


def _cover(book: _Book, f: dict, head: str, as_of: date) -> None:
    ws = book.sheet("通报", head, "单位：件、%", 4)
    y, m = f["month"].split("-")
    cols = [
        "指标",
        f"本月（{int(m)}月）",
        f"上月（{_label(previous_month(f['month']))}）",
        f"本年累计（1–{int(m)}月）",
    ]
    _header(book, ws, 3, cols, [16, 16, 16, 18])
    lines = [
        ("受理件数", "cases", False),
        ("办结件数", "closed", False),
        ("按时办结件数", "closed_in_time", False),
        ("超期件数（未办结且已超期）", "overdue", False),
        ("响应率", "response_rate", True),
        ("按时办结率", "on_time_rate", True),
        ("满意率", "satisfaction_rate", True),
    ]
    for i, (label, key, pct) in enumerate(lines):
        ws.write_string(4 + i, 0, label, book.bold)
        for j, part in enumerate(("total", "previous", "year_to_date")):
            _put(book, ws, 4 + i, 1 + j, f[part][key], pct)
    notes = [
        f"统计口径：按受理月份统计（{y}年{int(m)}月受理的诉求），办理状态截至 {as_of:%Y-%m-%d}。",
        "响应率 = 按时响应件数 ÷ 受理件数；按时办结率 = 按时办结件数 ÷ 办结件数；满意率 = （满意 + 基本满意）÷ 已评价件数。",
        "时限按工作日计算（法定节假日及调休按国务院通知），与 gaoxin requests stats 的数字一致。",
        f"参与排名的承办部门 {len(f['departments'])} 个，排名见「部门办理情况」。",
    ]
    for i, n in enumerate(notes):
        ws.write_string(5 + len(lines) + i, 0, n, book.note)


def _label(month: str) -> str:
    y, m = month.split("-")
    return f"{y}年{int(m)}月"


def _departments(book: _Book, rows: list[dict], head: str) -> None:
    cols = ["排名", "承办部门", "受理", "办结", "按时办结", "按时办结率", "超期件数", "响应率", "满意率"]
    ws = book.sheet("部门办理情况", head, "单位：件、%；排名依次按按时办结率、满意率、响应率", len(cols))
    _header(book, ws, 3, cols, [6, 24, 8, 8, 10, 12, 10, 10, 10])
    for i, r in enumerate(rows):
        vals = [
            (r["rank"], False),
            (r["lead"], False),
            (int(r["cases"]), False),
            (int(r["closed"]), False),
            (int(r["closed_in_time"]), False),
            (r["on_time_rate"], True),
            (int(r["overdue"]), False),
            (r["response_rate"], True),
            (r["satisfaction_rate"], True),
        ]
        for j, (v, pct) in enumerate(vals):
            _put(book, ws, 4 + i, j, v, pct)
    ws.freeze_panes(4, 2)


def _overdue(book: _Book, cases: pl.DataFrame, head: str) -> None:
    cols = [
        "工单编号",
        "诉求编号",
        "企业",
        "诉求类别",
        "承办部门",
        "超期时限",
        "到期日",
        "超期工作日",
        "督办",
    ]
    ws = book.sheet(
        "超期件", head, "本月受理、截至统计日未办结且已超过时限的诉求；超期工作日按工作日计", len(cols)
    )
    _header(book, ws, 3, cols, [20, 16, 28, 10, 22, 14, 12, 10, 8])
    late = cases.filter(pl.col("overdue").fill_null(False)).sort("left_workdays", "case_id", nulls_last=True)
    for i, r in enumerate(late.iter_rows(named=True)):
        vals = [
            r["ticket_no"] or r["case_id"],
            r["case_id"],
            r["firm_name"] or r["uscc"] or "—",
            r["category"],
            r["lead"],
            r["due_deadline"],
            str(r["due"]) if r["due"] else None,
            -int(r["left_workdays"]) if r["left_workdays"] is not None else None,
            r["escalation"],
        ]
        for j, v in enumerate(vals):
            book.write_cell(ws, 4 + i, j, v)
    if late.height == 0:
        ws.write_string(4, 0, "本月无超期件。", book.note)


def _categories(book: _Book, cases: pl.DataFrame, head: str) -> None:
    cols = ["排序", "诉求类别", "件数", "占比", "办结", "不满意"]
    ws = book.sheet("诉求类别", head, "单位：件、%（本月受理）", len(cols))
    _header(book, ws, 3, cols, [6, 14, 8, 10, 8, 8])
    if cases.height == 0:
        return
    cats = (
        cases.group_by(pl.col("category").fill_null("其他"))
        .agg(
            pl.len().alias("n"),
            pl.col("closed_at").is_not_null().sum().alias("closed"),
            (pl.col("satisfaction") == "不满意").sum().alias("unsatisfied"),
        )
        .sort(["n", "category"], descending=[True, False])
    )
    for i, r in enumerate(cats.iter_rows(named=True)):
        vals = [
            (i + 1, False),
            (r["category"], False),
            (int(r["n"]), False),
            (r["n"] / cases.height, True),
            (int(r["closed"]), False),
            (int(r["unsatisfied"]), False),
        ]
        for j, (v, pct) in enumerate(vals):
            _put(book, ws, 4 + i, j, v, pct)


def _unsatisfied(book: _Book, cases: pl.DataFrame, head: str) -> None:
    cols = ["工单编号", "诉求编号", "企业", "诉求标题", "诉求类别", "承办部门", "当前状态", "办结时间"]
    ws = book.sheet("不满意件", head, "本月受理、企业评价为不满意的诉求（应重办或说明）", len(cols))
    _header(book, ws, 3, cols, [20, 16, 28, 30, 10, 22, 10, 18])
    bad = cases.filter(pl.col("satisfaction") == "不满意")
    for i, r in enumerate(bad.iter_rows(named=True)):
        vals = [
            r["ticket_no"] or r["case_id"],
            r["case_id"],
            r["firm_name"] or r["uscc"] or "—",
            r["title"],
            r["category"],
            r["lead"],
            r["state_title"],
            f"{r['closed_at']:%Y-%m-%d %H:%M}" if r["closed_at"] else None,
        ]
        for j, v in enumerate(vals):
            book.write_cell(ws, 4 + i, j, v)
    if bad.height == 0:
        ws.write_string(4, 0, "本月无不满意件。", book.note)
