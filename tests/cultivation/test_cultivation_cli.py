"""End to end through the CLI on a small demo zone: import → cultivate / pool / ladder / explain, and `gaoxin demo`."""

from __future__ import annotations

import json

import openpyxl
import pytest

from gaoxin.store import connect, frame
from support import cli

SCHEMES = ["tsme-2022", "innovative-sme-2022", "srdi-sme-2022", "little-giant-2022", "hnte-2016"]


@pytest.fixture(scope="module")
def zone_db(demo_store, tmp_path_factory):
    """This module's writable copy of the session's demo store (its tests add runs)."""
    out = demo_store.imported
    assert "sci" in {b["source"] for b in out["batches"]}
    return demo_store.copy(tmp_path_factory.mktemp("cult") / "zone.duckdb")


def test_cultivate_json_contract_and_reproducible_run(zone_db):
    first = json.loads(
        cli("cultivate", "--scheme", "hnte-2016", "--period", "2025", "--db", zone_db, "--json").stdout
    )
    assert set(first) >= {
        "run_id",
        "scheme",
        "period",
        "counts",
        "n",
        "conditions",
        "certificates",
        "created",
    }
    assert set(first["counts"]) == {"pass", "expert", "missing", "near", "fail", "out"}
    assert sum(v for k, v in first["counts"].items() if k != "out") == first["n"]
    assert [c["id"] for c in first["conditions"]][:2] == ["registered_1y", "core_ip"]
    assert first["certificates"]["holders"] > 0
    again = json.loads(
        cli("cultivate", "--scheme", "hnte-2016", "--period", "2025", "--db", zone_db, "--json").stdout
    )
    assert again["run_id"] == first["run_id"] and again["created"] is False
    con = connect(zone_db, read_only=True)
    assert frame(con, "SELECT kind FROM run WHERE run_id = ?", [first["run_id"]])["kind"][0] == "cultivation"
    con.close()


def test_params_change_the_run_and_unknown_params_fail(zone_db):
    base = json.loads(cli("cultivate", "--scheme", "srdi-sme-2022", "--db", zone_db, "--json").stdout)
    full = json.loads(
        cli(
            "cultivate",
            "--scheme",
            "srdi-sme-2022",
            "--db",
            zone_db,
            "--json",
            "--param",
            "featured_min=15",
            "--param",
            "featured_max=15",
        ).stdout
    )
    assert full["run_id"] != base["run_id"] and full["params"]["featured_min"] == 15
    assert full["counts"]["pass"] >= base["counts"]["pass"] + base["counts"]["expert"]
    assert full["counts"]["expert"] == 0
    bad = cli("cultivate", "--scheme", "srdi-sme-2022", "--db", zone_db, "--param", "nope=1", ok=False)
    assert bad.exit_code == 1 and "未知参数" in bad.output
    bad = cli("cultivate", "--scheme", "default", "--db", zone_db, ok=False)
    assert bad.exit_code == 1 and "不是培育方案" in bad.output


def test_pool_json_and_xlsx(zone_db, tmp_path):
    out = tmp_path / "培育库.xlsx"
    data = json.loads(cli("pool", "--db", zone_db, "--json", "--out", out).stdout)
    assert [s["scheme"] for s in data["schemes"]] == SCHEMES
    hnte = data["schemes"][-1]
    assert hnte["pool"] and all(isinstance(p["gaps"], list) for p in hnte["pool"])
    ranks = [p["rank"] for p in hnte["pool"]]
    assert ranks == sorted(ranks)
    order = {"pass": 0, "expert": 1, "missing": 2, "near": 3, "fail": 4}
    verdicts = [order[p["verdict"]] for p in hnte["pool"]]
    assert verdicts == sorted(verdicts) and "pass" not in {p["verdict"] for p in hnte["pool"]}
    near = [p for p in hnte["pool"] if p["verdict"] == "near"]
    assert near and all(p["n_fail"] == 1 and p["gaps"] for p in near)
    assert data["certificates"] and {c["status"] for c in data["certificates"]} <= {"12个月内到期", "已到期"}
    assert all(c["expires_year"] <= 2026 for c in data["certificates"])
    wb = openpyxl.load_workbook(out, read_only=True)
    assert (
        wb.sheetnames[:2] == ["汇总", "科小培育库"]
        and "高企证书到期" in wb.sheetnames
        and "说明" in wb.sheetnames
    )
    rows = list(wb["高企培育库"].iter_rows(min_row=3, max_row=4, values_only=True))
    assert rows[0][1] == "统一社会信用代码" and rows[1][1] == hnte["pool"][0]["uscc"]
    one = json.loads(cli("pool", "--scheme", "tsme-2022", "--db", zone_db, "--json", "--limit", "5").stdout)
    assert len(one["schemes"]) == 1 and len(one["schemes"][0]["pool"]) == 5 and one["certificates"] == []


