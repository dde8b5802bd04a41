"""Chain packs load, and broken packs fail with the file and row named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gaoxin.chains import industry_codes
from gaoxin.chains.packs import PackError, builtin_dir, load_pack, load_packs

NINE = {"IC", "NEV", "BIO", "SI", "SHA", "EI", "HEM", "H2", "ES"}


def test_code_table_counts_match_the_standard():
    assert industry_codes.counts() == industry_codes.EXPECTED_COUNTS
    assert industry_codes.name("6520") == "集成电路设计"
    assert industry_codes.normalize("C3973") == "3973"
    assert industry_codes.normalize("9999") is None


def test_nine_builtin_packs_load_with_stages():
    packs = load_packs()
    assert set(packs) == NINE
    for p in packs.values():
        assert {n.stage for n in p.leaves()} == {"U", "M", "D"}
        assert p.root.is_root and p.sha256
    assert "3973" in packs["IC"].nodes["IC.M2"].codes_exact
    assert "3972" in packs["IC"].nodes["IC.M2"].codes_star


def _copy(tmp_path: Path, name: str = "ic") -> Path:
    dst = tmp_path / name
    shutil.copytree(builtin_dir() / name, dst)
    return dst


def _edit(folder: Path, old: str, new: str) -> None:
    p = folder / "nodes.csv"
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_unknown_gb_code_names_file_and_row(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "IC.M1,IC,M,芯片设计,make,6520,", "IC.M1,IC,M,芯片设计,make,6520 9999,")
    with pytest.raises(PackError) as e:
        load_pack(folder)
    msg = str(e.value)
    assert "nodes.csv" in msg and "第6行" in msg and "9999" in msg


def test_cycle_in_parents(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "IC.U1,IC,U,", "IC.U1,IC.U2,U,")
    _edit(folder, "IC.U2,IC,U,", "IC.U2,IC.U1,U,")
    with pytest.raises(PackError, match="成环"):
        load_pack(folder)


def test_empty_node(tmp_path):
    folder = _copy(tmp_path)
    p = folder / "nodes.csv"
    p.write_text(p.read_text(encoding="utf-8") + "IC.X1,IC,M,空节点,make,,,1,,\n", encoding="utf-8")
    with pytest.raises(PackError, match=r"第12行.*空节点"):
        load_pack(folder)


def test_duplicate_id_and_single_char_keyword(tmp_path):
    folder = _copy(tmp_path)
    p = folder / "nodes.csv"
    p.write_text(p.read_text(encoding="utf-8") + "IC.M1,IC,M,重复,make,6520,,1,,\n", encoding="utf-8")
    with pytest.raises(PackError, match="重复"):
        load_pack(folder)
    folder2 = _copy(tmp_path, "si")
    _edit(folder2, "工业硅|金属硅", "硅|金属硅")
    with pytest.raises(PackError, match="过短"):
        load_pack(folder2)


def test_zone_pack_replaces_builtin(tmp_path):
    folder = _copy(tmp_path)
    (folder / "chain.toml").write_text(
        (folder / "chain.toml").read_text(encoding="utf-8").replace('name = "集成电路"', 'name = "芯片"'),
        encoding="utf-8",
    )
    packs = load_packs(tmp_path)
    assert packs["IC"].name == "芯片" and len(packs) == 9
