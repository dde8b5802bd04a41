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
