"""36 months of 经济运行 for the demo zone, written as the departments and the 统计局 send them and imported
through the normal monthly intake (`gaoxin.ingest.monthly`, `gaoxin.store.monitoring`).

- firm-level monthly files per year: 统计 (产值, 营收, 是否规上; through 2025-11), 电力 (用电量, through
  2025-12) and 税务 (入库税收, through 2025-12) — so December can be nowcast before the bureau publishes;
  a few rows carry the usual mess (a wrong check character, "—");
- 统计局-style main-indicator tables 2023-01 … 2025-11, one workbook per year, one sheet per monthly release (1-2月 合并 for
  增加值 / 产值 / 社零 / 固投; January only for the series that have one), levels in 亿元 / 万元, "—" where
  not published; the 1-6月 release of 2025 is revised later (a second file: the new vintage supersedes);
- the year's targets (总量 and 增速).
Seasonality: a Spring-Festival dip in February, a year-end push in December. Deterministic.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

CREATED = dt.datetime(2026, 1, 10, 9, 0, 0)
SEASON = np.array([0.080, 0.052, 0.083, 0.083, 0.085, 0.088, 0.082, 0.083, 0.086, 0.087, 0.089, 0.102])
SEASON = SEASON / SEASON.sum()
YEARS = (2023, 2024, 2025)
LAST_STATS = (2025, 11)  # the bureau's latest release; power and tax run one month further
ZONE = "示范高新区"
OTHER = {  # zone series without firm files: (base level 2023 in the card unit, yearly growth, season amp)
    "budget_revenue": (6.2, 0.05, 0.10),
    "foreign_trade": (38.0, 0.09, 0.15),
    "retail_sales": (22.0, 0.06, 0.08),
    "fdi": (5200.0, 0.12, 0.35),
}


def firm_months(zone, seed: int = 7) -> pl.DataFrame:
    """uscc, name, year, month, output, revenue, power, tax (元 / 千瓦时), above_scale for the industrial firms."""
    rng = np.random.default_rng(seed)
    fy = zone.firm_years.join(zone.enterprises.select("uscc", "name", "sector"), on="uscc").filter(
        pl.col("sector") != "service", pl.col("revenue") > 0
    )
    n = fy.height
    noise = rng.normal(1.0, 0.04, (n, 12))
    w = SEASON[None, :] * noise
    w = w / w.sum(axis=1, keepdims=True)
    rev = fy.get_column("revenue").to_numpy()[:, None] * w
    out = rev * rng.normal(1.02, 0.01, (n, 1))
    pw = fy.get_column("power_kwh").fill_null(0).to_numpy()[:, None] * w * rng.normal(1.0, 0.03, (n, 12))
    tx = fy.get_column("tax_paid").fill_null(0).to_numpy()[:, None] * w * rng.normal(1.0, 0.08, (n, 12))
    base = fy.select("uscc", "name", "year", "above_scale")
    return pl.concat(
        [
            base.with_columns(
                pl.lit(m + 1).alias("month"),
                pl.Series("output", out[:, m]),
                pl.Series("revenue", rev[:, m]),
                pl.Series("power", pw[:, m]),
                pl.Series("tax", tx[:, m]),
            )
            for m in range(12)
        ]
    ).sort("year", "month", "uscc")


def _write(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    # a fixed creation time: the same series make the same file (same sha256), so a second demo imports nothing
    wb.set_properties({"author": "gaoxin demo", "created": CREATED})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is not None:
                    ws.write(r, c, v)
    wb.close()
    return path


def firm_files(fm: pl.DataFrame, out: Path) -> list[Path]:
    paths = []
    for y in YEARS:
        d = fm.filter(pl.col("year") == y)
        stats = d.filter(pl.col("above_scale"))
        if y == LAST_STATS[0]:
            stats = stats.filter(pl.col("month") <= LAST_STATS[1])
        per = lambda t: f"{t[0]}年{t[1]}月"  # noqa: E731 — the 统计 file writes months the Chinese way
        rows = [
            ["统一社会信用代码", "企业名称", "统计月份", "工业总产值（万元）", "营业收入（万元）", "是否规上"]
        ]
        rows += [
            [u, nm, per((yy, mm)), round(o / 1e4, 2), round(r / 1e4, 2), "是"]
            for u, nm, yy, mm, o, r in stats.select(
                "uscc", "name", "year", "month", "output", "revenue"
            ).iter_rows()
        ]
        rows.insert(
            3,
            [
                rows[1][0][:-1] + ("0" if rows[1][0][-1] != "0" else "1"),
                "校验位错误的企业",
                per((y, 1)),
                10,
                10,
                "是",
            ],
        )
        paths.append(_write(out / f"统计局_规上工业企业月度产值_{y}.xlsx", {f"{y}年": rows}))
        rows = [["户号", "统一社会信用代码", "用户名称", "月份", "用电量（千瓦时）"]]
        rows += [
            [f"33{i:08d}", u, nm, f"{yy}-{mm:02d}", round(p, 0)]
            for i, (u, nm, yy, mm, p) in enumerate(
                d.select("uscc", "name", "year", "month", "power").iter_rows()
            )
        ]
        rows.append([None, None, "合计", None, round(float(d.get_column("power").sum()), 0)])
        paths.append(_write(out / f"供电公司_企业月度用电量_{y}.xlsx", {"用电量": rows}))
        rows = [["纳税人识别号", "纳税人名称", "税款所属期", "入库税收（万元）"]]
        rows += [
            [u, nm, f"{yy}{mm:02d}", round(t / 1e4, 2) if k % 97 else "—"]
            for k, (u, nm, yy, mm, t) in enumerate(
                d.select("uscc", "name", "year", "month", "tax").iter_rows()
            )
        ]
        paths.append(_write(out / f"税务局_企业月度入库税收_{y}.xlsx", {"入库税收": rows}))
    return paths


def _growth(cur: float, base: float) -> float:
    return round((cur / base - 1) * 100, 1) if base else None


def zone_series(fm: pl.DataFrame, seed: int = 11) -> dict[tuple[int, int], dict[str, dict[str, float]]]:
    """Per (year, month): indicator → {month, cum, month_yoy, cum_yoy} as the bureau would publish them."""
    rng = np.random.default_rng(seed)
    above = fm.filter(pl.col("above_scale"))
    agg = above.group_by("year", "month").agg(pl.col("output").sum() / 1e8).sort("year", "month")
    tot = fm.group_by("year", "month").agg(pl.col("tax").sum() / 1e8, pl.col("power").sum() / 1e4)
    out_m = {(y, m): v for y, m, v in agg.iter_rows()}
    tax_m = {(y, m): t * 1.32 for y, m, t, _ in tot.iter_rows()}  # firms' tax plus the rest of the zone's
    pow_m = {(y, m): p for y, m, _, p in tot.iter_rows()}
    series: dict[str, dict] = {"gross_output": out_m, "tax_revenue": tax_m, "industrial_power": pow_m}
    for ind, (lvl, g, amp) in OTHER.items():
        season = 1 + amp * np.sin(np.arange(12) / 12 * 2 * np.pi + 1.0)
        season[1] *= 0.7  # Spring Festival
        series[ind] = {
            (y, m + 1): lvl / 12 * (1 + g) ** (y - 2023) * season[m] * rng.normal(1, 0.03)
            for y in YEARS
            for m in range(12)
        }
    restate = {y: rng.normal(0.0, 0.6) for y in YEARS}  # 同口径: the base restated, so growth ≠ level ratio
    for s in series.values():  # the year before the demo's first: only its growth shows (as 2023's 同比)
        s.update({(YEARS[0] - 1, m): s[(YEARS[0], m)] / rng.normal(1.07, 0.02) for m in range(1, 13)})
    pub: dict = {}
    for y in YEARS:
        for m in range(1, 13):
            row = pub.setdefault((y, m), {})
            for ind, s in series.items():
                cum, base_cum = (
                    sum(s[(y, k)] for k in range(1, m + 1)),
                    sum(s[(y - 1, k)] for k in range(1, m + 1)),
                )
                row[ind] = {
                    "month": s[(y, m)],
                    "cum": cum,
                    "month_yoy": _growth(s[(y, m)], s[(y - 1, m)]) + round(restate[y], 1),
                    "cum_yoy": _growth(cum, base_cum) + round(restate[y], 1),
                }
            g_out = row["gross_output"]
            row["industrial_va"] = {
                "month_yoy": round(g_out["month_yoy"] * 0.7 + 1.5 + rng.normal(0, 0.5), 1),
                "cum_yoy": round(g_out["cum_yoy"] * 0.7 + 1.5, 1),
            }
            row["fixed_investment"] = {"cum_yoy": round(6.0 + 3 * np.sin(m / 2) + (y - 2024) * -2.5, 1)}
    return pub


LABELS = {
    "gross_output": ("规模以上工业总产值", "亿元"),
    "industrial_va": ("规上工业增加值", "%"),
    "fixed_investment": ("固定资产投资", "%"),
    "tax_revenue": ("税收收入", "万元"),
    "budget_revenue": ("一般公共预算收入", "亿元"),
    "foreign_trade": ("进出口总额", "亿元"),
    "retail_sales": ("社会消费品零售总额", "亿元"),
    "fdi": ("实际使用外资", "万美元"),
    "industrial_power": ("工业用电量", "万千瓦时"),
}
COMBINED = {"gross_output", "industrial_va", "fixed_investment", "retail_sales"}


def _cell(v, factor=1.0, digits=2):
    return "—" if v is None else round(v * factor, digits)


def release_sheet(y: int, m: int, figures: dict, revised: bool = False) -> list[list]:
    title = f"{ZONE}{y}年{'1-' if m > 1 else ''}{m}月主要经济指标" + ("（修订）" if revised else "")
    rows = [
        [title],
        ["单位：亿元、万元、%"],
        ["指标名称", "单位", f"{m}月", None, f"1-{m}月" if m > 1 else "1月累计", None],
    ]
    rows.append([None, None, "绝对值", "同比增长%", "绝对值", "同比增长%"])
    for ind, (label, unit) in LABELS.items():
        f = figures.get(ind, {})
        combined = ind in COMBINED
        if combined and m == 1:
            rows.append([label, unit, "—", "—", "—", "—"])
            continue
        factor = 1e4 if unit == "万元" else 1.0
        month = None if (combined and m == 2) else f.get("month")  # 1-2月合并: no February on its own
        month_yoy = None if (combined and m == 2) else f.get("month_yoy")
        rows.append(
            [
                label,
                unit,
                _cell(month, factor),
                _cell(month_yoy, digits=1),
                _cell(f.get("cum"), factor),
                _cell(f.get("cum_yoy"), digits=1),
            ]
        )
    rows.append(
        [
            "注：规模以上工业为年主营业务收入2000万元及以上的工业企业；增速按同口径计算，工业增加值增速按可比价计算。"
        ]
    )
    return rows


def zone_files(pub: dict, out: Path) -> list[Path]:
    paths = []
    for y in YEARS:
        sheets = {}
        for m in range(1, 13):
            if (y, m) > LAST_STATS:
                break
            sheets[f"{m}月" if m < 3 else f"1-{m}月"] = release_sheet(y, m, pub[(y, m)])
        paths.append(_write(out / f"统计局_主要经济指标_{y}.xlsx", sheets))
    revised = {k: dict(v) for k, v in pub[(2025, 6)].items()}
    go = dict(revised["gross_output"])
    go["cum"] *= 1.008
    go["cum_yoy"] = round(go["cum_yoy"] + 0.6, 1)
    revised["gross_output"] = go
    paths.append(
        _write(
            out / "统计局_主要经济指标_2025年1-6月_修订.xlsx",
            {"1-6月修订": release_sheet(2025, 6, revised, True)},
        )
    )
    return paths


def town_targets(zone, fm: pl.DataFrame) -> list[list]:
    """目标分解 to the towns: 规上工业总产值 at 110 % of each town's 2024 firm output (亿元) and 入库税收 +6 %."""
    towns = (
        fm.filter(pl.col("year") == 2024)
        .join(zone.enterprises.select("uscc", "town"), on="uscc")
        .group_by("town")
        .agg(pl.col("output").sum())
        .sort("town")
    )
    rows = [
        ["规模以上工业总产值", 2025, "总量", round(r["output"] * 1.10 / 1e8, 2), "亿元", r["town"]]
        for r in towns.iter_rows(named=True)
    ]
    return rows + [["税收收入", 2025, "增速", 6, "%", t] for t in towns["town"]]


