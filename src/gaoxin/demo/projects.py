"""招商引资 for the demo zone, 2023 to `today`: ~120 leads (接洽 → 考察 → 洽谈 → 签约 / 放弃) and the ~60 projects
their signings opened, linked to demo firms, entered through the case ledger (`open_many` checks every event
against the flow files as `record` does) with the signing counted by the same rule officers' signings are
(`leads.counted`), and each project's agreement and 亩均 projection built by `book.project_header`. Nodes are
completed on working days from their predecessors' actual days, some late; monthly 调度 figures run short for
some projects and catch up later (红 → 黄); commitments are set near the firm's real figures so some are met
and some short. Deterministic for a given `today` (fixed seed)."""

from __future__ import annotations

from datetime import date, datetime, time

import duckdb
import numpy as np

from gaoxin.cases.ledger import open_many
from gaoxin.cases.projects import book, leads
from gaoxin.cases.projects.plan import month_end, months_between
from gaoxin.flows import Event
from gaoxin.store import cases as store_cases
from gaoxin.store import projects as store_projects
from gaoxin.store import queries

OFFICER, OWNERS = "招商局 周明", ("周明", "李娜", "王强", "陈静")
INDUSTRIES = (("3811", "电动机制造", "电机"), ("3985", "电子专用材料制造", "电子材料"),
              ("2651", "初级形态塑料制造", "新材料"), ("3562", "电子和电工机械专用设备制造", "专用设备"),
              ("3670", "汽车零部件及配件制造", "汽车零部件"), ("2710", "化学药品原料药制造", "生物医药"))  # fmt: skip
# the chain node each demo industry would fill (chain packs, gaoxin chains map)
CHAIN_NODES = {"电机": "NEV.M2", "电子材料": "EI.U1", "新材料": "SHA.U3", "专用设备": "HEM.M1",
               "汽车零部件": "NEV.M4", "生物医药": "BIO.U2"}  # fmt: skip
DROP_REASONS = ("企业投资计划调整", "用地条件不满足", "落户外地", "能耗指标不足")


def _day(cal, d: date, n: int) -> date:
    return np.asarray(cal.add(d, n)).item()


def _at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour))


def _firms(con: duckdb.DuckDBPyConnection) -> list[dict]:
    facts = store_projects.facts_in_force(
        con, [e["uscc"] for e in queries.enterprises(con).to_dicts()], ("tax_paid", "land_own_mu", "revenue")
    )
    have = facts.filter(facts["period"] == "2025")
    per = {}
    for r in have.iter_rows(named=True):
        per.setdefault(r["uscc"], {})[r["indicator"]] = r["value"]
    ents = {e["uscc"]: e for e in queries.enterprises(con).to_dicts()}
    out = []
    for u in sorted(per):
        v = per[u]
        if v.get("tax_paid", 0) > 0 and v.get("land_own_mu", 0) > 0:
            mu = v["land_own_mu"]
            out.append(
                {
                    **ents[u],
                    "tax_per_mu_2025": v["tax_paid"] / 1e4 / mu,
                    "output_per_mu_2025": v.get("revenue", 0) / 1e4 / mu,
                }
            )
    return out


def generate_projects(con: duckdb.DuckDBPyConnection, cal, today: date | None = None) -> tuple[list, list]:
    """(lead ids, project ids)."""
    today = today or date.today()
    rng = np.random.default_rng(15)
    firms = _firms(con)
    lead_cases, project_cases, signings = [], [], []
    counters: dict[int, int] = {}
    lead_counters: dict[int, int] = {}
    for i in range(120):
        firm = firms[int(rng.integers(len(firms)))]
        code, name, chain = INDUSTRIES[int(rng.integers(len(INDUSTRIES)))]
        opened = _day(cal, date(2023, 1, 3), int(rng.integers(0, 700)))
        if opened >= today:
            continue
        invest = float(rng.choice([5000, 8000, 12000, 20000, 30000, 50000]))
        land = float(round(invest / float(rng.choice([160, 200, 250])), 1))
        title = (
            f"{firm['name']}{chain}项目"
            if i % 7
            else f"{firm['name']}年产{int(invest / 100)}万件{chain}扩产项目"
        )
        kind, of = "新签", ""
        if i % 29 == 28 and project_cases:  # a capital increase of an earlier project of the demo
            base_head = project_cases[int(rng.integers(len(project_cases)))][0]
            kind, of, title = "增资", base_head["case_id"], base_head["title"] + "（增资）"
            firm = next(f for f in firms if f["uscc"] == base_head["uscc"])
            invest = float(base_head["fields"]["investment_wan"]) + 6000
        header = leads.lead_header(
            title=title, industry=f"{code} {name}", source=leads.SOURCES[i % len(leads.SOURCES)],
            uscc=firm["uscc"], firm_name=firm["name"], town=firm.get("town"), chain_node=CHAIN_NODES[chain],
            investment_wan=invest, land_mu=land, owner=OWNERS[i % len(OWNERS)], kind=kind, of_project=of,
            next_action="约谈企业负责人", next_due=_day(cal, opened, 10).isoformat(),
        )  # fmt: skip
        header["case_id"] = _next_id(
            lead_counters, opened.year, leads.PREFIX, con
        )  # the project names its lead
        events = [Event(_at(opened, 9), OFFICER, "analyst", "open", {}, "线索登记")]
        fate = rng.random()
        steps = [("visit", 15), ("negotiate", 30)]
        if kind == "增资" or fate < 0.5:
            steps.append(("sign", 25))
        elif fate < 0.65:
            steps.append(("drop", 20))
        day = opened
        for action, gap in steps:
            day = _day(cal, day, gap + int(rng.integers(0, 10)))
            if day >= today:
                break
            fields: dict = {}
            if action == "drop":
                fields = {"reason": DROP_REASONS[i % len(DROP_REASONS)]}
            if action == "sign":
                prior = float(base_head["fields"]["investment_wan"]) if kind == "增资" else None
                before = [s for s in signings if s["at"] < _at(day)]  # leads are drawn in no date order
                amount, reason = leads.counted(kind, title, firm["uscc"], invest, before, prior, of)
                fields = {"investment_wan": invest, "counted_wan": amount, "count_reason": reason}
                signings.append(
                    {"title": title, "firm": firm["uscc"], "case_id": header["case_id"], "at": _at(day)}
                )
                pid = _next_id(counters, day.year, book.PREFIX, con)
                project_cases.append(
                    _project(con, cal, rng, pid, header, firm, invest, land, amount, day, today, i)
                )
            events.append(Event(_at(day, 10 + len(events)), OFFICER, "analyst", action, fields))
        lead_cases.append((header, events))
    lead_ids = open_many(con, domain=leads.DOMAIN, prefix=leads.PREFIX, flow_ref=leads.FLOW, cal=cal,
                         cases=lead_cases, now=_at(today, 18))  # fmt: skip
    project_ids = open_many(con, domain=book.DOMAIN, prefix=book.PREFIX, flow_ref=book.FLOW, cal=cal,
                            cases=project_cases, now=_at(today, 18))  # fmt: skip
    return lead_ids, project_ids


