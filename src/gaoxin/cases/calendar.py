"""The working-day calendar in force for a store: the shipped national table, then every calendar file the
zone loaded (gaoxin workdays load), in load order."""

from __future__ import annotations

import duckdb

from gaoxin import workdays
from gaoxin.store import calendar as store_calendar


def calendar_in_force(con: duckdb.DuckDBPyConnection) -> workdays.Calendar:
    extra = [workdays.parse_file(name, data) for name, data in store_calendar.versions(con)]
    return workdays.calendar(extra)
