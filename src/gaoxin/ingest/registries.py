"""Innovation registries as the 科技局 / 工信局 / 人才办 send them: 创新平台, 技术合同登记, 人才, 科技服务载体 and their
在孵企业 lists — the vocabularies (aliases, units, the words each column may hold) and the row work of one file.

Read like every department file: `readers.read_file` (limits before parsing), `headers.detect` with the sheet
kind's vocabulary (key column 平台名称 / 合同登记编号 / 姓名 / 载体名称 / 在孵企业名称), the shared row work of
`ingest.rows` (data rows, raw cells, 合计/说明 lines, duplicates, rejected rows). One file may hold several
kinds, one per sheet. Money is kept in 万元 whatever the header says (元 / 亿元), areas in 平方米 (亩 / 公顷);
levels, statuses and contract types are folded to their canonical words (国家级 → 国家, 技术开发合同 → 开发) and
anything else is refused naming the sheet, row and column. Writing is `store.registries.write_registry_batch`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from gaoxin.ingest import headers, parse, units, uscc
from gaoxin.ingest import rows as R
from gaoxin.ingest.prepare import sha256_of
from gaoxin.ingest.readers import RawSheet, ReadError, read_file
from gaoxin.ingest.vocabulary import UnitRule, Vocabulary
from gaoxin.settings import get_limits

SOURCE = "科技创新台账"

LEVELS = {"国家": "国家", "国家级": "国家", "部级": "国家", "省": "省", "省级": "省", "省部级": "省",
          "市": "市", "市级": "市", "地市级": "市", "区": "区", "区级": "区", "县级": "区", "区县级": "区"}  # fmt: skip
PLATFORM_STATUS = {"有效": "有效", "正常": "有效", "在册": "有效", "待复核": "待复核", "复核中": "待复核",
                   "警示": "警示", "警告": "警示", "整改": "警示", "撤销": "撤销", "已撤销": "撤销",
                   "撤销资格": "撤销", "摘牌": "撤销", "取消": "撤销"}  # fmt: skip
CONTRACT_TYPES = {"开发": "开发", "转让": "转让", "许可": "许可", "咨询": "咨询", "服务": "服务",
                  "委托开发": "开发", "合作开发": "开发", "专利权转让": "转让", "专利实施许可": "许可",
                  "技术秘密转让": "转让", "技术培训": "服务", "技术中介": "服务"}  # fmt: skip
MODES = {
    "全职": "全职",
    "全职引进": "全职",
    "柔性": "柔性",
    "柔性引进": "柔性",
    "兼职": "柔性",
    "项目合作": "柔性",
}
PROVIDER_KINDS = {"孵化器": "孵化器", "科技企业孵化器": "孵化器", "众创空间": "众创空间", "加速器": "加速器",
                  "企业加速器": "加速器", "投资机构": "投资机构", "创投机构": "投资机构", "创业投资机构": "投资机构",
                  "技术转移机构": "技术转移机构", "技术转移示范机构": "技术转移机构"}  # fmt: skip
PLATFORM_KINDS = ("重点实验室", "工程技术研究中心", "企业技术中心", "工业设计中心", "工程研究中心", "新型研发机构",
                  "成果转化中心", "技术创新中心", "制造业创新中心", "院士工作站", "博士后科研工作站")  # fmt: skip
_LEVEL_PREFIX = r"^(国家级|国家|省级|省|市级|市)"


@dataclass(frozen=True)
class Col:
    target: str
    label: str
    aliases: tuple[str, ...] = ()
    kind: str = "text"  # text | code | date | money | area | int | year | enum | platform_kind
    words: dict | None = None  # enum: accepted word → canonical word
    required: bool = False
    max_len: int = 100


@dataclass(frozen=True)
class Kind:
    """One kind of registry sheet: its columns (the first is the key), the row identity, the checks."""

    id: str
    title: str
    columns: tuple[Col, ...]
    identity: tuple[str, ...]  # what makes two rows the same record (within a file and across batches)

    @property
    def by_target(self) -> dict[str, Col]:
        return {c.target: c for c in self.columns}


_CODE = ("统一社会信用代码", "社会信用代码", "信用代码")
PLATFORM = Kind(
    "platform",
    "创新平台",
    (
        Col(
            "name",
            "平台名称",
            ("创新平台名称", "研发机构名称", "研发平台名称", "平台（机构）名称"),
            required=True,
        ),
        Col(
            "kind",
            "平台类型",
            ("类型", "平台类别", "机构类型", "研发机构类型"),
            "platform_kind",
            required=True,
        ),
        Col("level", "级别", ("平台级别", "认定级别", "研发机构级别", "层级"), "enum", LEVELS, required=True),
        Col("province", "所在省份", ("省份", "省"), max_len=20),
        Col("host_uscc", "依托单位统一社会信用代码", ("依托单位信用代码", *_CODE), "code"),
        Col("host_name", "依托单位", ("依托单位名称", "建设单位", "企业名称", "依托企业")),
        Col("approved_on", "认定日期", ("批准日期", "认定时间", "批复日期", "获批时间"), "date"),
        Col("doc_no", "认定文号", ("批准文号", "发文文号", "文号", "批复文号"), max_len=60),
        Col("status", "状态", ("当前状态", "运行状态", "资格状态"), "enum", PLATFORM_STATUS),
        Col(
            "last_review_on", "最近复核日期", ("复核日期", "最近评价日期", "评价日期", "最近考核日期"), "date"
        ),
        Col("grade", "最近评价结果", ("评价结果", "复核结果", "考核结果", "评价等级"), max_len=20),
        Col("next_review_on", "下次复核日期", ("下次评价日期", "有效期至", "复核到期日"), "date"),
        Col("revoked_on", "撤销日期", ("撤销时间", "摘牌日期"), "date"),
        Col("bar_until", "不得再次申请截止日期", ("限制申请截止日期", "禁止申报至"), "date"),
        Col("note", "备注说明", ("说明事项",), max_len=500),
    ),
    ("name",),
)
CONTRACT = Kind(
    "contract",
    "技术合同",
    (
        Col(
            "contract_no",
            "合同登记编号",
            ("合同编号", "登记编号", "技术合同登记号", "登记号"),
            required=True,
            max_len=60,
        ),
        Col("title", "合同名称", ("项目名称", "技术合同名称"), max_len=200),
        Col("seller_uscc", "卖方统一社会信用代码", ("卖方信用代码", "登记方信用代码", *_CODE), "code"),
        Col("seller_name", "卖方名称", ("卖方", "登记单位", "卖方单位", "企业名称")),
        Col("buyer_uscc", "买方统一社会信用代码", ("买方信用代码",), "code"),
        Col("buyer_name", "买方名称", ("买方", "买方单位")),
        Col("ctype", "合同类型", ("合同类别", "技术合同类型", "类型"), "enum", CONTRACT_TYPES, required=True),
        Col("amount_wan", "成交额", ("合同成交额", "合同金额", "合同总金额"), "money", required=True),
        Col("tech_amount_wan", "技术交易额", ("核定技术交易额", "技术性收入", "核定技术性收入"), "money"),
        Col("registered_on", "登记日期", ("认定登记日期", "登记时间"), "date", required=True),
    ),
    ("contract_no",),
)
TALENT = Kind(
    "talent",
    "人才",
    (
        Col("name", "姓名", ("人才姓名",), required=True, max_len=40),
        Col("field", "专业领域", ("领域", "研究方向", "专业方向"), max_len=60),
        Col("programme", "人才计划", ("入选计划", "人才项目", "计划名称", "人才工程"), required=True),
        Col("level", "计划级别", ("人才计划级别", "级别", "层次"), "enum", LEVELS, required=True),
        Col("year", "入选年度", ("入选年份", "年度", "入选时间"), "year"),
        Col("employer_uscc", "工作单位统一社会信用代码", ("用人单位信用代码", *_CODE), "code"),
        Col("employer_name", "工作单位", ("用人单位", "所在单位", "企业名称")),
        Col("mode", "引进方式", ("全职/柔性", "工作方式", "引进类型"), "enum", MODES),
    ),
    ("name", "programme", "year"),
)
PROVIDER = Kind(
    "provider",
    "科技服务载体",
    (
        Col("name", "载体名称", ("机构名称", "孵化器名称", "众创空间名称", "服务机构名称"), required=True),
        Col(
            "kind",
            "载体类型",
            ("机构类型", "服务机构类型", "载体类别"),
            "enum",
            PROVIDER_KINDS,
            required=True,
        ),
        Col("level", "级别", ("认定级别", "备案级别"), "enum", LEVELS),
        Col("operator_uscc", "运营主体统一社会信用代码", ("运营机构信用代码", *_CODE), "code"),
        Col("town", "所属镇街", ("镇街", "所在镇街"), max_len=40),
        Col("area_m2", "场地面积", ("孵化场地面积", "使用面积", "面积"), "area"),
        Col("hosted_count", "在孵企业数", ("服务企业数", "入驻企业数", "在孵企业数量"), "int"),
        Col("approved_on", "认定日期", ("备案日期", "认定时间", "备案时间"), "date"),
    ),
    ("name",),
)
HOSTED = Kind(
    "hosted",
    "在孵企业",
    (
        Col("firm_name", "在孵企业名称", ("在孵企业", "入驻企业名称", "服务企业名称"), required=True),
        Col("provider_name", "载体名称", ("所在载体", "孵化器名称", "所在孵化器"), required=True),
        Col("firm_uscc", "统一社会信用代码", ("社会信用代码", "信用代码"), "code"),
        Col("since", "入孵日期", ("入驻日期", "入孵时间"), "date"),
        Col("graduated_on", "毕业日期", ("毕业时间", "出孵日期"), "date"),
    ),
    ("provider_name", "firm_name"),
)
# the order sheets are tried in: a 在孵企业 sheet also names its 载体 (so it comes before the 载体 list)
KINDS: dict[str, Kind] = {k.id: k for k in (CONTRACT, TALENT, HOSTED, PROVIDER, PLATFORM)}
KIND_CHOICES = ("auto", *KINDS)


def _unit_rule(kind: Kind):
    def rule(target: str) -> UnitRule | None:
        c = kind.by_target.get(target)
        if c is None:
            return None
        if c.kind == "money":  # stored in 万元
            return UnitRule(
                "万元",
                lambda u: None if (f := units.factor_for(u, "money")) is None else f / 1e4,
                lambda u: f"单位「{u}」不是金额单位；{c.label}应以 万元 / 元 / 亿元 计",
            )
        if c.kind == "area":  # stored in 平方米
            return UnitRule(
                "平方米",
                lambda u: None if (f := units.factor_for(u, "area")) is None else f * units.SQM_PER_MU,
                lambda u: f"单位「{u}」不是面积单位；{c.label}应以 平方米 / 亩 / 公顷 计",
            )
        return None

    return rule


def vocabulary(kind: Kind) -> Vocabulary:
    key = kind.columns[0]
    return Vocabulary(
        name=f"registry-{kind.id}",
        names=tuple((c.target, (c.label, *c.aliases)) for c in kind.columns),
        key=(key.target,),
        key_label=f"「{key.label}」",
        unit_rule=_unit_rule(kind),
        entry=lambda t: None,
        total=r"^(总?合计|总计|小计|共计)",
        note=r"^(注|说明|备注|填表|填报|制表|审核|数据来源|联系人|导出时间)",
        header_total=r"^(总?合计|总计|小计|共计)",
        same_column=lambda target: "指同一项",
        slash_unit=False,
    )


VOCABS = {k: vocabulary(kind) for k, kind in KINDS.items()}


@dataclass(frozen=True)
class Limits:
    """The registry intake's own ceilings, below the general `settings.Limits` checked by the reader."""

    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 100_000


