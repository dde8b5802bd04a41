"""`gaoxin workdays …`: working days on the Chinese calendar (holidays and 调休), for an officer checking a
deadline, and loading a newly announced year or a zone's own days without upgrading gaoxin."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from gaoxin.commands.common import JsonOption, console, fail, print_json
from gaoxin.commands.data import DbOpt, open_store

app = typer.Typer(
    help="工作日计算（含节假日、调休）/ working days on the Chinese calendar", no_args_is_help=True
)
WEEK = "一二三四五六日"


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="workdays")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        fail(f"日期「{text}」无法识别，请写成 YYYY-MM-DD（如 2025-09-30）")


def _calendar(db: Path | None):
    """The calendar in force: shipped table plus the store's loaded files (the shipped table alone when the
    store does not exist yet)."""
    from gaoxin.workdays import CalendarFileError, calendar

    path = db
    if path is None:
        from gaoxin.commands.common import default_db

        path = default_db()
    if not Path(path).exists():
        return calendar()
    from gaoxin.cases.calendar import calendar_in_force

    con = open_store(path, read_only=True)
    try:
        return calendar_in_force(con)
    except CalendarFileError as exc:
        fail(str(exc))
    finally:
        con.close()


def _day_text(d: date) -> str:
    return f"{d.isoformat()}（星期{WEEK[d.weekday()]}）"


def _provisional_note(flag: bool) -> str:
    return "  [yellow]暂定 provisional：该年度节假日安排尚未公布，按周末规则计算[/]" if flag else ""


@app.command("add", help="某日之后第 N 个工作日（N 为负数时向前）/ the N-th working day after DATE")
def add(
    day: Annotated[str, typer.Argument(help="起算日 YYYY-MM-DD（当日不计）")],
    n: Annotated[int, typer.Argument(help="工作日数")],
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    cal = _calendar(db)
    d0 = _date(day)
    out = cal.add(d0, n).item()
    provisional = bool(cal.provisional(d0, out).item())
    if as_json:
        print_json({"date": d0, "workdays": n, "result": out, "provisional": provisional})
        return
    console.print(
        f"{_day_text(d0)} 起 {n} 个工作日 → [bold]{_day_text(out)}[/]" + _provisional_note(provisional)
    )


@app.command("count", help="两日之间的工作日数（前一日不计、后一日计）/ working days in (DATE1, DATE2]")
def count(
    day1: Annotated[str, typer.Argument(help="起 YYYY-MM-DD（不计）")],
    day2: Annotated[str, typer.Argument(help="止 YYYY-MM-DD（计入）")],
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    cal = _calendar(db)
    d1, d2 = _date(day1), _date(day2)
    n = int(cal.count(d1, d2).item())
    provisional = bool(cal.provisional(d1, d2).item())
    if as_json:
        print_json({"from": d1, "to": d2, "workdays": n, "provisional": provisional})
        return
    console.print(
        f"{_day_text(d1)} 至 {_day_text(d2)}：[bold]{n}[/] 个工作日" + _provisional_note(provisional)
    )


@app.command("show", help="某年的节假日与调休上班日 / a year's days off and make-up working days")
def show(
    year: Annotated[int, typer.Argument(help="年份")],
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    cal = _calendar(db)
    days = cal.year_days(year)
    announced = cal.is_announced(year)
    total = cal.workday_total(year)
    if as_json:
        print_json(
            {
                "year": year,
                "announced": announced,
                "workdays": total,
                "days": [
                    {"date": d.date, "kind": d.kind, "name": d.name, "notice": d.notice, "scope": s}
                    for d, s in days
                ],
            }
        )
        return
    from rich.table import Table

    t = Table(title=f"{year} 年节假日安排（全年工作日 {total} 天）", title_justify="left")
    for col in ("日期", "星期", "休/班", "名称", "依据", "范围"):
        t.add_column(col)
    for d, scope in days:
        t.add_row(
            d.date.isoformat(),
            WEEK[d.date.weekday()],
            d.kind,
            d.name,
            d.notice,
            "本地" if scope == "local" else "全国",
        )
    console.print(t)
    if not announced:
        console.print(
            f"[yellow]{year} 年的节假日安排尚未载入：按周末规则计算，结果均为暂定。公布后用 gaoxin workdays load 文件 载入。[/]"
        )


@app.command("load", help="载入新公布年度或本地节假日文件（CSV / TOML）/ load a calendar file")
def load(
    file: Annotated[Path, typer.Argument(help="CSV（date,kind[,name,year,notice,published,scope]）或 TOML")],
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.store import calendar as store_calendar
    from gaoxin.workdays import CalendarFileError, parse_file

    if not file.is_file():
        fail(f"文件 {file} 不存在")
    data = file.read_bytes()
    try:
        version = parse_file(file, data)
    except CalendarFileError as exc:
        fail(str(exc))
    con = open_store(db)
    try:
        added = store_calendar.add_version(con, version.sha256, version.scope, file.name, version.title, data)
    finally:
        con.close()
    years = "、".join(str(y) for y in version.years) or "—"
    if as_json:
        print_json(
            {
                "file": file.name,
                "sha256": version.sha256,
                "scope": version.scope,
                "years": list(version.years),
                "days": len(version.days),
                "loaded": added,
            }
        )
        return
    scope = "全国" if version.scope == "national" else "本地"
    if added:
        console.print(f"已载入{scope}日历 {file.name}：{len(version.days)} 天，年度 {years}")
    else:
        console.print(f"{file.name} 已载入过，未改变")


@app.command(
    "refresh", help="从 chinesecalendar 包重新生成随附的全国节假日表（维护用）/ regenerate the shipped table"
)
def refresh(
    out: Annotated[Path, typer.Option("--out", help="写入的 CSV 文件")] = Path("cn-national.csv"),
) -> None:
    from gaoxin.workdays import national_csv

    try:
        text = national_csv()
    except RuntimeError as exc:
        fail(str(exc))
    out.write_text(text, encoding="utf-8")
    console.print(f"已写入 {out}（{text.count(chr(10)) - 1} 天）")
