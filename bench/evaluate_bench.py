"""亩均 evaluation at scale, against honest baselines: N synthetic firms → a persisted run of the `default` scheme.

Contenders, each in its own fresh process on its own copy of the same store (so the peak RSS is its own and
every run starts from identical files; opening the store and closing it are counted):

* **gaoxin** — `run_mujun(con, "default", "2025")`, the one recipe: resolve the scheme, fingerprint, read the
  facts, evaluate, write `run_result` and the full per-(firm, item) trace, then `con.close()`;
* **DuckDB SQL** — the same scheme written as plain SQL (`SQL` below): pivot the facts in force, land rule,
  variables, lists, exclusions and T, aggregate benchmarks, capped item scores, the list-mean rule for missing
  emissions, 加减分 with their cap, competition ranks, share classes with ties by average rank, protections,
  vetoes and the policy amounts — persisted to one table (`sql_result`), no trace;
* **polars** — the same scheme as vectorised polars expressions (not row-wise pandas), reading the facts from
  the store and writing its table (`polars_result`) back.

Before any time is printed the three outputs are checked equal firm by firm (list, T reason, land, base,
adjustment and score to 1e-9; rank, list size and both classes exactly; the four policy amounts to 1e-9 against
gaoxin's stored policy trace lines). The I/O floor printed beside them is (bytes read + bytes written) ÷ memory
bandwidth, both measured in this run: bytes read = the uncompressed rows and columns a run needs (facts of the
period and the year before: uscc, period, indicator, value, superseded; enterprise: uscc, town, industry_code,
registered_on), bytes written = gaoxin's `run_result` and `run_trace` rows as stored columns, bandwidth = bytes
per second of a numpy copy of a 512 MiB array (the cost of moving each byte once from or to the page cache).

Every contender runs `--warmup` times (not counted; the first warm-up round is the one checked) and then
`--repeat` times, rounds interleaved; min and median are printed with the load average before and after.
Goals (issue #20, ratios in one run): gaoxin ≤ 2× the SQL baseline, ≤ 6× the I/O floor, peak RSS ≤ 1.5 GiB.

Integer firm keys (migration 21), same machine, load ~1.1–1.7, 1M firms, medians of 3: before (007ec78's src on
the PYTHONPATH) gaoxin 7.06 s, SQL 4.32 s = 1.63×, read stage 3.53 s, peak RSS 1.84 GiB; after gaoxin 4.94 s, SQL
4.40 s = 1.12×, read 1.41 s, peak RSS 1.65–1.74 GiB (the goal of 1.5 GiB is still missed: the write and the close's
checkpoint hold DuckDB's buffers; sampled every 10 ms the resident set peaks at 1.38 GiB during the close).

4 Dec 2026: those peak RSS figures were the parent's, not the contenders' — Linux carries a process's `ru_maxrss`
over fork and exec into its child, and this parent holds 1M-row frames once it has checked the outputs, so every
contender (the SQL baseline too) printed the same ~1.85 GiB. Each contender now reads its own VmHWM. Quiet 2-core
box, 1M firms, medians of 3: gaoxin 2.82 s, SQL 2.64 s = 1.07×, polars 4.51 s; peak RSS gaoxin 1.45 GiB (goal met),
SQL 0.87, polars 2.01; stages read 0.61, evaluate 0.66, frames 0.21, write 1.10, close 0.38 s. The I/O floor
(700 MiB at 11.5 GiB/s = 0.060 s) is 47× below gaoxin and 44× below the plain SQL baseline itself: ≤ 6× of
it is not reachable by anything that stores its output in DuckDB on this machine. The existing run found again
in the same process: `run_mujun` 48–50 ms at 3bb2f23 and before the enterprise digest (migration 22), 14 ms after;
`stored_run_id` (what the CLI uses) 26 → 2.5 ms.

5 Dec 2026, linearity (the gaoxin contender alone, `--build` then `--contender gaoxin`, stores built once,
rounds interleaved, a box ~2× slower than 4 Dec's): 1M 4.79 / 5.37 / 5.56 s, 10M 49.3 / 50.0 / 51.1 s — the
medians' ratio 9.3× for 10× the firms (goal ≤ 22×); peak RSS 1.33–1.38 GiB at 1M, 8.7 GiB at 10M; the
existing run found again in 41 ms (1M) and 0.26–0.29 s (10M; `stored_run_id` 3–5 ms at both). Most of that was
the data year's check scanning every fact's period (`SELECT DISTINCT period`, then a count); a year that is
there is now found by its first fact (`LIMIT 1`) and the list of years read only when none was asked for or it
is missing: `run_mujun` of the existing 1M run 28 → 7.6 ms in the same process.

    .venv/bin/python bench/evaluate_bench.py [--firms 1000000] [--warmup 1] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl

PERIOD = "2025"
PREV = "2024"
SCHEME = "default"

# ------------------------------------------------------------------------------------------------ synthetic data
# every part of the default scheme is exercised: 规上 / 租赁 / 规下 / out of scope, utilities and new firms (T),
# no land and land ≤ 0 (T), missing emissions (list mean), negative tax (floor), high ratios (cap), R&D bonus,
# 小升规 (bonus and protection), major projects, accident vetoes, 严重失信, water and land-use tax for the policy
INDUSTRIES = ["3973", "3311", "2651", "C3484", "1713", "4411", "4511", "4610", "3562", "39", None]
IND_P = [0.2, 0.15, 0.12, 0.1, 0.1, 0.01, 0.005, 0.005, 0.2, 0.05, 0.06]


def synth(n: int, seed: int = 11) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(facts of PERIOD as a wide frame, PREV's above_scale, enterprise attributes)."""
    rng = np.random.default_rng(seed)
    nan = np.nan
    above = rng.random(n) < 0.3
    kind = rng.random(n)
    tenant = ~above & (kind < 0.1)
    own = np.round(rng.lognormal(2.3, 1.1, n), 2)
    own = np.where(tenant, np.where(rng.random(n) < 0.5, 0.0, nan), own)
    own = np.where(rng.random(n) < 0.01, nan, own)  # no land data at all → T
    leased_out = np.where(~tenant & (rng.random(n) < 0.05), np.round(own * rng.uniform(0.1, 1.2, n), 2), nan)
    leased_in = np.where(tenant | (rng.random(n) < 0.03), np.round(rng.lognormal(1.5, 0.8, n), 2), nan)
    revenue = np.where(above, rng.lognormal(17.5, 1.0, n), rng.lognormal(15.0, 1.0, n))
    va = revenue * rng.uniform(0.15, 0.35, n)
    tax = revenue * rng.uniform(-0.005, 0.06, n)
    tax = np.where(rng.random(n) < 0.03, nan, tax)
    em_kind = rng.random(n)
    wide = {
        "uscc": [f"91{i:016d}" for i in range(n)],
        "tax_paid": tax,
        "value_added": np.where(above, va, nan),
        "energy_tce": np.where(above, revenue / 1e4 * rng.lognormal(-2, 0.7, n), nan),
        "emission_t": np.where(above & (em_kind < 0.2), rng.lognormal(1, 1, n), nan),
        "cod_t": np.where(above & (em_kind >= 0.2) & (em_kind < 0.7), rng.lognormal(0, 1, n), nan),
        "nh3n_t": np.where(above & (em_kind >= 0.4) & (em_kind < 0.7), rng.lognormal(-2, 1, n), nan),
        "staff": np.where(above, np.maximum(5, revenue / 8e5), nan).round(),
        "rd_expense": np.where(above & (rng.random(n) < 0.9), revenue * rng.uniform(0, 0.06, n), nan),
        "revenue": revenue,
        "power_kwh": np.where(rng.random(n) < 0.97, revenue * rng.uniform(0.02, 0.2, n), nan),
        "land_own_mu": own,
        "land_leased_out_mu": leased_out,
        "land_leased_in_mu": leased_in,
        "above_scale": above.astype(float),
        "water_t": np.where(rng.random(n) < 0.3, rng.lognormal(8, 1, n), nan),
        "land_use_tax": np.where(rng.random(n) < 0.3, own * 666.667 * rng.uniform(2, 6, n), nan),
        "major_project": np.where(rng.random(n) < 0.01, 1.0, nan),
        "safety_accident": np.where(rng.random(n) < 0.005, 1.0, nan),
        "env_accident": np.where(rng.random(n) < 0.005, 1.0, nan),
        "dishonest": np.where(rng.random(n) < 0.003, 1.0, nan),
    }
    facts = pl.DataFrame(wide)
    # last year's 规上 list: 8 % of this year's 规上 firms were 规下 (小升规), 2 % of the others were 规上
    was = np.where(above, rng.random(n) >= 0.08, rng.random(n) < 0.02).astype(float)
    prev = pl.DataFrame({"uscc": wide["uscc"], "above_scale": np.where(rng.random(n) < 0.95, was, nan)})
    days = rng.integers(0, 30 * 365, n)
    reg = np.datetime64("2025-12-31") - days.astype("timedelta64[D]")
    codes = np.asarray(INDUSTRIES, dtype=object)[rng.choice(len(INDUSTRIES), n, p=IND_P)]
    attrs = pl.DataFrame(
        {
            "uscc": wide["uscc"],
            "industry_code": pl.Series(codes.tolist(), dtype=pl.Utf8),
            "registered_on": pl.Series(reg).cast(pl.Date),
        }
    ).with_columns(
        pl.when(pl.Series(rng.random(n) < 0.02))
        .then(None)
        .otherwise(pl.col("registered_on"))
        .alias("registered_on")
    )
    return facts, prev, attrs


