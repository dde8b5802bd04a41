"""Scheme files that must be refused, and the messages an analyst sees."""

import pytest

from gaoxin.schemes import SchemeError, load_scheme, parse_scheme, scheme_text

MINI = """
[scheme]
id = "mini"
title = "测试方案"
status = "synthesis"

[[list]]
id = "规上"
when = "above_scale == 1"

[[list.indicator]]
id = "tax_per_mu"
title = "亩均税收"
numerator = "tax_paid"
denominator = "land_mu"
scale = 1e-4
unit = "万元/亩"
weight = 60
benchmark = { method = "fixed", value = 20 }

[[list.indicator]]
id = "revenue_per_mu"
title = "亩均营业收入"
numerator = "revenue"
denominator = "land_mu"
scale = 1e-4
unit = "万元/亩"
weight = 40
benchmark = { method = "aggregate" }
score = { method = "ratio", cap = 2, floor = 0 }

[classes]
method = "share"
shares = [20, 40, 35, 5]
"""


def problems(text):
    with pytest.raises(SchemeError) as e:
        parse_scheme(text, "test.toml")
    return str(e.value), e.value.problems


def test_mini_is_valid():
    s = parse_scheme(MINI)
    assert s.id == "mini" and s.lists[0].indicator[0].weight == 60
    assert s.sha256 and s.text == MINI


def test_misspelled_key_names_clause_and_suggests():
    msg, probs = problems(MINI.replace("weight = 60", "weigth = 60"))
    assert "list[规上].indicator[tax_per_mu].weigth" in msg
    assert "未知的键 'weigth'" in msg and "did you mean: weight" in msg
    # and the missing real key is reported too
    assert any(c == "list[规上].indicator[tax_per_mu].weight" and "缺少必填项" in m for c, m in probs)


def test_unknown_top_level_table():
    msg, _ = problems(MINI + "\n[clases]\nmethod = 'share'\n")
    assert "未知的键 'clases'" in msg and "classes" in msg


def test_weights_not_summing_to_100_is_an_error():
    msg, _ = problems(MINI.replace("weight = 40", "weight = 30"))
    assert "list[规上]" in msg and "权重之和为 90" in msg and "tax_per_mu 60 + revenue_per_mu 30" in msg
    assert "total_weight" in msg


def test_total_weight_can_be_declared():
    s = parse_scheme(
        MINI.replace("weight = 40", "weight = 30").replace(
            'when = "above_scale == 1"', 'when = "above_scale == 1"\ntotal_weight = 90'
        )
    )
    assert s.lists[0].total_weight == 90


def test_shares_must_sum_to_100():
    msg, _ = problems(MINI.replace("[20, 40, 35, 5]", "[20, 40, 35, 10]"))
    assert "shares 之和必须为 100" in msg and "classes" in msg


def test_thresholds_strictly_descending():
    text = MINI.replace(
        'method = "share"\nshares = [20, 40, 35, 5]', 'method = "threshold"\nthresholds = [80, 80, 40]'
    )
    msg, _ = problems(text)
    assert "严格递减" in msg


def test_unknown_field_in_formula_lists_fields():
    msg, probs = problems(MINI.replace('numerator = "tax_paid"', 'numerator = "tax_paid_total"'))
    assert "list[规上].indicator[tax_per_mu].numerator" in msg
    assert "未知字段 'tax_paid_total'" in msg and "power_kwh" in msg and "land_mu" in msg


def test_unsafe_formula_refused_at_load():
    msg, _ = problems(MINI.replace('when = "above_scale == 1"', 'when = "above_scale.__class__"'))
    assert "list[规上].when" in msg and "属性访问" in msg


