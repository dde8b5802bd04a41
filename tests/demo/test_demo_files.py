"""The department files: deterministic bytes, recognisable headers, exactly the documented mess, and
values that read back to the truth."""

import math
import re
from collections import Counter

import polars as pl
import pytest
from demo_readback import (
    THOUSANDS_RE,
    UNIT_FACTORS,
    nfkc,
    parse_flag,
    parse_number,
    read_table,
    row_kind,
)

from gaoxin.demo import (
    DEPARTMENTS,
    TOLERANCE,
    expected_facts,
    expected_mess,
    file_names,
    generate_zone,
    write_department_files,
)
from gaoxin.demo.files import PLACEHOLDERS
from gaoxin.fields import BY_NAME, FLAG, NUM
from gaoxin.ingest import uscc

NUMERIC = {f for f, d in BY_NAME.items() if d.kind in (NUM, FLAG)}
FULLWIDTH_RE = re.compile(r"[\uff01-\uff5e]")
DATE_CELL_RE = re.compile(r"^\d{4}-\d{2}-\d{2} 00:00:00$")
# what must be recognised in each file (besides uscc and name)
REQUIRED = {
    "registry": {"registered_on", "town", "industry_code", "industry_name", "business_scope"},
    "tax": {"tax_paid", "dishonest"},
    "stats": {"period", "revenue", "value_added", "rd_expense", "energy_tce", "staff", "above_scale"},
    "power": {"power_kwh"},
    "land": {
        "period",
        "parcel_id",
        "land_use",
        "land_own_mu",
        "land_leased_out_mu",
        "land_leased_in_mu",
        "major_project",
    },
    "env": {"period", "cod_t", "nh3n_t", "so2_t", "nox_t", "env_accident"},
    "safety": {"period", "safety_accident"},
}


def _tables(paths, zone):
    """(department, file, sheet, Table) for every sheet of every file."""
    mess = expected_mess(zone)
    out = []
    for p in paths:
        info = mess[p.name]
        for k, sheet in enumerate(info["sheets"]):
            out.append((info["department"], p.name, sheet, read_table(p, sheet, k)))
    return out


@pytest.fixture(scope="module")
def tables(demo_files):
    z, paths = demo_files
    return _tables(paths, z)


