"""Import of department files: prepare every file first, then commit each as one batch.

A file that cannot be read at all stops the whole command before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from gaoxin.ingest.headers import SheetError
from gaoxin.ingest.prepare import PreparedBatch, prepare_file
from gaoxin.ingest.readers import ReadError
from gaoxin.ingest.sources import SOURCES
from gaoxin.ingest.zones import prepare_zone_file
from gaoxin.store.imports import find_batch, write_batch
from gaoxin.store.zones import write_zone_batch


class ImportFailed(ValueError):
    """One clear message naming the file and what was expected; nothing was written."""


@dataclass
class ImportResult:
    batch: PreparedBatch
    batch_id: int | None
    status: str  # imported | duplicate
    previous: dict | None = None

    def as_json(self) -> dict:
        out = self.batch.summary()
        out.update(
            {
                "status": self.status,
                "batch_id": self.batch_id,
                "periods": self.batch.periods,
                "sheets": self.batch.sheets,
                "notes": self.batch.notes,
            }
        )
        if self.previous:
            out["imported_at"] = str(self.previous["imported_at"])
        return out


def prepare_all(
    paths: Sequence[Path | str],
    source: str = "auto",
    period: str | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> list[PreparedBatch]:
    if source not in SOURCES:
        raise ImportFailed(f"--source 应为 {' / '.join(SOURCES)} 之一，实际为「{source}」")
    if period is not None and not (len(period) == 4 and period.isdigit()):
        raise ImportFailed(f"--period 应为四位年份（如 2025），实际为「{period}」")
    prepared = []
    for p in paths:
        p = Path(p)
        if on_file:
            on_file(p)
        try:
            if source == "zone":  # zone-indicator files are keyed by the zone, not by 统一社会信用代码
                prepared.append(prepare_zone_file(p, period))
                continue
            prepared.append(prepare_file(p, source, period))
        except (ReadError, SheetError) as exc:
            raise ImportFailed(f"{exc}（本次导入未写入任何数据）") from exc
    return prepared


def commit_all(con: duckdb.DuckDBPyConnection, prepared: Sequence[PreparedBatch]) -> list[ImportResult]:
    results = []
    for batch in prepared:
        previous = find_batch(con, batch.sha256)
        if previous is not None:
            results.append(ImportResult(batch, previous["batch_id"], "duplicate", previous))
            continue
        if batch.source == "zone":
            results.append(ImportResult(batch, write_zone_batch(con, batch), "imported"))
            continue
        results.append(ImportResult(batch, write_batch(con, batch), "imported"))
    return results


def import_files(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path | str],
    source: str = "auto",
    period: str | None = None,
) -> list[ImportResult]:
    return commit_all(con, prepare_all(paths, source, period))
