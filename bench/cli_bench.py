"""CLI on stored runs (issue 20, item 4): wall and CPU time of `gaoxin runs`, `results`, `explain` and
`evaluate` of an existing run on the demo store, each in a fresh interpreter as a user types it, beside the
floor `gaoxin --version` (interpreter, typer and the command table; nothing read). Goal: ≤ 0.5 s wall on the
demo store. `--before-src DIR` (the `src/` of another commit, e.g. `git archive REV src | tar -x -C DIR`) times
the same commands with that code on a demo store it makes itself (older code refuses newer migrations).

    .venv/bin/gaoxin demo --no-serve --db /tmp/demo.duckdb      # once (≈ 0.5–2 min)
    .venv/bin/python bench/cli_bench.py --db /tmp/demo.duckdb [--reps 5] [--before-src DIR]

3 Dec 2026 (issue 20 item 4), quiet 2-core box, before = e22f752 in the same run (median wall): runs 0.60 →
0.32 s, results --json 0.53 → 0.30, results (table) 0.75 → 0.30, explain --json 0.70 → 0.34, evaluate of an
existing run 0.66 → 0.28; floor --version 0.21. How: `gaoxin <command>` assembles only that command's area;
numpy/polars load on first use in the store, scheme, formula and USCC modules; the scheme package is lazy (a
stored run is found from its scheme text and sha256 without pydantic: `runs.stored_run_id`); explain reads
plain rows; a long listing prints as aligned text instead of a Rich table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_once(args: list[str], src: Path | None) -> tuple[float, float]:
    # as on a user's machine, where Python keeps the compiled modules: a PYTHONDONTWRITEBYTECODE=1 in the
    # bench's own environment would make every command compile gaoxin again (~0.1 s of each start)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gaoxin.cli", *args], env=env, capture_output=True, check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def commands_for(db_path: Path, src: Path | None) -> dict[str, list[str]]:
    """The timed commands on one store, with a 亩均 run and a firm of it as that code lists them."""
    db = ["--db", str(db_path)]
    env = {**os.environ, **({"PYTHONPATH": str(src)} if src else {})}

    def ask(*args: str):
        out = subprocess.run(
            [sys.executable, "-m", "gaoxin.cli", *args], env=env, capture_output=True, check=True
        )
        return json.loads(out.stdout)

    mujun = next(r for r in ask("runs", "--json", *db)["runs"] if r["kind"] == "mujun")
    firm = ask("results", mujun["run_id"], "--json", *db)[0]["uscc"]
    return {
        "--version (floor)": ["--version"],
        "runs": ["runs", *db],
        "runs --json": ["runs", "--json", *db],
        "results --json": ["results", mujun["run_id"], "--json", *db],
        "results (table)": ["results", mujun["run_id"], *db],
        "explain --json": ["explain", mujun["run_id"], firm, "--json", *db],
        "evaluate (existing)": [
            "evaluate",
            "--scheme",
            mujun["scheme_id"],
            "--period",
            mujun["period"],
            "--json",
            *db,
        ],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--before-src", type=Path)
    a = ap.parse_args()
    codes: dict[str, tuple[Path | None, dict[str, list[str]]]] = {"after": (None, commands_for(a.db, None))}
    with tempfile.TemporaryDirectory() as tmp:
        if a.before_src:
            # the older code refuses a store with newer migrations: it reads a demo store it made itself
            old = Path(tmp) / "before.duckdb"
            env = {**os.environ, "PYTHONPATH": str(a.before_src)}
            subprocess.run(
                [sys.executable, "-m", "gaoxin.cli", "demo", "--no-serve", "--db", str(old)],
                env=env,
                capture_output=True,
                check=True,
            )
            codes["before"] = (a.before_src, commands_for(old, a.before_src))
        measure(a, codes)


def measure(a, codes: dict[str, tuple[Path | None, dict[str, list[str]]]]) -> None:
    names = list(codes["after"][1])
    for src, commands in codes.values():  # warm-up: bytecode compiled, files in the page cache
        for cmd in commands.values():
            run_once(cmd, src)
    load1, load5, _ = os.getloadavg()
    print(f"{a.db}: {a.reps} repetitions after one warm-up; load average {load1:.2f} / {load5:.2f}")
    print(f"{'command':<22}{'code':<8}{'min wall':>10}{'med wall':>10}{'min CPU':>10}{'med CPU':>10}")
    for name in names:
        for label, (src, commands) in codes.items():
            got = [run_once(commands[name], src) for _ in range(a.reps)]
            walls, cpus = [w for w, _ in got], [c for _, c in got]
            print(
                f"{name:<22}{label:<8}{min(walls):>10.2f}{statistics.median(walls):>10.2f}{min(cpus):>10.2f}"
                f"{statistics.median(cpus):>10.2f}"
            )
    print("goal: runs, results, explain ≤ 0.5 s wall on the demo store")


if __name__ == "__main__":
    main()
