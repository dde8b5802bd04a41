"""Built-in schemes: they load, cite their sources, carry the published numbers; FORMAT.md's example runs."""

import re
from importlib import resources

import numpy as np
import pytest

from gaoxin.evaluations.mujun import evaluate
from gaoxin.schemes import builtin_ids, list_builtin, load_scheme, parse_scheme, scheme_sha256, scheme_text

EXPECTED = {"zj-huangyan-2022", "zj-huangyan-2021", "js-huaian-2024", "sd-changle", "ah-jingde", "default"}


def test_builtin_ids():
    assert set(builtin_ids()) >= EXPECTED  # other kinds (cultivation, zone) ship their own built-ins
    listed = [b for b in list_builtin() if b.kind == "mujun"]
    assert [b.id for b in listed] == sorted(EXPECTED)
    assert all(b.title and b.region and b.status for b in listed)


@pytest.mark.parametrize("sid", sorted(EXPECTED))
def test_each_builtin_cites_sources_and_states_assumptions(sid):
    s = load_scheme(sid)
    text = scheme_text(sid)
    assert s.id == sid and s.sha256 == scheme_sha256(text)
    assert s.scheme.sources and all(src.title for src in s.scheme.sources)
    assert all(re.fullmatch(r"S\d+", src.key) for src in s.scheme.sources)
    assert s.scheme.assumed, "every built-in states what is assumed"
    assert s.scheme.verified
    assert "假设" in text or "assumed" in text
    for lst in s.lists:
        assert abs(sum(i.weight for i in lst.indicator) - 100) < 1e-9


def test_huangyan_2022_published_numbers():
    s = load_scheme("zj-huangyan-2022")
    gs, gx = s.list_by_id("规上"), s.list_by_id("规下")
    assert [(i.weight, i.benchmark.value, i.unit) for i in gs.indicator] == [
        (30, 24.097, "万元/亩"),
        (20, 136.16, "万元/亩"),
        (20, 2.694, "万元/吨标煤"),
        (10, 4929.81, "万元/吨"),
        (10, 18.14, "万元/人"),
        (10, 0.0302, "比值"),
    ]
    assert [(i.weight, i.benchmark.value) for i in gx.indicator] == [(50, 11.5932), (50, 0.2352)]
    assert gx.indicator[1].unit == "万元/万千瓦时" and gx.indicator[1].scale == 1
    assert gs.indicator[3].missing == "list_mean"
    assert all(i.score.cap is None and i.score.floor is None for i in gs.indicator + gx.indicator)
    assert s.scheme.sources[0].key == "S9"


def test_huangyan_2021_published_numbers():
    s = load_scheme("zj-huangyan-2021")
    assert [i.benchmark.value for i in s.list_by_id("规上").indicator] == [
        26.01,
        132.27,
        2.54,
        4861.08,
        17.45,
        0.0305,
    ]
    assert [i.benchmark.value for i in s.list_by_id("规下").indicator] == [16.601058, 0.236565]
    assert s.scheme.sources[0].key == "S10"


def test_huaian_changle_jingde_default_settings():
    h = load_scheme("js-huaian-2024")
    assert [i.weight for i in h.list_by_id("规上").indicator] == [45, 35, 20]
    assert all(
        i.benchmark.multiple == 2 and i.benchmark.basis == "previous" for i in h.list_by_id("规上").indicator
    )
    assert h.classes.shares == [20, 40, 35, 5] and h.classes.name_of("T") == "不适合评价类"
    assert {e.id for e in h.population.exclude} == {"utilities", "new_firm"}
    c = load_scheme("sd-changle")
    assert c.classes.shares == [20, 55, 20, 5]
    assert all(v.effect == "cap" and v.klass == "C" for v in c.veto)
    assert all(p.klass == "C" for p in c.protection) and len(c.protection) == 3
    j = load_scheme("ah-jingde")
    assert all(
        i.score.method == "minmax" and i.score.low == 20 and i.score.high == 100
        for lst in j.lists
        for i in lst.indicator
    )
    d = load_scheme("default")
    assert [lst.id for lst in d.lists] == ["规上", "租赁", "规下"]
    assert all(
        i.benchmark.method == "aggregate" and i.score.cap == 2 and i.score.floor == 0
        for lst in d.lists
        for i in lst.indicator
    )
    assert d.classes.shares == [20, 40, 35, 5] and d.veto and d.protection
    assert {p.status for p in d.policy} == {"example"}


def _format_example() -> str:
    md = resources.files("gaoxin.schemes").joinpath("FORMAT.md").read_text(encoding="utf-8")
    block = md.split("<!-- example:start -->", 1)[1].split("<!-- example:end -->", 1)[0]
    return block.split("```toml", 1)[1].rsplit("```", 1)[0]


def test_format_md_example_validates_and_runs():
    s = parse_scheme(_format_example(), "FORMAT.md")
    assert {lst.id for lst in s.lists} == {"规上", "租赁", "规下"}
    methods = {i.benchmark.method for lst in s.lists for i in lst.indicator if i.benchmark}
    assert methods == {"aggregate", "industry_mean", "fixed", "mean", "median"}
    assert {i.score.method for lst in s.lists for i in lst.indicator} == {"ratio", "minmax", "percentile"}
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evaluations"))
    from mujun_synth import synth

    data = synth(3000, seed=11)
    leased = np.arange(3000) % 10 == 0
    data["land_leased_in_mu"] = np.where(leased, 5.0, np.nan)
    data["land_own_mu"] = np.where(leased & (data["above_scale"] == 0), np.nan, data["land_own_mu"])
    prev = synth(3000, seed=12)
    r = evaluate(s, "2024", data, prev)
    assert r.counts_by_list["租赁"] and sum(r.counts_by_list["租赁"].values()) > 0
    assert sum(r.counts.values()) == 3000 and np.isfinite(r.score[r.evaluated]).all()
    assert not r.warnings


def test_format_md_documents_every_model_key():
    md = resources.files("gaoxin.schemes").joinpath("FORMAT.md").read_text(encoding="utf-8")
    from gaoxin.schemes import model

    for cls in (
        model.Population,
        model.Exclusion,
        model.Benchmark,
        model.Score,
        model.Indicator,
        model.ClassRule,
        model.ListSpec,
        model.Adjustment,
        model.Veto,
        model.Protection,
        model.PolicyItem,
        model.SchemeMeta,
    ):
        for name, f in cls.model_fields.items():
            key = f.alias or name
            if key in ("title_en", "kind"):
                continue
            assert re.search(rf"(?<![A-Za-z_]){key}(?![A-Za-z_])", md), f"{cls.__name__}.{key} undocumented"
