"""Scheme files: the pydantic model per kind, loading/validation, the formula language and the built-in schemes
(see FORMAT.md). These are the public names; nothing outside ``schemes/`` reads a private attribute."""

from .checks import overflow_warnings
from .cultivation import CultivationScheme
from .formula import Formula, FormulaError
from .loader import (
    KIND_MODULES,
    BuiltinScheme,
    SchemeError,
    builtin_ids,
    list_builtin,
    load_scheme,
    parse_scheme,
    scheme_sha256,
    scheme_sources,
    scheme_text,
)
from .model import Scheme
from .zone import ZoneScheme

KINDS = tuple(KIND_MODULES)  # scheme kinds: mujun (亩均), cultivation (培育), zone (园区对标)

__all__ = [
    "KINDS",
    "BuiltinScheme",
    "CultivationScheme",
    "Formula",
    "FormulaError",
    "Scheme",
    "SchemeError",
    "ZoneScheme",
    "builtin_ids",
    "list_builtin",
    "overflow_warnings",
    "scheme_sources",
    "load_scheme",
    "parse_scheme",
    "scheme_sha256",
    "scheme_text",
]
