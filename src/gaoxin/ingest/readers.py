"""Reading department files (xlsx, xls, csv) into raw string grids, one per sheet.

Cells come back as text exactly as the file holds them (numbers as their shortest repr), so every
conversion happens in one vectorised place (`parse.py`) and rejected rows keep their raw cells.
"""

from __future__ import annotations

import io
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl


class ReadError(ValueError):
    """A file that cannot be read at all. The message names the file and what was expected."""


@dataclass
class RawSheet:
    name: str
    grid: pl.DataFrame  # all columns Utf8, column i = sheet column col0 + i
    row0: int  # 0-based sheet row of grid row 0 (Excel row number = row0 + i + 1)
    col0: int  # 0-based sheet column of grid column 0


SUPPORTED = (".xlsx", ".xlsm", ".xls", ".csv")


def read_file(path: Path, csv_suffixes: tuple[str, ...] = (".csv",)) -> list[RawSheet]:
    """Every sheet of a user file as a raw grid; the file is checked (exists, type, size) before parsing.

    `csv_suffixes`: suffixes read as CSV text (a caller may accept '.txt' lists too).
    """
    suffix = path.suffix.lower()
    if not path.exists():
        raise ReadError(f"{path}: 文件不存在")
    if suffix not in SUPPORTED and suffix not in csv_suffixes:
        raise ReadError(f"{path.name}: 不支持的文件类型 '{suffix}'，应为 .xlsx / .xls / .csv")
    if path.stat().st_size == 0:
        raise ReadError(f"{path.name}: 文件为空（0 字节），应为含表头和数据的 Excel 或 CSV 文件")
    if suffix in csv_suffixes:
        return [_read_csv(path)]
    return _read_excel(path)


def _read_csv(path: Path) -> RawSheet:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise ReadError(f"{path.name}: 无法识别文件编码，应为 UTF-8 或 GBK 编码的 CSV")
    try:
        grid = pl.read_csv(
            io.StringIO(text),
            has_header=False,
            infer_schema=False,
            truncate_ragged_lines=True,
        )
    except pl.exceptions.PolarsError as exc:
        raise ReadError(f"{path.name}: CSV 无法解析（{exc}）") from exc
    return RawSheet("csv", grid, 0, 0)


def _read_excel(path: Path) -> list[RawSheet]:
    try:
        reader = fastexcel.read_excel(path)
    except Exception as exc:
        raise ReadError(
            f"{path.name}: 不是有效的 Excel 文件，无法打开（{type(exc).__name__}）。请确认文件未损坏，"
            "并以 .xlsx 格式另存后重新导入"
        ) from exc
    xlsx = path.suffix.lower() in (".xlsx", ".xlsm")
    with ThreadPoolExecutor(max_workers=1) as pool:
        origins = pool.submit(_xlsx_origins, path) if xlsx else None  # found while the reader parses
        grids = []
        for name in reader.sheet_names:
            try:
                grid = reader.load_sheet(name, header_row=None, dtypes="string").to_polars()
            except Exception as exc:
                raise ReadError(f"{path.name}: 工作表「{name}」无法读取（{exc}）") from exc
            grids.append((name, grid.rename({c: f"c{i}" for i, c in enumerate(grid.columns)})))
    starts = origins.result() if origins else {}
    return [RawSheet(name, grid, *starts.get(name, (0, 0))) for name, grid in grids]


_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _xlsx_origins(path: Path) -> dict[str, tuple[int, int]]:
    """First row and column holding a value, per sheet name.

    The reader drops leading empty rows/columns; we need them back so error messages name the real
    Excel row. Only the start of each sheet's XML is decompressed (the header block is there).
    """
    out: dict[str, tuple[int, int]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            wb = zf.read("xl/workbook.xml")
            rels = zf.read("xl/_rels/workbook.xml.rels")
            targets = dict(re.findall(rb'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
            targets.update(
                {k: v for v, k in re.findall(rb'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)}
            )
            for name, rid in re.findall(rb'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', wb):
                target = targets.get(rid, b"").decode()
                member = target.lstrip("/") if target.startswith("/") else "xl/" + target
                with zf.open(member) as fh:
                    head = fh.read(1 << 19)
                first_row, first_col = None, None
                for m in _CELL.finditer(head):
                    body = m.group(3)
                    if not body or (b"<v>" not in body and b"<is>" not in body and b"<v " not in body):
                        continue
                    row = int(m.group(2)) - 1
                    col = _col_index(m.group(1))
                    if first_row is None:
                        first_row = row
                    if row > first_row + 200:
                        break
                    first_col = col if first_col is None else min(first_col, col)
                sheet_name = _xml_unescape(name.decode())
                out[sheet_name] = (first_row or 0, first_col or 0)
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    return out


def _xml_unescape(s: str) -> str:
    return (
        s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )
