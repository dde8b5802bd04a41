"""Finding the header block of a sheet and mapping its columns to a vocabulary's targets.

Department and zone sheets carry a title, a '单位：万元' line, one to three header rows (merged parents over
children), then data. We find the row naming the vocabulary's key column (统一社会信用代码, 园区名称 …),
take the rows below it whose key cell is empty and whose cells are all text as further header rows,
flatten them to 'parent/child', and look each column up in the vocabulary's alias table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from gaoxin import fields as F
from gaoxin.ingest import text
from gaoxin.ingest.readers import RawSheet
from gaoxin.ingest.vocabulary import ENTERPRISE, UnitRule, Vocabulary
from gaoxin.zone_fields import ZoneIndicator

HEADER_SEARCH_ROWS = 30
MAX_EXTRA_HEADER_ROWS = 2
_NUMERIC = re.compile(r"^[-+]?[\d,]*\.?\d+(e[-+]?\d+)?%?$", re.I)
_TOTAL = re.compile(ENTERPRISE.header_total)
# columns that are expected and need no mapping (not reported as unknown)
IGNORABLE = frozenset({"序号", "编号", "备注", "户号", "用电户号", "电表户号", "行次", "排名"})


class SheetError(ValueError):
    """A sheet whose layout cannot be used (message names file, sheet, column)."""


ALIASES = ENTERPRISE.aliases


@dataclass
class Column:
    index: int  # grid column index
    header: str  # flattened header as shown in the file
    target: str | None = None  # the vocabulary's name for the column (field name, indicator id, attribute)
    field: F.Field | ZoneIndicator | None = (
        None  # the catalogue entry behind `target` (None: a zone attribute)
    )
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
        return [c for c in self.columns if c.target is not None]

    def by_target(self) -> dict[str, Column]:
        return {c.target: c for c in self.columns if c.target}

    @property
    def key(self) -> Column:
        return next(c for c in self.columns if c.index == self.key_col)


def lookup_field(header_text: str) -> tuple[F.Field | None, str | None]:
    """Field and unit named by one header text ('用电量（万千瓦时）' → power_kwh, '万千瓦时')."""
    hit, unit = ENTERPRISE.lookup(header_text)
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


def header_block(grid: pl.DataFrame, key_row: int, key_col: int, total: re.Pattern = _TOTAL) -> HeaderBlock:
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


def _key_cell(grid: pl.DataFrame, vocab: Vocabulary) -> tuple[int, int] | None:
    """(row, column) of the first header row naming a key column; the preferred key wins within a row."""
    for r in range(min(grid.height, HEADER_SEARCH_ROWS)):
        hits = [(j, vocab.lookup(c)[0]) for j, c in enumerate(_cells(grid, r)) if c]
        for key in vocab.key:
            cols = [j for j, t in hits if t == key]
            if cols:
                return r, cols[0]
    return None


def detect(sheet: RawSheet, file_name: str, vocab: Vocabulary = ENTERPRISE) -> Layout | None:
    """Layout of a sheet, or None when it has no key column (e.g. a notes sheet)."""
    grid = sheet.grid
    found = _key_cell(grid, vocab)
    if found is None:
        return None
    key_row, key_col = found
    block = header_block(grid, key_row, key_col, total=re.compile(vocab.header_total))
    layout = Layout(block.rows, block.rows[-1] + 1, key_col, [], block.title_year, block.unit_default)
    seen: dict[str, str] = {}
    unknown: list[str] = []
    for j, parts in enumerate(block.parts):
        if not parts:
            continue
        col = Column(j, "/".join(parts), letter=column_letter(sheet.col0 + j))
        for cand in [parts[-1], "".join(parts), parts[0]] if len(parts) > 1 else [parts[0]]:
            target, _ = vocab.lookup(cand)
            if target is not None:
                col.target = target
                break
        if col.target is None:
            if vocab.match_key(vocab.split_unit(parts[-1])[0]) not in IGNORABLE:
                unknown.append(col.header)
        elif col.target in seen:
            layout.notes.append(
                f"列「{col.header}」与列「{seen[col.target]}」{vocab.same_column(col.target)}，已忽略后者"
            )
            col.target = None
        else:
            seen[col.target] = col.header
            col.field = vocab.entry(col.target)
            rule = vocab.unit_rule(col.target)
            if rule is not None:
                _resolve_unit(col, rule, parts, layout, vocab, f"{file_name} 工作表「{sheet.name}」")
        layout.columns.append(col)
    if unknown:
        layout.notes.append("未识别的列（已忽略）：" + "、".join(unknown))
    return layout


def _resolve_unit(
    col: Column, rule: UnitRule, parts: list[str], layout: Layout, vocab: Vocabulary, where: str
) -> None:
    unit = None
    for p in reversed(parts):  # the child's own unit wins over a parent's
        unit = vocab.split_unit(p)[1]
        if unit:
            break
    if unit is None and layout.unit_default and rule.factor(layout.unit_default) is not None:
        unit = layout.unit_default
    if unit is None:
        unit = rule.default
        col.unit_assumed = True
        layout.notes.append(f"列「{col.header}」未注明单位，按 {unit} 处理")
    factor = rule.factor(unit)
    if factor is None:
        raise SheetError(f"{where}列「{col.header}」（{col.letter}列）: {rule.wrong(unit)}")
    col.unit = unit
    col.factor = factor
