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

from gaoxin.settings import Limits, get_limits


class ReadError(ValueError):
    """A file that cannot be read at all. The message names the file and what was expected."""


@dataclass
class RawSheet:
    name: str
    grid: pl.DataFrame  # all columns Utf8, column i = sheet column col0 + i
    row0: int  # 0-based sheet row of grid row 0 (Excel row number = row0 + i + 1)
    col0: int  # 0-based sheet column of grid column 0


SUPPORTED = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv")
ARCHIVES = (".xlsx", ".xlsm", ".xlsb", ".ods")  # zip containers: members checked before parsing
_BIG_MEMBER = 8 * 1024 * 1024  # below this a member's compression ratio is not judged


def read_file(
    path: Path, csv_suffixes: tuple[str, ...] = (".csv",), limits: Limits | None = None
) -> list[RawSheet]:
    """Every sheet of a user file as a raw grid; the file is checked (exists, type, size, archive members,
    sheet extents against `gaoxin.settings.Limits`) before it is parsed.

    `csv_suffixes`: suffixes read as CSV text (a caller may accept '.txt' lists too).
    """
    limits = limits or get_limits()
    suffix = path.suffix.lower()
    if not path.exists():
        raise ReadError(f"{path}: 文件不存在")
    if suffix not in SUPPORTED and suffix not in csv_suffixes:
        raise ReadError(f"{path.name}: 不支持的文件类型 '{suffix}'，应为 .xlsx / .xls / .xlsb / .ods / .csv")
    size = path.stat().st_size
    if size == 0:
        raise ReadError(f"{path.name}: 文件为空（0 字节），应为含表头和数据的 Excel 或 CSV 文件")
    if size > limits.file_mb * 1024 * 1024:
        raise ReadError(
            f"{path.name}: 文件 {size / 1024 / 1024:.1f} MB，超过单个文件上限 {limits.file_mb:g} MB"
            "（GAOXIN_LIMIT_FILE_MB）；请按年度或部门拆分后分别导入"
        )
    if suffix in csv_suffixes:
        sheets = [_read_csv(path, limits)]
    else:
        if suffix in ARCHIVES:
            _check_archive(path, limits)
        sheets = _read_excel(path)
    for sheet in sheets:
        _check_extent(path, sheet.name, sheet.grid.height, sheet.grid.width, limits)
    return sheets


def _limit_error(path: Path, where: str, what: str, limit: str, var: str) -> ReadError:
    return ReadError(f"{path.name}: {where}{what}，超过上限 {limit}（{var}）；文件未导入，请拆分或检查文件")


def _check_extent(path: Path, where: str, rows: int, cols: int, limits: Limits, declared: str = "") -> None:
    """A sheet's rows, columns and cells against the limits (named after the sheet, or the archive member
    with the extent it declares)."""
    place = f"工作表文件「{where}」（声明范围 {declared}）" if declared else f"工作表「{where}」"
    if rows > limits.rows:
        raise _limit_error(path, place, f"有 {rows:,} 行", f"{limits.rows:,} 行", "GAOXIN_LIMIT_ROWS")
    if cols > limits.columns:
        raise _limit_error(path, place, f"有 {cols:,} 列", f"{limits.columns:,} 列", "GAOXIN_LIMIT_COLUMNS")
    if rows * cols > limits.cells:
        raise _limit_error(
            path, place, f"有 {rows:,} × {cols:,} 个单元格", f"{limits.cells:,} 个", "GAOXIN_LIMIT_CELLS"
        )


_DIMENSION = re.compile(rb'<dimension ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')


def _check_archive(path: Path, limits: Limits) -> None:
    """An xlsx / ods is a zip: every member's uncompressed size and compression ratio, and each worksheet's
    declared extent, are checked from the archive directory and the sheet's first bytes — before the reader
    inflates anything (a 1 MB file must not become gigabytes of cells)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(
            f"{path.name}: 不是有效的 Excel 文件，无法打开（{type(exc).__name__}）。请确认文件未损坏，"
            "并以 .xlsx 格式另存后重新导入"
        ) from None
    with zf:
        for info in zf.infolist():
            where = f"压缩包成员「{info.filename}」"
            if info.file_size > limits.member_mb * 1024 * 1024:
                raise _limit_error(
                    path,
                    where,
                    f"解压后 {info.file_size / 1024 / 1024:,.0f} MB",
                    f"{limits.member_mb:g} MB",
                    "GAOXIN_LIMIT_MEMBER_MB",
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _BIG_MEMBER and ratio > limits.ratio:
                raise _limit_error(
                    path, where, f"压缩比 {ratio:,.0f} 倍", f"{limits.ratio:g} 倍", "GAOXIN_LIMIT_RATIO"
                )
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                with zf.open(info) as fh:
                    head = fh.read(4096)
                m = _DIMENSION.search(head)
                if m and m.group(3):
                    rows = int(m.group(4)) - int(m.group(2)) + 1
                    cols = _col_index(m.group(3)) - _col_index(m.group(1)) + 1
                    declared = m.group(0).split(b'"')[1].decode()
                    _check_extent(path, info.filename, rows, cols, limits, declared)
                else:  # no extent declared (some exporters omit it): count what is there, in constant memory
                    _count_cells(path, zf, info, limits)


def _count_cells(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    """Stream the sheet's XML (1 MB at a time, never held whole) counting rows and cells; refuse as soon as
    either passes its limit — before the reader builds anything."""
    cells = rows = 0
    tail = b""
    where = f"工作表文件「{info.filename}」（未声明范围）"
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            block = tail + chunk
            cut = len(block) - 8  # a tag split across two chunks is counted in the next block
            body = block[:cut]  # bytes.count runs at memory speed; a regex pass would take seconds here
            cells += body.count(b"<c ") + body.count(b"<c>") + body.count(b"<c/>")
            rows += body.count(b"<row ") + body.count(b"<row>")
            tail = block[cut:]
            if cells > limits.cells:
                raise _limit_error(
                    path,
                    where,
                    f"已数到 {cells:,} 个单元格",
                    f"{limits.cells:,} 个",
                    "GAOXIN_LIMIT_CELLS",
                )
            if rows > limits.rows:
                raise _limit_error(
                    path,
                    where,
                    f"已数到 {rows:,} 行",
                    f"{limits.rows:,} 行",
                    "GAOXIN_LIMIT_ROWS",
                )


def _read_csv(path: Path, limits: Limits) -> RawSheet:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise ReadError(f"{path.name}: 无法识别文件编码，应为 UTF-8 或 GBK 编码的 CSV")
    # CRLF (Windows), CR alone (old Mac exports) and mixtures are all line ends: no row may vanish after a CR
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.count("\n") + 1
    if lines > limits.rows:
        raise _limit_error(path, "CSV ", f"有 {lines:,} 行", f"{limits.rows:,} 行", "GAOXIN_LIMIT_ROWS")
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
    except BaseException as exc:  # the spreadsheet reader's panics derive from BaseException
        _reraise_interrupts(exc)
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
            except BaseException as exc:  # a malformed cell can make the reader panic (BaseException)
                _reraise_interrupts(exc)
                raise ReadError(
                    f"{path.name}: 工作表「{name}」无法读取（{type(exc).__name__}）。请用 Excel 另存为 .xlsx 后重新导入"
                ) from None
            grids.append((name, grid.rename({c: f"c{i}" for i, c in enumerate(grid.columns)})))
    starts = origins.result() if origins else {}
    return [RawSheet(name, grid, *starts.get(name, (0, 0))) for name, grid in grids]


def _reraise_interrupts(exc: BaseException) -> None:
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
        raise exc


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
