"""The cached, columnar tagging path (`Tagger.tag`, `Tagger.tag_many`) equals the straightforward per-firm
reading (`Tagger.tag_reference`) — tags, confidences, primary flags and evidence — on random scopes built from
real clauses, boilerplate, section markers, separators, parentheses and full-width forms."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoxin.chains.packs import load_packs
from gaoxin.chains.tagging import _BOILER_ALL, Tagger, _clean_many, normalize

EVAL = Path(__file__).parents[2] / "bench" / "data" / "chains_eval.csv"


def _clauses() -> list[str]:
    with EVAL.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = {c for r in rows for c in r["business_scope"].replace("。", "；").split("；") if 1 < len(c) < 60}
    out |= {r["main_products"] for r in rows if 1 < len(r["main_products"]) < 60}
    return sorted(out)[::7]  # a spread of a few hundred real clauses


CLAUSES = _clauses()
PIECES = [
    "一般项目：",
    "许可项目：",
    "一般经营项目是：",
    "许可经营项目:",
    "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
    "（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以相关部门批准文件或许可证件为准）",
    "除依法须经批准的项目外",
    "涉及许可经营项目，应取得相关部门许可后方可经营",
    "（以上均不含危险化学品）",
    "(不得从事金融业务)",
    "（不含危险废物经营）",
    "（包括化学原料药、疫苗）",
    "的研发、生产、销售",
    "研究、开发、生产、销售：",
    "应用于汽车、无人机",
    "锂电池用",
    "设备",
    "技术服务、技术开发、技术咨询",
    "；",
    ";",
    "，",
    ",",
    "、",
    "。",
    "：",
    "（",
    "）",
    "(",
    ")",
    "【",
    "】",
    " ",
    "\u3000",
    "\n",
    "\t",
    "\x1c",
    "ＡＢＣ１２３",
    "IGBT",
    "igbt模块",
]
CODES = [None, "", "C3841", "3841", "3972", "3973", "C39", "39", "C", "x", "C3562"]

fragment = st.one_of(st.sampled_from(CLAUSES), st.sampled_from(PIECES), st.text(max_size=6))
text = st.lists(fragment, max_size=14).map("".join)
firm = st.tuples(
    st.one_of(st.none(), text),
    st.one_of(st.none(), st.just(""), st.lists(fragment, max_size=5).map("、".join)),
    st.sampled_from(CODES),
)


@pytest.fixture(scope="module")
def tagger():
    t = Tagger(load_packs())
    t.columnar_min = 1  # every tag_many call takes the columnar (polars) cleaning
    return t


def as_json(tags):
    return [t.as_json() for t in tags]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(firms=st.lists(firm, min_size=1, max_size=6))
def test_fast_path_equals_reference(tagger, firms):
    expected = [as_json(tagger.tag_reference(*f)) for f in firms]
    assert [as_json(t) for t in tagger.tag_many(firms)] == expected
    # and again one by one, now from the caches the first pass filled
    assert [as_json(tagger.tag(*f)) for f in firms] == expected


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.one_of(st.none(), text), min_size=1, max_size=8))
def test_columnar_cleaning_equals_per_text(texts):
    texts = [t or "" for t in texts]
    assert _clean_many(texts, min_rows=1) == [_BOILER_ALL.sub(";", normalize(t)) for t in texts]


def test_tag_many_on_a_repetitive_register(tagger):
    """Many firms sharing scopes and segments (as registered scopes do): every firm read like the reference."""
    scopes = [
        "一般项目："
        + "；".join(CLAUSES[i : i + 4])
        + "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
        for i in range(0, 120, 3)
    ]
    firms = [
        (scopes[i % len(scopes)], CLAUSES[i % 17] if i % 3 else None, CODES[i % len(CODES)])
        for i in range(600)
    ]
    got = tagger.tag_many(firms)
    assert [as_json(t) for t in got] == [as_json(tagger.tag_reference(*f)) for f in firms]
    assert any(got)  # the register is not empty of chain firms
