"""The land register as the CLI and the pages use it: import a 宗地台账 or a geometry file through the normal
path, work every parcel's clocks and flags as of a day, one parcel's page, the ranking by recoverable value
and the matching of idle space to open 招商 leads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from gaoxin.cases.land.clocks import clocks
from gaoxin.cases.land.flags import lowuse_flags
from gaoxin.cases.land.rules import load_rules
from gaoxin.ingest.headers import SheetError
from gaoxin.ingest.land import LandFileError, read_land_file
from gaoxin.ingest.land_geometry import GeometryError, read_geometry
from gaoxin.ingest.readers import ReadError
from gaoxin.store import land as store


class LandError(ValueError):
    """A land file or request that cannot be used; the message says why (Chinese, names file and rule)."""


@dataclass
class ImportOutcome:
    file_name: str
    batch_id: int | None
    kind: str  # 宗地台账 | 宗地图形
    accepted: int
    rejected: int
    skipped: int
    duplicate: bool = False
    notes: tuple[str, ...] = ()


def import_land(con, path: Path | str) -> ImportOutcome:
    """A 宗地台账 xlsx / csv, or a GeoJSON / shapefile of the outlines; the same file twice is not imported twice."""
    path = Path(path)
    try:
        if path.suffix.lower() in (".geojson", ".json", ".shp"):
            g = read_geometry(path)
            known = store.known_batch(con, g.sha256)
            if known:
                return ImportOutcome(path.name, known["batch_id"], "宗地图形", 0, 0, 0, True)
            bid = store.write_geometry_batch(con, g)
            return ImportOutcome(path.name, bid, "宗地图形", len(g.rows), 0, 0)
        batch = read_land_file(path)
    except (LandFileError, GeometryError, ReadError, SheetError) as exc:
        raise LandError(str(exc)) from None
    known = store.known_batch(con, batch.sha256)
    if known:
        return ImportOutcome(path.name, known["batch_id"], "宗地台账", 0, 0, 0, True)
    bid = store.write_land_batch(con, batch)
    return ImportOutcome(
        path.name, bid, "宗地台账", batch.accepted, batch.rejected, batch.skipped, False, tuple(batch.notes)
    )


def evaluate(con, as_of: date, rules_path: Path | str | None = None, town: str | None = None) -> dict:
    """Every parcel's clocks and 低效 flags as of `as_of` (three reads, then Polars over all parcels)."""
    rules = load_rules(rules_path)
    parcels = store.parcels(con, town)
    decisions = store.decisions(con)
    lw = rules["lowuse"]["no_power"]
    months = store.firm_month_aggregates(con, int(lw["window_months"]), float(lw["kwh_below"]))
    classes = store.mujun_classes(con)
    return {
        "rules": rules,
        "parcels": parcels,
        "clocks": clocks(parcels, decisions, as_of, rules),
        "flags": lowuse_flags(parcels, months, classes, as_of, rules),
    }


def register_rows(ev: dict) -> pl.DataFrame:
    """The register list: each parcel with its 53号令 status and the rules it is flagged by."""
    per = (
        ev["flags"]
        .group_by("parcel_no")
        .agg(pl.col("title").alias("flag_titles"), pl.col("rule").alias("flag_rules"))
    )
    c = ev["clocks"].select(
        "parcel_no",
        "status",
        "idle",
        "candidate",
        "fee_eligible",
        "reclaim_eligible",
        "investigate_overdue",
        "idle_days",
    )
    return (
        ev["parcels"].join(c, on="parcel_no", how="left").join(per, on="parcel_no", how="left")
        .with_columns(pl.col("flag_rules").fill_null([]), pl.col("flag_titles").fill_null([]))
    )  # fmt: skip


def flag_colour(status: str | None, rules_: list[str]) -> str:
    """The map's category for a parcel: 闲置 over 候选 over 低效 over 正常."""
    if status == "闲置":
        return "idle"
    if status and ("候选" in status or "政府" in status or "中止" in status):
        return "candidate"
    return "lowuse" if rules_ else "normal"


def recoverable(con, ev: dict) -> pl.DataFrame:
    """Per flagged or idle parcel: (zone median 亩均税收 − the firm's) × 亩, and the same for 亩均增加值 (万元).

    The median is over the register's firms that have the latest year's figure; a holder without one (an idle
    parcel's holder often files nothing) counts as 0 — the whole median is recoverable."""
    facts = store.firm_yearly_facts(con, ("tax_paid", "value_added"))
    wide = (
        facts.pivot(on="indicator", index="uscc", values="value", aggregate_function="sum")
        if facts.height
        else pl.DataFrame(schema={"uscc": pl.Utf8})
    )
    for col in ("tax_paid", "value_added"):
        if col not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(col))
    reg = register_rows(ev)
    land = reg.group_by("uscc").agg(firm_mu=pl.col("area_mu").sum())
    firm = land.join(wide, on="uscc", how="left").with_columns(
        tax_per_mu=pl.col("tax_paid") / pl.col("firm_mu"),
        va_per_mu=pl.col("value_added") / pl.col("firm_mu"),
    )
    med_tax, med_va = firm["tax_per_mu"].median() or 0.0, firm["va_per_mu"].median() or 0.0
    out = reg.join(firm.select("uscc", "tax_per_mu", "va_per_mu"), on="uscc", how="left").with_columns(
        median_tax_per_mu=pl.lit(med_tax),
        median_va_per_mu=pl.lit(med_va),
        recoverable_tax_wan=(
            (pl.lit(med_tax) - pl.col("tax_per_mu").fill_null(0)).clip(lower_bound=0) * pl.col("area_mu")
        ),
        recoverable_va_wan=(
            (pl.lit(med_va) - pl.col("va_per_mu").fill_null(0)).clip(lower_bound=0) * pl.col("area_mu")
        ),
    )
    hit = (
        pl.col("idle").fill_null(False)
        | pl.col("candidate").fill_null(False)
        | (pl.col("flag_rules").list.len() > 0)
    )
    return out.filter(hit).sort("recoverable_tax_wan", descending=True, nulls_last=True)


