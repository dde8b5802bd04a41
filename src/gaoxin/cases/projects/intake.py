"""项目台账 import: each accepted row of a 招商局 ledger becomes a project case on `project-standard`, opened
on its 签约日期, through the same header check as a project entered by hand (`book.project_header`).

All or nothing: the batch, its rejected / skipped rows (file, sheet, row, column, reason, raw cells) and the
cases are written together or not at all; every physical row is accounted for (accepted + rejected + skipped =
rows). Re-importing the same file (sha256) adds nothing; a project already in the 项目库 (same 项目名称 and
信用代码) is skipped with its case id."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import duckdb
import polars as pl

from gaoxin.cases.ledger import CaseError, open_many
from gaoxin.cases.projects import book
from gaoxin.flows import Event
from gaoxin.ingest import headers
from gaoxin.ingest import projects as P
from gaoxin.ingest import rows as R
from gaoxin.ingest.readers import ReadError
from gaoxin.store import case_intake
from gaoxin.store import projects as store
from gaoxin.store.imports import find_batch

SOURCE = "项目台账"
ACTOR = "项目台账导入"
HEADER_KEYS = ("uscc", "firm_name", "town", "industry", "owner", "chain_node", "full_year")


class ImportFailed(ValueError):
    """A ledger that cannot be imported at all; one line naming the file and the rule, nothing written."""


@dataclass
class ImportOutcome:
    file: str
    sha256: str
    status: str  # imported | duplicate | preview
    batch_id: int | None
    rows: int
    accepted: int
    rejected: int
    skipped: int
    case_ids: list[str] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)  # sheet, row_no, disposition, columns, reasons
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


def _existing(con) -> dict[tuple[str, str], str]:
    rows = store.project_rows(con, book.DOMAIN)
    return {
        (r["title"], r["uscc"] or ""): r["case_id"]
        for r in rows.select("case_id", "title", "uscc").to_dicts()
    }


def _header(con, r: dict) -> dict:
    numbers = {k: r[k] for k in book.NUMBERS if r.get(k) is not None}
    extra = {k: r[k] for k in HEADER_KEYS if r.get(k) is not None}
    kind = r.get("kind") or "新签"
    if kind not in ("新签", "增资"):
        raise CaseError(f"项目类型应为 新签 或 增资，实际为「{kind}」")
    return book.project_header(con, title=r["title"], kind=kind, key=bool(r.get("key")), **extra, **numbers)


def _place(sheet: P.ProjectSheet, r: dict, target: str | None) -> tuple[str, str | None]:
    col = sheet.layouts[r["_sheet"]].by_target().get(target) if target else None
    return (R.cell_place(col) + "：", col.header) if col else ("", None)


def _why_target(message: str) -> str | None:
    """The column a header refusal is about (the refusals name the field)."""
    for key in ("investment_wan", "land_mu", *book.COMMITMENTS):
        if key in message:
            return key
    if "协议投资" in message or "用地" in message:
        return "investment_wan"
    if "信用代码" in message:
        return "uscc"
    if "项目类型" in message:
        return "kind"
    return None


REQUIRED = {"investment_wan": "总投资（万元）", "land_mu": "用地面积（亩）"}


def _missing(sheet: P.ProjectSheet, r: dict) -> tuple[str, str] | None:
    """A project needs its agreed investment and land (as one entered by hand): the first one missing."""
    by = sheet.layouts[r["_sheet"]].by_target()
    for target, label in REQUIRED.items():
        if r.get(target) is None:
            col = by.get(target)
            if col is None:
                return f"工作表缺少「{label}」列，项目须有协议投资和用地", label
            return f"{R.cell_place(col)}：{label}为空，项目须有协议投资和用地", col.header
    return None


def dispose(con, sheet: P.ProjectSheet, actor: str, now: datetime):
    """Every row's final status and the cases to open: (rows, cases)."""
    done = _existing(con)
    statuses, reasons, bad_cols = [], [], []
    cases: list[tuple[dict, list[Event]]] = []
    for r in sheet.rows.iter_rows(named=True):
        status, reason, cols = r["_status"], r["_reasons"], r["_columns"]
        if status == "accepted" and (r["title"], r["uscc"] or "") in done:
            status, reason = "skipped", f"项目已在项目库（{done[(r['title'], r['uscc'] or '')]}），未重复导入"
        elif status == "accepted" and (missing := _missing(sheet, r)):
            status, reason, cols = "rejected", missing[0], missing[1]
        elif status == "accepted":
            try:
                header = _header(con, r)
            except CaseError as exc:
                where, cols = _place(sheet, r, _why_target(str(exc)))
                status, reason = "rejected", where + str(exc)
            else:
                signed: date | None = r.get("signed_on")
                at = datetime.combine(signed, time(9)) if signed else now
                header["fields"]["source_row"] = {"sheet": r["_sheet"], "row": r["_row"]}
                cases.append((header, [Event(at, actor, "analyst", "open", {}, f"{SOURCE}导入")]))
        statuses.append(status)
        reasons.append(reason)
        bad_cols.append(cols)
    rows = sheet.rows.with_columns(
        pl.Series("_status", statuses, pl.Utf8),
        pl.Series("_reasons", reasons, pl.Utf8),
        pl.Series("_columns", bad_cols, pl.Utf8),
    )
    cases.sort(key=lambda c: c[1][0].at)  # case numbers in signing order
    return rows, cases


