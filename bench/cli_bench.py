"""CLI on stored runs (issue 20, item 4): wall and CPU time of `gaoxin runs`, `results`, `explain` and
`evaluate` of an existing run on the demo store, each in a fresh interpreter as a user types it, beside the
floor `gaoxin --version` (interpreter, typer and the command table; nothing read). Goal: ≤ 0.5 s wall on the
demo store. `--before-src DIR` times the same commands with another checkout's `src/` (before/after in one run).

    .venv/bin/gaoxin demo --no-serve --db /tmp/demo.duckdb      # once (≈ 1–2 min)
    .venv/bin/python bench/cli_bench.py --db /tmp/demo.duckdb [--reps 5] [--before-src DIR]

3 Dec 2026, the 2-core box shared (load average 5–8): runs --json 1.0 s CPU (before 1.6 s: every run's
scheme parsed to tell 已过期), results --json 0.9–1.1 s (before 1.2–1.5 s), explain --json 1.2 s (unchanged:
it parses the run's scheme), `--version` floor 0.33 s CPU / 0.6 s wall.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path


def run_once(args: list[str], src: Path | None) -> tuple[float, float]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gaoxin.cli", *args], env=env, capture_output=True, check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--before-src", type=Path)
    a = ap.parse_args()
    db = ["--db", str(a.db)]
    listed = json.loads(
        subprocess.run(
            [sys.executable, "-m", "gaoxin.cli", "runs", "--json", *db], capture_output=True, check=True
        ).stdout
    )["runs"]
    mujun = next(r for r in listed if r["kind"] == "mujun")
    firm = json.loads(
        subprocess.run(
            [sys.executable, "-m", "gaoxin.cli", "results", mujun["run_id"], "--json", *db],
            capture_output=True,
            check=True,
        ).stdout
    )[0]["uscc"]
    commands = {
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
    codes = {"after": None, **({"before": a.before_src} if a.before_src else {})}
    for cmd in commands.values():  # warm-up: bytecode compiled, files in the page cache
        for src in codes.values():
            run_once(cmd, src)
    load1, load5, _ = os.getloadavg()
    print(
        f"{a.db}: {len(listed)} runs; {a.reps} repetitions after one warm-up; load average {load1:.2f} / {load5:.2f}"
    )
    print(f"{'command':<22}{'code':<8}{'min wall':>10}{'med wall':>10}{'min CPU':>10}{'med CPU':>10}")
    for name, cmd in commands.items():
        for label, src in codes.items():
            got = [run_once(cmd, src) for _ in range(a.reps)]
            walls, cpus = [w for w, _ in got], [c for _, c in got]
            print(
                f"{name:<22}{label:<8}{min(walls):>10.2f}{statistics.median(walls):>10.2f}{min(cpus):>10.2f}"
                f"{statistics.median(cpus):>10.2f}"
            )
    print("goal: runs, results, explain ≤ 0.5 s wall on the demo store")


if __name__ == "__main__":
    main()
