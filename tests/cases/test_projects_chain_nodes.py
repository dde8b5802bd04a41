"""A lead's chain node is chosen from the chain packs (gaoxin chains map): an id, a name one pack has, or
「产业链/环节」; anything else is refused naming the rule; old free text stays readable on the page."""

from __future__ import annotations

import json

import pytest

from gaoxin.cases.ledger import CaseError
from gaoxin.cases.projects import chain_nodes
from gaoxin.cases.projects.leads import lead_header
from support import cli, valid_code


def test_a_node_is_named_by_id_by_unique_name_or_by_pack_and_name():
    want = {"chain_node": "NEV.M2", "chain_pack": "NEV", "chain_node_name": "新能源汽车/驱动电机"}
    assert chain_nodes.resolve("NEV.M2") == want
    assert chain_nodes.resolve("驱动电机") == want
    assert chain_nodes.resolve("新能源汽车/驱动电机") == want
    # 电池材料 is a node of both 储能 (ES.U1) and 新能源汽车 (NEV.U2): a name alone is ambiguous
    with pytest.raises(CaseError, match="ES.U1（储能）、NEV.U2（新能源汽车）"):
        chain_nodes.resolve("电池材料")
    assert chain_nodes.resolve("储能/电池材料")["chain_node"] == "ES.U1"
    with pytest.raises(CaseError, match="不在产业链图谱中"):
        lead_header(title="x", industry="3811", chain_node="电机")
    assert len({c["node"] for c in chain_nodes.choices()}) == len(chain_nodes.choices()) > 60


def test_the_lead_page_links_its_node_to_the_chain_map(tmp_path):
    db = str(tmp_path / "p.duckdb")
    lead = json.loads(cli("leads", "add", "--title", "驱动电机项目", "--uscc", valid_code(4), "--industry", "3811",
                          "--chain-node", "NEV.M2", "--db", db, "--json").output)["case_id"]  # fmt: skip
    shown = json.loads(cli("leads", "show", lead, "--db", db, "--json").output)
    assert (
        shown["case"]["fields"]["chain_pack"] == "NEV" and shown["case"]["fields"]["chain_node"] == "NEV.M2"
    )
    bad = cli(
        "leads", "add", "--title", "x", "--industry", "3811", "--chain-node", "电机", "--db", db, ok=False
    )
    assert bad.exit_code != 0 and "gaoxin chains map" in bad.output and "Traceback" not in bad.output
