"""The registries' rules file (`rules.toml` beside this module, or a zone's own copy): review cycles per kind,
level and province, the 人均技术合同成交额 denominator and the unregistered-income flag — checked on load, each
refusal naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from gaoxin.rulefiles import load_rules_file

BUILTIN = Path(__file__).with_name("rules.toml")
MODES = ("validity", "evaluation")
VERIFIED = ("V", "R", "assumed")
STATUSES = ("有效", "待复核", "警示", "撤销")
DENOMINATORS = ("staff", "fixed")


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the key."""


def _check(doc: dict, name: str) -> None:
    for key in ("meta", "cycle", "contracts", "unregistered"):
        if key not in doc:
            raise RulesError(f"{name}: 缺少 [{key}] 部分")
    seen = set()
    for i, c in enumerate(doc["cycle"], 1):
        where = f"{name}: 第 {i} 个 [[cycle]]"
        for key in ("kind", "level", "mode", "years", "source", "verified"):
            if key not in c:
                raise RulesError(f"{where} 缺少 {key}")
        if c["mode"] not in MODES:
            raise RulesError(f"{where}: mode 应为 {' / '.join(MODES)} 之一，实际为「{c['mode']}」")
        if c["verified"] not in VERIFIED:
            raise RulesError(f"{where}: verified 应为 {' / '.join(VERIFIED)} 之一，实际为「{c['verified']}」")
        if not isinstance(c["years"], int) or not 1 <= c["years"] <= 20:
            raise RulesError(f"{where}: years 应为 1–20 的整数，实际为「{c['years']}」")
        for grade, status in c.get("grades", {}).items():
            if status not in STATUSES:
                raise RulesError(
                    f"{where}: grades.{grade} 应为 {' / '.join(STATUSES)} 之一，实际为「{status}」"
                )
        ident = (c["kind"], c["level"], c.get("province", "*"))
        if ident in seen:
            raise RulesError(f"{where}: {'/'.join(ident)} 重复定义")
        seen.add(ident)
    k = doc["contracts"]
    if k.get("denominator") not in DENOMINATORS:
        raise RulesError(f"{name}: [contracts] denominator 应为 {' / '.join(DENOMINATORS)} 之一")
    if k.get("amount") not in ("amount_wan", "tech_amount_wan"):
        raise RulesError(f"{name}: [contracts] amount 应为 amount_wan 或 tech_amount_wan")


def load_rules(path: Path | str | None = None) -> dict:
    return load_rules_file(path, BUILTIN, _check, RulesError)


def cycle_table(rules: dict) -> pl.DataFrame:
    """The cycles as a frame (kind, level, province — "*" where any — mode, years, …) for vectorised joins."""
    rows = [
        {
            "c_kind": c["kind"],
            "c_level": c["level"],
            "c_province": c.get("province", "*"),
            "cycle_mode": c["mode"],
            "cycle_years": int(c["years"]),
            "cycle_source": c["source"],
            "cycle_verified": c.get("cycle_verified", c["verified"]),
            "bar_years": c.get("bar_years"),
            "grades": [{"grade": g, "to": s} for g, s in c.get("grades", {}).items()],
        }
        for c in rules["cycle"]
    ]
    schema = {
        "c_kind": pl.Utf8, "c_level": pl.Utf8, "c_province": pl.Utf8, "cycle_mode": pl.Utf8,
        "cycle_years": pl.Int32, "cycle_source": pl.Utf8, "cycle_verified": pl.Utf8, "bar_years": pl.Int32,
        "grades": pl.List(pl.Struct({"grade": pl.Utf8, "to": pl.Utf8})),
    }  # fmt: skip
    return pl.DataFrame(rows, schema=schema)