LIMITS = Limits()


class RegistryFileError(ValueError):
    """A registry file that cannot be used at all; the message names the file (sheet, column) and the rule."""


@dataclass
class RegistryBatch(R.SheetCounts):
    """A read registry file: per kind, every physical row accepted, rejected or skipped; the batch counts."""

    file_name: str
    sha256: str
    frames: dict[str, pl.DataFrame]  # kind id → rows (_sheet _row _raw targets… _status _reasons _columns)
    sheets: list[str]
    columns: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sheet_kinds: dict[str, str] = field(default_factory=dict)
    source: str = SOURCE
    periods: tuple[str, ...] = ()

    def _frames(self) -> list[pl.DataFrame]:
        return list(self.frames.values())

    def accepted_rows(self, kind: str) -> pl.DataFrame:
        f = self.frames.get(kind)
        if f is None or f.height == 0:
            return pl.DataFrame()
        return f.filter(pl.col("_status") == "accepted")

    def summary(self) -> dict:
        return {
            "file": self.file_name,
            "sha256": self.sha256,
            "source": self.source,
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "kinds": {k: int((f.get_column("_status") == "accepted").sum()) for k, f in self.frames.items()},
        }


# --- cells, vectorised -----------------------------------------------------------------------------------


def _enum(col: str, words: dict) -> tuple[pl.Expr, pl.Expr]:
    f = parse.folded(col).str.replace_all(r"\s", "")
    base = f.str.replace(r"(技术)?合同$", "").str.replace(r"^技术", "")  # 技术开发合同 → 开发
    value = pl.coalesce(
        f.replace_strict(words, default=None, return_dtype=pl.Utf8),
        base.replace_strict(words, default=None, return_dtype=pl.Utf8),
    )
    return value, ~parse.is_placeholder(col) & value.is_null()


