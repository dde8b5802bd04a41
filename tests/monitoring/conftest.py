"""A copy of the session's demo store with the demo zone's 36 months of monthly files imported through the
monthly intake (built once per module that asks for it)."""

from __future__ import annotations

import pytest

from gaoxin.demo.monthly import import_monthly, write_monthly_files
from gaoxin.store import connect


@pytest.fixture(scope="package")
def monthly_store(demo_store, tmp_path_factory):
    root = tmp_path_factory.mktemp("monthly")
    db = demo_store.copy(root / "monthly.duckdb")
    paths = write_monthly_files(demo_store.zone, root / "files")
    con = connect(db)
    imported = import_monthly(con, paths)
    con.close()
    return {"db": db, "paths": paths, "imported": imported}
