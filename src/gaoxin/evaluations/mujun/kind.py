"""亩均效益评价 as a registered evaluation kind: plan a run from the store, compute it, explain a firm, export."""

from __future__ import annotations

from pathlib import Path

import duckdb

from gaoxin.evaluations.runs import REGISTRY, Computed, Plan, RunError, Stopwatch
from gaoxin.schemes import Scheme, parse_scheme
from gaoxin.store import queries
from gaoxin.store import runs as store_runs

from .frames import result_frames, summary
from .inputs import evaluate_stored

OTHER_COMMAND = {"zone": "gaoxin rank", "cultivation": "gaoxin cultivate"}


class MujunKind:
    name = "mujun"
    title = REGISTRY["mujun"].title
    title_en = REGISTRY["mujun"].title_en
    command = REGISTRY["mujun"].command
    workbook_name = REGISTRY["mujun"].workbook_name
    model = Scheme

    def accepts(self, scheme) -> bool:
        return scheme.scheme.kind == self.name

    def wrong_kind(self, ref, scheme) -> str:
        kind = scheme.scheme.kind
        command = OTHER_COMMAND.get(kind, "")
        return f"方案 {scheme.scheme.id} 不是亩均评价方案（类型 {kind}），请用 {command} --scheme {scheme.scheme.id}"

    def configure(self, scheme: Scheme, options: dict) -> Scheme:
        return scheme

    def plan(self, con: duckdb.DuckDBPyConnection, scheme: Scheme, period: str | None, options: dict) -> Plan:
        period = period or (queries.periods(con) or [""])[-1]
        if not queries.has_period(con, period):
            known = ", ".join(queries.periods(con)) or "无"
            raise RunError(
                f"数据库中没有 {period} 年度的数据（已有年度：{known}）。请先用 gaoxin import 导入该年度的部门数据"
            )
        return Plan(period, {"period": period}, queries.data_fingerprint(con, period))

    def max_batch(self, con: duckdb.DuckDBPyConnection) -> int | None:
        return queries.max_batch_id(con)

    def compute(self, con, scheme: Scheme, plan: Plan, max_batch: int | None, watch: Stopwatch) -> Computed:
        result = evaluate_stored(con, scheme, plan.period, max_batch, watch)[0]
        results, items = result_frames(result)
        return Computed(result, summary(result, scheme), results, items)

    def stored_scheme(self, con: duckdb.DuckDBPyConnection, run: dict) -> Scheme:
        return parse_scheme(store_runs.scheme_text(con, run["scheme_sha256"]), run["scheme_id"])

    def explain(self, con: duckdb.DuckDBPyConnection, run: dict, subject: str) -> dict | None:
        from .explain import explanation

        return explanation(con, run, subject)

    def workbook(self, con: duckdb.DuckDBPyConnection, run: dict, out: Path) -> Path:
        from gaoxin.reports.mujun_xlsx import write_run_xlsx

        return write_run_xlsx(con, run, out)


KIND = MujunKind()
