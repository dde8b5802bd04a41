"""项目库: a project is a case on the `project-standard` flow — opened from a signed lead or entered — with its
agreement (investment, land, 标准地 commitments, 达产 year) in the header, its node plan in the flow file,
its monthly 调度 as `report` events and its nodes as `node` events (or the stage transitions that complete
them). The board, the 三未 lists, the KPIs and the commitment checks are derived here, never stored."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime

import duckdb
import polars as pl

from gaoxin.cases import ledger
from gaoxin.cases.ledger import CaseError, open_case, record
from gaoxin.cases.projects import commitments as C
from gaoxin.cases.projects import leads
from gaoxin.cases.projects.plan import colours, node_plan
from gaoxin.flows import Event, FlowError, load_flow, replay
from gaoxin.store import projects as store
from gaoxin.store import runs as store_runs

FLOW, DOMAIN, PREFIX = "project-standard", "project", "XM"
COMMITMENTS = tuple(i.id for i in C.ITEMS)
NUMBERS = ("investment_wan", "land_mu", *COMMITMENTS)


def flow():
    return load_flow(FLOW)[0]


def projection_rule() -> tuple[str, str, bool]:
    """(indicator, list, confirmed) of the projection at signing — data in `project-standard.toml` [rules]
    (our own rule, awaiting confirmation)."""
    rules = flow().rules
    return (
        str(rules.get("projection_indicator", "tax_per_mu")),
        str(rules.get("projection_list", "规上")),
        bool(rules.get("projection_confirmed", False)),
    )


def projection_at_signing(con: duckdb.DuckDBPyConnection, values: dict, list_id: str | None = None):
    """The class the committed value of the rule's indicator projects in the latest 亩均 run (None without a
    run or that commitment)."""
    indicator, rule_list, _confirmed = projection_rule()
    list_id = list_id or rule_list
    committed = values.get(indicator)
    run_id = store_runs.latest_run(con, "mujun")
    if run_id is None or committed is None:
        return None
    return C.projected_class(
        committed, store.run_item_values(con, run_id, list_id, indicator), run_id, list_id
    )


def project_header(con, *, title: str, uscc=None, firm_name=None, town=None, industry="", lead="", owner="",
                   chain_node="", kind="新签", full_year=None, key=False, counted_wan=None, **numbers) -> dict:  # fmt: skip
    title = (title or "").strip()
    if not title:
        raise CaseError("项目名称不能为空")
    bad = [k for k in numbers if k not in NUMBERS]
    if bad:
        raise CaseError(f"未知的项目字段：{'、'.join(bad)}（可用：{'、'.join(NUMBERS)}）")
    values = {k: float(v) for k, v in numbers.items() if v not in (None, "")}
    for k, v in values.items():
        if v < 0:
            raise CaseError(f"{k} 不能为负数：{v}")
    if not values.get("investment_wan") or not values.get("land_mu"):
        raise CaseError("项目须有协议投资（万元）和用地（亩）")
    p = projection_at_signing(con, values)
    fields = {
        **values,
        "industry": industry,
        "lead": lead,
        "owner": owner,
        "chain_node": chain_node,
        "kind": kind,
        "full_year": int(full_year) if full_year else None,
        "counted_wan": counted_wan if counted_wan is not None else values["investment_wan"],
        "projection": asdict(p) if p else None,
    }
    return ledger.case_header(
        title=title,
        what="项目名称",
        uscc=uscc,
        firm_name=firm_name,
        town=town,
        category=industry,
        urgency="重点" if key else "一般",
        source=lead or None,
        fields=fields,
    )


def enter_project(con, cal, *, actor: str, role: str, at: datetime | None = None, **header) -> str:
    return open_case(
        con,
        domain=DOMAIN,
        prefix=PREFIX,
        flow_ref=FLOW,
        cal=cal,
        actor=actor,
        role=role,
        header=project_header(con, **header),
        at=at,
    )


def sign_lead(con, cal, lead_id: str, *, actor: str, role: str, investment_wan: float, land_mu: float,
              at: datetime | None = None, **project) -> tuple[str, float, str]:  # fmt: skip
    """签约: the lead's signing (counted once) and the project it opens; (project id, counted, reason)."""
    head, _flow, _rows = ledger.load(con, lead_id)
    if head["domain"] != leads.DOMAIN:
        raise CaseError(f"{lead_id} 不是招商线索")
    lf = head["fields"]
    prior = None
    if lf.get("kind") == "增资":
        base = ledger.load(con, lf["of_project"])[0]["fields"]
        prior = float(base.get("investment_wan") or 0)
    uscc, firm = head.get("uscc"), head.get("firm_name")
    header = dict(
        title=head["title"], uscc=uscc, firm_name=firm, town=head.get("town"), industry=head.get("category") or "",
        lead=lead_id, owner=lf.get("owner", ""), chain_node=lf.get("chain_node", ""), kind=lf.get("kind", "新签"),
        investment_wan=investment_wan, land_mu=land_mu, **project,
    )  # fmt: skip
    project_header(con, **header)  # refuse a bad agreement before the lead is marked signed
    amount, reason = leads.sign(
        con, cal, lead_id, actor=actor, role=role, investment_wan=investment_wan, header=head,
        prior_total_wan=prior, at=at,
    )  # fmt: skip
    pid = enter_project(con, cal, actor=actor, role=role, at=at, counted_wan=amount, **header)
    return pid, amount, reason


