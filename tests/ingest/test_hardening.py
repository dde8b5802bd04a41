"""Hostile and careless files: archives that would inflate to gigabytes are refused from their directory before
parsing; no CSV row vanishes after a lone CR; ±∞ and absurd magnitudes are refused with the cell named; a
panicking spreadsheet reader is one clear line; .ods files go through the same path with the same limits."""

from __future__ import annotations

import re
import zipfile

import pytest

from gaoxin.ingest import readers
from gaoxin.ingest.importer import ImportFailed, import_files
from gaoxin.ingest.prepare import prepare_file
from gaoxin.settings import Limits
from gaoxin.store import connect, one
from support import valid_code, write_xlsx

A, B, C = (valid_code(i) for i in (11, 12, 13))
HEAD = ["统一社会信用代码", "企业名称", "实缴税金（万元）"]


@pytest.fixture
def store(tmp_path):
    con = connect(tmp_path / "h.duckdb")
    yield con
    con.close()


def _rewrite(src, dst, member: str, body: bytes, level: int = zipfile.ZIP_DEFLATED):
    """A copy of an xlsx with one member's bytes replaced (how a crafted file is made)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", level) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, body if info.filename == member else zin.read(info.filename))
    return dst


def test_a_declared_sheet_of_forty_million_cells_is_refused_before_parsing(tmp_path):
    small = write_xlsx(tmp_path / "s.xlsx", {"2025": [HEAD, [A, "甲", 10]]})
    with zipfile.ZipFile(small) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    assert b"<dimension" in xml  # xlsxwriter writes the extent, as Excel does
    bomb_xml = xml.replace(b'<dimension ref="A1:C2"/>', b'<dimension ref="A1:AN1000000"/>')
    bomb = _rewrite(small, tmp_path / "炸弹.xlsx", "xl/worksheets/sheet1.xml", bomb_xml)
    with pytest.raises(readers.ReadError) as info:
        readers.read_file(bomb)
    text = str(info.value)
    assert "炸弹.xlsx" in text and "xl/worksheets/sheet1.xml" in text and "GAOXIN_LIMIT_CELLS" in text


def test_a_member_that_inflates_far_beyond_its_size_is_refused(tmp_path):
    small = write_xlsx(tmp_path / "s.xlsx", {"2025": [HEAD, [A, "甲", 10]]})
    filler = b"<x/>" * (5 * 1024 * 1024)  # 20 MB of one pattern: ~1000× compression
    bomb = _rewrite(small, tmp_path / "b.xlsx", "docProps/app.xml", filler)
    with pytest.raises(readers.ReadError, match="压缩比.*GAOXIN_LIMIT_RATIO"):
        readers.read_file(bomb)
    with pytest.raises(readers.ReadError, match="解压后.*GAOXIN_LIMIT_MEMBER_MB"):
        readers.read_file(bomb, limits=Limits(member_mb=10))


def test_files_and_sheets_over_the_limits_name_the_limit(tmp_path):
    path = write_xlsx(tmp_path / "宽表.xlsx", {"2025": [HEAD, [A, "甲", 10], [B, "乙", 20]]})
    with pytest.raises(readers.ReadError, match="（声明范围 A1:C3）有 3 行.*GAOXIN_LIMIT_ROWS"):
        readers.read_file(path, limits=Limits(rows=2))
    with pytest.raises(readers.ReadError, match="GAOXIN_LIMIT_FILE_MB"):
        readers.read_file(path, limits=Limits(file_mb=0.001))


@pytest.mark.parametrize(
    "ends",
    [("\r\n", "\r\n", "\r\n"), ("\r\n", "\r", "\n"), ("\r", "\r", "\r")],
    ids=["crlf", "mixed", "cr-only"],
)
def test_every_csv_row_is_accounted_for_whatever_the_line_ends(tmp_path, store, ends):
    rows = [",".join(HEAD), f"{A},甲,10", f"{B},乙,20", f"{C},丙,30"]
    text = rows[0] + ends[0] + rows[1] + ends[1] + rows[2] + ends[2] + rows[3]
    path = tmp_path / "2025年税收.csv"
    path.write_bytes(text.encode("utf-8"))
    batch = prepare_file(path, "tax", "2025")
    assert (batch.rows, batch.accepted, batch.rejected, batch.skipped) == (3, 3, 0, 0)


@pytest.mark.parametrize("cell", ["inf", "-Infinity", "1e400", "1e308"])  # ("NaN" is an empty cell)
def test_non_finite_figures_are_refused_with_the_cell_named(tmp_path, cell):
    path = write_xlsx(tmp_path / "税.xlsx", {"2025": [HEAD, [A, "甲", 10], [B, "乙", cell]]})
    batch = prepare_file(path, "tax", "2025")
    assert (batch.accepted, batch.rejected) == (1, 1)
    reason = batch.rejected_rows["reasons"].to_list()[0]
    assert "实缴税金" in reason and "C列" in reason and cell in reason
    assert batch.facts["value"].is_finite().all()


def test_absurd_magnitudes_are_refused_against_the_field_catalogue(tmp_path):
    # 5 亿万元 = 5e12 元 of tax for one firm: beyond the plausible 1 万亿元
    path = write_xlsx(tmp_path / "税.xlsx", {"2025": [HEAD, [A, "甲", 10], [B, "乙", 500_000_000]]})
    batch = prepare_file(path, "tax", "2025")
    assert (batch.accepted, batch.rejected) == (1, 1)
    assert "超出合理范围" in batch.rejected_rows["reasons"].to_list()[0]


def test_a_panicking_reader_is_one_clear_line(tmp_path, monkeypatch, store):
    class PanicException(BaseException):  # what the Rust reader raises: not an Exception
        pass

    def panic(*_a, **_k):
        raise PanicException("index out of bounds: the len is 3 but the index is 7")

    path = write_xlsx(tmp_path / "坏公式.xls", {"S": [HEAD]})
    monkeypatch.setattr(readers.fastexcel, "read_excel", panic)
    with pytest.raises(ImportFailed, match="坏公式.xls: 不是有效的 Excel 文件") as info:
        import_files(store, [path])
    assert "index out of bounds" not in str(info.value)
    assert one(store, "SELECT count(*) FROM import_batch")[0] == 0


def _ods(path, rows):
    """A minimal OpenDocument spreadsheet (what LibreOffice saves), written by hand."""
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
            if isinstance(v, int | float)
            else f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="2025">{cells}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def test_an_ods_file_imports_through_the_same_path(tmp_path, store):
    path = _ods(tmp_path / "2025年税收.ods", [HEAD, [A, "甲", 10], [B, "乙", "inf"]])
    batch = prepare_file(path, "tax", "2025")
    assert (batch.rows, batch.accepted, batch.rejected) == (2, 1, 1)
    assert batch.facts.filter(batch.facts["indicator"] == "tax_paid")["value"].to_list() == [100_000.0]


def test_impossible_years_long_names_and_control_characters_are_refused(tmp_path):
    head = ["统一社会信用代码", "企业名称", "年份", "实缴税金（万元）"]
    rows = [
        head,
        [A, "甲", 2025, 10],
        [B, "乙", 2099, 20],  # a data year decades ahead
        [C, "丙" * 3000, 2025, 30],  # a pasted document in the name column
        [valid_code(14), "丁\x00公司", 2025, 40],  # a NUL byte
    ]
    batch = prepare_file(write_xlsx(tmp_path / "税.xlsx", {"S": rows}), "tax", None)
    assert (batch.rows, batch.accepted, batch.rejected) == (4, 1, 3)
    reasons = "\n".join(batch.rejected_rows["reasons"].to_list())
    assert "2099" in reasons and "GAOXIN_LIMIT_TEXT_CHARS" in reasons
    assert batch.attrs["name"].str.len_chars().max() <= 2_000


def test_a_sheet_without_a_declared_extent_is_counted_before_parsing(tmp_path):
    """Some exporters write no <dimension>: the cells are counted from the streamed XML, in constant memory."""
    rows = [HEAD] + [[valid_code(100 + i), f"企业{i}", i] for i in range(40)]
    small = write_xlsx(tmp_path / "s.xlsx", {"2025": rows})
    with zipfile.ZipFile(small) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    bare = _rewrite(
        small, tmp_path / "无范围.xlsx", "xl/worksheets/sheet1.xml", re.sub(rb"<dimension[^>]*/>", b"", xml)
    )
    with zipfile.ZipFile(bare) as z:
        assert b"<dimension" not in z.read("xl/worksheets/sheet1.xml")
    assert readers.read_file(bare)  # within the limits it reads as before
    with pytest.raises(
        readers.ReadError, match="无范围.xlsx.*未声明范围.*已数到 123 个单元格.*100 个.*GAOXIN_LIMIT_CELLS"
    ):
        readers.read_file(bare, limits=Limits(cells=100))  # 41 rows × 3 columns = 123 cells
    with pytest.raises(readers.ReadError, match="已数到 41 行，超过上限 30 行.*GAOXIN_LIMIT_ROWS"):
        readers.read_file(bare, limits=Limits(rows=30))
