"""`gaoxin registry …`: the innovation registries — import the 科技局 / 工信局 / 人才办 lists as sent, list each
register with filters, one platform with its review clock, and the reviews due in the next 90 days. The same
code the pages and the JSON API call (gaoxin.registries.service)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from gaoxin.commands.common import AsOfOption as AsOfOpt
from gaoxin.commands.common import JsonOption, console, fail, num, table
from gaoxin.commands.common import RulesOption as RulesOpt
from gaoxin.commands.common import as_of_day as _as_of
from gaoxin.commands.common import print_plain as _out
from gaoxin.commands.data import DbOpt, open_store

app = typer.Typer(
    help="创新登记 / registries: 创新平台（复核周期）、技术合同、人才、科技服务载体", no_args_is_help=True
)

KINDS = ("platform", "contract", "talent", "provider", "hosted")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="registry")


def _rules(path: Path | None) -> dict | None:
    """The rules file given (checked), or None: the store's rules in force (the last `import --rules`, else the
    built-in file)."""
    from gaoxin.registries.rules import RulesError, load_rules

    if path is None:
        return None
    try:
        return load_rules(path)
    except RulesError as exc:
        fail(str(exc))


@app.command(
    "import", help="导入登记台账 xlsx / csv（可含多张表：创新平台、技术合同、人才、载体、在孵企业）/ import"
)
def registry_import(
    files: Annotated[list[Path], typer.Argument(help="登记台账文件", show_default=False)],
    kind: Annotated[
        str,
        typer.Option("--kind", help="表的类型 / sheet kind: auto platform contract talent provider hosted"),
    ] = "auto",
    rules: RulesOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.registries.intake import RegistryImportError, import_all

    if rules is not None:
        _rules(rules)  # a rules file that cannot be used stops the command before the store is opened
    con = open_store(db)
    try:
        try:
            out = import_all(con, files, kind, rules)
        except RegistryImportError as exc:
            fail(str(exc))
    finally:
        con.close()
    if as_json:
        _out({"batches": [o.as_json() for o in out], "rules": str(rules) if rules else None})
        return
    from gaoxin.registries.service import KIND_TITLES

    if rules is not None:
        console.print(
            f"规则文件 {rules.name}：复核周期与人均口径按此文件计算，并保存在数据库中供以后推算使用"
        )

    for o in out:
        if o.duplicate:
            console.print(f"{o.file_name}: 已导入过（批次 {o.batch_id}），未重复导入")
            continue
        kinds = "，".join(f"{KIND_TITLES[k]} {n} 行" for k, n in o.kinds.items())
        console.print(
            f"{o.file_name}: 批次 {o.batch_id}，接收 {o.accepted} 行（{kinds}），拒收 {o.rejected} 行，跳过 {o.skipped} 行"
            + (f"；拒收原因：gaoxin rejects {o.batch_id}" if o.rejected else "")
        )
        for n in o.notes:
            console.print(f"  · {n}")


_COLUMNS = {
    "platform": (("name", "平台名称"), ("kind", "类型"), ("level", "级别"), ("host_name", "依托单位"),
                 ("approved_on", "认定日期"), ("next_review", "下次复核"), ("workdays_left", "剩余工作日"),
                 ("status_now", "状态")),
    "contract": (("contract_no", "登记编号"), ("seller_name", "卖方"), ("buyer_name", "买方"), ("ctype", "类型"),
                 ("amount_wan", "成交额（万元）"), ("tech_amount_wan", "技术交易额（万元）"), ("registered_on", "登记日期")),
    "talent": (("name", "姓名"), ("programme", "人才计划"), ("level", "级别"), ("year", "入选年度"),
               ("employer_name", "工作单位"), ("mode", "引进方式")),
    "provider": (("name", "载体名称"), ("kind", "类型"), ("level", "级别"), ("town", "镇街"), ("area_m2", "面积（㎡）"),
                 ("hosted_count", "在孵企业数"), ("hosted_listed", "名单企业数")),
    "hosted": (("provider_name", "载体"), ("firm_name", "在孵企业"), ("firm_uscc", "统一社会信用代码"),
               ("since", "入孵日期"), ("graduated_on", "毕业日期")),
}  # fmt: skip


@app.command("list", help="列出登记 / list a register: platform contract talent provider hosted")
def registry_list(
    kind: Annotated[
        str, typer.Argument(help="platform | contract | talent | provider | hosted")
    ] = "platform",
    filters: Annotated[
        list[str],
        typer.Option("--filter", "-f", help="列=值，可重复（如 level=国家、status_now=待复核、year=2025）"),
    ] = [],  # noqa: B006 - typer reads the default
    query: Annotated[str | None, typer.Option("--q", help="名称包含 / name contains")] = None,
    limit: Annotated[int, typer.Option(help="最多列出几行 / rows shown")] = 50,
    as_of: AsOfOpt = None,
    rules: RulesOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.registries.service import KIND_TITLES, rows

    if kind not in KINDS:
        fail(f"登记类型应为 {' / '.join(KINDS)} 之一，实际为「{kind}」")
    pairs = {}
    for f in filters:
        if "=" not in f:
            fail(f"--filter「{f}」应写成 列=值")
        k, v = f.split("=", 1)
        pairs[k.strip()] = v.strip()
    day = _as_of(as_of)
    con = open_store(db, read_only=True)
    try:
        frame = rows(con, kind, day, _rules(rules), pairs, query)
    finally:
        con.close()
    unknown = [k for k in pairs if k not in frame.columns]
    if unknown:
        fail(f"没有列「{'、'.join(unknown)}」；可用的列：{'、'.join(frame.columns)}")
    if as_json:
        _out(
            {
                "kind": kind,
                "as_of": day.isoformat(),
                "total": frame.height,
                "rows": frame.head(limit).to_dicts(),
            }
        )
        return
    cols = _COLUMNS[kind]
    table(
        f"{KIND_TITLES[kind]}（共 {frame.height} 条，按 {day} 计）",
        tuple(t for _c, t in cols),
        [
            tuple(num(r[c]) if c.endswith("_wan") else r[c] for c, _t in cols)
            for r in frame.head(limit).iter_rows(named=True)
        ],
    )


@app.command("show", help="一个创新平台：复核周期、下次复核、剩余工作日、历次导入 / one platform")
def registry_show(
    name: Annotated[str, typer.Argument(help="平台名称")],
    as_of: AsOfOpt = None,
    rules: RulesOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.registries.service import NotFound, platform

    day = _as_of(as_of)
    con = open_store(db, read_only=True)
    try:
        try:
            got = platform(con, name, day, _rules(rules))
        except NotFound:
            fail(f"没有名为「{name}」的创新平台（gaoxin registry list platform --q 名称的一部分）")
    finally:
        con.close()
    if as_json:
        _out(got)
        return
    p, c = got["platform"], got["clock"]
    mode = {"validity": "有效期制（到期复核）", "evaluation": "定期评价"}.get(c["mode"], "—")
    console.print(f"[bold]{p['name']}[/]  {p['level']}级 {p['kind']} · 依托 {p.get('host_name') or '—'}")
    console.print(f"认定 {p['approved_on'] or '—'}  文号 {p['doc_no'] or '—'}  最近评价 {p['grade'] or '—'}")
    console.print(f"状态（{day}）: [bold]{c['status_now']}[/]")
    console.print(
        f"复核周期: {mode} {c['years'] or '—'} 年{'（未核实 / assumed）' if c['assumed'] else ''} — {c['source'] or '未匹配规则'}"
    )
    if c["next_review"]:
        basis = "台账所填" if c["basis"] == "台账" else "按规则推算"
        console.print(
            f"下次复核: {c['next_review']}（{basis}），还有 {c['days_left']} 天 / {c['workdays_left']} 个工作日"
        )
    if p.get("bar_until_now"):
        console.print(f"不得再次申请至: {p['bar_until_now']}")
    console.print(f"历次导入 {len(got['history'])} 行：" + "；".join(
        f"批次 {h['batch_id']} {h['file_name']} 工作表「{h['sheet']}」第{h['row_no']}行" for h in got["history"]
    ))  # fmt: skip


def _workdays_left(n: int | None, overdue: bool) -> str:
    """Working days to the review, or how many it is past (the web's 已逾期 N 个工作日)."""
    if n is None:
        return "—"
    return f"已逾期 {abs(n)} 个工作日" if overdue else str(n)


@app.command("due", help="未来 90 天内到期和已逾期的复核 / reviews due")
def registry_due(
    as_of: AsOfOpt = None,
    rules: RulesOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.registries.rules import rules_in_force
    from gaoxin.registries.service import due, providers_due

    day = _as_of(as_of)
    rl = _rules(rules)
    con = open_store(db, read_only=True)
    try:
        rl = rl or rules_in_force(con)
        frame = due(con, day, rl)
        prov = providers_due(con, day, rl)
    finally:
        con.close()
    cols = ("name", "kind", "level", "host_name", "next_review", "days_left", "workdays_left", "status_now",
            "overdue", "unverified", "cycle_source", "cycle_assumed")  # fmt: skip
    pcols = ("name", "kind", "level", "town", "approved_on", "next_review", "days_left", "workdays_left",
             "cycle_years", "cycle_source", "cycle_assumed")  # fmt: skip
    horizon = rl["meta"].get("upcoming_days", 90)
    if as_json:
        _out({"as_of": day.isoformat(), "horizon_days": horizon, "rules": rl["file"],
              "rows": frame.select(cols).to_dicts(), "providers": prov.select(pcols).to_dicts()})  # fmt: skip
        return
    table(
        f"复核提醒（{day} 起 {horizon} 天内到期、已逾期及待核实，共 {frame.height} 个）",
        ("平台名称", "类型", "级别", "依托单位", "下次复核", "剩余天数", "剩余工作日", "状态"),
        [
            (r["name"], r["kind"], r["level"], r["host_name"], r["next_review"] or "—", r["days_left"],
             _workdays_left(r["workdays_left"], r["overdue"]),
             r["status_now"])
            for r in frame.iter_rows(named=True)
        ],
    )  # fmt: skip
    table(
        f"科技服务载体评价提醒（{horizon} 天内，共 {prov.height} 个；按认定日期周年推算）",
        ("载体名称", "类型", "级别", "镇街", "认定日期", "下次评价", "剩余天数", "剩余工作日", "周期"),
        [
            (r["name"], r["kind"], r["level"], r["town"], r["approved_on"], r["next_review"], r["days_left"],
             r["workdays_left"], f"{r['cycle_years']} 年" + ("（未核实）" if r["cycle_assumed"] else ""))
            for r in prov.iter_rows(named=True)
        ],
    )  # fmt: skip


def demo_registries(db, zone=None) -> None:
    """`gaoxin demo`: the demo zone's 创新平台, 技术合同, 人才 and 载体 lists, imported once through the normal path
    (with the demo `zone`, a platform for every firm it gives an R&D institution)."""
    import tempfile

    from gaoxin.demo.registries import generate_registries

    con = open_store(db)
    try:
        with console.status("创新登记 …"), tempfile.TemporaryDirectory(prefix="gaoxin-registry-") as tmp:
            got = generate_registries(con, date.today(), Path(tmp), zone)
    finally:
        con.close()
    if got["skipped"]:
        console.print("创新登记台账已导入过，未重复导入")
        return
    o = got["outcome"]
    from gaoxin.registries.service import KIND_TITLES

    kinds = "，".join(f"{KIND_TITLES[k]} {n}" for k, n in o.kinds.items())
    console.print(
        f"创新登记：{got['file']} 接收 {o.accepted} 行（{kinds}），拒收 {o.rejected} 行；gaoxin registry due 查看复核提醒"
    )