def test_seven_files_byte_identical_across_runs(demo_files, tmp_path):
    z, paths = demo_files
    assert [p.name for p in paths] == [file_names(z.years)[d] for d in DEPARTMENTS]
    assert paths[1].name == "税务局_企业纳税情况_2023-2025.xlsx"
    again = write_department_files(generate_zone(), tmp_path)
    for a, b in zip(paths, again, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_every_header_maps_to_a_field_or_a_known_ignorable(tables):
    for dep, name, sheet, t in tables:
        unknown = [h for h, f in zip(t.headers, t.fields, strict=True) if f is None]
        assert not unknown, (name, sheet, unknown)
        fields = set(t.fields)
        assert {"uscc", "name"} <= fields and REQUIRED[dep] <= fields, (name, sheet, fields)
        assert len([f for f in t.fields if f != "ignore"]) == len({f for f in t.fields if f != "ignore"})
        for f, unit, h in zip(t.fields, t.units, t.headers, strict=True):
            if f in NUMERIC and BY_NAME[f].kind == NUM:
                assert unit in UNIT_FACTORS, (name, sheet, h)
        # a period is available: a year column, else the sheet name, else a title with 年度
        title = t.rows[0][0]
        assert "period" in fields or dep == "registry" or re.fullmatch(r"\d{4}年", sheet) or "年度" in title


def test_units_vary_where_documented(tables):
    units = {
        (n.split("_")[0], s, f): u for _, n, s, t in tables for f, u in zip(t.fields, t.units, strict=True)
    }
    assert units[("供电公司", "2024年", "power_kwh")] == "千瓦时"
    assert units[("供电公司", "2023年", "power_kwh")] == "万千瓦时"
    assert units[("自然资源局", "2023年", "land_own_mu")] == "平方米"
    assert units[("自然资源局", "2025年", "land_own_mu")] == "亩"
    assert units[("税务局", "2025年", "tax_paid")] == "万元"
    tax = next(t for d, _, s, t in tables if d == "tax" and s == "2025年")
    assert "(万元)" in tax.headers[3] and "（万元）" not in tax.headers[3]  # half-width variant
    stats = next(t for d, _, _, t in tables if d == "stats")
    assert any("Ｒ＆Ｄ" in h for h in stats.headers)
    assert nfkc(tax.rows[1][0]) == "单位:万元"


def _observe(dep, t) -> Counter:
    """Count rows and cells by kind from the cells alone, as an importer would see them."""
    f = t.fields
    ucol = f.index("uscc")
    keys = [i for i, x in enumerate(f) if x in ("period", "parcel_id")]
    content_cols = [i for i, x in enumerate(f) if x != "ignore"]
    numeric_cols = [i for i, x in enumerate(f) if x in NUMERIC or x == "uscc"]
    seen_rows, seen_keys = set(), set()
    c = Counter()
    for row in t.rows[t.header_rows[-1] + 1 :]:
        kind = row_kind(row)
        if kind != "data":
            c[f"{kind}_rows"] += 1
            continue
        c["placeholder_cells"] += sum(1 for x in row if x in PLACEHOLDERS)
        code = uscc.normalize(row[ucol])
        content = tuple(row[i] for i in content_cols)
        key = (code, *[row[i] for i in keys])
        if not uscc.is_valid(code):
            c["invalid_uscc_rows"] += 1
        elif content in seen_rows:
            c["exact_duplicate_rows"] += 1
        elif key in seen_keys:
            c["conflicting_duplicate_rows"] += 1
        else:
            c["ok_rows"] += 1
        seen_rows.add(content)
        seen_keys.add(key)
        c["text_number_cells"] += sum(1 for i in numeric_cols if row[i] and THOUSANDS_RE.match(row[i]))
        c["fullwidth_cells"] += sum(1 for i in numeric_cols if row[i] and FULLWIDTH_RE.search(row[i]))
        raw = row[ucol] or ""
        c["messy_uscc_cells"] += raw != raw.strip() or raw != raw.upper()
        if "registered_on" in f:
            cell = row[f.index("registered_on")]
            c["text_date_cells"] += bool(cell) and not DATE_CELL_RE.match(cell)
        if "industry_code" in f:
            cell = row[f.index("industry_code")]
            c["letter_industry_code_cells"] += bool(cell) and bool(re.fullmatch(r"[A-Z]\d{4}", cell))
    return c


def test_mess_in_the_files_is_exactly_the_manifest(demo_files, tables):
    z, _ = demo_files
    mess = expected_mess(z)
    for dep, name, sheet, t in tables:
        want = {
            k: v for k, v in mess[name]["per_sheet"][sheet].items() if k.endswith(("_rows", "_cells")) and v
        }
        got = {k: v for k, v in _observe(dep, t).items() if v}
        assert got == want, (name, sheet)
        assert mess[name]["per_sheet"][sheet]["header_row_numbers"] == [r + 1 for r in t.header_rows]


def test_manifest_has_the_promised_mess(demo_files):
    z, _ = demo_files
    mess = expected_mess(z)
    names = file_names(z.years)
    assert 5 <= sum(m["invalid_uscc_rows"] for m in mess.values()) <= 8
    tax = mess[names["tax"]]
    assert tax["exact_duplicate_rows"] >= 1 and tax["conflicting_duplicate_rows"] >= 1
    assert tax["total_rows"] == 3 and tax["note_rows"] == 3
    for d in ("stats", "power", "land", "env"):
        assert mess[names[d]]["total_rows"] >= 1 and mess[names[d]]["blank_rows"] >= 1, d
    assert sum(m["text_number_cells"] for m in mess.values()) >= 10
    assert sum(m["placeholder_cells"] for m in mess.values()) >= 10
    # the firm the registry misses shows up in the tax (and power) file
    missing = z.enterprises.filter(~pl.col("in_registry"))["uscc"].to_list()
    assert tax["unregistered_usccs"] == missing
    assert mess[names["registry"]]["unregistered_usccs"] == []


def test_events_point_at_the_rows_they_describe(demo_files, tables):
    z, _ = demo_files
    mess = expected_mess(z)
    by_sheet = {(n, s): t for _, n, s, t in tables}
    seen = Counter()
    for name, info in mess.items():
        for ev in info["events"]:
            t = by_sheet[(name, ev["sheet"])]
            row = t.rows[ev["row"] - 1]
            seen[ev["kind"]] += 1
            if ev["kind"] == "blank":
                assert row_kind(row) == "blank"
                continue
            cell = row[t.fields.index("uscc")]
            assert cell == ev["uscc_written"]
            if ev["kind"] == "invalid_uscc":
                assert not uscc.is_valid(cell) and uscc.is_valid(ev["uscc"])
                assert sum(a != b for a, b in zip(cell, ev["uscc"], strict=True)) == 1
            else:  # duplicates: same firm as the original row
                orig = t.rows[ev["original_row"] - 1]
                assert orig[t.fields.index("uscc")] == cell
                same = [a == b for a, b, f in zip(row, orig, t.fields, strict=True) if f != "ignore"]
                assert all(same) == (ev["kind"] == "exact_duplicate")
    assert seen["invalid_uscc"] == sum(m["invalid_uscc_rows"] for m in mess.values())


def _date_text(cell: str) -> str:
    y, m, d = re.match(r"(\d{4})\D+(\d{1,2})\D+(\d{1,2})", nfkc(cell)).groups()
    return f"{y}-{int(m):02d}-{int(d):02d}"


def test_files_read_back_to_the_expected_facts(demo_files, tables):
    z, _ = demo_files
    facts = expected_facts(z)
    for _, name, sheet, t in tables:
        want = {
            (r, f): (v, x)
            for r, f, v, x in facts.filter((pl.col("file") == name) & (pl.col("sheet") == sheet))
            .select("row", "field", "value", "text")
            .iter_rows()
        }
        got = {}
        for i, row in enumerate(t.rows[t.header_rows[-1] + 1 :], start=t.header_rows[-1] + 2):
            if row_kind(row) != "data":
                continue
            for cell, f, unit in zip(row, t.fields, t.units, strict=True):
                if f in ("ignore", "uscc", "period") or cell is None or cell in PLACEHOLDERS:
                    continue
                if f in NUMERIC:
                    v = (
                        parse_flag(cell)
                        if BY_NAME[f].kind == FLAG
                        else parse_number(cell) * UNIT_FACTORS[unit]
                    )
                    got[(i, f)] = (v, None)
                elif f == "registered_on":
                    got[(i, f)] = (None, _date_text(cell))
                elif f == "industry_code":
                    got[(i, f)] = (None, nfkc(cell)[-4:])
                else:
                    got[(i, f)] = (None, nfkc(cell))
        assert got.keys() == want.keys(), (name, sheet, set(got) ^ set(want))
        for k, (v, x) in want.items():
            if v is None:
                assert got[k][1] == nfkc(x), (name, sheet, k)
            else:
                tol = (
                    TOLERANCE["abs_tol_land_sqm"]
                    if t.units[t.fields.index(k[1])] == "平方米"
                    else TOLERANCE["abs_tol"]
                )
                assert math.isclose(got[k][0], v, rel_tol=TOLERANCE["rel_tol"], abs_tol=tol), (name, sheet, k)


def test_expected_facts_agree_with_the_truth(zone):
    facts = expected_facts(zone)
    ok = facts.filter(pl.col("status") == "ok")
    fy = zone.firm_years.with_columns(
        pl.col(c).cast(pl.Float64)
        for c in ("staff", "above_scale", "dishonest", "safety_accident", "env_accident", "major_project")
    )
    per_row = [
        "tax_paid",
        "revenue",
        "value_added",
        "rd_expense",
        "energy_tce",
        "staff",
        "power_kwh",
        "cod_t",
        "nh3n_t",
        "so2_t",
        "nox_t",
        "above_scale",
        "dishonest",
        "safety_accident",
        "env_accident",
    ]
    for f in per_row:
        got = ok.filter(pl.col("field") == f).join(fy.select("uscc", "period", f), on=["uscc", "period"])
        assert got.height > 0, f
        assert (got["value"] == got[f]).all(), f
    # land rows add up per firm-year (firm-years touched by an invalid or duplicated row left out)
    bad = facts.filter(pl.col("status") != "ok").select("uscc", "period").unique()
    land = ok.filter(pl.col("department") == "land").join(bad, on=["uscc", "period"], how="anti")
    agg = land.filter(pl.col("field").str.starts_with("land_")).pivot(
        "field", index=["uscc", "period"], values="value", aggregate_function="sum"
    )
    j = agg.join(fy, on=["uscc", "period"], suffix="_truth")
    for f in ("land_own_mu", "land_leased_out_mu", "land_leased_in_mu"):
        assert ((j[f].fill_null(0) - j[f"{f}_truth"]).abs() < 1e-6).all(), f
    # coverage: who appears in which file
    cover = facts.filter(pl.col("status") == "ok").group_by("department").agg(pl.col("uscc", "period"))
    tax = facts.filter((pl.col("department") == "tax") & (pl.col("field") == "tax_paid"))
    assert tax.select("uscc", "period").unique().height == zone.firm_years.height
    stats = facts.filter((pl.col("department") == "stats") & (pl.col("field") == "revenue"))
    assert stats.select("uscc", "period").unique().height == zone.firm_years["above_scale"].sum()
    assert cover.height == len(DEPARTMENTS)
    reg = facts.filter((pl.col("department") == "registry") & (pl.col("status") == "ok"))
    e = zone.enterprises.filter(pl.col("in_registry"))
    for f in ("name", "town", "industry_code", "industry_name", "business_scope"):
        got = reg.filter(pl.col("field") == f).join(e.select("uscc", f), on="uscc")
        assert got.height == e.height and (got["text"] == got[f]).all(), f


def test_subset_of_departments_for_a_benchmark(tmp_path):
    z = generate_zone(2_000, seed=11)
    paths = write_department_files(z, tmp_path, departments=("power",))
    assert [p.name for p in paths] == ["供电公司_企业用电量_2023-2025.xlsx"]
    t = read_table(paths[0], "2025年", 2)
    rows = [r for r in t.rows[t.header_rows[-1] + 1 :] if row_kind(r) == "data"]
    assert len(rows) == 2_000 + 1  # every firm, plus the exact duplicate


@pytest.mark.parametrize("n, seed", [(200, 1), (250, 2), (600, 2), (1000, 5)])
def test_small_zones_still_carry_every_row_level_mess(n, seed):
    mess = expected_mess(generate_zone(n, seed=seed))
    total = Counter()
    for m in mess.values():
        total.update({k: v for k, v in m.items() if isinstance(v, int)})
    assert total["invalid_uscc_rows"] == 8
    assert total["exact_duplicate_rows"] == 4 and total["conflicting_duplicate_rows"] == 2
    assert total["total_rows"] == 11 and total["note_rows"] == 3
