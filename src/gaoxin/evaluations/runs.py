"""The one recipe that runs any evaluation kind: resolve the scheme → plan (period, parameters, data
fingerprint) → find the identical stored run or compute → write → summary.

Each kind (亩均 ``mujun``, 培育 ``cultivation``, 园区对标 ``zone``) is one registered unit in its own package
(``evaluations/<kind>/``) exposing :class:`Kind`: its scheme model, how it plans a run from the store, how it
computes one (read inputs → pure evaluate → result frames + summary), how it explains one subject of a
stored run, and its workbook. Nothing outside this registry switches on the kind.

Import-light: the kinds' packages (numpy/scipy engines) load only when a kind is asked for.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb


@dataclass(frozen=True)
class Registered:
    """A kind as the registry knows it before loading it: where its unit lives and how users name it."""

    module: str  # holds `KIND`, the unit
    title: str  # 亩均效益评价 (pages, messages)
    title_en: str
    short: str  # 亩均 (table columns)
    command: str  # the CLI command that runs it
    workbook_name: str  # the downloaded workbook's stem: 亩均评价_2025_<run>.xlsx
    page: str  # the web page of one run of this kind ({run} = its id)
    # "module:function" giving the data fingerprint the kind's plan uses for a period; it needs no scheme, so
    # a stored run's freshness is told without loading the kind or parsing its scheme
    fingerprint: str = ""
    # "module:function" giving the parameters the kind's plan stores for a period when the caller passes no
    # options: with the fingerprint, an existing run's id is known from the scheme text alone
    # (`stored_run_id`), so `gaoxin evaluate` of a stored run loads neither the kind nor the scheme model
    plain_params: str = ""


# kind (the scheme's `[scheme].kind`) → its registered unit
REGISTRY = {
    "mujun": Registered(
        "gaoxin.evaluations.mujun.kind",
        "亩均效益评价",
        "Per-mu efficiency",
        "亩均",
        "gaoxin evaluate",
        "亩均评价",
        "/overview?run={run}",
        "gaoxin.store.queries:data_fingerprint",
        "gaoxin.evaluations.fingerprints:mujun_params",
    ),
    "cultivation": Registered(
        "gaoxin.evaluations.cultivation.kind",
        "企业培育",
        "Cultivation",
        "培育",
        "gaoxin cultivate",
        "培育库",
        "/cultivation/runs/{run}",
        "gaoxin.evaluations.fingerprints:cultivation",
        "gaoxin.evaluations.fingerprints:cultivation_params",
    ),
    "zone": Registered(
        "gaoxin.evaluations.zones.kind",
        "园区评价",
        "Zone evaluation",
        "园区",
        "gaoxin rank",
        "园区排名",
        "/zones/runs/{run}",
        "gaoxin.store.zones:zone_fingerprint",
    ),
}


def titles() -> dict[str, str]:
    """kind → its Chinese title, without loading any kind."""
    return {k: r.title for k, r in REGISTRY.items()}


def title_of(kind_name: str) -> str:
    r = REGISTRY.get(kind_name)
    return r.title if r else kind_name


class RunError(ValueError):
    """A run that cannot be made (no data for the period, unknown scheme, wrong kind …): the message says why
    and what to do."""


@dataclass(frozen=True)
class Plan:
    """What identifies a run besides its scheme: the period, the parameters stored with it, the data fingerprint."""

    period: str
    params: dict
    fingerprint: str


@dataclass
class Computed:
    """A freshly computed run: the kind's result object, the summary stored with the run and its frames."""

    result: Any
    summary: dict
    results: Any  # polars frame of run_result rows
    items: Any  # compact trace (store.runs.Trace) or long run_item rows


@dataclass
class RunOutcome:
    run_id: str
    created: bool  # False when the identical run already existed (nothing recomputed)
    scheme: Any
    result: Any | None  # the kind's result object; None when the run already existed
    seconds: dict[str, float] = field(default_factory=dict)  # stage → wall time (check, read, evaluate, …)
    kind: str = ""


class Stopwatch:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = now - self._t
        self._t = now


