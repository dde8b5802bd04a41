"""Startup stays light: importing the CLI (what `gaoxin --help` and every command pay first) must not import
the web app, the scipy-backed engine parts or the store's heavy dependencies; each command imports those
itself. A property of what gets imported, not a timing, so it is stable on slow machines."""

from __future__ import annotations

import json
import subprocess
import sys

# top-level packages that cost tens to hundreds of ms each and that only some commands need
HEAVY = {
    "scipy",
    "fastapi",
    "starlette",
    "uvicorn",
    "pypinyin",
    "jieba",
    "jinja2",
    "polars",
    "duckdb",
    "pydantic_settings",
    "openpyxl",
    "xlsxwriter",
}
# gaoxin modules that pull in the above
HEAVY_GAOXIN = (
    "gaoxin.web",
    "gaoxin.evaluations",
    "gaoxin.engine",
    "gaoxin.store",
    "gaoxin.reports",
    "gaoxin.chains.analysis",
    "gaoxin.ingest.importer",
    "gaoxin.settings",
)


def imported_after(code: str) -> list[str]:
    """Module names in sys.modules after running `code` in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_cli_import_leaves_heavy_modules_to_the_commands():
    mods = imported_after("import gaoxin.cli")
    assert sorted(m for m in mods if m.split(".")[0] in HEAVY) == []
    assert sorted(m for m in mods if m.startswith(HEAVY_GAOXIN)) == []


def test_engine_import_does_not_import_scipy():
    mods = imported_after("import gaoxin.engine")
    assert sorted(m for m in mods if m.split(".")[0] == "scipy") == []


def test_help_runs_and_lists_every_area():
    out = subprocess.run(
        [sys.executable, "-m", "gaoxin.cli", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("import", "evaluate", "cultivate", "rank", "chains", "serve", "user", "demo"):
        assert command in out.stdout


def test_lazy_names_still_resolve():
    from gaoxin.commands import web
    from gaoxin.ingest import importer, sources
    from gaoxin.web.auth import ensure_demo_admin

    assert web.ensure_demo_admin is ensure_demo_admin
    assert importer.SOURCES is sources.SOURCES
