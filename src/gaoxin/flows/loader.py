"""Load, list and fingerprint flow files (TOML), built-in or an officer's edited copy."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from .model import Flow

BUILTIN_DIR = "builtin"


class FlowError(ValueError):
    """A flow file that cannot be used, or a step a flow does not allow. ``problems`` lists (clause, message)
    pairs; str() shows them all."""

    def __init__(self, origin: str, problems: list[tuple[str, str]]):
        self.origin = origin
        self.problems = problems
        lines = [f"流程无效 / invalid flow: {origin}"] if origin else []
        lines += [f"  - {c}: {m}" if c else f"  - {m}" for c, m in problems]
        super().__init__("\n".join(lines) if origin else "；".join(f"{m}（{c}）" for c, m in problems))


@dataclass(frozen=True)
class BuiltinFlow:
    id: str
    title: str
    version: str
    locality: str
    path: str


def _builtin_files() -> dict[str, Path]:
    root = resources.files("gaoxin.flows") / BUILTIN_DIR
    return {Path(str(p)).stem: Path(str(p)) for p in root.iterdir() if str(p).endswith(".toml")}


def flow_text(ref: str | Path) -> str:
    """The text of a built-in flow (by id) or of a flow file."""
    builtin = _builtin_files()
    if isinstance(ref, str) and ref in builtin:
        return builtin[ref].read_text(encoding="utf-8")
    path = Path(ref)
    if not path.is_file():
        known = "、".join(sorted(builtin)) or "无"
        raise FlowError(str(ref), [("", f"没有这个流程或文件（内置流程：{known}）")])
    return path.read_text(encoding="utf-8")


def flow_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_flow(text: str, origin: str = "<text>") -> Flow:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FlowError(origin, [("", f"TOML 语法错误：{exc}")]) from None
    except RecursionError:
        raise FlowError(origin, [("", "TOML 嵌套过深")]) from None
    try:
        return Flow.model_validate(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e["loc"])
            msg = str(e["msg"]).removeprefix("Value error, ")
            problems.append((where, msg))
        raise FlowError(origin, problems) from None


def load_flow(ref: str | Path) -> tuple[Flow, str, str]:
    """(flow, text, sha256) for a built-in id or a file path."""
    text = flow_text(ref)
    return parse_flow(text, str(ref)), text, flow_sha256(text)


def list_builtin() -> list[BuiltinFlow]:
    out = []
    for _fid, path in sorted(_builtin_files().items()):
        meta = parse_flow(path.read_text(encoding="utf-8"), str(path)).flow
        out.append(BuiltinFlow(meta.id, meta.title, meta.version, meta.locality, str(path)))
    return out
