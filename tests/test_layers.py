"""The package layering of shared/DESIGN.md ("may import"), checked on every import statement in src/gaoxin,
function-level ones included."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "gaoxin"
# catalogues, settings and process set-up every layer may use
SHARED = {
    "fields",
    "zone_fields",
    "settings",
    "runtime",
    "jsonable",
    "incidents",
    "__version__",
    "units_format",
    "rulefiles",
    "lazy",
}
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
    "monitoring",
    "registries",
}
# package → the gaoxin packages it may import (DESIGN.md's layout table; chains is an analysis with its own
# package, commands is the CLI's)
ALLOWED = {
    "engine": set(),
    "schemes": {"engine"},
    "store": set(),
    "ingest": {"store"},
    # a kind's workbook is written by its reports/ writer (imported inside Kind.workbook)
    "evaluations": {"engine", "schemes", "store", "reports"},
    # chains targets read user files through ingest.readers
    "chains": {"engine", "schemes", "store", "ingest"},
    "reports": {"store", "evaluations", "schemes", "cases", "monitoring"},
    "monitoring": {"engine", "store"},
    "workdays": set(),
    "flows": {"workdays", "schemes"},
    # a 招商 lead names the chain node it would fill (cases.projects.chain_nodes reads the chain packs)
    "cases": {"flows", "workdays", "evaluations", "store", "ingest", "chains"},
    "demo": {"ingest", "store", "cases", "flows", "registries"},
    # innovation registries: intake through ingest, SQL in store, review clocks on the working-day calendar
    "registries": {"ingest", "store", "workdays"},
    "web": WEB,
    "commands": WEB | {"web"},
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


# SQL as this code base writes it (upper-case keywords), at the start of a string or f-string
_SQL = re.compile(
    r"^\s*(SELECT\s.+\bFROM\b|INSERT\s+(OR\s+\w+\s+)?INTO\b|UPDATE\s+[\w.]+\s+SET\b|DELETE\s+FROM\b"
    r"|(CREATE|DROP|ALTER)\s+(OR\s+REPLACE\s+)?(TEMP\s+)?(TABLE|VIEW|INDEX|SEQUENCE|SCHEMA)\b|WITH\s+\w+\s+AS\b"
    r"|ATTACH\s+'|DETACH\s+\w+|COPY\s+\S+\s+(TO|FROM)\b|PRAGMA\s+\w+|SET\s+\w+\s*=|WHERE\s+\S+\s*(=|<|>|IN\b|IS\b))",
    re.S,
)
_RUNS_SQL = {"execute", "executemany", "sql"}


def sql_outside_store(path: Path) -> list[str]:
    """Lines of `path` holding an SQL statement or running one on a connection."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in ast.walk(tree):
        text = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in parts:
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)
        if text is not None and _SQL.match(text):
            found.append(f"{path.name}:{node.lineno} {text.strip()[:60]!r}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _RUNS_SQL
        ):
            found.append(f"{path.name}:{node.lineno} .{node.func.attr}(…)")
    return found


def test_sql_is_written_only_in_store():
    wrong = []
    for path in sorted(SRC.rglob("*.py")):
        if path.relative_to(SRC).parts[0] != "store":
            wrong += [f"{path.relative_to(SRC).parent}/{w}" for w in sql_outside_store(path)]
    assert not wrong, "SQL outside src/gaoxin/store/:\n" + "\n".join(wrong)


def test_the_sql_check_sees_statements_and_leaves_prose_alone(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        'def f(con, t):\n    con.execute("SELECT 1")\n'
        '    q = f"SELECT count(*) FROM {t} WHERE x = ?"\n'
        '    w = "WHERE f.uscc = ? AND f.period = ?"\n'
        '    d = """\n        DELETE FROM fact WHERE batch_id = ?"""\n',
        encoding="utf-8",
    )
    assert sorted(int(w.split()[0].split(":")[1]) for w in sql_outside_store(bad)) == [2, 3, 4, 5]
    prose = tmp_path / "prose.py"
    prose.write_text(
        '"""Select the firms from the list; update the ledger and set the class."""\n'
        'A = "Create (or reset) a user"\nB = "drop"\nC = "With the firms as they are"\n'
        'D = "请从列表中选择 SELECT 一项"\n',
        encoding="utf-8",
    )
    assert sql_outside_store(prose) == []