def load_store(path: Path, n: int) -> None:
    """The store as an import leaves it: one batch, facts long (sorted by uscc), the batch digest, firms."""
    from gaoxin.store import connect, transaction
    from gaoxin.store.imports import record_digest, staged

    try:
        from gaoxin.store.keys import fill_missing
    except ImportError:  # code from before the integer firm keys (a before/after comparison)

        def fill_missing(con) -> None:
            return None

    facts, prev, attrs = synth(n)

    def long(frame: pl.DataFrame, period: str) -> pl.DataFrame:
        on = [c for c in frame.columns if c != "uscc"]
        return (
            frame.unpivot(index="uscc", on=on, variable_name="indicator", value_name="value")
            .filter(pl.col("value").is_not_nan())
            .with_columns(pl.lit(period).alias("period"))
            .sort("uscc", "indicator")
        )

    con = connect(path)
    with transaction(con):
        for batch, (frame, period) in enumerate(((prev, PREV), (facts, PERIOD)), start=1):
            con.execute(
                "INSERT INTO import_batch VALUES (?, ?, ?, 'stats', ?, 's', ?, ?, 0, 0, '[]', '[]', ?)",
                [batch, f"synthetic-{period}", f"x{batch}", period, n, n, datetime(2026, 1, batch)],
            )
            with staged(con, "synth_facts", long(frame, period)):
                con.execute(
                    "INSERT INTO fact (uscc, period, indicator, value, unit, batch_id, sheet, row_no) "
                    "SELECT uscc, period, indicator, value, '', ?, 's', 1 FROM synth_facts",
                    [batch],
                )
            record_digest(con, batch)
        with staged(con, "synth_firms", attrs):
            con.execute(
                "INSERT INTO enterprise (uscc, name, town, industry_code, registered_on) "
                "SELECT uscc, '企业' || uscc, '镇' || (hash(uscc) % 7)::VARCHAR, industry_code, registered_on "
                "FROM synth_firms"
            )
        fill_missing(con)  # the firms' numbers and their facts' (store.keys), as an import sets them
    con.close()