def test_ladder(zone_db):
    data = json.loads(cli("ladder", "--db", zone_db, "--json").stdout)
    assert [t["tier"] for t in data["tiers"]] == ["tsme", "innovative", "srdi", "little_giant", "hnte"]
    firms = data["firms"]
    assert sum(data["distribution"].values()) == len(firms)
    srdi = [f for f in firms if f["highest"] == "srdi"]
    assert all(f["next"] == "little_giant" for f in srdi)
    top = [f for f in firms if f["next_verdict"] == "near"]
    assert top and top[0] == firms[0] and top[0]["next_gaps"]
    text = cli("ladder", "--db", zone_db).stdout
    assert "已达到的最高梯度" in text and "高新技术企业：持证" in text


def test_explain_a_cultivation_run(zone_db):
    run = json.loads(cli("cultivate", "--scheme", "hnte-2016", "--db", zone_db, "--json").stdout)
    pool = json.loads(cli("pool", "--scheme", "hnte-2016", "--db", zone_db, "--json").stdout)["schemes"][0][
        "pool"
    ]
    firm = next(p for p in pool if p["verdict"] == "near")
    info = json.loads(cli("explain", run["run_id"], firm["uscc"], "--db", zone_db, "--json").stdout)
    assert info["kind"] == "cultivation" and info["verdict"] == "near"
    failing = [c for c in info["conditions"] if c["state"] == "fail"]
    assert len(failing) == 1 and failing[0]["note"] in firm["gaps"] and failing[0]["ref"]
    assert len(info["items"]) == 12 and {g["id"] for g in info["groups"]} == {
        "ip",
        "conversion",
        "rd_org",
        "growth",
    }
    assert info["sources"] and {s["period"] for s in info["sources"]} == {"2023", "2024", "2025"}
    assert any(s["file"].startswith("科技局_企业创新能力") for s in info["sources"])
    text = cli("explain", run["run_id"], firm["uscc"], "--db", zone_db).stdout
    assert "逐条件" in text and "差一项" in text and "数据来源" in text
    assert cli("explain", run["run_id"], "91110000600037341L", "--db", zone_db, ok=False).exit_code == 1


def test_demo_prints_the_pool_summary(tmp_path):
    db = tmp_path / "demo.duckdb"
    res = cli("demo", "--firms", "250", "--no-serve", "--db", db, "--out", tmp_path / "files")
    text = res.stdout
    assert "培育库概况" in text and "科技局_企业创新能力_2023-2025.xlsx" in text
    con = connect(db, read_only=True)
    runs = frame(con, "SELECT scheme_id, summary_json FROM run WHERE kind = 'cultivation' ORDER BY scheme_id")
    con.close()
    assert sorted(runs["scheme_id"]) == sorted(SCHEMES)
    lines = {
        ln.split("│")[1].strip(): [c.strip() for c in ln.split("│")[2:8]]
        for ln in text.splitlines()
        if ln.startswith("│") and "〔20" in ln and ln.count("│") >= 8
    }
    for r in runs.iter_rows(named=True):
        s = json.loads(r["summary_json"])
        c = s["counts"]
        assert lines[s["title"]] == [
            str(s["n"]),
            str(c["pass"]),
            str(c["expert"]),
            str(c["missing"]),
            str(c["near"]),
            str(c["fail"]),
        ]
    assert (tmp_path / "files" / "培育库_2025.xlsx").exists()
