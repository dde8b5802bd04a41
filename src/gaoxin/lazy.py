"""numpy and polars for modules that only some of their callers need them in: the module is imported on the
first attribute read (`pl.DataFrame`, `np.asarray`), so `gaoxin runs` on stored runs, which reads plain rows,
does not pay ~0.15 s of imports. Modules import these under `if not TYPE_CHECKING` and the real ones for the
type checker."""

from __future__ import annotations

import importlib
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
