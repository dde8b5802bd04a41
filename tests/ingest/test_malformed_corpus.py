"""Hardening (issue 19): a corpus of malformed and careless files, made by code here, each either parsed right
(every physical data row accepted, rejected or skipped) or refused with one line naming the file — never a
trace, never a silent loss. The count tried / handled right is printed (run with -s to see it)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from gaoxin.ingest.importer import ImportFailed, import_files
from gaoxin.store import connect, one
from support import valid_code, write_xlsx

A, B, C = (valid_code(i) for i in (21, 22, 23))
HEAD = ["统一社会信用代码", "企业名称", "实缴税金（万元）"]
GOOD = [HEAD, [A, "甲", 10], [B, "乙", 20]]
CSV_HEAD = ",".join([*HEAD, "年份"])  # a CSV has no sheet name to carry the year


def _xlsx(rows):
    return lambda p: write_xlsx(p.with_suffix(".xlsx"), {"2025": rows})


def _csv(text: str, encoding: str = "utf-8"):
    def make(p: Path) -> Path:
        out = p.with_suffix(".csv")
        out.write_bytes(text.encode(encoding))
        return out

    return make


def _bytes(suffix: str, body: bytes):
    def make(p: Path) -> Path:
        out = p.with_suffix(suffix)
        out.write_bytes(body)
        return out

    return make


def _patched(member: str, change: Callable[[bytes], bytes], rows=GOOD):
    def make(p: Path) -> Path:
        src = write_xlsx(p.with_name(p.stem + "_src.xlsx"), {"2025": rows})
        out = p.with_suffix(".xlsx")
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                body = zin.read(info.filename)
                zout.writestr(info.filename, change(body) if info.filename == member else body)
        src.unlink()
        return out

    return make


def _truncated(p: Path) -> Path:
    src = write_xlsx(p.with_name(p.stem + "_src.xlsx"), {"2025": GOOD})
    out = p.with_suffix(".xlsx")
    out.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    src.unlink()
    return out


SHEET = "xl/worksheets/sheet1.xml"
rows_of = "\n".join
# name → (maker, expected: "refused" or (rows, accepted, rejected, skipped))
CORPUS = {
    "40M 单元格声明": (
        _patched(SHEET, lambda b: b.replace(b'ref="A1:C3"', b'ref="A1:AN1000000"')),
        "refused",
    ),
    "高压缩比成员": (_patched("docProps/app.xml", lambda b: b"<x/>" * (5 * 1024 * 1024)), "refused"),
    "截断的 xlsx": (_truncated, "refused"),
    "空文件": (_bytes(".xlsx", b""), "refused"),
    "随机字节伪装 xlsx": (_bytes(".xlsx", bytes(range(256)) * 64), "refused"),
    "网页另存为 xls": (
        _bytes(".xls", "<html><table><tr><td>统一社会信用代码</td></tr></table></html>".encode()),
        "refused",
    ),
    "OLE 头无内容的 xls": (_bytes(".xls", bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504), "refused"),
    "不支持的类型 txt": (_bytes(".txt", b"uscc,name\n"), "refused"),
    "0 字节 csv": (_bytes(".csv", b""), "refused"),
    "只有表头": (_xlsx([HEAD]), "refused"),
    "没有信用代码列": (_xlsx([["企业名称", "实缴税金（万元）"], ["甲", 10]]), "refused"),
    "CRLF csv": (
        _csv(rows_of([CSV_HEAD, f"{A},甲,10,2025", f"{B},乙,20,2025"]).replace("\n", "\r\n")),
        (2, 2, 0, 0),
    ),
    "混合行尾 csv": (
        _csv(CSV_HEAD + "\r\n" + f"{A},甲,10,2025\r" + f"{B},乙,20,2025\n" + f"{C},丙,30,2025"),
        (3, 3, 0, 0),
    ),
    "仅 CR 行尾 csv": (_csv(CSV_HEAD + "\r" + f"{A},甲,10,2025\r" + f"{B},乙,20,2025"), (2, 2, 0, 0)),
    "带 BOM 的 csv": (_csv("\ufeff" + rows_of([CSV_HEAD, f"{A},甲,10,2025"])), (1, 1, 0, 0)),
    "GBK 编码 csv": (_csv(rows_of([CSV_HEAD, f"{A},甲,10,2025", f"{B},乙,20,2025"]), "gbk"), (2, 2, 0, 0)),
    # every row refused, each kept with its reason: a batch of rejects, nothing scored
    "无穷大与溢出": (
        _xlsx([HEAD, [A, "甲", "inf"], [B, "乙", "1e400"], [C, "丙", "-Infinity"]]),
        (3, 0, 3, 0),
    ),
    "一行 1e308": (_xlsx([HEAD, [A, "甲", 10], [B, "乙", "1e308"]]), (2, 1, 1, 0)),
    "离谱的数量级": (_xlsx([HEAD, [A, "甲", 10], [B, "乙", 500_000_000]]), (2, 1, 1, 0)),
    "3000 字企业名": (_xlsx([HEAD, [A, "甲", 10], [B, "乙" * 3000, 20]]), (2, 1, 1, 0)),
    "NUL 字符": (_xlsx([HEAD, [A, "甲", 10], [B, "乙\x00公司", 20]]), (2, 1, 1, 0)),
    "错误校验位": (
        _xlsx([HEAD, [A, "甲", 10], [B[:-1] + ("0" if B[-1] != "0" else "1"), "乙", 20]]),
        (2, 1, 1, 0),
    ),
    "空行与合计行": (_xlsx([HEAD, [A, "甲", 10], [None, None, None], ["合计", None, 10]]), (3, 1, 0, 2)),
}


def _handled(store, path: Path, expected) -> tuple[bool, str]:
    try:
        results = import_files(store, [path])
    except ImportFailed as exc:
        text = str(exc)
        ok = expected == "refused" and path.name in text and "Traceback" not in text
        return ok, text.splitlines()[0][:120]
    except Exception as exc:  # noqa: BLE001 — any other escape is exactly what the corpus is looking for
        return False, f"{type(exc).__name__}: {exc}"[:120]
    b = results[0].batch
    counts = (b.rows, b.accepted, b.rejected, b.skipped)
    n_rejects = one(store, "SELECT count(*) FROM rejected_row WHERE batch_id = ?", [results[0].batch_id])[0]
    whole = b.rows == b.accepted + b.rejected + b.skipped and n_rejects == b.rejected + b.skipped
    return counts == expected and whole, f"rows/accepted/rejected/skipped {counts}"


@pytest.mark.parametrize("name", list(CORPUS))
def test_each_malformed_file_is_parsed_right_or_refused_naming_the_file(tmp_path, name):
    maker, expected = CORPUS[name]
    store = connect(tmp_path / "c.duckdb")
    try:
        ok, what = _handled(store, maker(tmp_path / "2025年纳税_样本"), expected)
    finally:
        store.close()
    assert ok, f"{name}: expected {expected}, got {what}"


def test_corpus_count(tmp_path, capsys):
    handled = 0
    for i, (maker, expected) in enumerate(CORPUS.values()):
        store = connect(tmp_path / f"c{i}.duckdb")
        try:
            ok, _ = _handled(store, maker(tmp_path / f"2025年纳税_{i}"), expected)
        finally:
            store.close()
        handled += ok
    with capsys.disabled():
        print(f"\nmalformed corpus: tried {len(CORPUS)} / handled right {handled}")
    assert handled == len(CORPUS)
