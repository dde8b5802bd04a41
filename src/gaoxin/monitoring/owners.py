"""Targets assigned down (目标分解): progress per town (镇街) and per responsible department (责任单位).

A target row's owner is either a town of the zone — its figure is then the sum over the town's firms in
the firm-level monthly files (the card's `firm` field), a level target as 累计 / 目标 and a growth target as
the like-for-like growth of the town's firms — or a department answering for the zone's published figure
(the card's progress, grouped by department). A town target on an indicator without firm-level data cannot
be measured and says so instead of showing a number.
"""

from __future__ import annotations

import polars as pl

from gaoxin.monitoring import targets
from gaoxin.monitoring.cards import Card

# firm-level values are canonical (元, 千瓦时); targets are kept in the card's unit
TO_CANONICAL = {"元": 1.0, "万元": 1e4, "亿元": 1e8, "千瓦时": 1.0, "万千瓦时": 1e4, "亿千瓦时": 1e8}


def split(target_rows: pl.DataFrame, towns: set[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(zone targets — no owner or a department —, town targets)."""
    is_town = pl.col("owner").is_in(sorted(towns)).fill_null(False)
    return target_rows.filter(~is_town), target_rows.filter(is_town)


def town_figures(sums: pl.DataFrame, firm_towns: pl.DataFrame) -> pl.DataFrame:
    """Per town: 累计 this year over its firms reporting this year, and the like-for-like growth (%) over its
    firms reporting in both years (new and leaving 规上 firms kept out of the growth, as for the zone)."""
    same = pl.col("current").is_not_null() & pl.col("base").is_not_null()
    return (
        sums.join(firm_towns, on="uscc", how="inner")
        .group_by("town")
        .agg(
            pl.col("current").sum().alias("cum"),
            pl.col("current").filter(same).sum().alias("same_current"),
            pl.col("base").filter(same).sum().alias("same_base"),
            same.sum().alias("firms"),
        )
        .with_columns(
            pl.when(pl.col("same_base") > 0)
            .then((pl.col("same_current") / pl.col("same_base") - 1) * 100)
            .otherwise(None)
            .alias("growth")
        )
    )


def town_progress(
    card: Card, target: dict, figures: dict | None, period: str, method: targets.Method
) -> dict:
    """One town target against the town's own figures (`figures` a row of `town_figures`, canonical units)."""
    row = {"owner": target["owner"], "owner_kind": "town", "indicator": card.id, "label": card.label}
    row |= {"label_en": card.label_en, "unit": card.unit, "source": _source(target)}
    if card.firm is None:
        return row | {"progress": None, "basis": "该指标没有企业月度数据，镇街目标无法按企业合计测算"}
    if not figures or figures.get("firms") is None:
        return row | {"progress": None, "basis": "该镇街没有企业月度数据"}
    basis = {"basis": "镇街内企业月度数据合计", "firms": figures["firms"]}
    if target["kind"] == "level":
        factor = TO_CANONICAL.get(card.unit)
        if factor is None:
            return row | {"progress": None, "basis": "指标单位无法由企业数据换算"}
        prog = targets.level_progress(figures["cum"] / factor, target["value"], period, method)
        return row | {"progress": prog} | basis
    if figures.get("growth") is None:
        return row | {"progress": None, "basis": "上年同期没有同口径企业数据，无法计算增速"}
    return row | {"progress": targets.growth_progress(figures["growth"], target["value"], period)} | basis


def department_progress(card: Card, target: dict, zone_progress: dict | None) -> dict:
    """A department's target is the zone's figure it answers for."""
    return {
        "owner": target["owner"] or card.responsible,
        "owner_kind": "department",
        "indicator": card.id,
        "label": card.label,
        "label_en": card.label_en,
        "unit": card.unit,
        "source": _source(target),
        "progress": zone_progress,
        "basis": "统计局公布的全区数" if zone_progress else "本月没有可比的公布数",
    }


def ahead_points(progress: dict | None) -> float | None:
    """超(欠)进度 in points for a level target, the gap to the target growth for a growth target."""
    if not progress:
        return None
    return progress["ahead"] * 100 if progress["kind"] == "level" else progress["gap"]


def _source(target: dict) -> str:
    return f"批次 #{target['batch_id']} {target.get('file_name') or ''} {target['sheet']} 第 {target['row_no']} 行"
