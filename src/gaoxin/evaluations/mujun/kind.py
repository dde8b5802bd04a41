"""亩均效益评价 as a registered evaluation kind: plan a run from the store, compute it, explain a firm, export."""

from __future__ import annotations

from pathlib import Path

import duckdb

from gaoxin.evaluations import fingerprints
from gaoxin.evaluations.runs import REGISTRY, Computed, Plan, RegisteredKind, RunError, Stopwatch
from gaoxin.schemes import Scheme
from gaoxin.store import queries


class MujunKind(RegisteredKind):
    name = "mujun"
    model = Scheme

    def accepts(self, scheme) -> bool:
        return scheme.scheme.kind == self.name

    def wrong_kind(self, ref, scheme) -> str:
        kind = scheme.scheme.kind
        command = REGISTRY[kind].command if kind in REGISTRY else ""
        return f"方案 {scheme.scheme.id} 不是亩均评价方案（类型 {kind}），请用 {command} --scheme {scheme.scheme.id}"

    def plan(self, con: duckdb.DuckDBPyConnection, scheme: Scheme, period: str | None, options: dict) -> Plan:
        period = self.enterprise_period(con, period)
        return Plan(period, fingerprints.mujun_params(period), queries.data_fingerprint(con, period))

    def max_batch(self, con: duckdb.DuckDBPyConnection) -> int | None:
        return queries.max_batch_id(con)

    def compute(self, con, scheme: Scheme, plan: Plan, max_batch: int | None, watch: Stopwatch) -> Computed:
        from .frames import result_frames, summary
        from .inputs import evaluate_stored

        try:
            result = evaluate_stored(con, scheme, plan.period, max_batch, watch)[0]
        except ValueError as exc:  # the core refuses data it cannot score (messages name the clause)
            raise RunError(str(exc)) from None
        results, items = result_frames(result)
        return Computed(result, summary(result, scheme), results, items)

    def explain(self, con: duckdb.DuckDBPyConnection, run: dict, subject: str) -> dict | None:
        from .explain import explanation

        return explanation(con, run, subject)

    def workbook(self, con: duckdb.DuckDBPyConnection, run: dict, out: Path) -> Path:
        from gaoxin.reports.mujun_xlsx import write_run_xlsx

        return write_run_xlsx(con, run, out)


KIND = MujunKind()
