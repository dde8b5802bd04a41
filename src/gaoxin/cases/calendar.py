"""The working-day calendar in force for a store: the shipped national table, then every calendar file the
zone loaded (gaoxin workdays load), in load order."""

from __future__ import annotations

import duckdb

from gaoxin import workdays
from gaoxin.store import calendar as store_calendar


def calendar_in_force(con: duckdb.DuckDBPyConnection) -> workdays.Calendar:
    return workdays.calendar_of(tuple(store_calendar.versions(con)))
