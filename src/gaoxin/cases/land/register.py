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
from gaoxin.ingest.land_geometry import GEOMETRY_SUFFIXES, GeometryError, read_geometry
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
        if path.suffix.lower() in GEOMETRY_SUFFIXES:
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


def evaluate(
    con,
    as_of: date,
    rules_path: Path | str | None = None,
    town: str | None = None,
    parcel_no: str | None = None,
) -> dict:
    """Every parcel's clocks and 低效 flags as of `as_of` (the reads, then Polars over all parcels), and the
    register list joining them (`register`: what the pages, the map, the workbook and the ranking read).
    With `parcel_no` only that parcel and its holder's data are read (a parcel's page, a decision on it)."""
    rules = load_rules(rules_path)
    parcels = store.parcels(con, town, parcel_no)
    holder = None
    if parcel_no:  # an unknown parcel or one without a holder reads no firm data
        holder = (parcels["uscc"][0] if parcels.height else None) or "\x00"
    decisions = store.decisions(con, parcel_no)
    lw = rules["lowuse"]["no_power"]
    months = store.firm_month_aggregates(con, int(lw["window_months"]), float(lw["kwh_below"]), holder)
    classes = store.mujun_classes(con, holder)
    zero_tax = store.firm_zero_tax_years(con, int(rules["lowuse"]["no_tax"]["years"]), holder)
    ev = {
        "rules": rules,
        "parcels": parcels,
        "clocks": clocks(parcels, decisions, as_of, rules),
        "flags": lowuse_flags(parcels, months, classes, as_of, rules, zero_tax),
    }
    ev["register"] = register_rows(ev)
    return ev


STATUSES = ("闲置", "闲置候选（待认定）", "政府原因（第八条）", "计时中", "正常")
CATEGORIES = {  # the map's colour of a parcel (and its legend), worst first
    "idle": ("闲置", "#c62828"),
    "candidate": ("闲置候选", "#ef6c00"),
    "gov": ("政府原因延迟", "#1565c0"),
    "lowuse": ("低效", "#f9a825"),
    "timing": ("计时中", "#8e9aaf"),
    "normal": ("正常", "#2e7d32"),
}


def register_rows(ev: dict) -> pl.DataFrame:
    """The register list: each parcel with its 53号令 status, its map category and the rules it is flagged by."""
    per = (
        ev["flags"]
        .group_by("parcel_no")
        .agg(pl.col("title").alias("flag_titles"), pl.col("rule").alias("flag_rules"))
    )
    c = ev["clocks"].select(
        "parcel_no", "status", "clock", "clock_start", "idle", "candidate", "gov_cause", "fee_base_wan",
        "fee_eligible", "reclaim_eligible", "investigate_due", "investigated_on", "investigate_overdue",
        "idle_days",
    )  # fmt: skip
    out = (
        ev["parcels"].join(c, on="parcel_no", how="left").join(per, on="parcel_no", how="left")
        .with_columns(pl.col("flag_rules").fill_null([]), pl.col("flag_titles").fill_null([]))
    )  # fmt: skip
    return out.with_columns(
        category=pl.when(pl.col("status") == "闲置")
        .then(pl.lit("idle"))
        .when(pl.col("candidate").fill_null(False))
        .then(pl.lit("candidate"))
        .when(pl.col("status") == "政府原因（第八条）")
        .then(pl.lit("gov"))
        .when(pl.col("flag_rules").list.len() > 0)
        .then(pl.lit("lowuse"))
        .when(pl.col("status") == "计时中")
        .then(pl.lit("timing"))
        .otherwise(pl.lit("normal"))
    )


def select(
    reg: pl.DataFrame,
    *,
    status: str | None = None,
    rule: str | None = None,
    category: str | None = None,
    q: str | None = None,
) -> pl.DataFrame:
    """The register filtered as the list page and `gaoxin land list` filter it."""
    if status:
        reg = reg.filter(pl.col("status") == status)
    if rule:
        reg = reg.filter(pl.col("flag_rules").list.contains(rule))
    if category:
        reg = reg.filter(pl.col("category") == category)
    if q and q.strip():
        needle = q.strip()
        reg = reg.filter(
            pl.col("parcel_no").str.contains(needle, literal=True)
            | pl.col("holder_name").fill_null("").str.contains(needle, literal=True)
            | pl.col("uscc").fill_null("").str.contains(needle, literal=True)
        )
    return reg