def progress(con, cal, case_id: str, *, actor: str, role: str, month: str, plan_wan=0.0, done_wan=0.0,
             funds_wan=0.0, note: str = "", at: datetime | None = None):  # fmt: skip
    """月度调度: that month's 计划投资 / 完成投资 / 资金到位 (万元)."""
    figures = {"plan_wan": plan_wan, "done_wan": done_wan, "funds_wan": funds_wan}
    for k, v in figures.items():
        if v is None or float(v) < 0:
            raise CaseError(f"{k} 应为不小于 0 的数（万元），收到 {v}")
    fields = {"month": month, **{k: float(v) for k, v in figures.items()}}
    return record(
        con, case_id, cal=cal, actor=actor, role=role, action="report", fields=fields, note=note, at=at
    )


def complete_node(con, cal, case_id: str, *, actor: str, role: str, node: str, done_on: date | None = None,
                  note: str = "", at: datetime | None = None):  # fmt: skip
    fields = {"node": node, **({"done_on": done_on.isoformat()} if done_on else {})}
    return record(
        con, case_id, cal=cal, actor=actor, role=role, action="node", fields=fields, note=note, at=at
    )


def _events(rows: list[dict]) -> list[Event]:
    return [ledger._event(r) for r in rows]  # noqa: SLF001 — the ledger's own row → Event


def _reports_of(frame: pl.DataFrame) -> dict[str, dict]:
    return {r["month"]: r for r in frame.iter_rows(named=True)}


def status(fl, header: dict, rows: list[dict], reports: dict[str, dict], cal, today: date) -> dict:
    """A project's node plan, months and colour as of `today`."""
    r = replay(fl, _events(rows))
    signed = header["opened_at"].date()
    plan = node_plan(fl, signed, r.nodes, cal, today)
    months = colours(fl, plan, reports, signed, today) if r.state not in ("terminated",) else []
    return {
        "state": r.state,
        "state_title": fl.state(r.state).title,
        "plan": plan,
        "months": months,
        "colour": months[-1].colour if months else None,
        "done": r.nodes,
    }


def detail(con, cal, case_id: str, today: date | None = None) -> dict:
    """The project page: the case (timeline, next steps), node plan, months and colours, the commitment
    check with its evidence, the projection at signing."""
    today = today or date.today()
    shown = ledger.show(con, case_id, cal)
    if shown["case"]["domain"] != DOMAIN:
        raise CaseError(f"{case_id} 不是项目")
    header, fl, rows = ledger.load(con, case_id)
    reps = store.reports(con, case_id)
    st = status(fl, header, rows, _reports_of(reps), cal, today)
    checks = check_projects(con, [case_id], today)
    titles = {n.id: n.title for n in st["plan"]}
    checked = checks.to_dicts() if checks.height else []
    confirmed = projection_rule()[2]
    return {**shown, **st, "node_titles": titles, "reports": reps.to_dicts(), "checks": checked,
            "projection_confirmed": confirmed}  # fmt: skip


