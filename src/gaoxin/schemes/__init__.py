"""Scheme files: the pydantic model per kind, loading/validation, the formula language and the built-in schemes
(see FORMAT.md). These are the public names; nothing outside ``schemes/`` reads a private attribute.

The names load on first use (PEP 562): `gaoxin.schemes.texts` (a scheme's text and sha256) is read without
importing pydantic and the models, which a stored run's look-up does not need."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gaoxin import lazy

if TYPE_CHECKING:
    from .checks import overflow_warnings
    from .cultivation import CultivationScheme
    from .formula import Formula, FormulaError
    from .loader import KIND_MODULES, BuiltinScheme, list_builtin, load_scheme, parse_scheme, scheme_sources
    from .model import Scheme
    from .texts import SchemeError, builtin_ids, scheme_sha256, scheme_text
    from .zone import ZoneScheme

# public name → the module that defines it
_WHERE = {
    "overflow_warnings": ".checks",
    "CultivationScheme": ".cultivation",
    "Formula": ".formula",
    "FormulaError": ".formula",
    "KIND_MODULES": ".loader",
    "BuiltinScheme": ".loader",
    "list_builtin": ".loader",
    "load_scheme": ".loader",
    "parse_scheme": ".loader",
    "scheme_sources": ".loader",
    "Scheme": ".model",
    "SchemeError": ".texts",
    "builtin_ids": ".texts",
    "scheme_sha256": ".texts",
    "scheme_text": ".texts",
    "ZoneScheme": ".zone",
}

KINDS = (
    "mujun",
    "cultivation",
    "zone",
)  # scheme kinds: 亩均, 培育, 园区对标 (loader.KIND_MODULES; a test keeps them equal)

__all__ = [
    "KINDS",
    "BuiltinScheme",
    "CultivationScheme",
    "Formula",
    "FormulaError",
    "KIND_MODULES",
    "Scheme",
    "SchemeError",
    "ZoneScheme",
    "builtin_ids",
    "list_builtin",
    "load_scheme",
    "overflow_warnings",
    "parse_scheme",
    "scheme_sha256",
    "scheme_sources",
    "scheme_text",
]


__getattr__ = lazy.names(__name__, _WHERE)