def _parsed(c: Col, col: str, factor: float) -> tuple[pl.Expr, pl.Expr, str]:
    """(value, bad flag, what the cell should be) of one column."""
    limits = get_limits()
    if c.kind in ("money", "area"):
        value, bad = parse.number(col, factor)
        return value, bad | (value < 0).fill_null(False), "应为不小于 0 的数"
    if c.kind in ("int", "year"):
        value, bad = parse.number(col)
        frac = (value % 1 != 0).fill_null(False)
        if c.kind == "year":
            last = dt.date.today().year + limits.year_ahead
            out = ~value.is_between(limits.year_min, last).fill_null(True)
            return (
                value.cast(pl.Int32, strict=False),
                bad | frac | out,
                f"应为 {limits.year_min}–{last} 的四位年份",
            )
        return (
            value.cast(pl.Int32, strict=False),
            bad | frac | (value < 0).fill_null(False),
            "应为不小于 0 的整数",
        )
    if c.kind == "date":
        value, bad = parse.date(col)
        last = dt.date(dt.date.today().year + limits.year_ahead, 12, 31)
        out = ~value.is_between(dt.date(limits.year_min, 1, 1), last).fill_null(True)
        return (
            value,
            bad | out,
            f"无法识别或不在 {limits.year_min}–{last.year} 年间，应为 2024-03-15、2024/3/15、2024年3月15日 或 Excel 日期",
        )
    if c.kind == "enum":
        value, bad = _enum(col, c.words or {})
        return value, bad, f"应为 {' / '.join(dict.fromkeys((c.words or {}).values()))} 之一"
    if c.kind == "platform_kind":  # 省级企业技术中心 → 企业技术中心 (the level is its own column)
        t = parse.text_value(col).str.replace_all(r"\s", "")
        value = t.str.replace(_LEVEL_PREFIX, "")
        too_long = (value.str.len_chars() > 40).fill_null(False)
        return (
            value,
            too_long | parse.text_problem(col, 40),
            "应为平台类型（如 企业技术中心、重点实验室），不超过 40 字",
        )
    value = parse.text_value(col)
    if c.kind == "code":  # the check character is worked beforehand (`_code_bad`)
        code = value.str.to_uppercase().str.replace_all(r"[\s\-]", "")
        return code, value.is_not_null() & pl.col(f"_bad:{c.target}"), "无效（GB 32100-2015 校验不通过）"
    return value, parse.text_problem(col, c.max_len), f"超过 {c.max_len} 字或含控制字符"


