"""Keep what the registers feed current: the 研发机构级别 facts cultivation reads and the home zone's 技术合同 /
研发机构 measures the ranking reads are worked again whenever one of their inputs changes — a registry list, a
科技局 file (a new data year, new firms, a 研发机构级别 column still sent: its codes become register rows to
verify), the denominator's batch (从业人员), a loaded calendar — not only at a list's import. Called by every
import path (`gaoxin import`, the web upload, `gaoxin registry import`); a store whose inputs did not change
since the last refresh is left alone after one small read, and only values that differ are written (an
unchanged store keeps its run ids)."""

from __future__ import annotations

from dataclasses import dataclass

from gaoxin.store import registries as store
from gaoxin.store.queries import max_batch_id
from gaoxin.store.users import get_setting, put_setting

STAMP_KEY = "registries.refreshed"


@dataclass(frozen=True)
class Refreshed:
    skipped: bool = False
    converted: int = 0  # register rows (待核实) made from 研发机构级别 codes of 科技局 files
    coded: int = 0  # codes the batches just imported carried (the column the register now replaces)
    levels: int = 0  # 研发机构级别 facts written
    measures: int = 0  # zone measures written

    def message(self, *, web: bool = False, english: bool = False) -> str | None:
        """What a user is told after an import (None when there is nothing to say): where to look and what to
        do next — the commands for `gaoxin import`, the 创新登记 page for the web upload (`web`)."""
        if not self.coded and not self.converted:
            return None
        if english:
            done = (
                f"{self.converted} became records to verify (待核实) in the innovation-platform register"
                if self.converted
                else "the register already holds matching records to verify"
            )
            return (
                f"R&D institution level: the {self.coded} codes of the 研发机构级别 column in this import are no "
                f"longer used directly; {done}. The register decides: check them on the Registers (创新登记) page "
                "and import the S&T / industry bureau's platform list there once verified."
            )
        done = (
            f"已转为创新平台台账中待核实的 {self.converted} 条记录"
            if self.converted
            else "台账中已有对应的待核实记录"
        )
        where = (
            "在「创新登记」页查看，以科技局/工信局平台名单核实后在该页导入"
            if web
            else "gaoxin registry due 查看，以科技局/工信局平台名单核实后导入 gaoxin registry import"
        )
        return f"研发机构级别：本次导入的 {self.coded} 个“研发机构级别”代码不再直接使用，{done}（以台账为准；{where}）"


def refresh(
    con,
    *,
    rules: dict | None = None,
    batch_id: int | None = None,
    force: bool = False,
    batches=(),
    convert: bool = True,
) -> Refreshed:
    """Work the registry-fed figures again if an input changed since the last time (or `force`). `batch_id`:
    the registry batch the changes belong to (else they are written after the latest batch: levels as a batch
    of their own, measures stamped with the latest batch); `batches`: the batches just imported (for the
    message about a 研发机构级别 column); `convert=False` when the caller has just converted the codes."""
    from gaoxin.registries.feed import changed_levels, institution_levels
    from gaoxin.registries.intake import zone_measures
    from gaoxin.registries.reviews import calendar_in_force
    from gaoxin.registries.rules import rules_in_force
    from gaoxin.registries.zone_feed import changed_measures

    rules = rules or rules_in_force(con)
    stamp = f"{store.inputs_stamp(con)}|{rules['sha256']}"
    if not force and get_setting(con, STAMP_KEY) == stamp:
        return Refreshed(skipped=True)
    coded = store.coded_in_batches(con, list(batches))
    converted = store.convert_coded(con) if convert else 0
    have = store.has_register(con)
    levels = measures = 0
    if have["listed"]:  # converted codes alone say what the facts in force say: nothing to write
        worked = institution_levels(
            store.platforms(con), rules, store.fact_years(con), store.firm_codes(con), calendar_in_force(con)
        )
        delta = changed_levels(worked, store.levels_in_force(con))
        if delta.height:
            if batch_id is None:
                store.write_worked_facts(con, delta, max_batch_id(con))
            else:  # a registry batch's own changes are written with it (intake.fed_facts): only what is left
                store.write_worked_facts(con, delta, batch_id)
            levels = delta.height
    if have["listed"] or have["contracts"]:
        got = changed_measures(zone_measures(con, rules), store.zone_measures(con))
        if got.height:
            store.write_zone_measures(con, batch_id or max_batch_id(con), got)
            measures = got.height
    put_setting(con, STAMP_KEY, f"{store.inputs_stamp(con)}|{rules['sha256']}")
    return Refreshed(False, converted, coded, levels, measures)


def after_import(con, results) -> Refreshed:
    """What every import path (`gaoxin import`, the web upload) runs once its batches are written: the
    registry-fed figures worked on the new data (its `message` is what the user is told)."""
    return refresh(con, batches=[r.batch_id for r in results if r.status == "imported"])
