"""Scheme texts without their models: a built-in id or a file path → its exact TOML text and sha256. Light (no
pydantic): finding a stored run of a scheme needs only these (`evaluations.runs.stored_run_id`)."""

from __future__ import annotations

import difflib
import hashlib
from importlib import resources
from pathlib import Path

BUILTIN_PACKAGE = "gaoxin.schemes"
BUILTIN_DIR = "builtin"


class SchemeError(ValueError):
    """A scheme file that cannot be used. ``problems`` lists (clause, message) pairs; str() shows them all."""

    def __init__(self, origin: str, problems: list[tuple[str, str]]):
        self.origin = origin
        self.problems = problems
        lines = [f"方案文件无效 / invalid scheme: {origin}"]
        lines += [f"  - {c}: {m}" if c else f"  - {m}" for c, m in problems]
        super().__init__("\n".join(lines))


def scheme_sha256(text: str) -> str:
    """sha256 (hex) of the scheme text as UTF-8 — the scheme part of a run id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _builtin_root():
    return resources.files(BUILTIN_PACKAGE).joinpath(BUILTIN_DIR)


def builtin_ids() -> list[str]:
    return sorted(p.name[:-5] for p in _builtin_root().iterdir() if p.name.endswith(".toml"))


def resolve(id_or_path: str | Path) -> tuple[str, str]:
    """(origin, text) for a builtin id or a file path."""
    s = str(id_or_path)
    p = Path(s)
    if s.endswith(".toml") or p.exists() or "/" in s or "\\" in s:
        if not p.is_file():
            raise SchemeError(s, [("", f"找不到方案文件 / file not found: {s}")])
        return str(p), p.read_text(encoding="utf-8")
    res = _builtin_root().joinpath(f"{s}.toml")
    if not res.is_file():
        ids = builtin_ids()
        close = difflib.get_close_matches(s, ids, n=2)
        hint = f"；是否想用 did you mean: {', '.join(close)}" if close else ""
        raise SchemeError(
            s,
            [("", f"没有内置方案 '{s}' / no built-in scheme '{s}'{hint}。内置 built-ins: {', '.join(ids)}")],
        )
    return f"builtin:{s}", res.read_text(encoding="utf-8")


def scheme_text(id_or_path: str | Path) -> str:
    """The exact TOML text of a built-in scheme id or a scheme file path."""
    return resolve(id_or_path)[1]
