"""ECharts option objects (plain JSON, built here so the browser code stays generic: app.js only calls
`echarts.init(el).setOption(option)`). Animation is off: dashboards are read, not watched."""

from __future__ import annotations

CLASS_COLORS = {"A": "#2e7d32", "B": "#1565c0", "C": "#ef6c00", "D": "#c62828", "T": "#9e9e9e"}
FONT = {"fontFamily": "system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"}


def _base(**extra) -> dict:
    return {
        "animation": False,
        "textStyle": FONT,
        "grid": {"left": 48, "right": 16, "top": 36, "bottom": 40, "containLabel": True},
        **extra,
    }


def class_counts(counts: dict[str, int], names: dict[str, str], _) -> dict:
    classes = [c for c in ("A", "B", "C", "D", "T") if c in counts]
    # the class letter over its name on two lines: five long names side by side overlap on a narrow chart
    labels = [f"{c}\n{_(names[c])}" if names.get(c) else c for c in classes]
    return _base(
        tooltip={"trigger": "axis"},
        xAxis={"type": "category", "data": labels, "axisLabel": {"interval": 0}},
        yAxis={"type": "value", "name": _("企业数（家）"), "minInterval": 1},
        series=[
            {
                "type": "bar",
                "name": _("企业数（家）"),
                "label": {"show": True, "position": "top"},
                "data": [{"value": counts[c], "itemStyle": {"color": CLASS_COLORS[c]}} for c in classes],
            }
        ],
    )


def classes_by_town(towns: dict[str, dict[str, int]], _) -> dict:
    names = list(towns)
    return _base(
        tooltip={"trigger": "axis", "axisPointer": {"type": "shadow"}},
        legend={"top": 0},
        xAxis={"type": "value", "minInterval": 1},
        yAxis={"type": "category", "data": names, "inverse": True},
        series=[
            {
                "type": "bar",
                "name": c,
                "stack": "n",
                "itemStyle": {"color": CLASS_COLORS[c]},
                "data": [towns[t].get(c, 0) for t in names],
            }
            for c in ("A", "B", "C", "D", "T")
        ],
    )


def histogram(dist: dict, unit: str, _) -> dict:
    marks = []
    if dist.get("median") is not None:
        marks.append(f"{_('中位数')} {dist['median']:.2f}")
    folded = dist.get("folded") or {}
    if folded.get("below") or folded.get("above"):
        marks.append(_("两端柱含最低/最高 1% 的企业"))
    return _base(
        tooltip={"trigger": "axis"},
        title={
            "text": " · ".join([f"n = {dist.get('n', 0)}", *marks]),
            "right": 8,
            "top": 0,
            "textStyle": {"fontSize": 12, "fontWeight": "normal", "color": "#555"},
        },
        xAxis={
            "type": "category",
            "data": dist.get("labels", []),
            "name": unit,
            "nameLocation": "middle",
            "nameGap": 30,
            "axisLabel": {"interval": "auto", "hideOverlap": True, "fontSize": 11},
        },
        yAxis={"type": "value", "name": _("企业数（家）"), "minInterval": 1},
        series=[
            {
                "type": "bar",
                "barCategoryGap": "5%",
                "itemStyle": {"color": "#3f6ea8"},
                "data": dist.get("counts", []),
            }
        ],
    )


def radar(items: list[dict], _) -> dict:
    """Each indicator as score / weight: 1 means at the benchmark (the usual ratio method), capped at 2."""
    axes, firm = [], []
    top = 2.0
    for it in items:
        w = it.get("weight")
        s = it.get("score")
        ratio = (s / w) if (w and s is not None) else 0.0
        top = max(top, ratio)
        axes.append(it["title"])
        firm.append(round(ratio, 3))
    return {
        "animation": False,
        "textStyle": FONT,
        "tooltip": {},
        "legend": {"bottom": 0, "data": [_("本企业"), _("基准")]},
        "radar": {
            "indicator": [{"name": a, "max": round(top, 2)} for a in axes],
            "radius": "62%",
            "axisName": {"color": "#333"},
        },
        "series": [
            {
                "type": "radar",
                "data": [
                    {
                        "name": _("本企业"),
                        "value": firm,
                        "areaStyle": {"opacity": 0.25},
                        "itemStyle": {"color": "#1565c0"},
                    },
                    {
                        "name": _("基准"),
                        "value": [1.0] * len(axes),
                        "lineStyle": {"type": "dashed"},
                        "itemStyle": {"color": "#999"},
                    },
                ],
            }
        ],
    }


def history(points: list[dict], _) -> dict:
    """Score by year, one line per scheme (scores of different schemes are not on one scale)."""
    periods = sorted({p["period"] for p in points})
    schemes = sorted({p["scheme_id"] for p in points})
    by = {(p["scheme_id"], p["period"]): p["score"] for p in points}
    return _base(
        tooltip={"trigger": "axis"},
        legend={"top": 0},
        xAxis={"type": "category", "data": periods},
        yAxis={"type": "value", "name": _("得分")},
        series=[
            {
                "type": "line",
                "name": sid,
                "connectNulls": True,
                "label": {"show": True},
                "data": [by.get((sid, per)) for per in periods],
            }
            for sid in schemes
        ],
    )


def request_rates(departments: list[dict], _) -> dict:
    """企业诉求 三率 per department (%, one bar group per department)."""
    names = [d["lead"] for d in departments]

    def pct(v):
        return None if v is None else round(100 * v, 1)

    series = [
        (_("响应率"), "response_rate", "#1565c0"),
        (_("按时办结率"), "on_time_rate", "#2e7d32"),
        (_("满意率"), "satisfaction_rate", "#ef6c00"),
    ]
    return _base(
        tooltip={"trigger": "axis", "axisPointer": {"type": "shadow"}},
        legend={"top": 0},
        xAxis={"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 30}},
        yAxis={"type": "value", "name": "%", "max": 100},
        series=[
            {
                "type": "bar",
                "name": title,
                "itemStyle": {"color": color},
                "data": [pct(d[key]) for d in departments],
            }
            for title, key, color in series
        ],
    )
