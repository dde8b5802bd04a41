"""Evaluation periods: "2025" (year), "2025-10" (month), "2025Q3" (quarter) — their last day, the same period a
year earlier, and whole years back from a day."""

from __future__ import annotations

import calendar
import re

import numpy as np

_PERIOD_RE = re.compile(r"^(\d{4})(?:-(\d{2})|Q([1-4]))?$")


def period_end(period: str) -> np.datetime64:
    """Last day of a period: "2025" → 2025-12-31, "2025-10" → 2025-10-31, "2025Q3" → 2025-09-30."""
    m = _PERIOD_RE.match(str(period))
    if not m:
        raise ValueError(f"评价期格式应为 YYYY、YYYY-MM 或 YYYYQn / bad period {period!r}")
    y = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else (int(m.group(3)) * 3 if m.group(3) else 12)
    if not 1 <= month <= 12:
        raise ValueError(f"bad month in period {period!r}")
    return np.datetime64(f"{y:04d}-{month:02d}-{calendar.monthrange(y, month)[1]:02d}", "D")


def previous_period(period: str) -> str:
    m = _PERIOD_RE.match(str(period))
    if not m:
        raise ValueError(f"bad period {period!r}")
    return f"{int(m.group(1)) - 1}{period[4:]}"


def years_before(day: np.datetime64, years: int) -> np.datetime64:
    y, mo, d = (int(x) for x in str(day).split("-"))
    y -= years
    d = min(d, calendar.monthrange(y, mo)[1])  # 29 Feb → 28 Feb
    return np.datetime64(f"{y:04d}-{mo:02d}-{d:02d}", "D")
