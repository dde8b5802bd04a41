"""创新登记 for the demo zone: one 科技局 xlsx as it would be sent — 创新平台, 技术合同, 人才, 载体 and 在孵企业 sheets
with a title line, 万元 headers, a 合计 line and a few bad rows kept as rejects — imported through
`registries.intake.import_registry`. Hosts, sellers and employers are the zone's own firms with R&D spending (from
the store, in a fixed order); the choices are fixed (no randomness). Approval dates are counted back from
`today` by whole months so that some reviews fall due within 90 days, one is overdue and one platform is revoked;
contracts sit in the data years. Every other firm the demo zone gives an R&D institution (the level its 科技局
file used to code: 4 国家, 3 省, 2 市, 1 区县) is listed with a platform of that level approved before the first
data year and last reviewed within the cycle, so the levels cultivation reads from the register are the zone's
own. A store that already holds a registry batch gets nothing new."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import duckdb
import polars as pl
import xlsxwriter

from gaoxin.ingest.registries import SOURCE
from gaoxin.registries.intake import import_registry
from gaoxin.store import registries as store

YEARS = (2023, 2024, 2025)
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林"
GIVEN = ("伟", "芳", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚", "华")
FIELDS = ("新材料", "电子信息", "生物医药", "高端装备", "新能源", "节能环保", "人工智能")
PROGRAMMES = (
    ("某省百人计划", "省"),
    ("某市创新创业领军人才", "市"),
    ("示范区英才计划", "区"),
    ("国家级人才计划（示例）", "国家"),
)
UNIVERSITIES = ("示范大学", "示范理工学院", "省示范科学院研究所")


def _months_ago(today: date, months: int, day: int = 15) -> date:
    m = today.year * 12 + today.month - 1 - months
    return date(m // 12, m % 12 + 1, min(day, 28))


def _firms(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The zone's firms with R&D spending in its latest year, most R&D first (ties by credit code)."""
    facts = store.firm_facts(con, ("rd_expense",))
    if facts.height == 0:
        return pl.DataFrame(schema={"uscc": pl.Utf8, "name": pl.Utf8, "town": pl.Utf8, "value": pl.Float64})
    last = facts.get_column("period").max()
    return (
        facts.filter((pl.col("period") == last) & (pl.col("value") > 0))
        .sort(["value", "uscc"], descending=[True, False])
        .select("uscc", "name", "town", "value")
    )


CODE_LEVEL = {4: "国家", 3: "省", 2: "市", 1: "区"}
BULK_KINDS = ("企业技术中心", "工程技术研究中心", "工业设计中心", "新型研发机构")


def institution_levels(zone) -> dict[str, int]:
    """The demo zone's R&D institution level per firm (0–4, the same in every year): what the 科技局 file coded."""
    from gaoxin.demo.zone import cultivation_years

    truth, _near = cultivation_years(zone)
    got = (
        truth.filter(pl.col("rd_institution_level") > 0)
        .group_by("uscc")
        .agg(pl.col("rd_institution_level").max())
    )
    return {u: int(v) for u, v in got.iter_rows()}


def _bulk(levels: dict[str, int], planned: set[str], names: dict[str, str], today: date) -> list[list]:
    """One platform per firm with a level and no platform in the plan above, in credit-code order."""
    rows = []
    for i, u in enumerate(sorted(set(levels) - planned)):
        level = CODE_LEVEL[levels[u]]
        kind = BULK_KINDS[i % len(BULK_KINDS)]
        word = {"国家": "国家级", "省": "省级", "市": "市级", "区": "区级"}[level]
        approved = date(2016 + i % 6, 1 + (i * 5) % 12, 1 + (i * 3) % 27)
        reviewed = _months_ago(today, 1 + (i * 7) % 34) if level != "区" else None
        name = names.get(u, u)
        rows.append([f"{name}{word}{kind}", kind, level, name, u, approved.isoformat(),
                     f"示范〔{approved.year}〕{100 + i}号", reviewed.isoformat() if reviewed else "", "", "有效"])  # fmt: skip
    return rows