def _next_id(counters: dict[int, int], year: int, prefix: str, con) -> str:
    """The case id open_many would give, fixed beforehand so a project can name the lead it came from (and a
    capital increase its project); numbered on from the store's last id of the year."""
    if year not in counters:
        counters[year] = int(store_cases.new_case_id(con, prefix, year).rsplit("-", 1)[1]) - 1
    counters[year] += 1
    return f"{prefix}-{year}-{counters[year]:05d}"


def _project(con, cal, rng, pid, lead_head, firm, invest, land, counted, signed: date, today: date, i: int):
    """A project's header and events: node actuals from their predecessors' actuals, stage transitions,
    monthly 调度 up to the month before `today`."""
    fl = book.flow()
    slow = i % 5 == 0  # one project in five slips on 供地 (late, then catches up: 红 → 黄)
    stalled = (
        i % 11 == 3
    )  # one in eleven stops building three months after 开工 (开工未建设, 红 from then on)

    # about one commitment in eight is set above what the firm reaches (a 履约 shortfall), the rest below it
    def factor(low: float, high: float) -> float:
        return high if rng.random() < 0.12 else low * float(rng.choice([0.9, 1.0]))

    tax = firm["tax_per_mu_2025"] * factor(0.95, 1.3)
    output = firm["output_per_mu_2025"] * factor(0.9, 1.25)
    intensity = invest / land * factor(0.85, 1.0)  # 完成投资 reaches 90 %
    head = book.project_header(
        con, title=lead_head["title"], uscc=firm["uscc"], firm_name=firm["name"], town=firm.get("town"),
        industry=lead_head["category"], lead=lead_head["case_id"], owner=lead_head["fields"].get("owner", ""),
        chain_node=lead_head["fields"].get("chain_node", ""), kind=lead_head["fields"].get("kind", "新签"),
        full_year=signed.year + 2, key=invest >= 20000, counted_wan=counted, investment_wan=invest, land_mu=land,
        intensity=round(intensity, 1), tax_per_mu=round(tax, 1), output_per_mu=round(output, 1) or None,
        plot_ratio=1.2,
    )  # fmt: skip
    head["case_id"] = pid
    actual: dict[str, date] = {}
    for n in fl.nodes:
        base = max((actual[a] for a in n.after), default=signed)
        delay = int(rng.integers(-3, 4)) + (45 if slow and n.id == "land" else 0)
        actual[n.id] = _day(cal, base, max(n.workdays + delay, 1))
    by_node = {n.id: n.by for n in fl.nodes}
    timed: list[tuple[datetime, Event]] = []
    for nid, d in actual.items():
        if d >= today:
            continue
        if by_node[nid]:
            timed.append((_at(d, 16), Event(_at(d, 16), OFFICER, "analyst", by_node[nid], {})))
        else:
            timed.append((_at(d, 15), Event(_at(d, 15), OFFICER, "analyst", "node", {"node": nid})))
    start, done = actual["start"], actual["complete"]
    if stalled:
        timed = [(t, e) for t, e in timed if t.date() <= start]
    months = months_between(start, done)
    monthly = round(invest * 0.9 / max(len(months), 1), 1)
    lag = 0.0
    for m in months_between(signed, today):
        report_day = _day(cal, month_end(m), 3)
        if report_day >= today:
            break
        plan = monthly if m in months else 0.0
        got = plan * (0.5 if slow and m in months[:3] else 1.0)
        if stalled and m in months[3:]:
            got = 0.0
        lag += plan - got
        if slow and m in months[3:5]:
            got, lag = got + lag / 2, lag / 2
        fields = {"month": m, "plan_wan": plan, "done_wan": round(got, 1), "funds_wan": round(got * 0.9, 1)}
        timed.append((_at(report_day, 11), Event(_at(report_day, 11), OFFICER, "analyst", "report", fields)))
    timed.sort(key=lambda x: x[0])
    first = Event(_at(signed, 10), OFFICER, "analyst", "open", {}, "签约入库")
    return head, [first, *[e for _, e in timed]]
