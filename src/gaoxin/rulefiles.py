"""Rules files a zone copies and edits (TOML beside a package, or the zone's own path): read, parse, check and
stamp with the text's sha256 — one loader for the land rules, the registries' review cycles and the like.
Every refusal is the package's own error type and names the file (and, from `check`, the key)."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=16)
def parse_text(text: str, name: str, check: Callable[[dict, str], None], error: type[ValueError]) -> dict:
    """A rules text (read from a file or kept in the store) parsed, checked and stamped; once per process."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{name}: 不是有效的 TOML（{exc}）") from None
    check(doc, name)
    doc["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    doc["file"] = name
    return doc


def load_rules_file(
    path: Path | str | None, builtin: Path, check: Callable[[dict, str], None], error: type[ValueError]
) -> dict:
    """The rules at `path` (the built-in file when None), checked by `check(doc, file name)`; the same text is
    parsed once per process. The dict carries `sha256` and `file`; callers must not modify it."""
    p = Path(path) if path else builtin
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{p}: 无法读取规则文件（{exc}）") from None
    return parse_text(text, p.name, check, error)
