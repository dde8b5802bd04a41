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


def fed_facts(con, batch, rules: dict | None = None):
    """The 研发机构级别 facts this batch changes: every firm's level in every data year with the batch's platforms
    in force (`registries.feed`), where it differs from the value in force."""
    import polars as pl

    from gaoxin.registries.feed import changed_levels, institution_levels
    from gaoxin.registries.reviews import calendar_in_force
    from gaoxin.registries.rules import rules_in_force

    new = batch.accepted_rows("platform")
    if new.height == 0:
        return None
    cols = store.TABLES["platform"][1]
    before = store.platforms(con)
    names = new.get_column("name")
    rows = new.select(
        *cols,
        pl.col("_sheet").alias("sheet"),
        pl.col("_row").cast(pl.Int32).alias("row_no"),
        pl.lit(None, dtype=pl.Int32).alias("from_year"),
        pl.lit(None, dtype=pl.Int32).alias("to_year"),
    )
    kept = before.filter(~pl.col("name").is_in(names.implode())).select(
        *cols, "sheet", pl.col("row_no").cast(pl.Int32), "from_year", "to_year"
    )
    in_force = pl.concat([kept, rows], how="vertical_relaxed")
    worked = institution_levels(
        in_force,
        rules or rules_in_force(con),
        store.fact_years(con),
        store.firm_codes(con),
        calendar_in_force(con),
    )
    return changed_levels(worked, store.levels_in_force(con))


def zone_measures(con, rules: dict | None = None):
    """The home zone's 技术合同 and 研发机构 measures worked from the registers in force (`registries.zone_feed`),
    for every data year of the store and every year a contract was registered."""
    from gaoxin.registries.contracts import with_year
    from gaoxin.registries.reviews import calendar_in_force
    from gaoxin.registries.rules import rules_in_force
    from gaoxin.registries.zone_feed import zone_measures as work

    contracts = store.contracts(con)
    years = set(store.fact_years(con))
    if contracts.height:
        years |= set(with_year(contracts).get_column("year").drop_nulls().to_list())
    return work(
        con,
        store.platforms(con),
        contracts,
        rules or rules_in_force(con),
        sorted(years),
        calendar_in_force(con),
    )


def import_registry(
    con, path: Path | str, kind: str = "auto", rules: Path | str | None = None
) -> ImportOutcome:
    """One file, one batch: all its valid rows or nothing (a file that cannot be read writes nothing)."""
    return import_all(con, [path], kind, rules)[0]


def import_all(con, paths, kind: str = "auto", rules: Path | str | None = None) -> list[ImportOutcome]:
    """Every file is read and checked before any is written: one unreadable file stops the whole command. A
    rules file (`--rules`, the zone's copy of `registries/rules.toml`) is checked first and kept in the store:
    the figures worked from the registers now and after later imports use it."""
    from gaoxin.registries.refresh import refresh
    from gaoxin.registries.rules import RulesError, load_rules, remember, rules_in_force

    if rules is not None:
        try:
            load_rules(rules)
        except RulesError as exc:
            raise RegistryImportError(f"{exc}（本次导入未写入任何数据）") from None
    prepared = [prepare(p, kind) for p in paths]
    remember(con, rules)
    in_force = rules_in_force(con)
    out = []
    for batch in prepared:
        known = store.known_batch(con, batch.sha256)
        if known:
            out.append(ImportOutcome(batch.file_name, known["batch_id"], 0, 0, 0, True))
            continue
        store.convert_coded(
            con
        )  # codes of 科技局 files not yet in the register, before the levels are worked
        bid = store.write_registry_batch(con, batch, fed_facts(con, batch, in_force))
        # zone measures, and what the batch changed (its codes were converted just above)
        refresh(con, rules=in_force, batch_id=bid, force=True, convert=False)
        out.append(
            ImportOutcome(
                batch.file_name, bid, batch.accepted, batch.rejected, batch.skipped, False,
                batch.summary()["kinds"], dict(batch.sheet_kinds), tuple(batch.notes),
            )
        )  # fmt: skip
    return out
