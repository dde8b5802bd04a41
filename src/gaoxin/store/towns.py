"""The towns (镇街) the store knows: those of registered firms — what a town user or a --town filter may name."""

from __future__ import annotations

import duckdb

from gaoxin.store.db import rows


def known_towns(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in rows(con, "SELECT DISTINCT town FROM enterprise WHERE town IS NOT NULL ORDER BY 1")]


def unknown_town_message(town: str, towns: list[str]) -> str | None:
    """None when ``town`` is known (or the store holds no towns yet); else the refusal naming the towns."""
    if not towns or town in towns:
        return None
    return f"没有镇街「{town}」（该用户将看不到任何企业）；已有镇街：{'、'.join(towns)}"
