"""Hostile rule files are refused with a clause, never a trace: TOML nested thousands deep (schemes, flows,
calendars), a formula constant beyond double precision, a formula nested past the parser."""

from __future__ import annotations

import pytest

from gaoxin.flows import FlowError, parse_flow
from gaoxin.schemes import FormulaError, SchemeError, parse_scheme, scheme_text
from gaoxin.schemes.formula import parse

DEEP = "v = " + "[" * 5000 + "]" * 5000 + "\n"


def test_deeply_nested_toml_is_a_clear_refusal():
    with pytest.raises(SchemeError, match="嵌套过深"):
        parse_scheme('[scheme]\nid = "x"\n' + DEEP, "deep.toml")
    with pytest.raises(FlowError, match="嵌套过深"):
        parse_flow(DEEP, "deep-flow.toml")


def test_a_calendar_file_nested_too_deep_is_refused():
    from gaoxin.workdays import CalendarFileError, parse_file

    with pytest.raises(CalendarFileError, match="嵌套过深"):
        parse_file("local.toml", DEEP.encode())


@pytest.mark.parametrize("constant", ["9" * 1900, "1e400"])
def test_constants_beyond_double_precision_are_refused(constant):
    with pytest.raises(FormulaError, match="数值常量过大"):
        parse(f"tax_paid * {constant}")
    text = scheme_text("default").replace('numerator = "tax_paid"', f'numerator = "tax_paid * {constant}"', 1)
    assert text != scheme_text("default")
    with pytest.raises(SchemeError, match="数值常量过大"):
        parse_scheme(text, "big.toml")


def test_a_formula_nested_past_the_parser_is_refused():
    with pytest.raises(FormulaError):
        parse("(" * 400 + "tax_paid" + ")" * 400)


def test_a_formula_that_overflows_for_every_unit_is_refused_at_evaluation():
    import numpy as np

    from gaoxin.schemes.formula import evaluate

    f = parse("tax_paid * 1e300 * 1e300")
    with pytest.raises(FormulaError, match="溢出为无穷大"):
        evaluate(f, {"tax_paid": np.array([5.0, np.nan, 2.0])}, 3, refuse_overflow=True)
    assert np.isnan(evaluate(f, {"tax_paid": np.array([5.0])}, 1)).all()  # plain arithmetic: missing
    # one firm overflowing among real figures is that firm's missing value, as before
    out = evaluate(parse("tax_paid * 1e300"), {"tax_paid": np.array([5.0, 1e10])}, 2)
    assert out[0] == 5e300 and np.isnan(out[1])
