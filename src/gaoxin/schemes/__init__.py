"""Scheme files: the pydantic model, loading/validation, and the built-in schemes (see FORMAT.md)."""

from .loader import (
    BuiltinScheme,
    SchemeError,
    builtin_ids,
    list_builtin,
    load_scheme,
    parse_scheme,
    scheme_sha256,
    scheme_text,
)
from .model import Scheme

__all__ = [
    "BuiltinScheme",
    "Scheme",
    "SchemeError",
    "builtin_ids",
    "list_builtin",
    "load_scheme",
    "parse_scheme",
    "scheme_sha256",
    "scheme_text",
]
