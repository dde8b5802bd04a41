"""DuckDB store: schema, migrations, connections, transactions and queries (the only place with SQL)."""

from gaoxin.store.db import (
    DEFAULT_DB,
    StoreError,
    connect,
    frame,
    migrate,
    one,
    rows,
    schema_version,
    transaction,
)

__all__ = [
    "DEFAULT_DB",
    "StoreError",
    "connect",
    "frame",
    "migrate",
    "one",
    "rows",
    "schema_version",
    "transaction",
]