def test_ratio_needs_benchmark_and_fixed_needs_positive_value():
    msg, _ = problems(MINI.replace('benchmark = { method = "fixed", value = 20 }\n', ""))
    assert "needs a benchmark" in msg
    msg, _ = problems(MINI.replace("value = 20", "value = 0"))
    assert "固定基准值 value 必须为正数" in msg
    msg, _ = problems(MINI.replace('{ method = "fixed", value = 20 }', '{ method = "mean", value = 3 }'))
    assert "只有 fixed 使用" in msg


def test_invalid_literal_values():
    msg, _ = problems(MINI.replace('{ method = "fixed", value = 20 }', '{ method = "fixd", value = 20 }'))
    assert "取值无效" in msg and "list[规上].indicator[tax_per_mu].benchmark.method" in msg


def test_unknown_class_and_list_references():
    extra = """
[[veto]]
id = "x"
when = "safety_accident == 1"
effect = "cap"
class = "E"
reason = "r"

[[adjustment]]
id = "y"
title = "t"
points = 1
lists = ["规中"]
"""
    msg, _ = problems(MINI + extra)
    assert "veto[x].class" in msg and "未定义的等级 'E'" in msg
    assert "adjustment[y].lists" in msg and "规中" in msg


def test_adjustment_needs_exactly_one_amount():
    msg, _ = problems(MINI + '\n[[adjustment]]\nid = "y"\ntitle = "t"\npoints = 1\npercent = 5\n')
    assert "只能给出 points、percent、value 之一" in msg


def test_exclusion_needs_a_criterion_and_valid_prefix():
    msg, _ = problems(MINI + '\n[[population.exclude]]\nid = "e"\nreason = "r"\n')
    assert "至少需要" in msg
    msg, _ = problems(MINI + '\n[[population.exclude]]\nid = "e"\nreason = "r"\nindustry_prefix = ["4x"]\n')
    assert "行业代码前缀 '4x' 无效" in msg


def test_duplicate_ids_and_variable_shadowing():
    dup = MINI.replace('id = "revenue_per_mu"', 'id = "tax_per_mu"')
    msg, _ = problems(dup)
    assert "指标标识重复" in msg
    msg, _ = problems(MINI + '\n[variables]\ntax_paid = "revenue"\n')
    assert "variables.tax_paid" in msg and "同名" in msg


def test_variables_see_only_earlier_names():
    ok = parse_scheme(MINI + '\n[variables]\na = "tax_paid * 2"\nb = "a + land_mu"\n')
    assert ok.variables["b"] == "a + land_mu"
    msg, _ = problems(MINI + '\n[variables]\nb = "a + 1"\na = "tax_paid"\n')
    assert "variables.b" in msg and "未知字段 'a'" in msg


def test_toml_syntax_error():
    msg, _ = problems(MINI + "\n[[list]\n")
    assert "TOML 语法错误" in msg


def test_reserved_class_t():
    msg, _ = problems(MINI.replace("shares = [20, 40, 35, 5]", 'labels = ["A", "T"]\nshares = [50, 50]'))
    assert "'T' is reserved" in msg


def test_unknown_builtin_suggests():
    with pytest.raises(SchemeError) as e:
        load_scheme("zj-huangyan-2020")
    assert "没有内置方案" in str(e.value) and "zj-huangyan-2021" in str(e.value)


def test_missing_file(tmp_path):
    with pytest.raises(SchemeError, match="找不到方案文件"):
        load_scheme(tmp_path / "nope.toml")


def test_load_from_path_and_text_roundtrip(tmp_path):
    p = tmp_path / "mine.toml"
    p.write_text(scheme_text("default"), encoding="utf-8")
    a, b = load_scheme(p), load_scheme("default")
    assert a.sha256 == b.sha256 and a.model_dump() == b.model_dump()
    assert a.origin == str(p) and b.origin == "builtin:default"


def test_warnings_flag_uncapped_ratio():
    s = parse_scheme(MINI)
    w = s.warnings()
    assert any("tax_per_mu" in x and "未设封顶" in x for x in w)
    assert not any("revenue_per_mu" in x and "未设封顶" in x for x in w)
