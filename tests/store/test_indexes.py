"""Indexes the store keeps for point look-ups."""

from __future__ import annotations


def test_one_firm_is_read_through_an_index(tmp_path):
    """Migration 20: the credit code is indexed in enterprise and parcel (the 画像 and access checks read one
    firm; DuckDB answers a point look-up from the index instead of scanning every firm)."""
    from gaoxin.store import connect

    con = connect(tmp_path / "s.duckdb")
    found = {tuple(r) for r in con.execute("SELECT table_name, expressions FROM duckdb_indexes()").fetchall()}
    assert ("enterprise", "[uscc]") in found and ("parcel", "[uscc]") in found
    con.close()
