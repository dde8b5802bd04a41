"""A small, independent reader of the demo workbooks, used to check what the files really say.

It follows the conventions the importer is specified to follow (two-row headers flattened as
"parent/child", the child without its unit matched first against the aliases of `gaoxin.fields`,
then parent+child; units from the header parentheses; "—", "/", "…" and empty as null; full-width
characters folded; thousand separators dropped), but shares no code with the importer.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from functools import cache

import fastexcel

from gaoxin.demo.files import IGNORABLE_HEADERS, PLACEHOLDERS, TOTAL_LABEL
from gaoxin.fields import FIELDS

UNIT_FACTORS = {
    "万元": 1e4,
    "元": 1.0,
    "亩": 1.0,
    "平方米": 0.0015,
    "公顷": 15.0,
    "吨标准煤": 1.0,
    "万千瓦时": 1e4,
    "千瓦时": 1.0,
    "吨": 1.0,
    "人": 1.0,
}
_UNIT_RE = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
THOUSANDS_RE = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip()


@cache
def alias_table() -> dict[str, str]:
    return {nfkc(a): f.name for f in FIELDS for a in (*f.aliases, f.label)}


def split_unit(text: str) -> tuple[str, str | None]:
    """'税收实际贡献（万元）' → ('税收实际贡献', '万元') after NFKC folding."""
    t = nfkc(text)
    m = _UNIT_RE.match(t)
    return (m.group(1).strip(), m.group(2).strip()) if m else (t, None)


def match_header(name: str) -> tuple[str | None, str | None]:
    """(field, unit) for a flattened header; field None if unknown, "ignore" for a known ignorable."""
    parts = name.split("/")
    child, unit = split_unit(parts[-1])
    ignorable = {nfkc(h) for h in IGNORABLE_HEADERS}
    table = alias_table()
    if child in ignorable:
        return "ignore", unit
    if child in table:
        return table[child], unit
    if len(parts) > 1:
        parent, punit = split_unit(parts[0])
        if parent + child in table:
            return table[parent + child], unit or punit
    return None, unit


def merged_ranges(path, sheet_index: int) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a sheet as 0-based (r1, c1, r2, c2), read from the sheet XML."""
    with zipfile.ZipFile(path) as z:
        xml = z.read(f"xl/worksheets/sheet{sheet_index + 1}.xml").decode()
    out = []
    for ref in re.findall(r'<mergeCell ref="([A-Z]+\d+):([A-Z]+\d+)"', xml):
        (c1, r1), (c2, r2) = (_cell(x) for x in ref)
        out.append((r1, c1, r2, c2))
    return out


def _cell(ref: str) -> tuple[int, int]:
    m = re.match(r"([A-Z]+)(\d+)", ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return col - 1, int(m.group(2)) - 1


def read_rows(path, sheet: str) -> list[list[str | None]]:
    """All cells as strings (None for empty), blank rows kept, row 0 = Excel row 1."""
    df = fastexcel.read_excel(path).load_sheet(sheet, header_row=None, dtypes="string").to_polars()
    return [list(r) for r in df.iter_rows()]


@dataclass
class Table:
    headers: list[str]  # flattened
    fields: list[str | None]
    units: list[str | None]
    header_rows: list[int]  # 0-based
    rows: list[list[str | None]]  # all rows of the sheet


def read_table(path, sheet: str, sheet_index: int) -> Table:
    """Find the header (the first row with a recognisable USCC header), flatten it, map it."""
    rows = read_rows(path, sheet)
    merges = merged_ranges(path, sheet_index)
    top = next(i for i, r in enumerate(rows) if any(c and nfkc(c) == "统一社会信用代码" for c in r))
    vertical = {
        (r1, c) for r1, c1, r2, c2 in merges if r1 == top and r2 == top + 1 for c in range(c1, c2 + 1)
    }
    horizontal = {}
    for r1, c1, r2, c2 in merges:
        if r1 == top and r2 == top and c2 > c1:
            for c in range(c1, c2 + 1):
                horizontal[c] = rows[top][c1]
    two_row = any(r1 == top and r2 == top + 1 for r1, _, r2, _ in merges)
    ncol = len(rows[top])
    headers = []
    for c in range(ncol):
        parent = horizontal.get(c, rows[top][c])
        if not two_row or (top, c) in vertical:
            headers.append(parent)
        else:
            headers.append(f"{parent}/{rows[top + 1][c]}")
    matched = [match_header(h) for h in headers]
    return Table(
        headers, [m[0] for m in matched], [m[1] for m in matched], [top, top + 1] if two_row else [top], rows
    )


def row_kind(row: list[str | None]) -> str:
    """blank | total | note | data, from the cells alone."""
    cells = [c for c in row if c is not None and str(c).strip() != ""]
    if not cells:
        return "blank"
    first = nfkc(cells[0])
    if first in (TOTAL_LABEL, "总计"):
        return "total"
    if first.startswith("注:"):
        return "note"
    return "data"


def parse_number(cell: str | None) -> float | None:
    if cell is None:
        return None
    t = nfkc(cell)
    if t == "" or t in {nfkc(p) for p in PLACEHOLDERS} or t == "-":
        return None
    return float(t.replace(",", ""))


def parse_flag(cell: str | None) -> float | None:
    if cell is None or nfkc(cell) == "":
        return None
    return {"是": 1.0, "否": 0.0}[nfkc(cell)]