def summary(reg: pl.DataFrame) -> dict:
    """Counts and 亩 per status and per flag rule, and the totals the list page heads with."""
    by_status = {
        r["status"]: {"parcels": r["n"], "mu": r["mu"]}
        for r in reg.group_by("status").agg(n=pl.len(), mu=pl.col("area_mu").sum()).to_dicts()
    }
    flags = reg.select("flag_rules", "area_mu").explode("flag_rules").drop_nulls("flag_rules")
    by_rule = {
        r["flag_rules"]: {"parcels": r["n"], "mu": r["mu"]}
        for r in flags.group_by("flag_rules").agg(n=pl.len(), mu=pl.col("area_mu").sum()).to_dicts()
    }
    lowuse = reg.filter(pl.col("flag_rules").list.len() > 0)
    return {
        "parcels": reg.height,
        "mu": float(reg["area_mu"].sum() or 0),
        "by_status": by_status,
        "by_rule": by_rule,
        "lowuse_parcels": lowuse.height,
        "lowuse_mu": float(lowuse["area_mu"].sum() or 0),
        "fee_eligible": int(reg["fee_eligible"].fill_null(False).sum()),
        "reclaim_eligible": int(reg["reclaim_eligible"].fill_null(False).sum()),
        "investigate_overdue": int(reg["investigate_overdue"].fill_null(False).sum()),
    }


def _json_text(col: str) -> pl.Expr:
    """A text column as the inside of a JSON string (backslashes and quotes escaped; control characters
    cannot occur: cleaned at import)."""
    return (
        pl.col(col)
        .fill_null("")
        .str.replace_all("\\", "\\\\", literal=True)
        .str.replace_all('"', '\\"', literal=True)
    )


_ONE_RING = '{"type":"Polygon","coordinates":[[['
MICRO = 1_000_000  # compact coordinates in 1e-6 degree (≈ 0.1 m), the precision outlines are stored with


def _int_list(expr: pl.Expr) -> pl.Expr:
    return pl.concat_str(pl.lit("["), expr.cast(pl.List(pl.Utf8)).list.join(","), pl.lit("]"))


def _compact(j: pl.DataFrame) -> pl.Series:
    """Each parcel as a JSON array: [宗地编号, category, 亩, geometry], the geometry of a one-ring polygon as
    [lon0, lat0, [Δlon…], [Δlat…]] in 1e-6 degree (a fifth of its GeoJSON text), any other shape (holes,
    MultiPolygon) as its GeoJSON object. Worked on the stored text column by column, no per-parcel parsing."""
    one_ring = pl.col("geojson").str.starts_with(_ONE_RING) & ~pl.col("geojson").str.contains(
        "]],[[", literal=True
    )
    nums = (
        pl.col("geojson")
        .str.extract_all(r"-?\d+(?:\.\d+)?")
        .list.eval((pl.element().cast(pl.Float64) * MICRO).round().cast(pl.Int64))
    )
    lon, lat = nums.list.gather_every(2), nums.list.gather_every(2, 1)
    ring = pl.concat_str(
        pl.lit("["), lon.list.first().cast(pl.Utf8), pl.lit(","), lat.list.first().cast(pl.Utf8), pl.lit(","),
        _int_list(lon.list.diff().list.slice(1)), pl.lit(","), _int_list(lat.list.diff().list.slice(1)), pl.lit("]"),
    )  # fmt: skip
    geometry = pl.when(one_ring).then(ring).otherwise(pl.col("geojson"))
    return j.select(
        pl.concat_str(
            pl.lit('["'), _json_text("parcel_no"), pl.lit('","'), pl.col("category"), pl.lit('",'),
            pl.col("area_mu").round(2).cast(pl.Utf8), pl.lit(","), geometry, pl.lit("]"),
        ).alias("f")
    )["f"]  # fmt: skip


def _geojson(j: pl.DataFrame) -> pl.Series:
    return j.select(
        pl.concat_str(
            pl.lit('{"type":"Feature","properties":{"name":"'), _json_text("parcel_no"),
            pl.lit('","c":"'), pl.col("category"),
            pl.lit('","a":'), pl.col("area_mu").round(2).cast(pl.Utf8),
            pl.lit('},"geometry":'), pl.col("geojson"), pl.lit("}"),
        ).alias("f")
    )["f"]  # fmt: skip


def map_payload(reg: pl.DataFrame, geoms: pl.DataFrame, fmt: str = "compact") -> str:
    """The parcel map's data as one JSON text, built by string concatenation over the stored geometries and
    the legend (`meta`). `compact` (what the map page draws): `{"parcels": [[宗地编号, category, 亩, geometry]
    …], "scale": 1e6, "meta"}` — see `_compact`; `geojson`: `{"geo": FeatureCollection (properties: 宗地编号
    as `name`, category `c`, 亩 `a`), "meta"}` for GIS tools. Parcels without an outline are counted, not
    drawn; the holder is on the parcel's page, not in every feature."""
    j = geoms.select("parcel_no", "geojson").join(
        reg.select("parcel_no", "category", "area_mu"), on="parcel_no", how="inner"
    )
    counts = {r["category"]: r["len"] for r in j.group_by("category").len().to_dicts()}
    meta = {
        "categories": {k: {"title": t, "color": colour} for k, (t, colour) in CATEGORIES.items()},
        "counts": counts,
        "drawn": j.height,
        "unmapped": reg.height - j.height,
    }
    tail = '"meta":' + json.dumps(meta, ensure_ascii=False, separators=(",", ":")) + "}"
    if fmt == "geojson":
        return (
            '{"geo":{"type":"FeatureCollection","features":[' + ",".join(_geojson(j).to_list()) + "]}," + tail
        )
    return '{"parcels":[' + ",".join(_compact(j).to_list()) + f'],"scale":{MICRO},' + tail