# ------------------------------------------------------------------------------------------------ the scheme
# The numbers of `default.toml` the SQL and polars baselines are written with; `check_scheme` compares them
# with the scheme file so an edited scheme says which part the baselines no longer match.
LISTS = ("规上", "租赁", "规下")
WEIGHTS = {
    "规上": {
        "tax_per_mu": 30,
        "va_per_mu": 20,
        "va_per_energy": 20,
        "va_per_emission": 10,
        "labour_productivity": 10,
        "rd_ratio": 10,
    },
    "租赁": {"tax_per_mu": 50, "tax_per_kwh": 50},
    "规下": {"tax_per_mu": 50, "tax_per_kwh": 50},
}
SHARES = (20, 40, 35, 5)
T_LAND_MISSING = "无用地面积数据，无法计算亩均指标，不参评"
T_LAND_NONPOS = "用地面积为零或负数（自有−出租+承租 ≤ 0），无法计算亩均指标，不参评"
POLICIES = ("electricity_surcharge", "water_surcharge", "land_tax_rebate", "energy_quota")


def check_scheme() -> list[str]:
    """The parts of the default scheme the baselines do not reproduce (empty when they match)."""
    from gaoxin.schemes import load_scheme

    s = load_scheme(SCHEME)
    bad = []
    if tuple(lst.id for lst in s.lists) != LISTS:
        bad.append(f"lists {[lst.id for lst in s.lists]}")
    for lst in s.lists:
        got = {i.id: i.weight for i in lst.indicator}
        if got != WEIGHTS.get(lst.id):
            bad.append(f"{lst.id} weights {got}")
        for i in lst.indicator:
            if (i.benchmark.method, i.score.cap, i.score.floor, i.direction) != (
                "aggregate",
                2.0,
                0.0,
                "higher",
            ):
                bad.append(f"{lst.id}.{i.id} benchmark/score")
            if i.missing != ("list_mean" if i.id == "va_per_emission" else "zero"):
                bad.append(f"{lst.id}.{i.id} missing rule {i.missing}")
    if (s.classes.method, tuple(s.classes.shares), s.classes.ties, s.classes.within) != (
        "share",
        SHARES,
        "average",
        "list",
    ):
        bad.append("classes")
    if [a.id for a in s.adjustment] != ["rd_bonus", "new_above_scale_bonus"] or s.lists[0].max_bonus != 5:
        bad.append("adjustments")
    if [p.id for p in s.protection] != ["new_above_scale", "major_project"]:
        bad.append("protections")
    if [(v.id, v.effect, v.klass) for v in s.veto] != [
        ("safety_accident", "cap", "C"),
        ("env_accident", "cap", "C"),
        ("dishonest", "force", "D"),
    ]:
        bad.append("vetoes")
    if [p.id for p in s.policy if p.kind != "text"] != list(POLICIES):
        bad.append("policy table")
    if [e.id for e in s.population.exclude] != ["utilities", "new_firm"]:
        bad.append("exclusions")
    return bad


def _cum_bounds() -> list[str]:
    """The cumulative shares exactly as the engine forms them (np.cumsum of shares / 100), as SQL literals."""
    return [repr(float(c)) for c in np.cumsum([x / 100.0 for x in SHARES])]


# the T reasons in the order the scheme applies them (first one wins)
T_SQL = """CASE
        WHEN industry2 IN (44, 45, 46) THEN '电力、热力、燃气及水生产和供应业（D44–D46），暂不评价'
        WHEN registered_on > DATE '2023-12-31' THEN '成立不满2年（至评价期末），暂不评价'
        WHEN land_mu IS NULL THEN '{land_missing}'
        WHEN land_mu <= 0 THEN '{land_nonpos}'
        WHEN cand IS NULL THEN '规下企业用地面积不足3亩，不在评价范围'
    END"""

FIELDS = [
    "above_scale",
    "cod_t",
    "dishonest",
    "emission_t",
    "energy_tce",
    "env_accident",
    "land_leased_in_mu",
    "land_leased_out_mu",
    "land_own_mu",
    "land_use_tax",
    "major_project",
    "nh3n_t",
    "nox_t",
    "power_kwh",
    "rd_expense",
    "revenue",
    "safety_accident",
    "so2_t",
    "staff",
    "tax_paid",
    "value_added",
    "water_t",
]


def _ratio(num: str, den: str, scale: str) -> str:
    return f"CASE WHEN {num} IS NOT NULL AND {den} > 0 THEN {num} / {den} * {scale} END"


def _score(v: str, b: str, w: str) -> str:
    """Capped item score (cap 2 × weight, floor 0); NULL when the value is missing."""
    return (
        f"CASE WHEN {v} IS NULL THEN NULL WHEN NOT ({b} > 0 AND isfinite({b})) THEN {w} * 0.0 "
        f"WHEN {v} / {b} > 2.0 THEN {w} * 2.0 WHEN {v} / {b} < 0.0 THEN {w} * 0.0 ELSE {w} * ({v} / {b}) END"
    )


# (item, numerator, denominator, scale) of the default scheme
ITEMS = [
    ("tax_mu", "tax_paid", "land_mu", "1e-4"),
    ("va_mu", "value_added", "land_mu", "1e-4"),
    ("va_energy", "value_added", "energy_tce", "1e-4"),
    ("va_emission", "value_added", "emission", "1e-4"),
    ("labour", "value_added", "staff", "1e-4"),
    ("rd", "rd_expense", "revenue", "100.0"),
    ("tax_kwh", "tax_paid", "power_kwh", "1.0"),
]


