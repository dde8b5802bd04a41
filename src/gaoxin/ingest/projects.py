"""项目台账 as a 招商局 sends it: the project vocabulary (aliases, units) and the row work of one file.

Read like every department file — `readers.read_file` (limits before parsing), `headers.detect` with the
`PROJECTS` vocabulary (key column 项目名称), the shared row work of `ingest.rows` (data rows, raw cells,
合计/说明 lines, duplicates, rejected rows). Money is stored in 万元 and land in 亩 whatever the header says
(亿元 / 元, 公顷 / 平方米); per-亩 figures in 万元/亩. Turning a row into a project case is the case layer's job
(`gaoxin.cases.projects.intake`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from gaoxin.ingest import headers, parse, units, uscc
from gaoxin.ingest import rows as R
from gaoxin.ingest.prepare import sha256_of
from gaoxin.ingest.readers import RawSheet, read_file
from gaoxin.ingest.vocabulary import UnitRule, Vocabulary

PER_MU = {"万元/亩": 1.0, "元/亩": 1e-4, "万元每亩": 1.0, "万元/亩·年": 1.0}


@dataclass(frozen=True)
class ProjectColumn:
    target: str
    label: str
    aliases: tuple[str, ...]
    kind: str = "text"  # text | money | area | per_mu | ratio | year | date | flag | code
    max_len: int | None = None


COLUMNS = (
    ProjectColumn("title", "项目名称", ("项目", "招商项目名称", "项目全称"), "text", 100),
    ProjectColumn(
        "firm_name", "企业名称", ("投资主体", "建设单位", "项目单位", "签约企业", "项目业主"), "text", 100
    ),
    ProjectColumn("uscc", "统一社会信用代码", ("社会信用代码", "信用代码", "企业信用代码"), "code"),
    ProjectColumn(
        "town", "所属镇街", ("镇街", "属地", "所在镇街", "所属乡镇", "所在乡镇", "乡镇街道"), "text", 40
    ),
    ProjectColumn(
        "industry", "所属行业", ("行业", "行业类别", "产业类别", "产业领域", "行业代码"), "text", 60
    ),
    ProjectColumn("kind", "项目类型", ("签约类型", "新签/增资", "项目性质"), "text", 10),
    ProjectColumn("signed_on", "签约日期", ("签约时间", "协议签订日期", "签约年月"), "date"),
    ProjectColumn(
        "investment_wan", "总投资", ("协议投资", "计划总投资", "项目总投资", "投资额", "协议总投资"), "money"
    ),
    ProjectColumn("land_mu", "用地面积", ("用地", "占地面积", "用地规模", "供地面积", "规划用地"), "area"),
    ProjectColumn("intensity", "投资强度", ("承诺投资强度", "亩均投资"), "per_mu"),
    ProjectColumn("tax_per_mu", "亩均税收", ("承诺亩均税收", "亩均税收贡献"), "per_mu"),
    ProjectColumn("output_per_mu", "亩均产值", ("承诺亩均产值", "亩均营业收入"), "per_mu"),
    ProjectColumn("plot_ratio", "容积率", ("承诺容积率",), "ratio"),
    ProjectColumn("energy_va", "单位能耗增加值", ("承诺单位能耗增加值",), "ratio"),
    ProjectColumn("rd_share", "研发投入占比", ("R&D占比", "研发经费占比", "R&D 占比"), "ratio"),
    ProjectColumn("full_year", "达产年份", ("达产年度", "约定达产年份", "达产时间"), "year"),
    ProjectColumn("owner", "责任单位", ("责任部门", "包抓单位", "招商责任单位", "责任人"), "text", 60),
    ProjectColumn("chain_node", "产业链环节", ("产业链节点", "链条环节", "补链环节"), "text", 60),
    ProjectColumn("key", "重点项目", ("是否重点项目", "省市重点"), "flag"),
)
BY_TARGET = {c.target: c for c in COLUMNS}
NUMERIC = tuple(c.target for c in COLUMNS if c.kind in ("money", "area", "per_mu", "ratio", "year"))


def _money(u: str) -> float | None:
    f = units.factor_for(u, "money")
    return None if f is None else f / 1e4  # stored in 万元


def _unit_rule(target: str) -> UnitRule | None:
    kind = BY_TARGET[target].kind
    if kind == "money":
        return UnitRule("万元", _money, lambda u: f"单位「{u}」不是金额单位；总投资应以 万元 或 亿元 计")
    if kind == "area":
        return UnitRule(
            "亩",
            lambda u: units.factor_for(u, "area"),
            lambda u: f"单位「{u}」不是面积单位；用地应以 亩 / 公顷 / 平方米 计",
        )
    if kind == "per_mu":
        return UnitRule("万元/亩", PER_MU.get, lambda u: f"单位「{u}」不适用，应为 {' / '.join(PER_MU)} 之一")
    return None


PROJECTS = Vocabulary(
    name="project",
    names=tuple((c.target, (c.label, *c.aliases)) for c in COLUMNS),
    key=("title",),
    key_label="「项目名称」",
    unit_rule=_unit_rule,
    entry=BY_TARGET.get,
    total=r"^(总?合计|总计|小计|共计)",
    note=r"^(注|说明|备注|填表|填报|制表|审核|数据来源|联系人)",
    header_total=r"^(总?合计|总计|小计|共计)",
    same_column=lambda target: "指同一项",
    extra_units=frozenset(PER_MU),
    slash_unit=False,
)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 20_000


LIMITS = Limits()


class ProjectFileError(ValueError):
    """A 项目台账 that cannot be used at all; the message names the file (sheet, column) and the rule."""


@dataclass
class ProjectSheet:
    path: Path
    file_name: str
    sha256: str
    sheets: list[str]
    rows: pl.DataFrame  # _sheet _row _status _reasons _columns _raw + the targets
    columns: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    layouts: dict[str, headers.Layout] = field(default_factory=dict)


def read_projects(path: Path | str, limits: Limits = LIMITS) -> ProjectSheet:
    """Read, map and check every physical row (nothing written). Raises ProjectFileError / ReadError /
    SheetError for a file that cannot be used."""
    path = Path(path)
    if path.exists() and path.stat().st_size > limits.max_bytes:
        raise ProjectFileError(
            f"{path.name}: 文件大小 {path.stat().st_size / 1048576:.1f} MB 超过项目台账导入上限 "
            f"{limits.max_bytes / 1048576:g} MB"
        )
    sheets = read_file(path)
    height = sum(s.grid.height for s in sheets)
    if height > limits.max_rows:
        raise ProjectFileError(f"{path.name}: 共 {height} 行，超过项目台账导入上限 {limits.max_rows} 行")
    notes: list[str] = []
    columns: list[dict] = []
    frames, layouts = [], {}
    for sheet, layout in R.layouts(sheets, path.name, PROJECTS, notes, columns):
        layouts[sheet.name] = layout
        frames.append(project_rows(sheet, layout))
    if not layouts:
        raise ProjectFileError(
            f"{path.name}: 未找到项目台账：须有「项目名称」列（已查看 {len(sheets)} 个工作表的前 "
            f"{headers.HEADER_SEARCH_ROWS} 行）"
        )
    rows = pl.concat(frames, how="diagonal_relaxed")
    if rows.height == 0:
        raise ProjectFileError(f"{path.name}: 表头之下没有数据行，应至少有一个项目")
    rows = R.mark_duplicates(
        rows,
        ["title"],
        [c.target for c in COLUMNS if c.target != "title"],
        same="与工作表「{}」第{}行完全重复（同一项目名称）",
        differ="同一项目名称出现多次且内容不一致（{}），请核对后只保留一行",
    )
    return ProjectSheet(path, path.name, sha256_of(path), list(layouts), rows, columns, notes, layouts)


def _parsed(spec: ProjectColumn, col: str, factor: float) -> tuple[pl.Expr, pl.Expr, str]:
    """(value, bad flag, what the cell should be) of one column, vectorised."""
    if spec.kind in ("money", "area", "per_mu", "ratio"):
        value, bad = parse.number(col, factor)
        return value, bad | (value < 0).fill_null(False), "应为不小于 0 的数"
    if spec.kind == "year":
        value, bad = parse.number(col)
        bad = bad | ~value.is_between(1990, 2100).fill_null(True) | (value % 1 != 0).fill_null(False)
        return value, bad, "应为四位年份（如 2027）"
    if spec.kind == "date":
        value, bad = parse.date(col)
        return value, bad, "无法识别的日期，应为 2024-03-15、2024/3/15、2024年3月15日 或 Excel 日期"
    if spec.kind == "flag":
        value, bad = parse.flag(col)
        return value, bad, "应为 是 / 否"
    value = parse.text_value(col)
    if spec.kind == "code":  # the check character is worked vectorised beforehand (`_code_checks`)
        code = value.str.to_uppercase().str.replace_all(r"[\s\-]", "")
        return code, value.is_not_null() & pl.col("_code_bad"), "统一社会信用代码无效（GB 32100-2015）"
    limit = spec.max_len or 2000
    return value, (value.str.len_chars() > limit).fill_null(False), f"超过 {limit} 字"


def _code_checks(data: pl.DataFrame, cols: list[str], by: dict) -> pl.Series:
    """`_code_bad`: the credit code fails GB 32100-2015 (true only where a code is given)."""
    if "uscc" not in by:
        return pl.Series("_code_bad", [False] * data.height, pl.Boolean)
    codes = data.get_column(cols[by["uscc"].index]).fill_null("")
    verdict = uscc.validate_series(pl.Series([uscc.normalize(c) for c in codes.to_list()]))
    return pl.Series("_code_bad", verdict != uscc.OK, pl.Boolean)


def project_rows(sheet: RawSheet, layout: headers.Layout) -> pl.DataFrame:
    """One row per physical data row with `_status` / `_reasons` / `_columns` and the parsed targets."""
    data = R.data_rows(sheet, layout)
    cols = sheet.grid.columns
    by = layout.by_target()
    data = data.with_columns(_code_checks(data, cols, by))
    values, checks = [], []
    for spec in COLUMNS:
        if spec.target not in by:
            dtype = pl.Float64 if spec.target in NUMERIC or spec.kind == "flag" else pl.Utf8
            values.append(pl.lit(None, dtype=pl.Date if spec.kind == "date" else dtype).alias(spec.target))
            continue
        col = by[spec.target]
        value, bad, expect = _parsed(spec, cols[col.index], col.factor)
        values.append(value.alias(spec.target))
        checks.append((bad, col, f"{spec.label}{expect}"))
    title_col = layout.key
    reasons = R.join(
        [
            pl.when(bad).then(
                pl.lit(f"{R.cell_place(col)}：{msg}，实际为「") + pl.col(cols[col.index]) + "」"
            )
            for bad, col, msg in checks
        ],
        "；",
    )
    bad_cols = R.join([pl.when(bad).then(pl.lit(col.header)) for bad, col, _ in checks], "、")
    frame = data.with_columns(
        *R.line_flags(cols, PROJECTS, parse.folded),
        R.raw_json(sheet, layout).alias("_raw"),
        *values,
        reasons.alias("_why"),
        bad_cols.alias("_bad"),
        pl.lit(None, dtype=pl.Utf8).alias("period"),  # the disposition ladder names one; a ledger has none
    )
    no_title = pl.col("title").is_null()
    status = R.disposition(
        blank=pl.col("_blank"),
        total=pl.col("_total") & no_title | pl.col("title").str.contains(PROJECTS.total).fill_null(False),
        note=pl.col("_note") & (no_title | pl.col("title").str.contains(PROJECTS.note).fill_null(False)),
        reasons=pl.when(no_title)
        .then(pl.lit(f"{R.cell_place(title_col)}：项目名称为空"))
        .otherwise(pl.col("_why")),
        columns=pl.when(no_title).then(pl.lit(title_col.header)).otherwise(pl.col("_bad")),
        mismatch=pl.lit(False),
        no_period=pl.lit(False),
        period=None,
        total_label="合计行（不是项目）",
        note_label="说明行（不是项目）",
    )
    return frame.with_columns(*status).select(
        pl.lit(sheet.name).alias("_sheet"),
        pl.col("_row"),
        pl.col("_raw"),
        *[pl.col(c.target) for c in COLUMNS],
        "_status",
        "_reasons",
        "_columns",
    )


__all__ = ["COLUMNS", "LIMITS", "PROJECTS", "Limits", "ProjectFileError", "ProjectSheet", "read_projects"]
