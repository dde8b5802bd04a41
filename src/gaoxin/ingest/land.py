"""The 自然资源 land ledger (宗地台账 and 厂房 / 房屋 sheets) as departments send it: vocabulary and row checks.

Read like every department file: `readers.read_file` (limits before parsing), `headers.detect` with the
`PARCELS` or `BUILDINGS` vocabulary (key 宗地编号 / 房屋编号), the shared row work of `ingest.rows` (data rows,
raw cells, 合计/说明 lines, duplicates, rejected rows). What is land-specific lives here: the columns, their
units (亩 / 公顷 / 平方米; 万元 / 元), dates and the checks (area > 0, dates in order, a valid credit code).
Writing is `store.land.write_land_batch` (one transaction, rejected rows kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from gaoxin.ingest import headers, uscc
from gaoxin.ingest import rows as R
from gaoxin.ingest.prepare import sha256_of
from gaoxin.ingest.readers import ReadError, read_file
from gaoxin.ingest.requests import clean_text, parse_time
from gaoxin.ingest.vocabulary import UnitRule, Vocabulary

SOURCE = "自然资源"
MAX_BYTES, MAX_ROWS = 30 * 1024 * 1024, 300_000

AREA = {"亩": 1.0, "公顷": 15.0, "平方米": 0.0015, "m2": 0.0015, "m²": 0.0015, "㎡": 0.0015}
FLOOR = {"平方米": 1.0, "m2": 1.0, "m²": 1.0, "㎡": 1.0, "万平方米": 10_000.0}
MONEY = {"万元": 1.0, "元": 1e-4, "亿元": 1e4}
INTENSITY = {"万元/亩": 1.0, "万元每亩": 1.0}


@dataclass(frozen=True)
class LandColumn:
    target: str
    label: str
    aliases: tuple[str, ...]
    kind: str = "text"  # text | date | num | code
    units: dict | None = None
    default_unit: str = ""


def _unit_rule(units: dict, default: str, label: str) -> UnitRule:
    return UnitRule(
        default, units.get, lambda u: f"单位「{u}」不适用于「{label}」，应为 {' / '.join(units)} 之一"
    )


PARCEL_COLUMNS = (
    LandColumn("parcel_no", "宗地编号", ("宗地号", "地块编号", "宗地代码", "不动产单元号", "地块号")),
    LandColumn("uscc", "统一社会信用代码", ("社会信用代码", "信用代码", "使用权人信用代码"), "code"),
    LandColumn("holder_name", "土地使用权人", ("使用权人", "受让人", "用地单位", "企业名称", "权利人")),
    LandColumn("town", "镇街", ("所在镇街", "镇（街道）", "乡镇", "镇办", "所属镇街")),
    LandColumn("location", "坐落", ("土地坐落", "宗地坐落", "位置")),
    LandColumn("area_mu", "宗地面积", ("土地面积", "用地面积", "出让面积", "面积"), "num", AREA, "亩"),
    LandColumn("land_use", "土地用途", ("用途", "规划用途", "批准用途")),
    LandColumn("supply", "供地方式", ("取得方式", "土地来源", "出让方式")),
    LandColumn("tenure", "自有或租赁", ("权属", "使用方式", "自有/租赁")),
    LandColumn("contract_no", "合同编号", ("出让合同编号", "划拨决定书编号", "合同号")),
    LandColumn("signed_on", "签订日期", ("合同签订日期", "签订时间", "划拨日期"), "date"),
    LandColumn("price_wan", "出让价款", ("成交价款", "土地价款", "划拨价款", "出让金"), "num", MONEY, "万元"),
    LandColumn("agreed_start", "约定开工日期", ("约定动工日期", "约定动工开发日期", "约定开工时间"), "date"),
    LandColumn("agreed_complete", "约定竣工日期", ("约定竣工时间",), "date"),
    LandColumn(
        "agreed_intensity", "约定投资强度", ("投资强度", "固定资产投资强度"), "num", INTENSITY, "万元/亩"
    ),
    LandColumn("plot_ratio", "容积率", ("约定容积率", "容积率下限"), "num"),
    LandColumn(
        "planned_floor_m2",
        "应建总面积",
        ("应动工开发建设总面积", "规划建筑面积", "计容建筑面积"),
        "num",
        FLOOR,
        "平方米",
    ),
    LandColumn("total_invest_wan", "约定总投资", ("总投资额", "项目总投资"), "num", MONEY, "万元"),
    LandColumn("actual_start", "实际开工日期", ("实际动工日期", "动工日期", "开工日期"), "date"),
    LandColumn("actual_complete", "实际竣工日期", ("竣工日期", "竣工验收日期"), "date"),
    LandColumn("stopped_on", "中止建设日期", ("停工日期", "中止开发建设日期"), "date"),
    LandColumn(
        "built_floor_m2", "已建建筑面积", ("建筑面积", "已建面积", "已开发建设面积"), "num", FLOOR, "平方米"
    ),
    LandColumn("invested_wan", "已投资额", ("累计投资", "已完成投资", "实际投资"), "num", MONEY, "万元"),
    LandColumn("industry_code", "行业代码", ("国民经济行业代码", "行业小类代码")),
    LandColumn("industry_status", "产业目录类别", ("产业政策类别", "产业类别", "目录类别")),
)
BUILDING_COLUMNS = (
    LandColumn("building_no", "房屋编号", ("厂房编号", "楼栋编号", "建筑编号")),
    LandColumn("parcel_no", "宗地编号", ("宗地号", "地块编号", "所在宗地")),
    LandColumn("name", "房屋名称", ("厂房名称", "楼栋名称")),
    LandColumn("floor_m2", "建筑面积", ("厂房面积", "房屋面积"), "num", FLOOR, "平方米"),
    LandColumn("use", "房屋用途", ("用途",)),
    LandColumn("owner_uscc", "产权人信用代码", ("出租方信用代码", "产权人统一社会信用代码"), "code"),
    LandColumn("lessee_uscc", "承租方信用代码", ("承租人信用代码", "承租方统一社会信用代码"), "code"),
    LandColumn("leased_m2", "出租面积", ("租赁面积",), "num", FLOOR, "平方米"),
    LandColumn("vacant_m2", "空置面积", ("闲置面积",), "num", FLOOR, "平方米"),
)
TARGET_COLUMNS = (  # 盘活目标 (目标分解): the 亩 each town is to free in a year
    LandColumn("town", "镇街", ("所在镇街", "镇（街道）", "乡镇", "镇办", "责任镇街")),
    LandColumn("year", "年度", ("年份", "目标年度"), "num"),
    LandColumn(
        "target_mu", "盘活目标", ("盘活面积目标", "目标面积", "处置目标", "盘活任务"), "num", AREA, "亩"
    ),
)


def _vocab(name: str, columns: tuple[LandColumn, ...], key: str, key_label: str) -> Vocabulary:
    by = {c.target: c for c in columns}
    return Vocabulary(
        name=name,
        names=tuple((c.target, (c.label, *c.aliases)) for c in columns),
        key=(key,),
        key_label=key_label,
        unit_rule=lambda t: (
            _unit_rule(by[t].units, by[t].default_unit, by[t].label) if t in by and by[t].units else None
        ),
        entry=by.get,
        total=r"^(总?合计|总计|小计|共计)",
        note=r"^(注|说明|备注|填表|填报|制表|审核|数据来源|导出时间)",
        header_total=r"^(总?合计|总计|小计|共计)",
        same_column=lambda target: "指同一项",
        extra_units=frozenset({*AREA, *FLOOR, *MONEY, *INTENSITY}),
        slash_unit=False,
    )


PARCELS = _vocab("land", PARCEL_COLUMNS, "parcel_no", "「宗地编号」")
BUILDINGS = _vocab("building", BUILDING_COLUMNS, "building_no", "「房屋编号」")
TARGETS = _vocab("land_target", TARGET_COLUMNS, "town", "「镇街」")


class LandFileError(ValueError):
    """A land file that cannot be used at all; the message names the file (sheet, column) and the rule."""


@dataclass
class LandBatch(R.SheetCounts):
    """A read land file: parcel and building rows, each accepted, rejected or skipped; the batch counts."""

    file_name: str
    sha256: str
    parcels: pl.DataFrame
    buildings: pl.DataFrame
    sheets: list[str]
    columns: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: str = SOURCE
    periods: tuple[str, ...] = ()
    targets: pl.DataFrame = field(default_factory=pl.DataFrame)

    def _frames(self) -> list[pl.DataFrame]:
        return [self.parcels, self.buildings, self.targets]

    def accepted_parcels(self) -> pl.DataFrame:
        return R.accepted(self.parcels)

    def accepted_targets(self) -> pl.DataFrame:
        return R.accepted(self.targets)

    def accepted_buildings(self) -> pl.DataFrame:
        return R.accepted(self.buildings)


# --- cells ---------------------------------------------------------------------------------------------

_NUM = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _num(cell: str | None) -> float | None:
    s = (clean_text(cell) or "").replace(",", "").replace("，", "")
    if not s:
        return None
    if not _NUM.match(s):
        raise ValueError(s)
    return float(s)


def _cell(spec: LandColumn, col: headers.Column, cell: str | None) -> tuple[object, str | None]:
    """(value, problem) of one cell."""
    if spec.kind == "date":
        try:
            at, _ = parse_time(cell)
        except ValueError:
            return None, f"无法识别的日期「{cell}」，应为 2021-03-05、2021/3/5、2021年3月5日 或 Excel 日期"
        return (at.date() if at else None), None
    if spec.kind == "num":
        try:
            v = _num(cell)
        except ValueError:
            return None, f"「{cell}」不是数字"
        if v is not None and v < 0:
            return None, f"{spec.label}不能为负数（实际 {v:g}）"
        return (v * col.factor if v is not None else None), None
    value = clean_text(cell)
    if spec.kind == "code" and value is not None:
        value = uscc.normalize(value)
        verdict = uscc.validate_array([value])[0]
        if verdict != uscc.OK:
            return (
                value,
                f"{uscc.REASONS.get(verdict, '统一社会信用代码无效')}（GB 32100-2015），实际为「{value}」",
            )
    return value, None


def _row_checks(rec: dict, kind: str) -> list[str]:
    """The rules across cells of one row (what a single cell cannot say)."""
    out = []
    if kind == "parcel":
        if rec.get("area_mu") is None or rec["area_mu"] <= 0:
            out.append("宗地面积须大于 0（亩）")
        s, c, sign = rec.get("agreed_start"), rec.get("agreed_complete"), rec.get("signed_on")
        if s and c and c < s:
            out.append(f"约定竣工日期 {c} 早于约定开工日期 {s}")
        if sign and s and s < sign:
            out.append(f"约定开工日期 {s} 早于合同签订日期 {sign}")
        a, ac = rec.get("actual_start"), rec.get("actual_complete")
        if a and ac and ac < a:
            out.append(f"实际竣工日期 {ac} 早于实际开工日期 {a}")
        if rec.get("supply") and rec["supply"] not in ("出让", "划拨", "租赁", "作价出资"):
            out.append(f"供地方式「{rec['supply']}」应为 出让 / 划拨 / 租赁 / 作价出资")
    elif kind == "target":
        y = rec.get("year")
        if y is None or not (2000 <= y <= 2100) or y != int(y):
            out.append(f"年度应为四位年份（如 2026），实际为「{y if y is not None else ''}」")
        if rec.get("target_mu") is None or rec["target_mu"] <= 0:
            out.append("盘活目标须大于 0（亩）")
    else:
        if rec.get("floor_m2") is None or rec["floor_m2"] <= 0:
            out.append("建筑面积须大于 0（平方米）")
        if rec.get("parcel_no") is None:
            out.append("宗地编号为空：房屋须属于一宗地")
    return out


def _sheet_rows(sheet, layout: headers.Layout, vocab: Vocabulary, columns, kind: str) -> pl.DataFrame:
    data = R.data_rows(sheet, layout)
    cols = sheet.grid.columns
    flags = data.select(R.line_flags(cols, vocab, lambda c: pl.col(c).str.strip_chars()))
    raw = data.select(R.raw_json(sheet, layout).alias("_raw")).get_column("_raw")
    by = layout.by_target()
    specs = {c.target: c for c in columns}
    key = vocab.key[0]
    out = []
    for i, cells in enumerate(data.iter_rows(named=True)):
        flag = flags.row(i, named=True)
        rec: dict = {"_sheet": sheet.name, "_row": cells["_row"], "_raw": raw[i]}
        reasons, bad = [], []
        for target, col in by.items():
            rec[target], problem = _cell(specs[target], col, cells[cols[col.index]])
            if problem:
                reasons.append(f"列「{col.header}」({col.letter}列)：{problem}")
                bad.append(col.header)
        status = "accepted"
        if flag["_blank"]:
            status, reasons = "skipped", ["空行"]
        elif flag["_total"] and (rec.get(key) is None or re.match(vocab.total, str(rec.get(key)))):
            status, reasons = "skipped", ["合计行（不是数据）"]
        elif flag["_note"] and rec.get(key) is None:
            status, reasons = "skipped", ["说明行（不是数据）"]
        else:
            if rec.get(key) is None:
                reasons.insert(0, f"列「{layout.key.header}」({layout.key.letter}列)：{specs[key].label}为空")
                bad.insert(0, layout.key.header)
            reasons += [f"规则：{m}" for m in _row_checks(rec, kind)]
            status = "rejected" if reasons else "accepted"
        rec.update(_status=status, _reasons="；".join(reasons) or None, _columns="、".join(bad) or None)
        out.append(rec)
    types = {"date": pl.Date, "num": pl.Float64}
    schema = {
        "_sheet": pl.Utf8,
        "_row": pl.Int32,
        "_raw": pl.Utf8,
        **{c.target: types.get(c.kind, pl.Utf8) for c in columns},
        "_status": pl.Utf8,
        "_reasons": pl.Utf8,
        "_columns": pl.Utf8,
    }
    return pl.DataFrame(out, schema=schema)


def _dedupe(frame: pl.DataFrame, key: str, label: str, columns) -> pl.DataFrame:
    if frame.height == 0:
        return frame
    return R.mark_duplicates(
        frame,
        [key],
        [c.target for c in columns if c.target != key],
        same="与工作表「{}」第{}行完全重复（同一" + label + "）",
        differ="同一" + label + "出现多次且内容不一致（{}），请核对后只保留一行",
    )


def read_land_file(path: Path | str) -> LandBatch:
    """Read, map and check every row of a land ledger (nothing is written). Raises LandFileError, ReadError."""
    path = Path(path)
    if path.exists() and path.stat().st_size > MAX_BYTES:
        raise LandFileError(
            f"{path.name}: 文件大小超过土地台账导入上限 {MAX_BYTES // 1024 // 1024} MB，请拆分后导入"
        )
    sheets = read_file(path)
    if sum(s.grid.height for s in sheets) > MAX_ROWS:
        raise LandFileError(f"{path.name}: 行数超过土地台账导入上限 {MAX_ROWS} 行，请拆分后导入")
    notes: list[str] = []
    columns: list[dict] = []
    parcels, buildings, targets, used = [], [], [], []
    for sheet in sheets:
        if sheet.grid.height == 0:
            continue
        for vocab, specs, kind, bucket in (
            (BUILDINGS, BUILDING_COLUMNS, "building", buildings),
            (PARCELS, PARCEL_COLUMNS, "parcel", parcels),
            (TARGETS, TARGET_COLUMNS, "target", targets),
        ):
            found = list(R.layouts([sheet], path.name, vocab, [], columns))
            if found:
                _s, layout = found[0]
                if kind == "target" and not {"year", "target_mu"} <= set(layout.by_target()):
                    continue  # a sheet with a 镇街 column is not a target sheet without 年度 and 盘活目标
                notes.extend(f"工作表「{sheet.name}」: {n}" for n in layout.notes)
                if kind == "parcel" and "area_mu" not in layout.by_target():
                    raise LandFileError(
                        f"{path.name} 工作表「{sheet.name}」: 缺少「宗地面积」列（亩），无法登记宗地"
                    )
                bucket.append(_sheet_rows(sheet, layout, vocab, specs, kind))
                used.append(sheet.name)
                break
        else:
            notes.append(
                f"工作表「{sheet.name}」中未找到「宗地编号」「房屋编号」或「镇街」+「盘活目标」列，已跳过该表"
            )
    if not used:
        raise LandFileError(
            f"{path.name}: 未找到宗地台账：须有「宗地编号」列（宗地表）或「房屋编号」列（房屋表），"
            f"已查看 {len(sheets)} 个工作表的前 {headers.HEADER_SEARCH_ROWS} 行"
        )
    p = (
        _dedupe(pl.concat(parcels, how="diagonal_relaxed"), "parcel_no", "宗地编号", PARCEL_COLUMNS)
        if parcels
        else pl.DataFrame()
    )
    b = (
        _dedupe(pl.concat(buildings, how="diagonal_relaxed"), "building_no", "房屋编号", BUILDING_COLUMNS)
        if buildings
        else pl.DataFrame()
    )
    t = pl.concat(targets, how="diagonal_relaxed") if targets else pl.DataFrame()
    if t.height:
        t = R.mark_duplicates(
            t,
            ["town", "year"],
            ["target_mu"],
            same="与工作表「{}」第{}行完全重复（同一镇街、年度）",
            differ="同一镇街、年度的盘活目标出现多次且不一致（{}），请核对后只保留一行",
        )
    if p.height + b.height + t.height == 0:
        raise LandFileError(f"{path.name}: 表头之下没有数据行")
    return LandBatch(path.name, sha256_of(path), p, b, used, columns, notes, targets=t)


def days(d: date | None) -> str:
    return d.isoformat() if d else "—"


__all__ = ["BUILDINGS", "PARCELS", "LandBatch", "LandFileError", "ReadError", "read_land_file"]
