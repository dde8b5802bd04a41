"""Imports paid on first use. `np` and `pl`: numpy and polars for modules that only some of their callers need
them in — the module is imported on the first attribute read (`pl.DataFrame`, `np.asarray`), so `gaoxin runs`
on stored runs, which reads plain rows, does not pay ~0.15 s of imports (modules import these under
`if not TYPE_CHECKING` and the real ones for the type checker). `names`: a package's public names, each loaded
from its module when first read (PEP 562)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any


class LazyModule:
    __slots__ = ("_name", "_module")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}{'' if self._module is None else ' (loaded)'}>"


np = LazyModule("numpy")
pl = LazyModule("polars")


def names(package: str, where: dict[str, str]) -> Callable[[str], Any]:
    """A package's module-level `__getattr__`: `where` maps each public name to the module defining it
    (relative to the package or absolute), imported when the name is first read and then kept."""

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
