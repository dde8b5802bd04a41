"""Test helpers: real xlsx files written with xlsxwriter, valid and broken credit codes, the CLI in-process."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from typer.testing import CliRunner

from gaoxin.ingest import uscc

# Real public code (国家市场监管总局 example used across the domain notes) and codes made valid here.
REAL_USCC = "91110000600037341L"


def valid_code(i: int, region: str = "340100") -> str:
    return uscc.make("91", region, f"MA{i:06d}")


def broken(code: str) -> str:
    """The same code with its check character changed (so it fails validation)."""
    last = code[-1]
    alt = "0" if last != "0" else "1"
    return code[:-1] + alt


def write_xlsx(
    path: Path, sheets: dict[str, list[list]], merges: dict[str, list[tuple]] | None = None
) -> Path:
    """Write rows (None = empty cell) per sheet; merges are (r1, c1, r2, c2, text) per sheet."""
    wb = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r1, c1, r2, c2, text in (merges or {}).get(name, []):
            ws.merge_range(r1, c1, r2, c2, text)
        merged = {(m[0], m[1]) for m in (merges or {}).get(name, [])}
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None or (r, c) in merged:
                    continue
                ws.write(r, c, v)
    wb.close()
    return path


def cli(*args, ok: bool = True):
    """Run `gaoxin ARGS…` in-process; with `ok`, fail the test (showing the output) unless it exits 0."""
    from gaoxin.cli import app

    res = CliRunner().invoke(app, [str(a) for a in args])
    if ok:
        assert res.exit_code == 0, res.output
    return res
