"""Enterprise cultivation (高企 / 科小 / 创新型 / 专精特新 / 小巨人) as a registered evaluation kind: a run reads the
data year and the years before it, applies the scheme's parameter overrides, and stores conditions and gaps."""

from __future__ import annotations

from pathlib import Path

import duckdb

from gaoxin.evaluations import fingerprints
from gaoxin.evaluations.runs import Computed, Plan, RegisteredKind, RunError, Stopwatch
from gaoxin.schemes import CultivationScheme
from gaoxin.store import queries

from .evaluate import evaluate
from .frames import result_frames, summary
from .types import CultivationResult


def years_of(period: str, n: int) -> list[str]:
    y = int(str(period)[:4])
    return [str(y - k) for k in range(n)]


# data the run reads: the period and the three years before it (the one definition, also read without this kind)
fingerprint = fingerprints.cultivation


def years_data(
    con: duckdb.DuckDBPyConnection, scheme: CultivationScheme, period: str, max_batch: int | None = None
) -> list[dict]:
    fields = sorted(scheme.referenced_fields())
    years = years_of(period, scheme.scheme.years)
    read = queries.arrays_by_period(con, dict.fromkeys(years, fields), max_batch)  # one read of the firms
    return [read[y] for y in years]


def evaluate_stored(
    con: duckdb.DuckDBPyConnection, scheme: CultivationScheme, period: str, max_batch: int | None = None
) -> CultivationResult:
    return evaluate(scheme, period, years_data(con, scheme, period, max_batch))


class CultivationKind(RegisteredKind):
    name = "cultivation"
    model = CultivationScheme

    def accepts(self, scheme) -> bool:
        return isinstance(scheme, CultivationScheme)

    def wrong_kind(self, ref, scheme) -> str:
        return f'方案 {ref} 不是培育方案（kind = "cultivation"），请用 gaoxin evaluate 运行'

    def configure(self, scheme: CultivationScheme, options: dict) -> CultivationScheme:
        params = options.get("params")
        if not params:
            return scheme
        try:
            return scheme.with_params(params)
        except ValueError as exc:
            raise RunError(str(exc)) from None

    def plan(self, con, scheme: CultivationScheme, period: str | None, options: dict) -> Plan:
        period = self.enterprise_period(con, period)
        # the evaluation method is part of the id (fingerprints.CULTIVATION_METHOD): a new method, a new run
        params = fingerprints.cultivation_params(period) | {
            "params": dict(sorted((options.get("params") or {}).items()))
        }
        return Plan(period, params, fingerprint(con, period))

    def max_batch(self, con: duckdb.DuckDBPyConnection) -> int | None:
        return queries.max_batch_id(con)

    def compute(self, con, scheme: CultivationScheme, plan: Plan, max_batch, watch: Stopwatch) -> Computed:
        try:
            result = evaluate_stored(con, scheme, plan.period, max_batch)
        except ValueError as exc:  # e.g. a formula that overflows for every firm (the message names it)
            raise RunError(str(exc)) from None
        watch.lap("evaluate")
        results, items = result_frames(result)
        return Computed(result, summary(result), results, items)

    def stored_scheme(self, con: duckdb.DuckDBPyConnection, run: dict) -> CultivationScheme:
        scheme = super().stored_scheme(con, run)
        overrides = (run.get("params") or {}).get("params") or {}
        return scheme.with_params(overrides) if overrides else scheme

    def explain(self, con: duckdb.DuckDBPyConnection, run: dict, subject: str) -> dict | None:
        from .explain import explanation

        return explanation(con, run, subject)

    def workbook(self, con: duckdb.DuckDBPyConnection, run: dict, out: Path) -> Path:
        """The run's 培育库 (and its certificates for 高企 runs) as the Chinese xlsx ``gaoxin pool --out`` writes."""
        from gaoxin.reports.cultivation_xlsx import write_pool_xlsx

        from .ladder import certificates, pool

        s = run["summary"]
        entry = {
            "scheme": run["scheme_id"],
            "title": s.get("title", run["scheme_id"]),
            "tier": s.get("tier"),
            "run_id": run["run_id"],
            "counts": s.get("counts", {}),
            "pool": pool(con, run["run_id"]),
        }
        certs = certificates(con, run["run_id"]) if s.get("certificates") is not None else None
        return write_pool_xlsx(out, run["period"], [entry], certs)


KIND = CultivationKind()
