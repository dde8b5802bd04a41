"""The ``--source`` values of an import, in a module of its own so that the CLI can list them in its help
without importing the readers (polars, openpyxl) and the store."""

from __future__ import annotations

SOURCES = (
    "auto",
    "registry",
    "tax",
    "stats",
    "power",
    "land",
    "env",
    "safety",
    "sci",
    "water",
    "other",
    "zone",
)
