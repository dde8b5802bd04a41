"""Tagging on real-looking registered scope strings."""

from __future__ import annotations

import pytest

from gaoxin.chains.packs import load_packs
from gaoxin.chains.tagging import Tagger, mark_primary, primary_node, split_sections, strip_boilerplate


@pytest.fixture(scope="module")
def tagger():
    return Tagger(load_packs())


def nodes(tags):
    return {t.node for t in tags}


def test_boilerplate_and_sections():
    text = ("一般项目：电池制造；电池销售（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）许可项目："
            "道路机动车辆生产（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以相关部门批准文件或许可证件为准）")
    from gaoxin.chains.tagging import normalize

    cleaned = strip_boilerplate(normalize(text))
    assert "凭营业执照" not in cleaned and "批准文件" not in cleaned
    secs = split_sections(cleaned)
    assert [s for s, _ in secs] == ["一般项目", "许可项目"]
    assert "道路机动车辆生产" in secs[1][1]


def test_battery_maker_scope(tagger):
    scope = ("一般项目：电池制造；电池销售；电池零配件生产；储能技术服务；新能源汽车废旧动力蓄电池回收及梯次利用"
             "（不含危险废物经营）；技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广"
             "（除许可业务外，可自主依法经营法律法规非禁止或限制的项目）")
    tags = tagger.tag(scope, "动力电池系统、储能电池系统", "C3841")
    got = nodes(tags)
    assert {"NEV.M1", "ES.U2", "ES.D2", "NEV.D4"} <= got
    m1 = next(t for t in tags if t.node == "NEV.M1")
    assert m1.confidence > 0.9
    assert {"code", "phrase", "product"} <= {e["signal"] for e in m1.evidence}
    # boilerplate words never become evidence
    assert all("营业执照" not in e.get("clause", "") for t in tags for e in t.evidence)


def test_licensed_items_count(tagger):
    scope = ("一般项目：医学研究和试验发展（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
             "许可项目：药品生产；第三类医疗器械生产（依法须经批准的项目，经相关部门批准后方可开展经营活动）")
    tags = tagger.tag(scope)
    assert {"BIO.U1", "BIO.M4"} <= nodes(tags)
    m4 = next(t for t in tags if t.node == "BIO.M4")
    assert m4.evidence[0]["section"] == "许可项目"


def test_trading_only_goes_to_channel(tagger):
    scope = ("一般项目：电子元器件批发；集成电路芯片及产品销售；电子产品销售；家用电器销售"
             "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）")
    got = nodes(tagger.tag(scope))
    assert got == {"IC.D3", "SHA.D1"}
    # the same products made, not traded: production nodes, no channel
    made = nodes(tagger.tag("一般项目：集成电路芯片及产品制造；集成电路芯片及产品销售；家用电器制造；家用电器销售"))
    assert "IC.M2" in made and "IC.D3" not in made and "SHA.D1" not in made


def test_trading_firm_never_gets_make_nodes_from_sales(tagger):
    got = nodes(tagger.tag("光伏设备及元器件销售；充电桩销售；第二类医疗器械销售；药品零售"))
    assert "SI.M3" not in got and "NEV.D2" not in got
    assert "BIO.D1" in got


def test_star_code_needs_keyword(tagger):
    assert "IC.M2" not in nodes(tagger.tag("", None, "3972"))  # 3972* alone is not enough
    assert "IC.M2" in nodes(tagger.tag("功率器件的研发、生产", None, "3972"))
    assert "IC.M2" in nodes(tagger.tag("", None, "3973"))  # exact code counts alone


def test_old_style_scope_and_token_boundaries(tagger):
    scope = "锂离子电池材料、高性能膜材料、电解液材料的研发、生产、销售；货物及技术进出口"
    got = nodes(tagger.tag(scope))
    assert {"NEV.U2", "ES.U1"} <= got
    assert "NEV.M1" not in got  # 锂离子电池 inside 锂离子电池材料 is the material, not the cell


def test_primary_node_by_revenue_rule(tagger):
    segs = [{"text": "动力电池", "revenue": 60, "gross_profit": 10},
            {"text": "储能系统集成", "revenue": 40, "gross_profit": 30}]
    node, why = primary_node(segs, tagger, "NEV")
    assert node == "NEV.M1" and "50%" in why
    segs = [{"text": "光伏组件", "revenue": 35, "gross_profit": 60}, {"text": "光伏玻璃", "revenue": 30, "gross_profit": 10},
            {"text": "多晶硅", "revenue": 35, "gross_profit": 30}]
    node, why = primary_node(segs, tagger, "SI")
    assert node is None or node in {"SI.M3", "SI.M1"}
    tags = mark_primary(tagger.tag("电池制造；储能系统集成", None, "3841"), "ES.M3")
    assert [t.node for t in tags if t.primary and t.chain == "ES"] == ["ES.M3"]
