"""Shared CLI pieces: the --db option, console output, JSON printing and clean failures."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

# piped output (CI logs, files) gets a wide console so Chinese tables are not cut to 80 columns
console = Console(width=None if Console().is_terminal else 160)
err_console = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 160)

DbOption = Annotated[
    Path,
    typer.Option("--db", help="DuckDB 数据库文件 / store file (env GAOXIN_DB)", show_default=True),
]
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="按哪一天计算 / as of (YYYY-MM-DD，默认今天)")
]
RulesOption = Annotated[
    Path | None, typer.Option("--rules", help="本区的规则文件（默认内置 rules.toml）/ the zone's rules file")
]


def default_db() -> Path:
    from gaoxin.settings import get_settings  # pydantic-settings: paid only by commands that open the store

    return get_settings().db


def _default(o):
    if isinstance(o, datetime | date):
        return o.isoformat()
    if isinstance(o, Path):
        return str(o)
    if hasattr(o, "item"):  # numpy scalars
        return o.item()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=_default) + "\n")


def print_plain(obj) -> None:
    """--json of plain results (dicts, lists, numpy scalars, dates): NaN and ±∞ as null (gaoxin.jsonable)."""
    from gaoxin.jsonable import jsonable

    print_json(jsonable(obj))


def as_of_day(text: str | None) -> date:
    """The --as-of day (today when not given), or a clean failure naming the form expected."""
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        fail(f"日期「{text}」无法识别，请写成 2025-10-09")


LONG_TABLE = 60  # rows above which a listing is printed as aligned plain text (Rich lays out ~1 ms per row)


def table(title: str, columns: tuple[str, ...], rows) -> None:
    """A Rich table with a left-aligned title; empty cells shown as —. A long listing (hundreds of firms) is
    printed as aligned plain columns instead: the same cells, at once, and unwrapped when piped to a file."""
    cells = [["—" if v is None or v == "" else str(v) for v in r] for r in rows]
    if len(cells) > LONG_TABLE:
        _plain_table(title, columns, cells)
        return
    from rich.table import Table

    t = Table(title=title, title_justify="left")
    for c in columns:
        t.add_column(c)
    for r in cells:
        t.add_row(*r)
    console.print(t)


def _plain_table(title: str, columns: tuple[str, ...], cells: list[list[str]]) -> None:
    from rich.cells import cell_len  # display width: a Chinese character takes two columns

    widths = [max([cell_len(c)] + [cell_len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values) -> str:
        last = len(values) - 1
        return "  ".join(
            v if i == last else v + " " * (widths[i] - cell_len(v)) for i, v in enumerate(values)
        )

    out = [title, line(columns), "  ".join("─" * w for w in widths)] + [line(r) for r in cells]
    typer.echo("\n".join(out))


def num(value: float | None, digits: int = 2) -> str:
    """A figure already in its user unit (万元, 亩 …) with thousands separators, — when missing."""
    return "—" if value is None or value != value else f"{value:,.{digits}f}"


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[bold red]错误[/]: {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def wan(value: float | None, digits: int = 2) -> str:
    """元 → '1,234.56万元' style text (money is shown in 万元)."""
    if value is None or value != value:
        return "—"
    return f"{value / 1e4:,.{digits}f}"


def latest_period(con) -> str:
    """The latest data year in the store, or a clean failure telling the analyst to import first."""
    from gaoxin.store.queries import latest_year

    period = latest_year(con)
    if not period:
        fail("数据库中还没有数据：先用 gaoxin import 导入部门数据（或运行 gaoxin demo）")
    return period
