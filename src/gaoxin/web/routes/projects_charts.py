"""ECharts options of the project page: the node Gantt (planned vs actual, in days after 签约) and the investment
curve (累计计划投资 / 完成投资 / 资金到位, 万元). Pure data in, option dicts out (the page's JSON blocks: no
inline script, CSP script-src 'self'), so a test can read the bars back."""

from __future__ import annotations

from datetime import date

PLAN, DONE, LATE, OPEN = "#8fb3de", "#2e7d32", "#c62828", "#f9a825"


def gantt_rows(plan, signed: date, today: date) -> list[dict]:
    """Per node: planned start/end and actual start/end, as days after signing. A node starts when the last
    node it follows ends (planned: their planned days; actual: their actual days, or today when one is open);
    an open node runs to today, red when it is past its planned day."""
    by = {n.id: n for n in plan}

    def day(d: date) -> int:
        return (d - signed).days

    rows = []
    for n in plan:
        p_start = max((by[a].planned for a in n.after if a in by), default=signed)
        a_prev = [by[a].done or today for a in n.after if a in by]
        a_start = max(a_prev, default=signed)
        a_end = n.done or today
        rows.append(
            {
                "id": n.id,
                "title": n.title,
                "plan": (day(p_start), day(n.planned)),
                "actual": (day(min(a_start, a_end)), day(a_end)),
                "done": n.done is not None,
                "late": n.late,
                "status": n.status,
            }
        )
    return rows


def _bar(name: str, stack: str, data: list, colour: str | None = None) -> dict:
    s = {"name": name, "type": "bar", "stack": stack, "barGap": "10%", "data": data}
    if colour is None:  # the invisible offset bar that places the visible span
        s.update(itemStyle={"color": "transparent"}, emphasis={"disabled": True}, tooltip={"show": False})
    else:
        s["itemStyle"] = {"color": colour}
    return s


def gantt(plan, signed: date, today: date, _) -> dict:
    rows = list(reversed(gantt_rows(plan, signed, today)))  # first node on top
    spans = []
    for r in rows:
        colour = LATE if r["late"] else (DONE if r["done"] else OPEN)
        spans.append({"value": r["actual"][1] - r["actual"][0], "itemStyle": {"color": colour}})
    return {
        "animation": False,
        "tooltip": {"trigger": "item"},
        "legend": {"data": [_("计划"), _("实际")], "top": 0},
        "grid": {"left": 110, "right": 30, "top": 30, "bottom": 40},
        "xAxis": {
            "type": "value",
            "name": _("签约后天数"),
            "nameLocation": "middle",
            "nameGap": 26,
            "min": 0,
        },
        "yAxis": {"type": "category", "data": [_(r["title"]) for r in rows]},
        "series": [
            _bar("plan-offset", "plan", [r["plan"][0] for r in rows]),
            _bar(_("计划"), "plan", [r["plan"][1] - r["plan"][0] for r in rows], PLAN),
            _bar("actual-offset", "actual", [r["actual"][0] for r in rows]),
            {**_bar(_("实际"), "actual", spans, DONE)},
        ],
    }


def investment_curve(months, _) -> dict:
    """Cumulative 计划投资 / 完成投资 / 资金到位 per month (万元), as the 调度 table shows them."""
    x = [m.month for m in months]

    def line(name: str, values: list[float], colour: str) -> dict:
        return {
            "name": name,
            "type": "line",
            "data": [round(v, 1) for v in values],
            "itemStyle": {"color": colour},
        }

    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 70, "right": 30, "top": 30, "bottom": 40},
        "xAxis": {"type": "category", "data": x},
        "yAxis": {"type": "value", "name": _("万元")},
        "series": [
            line(_("累计计划投资"), [m.plan_cum for m in months], PLAN),
            line(_("累计完成投资"), [m.done_cum for m in months], DONE),
            line(_("累计资金到位"), [m.funds_cum for m in months], OPEN),
        ],
    }
