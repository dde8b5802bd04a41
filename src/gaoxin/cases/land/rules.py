"""The land rules file (rules.toml beside this module, or a zone's own copy): 53号令 clocks and 低效 flags."""

from __future__ import annotations

from pathlib import Path

from gaoxin.rulefiles import load_rules_file

BUILTIN = Path(__file__).with_name("rules.toml")
LOWUSE = ("overdue_completion", "low_intensity", "no_power", "no_tax", "class_d", "banned_industry")


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the key."""


def _check(doc: dict, name: str) -> None:
    for key in ("meta", "idle", "lowuse"):
        if key not in doc:
            raise RulesError(f"{name}: 缺少 [{key}] 部分")
    for rid in LOWUSE:
        rule = doc["lowuse"].get(rid)
        if rule is None:
            raise RulesError(f"{name}: 缺少 [lowuse.{rid}]（可设 on = false 停用）")
        if not rule.get("clause"):
            raise RulesError(f"{name}: [lowuse.{rid}] 须有 clause（依据）")


def load_rules(path: Path | str | None = None) -> dict:
    return load_rules_file(path, BUILTIN, _check, RulesError)
