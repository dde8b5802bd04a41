"""What a sheet's headers may say, per kind of sheet: aliases, key columns, the unit rule, the line markers.

One `Vocabulary` drives header detection (`headers.detect`) and the shared row work (`rows`) for every
kind of user sheet; only the vocabulary differs between an enterprise sheet (keyed by 统一社会信用代码,
`gaoxin.fields`) and a zone sheet (keyed by 园区名称 / 园区代码, `gaoxin.zone_fields`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from gaoxin import fields as F
from gaoxin import zone_fields as Z
from gaoxin.ingest import text, units

# leading item numbers: "1.1 ", "一、", "(三)" — a bare Chinese numeral is kept (二氧化碳…)
ITEM_NUMBERING = re.compile(
    r"^(\d+(\.\d+)*[、.\s]*|[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十\d]+\)[、.\s]*)"
)


@dataclass(frozen=True)
class UnitRule:
    """How one column's header unit becomes a factor to the stored unit."""

    default: str  # assumed when neither the header nor a '单位：' line names one
    factor: Callable[[str], float | None]  # factor to the stored unit; None: not a unit of this column
    wrong: Callable[[str], str]  # what a refusal says about a unit that does not fit


@dataclass(frozen=True)
class Vocabulary:
    """The words of one kind of sheet.

    `names` gives each target (field name, indicator id or attribute) its label and aliases; `key` lists the
    targets that identify a row, in order of preference (the header row is the first naming one of them);
    `unit_rule(target)` is None for a column without units; `entry(target)` is the catalogue object behind
    a target (a `fields.Field`, a `zone_fields.ZoneIndicator`, None for a plain attribute).
    """

    name: str
    names: tuple[tuple[str, tuple[str, ...]], ...]
    key: tuple[str, ...]
    key_label: str  # the key column as a note names it: '「统一社会信用代码」'
    unit_rule: Callable[[str], UnitRule | None]
    entry: Callable[[str], object | None]
    total: str  # regex of 合计-style lines (not data)
    note: str  # regex of 说明-style lines (not data)
    header_total: str  # regex of 合计-style cells that end a header block
    same_column: Callable[[str], str]  # note when two columns name one target: '同为营业收入' / '指同一项'
    extra_units: frozenset[str] = frozenset()  # units `units.lookup` does not know (件/万人 …)
    slash_unit: bool = True  # '用电量/万千瓦时' names a unit (not where units hold a '/')
    numbering: re.Pattern | None = None  # item numbers stripped before lookup ('1.1 ', '一、')
    aliases: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table: dict[str, str] = {}
        for target, names in self.names:
            for a in names:
                table.setdefault(self.match_key(self.split_unit(a)[0]), target)
        object.__setattr__(self, "aliases", table)

    def split_unit(self, header: str) -> tuple[str, str | None]:
        return text.split_unit(header, self.extra_units, slash=self.slash_unit)

    def match_key(self, name: str) -> str:
        if self.numbering is not None:
            name = self.numbering.sub("", text.fold(name))
        return text.match_key(name)

    def lookup(self, header_text: str) -> tuple[str | None, str | None]:
        """(target, unit) named by one header text ('用电量（万千瓦时）' → power_kwh, '万千瓦时')."""
        name, unit = self.split_unit(header_text)
        key = self.match_key(name)
        hit = self.aliases.get(key)
        if hit is None and "(" in key:  # '综合能耗(当量值)' → '综合能耗'
            hit = self.aliases.get(re.sub(r"\(.*?\)", "", key))
        return hit, unit


def _names(items: Iterable[tuple[str, Iterable[str]]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((target, tuple(names)) for target, names in items)


def _field_units(name: str) -> UnitRule | None:
    fld = F.BY_NAME[name]
    if fld.kind != F.NUM:
        return None
    qty = units.QUANTITY_LABELS.get(fld.quantity, fld.quantity)
    return UnitRule(
        fld.default_unit,
        lambda u: units.factor_for(u, fld.quantity),
        lambda u: f"单位「{u}」不是{qty}单位；{fld.label}应以 {fld.default_unit} 等{qty}单位计量",
    )


def _indicator_units(target: str) -> UnitRule | None:
    ind = Z.BY_ID.get(target)
    if ind is None:
        return None
    return UnitRule(
        ind.unit,
        ind.units.get,
        lambda u: f"单位「{u}」不适用于「{ind.label}」，应为 {' / '.join(ind.units)} 之一",
    )


ENTERPRISE = Vocabulary(
    name="enterprise",
    names=_names((f.name, (f.label, *f.aliases)) for f in F.FIELDS),
    key=("uscc",),
    key_label="「统一社会信用代码」",
    unit_rule=_field_units,
    entry=F.BY_NAME.get,
    total=r"^(总?合计|总计|小计|全区合计|全市合计|全县合计|全区总计)",
    note=r"^(注|说明|备注|填表|填报|制表|审核|单位负责人|数据来源|资料来源)",
    header_total=r"^(总?合计|总计|小计|全区合计|全市合计|全县合计|累计)",
    same_column=lambda target: f"同为{F.BY_NAME[target].label}",
)

ZONE = Vocabulary(
    name="zone",
    names=_names([(ind.id, (ind.label, *ind.aliases)) for ind in Z.INDICATORS] + list(Z.ATTRIBUTES.items())),
    key=("zone_name", "zone_code"),
    key_label="「园区名称」或「园区代码」",
    unit_rule=_indicator_units,
    entry=Z.BY_ID.get,
    total=r"^(总?合计|总计|小计|全国合计|全国总计|全省合计|平均|全国平均|平均值|均值|中位数)",
    note=r"^(注|说明|备注|填表|填报|制表|审核|数据来源|资料来源)",
    header_total=r"^(总?合计|总计|小计|全国合计|全国总计|全省合计|平均|全国平均|平均值|均值|中位数)",
    same_column=lambda target: "指同一项",
    extra_units=frozenset(u for ind in Z.INDICATORS for u in ind.units),
    slash_unit=False,
    numbering=ITEM_NUMBERING,
)
