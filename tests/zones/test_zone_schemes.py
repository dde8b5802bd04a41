"""Zone schemes: the built-ins carry the known structure and say what is assumed; validation names the clause."""

import re
from importlib import resources

import numpy as np
import pytest
from zone_fixtures import HAND_SCHEME, demo_data

from gaoxin.evaluations import zones as Z
from gaoxin.schemes import SchemeError, list_builtin, load_scheme, parse_scheme, scheme_text
from gaoxin.schemes import zone as model

ZONE_SCHEMES = ("most-2021", "most-2013", "zone-entropy-topsis")


@pytest.mark.parametrize("sid", ZONE_SCHEMES)
def test_builtin_zone_schemes_load_and_state_sources_and_assumptions(sid):
    s = load_scheme(sid)
    assert isinstance(s, model.ZoneScheme) and s.scheme.kind == "zone" and s.id == sid
    assert s.scheme.sources and s.scheme.verified and s.scheme.assumed
    assert "假设" in scheme_text(sid)
    assert not s.warnings()
    assert sid in {b.id for b in list_builtin() if b.kind == "zone"}


def test_most_2021_structure():
    s = load_scheme("most-2021")
    assert [d.weight for d in s.dimensions] == [20, 20, 15, 15, 30]
    assert [d.title for d in s.dimensions] == [
        "创新能力和创业活跃度",
        "结构优化和产业价值链",
        "绿色发展和宜居包容性",
        "开放创新和国际竞争力",
        "综合质效和持续创新力",
    ]
    assert len(s.indicators) == 46
    first = s.dimensions[0].indicators
    assert (first[0].id, first[0].multiplier, first[0].status) == ("rd_institutions", 0.8, "verified")
    assert (first[1].id, first[1].multiplier, first[1].status) == ("rd_fte_share", 1.2, "verified")
    assert all(i.multiplier == 1.0 and i.status == "assumed" for i in s.indicators[2:])
    assert [i.id for i in s.indicators if i.lower_is_better] == ["energy_per_va", "co2_growth"]
    assert s.method.aggregation == "goalpost" and s.method.best == "p90" and s.linear
    kinds = {i.info.kind for i in s.indicators}
    assert kinds == {"stock", "flow", "ratio", "growth", "qualitative"}


def test_most_2013_and_topsis_structure():
    s = load_scheme("most-2013")
    assert [d.weight for d in s.dimensions] == [30, 30, 20, 20]
    assert all(i.info.kind != "qualitative" for i in s.indicators)
    t = load_scheme("zone-entropy-topsis")
    assert (t.method.aggregation, t.method.weighting, t.method.topsis_variant) == ("topsis", "entropy", "hy")
    assert all(d.weight is None for d in t.dimensions) and not t.linear


@pytest.mark.parametrize(
    "change, message",
    [
        (('id = "rd_intensity"', 'id = "rd_intensty"'), "did you mean: rd_intensity"),
        (("weight = 40", "weight = 45"), "维度权重之和为 105"),
        (("multiplier = 1.2", "multiplier = 0"), "greater than 0"),
        (("best = 4\n", 'best = "p900"\n'), "参照值 'p900' 无效"),
        (('normalizations = ["scheme"]', 'normalizations = ["minmax", "scheme"]'), "第一项必须是"),
        (("[population]", '[population]\npeers = "zone_type"'), "unknown key 'peers'"),
    ],
)
def test_validation_names_the_clause(change, message):
    with pytest.raises(SchemeError, match=re.escape(message)):
        parse_scheme(HAND_SCHEME.replace(*change, 1), "bad")


def test_per_year_reference_values():
    text = HAND_SCHEME.replace("worst = 0.5\nbest = 0.1\n", 'worst = 0.5\nbest = { "2025" = 0.2 }\n')
    s = parse_scheme(text, "t")
    from zone_fixtures import hand_data

    rows = {"A": [2.0, 25.0, 0.2], "B": [2.0, 25.0, 0.35]}
    r = Z.evaluate(s, hand_data(rows), "2025")
    assert r.best[2] == 0.2 and r.U[0, 2] == 1.0
    r = Z.evaluate(s, hand_data(rows), "2024")  # no 2024 value: the method default (p10) with a note
    assert any("没有 2024 年的参照值" in n for n in r.notes)


def _zone_example() -> str:
    md = resources.files("gaoxin.schemes").joinpath("FORMAT.md").read_text(encoding="utf-8")
    block = md.split("<!-- zone-example:start -->", 1)[1].split("<!-- zone-example:end -->", 1)[0]
    return block.split("```toml", 1)[1].rsplit("```", 1)[0]


def test_format_md_zone_example_validates_and_runs():
    s = parse_scheme(_zone_example(), "FORMAT.md")
    r = Z.evaluate(s, demo_data(2025), "2025")
    assert r.m == 179 and np.isfinite(r.total).all()
    assert r.best[r.indicator_ids.index("energy_per_va")] == 0.08
    rob, _ = Z.robustness(r, "示范高新区", draws=200)
    assert rob["nominal_matches"]


def test_format_md_documents_every_zone_key():
    md = resources.files("gaoxin.schemes").joinpath("FORMAT.md").read_text(encoding="utf-8")
    zone_part = md.split("园区对标方案", 1)[1]
    for cls in (
        model.Method,
        model.ZonePopulation,
        model.ZoneIndicatorSpec,
        model.Dimension,
        model.Robustness,
        model.Report,
    ):
        for name, f in cls.model_fields.items():
            key = f.alias or name
            if key in ("title_en",):
                continue
            assert re.search(rf"(?<![A-Za-z_]){key}(?![A-Za-z_])", zone_part), (
                f"{cls.__name__}.{key} undocumented"
            )
