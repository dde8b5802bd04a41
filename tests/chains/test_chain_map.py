"""Tags in the store, overrides that win, gap ranking, cluster scale, targets and the xlsx export."""

from __future__ import annotations

import openpyxl
import pytest
from chain_fixtures import FIRMS, build_zone

from gaoxin.chains.analysis import centrality, chain_map, firm_list, tag_store
from gaoxin.chains.export import export_map
from gaoxin.chains.packs import load_packs
from gaoxin.chains.tagging import Tagger
from gaoxin.chains.targets import rank, read_candidates
from gaoxin.store import chains as store


@pytest.fixture(scope="module")
def packs():
    return load_packs()


@pytest.fixture(scope="module")
def tagger(packs):
    return Tagger(packs)


@pytest.fixture
def zone(store, packs, tagger):
    build_zone(store)
    tag_store(store, packs, tagger)
    return store


def node_firms(m, node):
    return next(n for n in m["nodes"] if n["node"] == node)


def test_tag_store_and_map(zone, packs):
    m = chain_map(zone, packs["IC"], "2025")
    assert m["firms"] == 4  # the restaurant and the battery maker are not in the IC chain
    assert node_firms(m, "IC.M2")["firms"] == 1 and node_firms(m, "IC.M2")["revenue"] == 9e8
    assert node_firms(m, "IC.D3")["firms"] == 1  # trading-only firm → 分销 node
    leaders = node_firms(m, "IC.M2")["leaders_revenue"]
    assert leaders[0]["name"] == "晶芯微电子有限公司"


def test_override_wins_over_tagger(zone, packs, tagger):
    shop = FIRMS[3][0]
    store.add_override(zone, shop, "IC", "IC.D3", "remove", "实为物流公司")
    store.add_override(zone, FIRMS[5][0], "IC", "IC.M3", "add", "新上封测线")
    tag_store(zone, packs, tagger)  # re-tagging keeps the analyst's decisions
    m = chain_map(zone, packs["IC"], "2025")
    assert node_firms(m, "IC.D3")["firms"] == 0
    assert node_firms(m, "IC.M3")["firms"] == 1
    rows = [f for f in firm_list(zone, packs["IC"]) if f["node"] == "IC.M3"]
    assert rows[0]["source"] == "override"


def test_gaps_ranked_by_centrality(zone, packs):
    m = chain_map(zone, packs["IC"], "2025")
    gaps = [g["node"] for g in m["gaps"]]
    assert "IC.M3" in gaps and "IC.M2" not in gaps
    scores = [g["gap_score"] for g in m["gaps"]]
    assert scores == sorted(scores, reverse=True)
    cent = centrality(packs["IC"])
    # a midstream node (links to every up- and downstream node) outranks an empty downstream one
    assert cent["IC.M3"] > cent["IC.D2"]
    assert gaps.index("IC.M3") < gaps.index("IC.D2")
    assert "无企业" in m["gaps"][0]["reason"]


def test_cluster_trend(zone, packs):
    c = chain_map(zone, packs["IC"], "2025")["cluster"]
    assert [t["period"] for t in c["trend"]] == ["2024", "2025"]
    assert c["latest_revenue"] == pytest.approx(9e8 + 1.5e8 + 2.4e8 + 6e7)
    assert c["level"] == "未达百亿级" and c["cagr"] > 0 and c["years_to_target"] > 0


def test_targets_ranked_by_gaps_filled(zone, packs, tagger, tmp_path):
    csv = tmp_path / "候选.csv"
    csv.write_text(
        "企业名称,所在地区,经营范围,主营产品,营业收入（亿元）\n"
        "甲封测科技,江苏无锡,集成电路封装测试；半导体封装材料销售,先进封装,12\n"
        "乙芯片制造,上海,集成电路芯片及产品制造,晶圆代工,30\n"
        "丙餐饮,北京,餐饮服务,,1\n",
        encoding="gbk",
    )
    cands = read_candidates(csv)
    assert cands[0]["revenue"] == 12e8
    m = chain_map(zone, packs["IC"], "2025")
    ranked = rank(cands, packs["IC"], {n["node"]: n for n in m["nodes"]}, tagger)
    assert [r["name"] for r in ranked] == ["甲封测科技", "乙芯片制造", "丙餐饮"]
    assert "封装测试" in ranked[0]["reason"] and ranked[2]["score"] == 0
    assert "未对应" in ranked[2]["reason"]


def test_export_opens_with_openpyxl(zone, packs, tmp_path):
    m = chain_map(zone, packs["IC"], "2025")
    path = export_map(m, firm_list(zone, packs["IC"]), tmp_path / "ic.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["产业链图谱", "企业名单", "集群规模"]
    ws = wb["产业链图谱"]
    assert ws["E4"].value == "企业分布" and ws["F5"].value == "营业收入（万元）"
    assert any(str(r).startswith("E4:") for r in ws.merged_cells.ranges)
    ids = [ws.cell(row=r, column=1).value for r in range(6, 6 + len(m["nodes"]))]
    assert ids == [n["node"] for n in m["nodes"]]
    assert wb["企业名单"].max_row >= 2 + 4
