"""Thin adapters from the web to the evaluations (start a run, what-if), with errors as plain messages.

Errors come back as `ServiceError` with the evaluation's own message, for the page to show.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import duckdb

from gaoxin.schemes import Scheme, SchemeError, list_builtin, parse_scheme
from gaoxin.store import runs as store_runs


class ServiceError(ValueError):
    """Something the user can act on (no data for that year, unknown scheme …)."""


def start_run(con: duckdb.DuckDBPyConnection, scheme_id: str, period: str) -> tuple[str, bool]:
    """Run a built-in scheme of any kind (亩均, 培育, 园区对标) through the one run recipe; (run id, created).
    Only built-in ids: a web form must not name arbitrary files on the server."""
    from gaoxin.evaluations import runs
    from gaoxin.schemes import FormulaError

    if scheme_id not in {s.id for s in list_builtin()}:
        raise ServiceError(f"未知方案「{scheme_id}」")
    if not (len(period) == 4 and period.isdigit()):
        raise ServiceError(f"年度应为四位数字，实际为「{period}」")
    try:
        outcome = runs.run(con, scheme_id, period)
    except (runs.RunError, SchemeError, FormulaError) as exc:
        raise ServiceError(str(exc)) from exc
    return outcome.run_id, outcome.created


def run_workbook(con: duckdb.DuckDBPyConnection, run: dict, out: Path) -> tuple[Path, str]:
    """The run's workbook as its kind writes it, and the file name to offer (亩均评价_2025_<run>.xlsx)."""
    from gaoxin.evaluations import runs

    kind = runs.kind_of_run(run)
    return kind.workbook(con, run, out), f"{kind.workbook_name}_{run['period']}_{run['run_id']}.xlsx"


@lru_cache(maxsize=32)
def scheme_of(sha256: str, text: str) -> Scheme:
    """Parsed scheme of a stored text (runs keep the exact text they used)."""
    return parse_scheme(text, sha256[:12])


_TEXTS: dict[str, str] = {}  # sha256 → scheme text: a stored text never changes under its hash


def stored_scheme(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple[str, Scheme] | None:
    text = _TEXTS.get(sha256)
    if text is None:
        text = store_runs.scheme_text(con, sha256)
        if text is None:
            return None
        if len(_TEXTS) < 256:
            _TEXTS[sha256] = text
    return text, scheme_of(sha256, text)


def what_if(con: duckdb.DuckDBPyConnection, run: dict, uscc: str, target: str) -> dict:
    """The smallest single-item changes that lift the firm to `target` (re-evaluates the run's data)."""
    from gaoxin.evaluations.mujun.explain import what_if_answer
    from gaoxin.evaluations.runs import RunError

    try:
        return what_if_answer(con, run, uscc, target)
    except RunError as exc:
        raise ServiceError(str(exc)) from exc


def explain(con: duckdb.DuckDBPyConnection, run: dict, uscc: str) -> dict | None:
    """One firm of a stored run, explained by the run's kind (the CLI's `gaoxin explain`), JSON-ready."""
    from gaoxin.evaluations import runs
    from gaoxin.jsonable import jsonable

    info = runs.explain(con, run, uscc)
    return None if info is None else jsonable(info)


@lru_cache(maxsize=32)
def stored_item_meta(sha256: str, text: str) -> dict[str, dict]:
    """`item_meta` of a stored scheme, worked once per text (the 画像 shows it on every page; read only)."""
    return item_meta(scheme_of(sha256, text))


def item_meta(scheme: Scheme) -> dict[str, dict]:
    """Per run-item key (`<list>.<indicator>`): English title and the field whose unit its numerator and
    denominator are in (when the expression only adds fields of one unit), so the page can show 万元 / 亩."""
    out = {}
    for lst in scheme.lists:
        for ind in lst.indicator:
            out[f"{lst.id}.{ind.id}"] = {
                "title_en": ind.title_en,
                "numerator_field": _unit_field(ind.numerator, scheme),
                "denominator_field": _unit_field(ind.denominator, scheme) if ind.denominator else None,
            }
    return out


def _unit_field(expr: str, scheme: Scheme, depth: int = 0):
    """The Field giving the unit of an additive expression over fields of one unit, else None."""
    from gaoxin import fields as F
    from gaoxin.schemes import formula

    if depth > 5 or "*" in expr or "/" in expr:
        return None
    derived = dict(scheme.variables)
    derived.setdefault("land_mu", scheme.population.land)
    try:
        names = formula.parse(expr).names
    except Exception:  # noqa: BLE001 - a display nicety: unknown shapes keep raw numbers
        return None
    found = []
    for name in names:
        if name in F.BY_NAME:
            found.append(F.BY_NAME[name])
        elif name in derived:
            sub = _unit_field(derived[name], scheme, depth + 1)
            if sub is None:
                return None
            found.append(sub)
        else:
            return None
    units = {f.unit for f in found}
    return (
        found[0]
        if len(units) == 1
        and found[0].quantity in ("money", "area", "energy", "power", "mass", "count", "water")
        else None
    )