def _to_act_on() -> pl.Expr:
    """A register row the 盘活 work is about: 闲置, a 候选 for 认定, or flagged 低效 by any rule."""
    return (
        pl.col("idle").fill_null(False)
        | pl.col("candidate").fill_null(False)
        | (pl.col("flag_rules").list.len() > 0)
    )


def recoverable(con, ev: dict) -> pl.DataFrame:
    """Per flagged or idle parcel: (zone median 亩均税收 − the firm's) × 亩, and the same for 亩均增加值 (万元).

    The median is over the register's firms that have the latest year's figure; a holder without one (an idle
    parcel's holder often files nothing) counts as 0 — the whole median is recoverable. When no holder has the
    figure there is no median and no recoverable value (null, shown —), not 0."""
    facts = store.firm_yearly_facts(con, ("tax_paid", "value_added"))
    wide = (
        facts.pivot(on="indicator", index="uscc", values="value", aggregate_function="sum")
        if facts.height
        else pl.DataFrame(schema={"uscc": pl.Utf8})
    )
    for col in ("tax_paid", "value_added"):
        if col not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(col))
    reg = ev["register"]
    land = reg.group_by("uscc").agg(firm_mu=pl.col("area_mu").sum())
    firm = land.join(wide, on="uscc", how="left").with_columns(
        tax_per_mu=pl.col("tax_paid") / pl.col("firm_mu"),
        va_per_mu=pl.col("value_added") / pl.col("firm_mu"),
    )

    def gap(median: float | None, per_mu: str) -> pl.Expr:
        # (median − the holder's) × 亩, never below 0 (+ 0.0 turns −0.0 into 0.0); no median, no figure
        if median is None:
            return pl.lit(None, dtype=pl.Float64)
        return (pl.lit(median) - pl.col(per_mu).fill_null(0)).clip(lower_bound=0) * pl.col("area_mu") + 0.0

    med_tax, med_va = firm["tax_per_mu"].median(), firm["va_per_mu"].median()
    out = reg.join(firm.select("uscc", "tax_per_mu", "va_per_mu"), on="uscc", how="left").with_columns(
        median_tax_per_mu=pl.lit(med_tax, dtype=pl.Float64),
        median_va_per_mu=pl.lit(med_va, dtype=pl.Float64),
        recoverable_tax_wan=gap(med_tax, "tax_per_mu"),
        recoverable_va_wan=gap(med_va, "va_per_mu"),
    )
    return out.filter(_to_act_on()).sort("recoverable_tax_wan", descending=True, nulls_last=True)


def _same_major(parcel_code: pl.Expr, need: pl.Expr) -> pl.Expr:
    """The parcel holder's GB/T 4754 major group (two digits) is the one the lead or project names
    ("3562 电子和电工机械专用设备制造" → 35): the plant on it suits the newcomer's trade."""
    a, b = parcel_code.fill_null("").str.strip_chars(), need.fill_null("").str.strip_chars()
    return (a.str.contains(r"^\d{2}") & (a.str.slice(0, 2) == b.str.slice(0, 2))).fill_null(False)


def same_industry(parcel_code: str | None, need: str | None) -> bool:
    return bool(pl.select(_same_major(pl.lit(parcel_code, pl.Utf8), pl.lit(need, pl.Utf8))).item())


OFFER_KEYS = ("kind", "id", "parcel_no", "size", "unit", "town", "score")


def _within(size: pl.Expr, need: pl.Expr) -> pl.Expr:
    return (size >= need * 0.6) & (size <= need * 1.5)


