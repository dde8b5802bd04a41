"""The package layering of shared/DESIGN.md ("may import"), checked on every import statement in src/gaoxin,
function-level ones included."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "gaoxin"
# catalogues, settings and process set-up every layer may use
SHARED = {"fields", "zone_fields", "settings", "runtime", "jsonable", "__version__"}
# the edges (web app and CLI) may use every package below them
WEB = {
    "engine",
    "schemes",
    "store",
    "ingest",
    "evaluations",
    "chains",
    "reports",
    "demo",
    "cases",
    "flows",
    "workdays",
}
# package → the gaoxin packages it may import (DESIGN.md's layout table; chains is an analysis with its own
# package, commands is the CLI's)
ALLOWED = {
    "engine": set(),
    "schemes": {"engine"},
    "store": set(),
    "ingest": {"store"},
    "evaluations": {"engine", "schemes", "store"},
    "chains": {"engine", "schemes", "store"},
    "reports": {"store", "evaluations", "schemes"},
    "workdays": set(),
    "workdays_refresh": {"workdays"},
    "flows": {"workdays", "schemes"},
    "cases": {"flows", "workdays", "evaluations", "store", "ingest"},
    "demo": {"ingest", "store", "cases", "flows"},
    "web": WEB,
    "commands": WEB | {"web", "workdays_refresh"},
    "cli": {"commands"},
    # the field catalogue converts display units with ingest's unit table
    "fields": {"ingest"},
}


def imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        found |= {n.split(".")[1] for n in names if n.startswith("gaoxin.")}
    return found


def test_every_package_imports_only_what_the_design_allows():
    wrong = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        package = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        if package not in ALLOWED:
            continue
        for target in imported_packages(path) - {package} - SHARED - ALLOWED[package]:
            wrong.append(f"{rel} imports gaoxin.{target}")
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from gaoxin.evaluations.mujun import evaluate\n", encoding="utf-8")
    assert imported_packages(bad) == {"evaluations"}
