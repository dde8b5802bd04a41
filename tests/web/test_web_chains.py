"""产业链 pages and API: every role, the town rule (404), a tagged demo zone's present nodes and gaps,
the hint before tagging, English labels, and the cached maps following the store."""

from __future__ import annotations

import html
import json
import re
import shutil

import pytest
from web_support import PASSWORDS, login, make_app

from gaoxin.chains.analysis import chain_map, tag_store
from gaoxin.chains.packs import load_packs
from gaoxin.store import chains as store_chains
from gaoxin.store import connect
from gaoxin.web.routes.chains import LEVEL_COLORS, chain_tree

CHAIN = "IC"
READERS = ("root", "ana", "vic")


@pytest.fixture(scope="module")
def tagged(world, tmp_path_factory):
    """An app over a copy of the web world with every firm tagged, and the expected IC map."""
    path = tmp_path_factory.mktemp("chains") / "store.duckdb"
    shutil.copy(world.db, path)
    con = connect(path)
    packs = load_packs()
    tag_store(con, packs)
    expected = chain_map(con, packs[CHAIN])
    con.close()
    app = make_app(path)
    yield app, expected
    app.state.store.close()


@pytest.fixture(scope="module")
def tclients(tagged):
    from fastapi.testclient import TestClient

    app, _ = tagged
    out = {"anon": TestClient(app)}
    for name in PASSWORDS:
        c = TestClient(app)
        assert login(c, name).status_code == 303
        out[name] = c
    return out


def chart_option(page: str, chart_id: str) -> dict:
    found = re.search(rf'<script type="application/json" id="{chart_id}-data">(.*?)</script>', page, re.S)
    assert found, chart_id
    return json.loads(found.group(1))


def tree_leaves(node: dict) -> list[dict]:
    kids = node.get("children") or []
    return [node] if not kids else [leaf for k in kids for leaf in tree_leaves(k)]


# ---- before tagging ----------------------------------------------------------------------------------------
def test_untagged_store_lists_chains_with_the_hint(clients):
    r = clients["ana"].get("/chains")
    assert r.status_code == 200
    hint = re.search(r'<div class="card" id="not-tagged">(.*?)</div>', r.text, re.S).group(1)
    assert "gaoxin chains tag --db" in hint and "<button" not in hint and "<form" not in hint
    for pack in load_packs().values():
        assert f'href="/chains/{pack.id}"' in r.text
    page = clients["ana"].get(f"/chains/{CHAIN}")
    assert page.status_code == 200 and 'id="not-tagged"' in page.text
    api = clients["ana"].get(f"/api/chains/{CHAIN}").json()
    assert api["tagged"] is False and api["firms"] == 0
    assert {n["level"] for n in api["nodes"]} == {"absent"} and len(api["gaps"]) == len(api["nodes"])


# ---- roles -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", READERS)
def test_zone_wide_roles_read_chains(tclients, name):
    c = tclients[name]
    assert 'href="/chains"' in c.get("/overview").text  # the nav entry
    lst = c.get("/chains")
    assert lst.status_code == 200 and 'id="not-tagged"' not in lst.text
    page = c.get(f"/chains/{CHAIN}")
    assert page.status_code == 200 and 'id="chart-chain"' in page.text
    assert c.get(f"/api/chains/{CHAIN}").status_code == 200
    assert len(c.get("/api/chains").json()) == 9


def test_town_user_gets_404_on_chain_pages_and_api(tclients, world):
    tom = tclients["tom"]
    assert 'href="/chains"' not in tom.get("/overview").text
    for path in (
        "/chains",
        f"/chains/{CHAIN}",
        f"/chains/{CHAIN}?period=2025",
        "/api/chains",
        f"/api/chains/{CHAIN}",
    ):
        r = tom.get(path)
        assert r.status_code == 404, path
        assert world.other_town not in r.text
    # a town user learns nothing about which chains exist either
    assert tom.get("/chains/XX").status_code == 404


def test_anonymous_is_sent_to_login(tclients):
    anon = tclients["anon"]
    r = anon.get(f"/chains/{CHAIN}", follow_redirects=False)
    assert r.status_code == 303 and "/login" in r.headers["location"]
    assert anon.get(f"/api/chains/{CHAIN}").status_code == 401


