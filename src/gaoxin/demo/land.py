"""盘活存量 for the demo zone: a 宗地台账 xlsx (宗地 and 房屋 sheets, two bad rows kept as rejects) and a GeoJSON of
deterministic rectangles laid out town by town, both imported through `cases.land.register.import_land`;
parcels idle by each 53号令 rule, candidates, a government-caused delay, low-efficiency parcels, decisions
beside the clocks, and disposal cases in every state through `ledger.open_many`. Dates are relative to
`today`, the layout and choices fixed (no randomness): the same store and day give the same parcels."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb
import xlsxwriter

from gaoxin.cases.land import disposal
from gaoxin.cases.land.register import import_land
from gaoxin.cases.ledger import open_many
from gaoxin.flows import Event
from gaoxin.store import land as store_land
from gaoxin.store import queries

OFFICERS = ("自然资源所 刘洋", "规划所 赵敏", "经发办 孙涛", "招商办 吴磊")
PER_TOWN = 9
HEAD = (
    "宗地编号", "统一社会信用代码", "土地使用权人", "镇街", "坐落", "宗地面积（亩）", "土地用途", "供地方式",
    "合同编号", "签订日期", "出让价款（万元）", "约定开工日期", "约定竣工日期", "约定投资强度（万元/亩）", "容积率",
    "应建总面积（平方米）", "约定总投资（万元）", "实际开工日期", "实际竣工日期", "中止建设日期",
    "已建建筑面积（平方米）", "已投资额（万元）", "产业目录类别",
)  # fmt: skip
BHEAD = ("房屋编号", "宗地编号", "房屋名称", "建筑面积（平方米）", "房屋用途", "产权人信用代码", "承租方信用代码", "出租面积（平方米）", "空置面积（平方米）")  # fmt: skip


def _years_ago(today: date, years: int, months: int = 0) -> date:
    m = today.year * 12 + today.month - 1 - years * 12 - months
    return date(m // 12, m % 12 + 1, 1)


def _scenario(k: int, today: date, area: float) -> dict:
    """Parcel k of a town: what kind of parcel it is (the 53号令 and 低效 cases the demo shows)."""
    signed = _years_ago(today, 6, k)
    base = {
        "signed_on": signed, "agreed_start": signed + timedelta(days=180), "agreed_complete": signed + timedelta(days=900),
        "agreed_intensity": 300.0, "plot_ratio": 1.2, "planned_floor_m2": round(area * 666.7 * 1.2),
        "total_invest_wan": area * 300.0, "price_wan": round(area * 18.0, 1),
    }  # fmt: skip
    built = {
        "actual_start": base["agreed_start"] + timedelta(days=30),
        "actual_complete": base["agreed_complete"] - timedelta(days=20),
        "built_floor_m2": base["planned_floor_m2"], "invested_wan": area * 320.0,
    }  # fmt: skip
    kind = ("reclaim", "fee", "timing", "stopped_area", "stopped_invest", "gov_delay", "overdue", "low_intensity", "banned")[k % PER_TOWN]  # fmt: skip
    if kind in ("reclaim", "fee", "timing", "gov_delay"):
        start = {"reclaim": _years_ago(today, 2, 4), "fee": _years_ago(today, 1, 3), "timing": _years_ago(today, 0, 5), "gov_delay": _years_ago(today, 1, 8)}[kind]  # fmt: skip
        return {**base, "signed_on": start - timedelta(days=120), "agreed_start": start,
                "agreed_complete": start + timedelta(days=730), "_kind": kind}  # fmt: skip
    if kind in ("stopped_area", "stopped_invest"):
        share = (0.2, 0.6) if kind == "stopped_area" else (0.5, 0.15)
        return {**base, "actual_start": base["agreed_start"] + timedelta(days=20), "stopped_on": _years_ago(today, 1, 4 + k % 3),
                "built_floor_m2": round(base["planned_floor_m2"] * share[0]), "invested_wan": round(base["total_invest_wan"] * share[1], 1),
                "agreed_complete": today + timedelta(days=200), "_kind": kind}  # fmt: skip
    if kind == "overdue":
        return {**base, "actual_start": base["agreed_start"], "built_floor_m2": round(base["planned_floor_m2"] * 0.7),
                "invested_wan": area * 200.0, "_kind": kind}  # fmt: skip
    if kind == "low_intensity":
        return {**base, **built, "invested_wan": area * 110.0, "_kind": kind}
    return {**base, **built, "industry_status": "淘汰类", "_kind": kind}


def _firms(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict]]:
    by_town: dict[str, list[dict]] = {}
    for e in sorted(queries.enterprises(con).to_dicts(), key=lambda e: e["uscc"]):
        if e.get("town"):
            by_town.setdefault(e["town"], []).append(e)
    return by_town


def _rect(lon: float, lat: float, w: float, h: float, skew: float) -> dict:
    ring = [[lon, lat], [lon + w, lat + skew], [lon + w, lat + h + skew], [lon, lat + h], [lon, lat]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def build(con: duckdb.DuckDBPyConnection, today: date) -> tuple[list[dict], list[dict], list[dict]]:
    """(parcel rows, building rows, GeoJSON features) for the demo zone's towns."""
    parcels, buildings, features = [], [], []
    # holders with no tax in the two latest 税务 years: one per town holds the town's first ordinary parcel,
    # so the 连续2年无税收 rule has a case to show
    zero = set(store_land.firm_zero_tax_years(con, 2)["uscc"].to_list())
    for t, (town, firms) in enumerate(sorted(_firms(con).items())):
        idle_firm = next((f for f in firms[PER_TOWN:] if f["uscc"] in zero), None)
        if idle_firm is not None and len(firms) > PER_TOWN:
            firms = [*firms[:PER_TOWN], idle_firm, *(f for f in firms[PER_TOWN:] if f is not idle_firm)]
        ox, oy = (
            120.10 + (t % 4) * 0.012,
            30.20 + (t // 4) * 0.012,
        )  # a town's industrial park, about 1 km apart
        for k in range(min(PER_TOWN + 3, len(firms))):
            firm = firms[k]
            area = 12.0 + (k * 7 + t * 5) % 60
            no = f"ZD{t + 1:02d}{k + 1:03d}"
            s = (
                _scenario(k, today, area)
                if k < PER_TOWN
                else {**_scenario(8, today, area), "industry_status": None, "_kind": "normal"}
            )
            parcels.append({"parcel_no": no, "uscc": firm["uscc"], "holder_name": firm["name"], "town": town,
                            "location": f"{town}工业园 {k + 1} 号地块", "area_mu": area, "land_use": "工业用地",
                            "supply": "出让", "contract_no": f"出让合同-{today.year - 6}-{t + 1:02d}{k + 1:03d}", **s})  # fmt: skip
            w = 0.0009 * (area / 20) ** 0.5
            features.append({"type": "Feature", "properties": {"宗地编号": no},
                             "geometry": _rect(ox + (k % 4) * 0.0022, oy + (k // 4) * 0.0022, w, w * 0.8, 0.0001 * (k % 3))})  # fmt: skip
            if s.get("actual_complete") and k % 3 == 0:
                lessee = firms[(k + 5) % len(firms)]["uscc"]
                floor = round(area * 666.7 * 0.6)
                buildings.append({"building_no": f"{no}-F1", "parcel_no": no, "name": "1号厂房", "floor_m2": floor,
                                  "use": "工业厂房", "owner_uscc": firm["uscc"], "lessee_uscc": lessee,
                                  "leased_m2": round(floor * 0.5), "vacant_m2": round(floor * 0.3)})  # fmt: skip
    return parcels, buildings, features


def _cell(v):
    return v.isoformat() if isinstance(v, date) else v


def write_files(con, today: date, out: Path) -> tuple[Path, Path, list[dict]]:
    parcels, buildings, features = build(con, today)
    out.mkdir(parents=True, exist_ok=True)
    xlsx = out / f"宗地台账_{today:%Y%m}.xlsx"
    keys = ("parcel_no", "uscc", "holder_name", "town", "location", "area_mu", "land_use", "supply", "contract_no",
            "signed_on", "price_wan", "agreed_start", "agreed_complete", "agreed_intensity", "plot_ratio",
            "planned_floor_m2", "total_invest_wan", "actual_start", "actual_complete", "stopped_on", "built_floor_m2",
            "invested_wan", "industry_status")  # fmt: skip
    with xlsxwriter.Workbook(str(xlsx)) as wb:
        wb.set_properties(
            {"author": "gaoxin demo", "created": datetime.combine(today, time(9))}
        )  # same day, same file
        ws = wb.add_worksheet("宗地")
        ws.write_row(0, 0, ["示范高新区 工业用地宗地台账（自然资源和规划局）"])
        ws.write_row(1, 0, HEAD)
        for i, p in enumerate(parcels):
            ws.write_row(i + 2, 0, [_cell(p.get(k)) for k in keys])
        n = len(parcels) + 2
        # two rows a department gets wrong: kept as rejected rows with the reason
        ws.write_row(n, 0, ["ZD99001", None, "待核实用地单位", None, None, -5, "工业用地", "出让"])
        ws.write_row(
            n + 1,
            0,
            ["ZD99002", None, "待核实用地单位", None, None, 10, "工业用地", "出让", "X", "2021年13月5日"],
        )
        ws.write_row(n + 2, 0, ["合计", None, None, None, None, sum(p["area_mu"] for p in parcels)])
        wb2 = wb.add_worksheet("房屋")
        wb2.write_row(0, 0, BHEAD)
        bkeys = (
            "building_no",
            "parcel_no",
            "name",
            "floor_m2",
            "use",
            "owner_uscc",
            "lessee_uscc",
            "leased_m2",
            "vacant_m2",
        )
        for i, b in enumerate(buildings):
            wb2.write_row(i + 1, 0, [b.get(k) for k in bkeys])
        ws3 = wb.add_worksheet("盘活目标")
        ws3.write_row(0, 0, ("镇街", "年度", "盘活目标（亩）"))
        towns = sorted({p["town"] for p in parcels})
        for i, town in enumerate(towns):
            mine = sum(p["area_mu"] for p in parcels if p["town"] == town and p["_kind"] != "normal")
            ws3.write_row(i + 1, 0, (town, today.year, round(mine * 0.4)))
    geo = out / "宗地图形.geojson"
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}},
        "features": features,
    }
    geo.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return xlsx, geo, parcels


def _at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour))