class Kind(Protocol):
    """The small interface every evaluation kind exposes (see the kinds' ``kind.py``)."""

    name: str  # "mujun"
    title: str  # 亩均效益评价
    title_en: str
    command: str  # the CLI command that runs it, for messages
    workbook_name: str  # the workbook's file name stem (亩均评价, 培育库, 园区排名)

    def accepts(self, scheme: Any) -> bool: ...

    def wrong_kind(self, ref: str | Path, scheme: Any) -> str:
        """The message when ``scheme`` (of another kind) is given to this kind's command."""
        ...

    def configure(self, scheme: Any, options: dict) -> Any:
        """The scheme as this run uses it (e.g. parameter overrides); raises RunError."""
        ...

    def plan(
        self, con: duckdb.DuckDBPyConnection, scheme: Any, period: str | None, options: dict
    ) -> Plan: ...

    def max_batch(self, con: duckdb.DuckDBPyConnection) -> int | None: ...

    def compute(
        self, con: duckdb.DuckDBPyConnection, scheme: Any, plan: Plan, max_batch: int | None, watch: Stopwatch
    ) -> Computed: ...

    def stored_scheme(self, con: duckdb.DuckDBPyConnection, run: dict) -> Any: ...

    def explain(self, con: duckdb.DuckDBPyConnection, run: dict, subject: str) -> dict | None:
        """Everything behind one subject (firm or zone) of a stored run, JSON-ready; None when absent."""
        ...

    def workbook(self, con: duckdb.DuckDBPyConnection, run: dict, out: Path) -> Path: ...


class RegisteredKind:
    """Base of the kinds' units: names and titles from the registry, the stored scheme as stored, and the
    period check of kinds that read enterprise facts."""

    name: str
    title: str
    title_en: str
    command: str
    workbook_name: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        entry = REGISTRY[cls.name]
        cls.title, cls.title_en = entry.title, entry.title_en
        cls.command, cls.workbook_name = entry.command, entry.workbook_name

    def configure(self, scheme: Any, options: dict) -> Any:
        return scheme

    def stored_scheme(self, con: duckdb.DuckDBPyConnection, run: dict) -> Any:
        from gaoxin.schemes import parse_scheme
        from gaoxin.store import runs as store_runs

        return parse_scheme(store_runs.scheme_text(con, run["scheme_sha256"]), run["scheme_id"])

    @staticmethod
    def enterprise_period(con: duckdb.DuckDBPyConnection, period: str | None) -> str:
        """The data year asked for (the latest when none), refused when the store holds none of its facts."""
        from gaoxin.store import queries

        if period and queries.has_period(con, period):  # the usual case: no scan of every fact's year
            return period
        # every year with a fact, superseded ones too (as has_period counts them)
        known = queries.periods(con)
        if not known:
            raise RunError(
                "数据库中还没有企业数据。请先导入部门数据：网页「数据导入」上传 Excel，或用 gaoxin import 导入"
            )
        period = period or known[-1]
        if period not in known:
            raise RunError(
                f"数据库中没有 {period} 年度的数据（已有年度：{', '.join(known)}）。"
                "请先用 gaoxin import 导入该年度的部门数据"
            )
        return period


def kind(name: str) -> Kind:
    """The registered unit of a kind (raises RunError for an unknown one)."""
    if name not in REGISTRY:
        raise RunError(
            f"未知的评价类型「{name}」，应为 {' / '.join(REGISTRY)} 之一 / unknown evaluation kind"
        )
    return importlib.import_module(REGISTRY[name].module).KIND


def data_fingerprint(kind_name: str, con: duckdb.DuckDBPyConnection, period: str) -> str | None:
    """The kind's data fingerprint for a period (what its plan stores), without loading the kind; None for an
    unknown kind."""
    registered = REGISTRY.get(kind_name)
    if registered is None or not registered.fingerprint:
        return None
    return _call(registered.fingerprint, con, period)


def _call(ref: str, *args: Any) -> Any:
    module, name = ref.split(":")
    return getattr(importlib.import_module(module), name)(*args)


