"""技术合同 measures over the register in force: per firm and year, per zone and year (by type), 人均技术合同成交额
with the denominator as rules data (the 2024 MIIT system's is not known: marked assumed), and the firms likely to
hold unregistered technology income (R&D spending and a valid 高企 certificate, no registered contract).

Field names from `gaoxin.fields`: `rd_expense` (研发费用, canonical 元), `hnte_valid` (有效高新技术企业证书, 1/0),
`staff` (年平均职工人数 / 从业人员, 人)."""

from __future__ import annotations

import polars as pl

from gaoxin.store import registries as store

CTYPES = ("开发", "转让", "许可", "咨询", "服务")
RD, HNTE, STAFF = "rd_expense", "hnte_valid", "staff"


def with_year(contracts: pl.DataFrame) -> pl.DataFrame:
    return contracts.with_columns(pl.col("registered_on").dt.year().cast(pl.Int32).alias("year"))


def per_firm_year(contracts: pl.DataFrame) -> pl.DataFrame:
    """Per seller firm (credit code, else the name as sent) and year: contracts, 成交额 and 技术交易额 (万元)."""
    c = with_year(contracts)
    return (
        c.group_by(pl.coalesce("seller_uscc", "seller_name").alias("seller"), "year")
        .agg(
            pl.col("seller_uscc").first(),
            pl.col("seller_name").first(),
            pl.len().alias("contracts"),
            pl.col("amount_wan").sum().alias("amount_wan"),
            pl.col("tech_amount_wan").sum().alias("tech_amount_wan"),
        )
        .sort("year", "amount_wan", descending=[False, True])
    )


def per_zone_year(contracts: pl.DataFrame) -> pl.DataFrame:
    """Per year and type (开发 / 转让 / 许可 / 咨询 / 服务): contracts, 成交额, 技术交易额 — and the year's total row
    (ctype 合计)."""
    c = with_year(contracts)
    agg = [
        pl.len().alias("contracts"),
        pl.col("amount_wan").sum().alias("amount_wan"),
        pl.col("tech_amount_wan").sum().alias("tech_amount_wan"),
    ]
    by_type = c.group_by("year", "ctype").agg(agg)
    total = c.group_by("year").agg(agg).with_columns(pl.lit("合计").alias("ctype"))
    order = {t: i for i, t in enumerate((*CTYPES, "合计"))}
    out = pl.concat([by_type, total.select(by_type.columns)])
    return (
        out.with_columns(pl.col("ctype").replace_strict(order, default=99).alias("_o"))
        .sort("year", "_o")
        .drop("_o")
    )


def per_capita(con, rules: dict, year: int, contracts: pl.DataFrame | None = None) -> dict:
    """人均技术合同成交额 of the zone for `year` (万元/人): the register's contracts of that year (the amount named
    by the rules) over the denominator the rules name — worked in the open, every input returned."""
    k = rules["contracts"]
    c = with_year(store.contracts(con) if contracts is None else contracts).filter(pl.col("year") == year)
    amount = float(c.get_column(k["amount"]).fill_null(0).sum()) if c.height else 0.0
    if k["denominator"] == "fixed":
        denom = (k.get("population") or {}).get(str(year))
        denom_label = "规则文件给定的人数"
        firms = None
    else:
        staff = store.firm_facts(con, (STAFF,)).filter(pl.col("period") == str(year))
        denom = float(staff.get_column("value").sum()) if staff.height else None
        denom_label = "园区企业从业人员合计"
        firms = staff.height
    value = amount / denom if denom else None
    return {
        "year": year,
        "contracts": c.height,
        "amount_wan": amount,
        "amount_field": k["amount"],
        "denominator": denom,
        "denominator_kind": k["denominator"],
        "denominator_label": denom_label,
        "denominator_firms": firms,
        "denominator_assumed": k.get("denominator_verified", "assumed") == "assumed",
        "denominator_source": k.get("denominator_source", ""),
        "per_capita_wan": value,
        "unit": "万元/人",
        "note": None if denom else f"{year} 年无分母数据（{denom_label}），不计算人均值",
    }


def unregistered(con, rules: dict, year: int, contracts: pl.DataFrame | None = None) -> pl.DataFrame:
    """Firms with 研发费用 above the floor and a valid 高企 certificate in `year`, but no contract registered as
    seller in that year (or the rules' look-back years before it): likely unregistered technology income."""
    u = rules["unregistered"]
    floor_yuan = float(u.get("rd_expense_min_wan", 0)) * 1e4
    back = int(u.get("lookback_years", 0))
    facts = store.firm_facts(con, (RD, HNTE)).filter(pl.col("period") == str(year))
    wide = facts.pivot(
        on="indicator", index=["uscc", "name", "town"], values="value", aggregate_function="first"
    )
    for col in (RD, HNTE):
        if col not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(col))
    c = with_year(store.contracts(con) if contracts is None else contracts)
    sold = (
        c.filter(pl.col("year").is_between(year - back, year)).get_column("seller_uscc").drop_nulls().unique()
    )
    return (
        wide.filter((pl.col(RD) > floor_yuan) & (pl.col(HNTE) == 1) & ~pl.col("uscc").is_in(sold.implode()))
        .select(
            "uscc",
            "name",
            "town",
            (pl.col(RD) / 1e4).alias("rd_expense_wan"),
            pl.lit(year).alias("year"),
            pl.lit(
                f"有研发费用且为有效高企，{year - back if back else year}–{year} 年无登记技术合同（卖方）"
            ).alias("why"),
        )  # fmt: skip
        .sort("rd_expense_wan", descending=True)
    )