def _decisions(con, parcels: list[dict], today: date) -> None:
    for p in parcels:
        kind, no = p["_kind"], p["parcel_no"]
        if kind == "gov_delay":
            store_land.add_decision(con, {"parcel_no": no, "kind": "delay", "cause": "土地利用总体规划、城乡规划依法修改",
                                          "from_day": p["agreed_start"] - timedelta(days=10), "to_day": None, "verified": True,
                                          "actor": "自然资源和规划局 审核", "note": "使用权人提交规划调整说明，经审核属实",
                                          "clause": "53号令第八条第（二）项", "recorded_at": _at(p["agreed_start"] + timedelta(days=40))})  # fmt: skip
        elif kind == "reclaim" and no.endswith("001"):
            store_land.add_decision(con, {"parcel_no": no, "kind": "investigation", "actor": "自然资源和规划局 执法科",
                                          "note": "发出《闲置土地调查通知书》", "clause": "53号令第五条",
                                          "recorded_at": _at(p["agreed_start"] + timedelta(days=380))})  # fmt: skip
        elif kind == "stopped_invest" and no.startswith("ZD01"):
            store_land.add_decision(con, {"parcel_no": no, "kind": "finding", "actor": "自然资源和规划局 局长办公会",
                                          "note": "已投资额不足总投资的25%，中止建设满一年，认定为闲置土地",
                                          "clause": "53号令第二条第二款", "recorded_at": _at(today - timedelta(days=20))})  # fmt: skip