def sql_text() -> str:
    pivot = ",\n        ".join(f"max(value) FILTER (WHERE indicator = '{f}') AS {f}" for f in FIELDS)
    values = ",\n        ".join(f"{_ratio(nu, de, sc)} AS v_{k}" for k, nu, de, sc in ITEMS)
    sums = ",\n        ".join(
        f"sum({nu}) FILTER (WHERE v_{k} IS NOT NULL) / sum({de}) FILTER (WHERE v_{k} IS NOT NULL) * {sc} AS b_{k}"
        for k, nu, de, sc in ITEMS
    )
    w_tax = "CASE WHEN cand = 0 THEN 30.0 ELSE 50.0 END"
    g = {"va_mu": "20.0", "va_energy": "20.0", "va_emission": "10.0", "labour": "10.0", "rd": "10.0"}
    scores = [f"{_score('v_tax_mu', 'b_tax_mu', w_tax)} AS s_tax_mu"]
    scores += [f"CASE WHEN cand = 0 THEN {_score(f'v_{k}', f'b_{k}', w)} END AS s_{k}" for k, w in g.items()]
    scores += [f"CASE WHEN cand > 0 THEN {_score('v_tax_kwh', 'b_tax_kwh', '50.0')} END AS s_tax_kwh"]
    c = _cum_bounds()
    return f"""
CREATE TABLE sql_result AS
WITH f AS (
    SELECT uscc,
        {pivot}
    FROM fact WHERE period = '{PERIOD}' AND NOT superseded GROUP BY uscc
), p AS (
    SELECT uscc, max(value) AS prev_above_scale FROM fact
    WHERE period = '{PREV}' AND NOT superseded AND indicator = 'above_scale' GROUP BY uscc
), d AS (
    SELECT e.uscc, e.registered_on, f.* EXCLUDE (uscc), p.prev_above_scale,
        TRY_CAST(substr(regexp_extract(trim(e.industry_code), '^[A-T]?(\\d{{2,4}})$', 1), 1, 2) AS INTEGER)
            AS industry2,
        CASE WHEN land_own_mu IS NULL AND land_leased_out_mu IS NULL AND land_leased_in_mu IS NULL THEN NULL
             ELSE coalesce(land_own_mu, 0.0) + coalesce(-land_leased_out_mu, 0.0) + coalesce(land_leased_in_mu, 0.0)
        END AS land_mu,
        coalesce(emission_t, CASE WHEN cod_t IS NULL AND nh3n_t IS NULL AND so2_t IS NULL AND nox_t IS NULL
            THEN NULL ELSE coalesce(cod_t, 0.0) + coalesce(nh3n_t, 0.0) + coalesce(so2_t, 0.0) + coalesce(nox_t, 0.0)
        END) AS emission,
        coalesce(land_own_mu, 0.0) - coalesce(land_leased_out_mu, 0.0) AS own_land
    FROM enterprise e LEFT JOIN f USING (uscc) LEFT JOIN p USING (uscc)
), c AS (
    SELECT *, CASE
        WHEN above_scale = 1 THEN 0
        WHEN coalesce(above_scale, 0) = 0 AND own_land <= 0 AND land_leased_in_mu > 0 THEN 1
        WHEN coalesce(above_scale, 0) = 0 AND land_mu >= 3 THEN 2
    END AS cand FROM d
), t AS (
    SELECT *, {T_SQL.format(land_missing=T_LAND_MISSING, land_nonpos=T_LAND_NONPOS)} AS t_reason FROM c
), v AS (
    SELECT *,
        {values}
    FROM t WHERE t_reason IS NULL
), b AS (
    SELECT cand,
        {sums}
    FROM v GROUP BY cand
), s AS (
    SELECT v.*, {", ".join(scores)}
    FROM v JOIN b USING (cand)
), base AS (
    SELECT *, CASE WHEN cand = 0
        THEN coalesce(s_tax_mu, 0.0) + coalesce(s_va_mu, 0.0) + coalesce(s_va_energy, 0.0)
             + coalesce(s_va_emission, coalesce(avg(s_va_emission) OVER (PARTITION BY cand), 0.0))
             + coalesce(s_labour, 0.0) + coalesce(s_rd, 0.0)
        ELSE coalesce(s_tax_mu, 0.0) + coalesce(s_tax_kwh, 0.0) END AS base_score
    FROM s
), adj AS (
    SELECT *, CASE WHEN cand = 0 THEN least(
            CASE WHEN rd_expense / nullif(revenue, 0) >= 0.03 THEN 2.0 ELSE 0.0 END
            + CASE WHEN above_scale = 1 AND prev_above_scale = 0 THEN 0.05 * base_score ELSE 0.0 END, 5.0)
        ELSE 0.0 END AS adjustment
    FROM base
), total AS (SELECT *, base_score + adjustment AS score FROM adj
), ranked AS (
    SELECT uscc, cand, base_score, adjustment, score,
        rank() OVER (PARTITION BY cand ORDER BY score DESC) AS rank,
        count(*) OVER (PARTITION BY cand) AS list_size,
        count(*) OVER (PARTITION BY cand, score) AS tied
    FROM total
), classed AS (
    SELECT *, CASE
        WHEN rank + (tied - 1) / 2.0 <= {c[0]} * list_size + 1e-9 THEN 'A'
        WHEN rank + (tied - 1) / 2.0 <= {c[1]} * list_size + 1e-9 THEN 'B'
        WHEN rank + (tied - 1) / 2.0 <= {c[2]} * list_size + 1e-9 THEN 'C'
        ELSE 'D' END AS class_initial
    FROM ranked
), out AS (
    SELECT t.uscc, t.t_reason, t.land_mu, r.base_score, r.adjustment, r.score, r.rank, r.list_size,
        ['规上', '租赁', '规下'][r.cand + 1] AS list_id,
        coalesce(r.class_initial, 'T') AS class_initial,
        CASE WHEN r.uscc IS NULL THEN 'T'
             WHEN t.dishonest = 1 THEN 'D'
             WHEN (t.safety_accident = 1 OR t.env_accident = 1) AND r.class_initial IN ('A', 'B') THEN 'C'
             WHEN ((t.above_scale = 1 AND t.prev_above_scale = 0) OR t.major_project = 1)
                  AND r.class_initial = 'D' THEN 'C'
             ELSE r.class_initial END AS class_final,
        t.power_kwh, t.water_t, t.energy_tce,
        coalesce(t.land_use_tax, t.land_mu * 666.667 * 4) AS land_tax_base
    FROM t LEFT JOIN classed r USING (uscc)
)
SELECT uscc, list_id, t_reason, land_mu, base_score, adjustment, score, rank, list_size, class_initial,
    class_final,
    CASE class_final WHEN 'C' THEN power_kwh * 0.05 WHEN 'D' THEN power_kwh * 0.3 ELSE 0.0 END
        AS electricity_surcharge,
    CASE class_final WHEN 'D' THEN water_t * 1.0 ELSE 0.0 END AS water_surcharge,
    CASE class_final WHEN 'A' THEN land_tax_base * 1.0 WHEN 'B' THEN land_tax_base * 0.5 ELSE 0.0 END
        AS land_tax_rebate,
    CASE class_final WHEN 'C' THEN energy_tce * -0.05 WHEN 'D' THEN energy_tce * -0.1 ELSE 0.0 END
        AS energy_quota
FROM out ORDER BY uscc
"""


