"""Finding the header block of a department sheet and mapping its columns to canonical fields.

Department sheets carry a title, a '单位：万元' line, one to three header rows (merged parents over
children), then data. We find the row naming the 统一社会信用代码 column, take the rows below it whose
key cell is empty and whose cells are all text as further header rows, flatten them to
'parent/child', and look each column up in the alias table of `gaoxin.fields`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from gaoxin import fields as F
from gaoxin.ingest import text, units
from gaoxin.ingest.readers import RawSheet

HEADER_SEARCH_ROWS = 30
MAX_EXTRA_HEADER_ROWS = 2
_NUMERIC = re.compile(r"^[-+]?[\d,]*\.?\d+(e[-+]?\d+)?%?$", re.I)
_TOTAL = re.compile(r"^(总?合计|总计|小计|全区合计|全市合计|全县合计|累计)")
# columns that are expected and need no mapping (not reported as unknown)
IGNORABLE = frozenset({"序号", "编号", "备注", "户号", "用电户号", "电表户号", "行次", "排名"})


class SheetError(ValueError):
    """A sheet whose layout cannot be used (message names file, sheet, column)."""


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for f in F.FIELDS:
        for a in (f.label, *f.aliases):
            table.setdefault(text.match_key(text.split_unit(a)[0]), f.name)
    return table


ALIASES = _alias_table()


@dataclass
class Column:
    index: int  # grid column index
    header: str  # flattened header as shown in the file
    field: F.Field | None = None
    unit: str | None = None
    factor: float = 1.0
    unit_assumed: bool = False
    letter: str = ""  # Excel column letter in the sheet


@dataclass
class Layout:
    header_rows: list[int]
    data_start: int
    key_col: int
    columns: list[Column]
    title_year: str | None = None
    unit_default: str | None = None
    notes: list[str] = field(default_factory=list)

    def mapped(self) -> list[Column]:
        return [c for c in self.columns if c.field is not None]


def lookup_field(header_text: str) -> tuple[F.Field | None, str | None]:
    """Field and unit named by one header text ('用电量（万千瓦时）' → power_kwh, '万千瓦时')."""
    name, unit = text.split_unit(header_text)
    key = text.match_key(name)
    hit = ALIASES.get(key)
    if hit is None and "(" in key:  # '综合能耗(当量值)' → '综合能耗'
        hit = ALIASES.get(re.sub(r"\(.*?\)", "", key))
    return (F.BY_NAME[hit] if hit else None), unit


def column_letter(index: int) -> str:
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _cells(grid: pl.DataFrame, r: int) -> list[str]:
    return ["" if v is None else str(v).strip() for v in grid.row(r)]


@dataclass
class HeaderBlock:
    rows: list[int]  # grid rows of the header (first = the key column's row)
    parts: list[list[str]]  # per grid column: header texts top to bottom, merged parents filled in
    title_year: str | None  # a year named in the title lines above the header
    unit_default: str | None  # a '单位：万元' line above the header


def header_block(grid: pl.DataFrame, key_row: int, key_col: int, total=_TOTAL) -> HeaderBlock:
    """The header rows starting at the key column's row, flattened per column, and the title lines above.

    Rows below the key row belong to the header while their key cell is empty and all their cells are text
    (no numbers, no 合计-style lines matching `total`). A horizontally merged parent keeps its text in the
    leftmost cell only, so it is carried right over the children below it.
    """
    rows_ = [key_row]
    for r in range(key_row + 1, min(key_row + 1 + MAX_EXTRA_HEADER_ROWS, grid.height)):
        cells = _cells(grid, r)
        filled = [c for c in cells if c]
        if cells[key_col] or not filled:
            break
        if any(_NUMERIC.match(text.fold(c)) or total.match(text.fold(c)) for c in filled):
            break
        rows_.append(r)
    texts = [_cells(grid, r) for r in rows_]
    parts: list[list[str]] = [[] for _ in range(grid.width)]
    for depth, cells in enumerate(texts):
        last = ""
        for j in range(grid.width):
            v = cells[j]
            below = any(texts[d][j] for d in range(depth + 1, len(texts)))
            if v:
                last = v
            elif below and last:
                v = last
            else:
                last = ""
            if v:
                parts[j].append(v)
    title_year = unit_default = None
    for r in range(key_row):
        for cell in _cells(grid, r):
            if cell:
                unit_default = unit_default or text.unit_line(cell)
                title_year = title_year or text.year_in(cell)
    return HeaderBlock(rows_, parts, title_year, unit_default)


def detect(sheet: RawSheet, file_name: str) -> Layout | None:
    """Layout of a sheet, or None when it has no 统一社会信用代码 column (e.g. a notes sheet)."""
    grid = sheet.grid
    n_rows = min(grid.height, HEADER_SEARCH_ROWS)
    key_row = key_col = None
    for r in range(n_rows):
        for j, cell in enumerate(_cells(grid, r)):
            if cell and lookup_field(cell)[0] is F.BY_NAME["uscc"]:
                key_row, key_col = r, j
                break
        if key_row is not None:
            break
    if key_row is None:
        return None

    block = header_block(grid, key_row, key_col)
    flat = block.parts
    layout = Layout(block.rows, block.rows[-1] + 1, key_col, [], block.title_year, block.unit_default)

    seen: dict[str, str] = {}
    unknown: list[str] = []
    for j, parts in enumerate(flat):
        if not parts:
            continue
        header = "/".join(parts)
        col = Column(j, header, letter=column_letter(sheet.col0 + j))
        candidates = [parts[-1], "".join(parts), parts[0]] if len(parts) > 1 else [parts[0]]
        for cand in candidates:
            fld, unit = lookup_field(cand)
            if fld is not None:
                col.field = fld
                break
        if col.field is None:
            if text.match_key(text.split_unit(parts[-1])[0]) not in IGNORABLE:
                unknown.append(header)
            layout.columns.append(col)
            continue
        if col.field.name in seen:
            layout.notes.append(
                f"列「{header}」与列「{seen[col.field.name]}」同为{col.field.label}，已忽略后者"
            )
            col.field = None
            layout.columns.append(col)
            continue
        seen[col.field.name] = header
        _resolve_unit(col, parts, layout, file_name, sheet.name)
        layout.columns.append(col)
    if unknown:
        layout.notes.append("未识别的列（已忽略）：" + "、".join(unknown))
    return layout


def _resolve_unit(col: Column, parts: list[str], layout: Layout, file_name: str, sheet: str) -> None:
    fld = col.field
    if fld.kind not in (F.NUM,):
        return
    unit = None
    for p in reversed(parts):  # the child's own unit wins over a parent's
        unit = text.split_unit(p)[1]
        if unit:
            break
    if (
        unit is None
        and layout.unit_default
        and units.factor_for(layout.unit_default, fld.quantity) is not None
    ):
        unit = layout.unit_default
    if unit is None:
        unit = fld.default_unit
        col.unit_assumed = True
        layout.notes.append(f"列「{col.header}」未注明单位，按 {unit} 处理")
    factor = units.factor_for(unit, fld.quantity)
    if factor is None:
        qty = units.QUANTITY_LABELS.get(fld.quantity, fld.quantity)
        raise SheetError(
            f"{file_name} 工作表「{sheet}」列「{col.header}」（{col.letter}列）: 单位「{unit}」"
            f"不是{qty}单位；{fld.label}应以 {fld.default_unit} 等{qty}单位计量"
        )
    col.unit = unit
    col.factor = factor
