"""The registries' rules file (`rules.toml` beside this module, or a zone's own copy): review cycles per kind,
level and province, the 人均技术合同成交额 denominator and the unregistered-income flag — checked on load, each
refusal naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from gaoxin.rulefiles import load_rules_file, parse_text

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
    _check_providers(doc, name)
    k = doc["contracts"]
    if k.get("denominator") not in DENOMINATORS:
        raise RulesError(f"{name}: [contracts] denominator 应为 {' / '.join(DENOMINATORS)} 之一")
    if k.get("amount") not in ("amount_wan", "tech_amount_wan"):
        raise RulesError(f"{name}: [contracts] amount 应为 amount_wan 或 tech_amount_wan")


def _check_providers(doc: dict, name: str) -> None:
    """[[provider_cycle]] entries (optional: a zone's older copy without them gives 载体 no cycle)."""
    seen_p = set()
    for i, c in enumerate(doc.get("provider_cycle", []), 1):
        where = f"{name}: 第 {i} 个 [[provider_cycle]]"
        for key in ("kind", "level", "years", "source", "verified"):
            if key not in c:
                raise RulesError(f"{where} 缺少 {key}")
        if c["verified"] not in VERIFIED:
            raise RulesError(f"{where}: verified 应为 {' / '.join(VERIFIED)} 之一，实际为「{c['verified']}」")
        if not isinstance(c["years"], int) or not 1 <= c["years"] <= 20:
            raise RulesError(f"{where}: years 应为 1–20 的整数，实际为「{c['years']}」")
        if (c["kind"], c["level"]) in seen_p:
            raise RulesError(f"{where}: {c['kind']}/{c['level']} 重复定义")
        seen_p.add((c["kind"], c["level"]))


def load_rules(path: Path | str | None = None) -> dict:
    return load_rules_file(path, BUILTIN, _check, RulesError)


STATE_KEY = "registries.rules"  # the zone's rules file given to the last `registry import --rules` (its text)


def remember(con, path: Path | str | None) -> None:
    """Keep the text of the rules file a registry import was given: the figures worked later from the registers
    (after a staff or 科技局 import, at the next list) use the same rules. None leaves what was kept."""
    if path is None:
        return
    import json

    from gaoxin.store.users import put_setting

    p = Path(path)
    put_setting(con, STATE_KEY, json.dumps({"file": p.name, "text": p.read_text(encoding="utf-8")}))


def rules_in_force(con) -> dict:
    """The rules the zone gave its last `registry import --rules` (kept in the store), else the built-in file."""
    import json

    from gaoxin.store.users import get_setting

    kept = get_setting(con, STATE_KEY)
    if not kept:
        return load_rules()
    got = json.loads(kept)
    return parse_text(got["text"], got["file"], _check, RulesError)


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


def provider_cycle_table(rules: dict) -> pl.DataFrame:
    """The 科技服务载体 cycles as a frame (kind, level — "*" where any — years, source, assumed)."""
    rows = [
        {
            "pc_kind": c["kind"],
            "pc_level": c["level"],
            "cycle_years": int(c["years"]),
            "cycle_source": c["source"],
            "cycle_assumed": c["verified"] == "assumed" or c.get("date_verified") == "assumed",
        }
        for c in rules.get("provider_cycle", [])
    ]
    schema = {"pc_kind": pl.Utf8, "pc_level": pl.Utf8, "cycle_years": pl.Int32, "cycle_source": pl.Utf8,
              "cycle_assumed": pl.Boolean}  # fmt: skip
    return pl.DataFrame(rows, schema=schema)