def run_sql(con) -> None:
    con.execute("BEGIN TRANSACTION")
    con.execute(sql_text())
    con.execute("COMMIT")


# ------------------------------------------------------------------------------------------------ polars
def _pl_ratio(num: str, den: str, scale: float) -> pl.Expr:
    return pl.when(pl.col(num).is_not_null() & (pl.col(den) > 0)).then(pl.col(num) / pl.col(den) * scale)


def _pl_score(v: str, b: str, w) -> pl.Expr:
    r = pl.col(v) / pl.col(b)
    w = pl.lit(w) if not isinstance(w, pl.Expr) else w
    return (
        pl.when(pl.col(v).is_null())
        .then(None)
        .when(~((pl.col(b) > 0) & pl.col(b).is_finite()))
        .then(w * 0.0)
        .when(r > 2.0)
        .then(w * 2.0)
        .when(r < 0.0)
        .then(w * 0.0)
        .otherwise(w * r)
    )


def run_polars(con) -> None:
    """The default scheme as vectorised polars: read facts from the store, compute, write `polars_result`."""
    from gaoxin.store.imports import staged

    facts = con.sql(
        "SELECT uscc, indicator, value FROM fact WHERE period = ? AND NOT superseded", params=[PERIOD]
    ).pl()
    prev = con.sql(
        "SELECT uscc, value AS prev_above_scale FROM fact "
        "WHERE period = ? AND NOT superseded AND indicator = 'above_scale'",
        params=[PREV],
    ).pl()
    ent = con.sql("SELECT uscc, industry_code, registered_on FROM enterprise").pl()
    wide = facts.pivot(on="indicator", index="uscc", values="value", aggregate_function="first")
    missing = [f for f in FIELDS if f not in wide.columns]
    wide = wide.with_columns(*[pl.lit(None, dtype=pl.Float64).alias(f) for f in missing])
    col = pl.col
    d = (
        ent.join(wide, on="uscc", how="left")
        .join(prev, on="uscc", how="left")
        .with_columns(
            col("industry_code")
            .str.strip_chars()
            .str.extract(r"^[A-T]?(\d{2,4})$", 1)
            .str.slice(0, 2)
            .cast(pl.Int32, strict=False)
            .alias("industry2"),
            pl.when(
                col("land_own_mu").is_null()
                & col("land_leased_out_mu").is_null()
                & col("land_leased_in_mu").is_null()
            )
            .then(None)
            .otherwise(
                col("land_own_mu").fill_null(0.0)
                + (-col("land_leased_out_mu")).fill_null(0.0)
                + col("land_leased_in_mu").fill_null(0.0)
            )
            .alias("land_mu"),
            pl.coalesce(
                col("emission_t"),
                pl.when(pl.all_horizontal(col(x).is_null() for x in ("cod_t", "nh3n_t", "so2_t", "nox_t")))
                .then(None)
                .otherwise(
                    col("cod_t").fill_null(0.0)
                    + col("nh3n_t").fill_null(0.0)
                    + col("so2_t").fill_null(0.0)
                    + col("nox_t").fill_null(0.0)
                ),
            ).alias("emission"),
            (col("land_own_mu").fill_null(0.0) - col("land_leased_out_mu").fill_null(0.0)).alias("own_land"),
        )
    )
    not_above = col("above_scale").fill_null(0.0) == 0
    d = d.with_columns(
        pl.when(col("above_scale") == 1)
        .then(0)
        .when(not_above & (col("own_land") <= 0) & (col("land_leased_in_mu") > 0))
        .then(1)
        .when(not_above & (col("land_mu") >= 3))
        .then(2)
        .alias("cand")
    )
    d = d.with_columns(
        pl.when(col("industry2").is_in([44, 45, 46]))
        .then(pl.lit("电力、热力、燃气及水生产和供应业（D44–D46），暂不评价"))
        .when(col("registered_on") > pl.date(2023, 12, 31))
        .then(pl.lit("成立不满2年（至评价期末），暂不评价"))
        .when(col("land_mu").is_null())
        .then(pl.lit(T_LAND_MISSING))
        .when(col("land_mu") <= 0)
        .then(pl.lit(T_LAND_NONPOS))
        .when(col("cand").is_null())
        .then(pl.lit("规下企业用地面积不足3亩，不在评价范围"))
        .alias("t_reason")
    )
    v = d.filter(col("t_reason").is_null()).with_columns(
        *[_pl_ratio(nu, de, float(sc)).alias(f"v_{k}") for k, nu, de, sc in ITEMS]
    )
    bench = v.group_by("cand").agg(
        *[
            (
                col(nu).filter(col(f"v_{k}").is_not_null()).sum()
                / col(de).filter(col(f"v_{k}").is_not_null()).sum()
                * float(sc)
            ).alias(f"b_{k}")
            for k, nu, de, sc in ITEMS
        ]
    )
    v = v.join(bench, on="cand", how="left")
    w_tax = pl.when(col("cand") == 0).then(30.0).otherwise(50.0)
    g = {"va_mu": 20.0, "va_energy": 20.0, "va_emission": 10.0, "labour": 10.0, "rd": 10.0}
    v = v.with_columns(
        _pl_score("v_tax_mu", "b_tax_mu", w_tax).alias("s_tax_mu"),
        *[
            pl.when(col("cand") == 0).then(_pl_score(f"v_{k}", f"b_{k}", w)).alias(f"s_{k}")
            for k, w in g.items()
        ],
        pl.when(col("cand") > 0).then(_pl_score("v_tax_kwh", "b_tax_kwh", 50.0)).alias("s_tax_kwh"),
    )
    em_mean = col("s_va_emission").mean().over("cand").fill_null(0.0)
    v = v.with_columns(
        pl.when(col("cand") == 0)
        .then(
            col("s_tax_mu").fill_null(0.0)
            + col("s_va_mu").fill_null(0.0)
            + col("s_va_energy").fill_null(0.0)
            + col("s_va_emission").fill_null(em_mean)
            + col("s_labour").fill_null(0.0)
            + col("s_rd").fill_null(0.0)
        )
        .otherwise(col("s_tax_mu").fill_null(0.0) + col("s_tax_kwh").fill_null(0.0))
        .alias("base_score")
    )
    rd = pl.when(col("revenue") != 0).then(col("rd_expense") / col("revenue"))
    new_above = (col("above_scale") == 1) & (col("prev_above_scale") == 0)
    v = v.with_columns(
        pl.when(col("cand") == 0)
        .then(
            pl.min_horizontal(
                pl.when(rd >= 0.03).then(2.0).otherwise(0.0)
                + pl.when(new_above).then(0.05 * col("base_score")).otherwise(0.0),
                pl.lit(5.0),
            )
        )
        .otherwise(0.0)
        .alias("adjustment")
    ).with_columns((col("base_score") + col("adjustment")).alias("score"))
    c = _cum_bounds()
    ravg = col("score").rank("average", descending=True).over("cand")
    n = pl.len().over("cand").cast(pl.Float64)
    v = v.with_columns(
        col("score").rank("min", descending=True).over("cand").cast(pl.Int32).alias("rank"),
        pl.len().over("cand").cast(pl.Int32).alias("list_size"),
        pl.when(ravg <= float(c[0]) * n + 1e-9)
        .then(pl.lit("A"))
        .when(ravg <= float(c[1]) * n + 1e-9)
        .then(pl.lit("B"))
        .when(ravg <= float(c[2]) * n + 1e-9)
        .then(pl.lit("C"))
        .otherwise(pl.lit("D"))
        .alias("class_initial"),
    ).select("uscc", "cand", "base_score", "adjustment", "score", "rank", "list_size", "class_initial")
    out = d.join(v, on="uscc", how="left", suffix="_r")
    ci = col("class_initial")
    final = (
        pl.when(ci.is_null())
        .then(pl.lit("T"))
        .when(col("dishonest") == 1)
        .then(pl.lit("D"))
        .when(((col("safety_accident") == 1) | (col("env_accident") == 1)) & ci.is_in(["A", "B"]))
        .then(pl.lit("C"))
        .when((new_above | (col("major_project") == 1)) & (ci == "D"))
        .then(pl.lit("C"))
        .otherwise(ci)
    )
    land_tax = pl.coalesce(col("land_use_tax"), col("land_mu") * 666.667 * 4)
    out = (
        out.with_columns(final.alias("class_final"))
        .with_columns(
            pl.when(col("class_final") == "C")
            .then(col("power_kwh") * 0.05)
            .when(col("class_final") == "D")
            .then(col("power_kwh") * 0.3)
            .otherwise(0.0)
            .alias("electricity_surcharge"),
            pl.when(col("class_final") == "D")
            .then(col("water_t") * 1.0)
            .otherwise(0.0)
            .alias("water_surcharge"),
            pl.when(col("class_final") == "A")
            .then(land_tax * 1.0)
            .when(col("class_final") == "B")
            .then(land_tax * 0.5)
            .otherwise(0.0)
            .alias("land_tax_rebate"),
            pl.when(col("class_final") == "C")
            .then(col("energy_tce") * -0.05)
            .when(col("class_final") == "D")
            .then(col("energy_tce") * -0.1)
            .otherwise(0.0)
            .alias("energy_quota"),
            pl.lit(["规上", "租赁", "规下"]).list.get(col("cand_r"), null_on_oob=True).alias("list_id"),
            ci.fill_null("T"),
        )
        .select(
            "uscc",
            "list_id",
            "t_reason",
            "land_mu",
            "base_score",
            "adjustment",
            "score",
            "rank",
            "list_size",
            "class_initial",
            "class_final",
            *POLICIES,
        )
        .sort("uscc")
    )
    con.execute("BEGIN TRANSACTION")
    with staged(con, "staged_polars", out):
        con.execute("CREATE TABLE polars_result AS SELECT * FROM staged_polars")
    con.execute("COMMIT")


