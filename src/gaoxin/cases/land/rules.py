"""The land rules file (rules.toml beside this module, or a zone's own copy): 53号令 clocks and 低效 flags."""

from __future__ import annotations

import hashlib
import tomllib
from functools import lru_cache
from pathlib import Path

BUILTIN = Path(__file__).with_name("rules.toml")
LOWUSE = ("overdue_completion", "low_intensity", "no_power", "no_tax", "class_d", "banned_industry")


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the key."""


@lru_cache(maxsize=8)
def _load(text: str, name: str) -> dict:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{name}: 不是有效的 TOML（{exc}）") from None
    for key in ("meta", "idle", "lowuse"):
        if key not in doc:
            raise RulesError(f"{name}: 缺少 [{key}] 部分")
    for rid in LOWUSE:
        rule = doc["lowuse"].get(rid)
        if rule is None:
            raise RulesError(f"{name}: 缺少 [lowuse.{rid}]（可设 on = false 停用）")
        if not rule.get("clause"):
            raise RulesError(f"{name}: [lowuse.{rid}] 须有 clause（依据）")
    doc["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    return doc


def load_rules(path: Path | str | None = None) -> dict:
    p = Path(path) if path else BUILTIN
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"{p}: 无法读取规则文件（{exc}）") from None
    return _load(text, p.name)
