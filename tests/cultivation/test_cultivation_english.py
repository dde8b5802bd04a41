"""English of the cultivation texts: hand-worked notes of hand-built firms read as English, and every text the
five built-in schemes can write — condition notes (met, not met with its gap, data missing, direct routes,
expert-dependent scores), band texts, titles — has no Chinese left once translated."""

from __future__ import annotations

import re

import numpy as np
import polars as pl
import pytest
from cultivation_data import run, wan
from test_cultivation_gaps import SCHEMES, random_years

from gaoxin.evaluations import cultivation as core
from gaoxin.evaluations.cultivation.english import english, english_parts, english_text
from gaoxin.evaluations.runs import load

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef「」]")


def notes_of(result: core.CultivationResult, k: str) -> tuple[str, str]:
    n = core.condition_notes(result, result.cond_index(k))
    return n[0], english(n)[0]


def test_hand_worked_srdi_gaps_read_in_english():
    # R&D 57.7 万元 against ≥ 100 万元: 42.3 short, in whole 万元 steps 43; ratio 57.7 / 3000 = 1.92 % < 3 %,
    # 3 % of 3000 = 90 万元 → with the R&D added to revenue too the scheme asks 90.7, so 33 more
    r = run("srdi-sme-2022", [{"rd_expense": wan(57.7), "revenue": wan(3000), "niche_years": 1.5}])
    zh, en = notes_of(r, "rd_amount")
    assert zh == "上年度研发费用总额 57.7万元 < 100万元: 再投入 43万元"
    assert en == "R&D spending last year 57.7 10k yuan < 100 10k yuan: invest another 43 10k yuan"
    zh, en = notes_of(r, "rd_ratio")
    assert zh.endswith("需 ≥ 90.7万元: 再投入 33万元")
    assert en == (
        "R&D spending last year as a share of revenue 1.92% < 3%; R&D spending last year 57.7 10k yuan, "
        "needs ≥ 90.7 10k yuan: invest another 33 10k yuan"
    )
    assert notes_of(r, "niche_years")[1] == "Years in its market niche 1.5 years < 2 years"
    assert notes_of(r, "revenue")[1] == "Revenue last year 3000 10k yuan ≥ 1000 10k yuan"
    assert notes_of(r, "sme")[1] == "An SME (size classification standard): met"


def test_hand_worked_hnte_gaps_persons_and_missing_years():
    # 3 of 40 staff = 7.5 % < 10 %: 2 more (5 / 42 = 11.9 %, while 4 / 41 = 9.76 % is still short)
    r = run(
        "hnte-2016",
        [{"rd_expense": (wan(120), wan(100), wan(80)), "total_staff": 40, "tech_staff": 3}],
    )
    assert notes_of(r, "tech_staff") == (
        "科技人员 7.5% < 10%: 再增 2 人",
        "S&T staff 7.5% < 10%: add 2 persons",
    )
    zh, en = notes_of(r, "rd_domestic")
    assert "境内研发费用（前1年）" in zh
    assert en == (
        "Domestic R&D spending as a share of all R&D spending: data missing (Domestic R&D expenditure, "
        "Domestic R&D expenditure (1 year earlier), Domestic R&D expenditure (2 years earlier))"
    )
    one = run("hnte-2016", [{"total_staff": 40, "tech_staff": 3.6}])  # 9 %: one more is enough (4.6 / 41)
    assert notes_of(one, "tech_staff")[1] == "S&T staff 9% < 10%: add 1 person"


def test_several_levers_and_the_separators_of_reasons():
    text = "综合评价得分 50分 < 60分: 再投入研发费用 236万元 或 再增科技人员 1 人；资产总额 247.09万元 ≤ 20000万元"
    assert english_text(text) == (
        "Overall evaluation score 50 points < 60 points: R&D spending +236 10k yuan or S&T staff +1 person; "
        "Total assets 247.09 10k yuan ≤ 20000 10k yuan"
    )
    parts = english_parts(pl.Series([text, None, ""], dtype=pl.Utf8))
    assert parts == [
        [
            "Overall evaluation score 50 points < 60 points: R&D spending +236 10k yuan or S&T staff +1 person",
            "Total assets 247.09 10k yuan ≤ 20000 10k yuan",
        ],
        [],
        [],
    ]
    assert english(pl.Series(["12个月内到期", "已到期", None])).to_list() == [
        "Expires within 12 months",
        "Expired",
        None,
    ]


def _with_holes(years: list[dict], seed: int) -> list[dict]:
    """Some values missing (data-missing notes) and some direct routes taken (route notes)."""
    r = np.random.default_rng(seed)
    out = []
    for d in years:
        d = dict(d)
        for k, v in d.items():
            if isinstance(v, np.ndarray) and v.dtype == float and k not in ("total_staff", "staff"):
                d[k] = np.where(r.random(v.size) < 0.08, np.nan, v)
        n = d["revenue"].size
        for k in ("national_award_rank", "provincial_award_rank", "maker_china_rank"):
            d[k] = np.where(r.random(n) < 0.1, 1.0, np.nan)
        d["rd_institution_level"] = np.where(r.random(n) < 0.1, 4.0, d["rd_institution_level"])
        out.append(d)
    return out


@pytest.mark.parametrize("sid", SCHEMES)
def test_every_text_of_the_builtin_schemes_translates(sid):
    scheme = load(sid)[0]
    result = core.evaluate(scheme, "2025", _with_holes(random_years(7, n=300), 3))
    frames = core.result_frames(result)
    texts = pl.concat(
        [
            frames[0]["reasons"].drop_nulls(),
            frames[1]["note"].drop_nulls(),
            pl.Series([t for it in scheme.items for t in core.item_band_texts(it)], dtype=pl.Utf8),
            pl.Series(
                [c.title for c in scheme.conditions]
                + [i.title for i in scheme.items]
                + [g.title for g in scheme.groups]
                + [rt.title for rt in scheme.routes]
                + [scheme.population.reason],
                dtype=pl.Utf8,
            ),
        ]
    ).unique()
    translated = english(texts)
    left = [(zh, en) for zh, en in zip(texts.to_list(), translated.to_list(), strict=True) if CJK.search(en)]
    assert left == []
    kinds = set(
        frames[1]["note"].drop_nulls().str.extract(r"(：数据缺失|：经直接认定|: 再|：符合)").drop_nulls()
    )
    assert len(kinds) >= 3  # the holes, the routes and the random data reach several branches