def matches(con, ev: dict, limit: int = 3) -> list[dict]:
    """Idle or flagged parcels (and vacant floor space in the buildings on the register's parcels) matched to
    the space needs of open leads and of signed projects still without land: the need within 60–150 % of
    what is free, then the closest size, the same town, industrial use and the same industry (GB/T 4754 major
    group) first; the best `limit` offers per need. Worked as one cross join of needs and offers."""
    needs = store.open_space_needs(con)
    if needs.height == 0:
        return []
    reg = ev["register"]
    free = reg.filter(_to_act_on()).select(
        pl.col("parcel_no").alias("id"), "parcel_no", pl.col("area_mu").alias("size"), "land_use",
        pl.col("town").alias("offer_town"), pl.col("industry").alias("offer_industry"),
    )  # fmt: skip
    land = (
        needs.filter(pl.col("land_mu") > 0)
        .select("case_id", "town", "industry", "land_mu")
        .join(free, how="cross")
        .filter(_within(pl.col("size"), pl.col("land_mu")))
        .select(
            "case_id", pl.lit("宗地").alias("kind"), "id", "parcel_no", "size", pl.lit("亩").alias("unit"),
            pl.col("offer_town").alias("town"),
            (
                1 - (pl.col("size") - pl.col("land_mu")).abs() / pl.col("land_mu")
                + 0.3 * (pl.col("offer_town") == pl.col("town")).fill_null(False)
                + 0.2 * pl.col("land_use").fill_null("").str.starts_with("工业")
                + 0.2 * _same_major(pl.col("offer_industry"), pl.col("industry"))
            ).alias("score"),
        )
    )  # fmt: skip
    vacant = (
        store.buildings(con)
        .filter(
            (pl.col("vacant_m2").fill_null(0) > 0) & pl.col("parcel_no").is_in(reg["parcel_no"].implode())
        )
        .select(pl.col("building_no").alias("id"), "parcel_no", pl.col("vacant_m2").alias("size"))
    )
    floor = (
        needs.filter(pl.col("space_sqm") > 0)
        .select("case_id", "space_sqm")
        .join(vacant, how="cross")
        .filter(_within(pl.col("size"), pl.col("space_sqm")))
        .select(
            "case_id", pl.lit("厂房").alias("kind"), "id", "parcel_no", "size", pl.lit("m²").alias("unit"),
            pl.lit(None, pl.Utf8).alias("town"),
            (1 - (pl.col("size") - pl.col("space_sqm")).abs() / pl.col("space_sqm")).alias("score"),
        )
    )  # fmt: skip
    offers = (
        pl.concat([land, floor])
        .with_columns(pl.col("score").round(3))
        .sort(["case_id", "score", "id"], descending=[False, True, False])
        .group_by("case_id", maintain_order=True)
        .head(limit)
    )
    by_need: dict[str, list[dict]] = {}
    for o in offers.iter_rows(named=True):
        by_need.setdefault(o["case_id"], []).append({k: o[k] for k in OFFER_KEYS})
    return [{**n, "offers": by_need[n["case_id"]]} for n in needs.to_dicts() if n["case_id"] in by_need]


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


_UNIT_OF = {"万元每亩": "万元/亩", "千瓦时": "千瓦时"}
_SHARES = ("比例", "阈值")
# English of the evidence names and units a flag's numbers carry (the keys are written by cases.land.flags)
NUMBERS_EN = {
    "约定竣工日期": "agreed completion", "已超期天数": "days overdue", "阈值": "threshold",
    "实际投资强度": "actual investment intensity", "约定投资强度": "agreed investment intensity", "比例": "ratio",
    "连续近零月数": "months in a row near zero", "近零阈值": "near-zero threshold", "阈值月数": "threshold months",
    "连续无税月数": "months in a row without tax", "无税年度": "years without tax", "评价年度": "evaluation years",
    "评价批次": "evaluation runs", "类别": "class", "产业目录类别": "industry catalogue class", "行业代码": "industry code",
    "万元/亩": "10k yuan/mu", "千瓦时": "kWh", "个月": "months", "天": "days", "年": "years",
}  # fmt: skip


def flag_text(numbers: str | dict | None, lang: str = "zh") -> str:
    """A flag's numbers as an officer reads them: 「实际投资强度 110.00 万元/亩；比例 36.7%；阈值 50.0%」 (or in
    English with lang="en")."""
    got = json.loads(numbers) if isinstance(numbers, str) else (numbers or {})
    out = []
    for key, v in got.items():
        if v is None or v == []:
            continue  # evidence this flag did not use (e.g. no monthly tax series)
        name, _, unit = key.partition("_")
        unit = _UNIT_OF.get(unit, unit)
        if isinstance(v, list):
            v = "、".join(str(x) for x in v)
        elif isinstance(v, float) and name in _SHARES and v <= 1:
            v = f"{v:.1%}"
        elif isinstance(v, float):
            v = f"{v:,.2f}"
        elif name.endswith("月数"):
            v, unit = f"{v}", "个月"
        elif name.endswith("天数"):
            v, unit = f"{v}", "天"
        elif name == "阈值年":
            name, v, unit = "阈值", f"{v}", "年"
        if lang == "en":
            name, unit, v = NUMBERS_EN.get(name, name), NUMBERS_EN.get(unit, unit), str(v).replace("、", ", ")
        out.append(f"{name} {v}{(' ' + unit) if unit else ''}")
    return ("; " if lang == "en" else "；").join(out)