# ---- the map of a tagged zone ------------------------------------------------------------------------------
def test_api_matches_the_analysis(tclients, tagged):
    _, expected = tagged
    m = tclients["ana"].get(f"/api/chains/{CHAIN}").json()
    assert m["tagged"] is True and m["firms"] == expected["firms"] > 0
    assert m["period"] == expected["period"] and m["mujun_run"] == expected["mujun_run"]
    assert [(n["node"], n["firms"]) for n in m["nodes"]] == [
        (n["node"], n["firms"]) for n in expected["nodes"]
    ]
    assert [g["node"] for g in m["gaps"]] == [g["node"] for g in expected["gaps"]]
    assert [g["rank"] for g in m["gaps"]] == list(range(1, len(m["gaps"]) + 1))
    scores = [g["gap_score"] for g in m["gaps"]]
    assert scores == sorted(scores, reverse=True)
    levels = {n["node"]: n["level"] for n in m["nodes"]}
    assert "present" in levels.values() and m["gaps"]
    for n in m["nodes"]:
        assert n["level"] == (
            "absent"
            if n["firms"] == 0
            else "weak"
            if n["node"] in {g["node"] for g in m["gaps"]}
            else "present"
        )
    assert all(levels[g["node"]] != "present" for g in m["gaps"])
    c = m["cluster"]
    assert c["latest_revenue"] == pytest.approx(expected["cluster"]["latest_revenue"])
    assert [t["period"] for t in c["trend"]] == [t["period"] for t in expected["cluster"]["trend"]]
    assert c["target_revenue"] == 1e10 and c["level"] == expected["cluster"]["level"]


def test_chain_page_shows_present_nodes_gaps_leaders_and_cluster(tclients, tagged):
    _, expected = tagged
    page = tclients["vic"].get(f"/chains/{CHAIN}").text
    present = [
        n for n in expected["nodes"] if n["firms"] and n["node"] not in {g["node"] for g in expected["gaps"]}
    ]
    assert f'id="count-present">{len(present)}<' in page
    assert f'id="chain-firms">{expected["firms"]}<' in page
    for n in expected["nodes"]:
        assert f'id="node-{n["node"]}"' in page
    gaps_table = re.search(r'<table id="gaps">(.*?)</table>', page, re.S).group(1)
    assert gaps_table.count("<tr>") == len(expected["gaps"]) + 1
    assert html.escape(expected["gaps"][0]["reason"], quote=False) in gaps_table  # 补链条 with its reason
    leader = next(n for n in expected["nodes"] if n["leaders_revenue"])["leaders_revenue"][0]
    assert f'href="/enterprises/{leader["uscc"]}?run={expected["mujun_run"]}"' in page  # 育龙头
    cluster_table = re.search(r'<table id="cluster">(.*?)</table>', page, re.S).group(1)
    for t in expected["cluster"]["trend"]:
        assert f"<td>{t['period']}</td>" in cluster_table
    assert "百亿级" in page  # the target

    # the tree: chain → 上/中/下游 → nodes, each node coloured by its presence and sized by its firms
    tree = chart_option(page, "chart-chain")["series"][0]
    assert tree["type"] == "tree"
    root = tree["data"][0]
    assert [s["name"] for s in root["children"]] == ["上游", "中游", "下游"]
    leaves = {leaf["anchor"].removeprefix("node-"): leaf for leaf in tree_leaves(root)}
    assert set(leaves) == {n["node"] for n in expected["nodes"]}
    gaps = {g["node"] for g in expected["gaps"]}
    for n in expected["nodes"]:
        level = "absent" if n["firms"] == 0 else "weak" if n["node"] in gaps else "present"
        assert leaves[n["node"]]["itemStyle"]["color"] == LEVEL_COLORS[level]
        assert leaves[n["node"]]["value"] == n["firms"]
    big = max(expected["nodes"], key=lambda n: n["firms"])
    empty = next(n for n in expected["nodes"] if n["firms"] == 0)
    assert leaves[big["node"]]["symbolSize"] > leaves[empty["node"]]["symbolSize"]
    assert "chart-cluster" in page and chart_option(page, "chart-cluster")["series"][0]["type"] == "bar"


def test_list_counts_nodes_by_presence(tclients, tagged):
    _, expected = tagged
    api = {c["id"]: c for c in tclients["root"].get("/api/chains").json()}
    ic = api[CHAIN]
    assert ic["firms"] == expected["firms"]
    assert ic["present"] + ic["weak"] + ic["absent"] == ic["nodes"] == len(expected["nodes"])
    assert ic["absent"] == sum(1 for n in expected["nodes"] if n["firms"] == 0)
    row = re.search(rf'<tr id="chain-{CHAIN}">(.*?)</tr>', tclients["root"].get("/chains").text, re.S).group(
        1
    )
    assert f'<td class="num">{expected["firms"]}</td>' in row