def read(path: Path | str, limits: P.Limits = P.LIMITS) -> P.ProjectSheet:
    try:
        return P.read_projects(path, limits)
    except (ReadError, headers.SheetError, P.ProjectFileError) as exc:
        raise ImportFailed(f"{exc}（本次导入未写入任何数据）") from None


def import_projects(
    con: duckdb.DuckDBPyConnection,
    path: Path | str,
    *,
    cal,
    actor: str = ACTOR,
    limits: P.Limits = P.LIMITS,
    now: datetime | None = None,
    dry_run: bool = False,
) -> ImportOutcome:
    """Import one 项目台账 (or, with `dry_run`, say what it would do and write nothing)."""
    sheet = read(path, limits)
    now = now or datetime.now()
    previous = find_batch(con, sheet.sha256)
    if previous is not None:
        return ImportOutcome(
            sheet.file_name, sheet.sha256, "duplicate", previous["batch_id"], sheet.rows.height, 0, 0,
            sheet.rows.height,
            notes=[f"与批次 #{previous['batch_id']}（{previous['file_name']}）内容相同（sha256 一致），本次未做任何改动"],
        )  # fmt: skip
    rows, cases = dispose(con, sheet, actor, now)
    counts = R.status_counts(rows)
    rejected = R.rejected_frame(rows)
    batch = {
        "file_name": sheet.file_name,
        "sha256": sheet.sha256,
        "source": SOURCE,
        "periods": sorted({f"{e[0].at:%Y}" for _h, e in cases}),
        "sheets": sheet.sheets,
        "rows": rows.height,
        "accepted": counts.get("accepted", 0),
        "rejected": counts.get("rejected", 0),
        "skipped": counts.get("skipped", 0),
        "columns": sheet.columns,
        "notes": sheet.notes,
    }
    out = ImportOutcome(
        sheet.file_name, sheet.sha256, "preview" if dry_run else "imported", None, rows.height,
        batch["accepted"], batch["rejected"], batch["skipped"], rejects=rejected.drop("raw_json").to_dicts(),
        notes=list(sheet.notes),
    )  # fmt: skip
    if dry_run:
        out.case_ids = [h["title"] for h, _e in cases]
        return out
    batch_id = case_intake.write_intake_batch(con, batch, rejected)
    for h, _e in cases:
        h["fields"]["batch_id"] = batch_id
    try:
        ids = open_many(
            con, domain=book.DOMAIN, prefix=book.PREFIX, flow_ref=book.FLOW, cal=cal, cases=cases, now=now
        )
    except BaseException:
        case_intake.drop_intake_batch(con, batch_id)
        raise
    if ids:
        book.refresh_board(con, cal, now.date(), ids)
    out.batch_id, out.case_ids = batch_id, ids
    return out


__all__ = ["ImportFailed", "ImportOutcome", "import_projects", "read"]