def _cases(con, cal, parcels: list[dict], today: date) -> list[str]:
    """Disposal cases in each state: the 摸排 ones recent, the 销号 ones with their outcome."""
    chosen = [
        p
        for p in parcels
        if p["_kind"] in ("reclaim", "fee", "stopped_area", "overdue", "low_intensity", "banned")
    ]
    steps = ("survey", "planning", "implementing", "closed", "cancelled")
    out = []
    for i, p in enumerate(chosen[:20]):
        target = steps[i % len(steps)]
        officer = f"{p['town']} {OFFICERS[i % len(OFFICERS)]}"
        # 摸排 cases opened lately (one in three past its 20 working days), later states further back
        back = {"survey": 10 + 12 * (i % 3), "planning": 30 + 6 * (i % 3), "implementing": 80, "closed": 150,
                "cancelled": 45}[target]  # fmt: skip
        day = today - timedelta(days=back + i % 4)
        ev = [Event(_at(day, 9), "自然资源和规划局", "analyst", "open", {}, "低效闲置土地摸排立案")]
        walk = {"planning": 1, "implementing": 2, "closed": 3, "cancelled": 1}.get(target, 0)
        cause = ("资金", "市场", "纠纷", "经营不善")[i % 4]
        measure = ("限期开发", "协议收购", "租赁", "腾笼换鸟", "分割出让")[i % 5]
        acts = [("diagnose", {"cause": cause, "department": officer}), ("propose", {"measure": measure}),
                ("close", {"freed_mu": p["area_mu"], "new_user": "承接企业（招商引进）", "new_investment_wan": round(p["area_mu"] * 250, 1)})]  # fmt: skip
        for j, (action, fields) in enumerate(acts[:walk]):
            role = "analyst" if action == "close" else "town"
            ev.append(Event(_at(day + timedelta(days=(10 if target == "planning" else 14) * (j + 1))), officer, role,
                            action, fields, ""))  # fmt: skip
        if target == "cancelled":
            ev.append(
                Event(
                    _at(day + timedelta(days=30)),
                    "自然资源和规划局",
                    "analyst",
                    "cancel",
                    {"reason": "企业已自行开工建设"},
                    "",
                )
            )
        out.append((disposal.disposal_header(p), ev))
    return open_many(
        con, domain=disposal.DOMAIN, prefix=disposal.PREFIX, flow_ref=disposal.FLOW, cal=cal, cases=out
    )


def generate_land(con: duckdb.DuckDBPyConnection, cal, today: date, out: Path) -> dict:
    """The demo's land register, decisions and disposal cases (a store that has parcels keeps them)."""
    if store_land.parcel_count(con):
        return {"skipped": True}
    xlsx, geo, parcels = write_files(con, today, out)
    a = import_land(con, xlsx)
    g = import_land(con, geo)
    _decisions(con, parcels, today)
    ids = _cases(con, cal, parcels, today)
    return {
        "skipped": False,
        "parcels": a.accepted,
        "rejected": a.rejected,
        "geometries": g.accepted,
        "cases": ids,
    }
