"""Hostile spreadsheets: how fast and in how little memory gaoxin refuses them (issue 19: "importing the
40M-cell bomb peaks below 300 MB and is refused in under 5 s").

Three bombs, each refused in a fresh `gaoxin import` process (its peak RSS from the OS, its wall time):
  * declared: a small file whose sheet declares 40M cells (<dimension ref="A1:AN1000000">);
  * ratio: a member that inflates ~1000× (the classic zip bomb);
  * undeclared: a sheet with no <dimension> holding ~21M real cells of varying digits (~30× compression),
    refused by counting the streamed XML (or by the member / file limits, whichever comes first — the bench
    prints which).
Floor: the same process importing a 3-row valid file (interpreter, imports and the store: what any import
costs). Printed: repetitions, min/median time, peak RSS, the limit named, the load average.

    .venv/bin/python bench/hardening_bench.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import xlsxwriter

HEAD = ["统一社会信用代码", "企业名称", "实缴税金（万元）"]
CODE = "91110000600037341L"


def small(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("2025")
    for r, row in enumerate([HEAD, [CODE, "甲", 10]]):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    wb.close()
    return path


def _swap(src: Path, dst: Path, member: str, write) -> Path:
    with (
        zipfile.ZipFile(src) as zin,
        zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout,
    ):
        for info in zin.infolist():
            if info.filename == member:
                with zout.open(member, "w", force_zip64=True) as fh:
                    write(fh)
            else:
                zout.writestr(info.filename, zin.read(info.filename))
    return dst


def declared(root: Path) -> Path:
    src = small(root / "s.xlsx")
    with zipfile.ZipFile(src) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    body = xml.replace(b'<dimension ref="A1:C2"/>', b'<dimension ref="A1:AN1000000"/>')
    return _swap(src, root / "declared.xlsx", "xl/worksheets/sheet1.xml", lambda fh: fh.write(body))


def ratio(root: Path) -> Path:
    src = small(root / "s2.xlsx")

    def write(fh):
        block = b"<x/>" * (1 << 20)
        for _ in range(50):  # 200 MB of one pattern
            fh.write(block)

    return _swap(src, root / "ratio.xlsx", "docProps/app.xml", write)


def undeclared(root: Path, cells: int = 21_000_000, cols: int = 40) -> Path:
    src = small(root / "s3.xlsx")
    rng = np.random.default_rng(7)

    def write(fh):
        fh.write(
            b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>'
        )
        rows = cells // cols
        for start in range(0, rows, 20_000):
            n = min(20_000, rows - start)
            digits = rng.integers(100, 999, size=(n, cols))
            lines = [b"<row>" + b"".join(b"<c><v>%d</v></c>" % d for d in r) + b"</row>" for r in digits]
            fh.write(b"".join(lines))
        fh.write(b"</sheetData></worksheet>")

    return _swap(src, root / "undeclared.xlsx", "xl/worksheets/sheet1.xml", write)


def refuse(path: Path, db: Path) -> tuple[float, float, int, str]:
    """(seconds, peak RSS MB, exit code, first line of output) of one `gaoxin import` in a fresh process."""
    code = (
        "import sys, time\n"
        "t = time.perf_counter()\n"
        "from gaoxin.cli import run\n"
        "try:\n    run()\nexcept SystemExit as e:\n    rc = e.code\nelse:\n    rc = 0\n"
        # the child's own high-water mark (VmHWM): ru_maxrss would carry this parent's over fork and exec
        "hwm = next(x for x in open('/proc/self/status') if x.startswith('VmHWM:')).split()[1]\n"
        "print('BENCH', time.perf_counter() - t, hwm, rc, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "import", str(path), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=600,
        env=os.environ | {"GAOXIN_INCIDENT_LOG": str(db.with_suffix(".log"))},
    )
    line = next(x for x in proc.stderr.splitlines() if x.startswith("BENCH"))
    _, secs, rss_kb, rc = line.split()
    said = (proc.stdout + proc.stderr).replace(line, "").strip().splitlines()
    return float(secs), int(rss_kb) / 1024, int(rc if rc != "None" else 0), (said[0] if said else "")[:150]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="gaoxin-bomb-") as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        files = {"declared": declared(root), "ratio": ratio(root), "undeclared": undeclared(root)}
        print(
            f"files made in {time.perf_counter() - t:.1f} s: "
            + ", ".join(f"{k} {p.stat().st_size / 1e6:.1f} MB" for k, p in files.items())
        )
        cases = {"floor (valid 1-row file)": small(root / "2025年纳税.xlsx"), **files}
        print(f"load average {os.getloadavg()[0]:.2f} · {args.repeat} runs each after one warm-up")
        print(f"{'case':28} {'min s':>7} {'median s':>9} {'peak MB':>8}  exit  what the user read")
        for name, path in cases.items():
            refuse(path, root / f"warm-{name[:4]}.duckdb")
            runs = [refuse(path, root / f"{name[:4]}-{i}.duckdb") for i in range(args.repeat)]
            secs = [r[0] for r in runs]
            peak = max(r[1] for r in runs)
            print(
                f"{name:28} {min(secs):7.2f} {statistics.median(secs):9.2f} {peak:8.0f}  {runs[0][2]:>4}  {runs[0][3]}"
            )
    print("goal: every bomb refused (exit ≠ 0) in < 5 s with peak < 300 MB")


if __name__ == "__main__":
    main()
