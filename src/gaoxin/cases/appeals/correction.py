"""An accepted correction as an import batch through the normal batch path (store.imports.write_batch):
one fact per corrected cell, the file named 申诉更正 with the case number. The batch keeps the disputed
cell's department as its source, so that under the store's precedence (the field's preferred department,
then the latest batch) the department's own corrected figure is the value in force."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import polars as pl

from gaoxin.store import imports

CORRECTION = "申诉更正"
SHEET = "申诉更正"


@dataclass
class CorrectionBatch:
    file_name: str
    sha256: str
    source: str
    periods: list[str]
    sheets: list[str]
    rows: int
    accepted: int
    rejected: int
    skipped: int
    facts: pl.DataFrame
    attrs: pl.DataFrame
    parcels: pl.DataFrame
    rejected_rows: pl.DataFrame
    columns: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def correction_batch(case_id: str, source: str, cells: list[dict]) -> CorrectionBatch:
    """cells: uscc, period, indicator, value (canonical), unit — one fact each, row 1, 2, … of sheet 申诉更正."""
    facts = pl.DataFrame(
        {
            "uscc": [c["uscc"] for c in cells],
            "period": [c["period"] for c in cells],
            "indicator": [c["indicator"] for c in cells],
            "value": [float(c["value"]) for c in cells],
            "unit": [c["unit"] for c in cells],
            "sheet": [SHEET] * len(cells),
            "row_no": list(range(1, len(cells) + 1)),
        },
        schema={
            "uscc": pl.Utf8,
            "period": pl.Utf8,
            "indicator": pl.Utf8,
            "value": pl.Float64,
            "unit": pl.Utf8,
            "sheet": pl.Utf8,
            "row_no": pl.Int64,
        },
    ).sort(["uscc", "period", "indicator"])
    body = json.dumps([case_id, source, cells], ensure_ascii=False, sort_keys=True, default=str)
    return CorrectionBatch(
        file_name=f"{CORRECTION} {case_id}",
        sha256=hashlib.sha256(body.encode()).hexdigest(),
        source=source,
        periods=sorted({c["period"] for c in cells}),
        sheets=[SHEET],
        rows=len(cells),
        accepted=len(cells),
        rejected=0,
        skipped=0,
        facts=facts,
        attrs=pl.DataFrame(schema={"uscc": pl.Utf8}),
        parcels=pl.DataFrame(schema={"uscc": pl.Utf8}),
        rejected_rows=pl.DataFrame(
            schema={
                "sheet": pl.Utf8,
                "row_no": pl.Int64,
                "disposition": pl.Utf8,
                "columns": pl.Utf8,
                "reasons": pl.Utf8,
                "raw_json": pl.Utf8,
            }
        ),
        notes=[f"{CORRECTION}：案件 {case_id}，责任部门核实数值"],
    )


def write_correction(con, case_id: str, source: str, cells: list[dict]) -> int:
    """Write the correction batch (all or nothing); the same case and cells a second time are refused by the
    batch's sha256 like any re-imported file. Returns the batch id."""
    batch = correction_batch(case_id, source, cells)
    found = imports.find_batch(con, batch.sha256)
    if found is not None:
        return found["batch_id"]
    return imports.write_batch(con, batch)
