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


def test_command_table_matches_what_the_areas_register():
    """`gaoxin <command>` loads only the area the table names: the table must be what each area registers."""
    import importlib

    import typer

    from gaoxin import cli

    for area, names in cli.AREAS.items():
        app = typer.Typer()
        importlib.import_module(f"gaoxin.commands.{area}").register(app)
        registered = [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]
        assert sorted(registered) == sorted(names), area
    full = cli.build()
    assert len(full.registered_commands) + len(full.registered_groups) == len(cli.COMMAND_AREA)


def test_a_command_loads_only_its_area():
    mods = imported_after(
        "import sys\nfrom gaoxin import cli\nsys.argv = ['gaoxin', 'runs', '--help']\n"
        "try:\n    cli.run()\nexcept SystemExit:\n    pass"
    )
    assert "gaoxin.commands.mujun" in mods
    assert [
        m for m in mods if m.startswith("gaoxin.commands.") and m.split(".")[2] in ("land", "backup")
    ] == []


def test_commands_on_stored_runs_load_no_engine(demo_store, tmp_path):
    """`runs`, `results`, `explain` and `evaluate` of an existing run read plain rows and the scheme text: no
    numpy, polars or scipy is imported (the imports were most of their time)."""
    import shutil

    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_store.db, db)
    made = subprocess.run(
        [sys.executable, "-m", "gaoxin.cli", "evaluate", "--period", "2025", "--json", "--db", str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    run_id = json.loads(made.stdout)["run_id"]
    firm = subprocess.run(
        [sys.executable, "-m", "gaoxin.cli", "results", run_id, "--json", "--db", str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    uscc = json.loads(firm.stdout)[0]["uscc"]
    for argv in (
        ["runs", "--json"],
        ["results", run_id],
        ["explain", run_id, uscc, "--json"],
        ["evaluate", "--period", "2025", "--json"],
    ):
        code = (
            "import sys\nfrom gaoxin import cli\n"
            f"sys.argv = ['gaoxin', *{argv!r}, '--db', {str(db)!r}]\n"
            "try:\n    cli.run()\nexcept SystemExit as e:\n    assert not e.code, e.code"
        )
        mods = imported_after(code)
        assert [m for m in mods if m.split(".")[0] in ("numpy", "polars", "scipy")] == [], argv
    again = subprocess.run(
        [sys.executable, "-m", "gaoxin.cli", "evaluate", "--period", "2025", "--json", "--db", str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(again.stdout)["run_id"] == run_id and json.loads(again.stdout)["created"] is False
