"""What the CLI, the pages and the JSON API show of the registries — one function per view, each reading the store
once and working the rest in Polars: the lists with filters, one platform with its review clock, the reviews due,
the 技术合同 dashboard, and one firm's registry section for its 画像."""

from __future__ import annotations

from datetime import date

import polars as pl

from gaoxin.registries import contracts as K
from gaoxin.registries.reviews import (
    calendar_in_force,
    clock,
    firm_platforms,
    provider_frame,
    review_frame,
    upcoming,
)
from gaoxin.registries.rules import rules_in_force
from gaoxin.store import registries as store

KIND_TITLES = {
    "platform": "创新平台",
    "contract": "技术合同",
    "talent": "人才",
    "provider": "科技服务载体",
    "hosted": "在孵企业",
}
# the text filters each list takes (column → what the user types matches exactly)
FILTERS = {
    "platform": ("kind", "level", "status_now", "town"),
    "contract": ("ctype", "year", "seller_town"),
    "talent": ("level", "programme", "mode", "town"),
    "provider": ("kind", "level", "town"),
    "hosted": ("provider_name", "town"),
}


class NotFound(LookupError):
    """No such record in force."""


def reviews(con, as_of: date, rules: dict | None = None) -> pl.DataFrame:
    rules = rules or rules_in_force(con)
    return review_frame(store.platforms(con), rules, as_of, calendar_in_force(con))


def providers(con, as_of: date, rules: dict | None = None) -> pl.DataFrame:
    """The 科技服务载体 in force with their evaluation cycle and next review as of the day."""
    return provider_frame(store.providers(con), rules or rules_in_force(con), as_of, calendar_in_force(con))


def providers_due(con, as_of: date, rules: dict | None = None, town: str | None = None) -> pl.DataFrame:
    """The 载体 whose next evaluation falls within the horizon, soonest first."""
    p = providers(con, as_of, rules)
    if town is not None:
        p = p.filter(pl.col("town") == town)
    return p.filter(pl.col("due_soon")).sort("next_review", "name")


def rows(
    con,
    kind: str,
    as_of: date,
    rules: dict | None = None,
    filters: dict[str, str | None] | None = None,
    query: str | None = None,
    town: str | None = None,
) -> pl.DataFrame:
    """One register in force (platforms with their review clock, contracts with their year), filtered: `filters`
    by exact value, `query` by name, `town` the scope of a town user (firms of other towns left out)."""
    if kind not in KIND_TITLES:
        raise ValueError(f"登记类型应为 {' / '.join(KIND_TITLES)} 之一，实际为「{kind}」")
    if kind == "platform":
        f = reviews(con, as_of, rules)
    elif kind == "contract":
        f = K.with_year(store.contracts(con))
    elif kind == "provider":
        f = providers(con, as_of, rules)
    else:
        f = {"talent": store.talent, "hosted": store.hosted}[kind](con)
    town_col = "seller_town" if kind == "contract" else "town"
    if town is not None:
        f = f.filter(pl.col(town_col) == town)
    for col, value in (filters or {}).items():
        if value in (None, "") or col not in f.columns:
            continue
        f = f.filter(pl.col(col).cast(pl.Utf8) == str(value))
    if query:
        names = [c for c in ("name", "contract_no", "title", "seller_name", "buyer_name", "host_name", "firm_name",
                             "employer_name", "provider_name") if c in f.columns]  # fmt: skip
        f = f.filter(
            pl.any_horizontal(pl.col(c).str.contains(query, literal=True).fill_null(False) for c in names)
        )
    return f


def choices(frame: pl.DataFrame, kind: str) -> dict[str, list[str]]:
    """The values each filter can take in the list as it is (for the filter form)."""
    return {
        c: sorted({str(v) for v in frame.get_column(c).drop_nulls().to_list()})
        for c in FILTERS[kind]
        if c in frame.columns
    }


def platform(con, name: str, as_of: date, rules: dict | None = None) -> dict:
    """One platform: its row in force with the review clock, every imported row of it, the host's other platforms."""
    r = reviews(con, as_of, rules).filter(pl.col("name") == name)
    if r.height == 0:
        raise NotFound(name)
    row = r.row(0, named=True)
    return {
        "platform": row,
        "clock": clock(row, as_of),
        "history": store.platform_history(con, name).to_dicts(),
    }


def due(con, as_of: date, rules: dict | None = None, town: str | None = None) -> pl.DataFrame:
    r = reviews(con, as_of, rules)
    if town is not None:
        r = r.filter(pl.col("town") == town)
    return upcoming(r)


def dashboard(con, rules: dict | None = None, year: int | None = None, town: str | None = None) -> dict:
    """技术合同 by year and type, the top sellers of the year, 人均技术合同成交额 and the unregistered-income list."""
    rules = rules or rules_in_force(con)
    c = store.contracts(con)
    if town is not None:
        c = c.filter(pl.col("seller_town") == town)
    years = sorted(K.with_year(c).get_column("year").unique().to_list()) if c.height else []
    year = year or (years[-1] if years else None)
    out = {"years": years, "year": year, "by_year_type": K.per_zone_year(c) if c.height else pl.DataFrame()}
    if year is None:
        return {**out, "firms": pl.DataFrame(), "per_capita": None, "unregistered": pl.DataFrame()}
    firms = K.per_firm_year(c).filter(pl.col("year") == year) if c.height else pl.DataFrame()
    unreg = K.unregistered(con, rules, year, c)
    if town is not None:
        unreg = unreg.filter(pl.col("town") == town)
    # the per-capita figure is a zone figure: a town user sees it only for the whole zone's data
    pc = K.per_capita(con, rules, year) if town is None else None
    return {**out, "firms": firms, "per_capita": pc, "unregistered": unreg}


def firm_section(
    con, uscc: str, as_of: date, may_see_talent: bool, rules: dict | None = None, registered=None
) -> dict:
    """A firm's registry rows for its 画像: platforms (with status as of the day), contracts, talent (only for a
    role that may see personal data: else only the count), the 载体 it is hosted by — frames, or empty lists
    with `empty` true for a firm in no register. `registered`: `store.registered_firms` when the caller keeps it."""
    found = store.firm_registry(con, uscc, registered)
    if found is None:  # in no register: the section is empty (no frames to build)
        return {"platforms": [], "level_code": 0, "contracts": [], "talent": [] if may_see_talent else None,
                "talent_count": 0, "hosted": [], "empty": True}  # fmt: skip
    plats = pl.DataFrame()
    if found["platform"].height:
        plats = review_frame(found["platform"], rules or rules_in_force(con), as_of, calendar_in_force(con))
    counted = firm_platforms(plats) if plats.height else pl.DataFrame()
    talent = found["talent"]
    return {
        "platforms": plats,
        "level_code": int(counted.get_column("level_code")[0]) if counted.height else 0,
        "contracts": found["contract"],
        "talent": talent if may_see_talent else None,
        "talent_count": talent.height,
        "hosted": found["hosted"],
        "empty": all(f.height == 0 for f in found.values()),
    }
