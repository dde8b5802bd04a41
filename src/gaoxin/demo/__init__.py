"""Deterministic synthetic demo zone (示范高新区) and the department files it would produce.

zone = generate_zone()                       # truth, polars DataFrames in canonical units
paths = write_department_files(zone, "out")  # 7 messy xlsx files, byte-identical across runs
mess = expected_mess(zone)                   # per file: counts and row-level events of the mess
facts = expected_facts(zone)                 # every value the files carry, canonical units
"""

from gaoxin.demo.files import (
    DEPARTMENTS,
    IGNORABLE_HEADERS,
    TOLERANCE,
    expected_facts,
    expected_mess,
    file_names,
    plan_department_files,
    write_department_files,
)
from gaoxin.demo.zone import DEFAULT_SEED, YEARS, Zone, generate_zone

__all__ = [
    "DEFAULT_SEED",
    "DEPARTMENTS",
    "IGNORABLE_HEADERS",
    "TOLERANCE",
    "YEARS",
    "Zone",
    "expected_facts",
    "expected_mess",
    "file_names",
    "generate_zone",
    "plan_department_files",
    "write_department_files",
]