def _code_flags(data: pl.DataFrame, cols: list[str], by: dict, kind: Kind) -> list[pl.Series]:
    out = []
    for c in kind.columns:
        if c.kind != "code" or c.target not in by:
            continue
        codes = data.get_column(cols[by[c.target].index]).fill_null("")
        verdict = uscc.validate_series(pl.Series([uscc.normalize(x) for x in codes.to_list()]))
        out.append(pl.Series(f"_bad:{c.target}", verdict != uscc.OK, pl.Boolean))
    return out


_DTYPES = {"date": pl.Date, "money": pl.Float64, "area": pl.Float64, "int": pl.Int32, "year": pl.Int32}


def _row_rules(kind: Kind) -> list[tuple[pl.Expr, str, str | None]]:
    """Checks across the cells of one row: (broken, message, the column it names)."""
    if kind.id == "contract":
        return [
            ((pl.col("tech_amount_wan") > pl.col("amount_wan")).fill_null(False),
             "技术交易额大于成交额", "tech_amount_wan"),
            (pl.col("seller_uscc").is_null() & pl.col("seller_name").is_null(),
             "卖方（登记方）名称与信用代码均为空", "seller_name"),
        ]  # fmt: skip
    if kind.id == "platform":
        return [
            (pl.col("host_uscc").is_null() & pl.col("host_name").is_null(),
             "依托单位名称与信用代码均为空", "host_name"),
            ((pl.col("last_review_on") < pl.col("approved_on")).fill_null(False),
             "最近复核日期早于认定日期", "last_review_on"),
            ((pl.col("revoked_on") < pl.col("approved_on")).fill_null(False),
             "撤销日期早于认定日期", "revoked_on"),
        ]  # fmt: skip
    if kind.id == "hosted":
        return [
            (
                (pl.col("graduated_on") < pl.col("since")).fill_null(False),
                "毕业日期早于入孵日期",
                "graduated_on",
            )
        ]
    return []


