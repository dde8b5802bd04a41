"""The scheme expression language: what it computes and what it refuses."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.schemes.formula import FUNCTIONS, FormulaError, evaluate, evaluate_condition, parse

KNOWN = {"tax_paid", "land_mu", "revenue", "above_scale", "energy_tce"}


def ev(text, **cols):
    n = len(next(iter(cols.values()))) if cols else 1
    env = {k: np.asarray(v, dtype=float) for k, v in cols.items()}
    return evaluate(parse(text, set(env) | KNOWN), env, n)


@pytest.mark.parametrize(
    "text, words",
    [
        ("tax_paid.__class__", "属性访问"),
        ("().__class__.__bases__[0]", "下标"),
        ("().__class__", "属性访问"),
        ("tax_paid[0]", "下标"),
        ("__import__('os').system('echo hi')", "调用非函数名"),
        ("__import__('os')", "不允许调用函数 '__import__'"),
        ("open('/etc/passwd')", "不允许调用函数 'open'"),
        ("eval('1+1')", "不允许调用函数 'eval'"),
        ("(lambda: 1)()", "调用非函数名"),
        ("lambda x: x", "lambda"),
        ("'abc'", "非数值常量"),
        ("tax_paid ** 2", "乘方"),
        ("sum_of(tax_paid, start=1)", "关键字参数"),
        ("sum_of(*tax_paid)", "关键字参数或 *args"),
        ("[tax_paid]", "List"),
        ("tax_paid if above_scale else 0", "if_else"),
        ("x := 1", "语法错误"),
        ("import os", "语法错误"),
        ("tax_paid; revenue", "语法错误"),
        ("prev(tax_paid + 1)", "prev()"),
        ("True", "非数值常量"),
    ],
)
def test_rejects_unsafe_or_unsupported(text, words):
    with pytest.raises(FormulaError) as e:
        parse(text, KNOWN)
    assert words in str(e.value)


def test_unknown_field_lists_known_fields_and_suggests():
    with pytest.raises(FormulaError) as e:
        parse("tax_piad / land_mu", KNOWN, where="list[规上].indicator[x].numerator: ")
    msg = str(e.value)
    assert "list[规上].indicator[x].numerator" in msg
    assert "未知字段 'tax_piad'" in msg and "unknown field" in msg
    assert "did you mean: tax_paid" in msg
    for f in KNOWN:
        assert f in msg  # the message lists every known field


def test_unknown_function_lists_allowed():
    with pytest.raises(FormulaError) as e:
        parse("sumof(tax_paid)", KNOWN)
    assert "sum_of" in str(e.value) and all(f in str(e.value) for f in FUNCTIONS)


def test_wrong_arity():
    with pytest.raises(FormulaError, match="参数个数"):
        parse("if_else(tax_paid, 1)", KNOWN)


def test_length_and_depth_limits():
    with pytest.raises(FormulaError, match="过长"):
        parse("1+" * 1500 + "1", KNOWN)
    with pytest.raises(FormulaError, match="嵌套过深"):
        parse("(" * 60 + "1" + ")" * 60 + "+" + "-" * 60 + "1", KNOWN)


def test_arithmetic_division_by_zero_is_missing():
    out = ev("tax_paid / land_mu", tax_paid=[10, 10, np.nan, -4], land_mu=[2, 0, 1, 2])
    assert out[0] == 5 and math.isnan(out[1]) and math.isnan(out[2]) and out[3] == -2


def test_sum_of_and_coalesce_semantics():
    a = [1.0, np.nan, np.nan]
    b = [2.0, 3.0, np.nan]
    s = ev("sum_of(a, -b)", a=a, b=b)
    assert s[0] == -1 and s[1] == -3 and math.isnan(s[2])  # missing only when all are missing
    c = ev("coalesce(a, b, 7)", a=a, b=b)
    assert list(c) == [1.0, 3.0, 7.0]
    assert list(ev("min_of(a, b)", a=a, b=b)[:2]) == [1.0, 3.0]
    assert list(ev("max_of(a, b)", a=a, b=b)[:2]) == [2.0, 3.0]
    assert list(ev("is_missing(a)", a=a)) == [0.0, 1.0, 1.0]
    assert list(ev("if_else(a > 0, 1, 2)", a=a)) == [1.0, 2.0, 2.0]
    assert list(ev("abs(-a)", a=[-2.0])) == [2.0]


def test_comparisons_with_missing_are_false_including_not_equal():
    env = {"above_scale": np.array([1.0, 0.0, np.nan])}
    f = parse("above_scale != 1", KNOWN)
    assert list(evaluate_condition(f, env, 3)) == [False, True, False]
    g = parse("coalesce(above_scale, 0) == 0", KNOWN)
    assert list(evaluate_condition(g, env, 3)) == [False, True, True]
    h = parse("not above_scale == 1 and 0 < 1 <= 1", KNOWN)
    assert list(evaluate_condition(h, env, 3)) == [False, True, True]
    assert parse("a < 1 or b > 2", {"a", "b"}).is_condition


def test_booleans_in_arithmetic_become_numbers():
    out = ev("(a > 0) * 5 - (a > 1)", a=[0.5, 2.0, -1.0])
    assert list(out) == [5.0, 4.0, 0.0]


def test_prev_reads_the_prefixed_column():
    f = parse("tax_paid - prev(tax_paid)", KNOWN)
    assert f.prev_names == {"tax_paid"}
    env = {"tax_paid": np.array([5.0, 6.0]), "prev:tax_paid": np.array([4.0, np.nan])}
    out = evaluate(f, env, 2)
    assert out[0] == 1.0 and math.isnan(out[1])


def test_constants_broadcast():
    assert list(evaluate(parse("2 * 3"), {}, 3)) == [6.0, 6.0, 6.0]


@given(st.lists(st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6)), min_size=1, max_size=20))
def test_matches_plain_arithmetic(pairs):
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    out = ev("(a + b) * 2 - a / b", a=a, b=b)
    with np.errstate(all="ignore"):
        want = (a + b) * 2 - np.where(b == 0, np.nan, a / np.where(b == 0, 1, b))
    want = np.where(np.isinf(want), np.nan, want)
    np.testing.assert_allclose(out, want, rtol=1e-12, equal_nan=True)