def matches(con, ev: dict, limit: int = 3) -> list[dict]:
    """Idle or flagged parcels (and buildings with vacant floor space) matched to open leads' space needs by
    area (the lead's need within 60–150 % of what is free), industrial use, and the same town first."""
    needs = store.open_space_needs(con)
    if needs.height == 0:
        return []
    reg = register_rows(ev)
    free = reg.filter(
        pl.col("idle").fill_null(False)
        | pl.col("candidate").fill_null(False)
        | (pl.col("flag_rules").list.len() > 0)
    ).select("parcel_no", "area_mu", "land_use", "town", "industry_name")
    bld = (
        store.buildings(con)
        .filter(pl.col("vacant_m2").fill_null(0) > 0)
        .select("building_no", "parcel_no", "vacant_m2", "use")
    )
    out = []
    for n in needs.iter_rows(named=True):
        cands = []
        if n["land_mu"]:
            f = free.filter(
                (pl.col("area_mu") >= n["land_mu"] * 0.6) & (pl.col("area_mu") <= n["land_mu"] * 1.5)
            )
            for p in f.iter_rows(named=True):
                score = (
                    1
                    - abs(p["area_mu"] - n["land_mu"]) / n["land_mu"]
                    + (0.3 if p["town"] == n["town"] else 0)
                    + (0.2 if (p["land_use"] or "").startswith("工业") else 0)
                )
                cands.append(
                    {
                        "kind": "宗地",
                        "id": p["parcel_no"],
                        "size": p["area_mu"],
                        "unit": "亩",
                        "town": p["town"],
                        "score": round(score, 3),
                    }
                )
        if n["space_sqm"]:
            f = bld.filter(
                (pl.col("vacant_m2") >= n["space_sqm"] * 0.6) & (pl.col("vacant_m2") <= n["space_sqm"] * 1.5)
            )
            for b in f.iter_rows(named=True):
                score = 1 - abs(b["vacant_m2"] - n["space_sqm"]) / n["space_sqm"]
                cands.append(
                    {
                        "kind": "厂房",
                        "id": b["building_no"],
                        "parcel_no": b["parcel_no"],
                        "size": b["vacant_m2"],
                        "unit": "m²",
                        "score": round(score, 3),
                    }
                )
        if cands:
            out.append({**n, "offers": sorted(cands, key=lambda c: -c["score"])[:limit]})
    return out


def parcel_page(con, ev: dict, parcel_no: str) -> dict:
    """One parcel: the register row, contract vs actual timeline, clocks, flags with evidence, buildings,
    decisions, the holder's 亩均 history and its disposal cases."""
    row = ev["parcels"].filter(pl.col("parcel_no") == parcel_no)
    if row.height == 0:
        raise LandError(f"没有宗地编号为 {parcel_no} 的宗地（gaoxin land list 列出已登记的宗地）")
    p = row.row(0, named=True)
    clock = ev["clocks"].filter(pl.col("parcel_no") == parcel_no).row(0, named=True)
    flags = [
        {**f, "numbers": json.loads(f["numbers"])}
        for f in ev["flags"].filter(pl.col("parcel_no") == parcel_no).to_dicts()
    ]
    specs = [
        ("合同签订", "signed_on", None),
        ("动工", "agreed_start", "actual_start"),
        ("竣工", "agreed_complete", "actual_complete"),
    ]
    if p.get("stopped_on"):
        specs.append(("中止开发建设", None, "stopped_on"))
    timeline = [
        {"event": t, "agreed": p.get(a) if a else None, "actual": p.get(b) if b else None}
        for t, a, b in specs
    ]
    cases = store.land_case_rows(con).filter(pl.col("parcel_no") == parcel_no).to_dicts()
    geo = store.geometries(con).filter(pl.col("parcel_no") == parcel_no)
    return {
        "parcel": p,
        "clock": clock,
        "flags": flags,
        "timeline": timeline,
        "buildings": store.buildings(con, parcel_no).to_dicts(),
        "decisions": store.decisions(con, parcel_no).to_dicts(),
        "mujun": store.firm_mujun_history(con, p["uscc"]) if p.get("uscc") else [],
        "cases": cases,
        "geometry": json.loads(geo["geojson"][0]) if geo.height else None,
        "options": ev["rules"]["idle"]["options"] if clock["options_open"] else [],
    }