# ------------------------------------------------------------------------------------------------ one contender
def peak_rss_gib() -> float:
    """This process's own resident high-water mark. Not `ru_maxrss`: Linux carries a parent's high-water mark
    over fork and exec into the child's, so every contender started after the parent had checked the outputs
    (polars frames of 1M rows) reported the parent's ~1.85 GiB instead of its own."""
    try:
        with open("/proc/self/status") as f:
            line = next(x for x in f if x.startswith("VmHWM:"))
        return int(line.split()[1]) / 2**20  # kB
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def contender(name: str, path: Path) -> dict:
    """Run one contender on the store at `path` (in this fresh process); seconds from open to close."""
    from gaoxin.evaluations.mujun import run_mujun
    from gaoxin.store import connect

    rss0 = peak_rss_gib()
    t = time.perf_counter()
    con = connect(path)
    stages: dict[str, float] = {}
    run_id = None
    if name == "gaoxin":
        outcome = run_mujun(con, SCHEME, PERIOD)
        stages, run_id = dict(outcome.seconds), outcome.run_id
    elif name == "sql":
        run_sql(con)
    else:
        run_polars(con)
    t_close = time.perf_counter()
    con.close()
    stages["close"] = time.perf_counter() - t_close
    seconds = time.perf_counter() - t
    found = {}
    if name == "gaoxin":  # the run exists now: how long `evaluate` takes to find it again (not in `seconds`)
        try:
            from gaoxin.evaluations.runs import stored_run_id
        except ImportError:  # code from before the CLI's shortcut (PYTHONPATH of an older src)
            stored_run_id = None
        con = connect(path)
        finders = [("run_mujun", lambda: run_mujun(con, SCHEME, PERIOD).run_id)]
        if stored_run_id is not None:
            finders.append(("stored_run_id", lambda: stored_run_id(con, SCHEME, PERIOD, "mujun")))
        for label, find in finders:
            t_found = time.perf_counter()
            assert find() == run_id, label
            found[label] = time.perf_counter() - t_found
        con.close()
    return {
        "seconds": seconds,
        "rss": peak_rss_gib(),
        "rss0": rss0,
        "stages": stages,
        "run_id": run_id,
        "found": found,
    }


