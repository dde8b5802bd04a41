"""Yearly targets and 时序进度 (the method is data: `gaoxin/data/monitoring/progress.toml`).

Level target (税收 50 亿元): 完成率 = 累计 / 目标; 时序进度 = 月份 / 12 (or days elapsed / days in the year);
超(欠)进度 = 完成率 − 时序进度; 双过半 by June; the monthly amount still needed = (目标 − 累计) / months left.
Growth target (规上增加值 +8 %): the cumulative growth is compared with the target growth — never 累计 / 目标 —
and, where levels are published, the growth still needed in the remaining months against last year's base.
"""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from gaoxin.monitoring.cards import DATA
from gaoxin.monitoring.periods import parse

METHOD_FILE = DATA / "progress.toml"


@dataclass(frozen=True)
class Method:
    method: str = "months"  # months | days
    half_month: int = 6
    half_share: float = 0.5
    source: str = ""


def load_method(path: Path = METHOD_FILE) -> Method:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    if raw.get("method", "months") not in ("months", "days"):
        raise ValueError(f"{path.name}: method 应为 months 或 days，实际为 {raw.get('method')!r}")
    return Method(**{k: raw[k] for k in ("method", "half_month", "half_share", "source") if k in raw})


def schedule(period: str, method: Method) -> float:
    """时序进度 at the end of the month `period` (a fraction)."""
    y, m = parse(period)
    if method.method == "days":
        end = date(y, m, calendar.monthrange(y, m)[1])
        return end.timetuple().tm_yday / (366 if calendar.isleap(y) else 365)
    return m / 12


def level_progress(cum: float, target: float, period: str, method: Method) -> dict:
    """完成率, 时序进度, 超(欠)进度 (fractions), 双过半 (from June on) and the monthly amount still needed."""
    _, m = parse(period)
    done = cum / target
    sched = schedule(period, method)
    left = 12 - m
    return {
        "kind": "level",
        "target": target,
        "cum": cum,
        "completion": done,
        "schedule": sched,
        "ahead": done - sched,
        "status": "超进度" if done >= sched else "欠进度",
        "half": (done >= method.half_share) if m >= method.half_month else None,
        "needed_per_month": max(target - cum, 0.0) / left if left else None,
        "rule": f"完成率 = 累计 / 年度目标；时序进度 = {'天数' if method.method == 'days' else '月份 / 12'}",
    }


def growth_progress(
    cum_yoy: float,
    target_growth: float,
    period: str,
    cum: float | None = None,
    base_year_total: float | None = None,
    base_cum: float | None = None,
) -> dict:
    """The cumulative growth against the target growth (percent points), and — when levels are known — the
    growth still needed over the remaining months: (base_year_total × (1 + g) − cum) / (base_year_total −
    base_cum) − 1. `base_cum` is last year's 1–N月 on this year's 口径 (cum / (1 + cum_yoy)) and
    `base_year_total` last year's full year on the same 口径."""
    _, m = parse(period)
    needed = None
    if cum is not None and base_year_total and base_cum is not None and m < 12:
        rest_base = base_year_total - base_cum
        if rest_base > 0:
            needed = ((base_year_total * (1 + target_growth / 100) - cum) / rest_base - 1) * 100
    gap = cum_yoy - target_growth
    return {
        "kind": "growth",
        "target": target_growth,
        "cum_yoy": cum_yoy,
        "gap": gap,
        "status": "达到目标增速" if gap >= 0 else "低于目标增速",
        "needed_growth": needed,
        "rule": "增速目标：累计同比与目标增速比较（不用 累计 / 目标）",
    }
