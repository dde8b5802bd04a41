"""Shared fixtures: a fresh store per test, and the demo store built once per session."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from gaoxin.demo import Zone, generate_zone, write_department_files
from gaoxin.demo.files import write_innovation_file
from gaoxin.store import connect
from support import cli

DEMO_FIRMS = 300


@pytest.fixture
def store(tmp_path):
    con = connect(tmp_path / "test.duckdb")
    yield con
    con.close()


@dataclass(frozen=True)
class DemoStore:
    """The demo zone's department files and 科技局 file, imported through `gaoxin import` into one store.

    Shared by the whole session: open ``db`` with ``read_only=True``, or ``copy()`` it before writing."""

    zone: Zone
    files: tuple[Path, ...]
    db: Path
    imported: dict  # the `gaoxin import --json` answer

    def copy(self, dest: Path) -> Path:
        """A private, writable copy of the store at ``dest`` (a file copy: far cheaper than importing)."""
        shutil.copyfile(self.db, dest)
        return dest


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def demo_zone() -> Zone:
    """The deterministic demo zone of DEMO_FIRMS firms (read it, never change it)."""
    return generate_zone(n_firms=DEMO_FIRMS)


@pytest.fixture(scope="session")
def demo_store(demo_zone, tmp_path_factory) -> DemoStore:
    root = tmp_path_factory.mktemp("demo-store")
    files = write_department_files(demo_zone, root / "files") + [
        write_innovation_file(demo_zone, root / "files")
    ]
    db = root / "demo.duckdb"
    imported = json.loads(cli("import", *files, "--db", db, "--json").stdout)
    built = DemoStore(demo_zone, tuple(files), db, imported)
    sha = _sha256(db)
    yield built
    # a module that wrote to the shared store instead of its copy would change what later modules read
    assert _sha256(db) == sha, "the shared demo store was written to; use demo_store.copy() before writing"
