"""GB/T 4754 国民经济行业分类 codes as numbers: 4-digit 小类 and 2-digit 大类 per firm, and prefix masks
("D" 门类, "44" 大类, "441" 中类, "4417" 小类)."""

from __future__ import annotations

import re

import numpy as np

from gaoxin.engine import factorize
from gaoxin.schemes.model import SECTIONS

_CODE_RE = re.compile(r"^[A-T]?(\d{2,4})$")


def industry_numbers(codes) -> tuple[np.ndarray, np.ndarray]:
    """(industry4, industry2) as float arrays (NaN when unknown) from GB/T 4754 code strings.

    Accepts "3973", "C3973" (门类 letter first), 3-digit 中类 "397" and 2-digit 大类 "39" (the last two give
    industry2 only); anything else is unknown. Parsed once per distinct code."""
    inv, uniq = factorize(codes)
    four = np.full(len(uniq) + 1, np.nan)
    two = np.full(len(uniq) + 1, np.nan)
    for k, c in enumerate(uniq):
        m = _CODE_RE.match(c.strip()) if isinstance(c, str) else None
        if m:
            digits = m.group(1)
            two[k] = float(digits[:2])
            if len(digits) == 4:
                four[k] = float(digits)
    return four[inv], two[inv]


def prefix_mask(prefix: str, ind4: np.ndarray, ind2: np.ndarray) -> np.ndarray:
    """Firms whose industry code starts with ``prefix`` ("D" section, "44" division, "441" group, "4417")."""
    letter = prefix[0] if prefix[0].isalpha() else ""
    digits = prefix[1:] if letter else prefix
    with np.errstate(invalid="ignore"):
        if letter and not digits:
            lo, hi = SECTIONS[letter]
            return (ind2 >= lo) & (ind2 <= hi)
        p = int(digits)
        if len(digits) == 1:
            return np.floor(ind2 / 10) == p
        if len(digits) == 2:
            return ind2 == p
        return np.floor(ind4 / 10 ** (4 - len(digits))) == p
