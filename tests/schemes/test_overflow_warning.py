"""Hardening (issue 19): a formula that overflows to ∞ for every firm is warned about at validate, before the
evaluation refuses it."""

from __future__ import annotations

from gaoxin.schemes import Scheme, list_builtin, load_scheme, overflow_warnings, parse_scheme, scheme_text
from support import cli


def _scheme(numerator: str) -> Scheme:
    text = scheme_text("default").replace('numerator = "tax_paid"', f'numerator = "{numerator}"', 1)
    return parse_scheme(text, "t.toml")


def test_an_overflowing_indicator_is_named_at_validate():
    warnings = overflow_warnings(_scheme("tax_paid * 1e300 * 1e300"))
    assert len(warnings) == 1 and "indicator[tax_per_mu]" in warnings[0] and "溢出" in warnings[0]
    # large but finite at every ordinary magnitude: no warning
    assert overflow_warnings(_scheme("tax_paid * 1e200")) == []


def test_an_overflowing_variable_is_named_once():
    text = scheme_text("default").replace("[variables]", '[variables]\nhuge = "revenue * 1e300 * 1e300"', 1)
    assert text != scheme_text("default")
    warnings = overflow_warnings(parse_scheme(text, "v.toml"))
    assert any(w.startswith("variables.huge") for w in warnings)


def test_no_builtin_scheme_warns():
    for b in list_builtin():
        s = load_scheme(b.id)
        if isinstance(s, Scheme):
            assert overflow_warnings(s) == [], b.id


def test_cli_validate_prints_the_warning(tmp_path):
    path = tmp_path / "overflow.toml"
    text = scheme_text("default").replace(
        'numerator = "tax_paid"', 'numerator = "tax_paid * 1e300 * 1e300"', 1
    )
    path.write_text(text, encoding="utf-8")
    out = cli("schemes", "validate", path).stdout
    assert "方案有效" in out and "警告" in out and "溢出" in out
