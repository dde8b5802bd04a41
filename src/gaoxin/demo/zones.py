"""Deterministic fictional national high-tech zones for zone benchmarking (the demo zone among them).

    zs = generate_zones()               # 178 fictional national zones + 示范高新区 (is_home), 2023–2025
    path = write_zone_file(zs, "out")   # one zone-indicator xlsx as a statistics office would send it
    facts = expected_zone_facts(zs)     # every value the file carries (accepted rows), in indicator units

Every zone has a few latent traits (size, innovation quality, openness, green performance, vitality), drawn
correlated; the 46 indicators of the 2021 system are built from them, so the data are skewed (stocks and
flows are log-normal or Poisson, a few giants), correlated within and across dimensions, and of every kind:
stocks, flows (当年净增, which can be negative), ratios bounded in [0, 100] %, growth rates, two qualitative
scores and the cost-type 单位增加值综合能耗 (and 二氧化碳排放量增长率, lower is better). Yearly values move
around persistent zone effects so ranks are stable but not frozen. The demo zone is strong on size and
innovation and weak on openness and green development, so it has both 短板 and strengths.

The file (sheets 2023年 / 2024年 / 2025年, title row, two header rows: attributes merged vertically, the five
first-level dimensions merged over their indicators with units in the headers) carries a little realistic
mess: some cells "—" (missing), 当年可支配财力 in 万元 (the store keeps 亿元), one 2023 row with "待核实" in a
numeric cell (rejected), a 平均值 row and a 注 line per sheet (skipped).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

from gaoxin import zone_fields as Z
from gaoxin.demo.catalog import ZONE_NAME

# the indicators a zone file types in (the registry-worked "r." items come from the home zone's 创新登记)
TYPED = tuple(i for i in Z.INDICATORS if not i.no.startswith("r."))
DEFAULT_SEED = 20250601
YEARS = (2023, 2024, 2025)
N_ZONES = 178
HOME_NAME = ZONE_NAME
FILE_NAME = "国家高新区综合评价指标数据_{first}-{last}.xlsx"
CREATED = dt.datetime(2026, 1, 20, 9, 0, 0)

# 2021 system: first-level dimensions and their indicators, in file column order
DIMENSIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("一、创新能力和创业活跃度", tuple(i.id for i in Z.INDICATORS[0:10])),
    ("二、结构优化和产业价值链", tuple(i.id for i in Z.INDICATORS[10:20])),
    ("三、绿色发展和宜居包容性", tuple(i.id for i in Z.INDICATORS[20:29])),
    ("四、开放创新和国际竞争力", tuple(i.id for i in Z.INDICATORS[29:36])),
    ("五、综合质效和持续创新力", tuple(i.id for i in Z.INDICATORS[36:46])),
)
HEADER_UNITS = {"disposable_fiscal": "万元"}  # written in another unit than the store keeps
DECIMALS = {
    "亿元": 2,
    "%": 2,
    "万元/人": 2,
    "吨标准煤/万元": 4,
    "件/万人": 2,
    "件/千万元": 3,
    "件/百亿元": 1,
    "比值": 3,
    "分": 1,
}

PROVINCES = (  # (province, weight for the number of zones, east/central/west/northeast)
    ("江苏省", 18, "E"),
    ("广东省", 14, "E"),
    ("山东省", 13, "E"),
    ("浙江省", 8, "E"),
    ("湖北省", 12, "C"),
    ("河南省", 9, "C"),
    ("湖南省", 8, "C"),
    ("江西省", 9, "C"),
    ("安徽省", 8, "C"),
    ("四川省", 8, "W"),
    ("陕西省", 7, "W"),
    ("福建省", 7, "E"),
    ("辽宁省", 8, "NE"),
    ("河北省", 5, "E"),
    ("山西省", 2, "C"),
    ("吉林省", 5, "NE"),
    ("黑龙江省", 3, "NE"),
    ("广西壮族自治区", 4, "W"),
    ("云南省", 3, "W"),
    ("贵州省", 2, "W"),
    ("内蒙古自治区", 3, "W"),
    ("新疆维吾尔自治区", 3, "W"),
    ("甘肃省", 2, "W"),
    ("重庆市", 4, "W"),
    ("北京市", 1, "E"),
    ("上海市", 2, "E"),
    ("天津市", 1, "E"),
    ("宁夏回族自治区", 2, "W"),
    ("青海省", 1, "W"),
    ("海南省", 1, "E"),
)
TYPES = ("世界一流高科技园区", "创新型科技园区", "创新型特色园区", "其他国家高新区")
_FIRST = "云青明丰瑞嘉泰宁清临永兴庆德昌盛和阳澜溪桐柏栖鹤枫岚翠珑琅璟"
_SECOND = "川禾湖原峰洲湾谷屏源滨坪塘港岭城浦泽渚汀陵岗"


@dataclass
class ZoneSet:
    attrs: pl.DataFrame  # zone_code, zone_name, province, city, level, zone_type, is_home (bool)
    values: dict[
        int, pl.DataFrame
    ]  # year → zone_code + one column per indicator (indicator units, None = missing)
    years: tuple[int, ...]
    seed: int
    mess: list[dict] = field(default_factory=list)  # row-level events written into the file

    @property
    def home_code(self) -> str:
        return self.attrs.filter(pl.col("is_home")).get_column("zone_code")[0]


def _names(rng: np.random.Generator, n: int) -> list[str]:
    pairs = [a + b for a in _FIRST for b in _SECOND]
    picked = rng.choice(len(pairs), size=n, replace=False)
    return [pairs[k] for k in picked]


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def generate_zones(
    seed: int = DEFAULT_SEED, years: tuple[int, ...] = YEARS, n_zones: int = N_ZONES
) -> ZoneSet:
    """The zones and their indicator values; identical for the same seed."""
    rng = np.random.default_rng(seed)
    m = n_zones + 1
    home = n_zones  # the demo zone is the last row
    cities = _names(rng, n_zones)
    prov_w = np.array([p[1] for p in PROVINCES], float)
    prov = rng.choice(len(PROVINCES), size=m, p=prov_w / prov_w.sum())
    prov[home] = 3  # 浙江省: the demo zone's province (catalog.REGION_PROVINCE = 330000)
    east = np.array([PROVINCES[k][2] == "E" for k in prov], float)
    # latent traits (correlated): size, quality, openness, green, vitality
    size = rng.normal(0, 1, m) + 0.35 * east
    quality = 0.55 * size + 0.8 * rng.normal(0, 1, m)
    openness = 0.45 * quality + 0.5 * east + 0.8 * rng.normal(0, 1, m)
    green = 0.3 * quality + 0.95 * rng.normal(0, 1, m)
    vitality = 0.2 * quality + rng.normal(0, 1, m)
    size[home], quality[home], openness[home], green[home], vitality[home] = 0.9, 0.7, -0.7, -0.5, 0.2
    # zone types by size and quality (10 world-class, 40 innovative, 60 featured, rest other)
    order = np.argsort(-(0.6 * size + 0.4 * quality), kind="stable")
    zt = np.empty(m, dtype=object)
    cuts = [(0, 10, TYPES[0]), (10, 50, TYPES[1]), (50, 110, TYPES[2]), (110, m, TYPES[3])]
    for lo, hi, label in cuts:
        zt[order[lo:hi]] = label
    # persistent zone effects per indicator, then yearly noise around them
    n_ind = len(TYPED)
    static = rng.normal(0, 1, (m, n_ind))
    codes = [f"GX{100 + int(prov[i]):03d}{i + 1:03d}" for i in range(n_zones)] + ["GX103999"]
    names = [f"{c}高新区" for c in cities] + [HOME_NAME]
    attrs = pl.DataFrame(
        {
            "zone_code": codes,
            "zone_name": names,
            "province": [PROVINCES[k][0] for k in prov],
            "city": [f"{c}市" for c in cities] + ["示范市"],
            "level": ["national"] * m,
            "zone_type": list(zt),
            "is_home": [i == home for i in range(m)],
        }
    )
    revenue_prev = np.exp(6.3 + 1.1 * size + 0.2 * quality + 0.3 * static[:, 13]) * 0.9
    staff_prev = np.exp(10.6 + 0.95 * size + 0.2 * static[:, 24]) * 0.96
    hte_stock_prev = np.exp(5.5 + size + 0.4 * quality + 0.3 * static[:, 15])
    values: dict[int, pl.DataFrame] = {}
    for t, year in enumerate(years):
        e = static + 0.35 * rng.normal(0, 1, (m, n_ind))  # this year's noise on top of the zone effects
        s = size + 0.05 * t + 0.03 * rng.normal(0, 1, m)
        q = quality + 0.04 * t + 0.05 * rng.normal(0, 1, m)
        o, g = openness + 0.02 * t, green + 0.03 * t
        v = 0.6 * vitality + 0.8 * rng.normal(0, 1, m)
        growth = 0.08 + 0.04 * v + 0.05 * e[:, 13] / 2
        revenue = revenue_prev * np.exp(growth)
        staff = staff_prev * np.exp(0.04 + 0.03 * v + 0.03 * e[:, 24])
        hte_stock = hte_stock_prev * np.exp(0.1 + 0.05 * v + 0.05 * e[:, 15])
        pct = lambda a: 100 * _logistic(a)  # noqa: E731 - local shorthand for bounded shares
        cnt = lambda lam: rng.poisson(np.maximum(lam, 0))  # noqa: E731
        col = {
            "rd_institutions": np.round(np.exp(3.2 + 0.9 * s + 0.4 * q + 0.35 * e[:, 0])),
            "rd_fte_share": pct(-2.6 + 0.5 * q + 0.2 * s + 0.3 * e[:, 1]),
            "rd_intensity": pct(-3.5 + 0.5 * q + 0.25 * e[:, 2]),
            "invention_grants_per_10k": np.exp(3.0 + 0.6 * q + 0.2 * s + 0.4 * e[:, 3]),
            "invention_apps_per_10m_rd": np.exp(1.0 + 0.3 * q + 0.3 * e[:, 4]),
            "national_incubators": cnt(np.exp(1.3 + 0.8 * s + 0.3 * q + 0.3 * e[:, 5])),
            "new_registered_firms": np.round(np.exp(8.0 + 1.0 * s + 0.2 * v + 0.3 * e[:, 6])),
            "new_tech_smes": np.round(np.exp(5.5 + 0.9 * s + 0.4 * q + 0.35 * e[:, 7])),
            "new_incubated_firms": np.round(np.exp(5.0 + 0.8 * s + 0.3 * q + 0.4 * e[:, 8])),
            "startup_climate": np.clip(75 + 6 * q + 3 * v + 5 * e[:, 9], 40, 100),
            "hitech_service_share": pct(-1.5 + 0.5 * q + 0.3 * o + 0.4 * e[:, 10]),
            "bachelor_share": pct(-0.6 + 0.5 * q + 0.3 * e[:, 11]),
            "tech_contract_per_capita": np.exp(0.5 + 0.8 * q + 0.2 * s + 0.6 * e[:, 12]),
            "revenue_net_increase": revenue - revenue_prev,
            "profit_margin": 6 + 1.5 * q + 2 * e[:, 14],
            "hte_net_increase": np.round(hte_stock - hte_stock_prev),
            "vc_backed_firms": np.round(np.exp(2.8 + 1.1 * s + 0.5 * q + 0.5 * e[:, 16])),
            "ip_per_10bn_revenue": np.exp(6.5 + 0.6 * q + 0.4 * e[:, 17]),
            "value_added_rate": pct(-1.0 + 0.1 * q + 0.2 * e[:, 18]),
            "innovation_policy": np.clip(78 + 5 * q + 6 * e[:, 19], 40, 100),
            "energy_per_va": np.exp(-2.0 - 0.4 * g - 0.2 * q + 0.35 * e[:, 20]),
            "co2_growth": 3 - 2 * g + 1.0 * v + 3 * e[:, 21],
            "green_coverage": np.clip(38 + 4 * g + 3 * e[:, 22], 15, 60),
            "hospitals_schools": np.round(np.exp(3.8 + 0.6 * s + 0.3 * e[:, 23])),
            "staff_net_increase": np.round(staff - staff_prev),
            "wage_share_of_va": pct(-1.2 + 0.2 * q + 0.2 * e[:, 25]),
            "wage_to_house_price": np.exp(-0.6 + 0.2 * g - 0.2 * s + 0.2 * e[:, 26]),
            "disposable_fiscal": np.exp(3.5 + 1.0 * s + 0.3 * e[:, 27]),
            "people_ecology": np.clip(76 + 5 * g + 5 * e[:, 28], 40, 100),
            "overseas_rd_firms": cnt(np.exp(1.2 + 1.0 * s + 0.7 * o + 0.3 * e[:, 29])),
            "tech_import_coop_share": pct(-4.3 + 0.4 * o + 0.3 * q + 0.3 * e[:, 30]),
            "overseas_ip_firms": cnt(np.exp(1.8 + 1.0 * s + 0.6 * o + 0.3 * e[:, 31])),
            "intl_standard_firms": cnt(np.exp(-0.8 + 0.9 * s + 0.5 * o + 0.2 * e[:, 32])),
            "tech_service_export_share": pct(-2.6 + 0.6 * o + 0.4 * e[:, 33]),
            "hte_export_share": pct(-2.0 + 0.7 * o + 0.4 * e[:, 34]),
            "foreign_returnee_share": pct(-4.2 + 0.6 * o + 0.3 * q + 0.3 * e[:, 35]),
            "va_share_city_gdp": pct(-1.4 + 0.5 * s + 0.4 * e[:, 36]),
            "labour_productivity_growth": 5 + 2 * v + 0.5 * q + 3 * e[:, 37],
            "rd5_revenue_share": pct(-1.3 + 0.6 * q + 0.4 * e[:, 38]),
            "digital_revenue_share": pct(-1.2 + 0.5 * q + 0.3 * o + 0.5 * e[:, 39]),
            "gazelle_firms": np.round(np.exp(2.5 + 0.9 * s + 0.5 * q + 0.25 * v + 0.4 * e[:, 40])),
            "listed_firms": cnt(np.exp(-0.2 + 0.9 * s + 0.4 * q + 0.2 * e[:, 41])),
            "rd5_large_firms": cnt(np.exp(0.6 + 1.0 * s + 0.5 * q + 0.2 * e[:, 42])),
            "national_rd_firms": np.round(np.exp(1.6 + 1.0 * s + 0.5 * q + 0.4 * e[:, 43])),
            "compliance": np.clip(85 + 2 * q + 3 * e[:, 44], 40, 100),
            "stats_quality": np.clip(85 + 4 * e[:, 45], 40, 100),
        }
        frame = {"zone_code": codes}
        for ind in TYPED:
            x = np.asarray(col[ind.id], dtype=float)
            if ind.unit in DECIMALS:
                x = np.round(x, DECIMALS[ind.unit])
            # ~1% of cells missing (never the demo zone's), written as "—"
            gone = rng.random(m) < 0.01
            gone[home] = False
            frame[ind.id] = [None if gone[i] else float(x[i]) for i in range(m)]
        for ind in Z.INDICATORS:  # the registry-worked items: no zone file types them in
            frame.setdefault(ind.id, [None] * m)
        values[year] = pl.DataFrame(
            frame, schema={"zone_code": pl.Utf8, **{i.id: pl.Float64 for i in Z.INDICATORS}}
        )
        revenue_prev, staff_prev, hte_stock_prev = revenue, staff, hte_stock
    zs = ZoneSet(attrs, values, tuple(years), seed)
    bad_zone = int(rng.integers(0, n_zones))
    zs.mess.append(
        {
            "year": years[0],
            "zone_code": codes[bad_zone],
            "indicator": "rd_intensity",
            "cell": "待核实",
            "disposition": "rejected",
        }
    )
    return zs


def expected_zone_facts(zs: ZoneSet) -> pl.DataFrame:
    """Long table (zone_code, period, indicator, value) of what an import of the file accepts."""
    rejected = {(e["year"], e["zone_code"]) for e in zs.mess if e["disposition"] == "rejected"}
    parts = []
    for year, df in zs.values.items():
        keep = df.filter(~pl.col("zone_code").is_in([c for y, c in rejected if y == year]))
        parts.append(
            keep.unpivot(index="zone_code", variable_name="indicator", value_name="value")
            .drop_nulls("value")
            .with_columns(pl.lit(str(year)).alias("period"))
        )
    return pl.concat(parts).select("zone_code", "period", "indicator", "value")


def _header(ind: Z.ZoneIndicator) -> str:
    unit = HEADER_UNITS.get(ind.id, ind.unit)
    no = ind.no if "q" not in ind.no else ""
    return f"{no} {ind.label}（{unit}）".strip()


def write_zone_file(zs: ZoneSet, out_dir: str | Path) -> Path:
    """The zone-indicator xlsx (byte-identical for the same zone set)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILE_NAME.format(first=zs.years[0], last=zs.years[-1])
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    wb.set_properties({"title": "国家高新区综合评价指标数据", "author": "gaoxin demo", "created": CREATED})
    title = wb.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
    head = wb.add_format(
        {
            "bold": True,
            "align": "center",
            "valign": "vcenter",
            "border": 1,
            "text_wrap": True,
            "bg_color": "#E2EFDA",
        }
    )
    cell = wb.add_format({"border": 1})
    nums = {
        d: wb.add_format({"border": 1, "num_format": "0" if d == 0 else "0." + "0" * d}) for d in range(5)
    }
    note = wb.add_format({"italic": True})
    attr_cols = [
        ("序号", None),
        ("园区代码", "zone_code"),
        ("园区名称", "zone_name"),
        ("所在省份", "province"),
        ("所在城市", "city"),
        ("级别", "level"),
        ("园区类型", "zone_type"),
        ("是否本区", "is_home"),
    ]
    inds = [Z.BY_ID[i] for _, ids in DIMENSIONS for i in ids]
    width = len(attr_cols) + len(inds)
    attrs = zs.attrs.to_dicts()
    for year in zs.years:
        ws = wb.add_worksheet(f"{year}年")
        ws.merge_range(0, 0, 0, width - 1, f"{year}年国家高新区综合评价指标数据（示范数据，纯属虚构）", title)
        ws.set_row(0, 28)
        ws.set_row(2, 60)
        for j, (label, _) in enumerate(attr_cols):
            ws.merge_range(1, j, 2, j, label, head)
        c = len(attr_cols)
        for parent, ids in DIMENSIONS:
            ws.merge_range(1, c, 1, c + len(ids) - 1, parent, head)
            for k, i in enumerate(ids):
                ws.write(2, c + k, _header(Z.BY_ID[i]), head)
            c += len(ids)
        vals = zs.values[year].to_dicts()
        bad = {(e["zone_code"], e["indicator"]): e["cell"] for e in zs.mess if e["year"] == year}
        r = 3
        for n, (a, v) in enumerate(zip(attrs, vals, strict=True), start=1):
            row = [
                n,
                a["zone_code"],
                a["zone_name"],
                a["province"],
                a["city"],
                Z.LEVEL_LABELS[a["level"]],
                a["zone_type"],
                "是" if a["is_home"] else "否",
            ]
            for j, x in enumerate(row):
                ws.write(r, j, x, cell)
            for k, ind in enumerate(inds):
                x = v[ind.id]
                j = len(attr_cols) + k
                if (a["zone_code"], ind.id) in bad:
                    ws.write_string(r, j, bad[(a["zone_code"], ind.id)], cell)
                elif x is None:
                    ws.write_string(r, j, "—", cell)
                else:
                    if ind.id in HEADER_UNITS:
                        x = round(x / ind.units[HEADER_UNITS[ind.id]], 2)
                    ws.write_number(
                        r, j, x, nums[DECIMALS.get(ind.unit, 0) if ind.id not in HEADER_UNITS else 2]
                    )
            r += 1
        ws.write(r, 2, "平均值", cell)  # a summary row analysts often leave in (skipped on import)
        r += 1
        ws.merge_range(r, 0, r, 10, "注：数据为演示用虚构数据；“—”表示未填报。", note)
        ws.freeze_panes(3, 3)
        ws.set_column(2, 2, 14)
    wb.close()
    return path