# ------------------------------------------------------------------------------------------------ checks
def compare(path_g: Path, run_id: str, path_sql: Path, path_pl: Path) -> list[str]:
    """Differences between gaoxin's stored run and each baseline's table (empty list = equal)."""
    import duckdb

    con = duckdb.connect(str(path_g), read_only=True)
    g = con.sql(
        "SELECT uscc, list_id, CASE WHEN class_final = 'T' THEN reasons END AS t_reason, land_mu, base_score, "
        "adjustment, score, rank, list_size, class_initial, class_final FROM run_result WHERE run_id = ? "
        "ORDER BY uscc",
        params=[run_id],
    ).pl()
    pol = con.sql(
        "SELECT uscc, substr(item, 8) AS policy, value FROM run_item WHERE run_id = ? AND item LIKE 'policy.%'",
        params=[run_id],
    ).pl()
    con.close()
    wide = pol.pivot(on="policy", index="uscc", values="value") if pol.height else pl.DataFrame({"uscc": []})
    g = g.join(wide, on="uscc", how="left").with_columns(
        *[
            (pl.col(p) if p in wide.columns else pl.lit(None, dtype=pl.Float64)).fill_null(0.0).alias(p)
            for p in POLICIES
        ]
    )
    moved = g.filter(pl.col("class_final") != pl.col("class_initial")).height
    classes = g.group_by("class_final").len().sort("class_final")
    print(
        "checked firms: "
        + ", ".join(f"{c} {k:,}" for c, k in classes.iter_rows())
        + f"; T reasons {g['t_reason'].n_unique() - 1}; moved by protections/vetoes {moved:,}; "
        f"bonus given {g.filter(pl.col('adjustment') > 0).height:,}"
    )
    problems = []
    for label, path, table in (("DuckDB SQL", path_sql, "sql_result"), ("polars", path_pl, "polars_result")):
        con = duckdb.connect(str(path), read_only=True)
        b = con.sql(f"SELECT * FROM {table} ORDER BY uscc").pl()
        con.close()
        # gaoxin keeps policy lines with a non-zero amount only: a missing base counts as 0 there
        b = b.with_columns(*[pl.col(p).fill_nan(None).fill_null(0.0) for p in POLICIES])
        problems += [f"{label}: {p}" for p in diff_frames(g, b)]
    return problems


def diff_frames(g: pl.DataFrame, b: pl.DataFrame, tol: float = 1e-9) -> list[str]:
    """Column-by-column differences of two result frames in the same uscc order."""
    if g.height != b.height or not (g["uscc"] == b["uscc"]).all():
        return [f"different firms ({g.height} vs {b.height})"]
    out = []
    for c in ("list_id", "t_reason", "rank", "list_size", "class_initial", "class_final"):
        x, y = g[c].cast(b[c].dtype) if c in ("rank", "list_size") else g[c], b[c]
        bad = ~(x.eq_missing(y))
        if bad.any():
            i = int(bad.arg_max())
            out.append(f"{c}: {int(bad.sum())} firms differ (first {g['uscc'][i]}: {x[i]!r} vs {y[i]!r})")
    for c in ("land_mu", "base_score", "adjustment", "score", *POLICIES):
        x, y = g[c].to_numpy().astype(float), b[c].to_numpy().astype(float)
        same_nan = np.isnan(x) == np.isnan(y)
        with np.errstate(invalid="ignore"):
            close = np.isnan(x) | (np.abs(x - y) <= tol * np.maximum(1.0, np.abs(x)))
        bad = ~(same_nan & close)
        if bad.any():
            i = int(np.argmax(bad))
            out.append(f"{c}: {int(bad.sum())} firms differ (first {g['uscc'][i]}: {x[i]!r} vs {y[i]!r})")
    return out


