"""What the registries feed the zone ranking: the home zone's 技术合同成交额, 国家级和省级研发机构数 and their
per-capita forms per year, worked from the registers in force (`store.registries`) instead of the numbers a zone
file types in. The zone ranking reads them for the home zone (`store.zones.zone_matrix`).

- `tech_contract_amount` (亿元): the year's registered 成交额 (or 技术交易额, as the rules name), seller side;
- `tech_contract_per_capita` (万元/人): that amount over the rules' denominator (`contracts.per_capita`: the
  2024 MIIT denominator is not known — an assumed rules parameter, said so in the note);
- `rd_institutions` (个): platforms of level 国家 or 省 approved by the year's end and not 撤销 then (the same
  review clock as `registries.feed`), whoever hosts them — listed platforms only: a row converted from a 科技局
  code (待核实) says the firm has at least one institution of the level, not how many, and may repeat a listed one;
- `rd_institutions_per_10k` (个/万人): that count per 10,000 of the same denominator.

Contract measures are worked only when the contract register holds rows, platform measures only when a list
holds platforms (a store without them keeps the zone file's typed figures). `registries.refresh` works them
again whenever an input changes (a list, the denominator's batch, a new data year), not only at a list's import.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from gaoxin import workdays
from gaoxin.registries import contracts as K
from gaoxin.registries.reviews import review_frame
from gaoxin.store.schema import CODED_KIND

SCHEMA = {"period": pl.Utf8, "indicator": pl.Utf8, "value": pl.Float64, "unit": pl.Utf8, "note": pl.Utf8}
COUNTED_LEVELS = ("国家", "省")


def institutions(platforms: pl.DataFrame, rules: dict, year: int, cal: workdays.Calendar) -> int:
    """国家级和省级研发机构数 at the end of `year`."""
    listed = platforms.filter(pl.col("kind") != CODED_KIND)
    if listed.height == 0:
        return 0
    end = date(year, 12, 31)
    r = review_frame(listed, rules, end, cal)
    ok = (
        pl.col("counts")
        & (pl.col("approved_on") <= end).fill_null(True)
        & pl.col("level").is_in(list(COUNTED_LEVELS))
    )
    return int(r.filter(ok).height)


def zone_measures(con, platforms: pl.DataFrame, contracts: pl.DataFrame, rules: dict, years: list[int],
                  cal: workdays.Calendar) -> pl.DataFrame:  # fmt: skip
    """One row per (year, indicator) the registers can answer, in the zone indicator's unit, with how it was
    worked. A year without a denominator gets no per-capita rows (never 0)."""
    out = []
    k = rules["contracts"]
    assumed = "（分母为假设）" if k.get("denominator_verified", "assumed") == "assumed" else ""
    has_contracts = contracts.height > 0
    has_platforms = platforms.filter(pl.col("kind") != CODED_KIND).height > 0
    for y in sorted(set(years)):
        pc = K.per_capita(con, rules, y, contracts)
        n = institutions(platforms, rules, y, cal)
        denom = pc["denominator"]
        if has_contracts:
            out.append((str(y), "tech_contract_amount", pc["amount_wan"] * 1e-4, "亿元",
                        f"创新登记：{y} 年登记技术合同 {pc['contracts']} 项（卖方），{k['amount']} 合计"))  # fmt: skip
            if denom:
                out.append((str(y), "tech_contract_per_capita", pc["per_capita_wan"], "万元/人",
                            f"创新登记：成交额 ÷ {pc['denominator_label']} {denom:g} 人{assumed}"))  # fmt: skip
        if has_platforms:
            out.append((str(y), "rd_institutions", float(n), "个",
                        f"创新登记：{y} 年末有效的国家级、省级创新平台（撤销的不计）"))  # fmt: skip
            if denom:
                out.append((str(y), "rd_institutions_per_10k", n / denom * 1e4, "个/万人",
                            f"创新登记：研发机构数 ÷ {pc['denominator_label']} {denom:g} 人 × 1万{assumed}"))  # fmt: skip
    return pl.DataFrame(out, schema=SCHEMA, orient="row")


def changed_measures(worked: pl.DataFrame, in_force: pl.DataFrame) -> pl.DataFrame:
    """The worked measures whose value differs from the one in force (or that have none): what a refresh writes
    (so an unchanged input changes no zone fingerprint)."""
    if worked.height == 0 or in_force.height == 0:
        return worked
    now = in_force.select("period", "indicator", pl.col("value").alias("_now"))
    return (
        worked.join(now, on=["period", "indicator"], how="left")
        .filter(pl.col("_now").is_null() | ((pl.col("_now") - pl.col("value")).abs() > 1e-12))
        .drop("_now")
    )
