"""Shared fixtures: a fresh store per test."""

from __future__ import annotations

import pytest

from gaoxin.store import connect


@pytest.fixture
def store(tmp_path):
    con = connect(tmp_path / "test.duckdb")
    yield con
    con.close()