def test_a_past_year(tclients):
    m = tclients["ana"].get(f"/api/chains/{CHAIN}?period=2024").json()
    assert m["period"] == "2024"
    page = tclients["ana"].get(f"/chains/{CHAIN}?period=2024").text
    assert '<option value="2024" selected>' in page


def test_unknown_chain_or_year(tclients):
    c = tclients["ana"]
    assert c.get("/chains/XX").status_code == 404
    assert c.get("/api/chains/XX").status_code == 404
    assert c.get(f"/chains/{CHAIN}?period=1999").status_code == 404
    assert c.get(f"/api/chains/{CHAIN}?period=1999").status_code == 404
    assert c.get(f"/chains/{CHAIN}?period=abc").status_code == 400
    assert c.get(f"/api/chains/{CHAIN}?period=abc").status_code == 422
    assert c.get("/chains/集成电路").status_code == 200  # by name, like the CLI


def test_english(tclients):
    c = tclients["ana"]
    page = c.get(f"/chains/{CHAIN}?lang=en").text
    for text in (
        "Industry chain map",
        "Gaps ranked",
        "Cluster scale",
        "Leaders by revenue",
        "Present nodes",
        "no firm in the zone",
        "10 bn yuan",
    ):
        assert text in page, text
    for text in ("缺口排序", "营收龙头", "园区内无企业", "百亿级"):
        assert text not in page, text
    tree = chart_option(page, "chart-chain")["series"][0]["data"][0]
    assert [s["name"] for s in tree["children"]] == ["Upstream", "Midstream", "Downstream"]
    assert "Firms tagged" in c.get("/chains?lang=en").text
    gaps = c.get(f"/api/chains/{CHAIN}?lang=en").json()["gaps"]
    assert "centrality" in gaps[0]["reason"]


def test_openapi_describes_the_chain_map(tclients):
    spec = tclients["ana"].get("/api/openapi.json").json()
    assert "/api/chains/{chain_id}" in spec["paths"] and "/api/chains" in spec["paths"]
    schema = spec["components"]["schemas"]["ChainMap"]
    assert {"nodes", "gaps", "cluster"} <= set(schema["properties"])
    assert not any(
        p.startswith("/chains") for p in spec["paths"]
    )  # the pages stay out of the API description


# ---- cache, chart text ---------------------------------------------------------------------------------------
def test_maps_follow_overrides(world, tmp_path):
    """The map cache is dropped when the store changes (here: an analyst's override)."""
    path = tmp_path / "store.duckdb"
    shutil.copy(world.db, path)
    con = connect(path)
    tag_store(con, load_packs())
    con.close()
    app = make_app(path)
    try:
        from fastapi.testclient import TestClient

        c = TestClient(app)
        assert login(c, "ana").status_code == 303
        before = c.get(f"/api/chains/{CHAIN}").json()
        empty = next(n for n in before["nodes"] if n["firms"] == 0)
        store = app.state.store
        cur = store.cursor()
        try:
            with store.write_lock:
                store_chains.add_override(cur, world.my_firm, CHAIN, empty["node"], "add", "新上产线")
        finally:
            cur.close()
        after = c.get(f"/api/chains/{CHAIN}").json()
        node = next(n for n in after["nodes"] if n["node"] == empty["node"])
        assert node["firms"] == 1 and node["level"] != "absent"
    finally:
        app.state.store.close()


def test_tree_tooltips_escape_names():
    m = {
        "chain": "X",
        "name": "<b>链</b>",
        "nodes": [
            {
                "node": "X.U1",
                "name": "<img src=x onerror=alert(1)>",
                "parent": "X",
                "stage": "U",
                "firms": 2,
                "revenue": 1e6,
                "centrality": 1.0,
                "gap_score": 0.0,
                "level": "present",
                "stage_text": "上游",
            }
        ],
    }
    option = chain_tree(m, lambda t: t)
    root = option["series"][0]["data"][0]
    leaf = root["children"][0]["children"][0]
    assert "<img" not in leaf["tooltip"]["formatter"] and "&lt;img" in leaf["tooltip"]["formatter"]
    assert "<b>链" not in root["tooltip"]["formatter"]
    assert leaf["anchor"] == "node-X.U1"