# ------------------------------------------------------------------------------------------------ the floor
def memory_bandwidth(mib: int = 512, repeat: int = 5) -> float:
    """Bytes per second of a numpy copy of a large array (best of `repeat`)."""
    a = np.ones(mib * 2**20 // 8)
    b = np.empty_like(a)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        np.copyto(b, a)
        best = min(best, time.perf_counter() - t)
    return a.nbytes / best


def io_bytes(path: Path, run_id: str) -> tuple[int, int]:
    """(bytes a run must read, bytes gaoxin's run wrote), as uncompressed columns."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    facts = con.sql(
        "SELECT uscc, period, indicator, value, superseded FROM fact WHERE period IN (?, ?)",
        params=[PERIOD, PREV],
    ).pl()
    firms = con.sql("SELECT uscc, town, industry_code, registered_on FROM enterprise").pl()
    read = facts.estimated_size() + firms.estimated_size()
    written = (
        con.sql("SELECT * FROM run_result WHERE run_id = ?", params=[run_id]).pl().estimated_size()
        + con.sql("SELECT * FROM run_trace WHERE run_id = ?", params=[run_id]).pl().estimated_size()
    )
    con.close()
    return read, written


# ------------------------------------------------------------------------------------------------ main
def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs"


def child(args: list[str]) -> dict:
    """Run this file in a fresh process; its last output line is a JSON answer (or nothing)."""
    done = subprocess.run([sys.executable, __file__, *args], check=True, stdout=subprocess.PIPE, text=True)
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firms", type=int, default=1_000_000)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--build", type=Path, help=argparse.SUPPRESS)  # child: build the store and exit
    ap.add_argument("--contender", choices=("gaoxin", "sql", "polars"), help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    from gaoxin.runtime import keep_freed_memory

    keep_freed_memory()  # as the gaoxin command does at start (every contender runs with it)
    if args.build:
        load_store(args.build, args.firms)
        return
    if args.contender:
        print(json.dumps(contender(args.contender, args.db)))
        return

    bad = check_scheme()
    if bad:
        print("the baselines no longer match the default scheme in: " + "; ".join(bad))
        print("(the comparison below would not be of the same scheme: fix the baselines first)")
        sys.exit(1)
    print(f"亩均 `{SCHEME}` scheme, {args.firms:,} firms; {load()}")
    names = ("gaoxin", "sql", "polars")
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template.duckdb"
        t = time.perf_counter()
        child(["--build", str(template), "--firms", str(args.firms)])
        print(
            f"store built (child process) in {time.perf_counter() - t:.1f} s: "
            f"{template.stat().st_size / 2**20:.0f} MiB"
        )
        times: dict[str, list[float]] = {k: [] for k in names}
        warm: dict[str, list[float]] = {k: [] for k in names}
        info: dict[str, dict] = {}
        found: dict[str, list[float]] = {}  # finding the run again once it exists, per way, every round
        load_before = load()
        for rnd in range(args.warmup + args.repeat):
            for name in names:
                path = Path(tmp) / f"{name}.duckdb"
                shutil.copyfile(template, path)
                wal = template.with_suffix(".duckdb.wal")
                if wal.exists():
                    shutil.copyfile(wal, path.with_suffix(".duckdb.wal"))
                got = child(["--contender", name, "--db", str(path)])
                (warm if rnd < args.warmup else times)[name].append(got["seconds"])
                info.setdefault(name, got)
                info[name]["rss"] = max(info[name]["rss"], got["rss"])
                for label, secs in got.get("found", {}).items():
                    found.setdefault(label, []).append(secs)
            if rnd == 0:  # check the outputs of the first round before any time is printed
                problems = compare(
                    Path(tmp) / "gaoxin.duckdb",
                    info["gaoxin"]["run_id"],
                    Path(tmp) / "sql.duckdb",
                    Path(tmp) / "polars.duckdb",
                )
                if problems:
                    print("outputs differ from gaoxin's — no times printed:")
                    print("\n".join("  " + p for p in problems))
                    sys.exit(1)
                print(
                    "outputs checked equal to gaoxin's stored run (list, T reason, land, base, adjustment, "
                    "score and policy amounts to 1e-9; rank, list size and classes exactly)"
                )
                read, written = io_bytes(Path(tmp) / "gaoxin.duckdb", info["gaoxin"]["run_id"])
        load_after = load()
    bw = memory_bandwidth()
    floor = (read + written) / bw
    print(
        f"timings: {args.warmup} warm-up round(s) (not counted), then {args.repeat} repetitions, interleaved"
    )
    print(f"  before: {load_before}")
    print(f"  after:  {load_after}")
    titles = {
        "gaoxin": "gaoxin run_mujun (full trace)",
        "sql": "plain DuckDB SQL (no trace)",
        "polars": "polars",
    }
    print(
        f"{'contender':<32}{'warm-up s':>10}{'min s':>8}{'median s':>10}{'peak RSS GiB':>14}{'base GiB':>10}"
    )
    for name in names:
        w = ", ".join(f"{x:.2f}" for x in warm[name]) or "—"
        print(
            f"{titles[name]:<32}{w:>10}{min(times[name]):>8.2f}{statistics.median(times[name]):>10.2f}"
            f"{info[name]['rss']:>14.2f}{info[name]['rss0']:>10.2f}"
        )
    print(
        "  gaoxin stages (first run): "
        + ", ".join(f"{k} {v:.2f} s" for k, v in info["gaoxin"]["stages"].items())
    )
    print(
        "  the existing run found again (store reopened, same process; goal ≤ 50 ms): "
        + ", ".join(
            f"{label} min {min(v) * 1000:.1f} / median {statistics.median(v) * 1000:.1f} ms"
            for label, v in found.items()
        )
    )
    print(
        f"I/O floor: read {read / 2**20:.0f} MiB + written {written / 2**20:.0f} MiB at {bw / 2**30:.1f} GiB/s "
        f"(numpy copy of 512 MiB) = {floor:.3f} s"
    )
    g = statistics.median(times["gaoxin"])
    r_sql = g / statistics.median(times["sql"])
    r_floor = g / floor
    rss = info["gaoxin"]["rss"]
    print("goals (medians):")
    print(f"  gaoxin / DuckDB SQL = {r_sql:.2f}× (goal ≤ 2×) {verdict(r_sql <= 2)}")
    print(f"  gaoxin / I/O floor  = {r_floor:.1f}× (goal ≤ 6×) {verdict(r_floor <= 6)}")
    print(f"  gaoxin peak RSS     = {rss:.2f} GiB (goal ≤ 1.5 GiB) {verdict(rss <= 1.5)}")
    print(
        f"  (polars / DuckDB SQL = {statistics.median(times['polars']) / statistics.median(times['sql']):.2f}×)"
    )


if __name__ == "__main__":
    main()
