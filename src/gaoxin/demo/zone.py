"""The demo zone 示范高新区: a pure, deterministic generator of enterprises and their yearly facts.

`generate_zone(n_firms, seed)` returns a `Zone` holding the *truth* as polars DataFrames in canonical
units (元, 亩, 吨标准煤, 千瓦时, 吨, 人):

- `enterprises`: one row per firm (uscc, name, registered_on, town, industry_code …, land_role,
  in_registry);
- `firm_years`: one row per active firm and year with every latent value (revenue for every firm,
  even those no department reports), flags as booleans, nulls where the quantity does not exist
  (no R&D, no emission record, a pollutant the industry does not emit);
- `parcels`: one row per parcel and year (own parcels with area and leased-out area; tenancy rows
  with leased-in area), the shape the land bureau reports.

What each department file actually carries is decided in `gaoxin.demo.files`.

Values are rounded to the precision the departments write (money to 0.01 万元 = 100 元, energy to
0.01 tce, power to 1 kWh, emissions to 0.0001 t, parcel areas to 0.0001 亩, leases to 0.01 亩) so an
import recovers them exactly, up to float noise.

Randomness comes from one `numpy.random.SeedSequence(seed)` split into independent streams per
aspect, so changing, say, the name generator does not move the revenues.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from gaoxin.demo.catalog import (
    CHAINS,
    CITY,
    GENERAL_TECH,
    INDUSTRIES,
    POLLUTANTS,
    REGION_CITY,
    REGION_PREFIXES,
    REGION_PROVINCE,
    REGION_ZONE,
    TOWNS,
    TRADE_CHARS,
    TRADE_LICENSED,
    ZONE_NAME,
)
from gaoxin.ingest import uscc as uscc_mod

DEFAULT_SEED = 20251231
YEARS = (2023, 2024, 2025)
ABOVE_SCALE_YUAN = 2e7  # 规模以上工业: 主营业务收入 ≥ 2000万元
KWH_TCE = 1.229e-4  # tce per kWh (当量值)

_STREAMS = (
    "industry",
    "dates",
    "revenue",
    "money",
    "operations",
    "land",
    "tenants",
    "env",
    "flags",
    "names",
    "uscc",
    "scope",
)


@dataclass(frozen=True, eq=False)  # eq=False: identity hash, so plans can be cached per zone
class Zone:
    name: str
    seed: int
    years: tuple[int, ...]
    enterprises: pl.DataFrame
    firm_years: pl.DataFrame
    parcels: pl.DataFrame

    def equals(self, other: Zone) -> bool:
        return (self.name, self.seed, self.years) == (other.name, other.seed, other.years) and all(
            getattr(self, t).equals(getattr(other, t)) for t in ("enterprises", "firm_years", "parcels")
        )


def generate_zone(n_firms: int = 3000, seed: int = DEFAULT_SEED, years: tuple[int, ...] = YEARS) -> Zone:
    """Generate the demo zone. Same arguments, same zone (bit for bit)."""
    if n_firms < 200:
        raise ValueError("n_firms must be at least 200 (the mess and the utilities need room)")
    years = tuple(sorted(years))
    streams = dict(zip(_STREAMS, np.random.SeedSequence(seed).spawn(len(_STREAMS)), strict=True))
    rng = {k: np.random.default_rng(s) for k, s in streams.items()}
    n, ny = n_firms, len(years)
    yarr = np.asarray(years)

    # --- industry, chain, town -------------------------------------------------------------------
    ind_idx = _assign_industries(rng["industry"], n)
    chain_of_ind = np.array([_chain_idx(i.chain) for i in INDUSTRIES])
    chain_idx = chain_of_ind[ind_idx]
    sector = np.array([i.sector for i in INDUSTRIES])[ind_idx]
    manuf = sector == "manufacturing"
    utility = sector == "utility"
    r = rng["industry"]
    home = np.empty(n, dtype=np.int64)
    for ci, c in enumerate(CHAINS):
        m = chain_idx == ci
        home[m] = np.asarray(c.towns)[r.integers(0, len(c.towns), m.sum())]
    town_idx = np.where(r.random(n) < 0.65, home, r.integers(0, len(TOWNS), n))

    # --- registration dates: ~10 % new firms registered in the last two years -----------------------
    r = rng["dates"]
    last, first_new = years[-1], years[-1] - 1
    is_new = (r.random(n) < 0.10) & ~utility
    old_years = np.arange(1996, first_new)
    w = np.exp(0.09 * (old_years - old_years[0]))
    reg_year = np.where(
        is_new, np.where(r.random(n) < 0.45, first_new, last), r.choice(old_years, n, p=w / w.sum())
    )
    reg_year = np.where(utility, np.minimum(reg_year, 2015), reg_year)
    doy = r.integers(0, 365, n)
    registered_on = (reg_year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + doy
    active = reg_year[:, None] <= yarr[None, :]
    frac = np.where(reg_year[:, None] == yarr[None, :], (365 - doy[:, None]) / 365.0, 1.0) * active

    # --- revenue (万元): lognormal, anchors, growth, ramp-up of new firms, a few stops ----------------
    r = rng["revenue"]
    shift = np.array([c.rev_shift for c in CHAINS])[chain_idx]
    growth = np.array([c.growth for c in CHAINS])[chain_idx]
    sigma = np.where(utility, 0.7, 1.55)
    base = np.log(700.0) + shift + sigma * r.standard_normal(n) - 1.0 * is_new
    anchor_pool = np.flatnonzero(
        manuf
        & ~is_new
        & np.isin(
            chain_idx,
            [_chain_idx(c) for c in ("集成电路", "新能源", "智能家电", "电子信息制造", "新能源汽车")],
        )
    )
    anchors = r.choice(anchor_pool, max(3, round(n * 0.002)), replace=False)
    base[anchors] = np.maximum(base[anchors], np.log(60000.0)) + np.log(r.uniform(4, 20, anchors.size))
    trend = 0.08 * r.standard_normal(n)
    shocks = 0.15 * r.standard_normal((n, ny))
    log_rev = np.empty((n, ny))
    log_rev[:, 0] = base
    for k in range(1, ny):
        ramp = np.where(is_new & (reg_year < years[k]), 0.5, 0.0)
        log_rev[:, k] = log_rev[:, k - 1] + growth + trend + shocks[:, k] + ramp
    rev_wan = np.exp(log_rev) * frac
    # 停产: ~1.5 % of older manufacturing firms stop in one of the later years (they keep their land)
    stop_year = np.full(n, 9999)
    stoppers = r.choice(
        np.flatnonzero(manuf & ~is_new & (reg_year < years[0])), max(2, round(n * 0.015)), replace=False
    )
    stop_year[stoppers] = r.choice(years[1:] or years, stoppers.size)
    stopped = yarr[None, :] >= stop_year[:, None]
    rev_wan = np.where(stopped, 0.0, rev_wan)
    rev_wan = np.round(rev_wan, 2)
    revenue = _yuan(rev_wan)
    above = (~(sector == "service"))[:, None] & (revenue >= ABOVE_SCALE_YUAN) & active

    # --- tax, VAT, value added, R&D ---------------------------------------------------------------
    r = rng["money"]
    rate = np.array([c.tax_rate for c in CHAINS])[chain_idx] * np.exp(0.45 * r.standard_normal(n))
    tax_wan = rev_wan * rate[:, None] * np.exp(0.2 * r.standard_normal((n, ny)))
    first_year_zero = (reg_year[:, None] == yarr[None, :]) & (r.random((n, ny)) < 0.3)
    tax_wan = np.where(first_year_zero, 0.0, tax_wan)
    refund = manuf[:, None] & (rev_wan >= 1000) & (r.random((n, ny)) < 0.012) & active
    tax_wan = np.where(refund, -rev_wan * r.uniform(0.003, 0.02, (n, ny)), tax_wan)
    vat_share = r.uniform(0.45, 0.7, (n, ny))
    tax_wan = np.round(tax_wan, 2)
    vat_wan = np.round(
        np.where(tax_wan >= 0, tax_wan * vat_share, tax_wan - np.abs(tax_wan) * (1 - vat_share)), 2
    )
    va_ratio = np.clip(r.uniform(0.20, 0.35, n)[:, None] + 0.015 * r.standard_normal((n, ny)), 0.15, 0.40)
    va_wan = np.round(rev_wan * va_ratio, 2)
    does_rd = r.random(n) < np.array([c.rd_share for c in CHAINS])[chain_idx]
    rd_ratio = np.array([c.rd_ratio for c in CHAINS])[chain_idx] * np.exp(0.5 * r.standard_normal(n))
    ind_codes = np.array([i.code for i in INDUSTRIES])[ind_idx]
    rd_ratio = np.where(ind_codes == "6520", rd_ratio * 1.8, rd_ratio)
    rd_wan = np.round(
        rev_wan * np.minimum(rd_ratio, 0.6)[:, None] * np.exp(0.15 * r.standard_normal((n, ny))), 2
    )

    # --- staff, energy, power -----------------------------------------------------------------------
    r = rng["operations"]
    prod = np.array([c.productivity for c in CHAINS])[chain_idx] * np.exp(0.4 * r.standard_normal(n))
    staff = np.maximum(3, np.round(np.exp(log_rev) / prod[:, None] * np.where(frac > 0, np.sqrt(frac), 0)))
    staff = np.where(stopped, np.minimum(staff, r.integers(3, 9, (n, ny))), staff)
    staff = np.where(above, np.maximum(staff, r.integers(15, 40, (n, ny))), staff)  # 规上 firms are not tiny
    intensity = np.array([i.energy for i in INDUSTRIES])[ind_idx] * np.exp(0.45 * r.standard_normal(n))
    energy = rev_wan * intensity[:, None] * np.exp(0.1 * r.standard_normal((n, ny)))
    energy = np.where(stopped, r.uniform(1, 6, (n, ny)), energy)
    energy = np.round(np.maximum(energy, 0.01), 2)
    elec_share = np.clip(
        np.array([c.elec_share for c in CHAINS])[chain_idx] * r.uniform(0.85, 1.1, n), 0.02, 0.98
    )
    power = np.round(energy * elec_share[:, None] * np.exp(0.12 * r.standard_normal((n, ny))) / KWH_TCE)

    # --- land: owners, parcels, tenants -------------------------------------------------------------
    land = _land(
        rng["land"],
        rng["tenants"],
        n,
        years,
        reg_year,
        is_new,
        manuf,
        utility,
        sector,
        np.exp(log_rev[:, 0]),
        np.array([c.land_productivity for c in CHAINS])[chain_idx],
        town_idx,
    )
    land_own, leased_out, leased_in = land["own"], land["out"], land["in"]

    # --- emissions: polluting industries on the 重点排污单位 list ------------------------------------
    r = rng["env"]
    pol = np.zeros((n, len(POLLUTANTS)))
    for j, p in enumerate(POLLUTANTS):
        pol[:, j] = np.array([i.pollutants.get(p, 0.0) for i in INDUSTRIES])[ind_idx]
    polluter = pol.sum(axis=1) > 0
    peak = rev_wan.max(axis=1)
    p_env = np.where(peak >= 2000, 0.9, np.where(peak >= 300, 0.45, 0.1))
    in_env = polluter & (r.random(n) < p_env)
    em = {}
    for j, p in enumerate(POLLUTANTS):
        v = (
            rev_wan
            * (pol[:, j] * np.exp(0.6 * r.standard_normal(n)))[:, None]
            * np.exp(0.15 * r.standard_normal((n, ny)))
        )
        em[p] = np.where(in_env[:, None] & (pol[:, j] > 0)[:, None] & active, np.round(v, 4), np.nan)

    # --- rare flags -------------------------------------------------------------------------------
    r = rng["flags"]
    act_idx = np.argwhere(active)
    safety = _pick_flags(
        r,
        (n, ny),
        act_idx[manuf[act_idx[:, 0]]],
        max(2, round(n * 0.0012)),
        weight=staff[tuple(act_idx[manuf[act_idx[:, 0]]].T)],
    )
    env_fy = np.argwhere(in_env[:, None] & active)
    env_acc = _pick_flags(r, (n, ny), env_fy, max(1, round(n * 0.0006)))
    dishonest = _pick_flags(
        r, (n, ny), act_idx, max(3, round(n * 0.003)), weight=1.0 / np.sqrt(1 + rev_wan[tuple(act_idx.T)])
    )
    major = land["major"]

    # --- the one firm the registry extract misses: small, no land, no stats ---------------------------
    cand = np.flatnonzero(
        manuf & ~is_new & (reg_year < years[0]) & ~above.any(axis=1) & ~in_env & (land["role"] == "none")
    )
    in_registry = np.ones(n, dtype=bool)
    in_registry[r.choice(cand)] = False

    # --- identity: USCC, names, business scope ----------------------------------------------------
    codes = _usccs(rng["uscc"], reg_year, anchors, utility)
    names = _names(rng["names"], ind_idx, np.exp(log_rev[:, -1]))
    scope = _scopes(rng["scope"], ind_idx, land["role"], leased_out.max(axis=1) > 0)

    ent = pl.DataFrame(
        {
            "uscc": codes,
            "name": names.tolist(),
            "registered_on": registered_on,
            "town": np.array([t.name for t in TOWNS])[town_idx],
            "industry_code": ind_codes,
            "industry_name": np.array([i.name for i in INDUSTRIES])[ind_idx],
            "industry_section": np.array([i.section for i in INDUSTRIES])[ind_idx],
            "chain": np.array([c.name for c in CHAINS])[chain_idx],
            "sector": sector,
            "business_scope": scope.tolist(),
            "land_role": land["role"],
            "is_new": is_new,
            "is_anchor": np.isin(np.arange(n), anchors),
            "stop_year": pl.Series(stop_year, dtype=pl.Int32).replace(9999, None),
            "in_registry": in_registry,
        }
    ).with_columns(pl.col("registered_on").cast(pl.Date))

    fi, yi = np.nonzero(active)  # row-major: firm by firm, years ascending
    sel = (fi, yi)

    fy = pl.DataFrame(
        {
            "uscc": codes[fi],
            "year": yarr[yi].astype(np.int32),
            "period": yarr[yi].astype(str),
            "revenue": revenue[sel],
            "tax_paid": _yuan(tax_wan)[sel],
            "vat": _yuan(vat_wan)[sel],
            "value_added": _yuan(va_wan)[sel],
            "rd_expense": np.where(does_rd[fi] & ~stopped[sel], _yuan(rd_wan)[sel], np.nan),
            "energy_tce": energy[sel],
            "staff": staff[sel].astype(np.int64),
            "power_kwh": power[sel],
            "land_own_mu": land_own[sel],
            "land_leased_out_mu": leased_out[sel],
            "land_leased_in_mu": leased_in[sel],
            **{p: em[p][sel] for p in POLLUTANTS},
            "above_scale": above[sel],
            "in_env_list": in_env[fi],
            "safety_accident": safety[sel],
            "env_accident": env_acc[sel],
            "dishonest": dishonest[sel],
            "major_project": major[sel],
        }
    ).with_columns(pl.col("rd_expense", *POLLUTANTS).fill_nan(None))
    par = land["parcels"]
    landlord = par["landlord"].to_numpy()
    parcels = par.with_columns(
        uscc=pl.Series(codes[par["firm"].to_numpy()]),
        landlord_uscc=pl.when(pl.Series(landlord >= 0)).then(pl.Series(codes[np.maximum(landlord, 0)])),
    ).select(
        "parcel_id",
        "year",
        "uscc",
        "role",
        "land_use",
        "area_mu",
        "leased_out_mu",
        "leased_in_mu",
        "landlord_uscc",
        "grant_year",
        "major_project",
    )
    return Zone(ZONE_NAME, seed, years, ent, fy, parcels)


# ------------------------------------------------------------------------------------------------
def _chain_idx(name: str) -> int:
    return next(i for i, c in enumerate(CHAINS) if c.name == name)


def _yuan(wan: np.ndarray) -> np.ndarray:
    """万元 (already rounded to 0.01) → whole 元, so the truth is exactly what the files say."""
    return np.round(wan * 10000.0)


def _assign_industries(r: np.random.Generator, n: int) -> np.ndarray:
    util = [k for k, i in enumerate(INDUSTRIES) if i.sector == "utility"]
    n_util = max(len(util), round(n * CHAINS[_chain_idx("公用事业")].share))
    uw = np.array([INDUSTRIES[k].weight for k in util])
    share = (n_util - len(util)) * uw / uw.sum()  # largest remainders: counts follow the weights exactly
    util_counts = 1 + np.floor(share).astype(np.int64)
    util_counts[np.argsort(-(share - np.floor(share)), kind="stable")[: n_util - util_counts.sum()]] += 1
    chains = [i for i, c in enumerate(CHAINS) if c.sector != "utility"]
    cw = np.array([CHAINS[i].share for i in chains])
    chain_pick = r.choice(chains, n - n_util, p=cw / cw.sum())
    out = np.empty(n - n_util, dtype=np.int64)
    for ci in chains:
        ks = [k for k, i in enumerate(INDUSTRIES) if i.chain == CHAINS[ci].name]
        kw = np.array([INDUSTRIES[k].weight for k in ks])
        m = chain_pick == ci
        out[m] = r.choice(ks, m.sum(), p=kw / kw.sum())
    idx = np.concatenate([out, np.repeat(util, util_counts)])
    return idx[r.permutation(n)]


def _pick_flags(r, shape, candidates: np.ndarray, k: int, weight=None) -> np.ndarray:
    flags = np.zeros(shape, dtype=bool)
    if len(candidates) == 0:
        return flags
    p = None if weight is None else np.asarray(weight, float) / np.sum(weight)
    chosen = candidates[r.choice(len(candidates), min(k, len(candidates)), replace=False, p=p)]
    flags[tuple(chosen.T)] = True
    return flags


def _land(r, rt, n, years, reg_year, is_new, manuf, utility, sector, rev0, land_prod, town_idx) -> dict:
    """Owners with parcels (some granted during the years: 重大项目在建), tenants renting from them."""
    ny = len(years)
    first = years[0]
    p_own = np.where(
        utility,
        1.0,
        np.where(
            sector == "service", 0.08, 0.9 / (1 + np.exp(-1.1 * (np.log(np.maximum(rev0, 1)) - np.log(1200))))
        ),
    )
    p_own = np.where(is_new, np.where(manuf, 0.12, 0.0), p_own)
    owner = r.random(n) < p_own
    area = rev0 / (land_prod * np.exp(0.75 * r.standard_normal(n)))
    area = np.where(is_new, np.exp(np.log(40) + 0.6 * r.standard_normal(n)), area)
    # small owners hold 1–10 mu rather than a pile-up at the floor; the largest saturate below 500 mu
    area = np.where(area < 1.5, 1.0 + r.gamma(1.5, 1.5, n), area)
    area = np.where(area > 300, 300 + 200 * (1 - np.exp(-(area - 300) / 200)), area)
    area = np.where(utility, np.clip(area, 5.0, 300.0), area)
    # grant year of the first parcel: a few years after registration (new firms: at registration)
    grant0 = reg_year + r.geometric(0.5, n) - 1
    grant0 = np.where(is_new | (grant0 > first), reg_year, grant0)
    rows = []  # (firm, parcel_no, area, grant_year, land_use)
    uses = np.where(
        utility,
        "公用设施用地",
        np.where(
            sector == "service",
            "科研用地",
            np.where(r.random(n) < 0.93, "工业用地", np.where(r.random(n) < 0.55, "仓储用地", "科研用地")),
        ),
    )
    for f in np.flatnonzero(owner):
        a = area[f]
        k = 1 + int(r.random() < min(0.6, a / 150)) + int(r.random() < min(0.3, a / 400))
        parts = r.dirichlet(np.full(k, 2.0)) * a
        for j, pa in enumerate(parts):
            g = grant0[f] if j == 0 else max(grant0[f] - int(r.integers(0, 6)), reg_year[f])
            rows.append((f, max(round(float(pa), 4), 0.3), int(g), uses[f]))
    # expansions: ~4 % of older owners get a new parcel in a later year
    old_owners = np.flatnonzero(owner & ~is_new)
    exp = r.choice(old_owners, max(1, round(old_owners.size * 0.04)), replace=False)
    for f in exp:
        rows.append(
            (
                f,
                round(float(np.clip(np.exp(np.log(20) + 0.7 * r.standard_normal()), 3, 150)), 4),
                int(r.choice(years[1:] or years)),
                uses[f],
            )
        )
    rows.sort(key=lambda t: (t[2], town_idx[t[0]], t[0]))
    seq: dict[str, int] = {}
    pid, pfirm, parea, pgrant, puse = [], [], [], [], []
    for f, a, g, u in rows:
        code = TOWNS[town_idx[f]].code
        seq[code] = seq.get(code, 0) + 1
        pid.append(f"{code}{g}-{seq[code]:04d}")
        pfirm.append(f)
        parea.append(a)
        pgrant.append(g)
        puse.append(u)
    pfirm_a, parea_a, pgrant_a = np.array(pfirm), np.array(parea), np.array(pgrant)
    # 重大项目: a recent grant of some size, on the key-project list about half the time
    pmajor = (pgrant_a >= first - 1) & (parea_a >= 10) & (r.random(len(pid)) < 0.55)

    # tenants: manufacturing non-owners rent part of an industrial parcel, same town preferred
    # most manufacturers without own land rent factory space; the rest (incubator desks, data gaps) have none
    p_ten = np.where(manuf & ~owner, 0.85, 0.0)
    tenant = rt.random(n) < p_ten
    start = np.maximum(reg_year, first)
    # a tenant rents what its output needs, a little less than an owner (multi-storey standard factories)
    need = np.clip(np.round(0.7 * area * np.exp(0.3 * rt.standard_normal(n)), 2), 0.3, 60.0)
    used = np.zeros(len(pid))
    industrial = np.array([u == "工业用地" for u in puse])
    ptown = town_idx[pfirm_a]
    pools: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

    def pool(s: int, town: int) -> tuple[np.ndarray, np.ndarray]:
        """Parcels built and in production by year s (granted two years before), in a town or anywhere."""
        if (s, town) not in pools:
            idx = np.flatnonzero(industrial & (pgrant_a <= s - 2) & ((ptown == town) if town >= 0 else True))
            pools[(s, town)] = (idx, np.cumsum(parea_a[idx]))
        return pools[(s, town)]

    ten_firm, ten_parcel, ten_area = [], [], []
    for f in np.flatnonzero(tenant):
        idx, cw = pool(int(start[f]), int(town_idx[f]) if rt.random() < 0.7 else -1)
        if idx.size == 0:
            idx, cw = pool(int(start[f]), -1)
        j = -1
        for _ in range(40 if idx.size else 0):  # a parcel drawn by area, with room left for a tenant
            c = idx[min(int(np.searchsorted(cw, rt.random() * cw[-1], side="right")), idx.size - 1)]
            if pfirm_a[c] != f and 0.6 * parea_a[c] - used[c] >= 0.3:
                j = c
                break
        if j < 0:
            tenant[f] = False
            continue
        a = float(np.floor(min(need[f], 0.6 * parea_a[j] - used[j]) * 100) / 100)  # never more than the room
        used[j] += a
        ten_firm.append(f)
        ten_parcel.append(j)
        ten_area.append(a)
    ten_firm_a, ten_parcel_a, ten_area_a = (
        np.array(ten_firm, int),
        np.array(ten_parcel, int),
        np.array(ten_area),
    )

    own = np.zeros((n, ny))
    out = np.zeros((n, ny))
    lin = np.zeros((n, ny))
    major = np.zeros((n, ny), dtype=bool)
    recs = []
    for k, y in enumerate(years):
        live = pgrant_a <= y
        ten_live = start[ten_firm_a] <= y
        lo = np.bincount(ten_parcel_a[ten_live], weights=ten_area_a[ten_live], minlength=len(pid))
        np.add.at(own[:, k], pfirm_a[live], parea_a[live])
        np.add.at(out[:, k], pfirm_a[live], lo[live])
        np.add.at(lin[:, k], ten_firm_a[ten_live], ten_area_a[ten_live])
        building = live & pmajor & (pgrant_a >= y - 1)  # 在建: the grant year and the next
        major[pfirm_a[building], k] = True
        lp, tl = np.flatnonzero(live), np.flatnonzero(ten_live)
        tp = ten_parcel_a[tl]
        recs.append(
            pl.DataFrame(
                {
                    "parcel": np.concatenate([lp, tp]),
                    "year": np.full(lp.size + tl.size, y, dtype=np.int32),
                    "firm": np.concatenate([pfirm_a[lp], ten_firm_a[tl]]),
                    "role": ["own"] * lp.size + ["leased_in"] * tl.size,
                    "area_mu": np.concatenate([parea_a[lp], np.full(tl.size, np.nan)]),
                    "leased_out_mu": np.concatenate([np.round(lo[lp], 2), np.full(tl.size, np.nan)]),
                    "leased_in_mu": np.concatenate([np.full(lp.size, np.nan), ten_area_a[tl]]),
                    "landlord": np.concatenate([np.full(lp.size, -1), pfirm_a[tp]]),
                }
            )
        )
    par_attr = pl.DataFrame(
        {
            "parcel": np.arange(len(pid)),
            "parcel_id": pid,
            "land_use": puse,
            "grant_year": pgrant_a.astype(np.int32),
        }
    )
    parcels = (
        pl.concat(recs)
        .with_columns(pl.col("area_mu", "leased_out_mu", "leased_in_mu").fill_nan(None))
        .join(par_attr, on="parcel", how="left", maintain_order="left")
        .drop("parcel")
    )
    fy_major = pl.DataFrame(
        {
            "firm": np.repeat(np.arange(n), ny),
            "year": np.tile(np.asarray(years), n),
            "major_project": major.ravel(),
        }
    ).with_columns(pl.col("year").cast(pl.Int32))
    parcels = parcels.join(fy_major, on=["firm", "year"], how="left", maintain_order="left")
    role = np.where(owner, "owner", np.where(tenant, "tenant", "none"))
    return {
        "own": np.round(own, 4),
        "out": np.round(out, 2),
        "in": np.round(lin, 2),
        "major": major,
        "role": role,
        "parcels": parcels,
    }


_ALPHABET = np.frombuffer(uscc_mod.ALPHABET.encode(), dtype=np.uint8)
_FULL36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _usccs(r, reg_year, anchors, utility) -> np.ndarray:
    """Unique, valid 18-char codes: 91 + registration region + organisation code + check character.

    Firms registered before 2016 keep their old 8-digit organisation codes; later ones get the
    "MA…" bodies issued since the reform. The 9th organisation character follows GB 11714 (letters
    A=10 … Z=35), the 18th GB 32100 (via `gaoxin.ingest.uscc.check_char`'s weights, vectorised).
    """
    n = reg_year.size
    region = np.where(r.random(n) < 0.85, REGION_ZONE, REGION_CITY).astype(object)
    region[anchors] = REGION_PROVINCE
    region[utility] = REGION_CITY
    org = np.empty(n, dtype=object)
    todo = np.arange(n)
    seen: set[str] = set()
    while todo.size:
        digits = r.integers(0, 10, (todo.size, 8))
        digits[:, 0] = r.integers(1, 10, todo.size)
        ma = r.integers(0, 31, (todo.size, 6))
        new = reg_year[todo] >= 2016
        bodies = [
            ("MA" + "".join(uscc_mod.ALPHABET[c] for c in ma[i])) if new[i] else "".join(map(str, digits[i]))
            for i in range(todo.size)
        ]
        retry = []
        for i, b in zip(todo, bodies, strict=True):
            if b in seen:
                retry.append(i)
            else:
                seen.add(b)
                org[i] = b
        todo = np.array(retry, dtype=np.int64)
    vals = np.array([[_FULL36.index(c) for c in b] for b in org], dtype=np.int64).reshape(n, 8)
    c = 11 - (vals @ np.array([3, 7, 9, 10, 5, 8, 4, 2])) % 11
    org9 = np.where(c == 10, "X", np.where(c == 11, "0", c.astype(str)))
    body17 = ("91" + region + org + org9).astype(str)
    raw = np.frombuffer("".join(body17).encode("ascii"), dtype=np.uint8).reshape(n, 17)
    lookup = np.full(256, -1, dtype=np.int64)
    lookup[_ALPHABET] = np.arange(31)
    check = (31 - (lookup[raw] @ uscc_mod.WEIGHTS) % 31) % 31
    return np.char.add(body17, np.array(list(uscc_mod.ALPHABET))[check])


def _names(r, ind_idx, size) -> np.ndarray:
    """Unique, realistic Chinese company names: [地名]字号[（示范）]行业词 + 组织形式."""
    n = ind_idx.size
    chars = np.array(list(TRADE_CHARS))
    a = r.integers(0, chars.size, n)
    b = (a + r.integers(1, chars.size, n)) % chars.size  # never the same character twice
    word_pick = r.random(n)
    style = r.random(n)
    big = size >= np.quantile(size, 0.9)
    form_pick = r.random(n)
    region = r.integers(0, len(REGION_PREFIXES), n)
    extra = r.integers(0, chars.size, n)
    out = np.empty(n, dtype=object)
    seen: set[str] = set()
    for i in range(n):
        ind = INDUSTRIES[ind_idx[i]]
        trade = chars[a[i]] + chars[b[i]]
        word = ind.words[int(word_pick[i] * len(ind.words))]
        if ind.sector == "utility":
            form = "有限公司"
        elif big[i] and form_pick[i] < 0.45:
            form = "股份有限公司"
        else:
            form = "有限公司" if form_pick[i] < 0.93 else "有限责任公司"
        for attempt in range(40):
            t = trade if attempt == 0 else trade + chars[(extra[i] + attempt) % chars.size]
            if style[i] < 0.68:
                name = f"{t}{word}{form}"
            elif style[i] < 0.84 or ind.sector == "utility":  # utilities are local: no other province
                name = f"{CITY}{t}{word}{form}"
            elif style[i] < 0.95:
                name = f"{REGION_PREFIXES[region[i]]}{t}{word}{form}"
            else:
                name = f"{t}（{CITY}）{word}{form}"
            if name not in seen:
                break
        else:  # pragma: no cover - 89 characters give far more names than any zone needs
            raise RuntimeError("name space exhausted")
        seen.add(name)
        out[i] = name
    return out


def _scopes(r, ind_idx, role, leases_out) -> np.ndarray:
    """经营范围 in the registered wording: 一般项目：…（…）许可项目：…（…）."""
    n = ind_idx.size
    keep = r.random((n, 8))
    tech = r.random(n) < 0.8
    trade = r.random(n) < 0.4
    out = np.empty(n, dtype=object)
    for i in range(n):
        ind = INDUSTRIES[ind_idx[i]]
        items = [s for j, s in enumerate(ind.scope) if j < 2 or keep[i, j % 8] < 0.7]
        if tech[i]:
            items.append(GENERAL_TECH)
        if leases_out[i]:
            items.append("非居住房地产租赁")
        lic = list(ind.licensed) + (list(TRADE_LICENSED) if trade[i] else [])
        text = (
            "一般项目：" + "；".join(items) + "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）。"
        )
        if lic:
            text += (
                "许可项目："
                + "；".join(lic)
                + "（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以相关部门批准文件或许可证件为准）。"
            )
        out[i] = text
    return out


# ------------------------------------------------------------------------------------------------
# Enterprise-cultivation data (科技局 / 工信局 创新能力监测): a separate, deterministic layer over the zone.
# It never changes `generate_zone` (own random stream), and it reuses the zone's revenue, R&D and staff so
# the new fields correlate with what the other departments report.
CULTIVATION_STREAM = 7001
SEI_CHAINS = ("集成电路", "新能源", "生物医药", "电子信息制造", "高端装备", "硅基新材料", "新能源汽车")
HNTE_DOMAIN_OF_CHAIN = {
    "集成电路": 10,
    "电子信息制造": 10,
    "新能源": 60,
    "生物医药": 20,
    "新能源汽车": 80,
    "高端装备": 80,
    "硅基新材料": 40,
    "智能家电": 80,
    "一般制造业": 80,
    "公用事业": 0,
}
# firms planted just below one threshold each (latest year): how many of each kind
NEAR_MISSES = {
    "tech_staff": 12,
    "ht_income": 8,
    "rd_domestic": 6,
    "rd_band": 8,
    "staff_501": 3,
    "rd_100wan": 4,
    "conversion": 6,
}


def cultivation_years(zone: Zone) -> tuple[pl.DataFrame, dict[str, list[str]]]:
    """(truth, near_misses): one row per firm-year the 科技局 reports (every active firm that does R&D),
    canonical units, flags as 0/1 floats, codes as numbers; and the USCCs planted just below a threshold.

    revenue and rd_expense equal the zone's truth, except planted R&D near-misses in the latest year, which are
    only planted in firms the statistics bureau does not report that year (so no two departments disagree).
    """
    r = np.random.default_rng([zone.seed, CULTIVATION_STREAM])
    ent = zone.enterprises.select("uscc", "registered_on", "chain", "industry_code")
    rd_firms = (
        zone.firm_years.group_by("uscc")
        .agg(pl.col("rd_expense").is_not_null().any().alias("rd"))
        .filter(pl.col("rd"))
    )
    fy = zone.firm_years.join(rd_firms.select("uscc"), on="uscc").join(ent, on="uscc").sort("uscc", "year")
    firms = fy["uscc"].unique(maintain_order=True).to_numpy()
    nf, years = firms.size, zone.years
    ny = len(years)
    fidx = {u: i for i, u in enumerate(firms.tolist())}
    fi = np.array([fidx[u] for u in fy["uscc"].to_list()], dtype=np.int64)
    yi = np.searchsorted(np.asarray(years), fy["year"].to_numpy())
    grid = np.full((nf, ny), np.nan)

    def cube(col: str) -> np.ndarray:
        g = grid.copy()
        g[fi, yi] = fy[col].cast(pl.Float64).to_numpy()
        return g

    active = ~np.isnan(cube("revenue"))
    rev, rd, staff = cube("revenue"), cube("rd_expense"), cube("staff")
    above = cube("above_scale") > 0
    first = fy.group_by("uscc", maintain_order=True).first()
    chain = first["chain"].to_numpy()
    reg_year = first["registered_on"].dt.year().to_numpy()
    sei = np.isin(chain, SEI_CHAINS)
    with np.errstate(invalid="ignore", divide="ignore"):
        rd_ratio = np.nan_to_num(np.nanmean(np.where(rev > 0, rd / rev, np.nan), axis=1), nan=0.0)

    def money(a):  # 0.01 万元 precision, like every department
        return np.round(a / 100.0) * 100.0

    def ratio(a):
        return np.round(a, 3)

    # staff: the HNTE monthly-average count differs a little from the statistics bureau's average
    total_staff = np.maximum(3, np.round(staff * r.uniform(0.95, 1.05, (nf, ny))))
    tech_share = np.clip(0.05 + 2.0 * rd_ratio + 0.06 * r.standard_normal(nf), 0.02, 0.7)
    tech_staff = np.minimum(
        total_staff, np.round(total_staff * tech_share[:, None] * np.exp(0.05 * r.standard_normal((nf, ny))))
    )
    rd_staff = np.round(tech_staff * r.uniform(0.55, 0.9, nf)[:, None])
    dom_share = np.where(r.random(nf) < 0.08, r.uniform(0.4, 0.6, nf), 0.6 + 0.4 * r.beta(2.0, 1.0, nf))
    rd_domestic = money(rd * np.clip(dom_share[:, None] + 0.02 * r.standard_normal((nf, ny)), 0.3, 1.0))
    total_income = money(rev * r.uniform(1.0, 1.05, (nf, ny)))
    ht_base = np.where(sei, 0.35 + 4.0 * rd_ratio, 0.10 + 3.0 * rd_ratio) + 0.15 * r.standard_normal(nf)
    ht_income = money(
        total_income * np.clip(ht_base[:, None] + 0.03 * r.standard_normal((nf, ny)), 0.0, 0.98)
    )
    main_share = ratio(
        np.clip((1 - 0.45 * r.beta(1.2, 4.0, nf))[:, None] + 0.01 * r.standard_normal((nf, ny)), 0.3, 1.0)
    )
    net_margin = ratio(
        np.clip(0.06 + 0.06 * r.standard_normal(nf)[:, None] + 0.02 * r.standard_normal((nf, ny)), -0.3, 0.4)
    )
    total_cost = money(np.maximum(rev * (1 - net_margin - r.uniform(0.0, 0.05, (nf, ny))), 0.0))
    debt = ratio(
        np.clip(0.5 + 0.15 * r.standard_normal(nf)[:, None] + 0.03 * r.standard_normal((nf, ny)), 0.05, 0.95)
    )
    na = np.empty((nf, ny))
    na[:, 0] = np.nan_to_num(rev[:, 0]) * r.uniform(0.3, 1.2, nf)
    g = 0.12 + 0.15 * r.standard_normal((nf, ny))
    for k in range(1, ny):
        start = np.where(
            np.isnan(rev[:, k - 1]), np.nan_to_num(rev[:, k]) * r.uniform(0.3, 1.2, nf), na[:, k - 1]
        )
        na[:, k] = start * (1 + g[:, k])
    net_assets = money(np.where(active, na, np.nan))
    total_assets = money(net_assets / (1 - debt))

    # IP, conversions, institutions: grow with R&D intensity and size
    size = np.sqrt(np.clip(np.nan_to_num(np.nanmax(rev, axis=1)) / 5e7, 0.05, 4.0))
    lam1 = 0.2 + 25 * rd_ratio * size
    ip1 = np.cumsum(np.column_stack([r.poisson(lam1)] + [r.poisson(lam1 / 4) for _ in range(ny - 1)]), axis=1)
    lam2 = 0.8 + 50 * rd_ratio * size
    ip2 = np.cumsum(np.column_stack([r.poisson(lam2)] + [r.poisson(lam2 / 4) for _ in range(ny - 1)]), axis=1)
    ip1_high = np.minimum(ip1, r.binomial(ip1, 0.15))
    ip1_self = r.binomial(ip1, 0.8)
    ip2_self = r.binomial(ip2, 0.85)
    conv = np.round(r.poisson((0.6 + 1.1 * np.sqrt(ip1 + ip2)) * 3) / 3.0, 2)
    level_p = np.clip(0.15 + 3 * rd_ratio + 0.2 * (size - 0.5), 0.05, 0.95)
    inst = np.where(r.random(nf) < level_p, r.choice([1, 2, 3, 4], nf, p=[0.3, 0.4, 0.25, 0.05]), 0).astype(
        float
    )
    niche = np.round(
        np.maximum(0.0, (np.asarray(years)[None, :] - reg_year[:, None]) - r.uniform(0, 5, nf)[:, None]), 1
    )
    equity = money(
        np.where(r.random((nf, ny)) < 0.06, np.exp(np.log(2e7) + 1.0 * r.standard_normal((nf, ny))), 0.0)
    )
    pf = np.where(sei & (r.random(nf) < 0.75), 1, np.where(~sei & (r.random(nf) < 0.1), 2, 0))
    pf = np.where((pf == 1) & (r.random(nf) < 0.25), 2, pf)
    pf = np.where((pf == 2) & sei & (r.random(nf) < 0.35), 3, pf).astype(float)
    domain = np.array([HNTE_DOMAIN_OF_CHAIN.get(c, 0) for c in chain], dtype=float)
    domain = np.where((chain == "一般制造业") & (r.random(nf) < 0.5), 0.0, domain)
    digital = r.choice([1, 2, 3, 4], nf, p=[0.35, 0.35, 0.22, 0.08]).astype(float)
    big = np.clip(size / 2.0, 0.0, 1.0)  # larger firms certify, brand and digitise more often
    market = np.where(
        (np.nan_to_num(np.nanmax(rev, axis=1)) > 5e7) & (r.random(nf) < 0.6),
        ratio(r.uniform(0.03, 0.35, nf)),
        np.nan,
    )

    def flag(p):
        return (r.random(nf) < p).astype(float)

    tech = np.clip(rd_ratio * 10, 0, 1)
    std_led = flag(0.01 + 0.05 * tech)
    flags = {
        "rd_accounts": flag(0.45 + 0.4 * tech),
        "industry_univ_coop": flag(0.2 + 0.5 * tech),
        "conversion_incentive": flag(0.25 + 0.6 * tech),
        "talent_incentive": flag(0.3 + 0.6 * tech),
        "quality_award": flag(0.05),
        "quality_cert": flag(0.4 + 0.5 * big),
        "own_brand": flag(0.3 + 0.5 * big),
        "info_system": flag(0.5 + 0.45 * big),
        "innovation_title": flag(0.03),
        "standard_led": std_led,
        "standard_participated": np.maximum(std_led, flag(0.08 + 0.3 * tech)),
    }
    nat = np.where(r.random(nf) < 0.01, r.integers(1, 6, nf), np.nan)
    prov = np.where(r.random(nf) < 0.04, r.integers(1, 9, nf), np.nan)
    maker = np.where(r.random(nf) < 0.012, r.integers(1, 501, nf), np.nan)

    # HNTE certificates: firms that look qualified hold one, issued in a three-year cycle; a few let it lapse
    last = len(years) - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        looks = (
            (tech_staff[:, last] / total_staff[:, last] >= 0.1)
            & (ip1[:, last] + ip2[:, last] >= 1)
            & (ht_income[:, last] / total_income[:, last] >= 0.6)
            & (rd_ratio >= 0.03)
        )
    holder = looks & (r.random(nf) < 0.8) & (reg_year <= years[0] - 2)
    phase = r.integers(0, 3, nf)
    lapse = r.random(nf) < 0.12
    cert_year = np.full((nf, ny), np.nan)
    valid = np.zeros((nf, ny))
    for k, y in enumerate(years):
        c = y - ((y - (years[0] - 3 + phase)) % 3)  # latest cycle year ≤ y
        c = np.where(
            lapse & (c == y), c - 3, c
        )  # a lapsing firm does not renew: its old certificate runs out
        cert_year[:, k] = np.where(holder, c, np.nan)
        valid[:, k] = holder.astype(float)

    # near-misses in the latest year, each firm used once
    near: dict[str, list[str]] = {}
    used = np.zeros(nf, dtype=bool)

    def pick(kind: str, cand: np.ndarray) -> np.ndarray:
        idx = np.flatnonzero(cand & ~used & active[:, last])
        k = min(NEAR_MISSES[kind], idx.size)
        chosen = np.sort(r.choice(idx, k, replace=False)) if k else np.zeros(0, dtype=np.int64)
        used[chosen] = True
        near[kind] = firms[chosen].tolist()
        return chosen

    with np.errstate(invalid="ignore", divide="ignore"):  # stopped firms: 0/0 ratios, never picked
        ts = total_staff[:, last]
        c = pick("tech_staff", (ts >= 20) & (ts <= 400) & (tech_staff[:, last] / ts >= 0.12))
        tech_staff[c, last] = np.ceil(0.10 * ts[c]) - 1  # one short of 10 %
        rd_staff[c, last] = np.minimum(rd_staff[c, last], tech_staff[c, last])
        c = pick("ht_income", ht_income[:, last] / total_income[:, last] >= 0.65)
        ht_income[c, last] = money(total_income[c, last] * r.uniform(0.575, 0.595, c.size))
        c = pick("rd_domestic", dom_share >= 0.7)
        for k in range(ny):
            rd_domestic[c, k] = money(rd[c, k] * 0.58)
        rev3, rd12 = np.nansum(rev, axis=1), np.nansum(rd[:, :last], axis=1)
        thr = np.where(rev[:, last] <= 5e7, 0.05, np.where(rev[:, last] <= 2e8, 0.04, 0.03))
        c = pick(
            "rd_band", ~above[:, last] & (rev[:, last] > 1e6) & (rd_ratio >= thr) & ~np.isnan(rd[:, last])
        )
        target = (
            thr[c] * rev3[c] - rd12[c] - r.uniform(0.002, 0.006, c.size) * rev3[c]
        )  # 0.2–0.6 点 below the band
        rd[c, last] = money(np.maximum(target, 1e4))
        rd_domestic[c, last] = money(rd[c, last] * dom_share[c])
        c = pick("staff_501", (ts >= 450) & (ts <= 560))
        total_staff[c, last] = 501
        tech_staff[c, last] = np.minimum(tech_staff[c, last], 500)
        c = pick(
            "rd_100wan",
            ~above[:, last]
            & (rd[:, last] >= 8e5)
            & (rd[:, last] <= 1.3e6)
            & (rd[:, last] / rev[:, last] >= 0.04),
        )
        rd[c, last] = money(r.uniform(9.5e5, 9.95e5, c.size))
        rd_domestic[c, last] = money(rd[c, last] * dom_share[c])
        c = pick("conversion", (conv[:, last] >= 1.0) & (conv[:, last] < 4.5))
        conv[c, last] = np.floor(conv[c, last]) + 0.67  # two conversions short of the next whole-number band

    cols = {
        "revenue": rev,
        "rd_expense": rd,
        "rd_domestic": rd_domestic,
        "total_staff": total_staff,
        "tech_staff": tech_staff,
        "rd_staff": rd_staff,
        "ht_income": ht_income,
        "total_income": total_income,
        "main_revenue_share": main_share,
        "net_margin": net_margin,
        "total_cost": total_cost,
        "debt_ratio": debt,
        "net_assets": net_assets,
        "total_assets": total_assets,
        "ip1_count": ip1.astype(float),
        "ip1_high_value": ip1_high.astype(float),
        "ip1_self": ip1_self.astype(float),
        "ip2_count": ip2.astype(float),
        "ip2_self": ip2_self.astype(float),
        "conversions_avg": conv,
        "rd_institution_level": np.repeat(inst[:, None], ny, 1),
        "niche_years": niche,
        "equity_financing": equity,
        "product_field": np.repeat(pf[:, None], ny, 1),
        "hnte_domain": np.repeat(domain[:, None], ny, 1),
        "digital_level": np.repeat(digital[:, None], ny, 1),
        "market_share": np.repeat(market[:, None], ny, 1),
        "hnte_valid": valid,
        "hnte_cert_year": cert_year,
        "award_national_rank": np.repeat(nat[:, None], ny, 1),
        "award_provincial_rank": np.repeat(prov[:, None], ny, 1),
        "maker_china_rank": np.repeat(maker[:, None], ny, 1),
        **{k: np.repeat(v[:, None], ny, 1) for k, v in flags.items()},
    }
    sel = np.nonzero(active)
    truth = pl.DataFrame(
        {
            "uscc": firms[sel[0]],
            "year": np.asarray(years, dtype=np.int32)[sel[1]],
            "period": np.asarray(years).astype(str)[sel[1]],
            **{k: v[sel].astype(float) for k, v in cols.items()},
        }
    ).with_columns(pl.col(pl.Float64).fill_nan(None))
    return truth, near
