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


def fed_facts(con, batch):
    """The 研发机构级别 facts this batch changes: for every firm hosting a platform the batch lists (or hosted one
    of them before), each data year's level with the batch's platforms in force (`registries.feed`)."""
    import polars as pl

    from gaoxin.registries.feed import institution_levels
    from gaoxin.registries.reviews import calendar_in_force
    from gaoxin.registries.rules import load_rules

    new = batch.accepted_rows("platform")
    if new.height == 0:
        return None
    cols = store.TABLES["platform"][1]
    before = store.platforms(con)
    names = new.get_column("name")
    firms = set(new.get_column("host_uscc").drop_nulls()) | set(
        before.filter(pl.col("name").is_in(names.implode())).get_column("host_uscc").drop_nulls()
    )
    rows = new.select(*cols, pl.col("_sheet").alias("sheet"), pl.col("_row").cast(pl.Int32).alias("row_no"))
    kept = before.filter(~pl.col("name").is_in(names.implode())).select(
        *cols, "sheet", pl.col("row_no").cast(pl.Int32)
    )
    in_force = pl.concat([kept, rows], how="vertical_relaxed")
    return institution_levels(
        in_force, load_rules(), store.fact_years(con), sorted(firms), calendar_in_force(con)
    )


def zone_measures(con):
    """The home zone's 技术合同 and 研发机构 measures worked from the registers in force (`registries.zone_feed`),
    for every data year of the store and every year a contract was registered."""
    from gaoxin.registries.contracts import with_year
    from gaoxin.registries.reviews import calendar_in_force
    from gaoxin.registries.rules import load_rules
    from gaoxin.registries.zone_feed import zone_measures as work

    contracts = store.contracts(con)
    years = set(store.fact_years(con))
    if contracts.height:
        years |= set(with_year(contracts).get_column("year").drop_nulls().to_list())
    return work(con, store.platforms(con), contracts, load_rules(), sorted(years), calendar_in_force(con))


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
        bid = store.write_registry_batch(con, batch, fed_facts(con, batch))
        if batch.accepted_rows("platform").height or batch.accepted_rows("contract").height:
            store.write_zone_measures(con, bid, zone_measures(con))
        out.append(
            ImportOutcome(
                batch.file_name, bid, batch.accepted, batch.rejected, batch.skipped, False,
                batch.summary()["kinds"], dict(batch.sheet_kinds), tuple(batch.notes),
            )
        )  # fmt: skip
    return out
