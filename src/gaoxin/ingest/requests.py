"""12345-hotline-style exports of enterprise tickets (工单): the request vocabulary and row preparation.

A ticket export is read like any department file — `readers.read_file` (limits checked before parsing),
`headers.detect` with the `TICKETS` vocabulary (key column 工单编号), the shared row work of `ingest.rows`
(data rows, raw cells, 合计/说明 lines, duplicates, rejected rows, counts). What is ticket-specific lives here:
the column aliases, the text limits, and the cells read as text, timestamps (Excel serials, 2025年3月5日,
2025/3/5 14:20 …) and credit codes. Turning a ticket into case events is the case layer's job
(`gaoxin.cases.intake`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl

from gaoxin.ingest import headers, text, uscc
from gaoxin.ingest import rows as R
from gaoxin.ingest.prepare import sha256_of
from gaoxin.ingest.readers import RawSheet, ReadError, read_file
from gaoxin.ingest.vocabulary import Vocabulary


@dataclass(frozen=True)
class TicketColumn:
    target: str
    label: str
    aliases: tuple[str, ...]
    kind: str = "text"  # text | time | code
    max_len: int | None = None  # text limit (characters)


COLUMNS = (
    TicketColumn("ticket_no", "工单编号", ("工单号", "工单编码", "受理编号", "诉求编号", "件号"), "text", 40),
    TicketColumn(
        "opened_at",
        "受理时间",
        ("来电时间", "登记时间", "受理日期", "来电日期", "提出时间", "诉求时间"),
        "time",
    ),
    TicketColumn(
        "firm_name", "企业名称", ("诉求企业", "诉求人单位", "单位名称", "企业", "诉求主体"), "text", 100
    ),
    TicketColumn("uscc", "统一社会信用代码", ("社会信用代码", "信用代码", "企业信用代码"), "code"),
    TicketColumn("title", "诉求标题", ("工单标题", "标题", "事项标题", "主题"), "text", 100),
    TicketColumn(
        "content", "诉求内容", ("来电内容", "问题描述", "诉求描述", "反映内容", "具体诉求"), "text", 2000
    ),
    TicketColumn(
        "category",
        "诉求类别",
        ("诉求类型", "问题类别", "问题类型", "类别", "事项类别", "诉求分类"),
        "text",
        40,
    ),
    TicketColumn("urgency", "紧急程度", ("缓急程度", "紧急度"), "text", 10),
    TicketColumn(
        "department", "承办单位", ("承办部门", "责任单位", "主办单位", "办理单位", "承办单位名称"), "text", 60
    ),
    TicketColumn("status", "办理状态", ("工单状态", "处理状态", "状态", "办结状态"), "text", 20),
    TicketColumn("dispatched_at", "派单时间", ("交办时间", "转办时间", "派发时间"), "time"),
    TicketColumn("accepted_at", "签收时间", ("响应时间", "接单时间"), "time"),
    TicketColumn("answered_at", "答复时间", ("回复时间", "反馈时间", "答复日期"), "time"),
    TicketColumn("answer", "答复内容", ("办理结果", "回复内容", "处理结果", "答复意见"), "text", 2000),
    TicketColumn("closed_at", "办结时间", ("办结日期", "结案时间", "完成时间"), "time"),
    TicketColumn("visited_at", "回访时间", ("回访日期",), "time"),
    TicketColumn("satisfaction", "满意度", ("评价结果", "满意度评价", "回访结果", "企业评价"), "text", 20),
)
BY_TARGET = {c.target: c for c in COLUMNS}
TIME_TARGETS = tuple(c.target for c in COLUMNS if c.kind == "time")

TICKETS = Vocabulary(
    name="request",
    names=tuple((c.target, (c.label, *c.aliases)) for c in COLUMNS),
    key=("ticket_no",),
    key_label="「工单编号」",
    unit_rule=lambda target: None,  # a ticket sheet has no units
    entry=BY_TARGET.get,
    total=r"^(总?合计|总计|小计|共计)",
    note=r"^(注|说明|备注|填表|填报|制表|审核|数据来源|导出时间|导出人|打印时间)",
    header_total=r"^(总?合计|总计|小计|共计)",
    same_column=lambda target: "指同一项",
)


@dataclass(frozen=True)
class Limits:
    """What a ticket file may hold, checked before parsing (size) and right after reading (rows).

    gaoxin.settings has no import limits yet; these are the defaults the CLI and the web both pass."""

    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 100_000


LIMITS = Limits()


class TicketFileError(ValueError):
    """A ticket file that cannot be used at all; the message names the file (sheet, column) and the rule."""


@dataclass
class TicketSheet:
    """A read ticket file: one row per physical data row, every one accepted, rejected or skipped."""

    path: Path
    file_name: str
    sha256: str
    sheets: list[str]
    rows: pl.DataFrame  # _sheet _row _status _reasons _columns _raw + the targets' values (see ticket_rows)
    columns: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    layouts: dict[str, headers.Layout] = field(default_factory=dict)


# --- cells ---------------------------------------------------------------------------------------------

_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*[T\s]?\s*(\d{1,2})\s*[:：时点]\s*(\d{1,2})?\s*(?:[:：分]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?\s*分?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\s*(\d{2})(\d{2})(\d{2})?)?$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
EXCEL_EPOCH = datetime(1899, 12, 30)


def parse_time(cell: str | None) -> tuple[datetime | None, bool]:
    """(timestamp, has a time of day) of one cell; (None, False) for an empty or placeholder cell.

    Understands what reaches us from a hotline export: ISO text and xlsx dates (2025-03-05 14:20:00), Excel
    serials (45721.5972), 2025/3/5 14:20, 2025.3.5, 2025年3月5日 14时20分, 20250305. Raises ValueError otherwise.
    """
    s = unicodedata.normalize("NFKC", cell or "").strip()
    if s.lower() in text.NULL_TOKENS:
        return None, False
    if _SERIAL.match(s):
        serial = float(s)
        if not 20000 <= serial <= 80000:  # 1954 … 2119
            raise ValueError(s)
        at = EXCEL_EPOCH + timedelta(days=serial)
        at = (at + timedelta(seconds=30)).replace(second=0, microsecond=0)  # serial fractions: whole minutes
        return at, serial % 1 != 0
    m = _DATE.match(s) or _COMPACT.match(s)
    if not m:
        raise ValueError(s)
    y, mo, d, hh, mm, ss = m.groups()
    at = datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
    if not 1990 <= at.year <= 2100:
        raise ValueError(s)
    return at, hh is not None


def clean_text(cell: str | None) -> str | None:
    """A text cell trimmed, None when it is empty or a placeholder (—, /, 无数据 …)."""
    s = (cell or "").strip()
    return None if s.lower() in text.NULL_TOKENS else s


# --- the file ------------------------------------------------------------------------------------------


def check_limits(path: Path, limits: Limits = LIMITS) -> None:
    """The size limit, before any parsing (the reader checks existence, type and emptiness)."""
    if path.exists() and path.stat().st_size > limits.max_bytes:
        mb = path.stat().st_size / 1024 / 1024
        raise TicketFileError(
            f"{path.name}: 文件大小 {mb:.1f} MB 超过工单导入上限 {limits.max_bytes / 1024 / 1024:g} MB，"
            "请按月份拆分后分别导入"
        )


def read_tickets(path: Path | str, limits: Limits = LIMITS) -> TicketSheet:
    """Read, map and check every row of a ticket file (nothing is linked or written here).

    Raises TicketFileError (limits, no 工单编号 column, nothing below the header) or ReadError / SheetError.
    """
    path = Path(path)
    check_limits(path, limits)
    sheets = read_file(path)
    height = sum(s.grid.height for s in sheets)
    if height > limits.max_rows:
        raise TicketFileError(
            f"{path.name}: 共 {height} 行，超过工单导入上限 {limits.max_rows} 行，请按月份拆分后分别导入"
        )
    notes: list[str] = []
    columns: list[dict] = []
    frames: list[pl.DataFrame] = []
    layouts: dict[str, headers.Layout] = {}
    for sheet, layout in R.layouts(sheets, path.name, TICKETS, notes, columns):
        layouts[sheet.name] = layout
        _require(path.name, sheet, layout)
        frames.append(ticket_rows(sheet, layout))
    if not layouts:
        raise TicketFileError(
            f"{path.name}: 未找到工单表：须有「工单编号」列（已查看 {len(sheets)} 个工作表的前 "
            f"{headers.HEADER_SEARCH_ROWS} 行）。请确认导出的是 12345 工单明细表"
        )
    rows = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
    if rows.height == 0:
        raise TicketFileError(f"{path.name}: 表头之下没有数据行，应至少有一条工单")
    rows = R.mark_duplicates(
        rows,
        ["ticket_no"],
        [c.target for c in COLUMNS if c.target != "ticket_no"],
        same="与工作表「{}」第{}行完全重复（同一工单编号）",
        differ="同一工单编号出现多次且内容不一致（{}），请核对后只保留一行",
    )
    return TicketSheet(path, path.name, sha256_of(path), list(layouts), rows, columns, notes, layouts)


def _require(file_name: str, sheet: RawSheet, layout: headers.Layout) -> None:
    if "opened_at" not in layout.by_target():
        raise TicketFileError(
            f"{file_name} 工作表「{sheet.name}」: 缺少「受理时间」列（或 来电时间、登记时间），无法确定工单受理时间"
        )


def ticket_rows(sheet: RawSheet, layout: headers.Layout) -> pl.DataFrame:
    """One row per physical data row: status and reasons for what the cells themselves get wrong (an empty
    工单编号, an unreadable time, a bad credit code, text over its limit), the parsed values for the rest."""
    data = R.data_rows(sheet, layout)
    cols = sheet.grid.columns
    flags = data.select(R.line_flags(cols, TICKETS, lambda c: pl.col(c).str.strip_chars()))
    raw = data.select(R.raw_json(sheet, layout).alias("_raw")).get_column("_raw")
    by = layout.by_target()
    out: list[dict] = []
    for i, cells in enumerate(data.iter_rows(named=True)):
        flag = flags.row(i, named=True)
        rec: dict = {"_sheet": sheet.name, "_row": cells["_row"], "_raw": raw[i]}
        rec.update(_cells(cells, by, cols))
        status, reasons, bad_cols = "accepted", [], []
        no = rec.get("ticket_no")
        if flag["_blank"]:
            status, reasons = "skipped", ["空行"]
        elif rec.get("ticket_no") is None and flag["_total"]:
            status, reasons = "skipped", ["合计行（不是工单）"]
        elif flag["_note"] and (no is None or re.match(TICKETS.note, no)):
            status, reasons = "skipped", ["说明行（不是工单）"]
        elif no and re.match(TICKETS.total, no):
            status, reasons = "skipped", ["合计行（不是工单）"]
        else:
            for col, message in rec.pop("_problems"):
                bad_cols.append(col.header)
                reasons.append(f"列「{col.header}」({col.letter}列)：{message}")
            if rec.get("ticket_no") is None:
                key = layout.key
                bad_cols.insert(0, key.header)
                reasons.insert(0, f"列「{key.header}」({key.letter}列)：工单编号为空")
            if reasons:
                status = "rejected"
        rec.pop("_problems", None)
        rec.update(
            _status=status,
            _reasons="；".join(reasons) or None,
            _columns="、".join(bad_cols) or None,
        )
        out.append(rec)
    schema = {
        "_sheet": pl.Utf8,
        "_row": pl.Int32,
        "_raw": pl.Utf8,
        **{c.target: pl.Datetime("us") if c.kind == "time" else pl.Utf8 for c in COLUMNS},
        **{f"{t}_has_time": pl.Boolean for t in TIME_TARGETS},
        "_status": pl.Utf8,
        "_reasons": pl.Utf8,
        "_columns": pl.Utf8,
    }
    return pl.DataFrame(out, schema=schema)


def _cells(cells: dict, by: dict[str, headers.Column], cols: list[str]) -> dict:
    rec: dict = {"_problems": []}
    for target, col in by.items():
        spec = BY_TARGET[target]
        cell = cells[cols[col.index]]
        if spec.kind == "time":
            try:
                rec[target], rec[f"{target}_has_time"] = parse_time(cell)
            except ValueError:
                rec[target] = None
                rec["_problems"].append(
                    (
                        col,
                        f"无法识别的时间「{cell}」，应为 2025-03-05 14:20、2025/3/5、2025年3月5日 或 Excel 日期",
                    )
                )
            continue
        value = clean_text(cell)
        if spec.kind == "code" and value is not None:
            value = uscc.normalize(value)
            verdict = uscc.validate_array([value])[0]
            if verdict != uscc.OK:
                why = uscc.REASONS.get(verdict, "统一社会信用代码无效")
                rec["_problems"].append((col, f"{why}（GB 32100-2015），实际为「{value}」"))
        if spec.max_len and value is not None and len(value) > spec.max_len:
            rec["_problems"].append((col, f"{spec.label}超过 {spec.max_len} 字（实际 {len(value)} 字）"))
        rec[target] = value
    return rec


__all__ = [
    "COLUMNS",
    "LIMITS",
    "TICKETS",
    "Limits",
    "ReadError",
    "TicketFileError",
    "TicketSheet",
    "parse_time",
    "read_tickets",
]