def _platforms(
    firms: list[dict], today: date, levels: dict[str, int] | None = None, names=None
) -> list[list]:
    head = ["平台名称", "平台类型", "级别", "依托单位", "统一社会信用代码", "认定日期", "认定文号", "最近复核日期", "最近评价结果", "状态"]  # fmt: skip
    rows: list[list] = [["示范高新区创新平台名单（科技局、工信局汇总）"], head]
    plan = [  # (kind, level, months ago approved, last review months ago, grade, status)
        ("工业设计中心", "国家", 48 - 1, None, None, "有效"),  # 4-year validity: 复核 due next month
        ("工业设计中心", "国家", 48 - 2, None, None, "有效"),
        ("企业技术中心", "国家", 120, 24 + 1, "良好", "有效"),  # evaluated every 2 years: overdue by a month
        ("企业技术中心", "国家", 96, 14, "基本合格", "警示"),
        ("企业技术中心", "国家", 84, 20, "不合格", "撤销"),
        ("工程研究中心", "国家", 70, None, None, "有效"),
    ]
    for i in range(14):
        kind = ("企业技术中心", "工程技术研究中心", "工业设计中心", "新型研发机构")[i % 4]
        level = "省" if i % 3 else "市"
        plan.append((kind, level, 36 - (i % 5) * 2 - (1 if i % 4 == 0 else 0), None, None, "有效"))
    for i, (kind, level, ago, reviewed, grade, status) in enumerate(plan):
        if i >= len(firms):
            break
        f = firms[i]
        level_word = {"国家": "国家级", "省": "省级", "市": "市级"}[level]
        name = f"{f['name']}{level_word}{kind}"
        typed = f"{level_word}{kind}" if i % 5 == 4 else kind  # some lists write the level into the type
        doc = {"国家": "国家部委〔{}〕{}号", "省": "省科技厅〔{}〕{}号", "市": "市科技局〔{}〕{}号"}[level]
        approved = _months_ago(today, ago)
        rows.append([
            name, typed, "" if i % 5 == 4 else level, f["name"], f["uscc"], approved.isoformat(),
            doc.format(approved.year, 10 + i), _months_ago(today, reviewed).isoformat() if reviewed else "", grade or "",
            status,
        ])  # fmt: skip
    rows.append(["示范大学省级重点实验室", "重点实验室", "省", "示范大学", "", _months_ago(today, 30).isoformat(), "省科技厅〔2024〕3号", "", "", "有效"])  # fmt: skip
    rows.append(["省示范科学院国家重点实验室分室", "重点实验室", "国家", "省示范科学院研究所", "", _months_ago(today, 58).isoformat(), "国科发〔2021〕8号", "", "", "有效"])  # fmt: skip
    if firms:  # messy rows a real list holds: a wrong check character, a status no rule knows
        f = firms[0]
        rows.append([f"{f['name']}企业技术中心（重复申报）", "企业技术中心", "省", f["name"], f["uscc"][:-1] + ("0" if f["uscc"][-1] != "0" else "1"), "2022-05-01", "x", "", "", "有效"])  # fmt: skip
        rows.append([f"{f['name']}研究院", "新型研发机构", "省", f["name"], f["uscc"], "2023-02-30", "x", "", "", "存疑"])  # fmt: skip
    planned = {f["uscc"] for f in firms[: len(plan)]}
    rows.extend(_bulk(levels or {}, planned, names or {}, today))
    rows.append(["合计", "", "", "", "", "", "", "", "", ""])
    return rows