def target_file(pub: dict, out: Path, towns: list[list] = ()) -> Path:
    last = pub[(2024, 12)]
    rows = [["指标名称", "年度", "目标类型", "目标值", "单位", "责任单位"]]
    rows.append(
        [
            "规模以上工业总产值",
            2025,
            "总量",
            round(last["gross_output"]["cum"] * 1.12, 1),
            "亿元",
            "经济发展局",
        ]
    )
    rows.append(
        ["税收收入", 2025, "总量", round(last["tax_revenue"]["cum"] * 1.06 * 1e4, 0), "万元", "财政局"]
    )
    rows.append(
        ["一般公共预算收入", 2025, "总量", round(last["budget_revenue"]["cum"] * 1.05, 2), "亿元", "财政局"]
    )
    rows.append(["进出口总额", 2025, "总量", round(last["foreign_trade"]["cum"] * 1.15, 1), "亿元", "商务局"])
    rows.append(["规上工业增加值", 2025, "增速", 8, "%", "经济发展局"])
    rows.append(["固定资产投资", 2025, "增速", 6, "%", "发展改革局"])
    rows.append(["社会消费品零售总额", 2025, "增速", 6, "%", "商务局"])
    rows.extend(towns)
    return _write(out / "2025年主要经济指标目标.xlsx", {"年度目标": rows})


def write_monthly_files(zone, out: Path) -> list[Path]:
    """Every monitoring file of the demo zone, in the order a year of work would import them."""
    out.mkdir(parents=True, exist_ok=True)
    fm = firm_months(zone)
    pub = zone_series(fm)
    return [*firm_files(fm, out), *zone_files(pub, out), target_file(pub, out, town_targets(zone, fm))]


def import_monthly(con, paths: list[Path]) -> list[tuple[Path, int | None]]:
    """Import through the normal monthly intake; a file already imported (same sha256) is left alone."""
    from gaoxin.ingest.monthly import prepare_firm_file, prepare_target_file, prepare_zone_table
    from gaoxin.store.imports import find_batch
    from gaoxin.store.monitoring import write_monthly_batch

    done = []
    for p in paths:
        prep = (
            prepare_target_file
            if "目标" in p.name
            else prepare_zone_table
            if "主要经济指标" in p.name
            else prepare_firm_file
        )
        batch = prep(p)
        if find_batch(con, batch.sha256) is not None:
            done.append((p, None))
            continue
        done.append((p, write_monthly_batch(con, batch)))
    return done
