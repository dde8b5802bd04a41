"""The five built-in cultivation schemes load, cite their documents and state what is verified and assumed;
the scheme model rejects broken files with the clause named; FORMAT.md's example validates and runs."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from cultivation_data import run, wan

from gaoxin.schemes import SchemeError, list_builtin, load_scheme, parse_scheme, scheme_text
from gaoxin.schemes.cultivation import CultivationScheme

BUILTINS = {
    "hnte-2016": "hnte",
    "tsme-2022": "tsme",
    "innovative-sme-2022": "innovative",
    "srdi-sme-2022": "srdi",
    "little-giant-2022": "little_giant",
}
DOCS = {
    "hnte-2016": "国科发火〔2016〕32号",
    "tsme-2022": "国科发政〔2022〕67号",
    "innovative-sme-2022": "工信部企业〔2022〕63号",
    "srdi-sme-2022": "工信部企业〔2022〕63号",
    "little-giant-2022": "工信部企业〔2022〕63号",
}


@pytest.mark.parametrize("sid", sorted(BUILTINS))
def test_builtin_cites_its_document_and_the_2026_revision(sid):
    s = load_scheme(sid)
    text = scheme_text(sid)
    assert (
        isinstance(s, CultivationScheme) and s.scheme.kind == "cultivation" and s.scheme.tier == BUILTINS[sid]
    )
    assert (
        DOCS[sid] in text and s.scheme.sources and all(re.fullmatch(r"S\d+", x.key) for x in s.scheme.sources)
    )
    assert s.scheme.verified and s.scheme.assumed and s.scheme.status == "partial"
    assert "2026" in s.scheme.notes and "2026" in text.split("[scheme]")[0]  # stated at the top of the file
    assert "以上/以下" in text and "含本数" in text
    assert not s.warnings()


def test_builtins_are_listed_with_their_kind():
    kinds = {b.id: b.kind for b in list_builtin()}
    assert all(kinds[sid] == "cultivation" for sid in BUILTINS)


def test_verified_numbers_from_the_rule_texts():
    h = load_scheme("hnte-2016")
    assert (h.params["rd_sales_edge_1"], h.params["rd_sales_edge_2"]) == (wan(5000), 2e8)
    assert (h.params["rd_rate_1"], h.params["rd_rate_2"], h.params["rd_rate_3"]) == (0.05, 0.04, 0.03)
    assert {g.id: g.max for g in h.groups} == {"ip": 30, "conversion": 30, "rd_org": 20, "growth": 20}
    assert h.certificate.valid_years == 3
    t = load_scheme("tsme-2022")
    assert (t.params["staff_limit"], t.params["sales_limit"], t.params["assets_limit"]) == (500, 2e8, 2e8)
    assert {g.id: g.max for g in t.groups} == {"staff": 20, "rd": 50, "results": 30}
    s = load_scheme("srdi-sme-2022")
    assert {g.id: g.max for g in s.groups} == {
        "specialization": 25,
        "refinement": 25,
        "featured": 15,
        "innovation": 35,
    }
    assert (s.params["featured_min"], s.params["featured_max"]) == (0, 15)
    i = load_scheme("innovative-sme-2022")
    assert {g.id: g.max for g in i.groups} == {"innovation": 40, "growth": 30, "specialization": 30}
    lg = load_scheme("little-giant-2022")
    assert {c.aspect for c in lg.conditions} == {"基本条件", "专", "精", "特", "新", "链", "品"}


def _example() -> str:
    text = resources.files("gaoxin.schemes").joinpath("FORMAT.md").read_text(encoding="utf-8")
    return re.search(r"<!-- cultivation-example:start -->\n```toml\n(.*?)```", text, re.S).group(1)


def test_format_md_example_validates_and_runs():
    s = parse_scheme(_example(), "FORMAT.md")
    firms = [
        {"revenue": (wan(1000), wan(1000)), "rd_expense": (wan(40), wan(10)), "ip1_count": 2},
        {"revenue": (wan(1000), wan(1000)), "rd_expense": (wan(30), wan(30)), "ip1_count": 1},
        {
            "revenue": (wan(1000), wan(1000)),
            "rd_expense": (wan(60), wan(10)),
            "ip1_count": 0,
            "hnte_valid": 1,
        },
    ]
    r = run(s, firms)
    # firm 0: 50/2000 = 2.5% < 3% → 再投入 10万元; firm 1: 3% (含), IP 1 → 10–15 → passes; firm 2: route
    assert r.verdict.tolist() == ["near", "pass", "pass"]
    assert r.gap("rd_ratio", "rd").steps[0] == 10


@pytest.mark.parametrize(
    ("change", "clause"),
    [
        (('levers = ["rd"]', 'levers = ["money"]'), "condition[rd_ratio].levers"),
        (('score = "total"', 'score = "innovation"'), "condition[score].score"),
        (('numerator = "rd2"', 'when = "rd2 > 0"\nnumerator = "rd2"'), "condition"),
        (('group = "ip"', 'group = "ipp"'), "item[ip].group"),
        (("add = { rd_expense = 1 }", "add = { rd_spend = 1 }"), "lever[rd].add"),
        (
            ('quantity = { formula = "rd2"', 'quantity = { formula = "rd3"'),
            "condition[rd_ratio].quantity.formula",
        ),
        (("min_rd_ratio = 0.03", "revenue = 0.03"), "params.revenue"),
        (("bands = [{ ge = 2, points = 20 }", "bands = [{ ge = 2, points = 25 }"), "item"),
    ],
)
def test_broken_files_name_the_clause(change, clause):
    bad = _example().replace(*change)
    with pytest.raises(SchemeError) as e:
        parse_scheme(bad, "bad.toml")
    assert clause in str(e.value)


def test_unknown_keys_and_params():
    with pytest.raises(SchemeError, match="未知的键 'tresholds'"):
        parse_scheme(_example().replace("threshold = 10", "tresholds = 10"), "bad.toml")
    s = parse_scheme(_example())
    with pytest.raises(ValueError, match="未知参数"):
        s.with_params({"pass_mark": 1})
    assert s.with_params({"min_rd_ratio": 0.02}).params["min_rd_ratio"] == 0.02
