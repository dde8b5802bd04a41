"""统一社会信用代码 validation, cross-checked against python-stdnum."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from gaoxin.ingest import uscc

ALPHA = uscc.ALPHABET


def test_real_public_code_is_valid_and_one_changed_character_is_not():
    assert uscc.is_valid("91110000600037341L")
    assert not uscc.is_valid("91110000600037341M")
    assert not uscc.is_valid("91110000600037342L")


def test_normalisation_folds_full_width_spaces_and_case():
    assert uscc.normalize(" ９１１１００００６０００３７３４１ｌ ") == "91110000600037341L"
    assert uscc.is_valid(uscc.normalize("9111 0000-6000 3734 1l"))


def test_reason_codes():
    got = uscc.validate_array(
        ["91110000600037341L", "", "123", "91110000600037341I", "9111000060003734１L", "91110000600037341M"]
    )
    assert got.tolist() == [
        uscc.OK,
        uscc.EMPTY,
        uscc.BAD_LENGTH,
        uscc.BAD_CHAR,
        uscc.BAD_CHAR,
        uscc.BAD_CHECK,
    ]


def test_letter_initial_codes_accepted_when_check_char_is_right():
    code = uscc.make("Y1", "110000", "MA01ABCD")
    assert uscc.is_valid(code)
    assert not stdnum_uscc.is_valid(code)  # stdnum demands digits in positions 1-8; we do not


codes17 = st.text(alphabet="0123456789", min_size=2, max_size=2).flatmap(
    lambda p: st.text(alphabet="0123456789", min_size=6, max_size=6).flatmap(
        lambda r: st.text(alphabet=ALPHA, min_size=9, max_size=9).map(lambda b: p + r + b)
    )
)


@settings(max_examples=300, deadline=None)
@given(codes17)
def test_check_character_matches_stdnum(first17):
    assert uscc.check_char(first17) == stdnum_uscc.calc_check_digit(first17)
    full = first17 + uscc.check_char(first17)
    assert uscc.validate_array([full])[0] == uscc.OK


@settings(max_examples=200, deadline=None)
@given(codes17, st.integers(0, 17), st.integers(1, 30))
def test_every_single_character_change_is_detected(first17, pos, shift):
    # 31 is prime and no weight is 0 mod 31, so one substituted character always breaks the check
    full = first17 + uscc.check_char(first17)
    changed = ALPHA[(ALPHA.index(full[pos]) + shift) % 31]
    bad = full[:pos] + changed + full[pos + 1 :]
    assert uscc.validate_array(np.array([bad], dtype=object))[0] == uscc.BAD_CHECK


def test_embedded_organisation_code_check_character():
    # GB 11714: 60003734 → 1 (the real code 91110000600037341L), and letters count A=10 … Z=35
    assert uscc.org_check_char("60003734") == "1"
    assert uscc.org_check_char("MA27XMXJ") == "2"  # real code 91330106MA27XMXJ27
    assert (
        uscc.is_valid(uscc.make("91", "330106", "MA27XMXJ"))
        and uscc.make("91", "330106", "MA27XMXJ") == "91330106MA27XMXJ27"
    )
