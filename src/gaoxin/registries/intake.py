"""Import a registry file as one batch through the normal path: read and check every row (`ingest.registries`),
then write the accepted rows and the rejected ones in one transaction (`store.registries`). The same file twice
is imported once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gaoxin.ingest.headers import SheetError
from gaoxin.ingest.readers import ReadError
from gaoxin.ingest.registries import RegistryFileError, read_registry_file
from gaoxin.store import registries as store


class RegistryImportError(ValueError):
    """A registry file that cannot be used; the message names the file (sheet, column) and the rule."""


@dataclass
class ImportOutcome:
    file_name: str
    batch_id: int | None
    accepted: int
    rejected: int
    skipped: int
    duplicate: bool = False
    kinds: dict[str, int] = field(default_factory=dict)  # kind → accepted rows
    sheets: dict[str, str] = field(default_factory=dict)  # sheet → kind
    notes: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {
            "file": self.file_name,
            "batch_id": self.batch_id,
            "status": "duplicate" if self.duplicate else "imported",
            "accepted": self.accepted,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "kinds": self.kinds,
            "sheets": self.sheets,
            "notes": list(self.notes),
        }


def prepare(path: Path | str, kind: str = "auto"):
    try:
        return read_registry_file(Path(path), kind)
    except (RegistryFileError, ReadError, SheetError) as exc:
        raise RegistryImportError(f"{exc}（本次导入未写入任何数据）") from None


def import_registry(con, path: Path | str, kind: str = "auto") -> ImportOutcome:
    """One file, one batch: all its valid rows or nothing (a file that cannot be read writes nothing)."""
    return import_all(con, [path], kind)[0]


def import_all(con, paths, kind: str = "auto") -> list[ImportOutcome]:
    """Every file is read and checked before any is written: one unreadable file stops the whole command."""
    prepared = [prepare(p, kind) for p in paths]
    out = []
    for batch in prepared:
        known = store.known_batch(con, batch.sha256)
        if known:
            out.append(ImportOutcome(batch.file_name, known["batch_id"], 0, 0, 0, True))
            continue
        bid = store.write_registry_batch(con, batch)
        out.append(
            ImportOutcome(
                batch.file_name, bid, batch.accepted, batch.rejected, batch.skipped, False,
                batch.summary()["kinds"], dict(batch.sheet_kinds), tuple(batch.notes),
            )
        )  # fmt: skip
    return out
