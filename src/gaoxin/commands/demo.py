"""`gaoxin demo`: build the fictional 示范高新区, send its department files through the normal import."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from gaoxin.commands.chains import demo_chains
from gaoxin.commands.common import console
from gaoxin.commands.cultivation import demo_cultivation
from gaoxin.commands.data import DbOpt, open_store, run_import, show_import
from gaoxin.commands.land import demo_land
from gaoxin.commands.monitor import demo_monitoring
from gaoxin.commands.projects import demo_projects
from gaoxin.commands.registry import demo_registries
from gaoxin.commands.zones import demo_zones


def register(app: typer.Typer) -> None:
    app.command("demo", help="生成示范高新区并导入、评价 / build, import and evaluate the demo zone")(demo)


DEMO_SCHEMES = ("default", "zj-huangyan-2022")


def evaluate_demo(db, periods: list[str], keep_dir: Path | None) -> None:
    """亩均 runs of the demo zone with two schemes: every year (so the latest has a year-on-year sheet), the
    latest shown with class counts and top/bottom ten, and exported to xlsx."""
    from gaoxin.commands.mujun import show_run_summary
    from gaoxin.evaluations.mujun import run_mujun
    from gaoxin.reports.mujun_xlsx import write_run_xlsx
    from gaoxin.settings import get_settings
    from gaoxin.store import runs as store_runs

    out_dir = keep_dir or get_settings().demo_out
    out_dir.mkdir(parents=True, exist_ok=True)
    con = open_store(db)
    try:
        for scheme in DEMO_SCHEMES:
            with console.status(f"亩均评价 {scheme} …"):
                outcomes = [run_mujun(con, scheme, p) for p in periods]
            latest = store_runs.find_run(con, outcomes[-1].run_id)
            console.rule(f"亩均论英雄 · {scheme}")
            show_run_summary(con, latest, outcomes[-1].created)
            path = write_run_xlsx(con, latest, out_dir / f"亩均评价结果_{scheme}_{latest['period']}.xlsx")
            console.print(
                f"评价结果已导出 {path}；逐项解释：gaoxin explain {latest['run_id']} <统一社会信用代码>"
            )
    finally:
        con.close()


def demo_requests(db) -> None:
    """A year of 企业诉求 up to today, entered through the case ledger (once: a store that has requests keeps
    them)."""
    from gaoxin.cases.calendar import calendar_in_force
    from gaoxin.cases.requests import DOMAIN, rates
    from gaoxin.demo.requests import generate_requests
    from gaoxin.store import cases as store_cases

    con = open_store(db)
    try:
        if store_cases.case_ids(con, DOMAIN, open_only=False):
            console.print("企业诉求已存在，未重复生成")
            return
        with console.status("企业诉求 …"):
            ids = generate_requests(con, calendar_in_force(con))
        table = rates(con)
        open_ = store_cases.case_list(con, {"domain": DOMAIN}, open_only=True)
    finally:
        con.close()
    cases = sum(r["cases"] for r in table)
    in_time = sum(r["responded_in_time"] for r in table)
    console.print(
        f"企业诉求 {len(ids)} 件（{ids[0]} … {ids[-1]}），响应率 {in_time / cases:.1%}，在办 {open_.height} 件，"
        f"其中超期 {int(open_['overdue'].sum())} 件；gaoxin requests list --open 查看待办"
    )


def demo(
    out: Annotated[
        Path | None, typer.Option(help="保留生成的部门文件到此目录 / keep the department files here")
    ] = None,
    firms: Annotated[int, typer.Option(help="企业数 / number of firms")] = 3000,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="不启动网页 / do not start the web app")
    ] = False,
    db: DbOpt = None,
) -> None:
    from gaoxin.demo.appeals import seed as demo_appeals
    from gaoxin.demo.files import write_department_files
    from gaoxin.demo.zone import generate_zone
    from gaoxin.store.imports import store_counts
    from gaoxin.store.queries import periods as store_periods

    keep = out is not None
    out_dir = out or Path(tempfile.mkdtemp(prefix="gaoxin-demo-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        with console.status("生成示范高新区 generating the demo zone …"):
            zone = generate_zone(n_firms=firms)
            paths = write_department_files(zone, out_dir)
        console.print(f"已生成 {len(paths)} 个部门文件" + (f"，保存在 {out_dir}" if keep else ""))
        results = run_import(paths, "auto", None, db)
        show_import(results)
        con = open_store(db)
        n_ent, n_batch, n_fact = store_counts(con)
        periods = store_periods(con)
        con.close()
        console.print(
            f"[bold green]示范高新区已就绪[/]: 企业 {n_ent} 家，批次 {n_batch} 个，数据 {n_fact:,} 条，"
            f"年度 {', '.join(periods)}；数据库 {db or 'gaoxin.duckdb'}"
        )
        # every import before the 亩均 runs (the 科技局 file adds facts of the evaluated years, so a 亩均 run
        # made before it would be stale at once and a second demo would make new run ids); the cultivation and
        # zone runs follow their own file's import (zone facts are not enterprise facts)
        demo_registries(db, zone)  # 创新登记 (feeds 研发机构级别): before the runs read it
        demo_cultivation(db, zone, out_dir, keep_dir=out_dir if keep else None)
        demo_zones(db, out_dir, keep_dir=out_dir if keep else None)
        demo_chains(db)
        evaluate_demo(db, periods, keep_dir=out_dir if keep else None)
        demo_appeals(db)  # 亩均 公示/申诉/调档
        demo_requests(db)
        demo_projects(db)
        demo_monitoring(db, zone, out_dir, keep_dir=out_dir if keep else None)
        demo_land(db)  # after the monthly series: the 低效 flags read its power and tax months
    finally:
        if not keep:
            shutil.rmtree(out_dir, ignore_errors=True)
    if not no_serve:  # the newcomer lands in the web app, logged-in details printed next to the address
        from gaoxin.commands.web import serve_with_demo_admin

        serve_with_demo_admin(db)
