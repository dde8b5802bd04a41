"""Load, list and fingerprint scheme files (TOML via :mod:`tomllib`)."""

from __future__ import annotations

import difflib
import importlib
import tomllib
import types
import typing
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .model import LoadedScheme, Scheme
from .texts import (
    SchemeError,
    builtin_ids,
    resolve,
    scheme_sha256,
)

# One file format for every evaluation: `[scheme].kind` picks the model that validates the rest.
# Each kind lives in its own module exposing `MODEL` (a pydantic model with the same `[scheme]` table).
KIND_MODULES = {
    "mujun": "gaoxin.schemes.model",
    "cultivation": "gaoxin.schemes.cultivation",
    "zone": "gaoxin.schemes.zone",
}


def model_for(kind: str) -> type[LoadedScheme]:
    if kind not in KIND_MODULES:
        raise KeyError(kind)
    module = importlib.import_module(KIND_MODULES[kind])
    return getattr(module, "MODEL", None) or Scheme


@dataclass(frozen=True)
class BuiltinScheme:
    id: str
    title: str
    title_en: str
    region: str
    version: str
    status: str
    path: str
    kind: str = "mujun"


def load_scheme(id_or_path: str | Path) -> LoadedScheme:
    """Load and validate a scheme by built-in id (``"zj-huangyan-2022"``) or path. Raises :class:`SchemeError`."""
    origin, text = resolve(id_or_path)
    return parse_scheme(text, origin)


def parse_scheme(text: str, origin: str = "<text>") -> LoadedScheme:
    """Validate scheme TOML text. The returned scheme carries ``.text`` and ``.sha256``."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SchemeError(origin, [("", f"TOML 语法错误 / TOML syntax error: {e}")]) from None
    except RecursionError:
        raise SchemeError(origin, [("", "TOML 嵌套过深 / TOML nested too deeply")]) from None
    kind = raw.get("scheme", {}).get("kind", "mujun") if isinstance(raw.get("scheme"), dict) else "mujun"
    try:
        model = model_for(kind)
    except KeyError:
        raise SchemeError(
            origin,
            [
                (
                    "scheme.kind",
                    f"未知的评价类型 '{kind}'，应为 {' / '.join(KIND_MODULES)} 之一 / unknown kind",
                )
            ],
        ) from None
    try:
        scheme = model.model_validate(raw)
    except ValidationError as e:
        raise SchemeError(origin, _problems(e, raw, model)) from None
    scheme._text = text
    scheme._sha256 = scheme_sha256(text)
    scheme._origin = origin
    return scheme


def list_builtin() -> list[BuiltinScheme]:
    """The built-in schemes, sorted by id (each file is validated)."""
    out = []
    for sid in builtin_ids():
        s = load_scheme(sid)
        m = s.scheme
        out.append(
            BuiltinScheme(
                m.id,
                m.title,
                m.title_en,
                m.region,
                m.version,
                m.status,
                f"builtin:{sid}",
                m.kind,
            )
        )
    return out


def scheme_sources(scheme_id: str) -> list[dict]:
    """The documents a built-in scheme cites (title, document number, address) — never note keys."""
    return [
        {"title": src.title, "number": src.number, "url": src.url, "key": src.key}
        for src in load_scheme(scheme_id).scheme.sources
    ]


# ---- error formatting -------------------------------------------------------------------------------------
def _unwrap(ann):
    """The model class inside list[...] / X | None / dict[str, X] annotations (or None)."""
    origin = typing.get_origin(ann)
    if origin in (list, tuple, dict):
        args = typing.get_args(ann)
        return _unwrap(args[-1]) if args else None
    if origin in (typing.Union, types.UnionType):
        for a in typing.get_args(ann):
            m = _unwrap(a)
            if m is not None:
                return m
        return None
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    return None


def _model_at(loc: tuple, root: type[BaseModel] = Scheme) -> type[BaseModel] | None:
    model: type[BaseModel] | None = root
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = None
        for name, f in model.model_fields.items():
            if part in (name, f.alias):
                field = f
                break
        if field is None:
            return None
        model = _unwrap(field.annotation)
    return model


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


def _readable(loc: tuple, raw) -> str:
    """('list', 0, 'indicator', 1, 'weight') → 'list[规上].indicator[tax_per_mu].weight' using ids in the file."""
    out = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            label = str(part)
            if isinstance(node, list) and 0 <= part < len(node):
                node = node[part]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    label = node["id"]
            else:
                node = None
            out += f"[{label}]"
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


_MSG = {
    "missing": "缺少必填项 / required key missing",
    "int_parsing": "应为整数 / must be an integer",
    "int_type": "应为整数 / must be an integer",
    "float_parsing": "应为数值 / must be a number",
    "float_type": "应为数值 / must be a number",
    "string_type": "应为字符串 / must be a string",
    "bool_type": "应为 true/false / must be true or false",
    "list_type": "应为数组 [...] / must be an array",
    "dict_type": "应为表 {...} / must be a table",
    "model_type": "应为表 {...} / must be a table",
    "too_short": "至少需要一项 / needs at least one entry",
}


def _problems(err: ValidationError, raw, root: type[BaseModel] = Scheme) -> list[tuple[str, str]]:
    out = []
    for e in err.errors(include_url=False):
        loc = tuple(e["loc"])
        typ = e["type"]
        clause = _readable(loc, raw)
        if typ == "extra_forbidden":
            key = str(loc[-1])
            model = _model_at(loc[:-1], root)
            allowed = _keys_of(model) if model else []
            close = difflib.get_close_matches(key, allowed, n=2, cutoff=0.5)
            hint = f"；是否想写 did you mean: {', '.join(close)}" if close else ""
            msg = f"未知的键 '{key}'（拼写错误？）/ unknown key '{key}' (typo?){hint}"
            if allowed:
                msg += f"。允许的键 allowed: {', '.join(allowed)}"
        elif typ == "value_error":
            msg = str(e["msg"]).removeprefix("Value error, ")
            if "\n" in msg and not loc:  # scheme-level: one problem per line, each names its clause
                for line in msg.split("\n"):
                    c, _, m = line.partition(": ")
                    out.append((c, m) if m else ("", line))
                continue
        elif typ in ("literal_error", "enum"):
            msg = f"取值无效 / invalid value {e.get('input')!r}: {e['msg']}"
        elif typ in _MSG:
            msg = _MSG[typ]
        else:
            msg = f"{e['msg']} (input {e.get('input')!r})"
        out.append((clause, msg))
    return out