def _fallbacks(kind: Kind, by: dict, cols: list[str]) -> dict[str, pl.Expr]:
    """Values a sheet gives elsewhere when their own cell is empty (or the column is missing): a platform list
    often says the level in the
    type (省级企业技术中心) or the name (某某国家工业设计中心)."""
    if kind.id == "platform" and "kind" in by:
        prefix = pl.coalesce(
            parse.text_value(cols[by["kind"].index]).str.replace_all(r"\s", "").str.extract(_LEVEL_PREFIX, 1),
            parse.text_value(cols[by["name"].index]).str.extract(r"(国家级|国家|省级|市级)", 1),
        )
        return {"level": prefix.replace_strict(LEVELS, default=None, return_dtype=pl.Utf8).alias("level")}
    return {}


def kind_rows(sheet: RawSheet, layout: headers.Layout, kind: Kind) -> pl.DataFrame:
    """One row per physical data row with `_status` / `_reasons` / `_columns` and the parsed targets."""
    vocab = VOCABS[kind.id]
    data = R.data_rows(sheet, layout)
    cols = sheet.grid.columns
    by = layout.by_target()
    data = data.with_columns(_code_flags(data, cols, by, kind))
    values, checks = [], []
    for c in kind.columns:
        dtype = _DTYPES.get(c.kind, pl.Utf8)
        if c.target not in by:
            values.append(pl.lit(None, dtype=dtype).alias(c.target))
            continue
        col = by[c.target]
        value, bad, expect = _parsed(c, cols[col.index], col.factor)
        values.append(value.cast(dtype).alias(c.target))
        checks.append((bad, col, f"{c.label}{expect}"))
    fallback = _fallbacks(kind, by, cols)
    values = [
        pl.coalesce(v, fallback[n]).alias(n) if (n := v.meta.output_name()) in fallback else v for v in values
    ]
    parts = [
        pl.when(bad).then(pl.lit(f"{R.cell_place(col)}：{msg}，实际为「") + pl.col(cols[col.index]) + "」")
        for bad, col, msg in checks
    ]
    bad_cols = [pl.when(bad).then(pl.lit(col.header)) for bad, col, _ in checks]
    frame = data.with_columns(
        *R.line_flags(cols, vocab, parse.folded), R.raw_json(sheet, layout).alias("_raw")
    )
    frame = frame.with_columns(values)
    for c in kind.columns[1:]:  # a required column missing from the sheet, or empty in a row
        if not c.required:
            continue
        if c.target in by:
            col = by[c.target]
            empty = pl.col(c.target).is_null() & ~pl.any_horizontal(
                [b for b, cc, _ in checks if cc is col] or [pl.lit(False)]
            )
            parts.append(pl.when(empty).then(pl.lit(f"{R.cell_place(col)}：{c.label}为空")))
            bad_cols.append(pl.when(empty).then(pl.lit(col.header)))
        elif c.target in fallback:  # no 级别 column: the type or the name must say it
            empty = pl.col(c.target).is_null()
            parts.append(pl.when(empty).then(pl.lit(f"缺少「{c.label}」列，且类型中未写明级别")))
            bad_cols.append(pl.when(empty).then(pl.lit(c.label)))
        else:
            parts.append(pl.lit(f"缺少「{c.label}」列"))
            bad_cols.append(pl.lit(c.label))
    for broken, msg, target in _row_rules(kind):
        where = by.get(target)
        parts.append(pl.when(broken).then(pl.lit(f"规则：{msg}")))
        bad_cols.append(pl.when(broken).then(pl.lit(where.header if where else target)))
    frame = frame.with_columns(
        R.join(parts, "；").alias("_why"),
        R.join(bad_cols, "、").alias("_bad"),
        pl.lit(None, dtype=pl.Utf8).alias("period"),  # the disposition ladder names one; a register has none
    )
    key = kind.columns[0].target
    no_key = pl.col(key).is_null()
    status = R.disposition(
        blank=pl.col("_blank"),
        total=pl.col("_total") & no_key | pl.col(key).str.contains(vocab.total).fill_null(False),
        note=pl.col("_note") & (no_key | pl.col(key).str.contains(vocab.note).fill_null(False)),
        reasons=pl.when(no_key)
        .then(pl.lit(f"{R.cell_place(layout.key)}：{kind.columns[0].label}为空"))
        .otherwise(pl.col("_why")),
        columns=pl.when(no_key).then(pl.lit(layout.key.header)).otherwise(pl.col("_bad")),
        mismatch=pl.lit(False),
        no_period=pl.lit(False),
        period=None,
        total_label="合计行（不是数据）",
        note_label="说明行（不是数据）",
    )
    return frame.with_columns(*status).select(
        pl.lit(sheet.name).alias("_sheet"),
        pl.col("_row"),
        pl.col("_raw"),
        *[pl.col(c.target) for c in kind.columns],
        "_status",
        "_reasons",
        "_columns",
    )


