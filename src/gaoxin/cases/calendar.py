"""The working-day calendar in force for a store: the shipped national table, then every calendar file the
zone loaded (gaoxin workdays load), in load order."""

from __future__ import annotations

from functools import lru_cache

import duckdb

from gaoxin import workdays
from gaoxin.store import calendar as store_calendar


def calendar_in_force(con: duckdb.DuckDBPyConnection) -> workdays.Calendar:
    return _calendar(tuple(store_calendar.versions(con)))


@lru_cache(maxsize=8)
def _calendar(versions: tuple[tuple[str, bytes], ...]) -> workdays.Calendar:
    # the same loaded files give the same calendar: built once, not on every page that shows a deadline
    return workdays.calendar([workdays.parse_file(name, data) for name, data in versions])