def _contracts(firms: list[dict]) -> list[list]:
    head = ["合同登记编号", "合同名称", "卖方名称", "卖方统一社会信用代码", "买方名称", "买方统一社会信用代码", "合同类型", "成交额（万元）", "技术交易额（万元）", "登记日期"]  # fmt: skip
    rows: list[list] = [head]
    types = ("技术开发", "技术服务", "技术转让", "技术咨询", "技术许可", "技术服务")
    n = 0
    sellers = firms[: max(1, len(firms) * 2 // 3)]
    for y in YEARS:
        for i, f in enumerate(sellers):
            if (i + y) % 3 == 0:  # not every R&D firm registers every year: the rest are flagged
                continue
            n += 1
            ctype = types[(i + y) % len(types)]
            amount = round(20 + (i * 37 + y * 11) % 480 + (i % 7) * 0.5, 1)
            tech = round(amount * (0.6 + ((i + y) % 4) * 0.1), 1)
            buyer = firms[(i + 5) % len(firms)] if len(firms) > 5 and i % 4 == 0 else None
            rows.append([
                f"{y}3401990{n:05d}", f"{f['name']}{ctype}项目", f["name"], f["uscc"],
                buyer["name"] if buyer else f"外省客户{(i % 9) + 1}", buyer["uscc"] if buyer else "", ctype,
                amount, tech, date(y, 1 + (i * 5) % 12, 1 + (i * 7) % 28).isoformat(),
            ])  # fmt: skip
        for k, u in enumerate(UNIVERSITIES):  # sellers without a credit code in the enterprise register
            n += 1
            rows.append([f"{y}3401990{n:05d}", f"{u}成果转让", u, "", firms[k]["name"] if firms else "某企业",
                         firms[k]["uscc"] if firms else "", "技术转让", 150.0 + 40 * k, 150.0 + 40 * k,
                         date(y, 6 + k, 10).isoformat()])  # fmt: skip
    rows.append(
        ["2025340199099999", "金额有误的合同", "某公司", "", "某厂", "", "技术服务", 10, 25, "2025-05-05"]
    )
    return rows


def _talent(firms: list[dict]) -> list[list]:
    rows: list[list] = [["姓名", "专业领域", "人才计划", "计划级别", "入选年度", "工作单位", "工作单位统一社会信用代码", "引进方式"]]  # fmt: skip
    for i in range(min(36, len(firms) * 2)):
        f = firms[(i * 3) % len(firms)]
        prog, level = PROGRAMMES[i % len(PROGRAMMES)] if i % 9 else PROGRAMMES[3]
        name = (
            SURNAMES[i % len(SURNAMES)]
            + GIVEN[(i * 5) % len(GIVEN)]
            + (GIVEN[(i * 3) % len(GIVEN)] if i % 2 else "")
        )
        rows.append([name, FIELDS[i % len(FIELDS)], prog, level, YEARS[i % 3], f["name"], f["uscc"], "柔性" if i % 4 == 3 else "全职"])  # fmt: skip
    return rows


def _providers(firms: list[dict]) -> tuple[list[list], list[list]]:
    plan = [("示范高新区创业中心", "科技企业孵化器", "国家", 42000), ("东区科技企业孵化器", "孵化器", "省", 18000),
            ("智造众创空间", "众创空间", "省", 3000), ("青年创客空间", "众创空间", "市", 1500),
            ("示范加速器", "加速器", "市", 26000), ("示范科创投资基金", "投资机构", "", None),
            ("示范技术转移中心", "技术转移示范机构", "省", 800)]  # fmt: skip
    hosts = [p for p in plan if p[1] not in ("投资机构", "技术转移示范机构")]
    small = firms[len(firms) // 2 :] or firms
    hosted = [["在孵企业名称", "载体名称", "统一社会信用代码", "入孵日期", "毕业日期"]]
    counts = dict.fromkeys((p[0] for p in plan), 0)
    for i, f in enumerate(small[:40]):
        p = hosts[i % len(hosts)]
        counts[p[0]] += 1
        grad = date(2025, 1 + i % 12, 1).isoformat() if i % 6 == 5 else ""
        hosted.append([f["name"], p[0], f["uscc"], date(2021 + i % 4, 1 + (i * 5) % 12, 1).isoformat(), grad])
    towns = sorted({f["town"] for f in firms if f.get("town")}) or [""]
    providers = [["载体名称", "载体类型", "级别", "所属镇街", "场地面积（平方米）", "在孵企业数", "认定日期"]]
    for k, (name, kind, level, area) in enumerate(plan):
        providers.append([name, kind, level, towns[k % len(towns)], area if area else "", counts[name] or "", date(2016 + k, 3, 1).isoformat()])  # fmt: skip
    return providers, hosted


def write_registry_file(con: duckdb.DuckDBPyConnection, today: date, out_dir: Path, zone=None) -> Path:
    """The demo's 创新登记 workbook; with the demo `zone`, every firm it gives an R&D institution is listed."""
    firms = _firms(con).to_dicts()
    providers, hosted = _providers(firms)
    levels = institution_levels(zone) if zone is not None else {}
    names = dict(zone.enterprises.select("uscc", "name").iter_rows()) if zone is not None else {}
    sheets = {
        "创新平台": _platforms(firms, today, levels, names),
        "技术合同登记": _contracts(firms) if firms else [],
        "人才": _talent(firms) if firms else [],
        "科技服务载体": providers,
        "在孵企业": hosted,
    }
    path = Path(out_dir) / "科技局_创新登记台账.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    # a fixed creation time: xlsxwriter stamps the current second otherwise, and the same store and day must
    # give the same file (a second demo recognises it by its sha256)
    wb.set_properties({"author": "gaoxin demo", "created": datetime.combine(today, time(9))})
    for name, rows in sheets.items():
        if not rows:
            continue
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                ws.write_string(r, c, v) if isinstance(v, str) else ws.write_number(r, c, v)
    wb.close()
    return path


def generate_registries(con: duckdb.DuckDBPyConnection, today: date, out_dir: Path, zone=None) -> dict:
    """Write and import the demo's registry file once; a store holding a registry batch gets nothing new."""
    if store.has_batch(con, SOURCE):
        return {"skipped": True}
    path = write_registry_file(con, today, out_dir, zone)
    out = import_registry(con, path)
    return {"skipped": False, "file": path.name, "outcome": out}
