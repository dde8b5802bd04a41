"""Tagging on real-looking registered scope strings."""

from __future__ import annotations

import pytest

from gaoxin.chains.packs import load_packs
from gaoxin.chains.tagging import Tag, Tagger, mark_primary, primary_node, split_sections, strip_boilerplate


@pytest.fixture(scope="module")
def tagger():
    return Tagger(load_packs())


def nodes(tags):
    return {t.node for t in tags}


def test_boilerplate_and_sections():
    text = (
        "一般项目：电池制造；电池销售（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）许可项目："
        "道路机动车辆生产（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以相关部门批准文件或许可证件为准）"
    )
    from gaoxin.chains.tagging import normalize

    cleaned = strip_boilerplate(normalize(text))
    assert "凭营业执照" not in cleaned and "批准文件" not in cleaned
    secs = split_sections(cleaned)
    assert [s for s, _ in secs] == ["一般项目", "许可项目"]
    assert "道路机动车辆生产" in secs[1][1]


def test_battery_maker_scope(tagger):
    scope = (
        "一般项目：电池制造；电池销售；电池零配件生产；储能技术服务；新能源汽车废旧动力蓄电池回收及梯次利用"
        "（不含危险废物经营）；技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广"
        "（除许可业务外，可自主依法经营法律法规非禁止或限制的项目）"
    )
    tags = tagger.tag(scope, "动力电池系统、储能电池系统", "C3841")
    got = nodes(tags)
    assert {"NEV.M1", "ES.U2", "ES.D2", "NEV.D4"} <= got
    m1 = next(t for t in tags if t.node == "NEV.M1")
    assert m1.confidence > 0.9
    assert {"code", "phrase", "product"} <= {e["signal"] for e in m1.evidence}
    # boilerplate words never become evidence
    assert all("营业执照" not in e.get("clause", "") for t in tags for e in t.evidence)


def test_licensed_items_count(tagger):
    scope = (
        "一般项目：医学研究和试验发展（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
        "许可项目：药品生产；第三类医疗器械生产（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
    )
    tags = tagger.tag(scope)
    assert {"BIO.U1", "BIO.M4"} <= nodes(tags)
    m4 = next(t for t in tags if t.node == "BIO.M4")
    assert m4.evidence[0]["section"] == "许可项目"


def test_trading_only_goes_to_channel(tagger):
    scope = (
        "一般项目：电子元器件批发；集成电路芯片及产品销售；电子产品销售；家用电器销售"
        "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
    )
    got = nodes(tagger.tag(scope))
    assert got == {"IC.D3", "SHA.D1"}
    # the same products made, not traded: production nodes, no channel
    made = nodes(
        tagger.tag("一般项目：集成电路芯片及产品制造；集成电路芯片及产品销售；家用电器制造；家用电器销售")
    )
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
    segs = [
        {"text": "动力电池", "revenue": 60, "gross_profit": 10},
        {"text": "储能系统集成", "revenue": 40, "gross_profit": 30},
    ]
    node, why = primary_node(segs, tagger, "NEV")
    assert node == "NEV.M1" and "50%" in why
    segs = [
        {"text": "光伏组件", "revenue": 35, "gross_profit": 60},
        {"text": "光伏玻璃", "revenue": 30, "gross_profit": 10},
        {"text": "多晶硅", "revenue": 35, "gross_profit": 30},
    ]
    node, why = primary_node(segs, tagger, "SI")
    assert node is None or node in {"SI.M3", "SI.M1"}
    tags = mark_primary(tagger.tag("电池制造；储能系统集成", None, "3841"), "ES.M3")
    assert [t.node for t in tags if t.primary and t.chain == "ES"] == ["ES.M3"]


# ---- behaviours added with the 2026 evaluation set (bench/data/chains_eval.README.md) -------------------------------
def test_service_or_repair_of_a_product_is_not_making_it(tagger):
    # 维修/技术服务/租赁 of a product: no make node; a real service node still counts
    assert "SHA.M2" not in nodes(tagger.tag("家用电器安装；家用电器维修"))
    assert "SHA.D3" in nodes(tagger.tag("家用电器安装；家用电器维修"))
    assert "BIO.M4" not in nodes(tagger.tag("医疗器械租赁；康复辅具适配服务"))
    # generic 通用设备修理 in an unrelated scope is not 高端装备运维
    assert "HEM.D1" not in nodes(tagger.tag("乳制品生产；通用设备修理；专用设备修理"))


