"""One formatting rule per unit kind, shared by the CLI, the web and the xlsx exports.

Values are canonical inside (元, 千瓦时, 亩, 吨标准煤, ratios as fractions); users read 万元, 万千瓦时 and %.
:func:`to_user` converts a canonical value to the unit users read, :func:`fmt` writes a number with the
precision of its unit kind, :func:`with_unit` adds the unit. xlsx cells keep numbers: :func:`xlsx_format` is
the matching number format.
"""

from __future__ import annotations

import math

# canonical unit → (the unit users read, factor)
USER_UNITS: dict[str, tuple[str, float]] = {
    "元": ("万元", 1e-4),
    "千瓦时": ("万千瓦时", 1e-4),
    "元/亩": ("万元/亩", 1e-4),
    "千瓦时/亩": ("万千瓦时/亩", 1e-4),
    "比值": ("%", 100.0),
    "ratio": ("%", 100.0),
}
# unit → digits after the point (the unit kind's precision); units not listed: 2 (4 significant below 1)
DIGITS: dict[str, int] = {
    "家": 0,
    "个": 0,
    "人": 0,
    "件": 0,
    "项": 0,
    "名": 0,
    "%": 2,
    "万元": 2,
    "亿元": 2,
    "万元/亩": 2,
    "万千瓦时": 2,
    "吨标准煤": 2,
    "吨": 2,
    "亩": 2,
    "分": 2,
    "元/千瓦时": 3,
    "元/吨": 2,
    "万元/吨标准煤": 2,
    "万元/人": 2,
    "系数": 4,  # rank similarity and other unitless coefficients in [−1, 1]
}
SILENT = {"系数", ""}  # units not written after the number
# the units in English (pages and exports in English)
UNITS_EN: dict[str, str] = {
    "万元": "10k yuan",
    "亿元": "100m yuan",
    "元": "yuan",
    "万千瓦时": "10 MWh",
    "千瓦时": "kWh",
    "万元/亩": "10k yuan/mu",
    "万元/万千瓦时": "10k yuan/10 MWh",
    "万千瓦时/亩": "10 MWh/mu",
    "亩": "mu",
    "吨": "t",
    "吨标准煤": "tce",
    "分": "pts",
    "元/千瓦时": "yuan/kWh",
    "元/吨": "yuan/t",
    "万元/吨标准煤": "10k yuan/tce",
    "万元/吨标煤": "10k yuan/tce",
    "万元/吨": "10k yuan/t",
    "万元/人": "10k yuan/person",
    "家": "firms",
    "人": "persons",
    "个": "",
    "件": "items",
    "项": "items",
    "天": "days",
    "年": "years",
    "级": "",  # a level code (研发机构级别 4)
}


def missing(v) -> bool:
    return v is None or (isinstance(v, float) and (math.isnan(v) or math.isinf(v)))


def base_unit(unit: str | None) -> str:
    """The unit without a note in brackets: "元（实缴…）" → "元"."""
    u = (unit or "").strip()
    for sep in ("（", "("):
        u = u.split(sep, 1)[0]
    return u.strip()


def user_unit(unit: str | None) -> str:
    u = base_unit(unit)
    return USER_UNITS.get(u, (u, 1.0))[0]


def to_user(value: float | None, unit: str | None) -> tuple[float | None, str]:
    """(value, unit) as users read it: 33883300 元 → (3388.33, 万元); 0.0423 比值 → (4.23, %)."""
    u = base_unit(unit)
    target, factor = USER_UNITS.get(u, (u, 1.0))
    if missing(value):
        return None, target
    return float(value) * factor, target


def fmt(value: float | None, unit: str | None = None) -> str:
    """A number already in ``unit`` with that unit kind's precision and thousands separators; — when missing."""
    if missing(value):
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    u = base_unit(unit)
    digits = DIGITS.get(u)
    v = float(value)
    if digits is None and v != 0 and abs(v) < 1:
        return f"{v:,.4g}"
    return f"{v:,.{2 if digits is None else digits}f}"


def unit_label(unit: str | None, lang: str = "zh") -> str:
    u = base_unit(unit)
    return UNITS_EN.get(u, u) if lang == "en" else u


def with_unit(value: float | None, unit: str | None = None, lang: str = "zh") -> str:
    """``fmt`` with the unit: "3,388.33 万元" ("3,388.33 10k yuan" in English), "4.23 %"; missing is just —."""
    text = fmt(value, unit)
    u = base_unit(unit)
    if text == "—" or u in SILENT:
        return text
    label = unit_label(u, lang)
    return f"{text} {label}" if label else text


def show(value: float | None, canonical_unit: str | None) -> str:
    """A canonical value converted to the user unit and written with it: (33883300, 元) → "3,388.33 万元"."""
    v, u = to_user(value, canonical_unit)
    return with_unit(v, u)


def percent(ratio: float | None) -> str:
    """A fraction as a percentage: 0.04226 → "4.23 %"."""
    return show(ratio, "比值")


def xlsx_format(unit: str | None) -> str:
    """The xlsx number format matching :func:`fmt` for a unit already in user units."""
    digits = DIGITS.get(base_unit(unit), 2)
    return "#,##0" if digits == 0 else "#,##0." + "0" * digits