def read_registry_file(path: Path | str, kind: str = "auto", limits: Limits = LIMITS) -> RegistryBatch:
    """Read, map and check every row of a registry file (nothing is written). Raises RegistryFileError,
    ReadError or SheetError for a file that cannot be used."""
    path = Path(path)
    if kind not in KIND_CHOICES:
        raise RegistryFileError(f"--kind 应为 {' / '.join(KIND_CHOICES)} 之一，实际为「{kind}」")
    if path.exists() and path.stat().st_size > limits.max_bytes:
        raise RegistryFileError(
            f"{path.name}: 文件大小 {path.stat().st_size / 1048576:.1f} MB 超过登记台账导入上限 "
            f"{limits.max_bytes / 1048576:g} MB，请拆分后导入"
        )
    sheets = read_file(path)
    height = sum(s.grid.height for s in sheets)
    if height > limits.max_rows:
        raise RegistryFileError(f"{path.name}: 共 {height} 行，超过登记台账导入上限 {limits.max_rows} 行")
    notes: list[str] = []
    columns: list[dict] = []
    frames: dict[str, list[pl.DataFrame]] = {}
    used: dict[str, str] = {}
    tried = [KINDS[kind]] if kind != "auto" else list(KINDS.values())
    for sheet in sheets:
        if sheet.grid.height == 0:
            continue
        for k in tried:
            found = list(R.layouts([sheet], path.name, VOCABS[k.id], [], columns))
            if not found:
                continue
            _s, layout = found[0]
            notes.extend(f"工作表「{sheet.name}」（{k.title}）: {n}" for n in layout.notes)
            rows = kind_rows(sheet, layout, k)
            frames.setdefault(k.id, []).append(rows)
            used[sheet.name] = k.id
            break
        else:
            keys = "、".join(f"「{k.columns[0].label}」" for k in tried)
            notes.append(f"工作表「{sheet.name}」中未找到 {keys} 列，已跳过该表")
    if not used:
        keys = " / ".join(f"「{k.columns[0].label}」（{k.title}）" for k in tried)
        raise RegistryFileError(
            f"{path.name}: 未找到登记台账：须有 {keys} 列之一，已查看 {len(sheets)} 个工作表的前 "
            f"{headers.HEADER_SEARCH_ROWS} 行"
        )
    out = {}
    for kid, parts in frames.items():
        k = KINDS[kid]
        rows = pl.concat(parts, how="diagonal_relaxed")
        out[kid] = R.mark_duplicates(
            rows,
            list(k.identity),
            [c.target for c in k.columns if c.target not in k.identity],
            same="与工作表「{}」第{}行完全重复（同一" + k.title + "）",
            differ="同一" + k.title + "出现多次且内容不一致（{}），请核对后只保留一行",
        )
    if sum(f.height for f in out.values()) == 0:
        raise RegistryFileError(f"{path.name}: 表头之下没有数据行")
    return RegistryBatch(path.name, sha256_of(path), out, list(used), columns, notes, used)


__all__ = [
    "KINDS",
    "KIND_CHOICES",
    "LIMITS",
    "PLATFORM_KINDS",
    "Limits",
    "ReadError",
    "RegistryBatch",
    "RegistryFileError",
    "read_registry_file",
]
