"""The generated truth: deterministic, valid identities, sane and correlated distributions."""

import numpy as np
import polars as pl
import pytest
from stdnum.cn import uscc as stdnum_uscc

from gaoxin.demo import generate_zone
from gaoxin.demo.catalog import CHAINS, INDUSTRIES, TOWNS
from gaoxin.ingest import uscc


def test_same_seed_same_zone_other_seed_other_zone(zone):
    again = generate_zone()
    assert zone.equals(again)
    other = generate_zone(seed=7)
    assert not other.enterprises["uscc"].equals(zone.enterprises["uscc"])


def test_shape(zone):
    e, fy = zone.enterprises, zone.firm_years
    assert zone.name == "示范高新区" and zone.years == (2023, 2024, 2025)
    assert e.height == 3000
    assert set(e["town"].unique()) == {t.name for t in TOWNS} and len(TOWNS) == 7
    # one row per active firm-year: every firm in the last year, none before its registration
    assert fy.filter(pl.col("year") == 2025).height == 3000
    j = fy.join(e, on="uscc")
    assert (j["registered_on"].dt.year() <= j["year"]).all()
    assert fy.select(pl.struct("uscc", "year").is_unique().all()).item()


def test_usccs_unique_valid_and_organisation_check_follows_gb11714(zone):
    codes = zone.enterprises["uscc"].to_list()
    assert len(set(codes)) == len(codes)
    assert (uscc.validate_array(codes) == uscc.OK).all()
    assert all(stdnum_uscc.is_valid(c) for c in codes)
    full = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for c in codes[:500]:
        total = sum(full.index(ch) * w for ch, w in zip(c[8:16], (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
        expect = {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))
        assert c[16] == expect, c
    # old firms keep digit organisation codes, post-2016 firms have "MA…" bodies
    e = zone.enterprises
    assert e.filter(pl.col("registered_on").dt.year() >= 2016)["uscc"].str.slice(8, 2).eq("MA").all()
    assert (
        e.filter(pl.col("registered_on").dt.year() < 2016)["uscc"]
        .str.slice(8, 8)
        .str.contains(r"^\d{8}$")
        .all()
    )


def test_names_unique_chinese_companies_and_scope_wording(zone):
    e = zone.enterprises
    assert e["name"].n_unique() == e.height
    assert e["name"].str.contains(r"(有限公司|有限责任公司)$").all()
    assert e["name"].str.contains(r"^[\u4e00-\u9fff（）]+$").all()
    scope = e["business_scope"]
    assert scope.str.starts_with("一般项目：").all()
    assert scope.str.ends_with("。").all()
    assert scope.str.contains("许可项目：").any() and (~scope.str.contains("许可项目：")).any()
    ic = e.filter(pl.col("industry_code") == "3973")["business_scope"]
    assert ic.str.contains("集成电路").all()


def test_industries_are_real_codes_and_every_chain_is_present(zone):
    e = zone.enterprises
    names = {i.code: i.name for i in INDUSTRIES}
    assert e.select((pl.col("industry_code").replace_strict(names) == pl.col("industry_name")).all()).item()
    assert e["industry_code"].str.contains(r"^\d{4}$").all()
    assert set(e["chain"].unique()) == {c.name for c in CHAINS}
    # spot-check codes against GB/T 4754-2017 (3971 is 电子真空器件制造 there, so it is not used)
    assert names["3973"] == "集成电路制造" and names["6520"] == "集成电路设计"
    assert "3971" not in names
    utilities = e.filter(pl.col("sector") == "utility")
    assert set(utilities["industry_code"]) == {"4411", "4430", "4610", "4620"}
    assert (utilities["industry_section"] == "D").all()
    assert (e.filter(pl.col("industry_code") == "6520")["industry_section"] == "I").all()


def test_above_scale_share_and_definition(zone):
    fy = zone.firm_years.join(zone.enterprises.select("uscc", "sector"), on="uscc")
    for y in zone.years:
        share = fy.filter(pl.col("year") == y)["above_scale"].mean()
        assert 0.20 <= share <= 0.30, (y, share)
    assert fy.select(
        (pl.col("above_scale") == ((pl.col("revenue") >= 2e7) & (pl.col("sector") != "service"))).all()
    ).item()


def test_skewed_distributions(zone):
    last = zone.firm_years.filter(pl.col("year") == 2025)
    rev = last["revenue"].to_numpy()
    assert rev.mean() > 3 * np.median(rev)  # lognormal with anchors
    assert rev.max() > 50 * np.median(rev)
    own = last.filter(pl.col("land_own_mu") > 0)["land_own_mu"].to_numpy()
    assert own.min() >= 0.3 and own.max() <= 500 * 1.2  # expansions can add to a saturated holding
    assert np.quantile(own, 0.99) > 15 * np.median(own)
    # value added 15–40 % of revenue; 20–35 % on average
    pos = last.filter(pl.col("revenue") > 0)
    ratio = (pos["value_added"] / pos["revenue"]).to_numpy()
    assert ratio.min() >= 0.149 and ratio.max() <= 0.401 and 0.2 < ratio.mean() < 0.35


def test_correlations(zone):
    d = zone.firm_years.filter((pl.col("year") == 2025) & (pl.col("revenue") > 0) & (pl.col("tax_paid") > 0))

    def corr(a, b):
        return float(np.corrcoef(np.log(d[a].to_numpy()), np.log(d[b].to_numpy()))[0, 1])

    assert corr("energy_tce", "power_kwh") > 0.8
    assert corr("revenue", "tax_paid") > 0.6
    assert corr("revenue", "staff") > 0.5
    assert corr("revenue", "value_added") > 0.95


def test_tax_refunds_are_rare_and_vat_follows_tax(zone):
    fy = zone.firm_years
    neg = fy.filter(pl.col("tax_paid") < 0)
    assert 0 < neg.height < 0.01 * fy.height
    assert (neg["vat"] < 0).all()
    pos = fy.filter(pl.col("tax_paid") > 0)
    assert ((pos["vat"] <= pos["tax_paid"]) & (pos["vat"] >= 0)).all()


def test_rd_intensity_by_industry(zone):
    j = zone.firm_years.filter(pl.col("above_scale")).join(zone.enterprises, on="uscc")
    med = j.group_by("chain").agg((pl.col("rd_expense") / pl.col("revenue")).median().alias("r"))
    r = dict(med.iter_rows())
    assert r["集成电路"] > 2 * r["一般制造业"] and r["生物医药"] > 2 * r["一般制造业"]
    assert j["rd_expense"].null_count() > 0  # some 规上 firms report no R&D


def test_energy_intensity_by_industry(zone):
    j = zone.firm_years.filter(pl.col("revenue") > 0).join(zone.enterprises, on="uscc")
    ei = dict(
        j.group_by("industry_code")
        .agg((pl.col("energy_tce") / pl.col("revenue")).median().alias("e"))
        .iter_rows()
    )
    assert ei["3042"] > 3 * ei["3973"] > 0  # glass furnaces vs fabs
    assert ei["4411"] > ei["3042"]


def test_emissions_only_for_polluters_and_some_above_scale_polluters_have_no_record(zone):
    j = zone.firm_years.join(zone.enterprises, on="uscc")
    polluting = {i.code for i in INDUSTRIES if i.pollutants}
    has_any = j.filter(pl.any_horizontal(pl.col("cod_t", "nh3n_t", "so2_t", "nox_t").is_not_null()))
    assert set(has_any["industry_code"]) <= polluting
    # an industry's pollutants only: glass emits no COD
    assert (
        j.filter(pl.col("industry_code") == "3042")["cod_t"].null_count()
        == j.filter(pl.col("industry_code") == "3042").height
    )
    big_polluters = j.filter(pl.col("above_scale") & pl.col("industry_code").is_in(list(polluting)))
    assert 0 < big_polluters.filter(~pl.col("in_env_list")).height < big_polluters.height / 3


def test_land_roles_tenants_and_leases_balance(zone):
    e, fy = zone.enterprises, zone.firm_years
    tenants = e.filter(pl.col("land_role") == "tenant")
    # most small manufacturers rent standard factory space (标准厂房); owners are about a third
    assert 0.40 <= tenants.height / e.height <= 0.60
    none = e.filter(pl.col("land_role") == "none")
    assert none.height / e.height <= 0.2
    t = fy.filter(pl.col("uscc").is_in(tenants["uscc"].to_list()) & (pl.col("year") == 2025))
    assert (t["land_own_mu"] == 0).all() and (t["land_leased_in_mu"] > 0).all()
    # every mu leased in is leased out by a landlord of the zone, each year
    for y in zone.years:
        s = fy.filter(pl.col("year") == y).select(pl.col("land_leased_in_mu", "land_leased_out_mu").sum())
        assert s["land_leased_in_mu"].item() == pytest.approx(s["land_leased_out_mu"].item(), abs=1e-6)
    # owners lease out at most 60 % of a parcel
    p = zone.parcels.filter(pl.col("role") == "own")
    assert (p["leased_out_mu"] <= 0.6 * p["area_mu"] + 1e-9).all()
    # the parcels table adds up to the firm-year land
    agg = zone.parcels.group_by("uscc", "year").agg(
        pl.col("area_mu").sum().alias("own"), pl.col("leased_in_mu").sum().alias("lin")
    )
    chk = fy.join(agg, on=["uscc", "year"], how="left").with_columns(pl.col("own", "lin").fill_null(0))
    assert (chk["own"] - chk["land_own_mu"]).abs().max() < 1e-6
    assert (chk["lin"] - chk["land_leased_in_mu"]).abs().max() < 1e-6


def test_new_firms_growth_and_rare_flags(zone):
    e, fy = zone.enterprises, zone.firm_years
    new = e.filter(pl.col("registered_on").dt.year() >= 2024)
    assert 0.05 * e.height < new.height < 0.15 * e.height
    assert fy.filter(pl.col("uscc").is_in(new["uscc"].to_list()) & (pl.col("year") == 2023)).height == 0
    totals = fy.group_by("year").agg(pl.col("revenue").sum()).sort("year")["revenue"].to_list()
    assert totals[0] < totals[1] < totals[2]
    n = fy.height
    for flag, lo, hi in (
        ("safety_accident", 1, 10),
        ("env_accident", 1, 6),
        ("dishonest", 3, 20),
        ("major_project", 20, 0.05 * n),
    ):
        assert lo <= fy[flag].sum() <= hi, flag
    env = fy.filter(pl.col("env_accident"))
    assert env["in_env_list"].all()
    assert e.filter(~pl.col("in_registry")).height == 1


def test_larger_zone_is_consistent():
    big = generate_zone(20_000, seed=3)
    assert big.enterprises["uscc"].n_unique() == 20_000
    assert big.enterprises["name"].n_unique() == 20_000
    share = big.firm_years.filter(pl.col("year") == 2025)["above_scale"].mean()
    assert 0.2 <= share <= 0.3