def check_projects(
    con, case_ids: list[str] | None = None, today: date | None = None, board: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The yearly commitment check of every project past its 达产 year (or of `case_ids`), all at once."""
    if board is not None:  # a fresh board frame carries the agreements and the 调度 totals
        rows = board.select("case_id", "uscc", "done_wan", *NUMBERS, pl.col("full_year").cast(pl.Int64))
    else:
        rows = store.agreement_rows(con, DOMAIN, NUMBERS, case_ids)
    agreements = rows.filter(pl.col("uscc").is_not_null() & pl.col("full_year").is_not_null())
    if agreements.height == 0:
        return pl.DataFrame()
    facts = store.facts_in_force(con, agreements["uscc"].unique().to_list(), C.INDICATORS)
    last = int(facts["period"].cast(pl.Int64).max()) if facts.height else (today or date.today()).year - 1
    return C.check(agreements, facts, last)


def board_checks(con, board: pl.DataFrame, today: date | None = None, limit: int | None = None):
    """(per-project check status, shortfalls up to `limit`, their number) of the board's projects from the
    stored commitment check — reworked for every project first when a batch was imported or a project's log
    grew since, so a board view reads a table, not every fact."""
    fingerprint = store.check_fingerprint(con, DOMAIN) + f"|{(today or date.today()).year}"
    if store.stored_check_fingerprint(con) != fingerprint:
        store.replace_checks(con, check_projects(con, today=today), fingerprint)
    ids = board["case_id"].to_list()
    short, n = store.shortfalls(con, ids, limit)
    return store.check_status(con, ids), short, n


BOARD_KEYS = ("case_id", "title", "uscc", "firm_name", "town", "category", "urgency", "plan_wan", "done_wan",
              "funds_wan", "last_done_month", "signed", "year", "state", "state_title", "colour", "overdue_nodes",
              "investment_wan", "counted_wan", "land_mu", "owner", "full_year", "landed", "planned_start",
              "planned_complete")  # fmt: skip


AGREEMENT = ("investment_wan", "counted_wan", "land_mu", "owner", "full_year", *COMMITMENTS)


def _board_row(
    case_id: str, fl, head: dict, rows: list[dict], reports: dict[str, dict], cal, today: date
) -> dict:
    st = status(fl, head, rows, reports, cal, today)
    plan = st["plan"]
    nxt = next((n for n in plan if n.done is None), None)
    done = [r for r in reports.values() if (r.get("done_wan") or 0) > 0]
    return {
        "case_id": case_id,
        "as_of": today,
        "events": head["events"],
        "colour": st["colour"],
        "missed": st["months"][-1].missed if st["months"] else None,
        "overdue_nodes": json.dumps(
            [n.title for n in plan if n.late and n.status == "overdue"], ensure_ascii=False
        ),
        "next_node": nxt.title if nxt else None,
        "next_due": nxt.planned if nxt else None,
        "landed": "land" in st["done"],
        "planned_start": next((n.planned for n in plan if n.id == "start"), None),
        "planned_complete": next((n.planned for n in plan if n.id == "complete"), None),
        "plan_wan": sum(float(r.get("plan_wan") or 0) for r in reports.values()),
        "done_wan": sum(float(r.get("done_wan") or 0) for r in reports.values()),
        "funds_wan": sum(float(r.get("funds_wan") or 0) for r in reports.values()),
        "last_month": max(reports, default=None),
        "last_done_month": max((r["month"] for r in done), default=None),
        **{k: head["fields"].get(k) for k in AGREEMENT},
    }


def refresh_board(con, cal, today: date | None = None, case_ids: list[str] | None = None) -> int:
    """Re-derive the board rows of `case_ids` (default: every stale one — missing, older than its log, or of
    another day) from their logs; the number written. The day's first board pays for the whole board."""
    today = today or date.today()
    ids = case_ids if case_ids is not None else store.stale_projects(con, DOMAIN, today)
    if not ids:
        return 0
    heads, events = store.project_logs(con, ids)
    reps = store.board_reports(con, ids)
    by_case: dict[str, dict[str, dict]] = {}
    for r in reps.iter_rows(named=True):
        by_case.setdefault(r["case_id"], {})[r["month"]] = r
    logs: dict[str, list[dict]] = {}
    for e in events.iter_rows(named=True):
        logs.setdefault(e["case_id"], []).append(
            {**e, "fields": json.loads(e["fields_json"] or "{}"), "note": e["note"] or "",
             "attachments": tuple(json.loads(e["attachments_json"] or "[]"))}
        )  # fmt: skip
    flows: dict = {}
    out = []
    for h in heads.iter_rows(named=True):
        h["fields"] = json.loads(h.pop("fields_json") or "{}")
        fl = flows.get(h["flow_sha256"]) or flows.setdefault(
            h["flow_sha256"], ledger.flow_for(con, h["flow_sha256"])
        )
        try:
            out.append(
                _board_row(
                    h["case_id"], fl, h, logs.get(h["case_id"], []), by_case.get(h["case_id"], {}), cal, today
                )
            )
        except FlowError:
            continue  # a log no longer valid under an edited flow keeps its last row
    return store.replace_board(con, pl.DataFrame(out, schema=store.BOARD_COLUMNS) if out else pl.DataFrame())


def board_frame(
    con, cal, today: date | None = None, town: str | None = None, uscc: str | None = None
) -> pl.DataFrame:
    """Every project with its stage, colour and figures, read from the projection (stale rows re-derived first;
    overdue nodes as JSON text — `listed` decodes the rows shown)."""
    today = today or date.today()
    refresh_board(con, cal, today)
    rows = store.board_rows(con, DOMAIN, town, uscc)
    return rows.with_columns(
        pl.col("opened_at").dt.date().alias("signed"),
        pl.col("opened_at").dt.year().alias("year"),
    ).select(*BOARD_KEYS, *COMMITMENTS)


def listed(frame: pl.DataFrame) -> list[dict]:
    """Board rows as the list shows them (overdue nodes as a list of titles)."""
    return frame.with_columns(pl.col("overdue_nodes").str.json_decode(pl.List(pl.Utf8))).to_dicts()


def board(
    con, cal, today: date | None = None, town: str | None = None, uscc: str | None = None
) -> list[dict]:
    """The board as a list of projects (the pages and --json)."""
    return listed(board_frame(con, cal, today, town, uscc))


def board_from_logs(
    con, cal, today: date | None = None, town: str | None = None, uscc: str | None = None
) -> list[dict]:
    """The board recomputed from every project's whole log (the floor `bench/projects_bench.py` measures the
    projection against, and what tests compare it with)."""
    today = today or date.today()
    fl = flow()
    rows = store.project_rows(con, DOMAIN, town)
    if uscc is not None:
        rows = rows.filter(pl.col("uscc") == uscc)
    reps = store.all_reports(con, DOMAIN)
    by_case: dict[str, dict[str, dict]] = {}
    for r in reps.iter_rows(named=True):
        by_case.setdefault(r["case_id"], {})[r["month"]] = r
    out = []
    for row in rows.iter_rows(named=True):
        header, _fl, events = ledger.load(con, row["case_id"])
        st = status(fl, header, events, by_case.get(row["case_id"], {}), cal, today)
        fields = json.loads(row["fields_json"] or "{}")
        late = [n for n in st["plan"] if n.late and n.status == "overdue"]
        out.append(
            {
                **{
                    k: row[k]
                    for k in ("case_id", "title", "uscc", "firm_name", "town", "category", "urgency")
                },
                **{k: row[k] for k in ("plan_wan", "done_wan", "funds_wan", "last_done_month")},
                "signed": header["opened_at"].date(),
                "year": header["opened_at"].year,
                "state": st["state"],
                "state_title": st["state_title"],
                "colour": st["colour"],
                "overdue_nodes": [n.title for n in late],
                "investment_wan": fields.get("investment_wan"),
                "counted_wan": fields.get("counted_wan"),
                "land_mu": fields.get("land_mu"),
                "owner": fields.get("owner"),
                "full_year": fields.get("full_year"),
                "landed": "land" in st["done"],
                "planned_start": next((n.planned for n in st["plan"] if n.id == "start"), None),
                "planned_complete": next((n.planned for n in st["plan"] if n.id == "complete"), None),
            }
        )
    return out


def three_missing(projects: pl.DataFrame, today: date, stalled_months: int = 3) -> dict[str, list[dict]]:
    """三未: 立项未开工 (signed, past the planned start), 开工未建设 (started, no 完成投资 for `stalled_months`),
    建设未竣工 (under construction past the planned completion)."""
    cutoff = today.year * 12 + today.month - stalled_months
    last = pl.col("last_done_month")
    stalled = last.is_null() | (
        last.str.slice(0, 4).cast(pl.Int32) * 12 + last.str.slice(5, 2).cast(pl.Int32) <= cutoff
    )
    started = pl.col("state") == "started"
    keep = ("case_id", "title", "firm_name", "town", "colour")
    lists = {
        "立项未开工": (pl.col("state") == "signed") & (pl.col("planned_start") < today),
        "开工未建设": started & stalled,
        "建设未竣工": started & ~stalled & (pl.col("planned_complete") < today),
    }
    if projects.height == 0:
        return {k: [] for k in lists}
    return {k: projects.filter(cond).select(keep).to_dicts() for k, cond in lists.items()}


STARTED = ("started", "completed", "producing", "full")
PRODUCING = ("producing", "full")


def kpis(projects: pl.DataFrame, checks: pl.DataFrame, by: str = "year") -> list[dict]:
    """履约率 (projects checked whose commitments were all met in every year / projects checked), 落地率 (供地
    done / signed), 开工率, 投产率 (reached that stage or later / signed), 资金到位率 (资金到位 / 协议投资), per
    `by` (year of signing, category = industry, owner)."""
    if projects.height == 0:
        return []
    failed = checks.filter(pl.col("status") == C.SHORT)["case_id"].unique() if checks.height else []
    checked = checks.filter(pl.col("status") != C.NO_DATA)["case_id"].unique() if checks.height else []
    is_checked = pl.col("case_id").is_in(list(checked))
    invest = pl.col("investment_wan").fill_null(0).sum()
    out = (
        projects.with_columns(pl.col(by).cast(pl.Utf8).fill_null("—").replace("", "—").alias("group"))
        .group_by("group")
        .agg(
            pl.len().alias("projects"),
            pl.col("counted_wan").fill_null(0).sum().alias("counted_wan"),
            is_checked.sum().alias("_checked"),
            (is_checked & ~pl.col("case_id").is_in(list(failed))).sum().alias("_met"),
            pl.col("landed").fill_null(False).mean().alias("landing_rate"),
            pl.col("state").is_in(STARTED).mean().alias("start_rate"),
            pl.col("state").is_in(PRODUCING).mean().alias("production_rate"),
            pl.when(invest > 0).then(pl.col("funds_wan").fill_null(0).sum() / invest).alias("funds_rate"),
        )
        .with_columns(
            pl.when(pl.col("_checked") > 0)
            .then(pl.col("_met") / pl.col("_checked"))
            .alias("performance_rate")
        )
        .sort("group")
    )
    cols = ("group", "projects", "counted_wan", "performance_rate", "landing_rate", "start_rate",
            "production_rate", "funds_rate")  # fmt: skip
    rows = out.select(cols).to_dicts()
    if by == "year":
        for r in rows:
            r["group"] = int(r["group"]) if r["group"].isdigit() else r["group"]
    return rows