def test_trading_only_ignores_services_and_generic_rnd(tagger):
    # services and the 技术服务、技术开发… boilerplate do not make a trader a maker
    scope = (
        "一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；药品零售；第二类医疗器械销售；"
        "诊所服务；新材料技术研发"
    )
    got = nodes(tagger.tag(scope))
    assert "BIO.D1" in got and "BIO.D2" in got and "BIO.M4" not in got


def test_channel_only_from_pure_distributor_nodes(tagger):
    # 汽车零配件批发 is not a 新能源汽车 channel; 智能车载设备销售 is not an IC distributor
    assert nodes(tagger.tag("汽车零配件批发")) == set()
    assert "IC.D3" not in nodes(tagger.tag("智能车载设备销售"))
    assert "IC.D3" in nodes(tagger.tag("集成电路销售"))
    assert "IC.D3" not in nodes(tagger.tag("电力电子元器件销售"))


def test_product_list_items_are_read_one_by_one(tagger):
    got = nodes(tagger.tag(None, "CMP装备、减薄装备、离子注入装备、晶圆再生、关键耗材、维保服务"))
    assert {"IC.U2", "IC.U3"} <= got


def test_application_and_equipment_context(tagger):
    # what a product is used for / applied to is not what the firm makes
    got = nodes(
        tagger.tag(None, "产品包括金属双极板、电堆模块、车用燃料电池系统，应用于汽车、无人机、船舶等领域")
    )
    assert {"H2.D1", "H2.D2", "NEV.M5"} <= got and "HEM.M2" not in got
    got = nodes(tagger.tag(None, "国内锂电池用铝箔龙头企业"))
    assert "NEV.M1" not in got and "NEV.U2" in got
    # "先进封装工艺设备" is semiconductor equipment, not packaging
    got = nodes(tagger.tag("后道先进封装工艺设备、新型化合物半导体刻蚀设备的研发、生产"))
    assert "IC.M3" not in got and "IC.M2" not in got


def test_old_style_object_verb_scopes(tagger):
    got = nodes(tagger.tag("计算机软硬件、集成电路和模块、存储产品等电子产品的封装、测试、生产和销售"))
    assert {"IC.M2", "IC.M3"} <= got
    got = nodes(tagger.tag("研究、开发、生产、销售各类型新型电子元器件、集成电路、电子材料"))
    assert {"IC.M1", "IC.M2", "EI.U3"} <= got


def test_parentheses_keep_content_but_drop_qualifiers(tagger):
    got = nodes(tagger.tag("原料药和各种剂型的医药产品（包括化学原料药、中成药、疫苗）的研发、制造"))
    assert {"BIO.U2", "BIO.M3", "BIO.M2"} <= got
    assert "BIO.D2" not in nodes(tagger.tag("健康管理咨询服务（诊疗、医疗、心理咨询服务除外）"))


def test_coarse_code_confirms_keywords_of_its_division(tagger):
    tags = tagger.tag("电子专用材料制造；电池制造", None, "C39")
    m = next(t for t in tags if t.node == "EI.U1")
    assert any(e["signal"] == "code*" for e in m.evidence)
    # a 大类 code alone never tags anything
    assert tagger.tag("", None, "C39") == []


# ---- faults found by the labelled check of listed firms (issue 14) ---------------------------------------------
def test_primary_on_ties_is_the_smallest_node(tagger):
    """Ties (common under the 0.99 cap) go to the node listed first — the smallest id, as listings sort."""
    tags = mark_primary(
        [
            Tag("NEV", "NEV.M5", 0.99),
            Tag("NEV", "NEV.M1", 0.99),
            Tag("NEV", "NEV.U2", 0.8),
            Tag("ES", "ES.U2", 0.5),
        ]
    )
    assert [t.node for t in tags if t.primary] == ["NEV.M1", "ES.U2"]


def test_flow_battery_stack_is_not_a_fuel_cell_stack(tagger):
    scope = "一般项目：全钒液流电池电堆制造；储能技术服务"
    got = nodes(tagger.tag(scope, "全钒液流电池电堆", None))
    assert "ES.U2" in got  # the flow battery is a storage cell
    assert not {"H2.D2", "NEV.M5"} & got
    assert "H2.D2" in nodes(tagger.tag("氢燃料电池电堆的研发、生产"))  # a fuel-cell stack still is one


def test_high_purity_crystalline_silicon_is_polysilicon(tagger):
    assert "SI.M1" in nodes(tagger.tag("高纯晶硅的研发、生产、销售"))
