"""The registry-worked zone figures stay current without a new registry import, `registry import --rules`, and the
科技服务载体 review cycles — worked by hand on the zone of test_registry_feeds_zones (A 600 staff, B 400 in 2025;
2025 contracts 300 + 200 = 500 万元; 2 national/provincial platforms at the end of 2025).

- A new 统计 file puts B at 1,400 staff → denominator 2,000: 人均 500 / 2,000 = 0.25 万元/人 (was 0.5), per 10,000
  staff 2 / 2,000 × 10,000 = 10 (was 20) — after `gaoxin import`, with no registry import; the zone fingerprint moves.
- The zone's own rules (`--rules`): denominator fixed, 2025 = 500 人 → 人均 1.0 万元/人, per 10,000 = 40; kept in
  the store, so the staff import afterwards leaves them at 1.0 and 40.
- 国家级 孵化器 approved 2016-03-01, yearly: next evaluation 2027-03-01 as of 2026-12-03 (88 days, within 90);
  加速器 (市) 2020-05-01, every 2 years: 2028-05-01; 投资机构: no cycle."""

from __future__ import annotations

import json

import pytest
from test_registry_feeds_zones import A, B, home_values, registry
from test_registry_feeds_zones import zone as zone  # noqa: F401 - the fixture

from gaoxin.registries.intake import RegistryImportError, import_registry
from gaoxin.store import connect
from gaoxin.store import registries as store_registries
from gaoxin.store import zones as store_zones
from support import cli, write_xlsx


def staff_file(tmp_path, b_staff):
    rows = [
        ["统一社会信用代码", "企业名称", "年份", "年平均职工人数"],
        [A, "甲公司", 2025, 600],
        [B, "乙公司", 2025, b_staff],
    ]
    return write_xlsx(tmp_path / f"统计_{b_staff}.xlsx", {"2025年": rows})


def reopen(con, tmp_path):
    """Close the fixture's connection and give its file (the CLI opens it itself)."""
    path = con.execute("PRAGMA database_list").fetchall()[0][2]
    con.close()
    return path


def test_a_new_staff_count_changes_the_zone_figure_without_a_registry_import(zone, tmp_path):  # noqa: F811
    import_registry(zone, registry(tmp_path))
    assert home_values(zone)["Z1"]["tech_contract_per_capita"] == pytest.approx(0.5)
    before = store_zones.zone_fingerprint(zone, "2025")
    db = reopen(zone, tmp_path)
    cli("import", staff_file(tmp_path, 1400), "--source", "stats", "--db", db)
    con = connect(db, read_only=True)
    try:
        v = home_values(con)["Z1"]
        assert v["tech_contract_per_capita"] == pytest.approx(0.25)  # 500 万元 / 2,000 人
        assert v["rd_institutions_per_10k"] == pytest.approx(10.0)
        assert v["tech_contract_amount"] == pytest.approx(0.05)  # unchanged
        assert store_zones.zone_fingerprint(con, "2025") != before
        n = store_registries.zone_measures(con).height
    finally:
        con.close()
    cli("import", staff_file(tmp_path, 1400), "--source", "stats", "--db", db)  # the same file: nothing new
    con = connect(db, read_only=True)
    try:
        assert store_registries.zone_measures(con).height == n
        assert home_values(con)["Z1"]["tech_contract_per_capita"] == pytest.approx(0.25)
    finally:
        con.close()


def own_rules(tmp_path):
    from gaoxin.registries.rules import BUILTIN

    body = BUILTIN.read_text(encoding="utf-8").replace('denominator = "staff"', 'denominator = "fixed"')
    body = body.replace("[contracts.population]\n", "[contracts.population]\n2025 = 500\n")
    path = tmp_path / "本区规则.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_registry_import_takes_the_zones_rules_and_keeps_them(zone, tmp_path):  # noqa: F811
    db = reopen(zone, tmp_path)
    bad = tmp_path / "坏规则.toml"
    bad.write_text("[meta]\n", encoding="utf-8")
    out = cli("registry", "import", registry(tmp_path), "--rules", bad, "--db", db, ok=False)
    assert out.exit_code != 0 and "坏规则.toml" in out.output and "Traceback" not in out.output
    got = json.loads(
        cli(
            "registry", "import", registry(tmp_path), "--rules", own_rules(tmp_path), "--db", db, "--json"
        ).stdout
    )
    assert got["batches"][0]["status"] == "imported"
    con = connect(db, read_only=True)
    try:
        v = home_values(con)["Z1"]
        assert v["tech_contract_per_capita"] == pytest.approx(1.0)  # 500 万元 / 500 人 (the zone's figure)
        assert v["rd_institutions_per_10k"] == pytest.approx(40.0)
    finally:
        con.close()
    cli("import", staff_file(tmp_path, 1400), "--source", "stats", "--db", db)
    con = connect(db, read_only=True)
    try:
        assert home_values(con)["Z1"]["tech_contract_per_capita"] == pytest.approx(1.0)  # the kept rules
    finally:
        con.close()


def test_provider_review_cycles(tmp_path):
    db = tmp_path / "p.duckdb"
    path = write_xlsx(
        tmp_path / "载体.xlsx",
        {"科技服务载体": [["载体名称", "载体类型", "级别", "所属镇街", "认定日期"],
                          ["创业中心", "科技企业孵化器", "国家", "东街", "2016-03-01"],
                          ["示范加速器", "加速器", "市", "东街", "2020-05-01"],
                          ["科创基金", "投资机构", "", "东街", "2018-01-01"]]},
    )  # fmt: skip
    cli("registry", "import", path, "--db", db)
    due = json.loads(cli("registry", "due", "--as-of", "2026-12-03", "--db", db, "--json").stdout)
    assert [(p["name"], p["next_review"], p["days_left"], p["cycle_years"]) for p in due["providers"]] == [
        ("创业中心", "2027-03-01", 88, 1)
    ]
    listed = json.loads(
        cli("registry", "list", "provider", "--as-of", "2026-12-03", "--db", db, "--json").stdout
    )["rows"]
    got = {r["name"]: (r["next_review"], r["cycle_assumed"]) for r in listed}
    assert got == {
        "创业中心": ("2027-03-01", True),
        "示范加速器": ("2028-05-01", True),
        "科创基金": (None, True),
    }


def test_import_refuses_a_rules_file_it_cannot_use(store, tmp_path):
    bad = tmp_path / "x.toml"
    bad.write_text("not toml [", encoding="utf-8")
    with pytest.raises(RegistryImportError, match="x.toml"):
        import_registry(store, registry(tmp_path), rules=bad)
    assert store_registries.counts(store)["platform"] == 0
