"""Reading cultivation runs back: the pool (培育库), the expiring certificates and the ladder (科小 → 创新型 →
专精特新 → 小巨人, 高企 alongside) over the built-in tier schemes."""

from __future__ import annotations

import duckdb
import polars as pl

from gaoxin.store import cultivation as store_cultivation

from .types import VERDICTS

# The ladder, lowest first; 高企 runs alongside. Built-in scheme per tier.
LADDER = (
    ("tsme", "tsme-2022", "科技型中小企业"),
    ("innovative", "innovative-sme-2022", "创新型中小企业"),
    ("srdi", "srdi-sme-2022", "专精特新中小企业"),
    ("little_giant", "little-giant-2022", "专精特新“小巨人”企业"),
)
HNTE = ("hnte", "hnte-2016", "高新技术企业")
BUILTIN = tuple(s for _, s, _ in LADDER) + (HNTE[1],)
# a tier counts as reached only when the tier it grows from is reached too (科小 and 创新型 are both first tiers)
PREREQUISITE = {"tsme": None, "innovative": None, "srdi": "innovative", "little_giant": "srdi"}


# ---------------------------------------------------------------------------------------------------------
# reading runs back
def pool(con: duckdb.DuckDBPyConnection, run_id: str, include_pass: bool = False) -> pl.DataFrame:
    """The 培育库 of a run: firms in the population that do not hold the title (or hold an expiring one),
    closest first, with the number of failing conditions and the gap texts."""
    return store_cultivation.pool(con, run_id, include_pass)


def certificates(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """Certificates held (HNTE runs): issue year, expiry year, status and today's verdict, expiring first."""
    return store_cultivation.certificates(con, run_id)


def ladder(con: duckdb.DuckDBPyConnection, period: str, stored: dict[str, str] | None = None) -> dict:
    """Highest tier reached per firm and the next tier's verdict and gaps. Runs the built-in schemes (an
    identical stored run is found, not repeated), or reads the given stored runs (scheme id → run id: the web
    reads, it never computes)."""
    from . import run_cultivation

    runs = {}
    for tier, sid, title in (*LADDER, HNTE):
        run_id = stored[sid] if stored is not None else run_cultivation(con, sid, period).run_id
        runs[tier] = (sid, title, run_id)
    wide = store_cultivation.ladder_firms(con)
    for tier, (_sid, _title, rid) in runs.items():
        res = store_cultivation.tier_results(con, rid)
        wide = wide.join(
            res.rename(
                {
                    "class_final": f"{tier}_verdict",
                    "reasons": f"{tier}_gaps",
                    "list_id": f"{tier}_list",
                    "rank": f"{tier}_rank",
                }
            ),
            on="uscc",
            how="left",
        )
    tiers = [t for t, _, _ in LADDER]
    titles = dict((t, title) for t, _, title in LADDER)
    # reached: passes now, and the tier it grows from is reached too
    reached: dict[str, pl.Expr] = {}
    for tier in tiers:
        ok = (pl.col(f"{tier}_verdict") == "pass").fill_null(False)
        pre = PREREQUISITE[tier]
        reached[tier] = ok & reached[pre] if pre else ok
    level = pl.lit(-1)
    for k, tier in enumerate(tiers):
        level = pl.when(reached[tier]).then(pl.lit(k)).otherwise(level)
    wide = wide.with_columns(level.alias("level"))
    top = len(tiers) - 1
    nxt = pl.min_horizontal(pl.col("level") + 1, pl.lit(top))
    pick_v, pick_g = pl.lit(None, dtype=pl.Utf8), pl.lit(None, dtype=pl.Utf8)
    pick_r = pl.lit(None, dtype=pl.Int64)
    for k, tier in enumerate(tiers):
        pick_v = pl.when(nxt == k).then(pl.col(f"{tier}_verdict")).otherwise(pick_v)
        pick_g = pl.when(nxt == k).then(pl.col(f"{tier}_gaps")).otherwise(pick_g)
        pick_r = pl.when(nxt == k).then(pl.col(f"{tier}_rank").cast(pl.Int64)).otherwise(pick_r)
    at_top = pl.col("level") == top
    name_of = {k: t for k, t in enumerate(tiers)}
    title_of = {k: titles[t] for k, t in enumerate(tiers)}
    firms = wide.filter(
        pl.any_horizontal([pl.col(f"{t}_list").is_not_null() for t in (*tiers, "hnte")])
    ).select(
        "uscc",
        "name",
        "town",
        "level",
        pl.col("level").replace_strict(name_of, default=None, return_dtype=pl.Utf8).alias("highest"),
        pl.col("level")
        .replace_strict(title_of, default="未达任何梯度", return_dtype=pl.Utf8)
        .alias("highest_title"),
        pl.when(at_top).then(None).otherwise(nxt.replace_strict(name_of, return_dtype=pl.Utf8)).alias("next"),
        pl.when(at_top)
        .then(None)
        .otherwise(nxt.replace_strict(title_of, return_dtype=pl.Utf8))
        .alias("next_title"),
        pl.when(at_top).then(None).otherwise(pick_v).alias("next_verdict"),
        pl.when(at_top).then(None).otherwise(pick_g).alias("next_gaps"),
        pl.when(at_top).then(None).otherwise(pick_r).alias("next_rank"),
        pl.col("hnte_verdict").alias("hnte"),
        pl.col("hnte_list").is_in(["已持证", "到期复审"]).fill_null(False).alias("hnte_holder"),
    )
    order = {v: k for k, v in enumerate(("near", "expert", "missing", "fail", "pass", "out"))}
    firms = (
        firms.with_columns(
            pl.col("next_verdict").replace_strict(order, default=9, return_dtype=pl.Int32).alias("_o")
        )
        .sort("_o", "level", "next_rank", "uscc", descending=[False, True, False, False], nulls_last=True)
        .drop("_o")
    )
    dist = {"未达任何梯度": int((firms["level"] < 0).sum())}
    for k, tier in enumerate(tiers):
        dist[titles[tier]] = int((firms["level"] == k).sum())
    return {
        "period": period,
        "tiers": [
            {"tier": t, "scheme": runs[t][0], "title": runs[t][1], "run_id": runs[t][2]}
            for t in (*tiers, "hnte")
        ],
        "distribution": dist,
        "hnte": {v: int((firms["hnte"] == v).sum()) for v in VERDICTS if v != "out"}
        | {"holders": int(firms["hnte_holder"].sum())},
        "firms": firms,
    }
