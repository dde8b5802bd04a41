"""Explaining a stored 亩均 run: the trace of one firm with its sources, and what-if answers.

Shared by the CLI and the web app; raises `RunError` with a message for the analyst, never exits.
"""

from __future__ import annotations

from dataclasses import asdict

import duckdb

from gaoxin import fields as F
from gaoxin.evaluations.runs import RunError
from gaoxin.jsonable import jsonable
from gaoxin.schemes import formula, parse_scheme
from gaoxin.store import queries
from gaoxin.store import runs as store_runs


def explanation(con: duckdb.DuckDBPyConnection, run: dict, code: str) -> dict | None:
    """Everything behind one firm's result: items with sources, class clauses, policy amounts."""
    r = store_runs.run_result_of(con, run["run_id"], code)
    if r is None:
        return None
    text = store_runs.scheme_text(con, run["scheme_sha256"])
    scheme = parse_scheme(text, run["scheme_id"])
    indicators = {f"{lst.id}.{ind.id}": ind for lst in scheme.lists for ind in lst.indicator}
    # the batch of every value as the store stood when the run was made
    facts = queries.firm_fact_rows(con, code, [run["period"]], run.get("max_batch_id"))
    batches = {f["indicator"]: f["batch_id"] for f in facts}
    files = {f["batch_id"]: f["file_name"] for f in facts}
    items, policy = [], []
    for it in store_runs.run_item_rows(con, run["run_id"], code):
        if it["item"].startswith("policy."):
            policy.append(it)
            continue
        ind = indicators.get(it["item"])
        if ind is not None:
            for part in ("numerator", "denominator"):
                expr = getattr(ind, part)
                names = sorted(source_fields(expr, scheme)) if expr else []
                it[f"{part}_formula"] = expr
                it[f"{part}_sources"] = [
                    {
                        "field": n,
                        "label": F.BY_NAME[n].label if n in F.BY_NAME else n,
                        "batch_id": batches.get(n),
                        "file": files.get(batches.get(n)),
                    }
                    for n in names
                ]
            it["title"], it["unit"], it["ref"] = ind.title, ind.unit, ind.ref
        items.append(it)
    titles = {p.id: (p.title, p.amount_unit) for p in scheme.policy}
    summary = run["summary"]
    return {
        "run_id": run["run_id"],
        "scheme": run["scheme_id"],
        "period": run["period"],
        **r,
        "class_names": summary.get("class_names", {}),
        "cutoffs": summary.get("cutoffs", {}),
        "items": items,
        "policy": [
            {
                "id": p["item"][7:],
                "title": titles.get(p["item"][7:], (p["item"][7:], ""))[0],
                "amount": p["value"],
                "unit": titles.get(p["item"][7:], ("", ""))[1],
            }
            for p in policy
        ],
    }


def source_fields(expr: str, scheme, seen: frozenset = frozenset()) -> set[str]:
    """Canonical fields behind a formula, through the scheme's variables and its land-area rule."""
    derived = dict(scheme.variables)
    derived.setdefault("land_mu", scheme.population.land)
    out: set[str] = set()
    for name in formula.parse(expr).names:
        if name in derived and name not in seen:
            out |= source_fields(derived[name], scheme, seen | {name})
        else:
            out.add(name)
    return out


def what_if_answer(con: duckdb.DuckDBPyConnection, run: dict, code: str, target: str) -> dict:
    """Re-evaluates the run from the store (same data → same result) and asks the core for the gaps."""
    import numpy as np

    from .inputs import evaluate_stored
    from .whatif import what_if

    if queries.data_fingerprint(con, run["period"]) != run["data_fingerprint"]:
        raise RunError(f"评价 {run['run_id']} 之后数据已变化（导入了新批次），请重新评价后再试")
    text = store_runs.scheme_text(con, run["scheme_sha256"])
    scheme = parse_scheme(text, run["scheme_id"])
    result, data, prev = evaluate_stored(con, scheme, run["period"], run.get("max_batch_id"))
    where = np.flatnonzero(result.uscc == code)
    if not where.size:
        raise RunError(f"评价 {run['run_id']} 中没有企业 {code}")
    try:
        answer = what_if(result, scheme, data, int(where[0]), target, prev)
    except ValueError as exc:
        raise RunError(str(exc)) from exc
    return jsonable(asdict(answer))