def stored_run_id(
    con: duckdb.DuckDBPyConnection, scheme_ref: str | Path, period: str, kind_name: str
) -> str | None:
    """The id of the stored run that `run(con, scheme_ref, period, expect=kind_name)` without options would
    return, found from the scheme's text, the registered fingerprint and plain parameters alone (no scheme
    parse, no kind loaded); None when there is none yet, the data changed since, or the kind has no shortcut
    (then `run` decides, with its messages). tests/evaluations/test_stored_run_shortcut.py holds it equal to
    `run`."""
    from gaoxin.schemes.texts import SchemeError, scheme_sha256, scheme_text
    from gaoxin.store import runs as store_runs

    registered = REGISTRY.get(kind_name)
    if registered is None or not (registered.fingerprint and registered.plain_params) or not period:
        return None
    try:
        sha = scheme_sha256(scheme_text(scheme_ref))
    except (SchemeError, OSError, UnicodeDecodeError):
        return None  # `run` reports it
    run_id = store_runs.run_id_for(
        sha, _call(registered.fingerprint, con, period), _call(registered.plain_params, period)
    )
    return run_id if store_runs.run_kind(con, run_id) == kind_name else None


def kind_of_run(run: dict) -> Kind:
    return kind(run.get("kind") or "mujun")


def load(scheme_ref: str | Path) -> tuple[Any, str, str]:
    """(scheme, text, sha256) of a built-in id or a file; a bad scheme is a RunError naming its clauses."""
    from gaoxin.schemes import SchemeError, parse_scheme, scheme_sha256, scheme_text

    try:
        text = scheme_text(scheme_ref)
        return parse_scheme(text, str(scheme_ref)), text, scheme_sha256(text)
    except SchemeError as exc:
        raise RunError(str(exc)) from None


def run(
    con: duckdb.DuckDBPyConnection,
    scheme_ref: str | Path,
    period: str | None,
    expect: str | None = None,
    **options: Any,
) -> RunOutcome:
    """Run ``scheme_ref`` on ``period`` and store the run, or return the identical stored one.

    ``expect`` is the kind the caller runs (a CLI command for one kind): a scheme of another kind is refused
    with that kind's hint. Without it the scheme's own kind runs (the web's 新建评价 for any kind)."""
    from gaoxin.store import runs as store_runs

    scheme, text, sha = load(scheme_ref)
    unit = kind(expect or scheme.scheme.kind)
    if not unit.accepts(scheme):
        raise RunError(unit.wrong_kind(scheme_ref, scheme))
    scheme = unit.configure(scheme, options)
    watch = Stopwatch()  # "check" covers the plan: period, parameters, data fingerprint
    plan = unit.plan(con, scheme, period, options)
    run_id = store_runs.run_id_for(sha, plan.fingerprint, plan.params)
    if store_runs.find_run(con, run_id) is not None:
        return RunOutcome(run_id, False, scheme, None, kind=unit.name)
    max_batch = unit.max_batch(con)
    watch.lap("check")
    done = unit.compute(con, scheme, plan, max_batch, watch)
    meta = {
        "run_id": run_id,
        "kind": unit.name,
        "scheme_id": scheme.scheme.id,
        "scheme_version": scheme.scheme.version,
        "scheme_sha256": sha,
        "data_fingerprint": plan.fingerprint,
        "period": plan.period,
        "params": plan.params,
        "summary": done.summary,
        "max_batch_id": max_batch,
    }
    watch.lap("frames")
    store_runs.write_run(con, meta, done.results, done.items, text)
    watch.lap("write")
    return RunOutcome(run_id, True, scheme, done.result, watch.seconds, unit.name)


def explain(con: duckdb.DuckDBPyConnection, run: dict, subject: str) -> dict | None:
    """One subject of a stored run explained by its kind (CLI ``gaoxin explain`` and the web share it)."""
    return kind_of_run(run).explain(con, run, subject)


def stored_scheme(con: duckdb.DuckDBPyConnection, run: dict) -> Any:
    """The scheme exactly as a stored run used it (its stored text and parameters)."""
    return kind_of_run(run).stored_scheme(con, run)
