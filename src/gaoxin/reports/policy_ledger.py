"""差别化政策台账 of a 亩均 run: per policy and class the firms, the base and the amount; per town totals;
per firm lines — in the units users read (万元, 万千瓦时), policy titles from the run's own stored scheme.

The store keeps each firm's amount (``policy.<id>`` items of the trace); the base is derived back from the
scheme's rate for the firm's class (rate: amount = base × rate; percent: amount = base × rate / 100), so
every figure traces to the run's rows and the clause. Vectorised with polars (no per-firm Python)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from gaoxin.store import runs as store_runs
from gaoxin.units_format import USER_UNITS, base_unit, user_unit

CLASSES = ["A", "B", "C", "D", "T"]


def _factor(unit: str) -> float:
    return USER_UNITS.get(base_unit(unit), (unit, 1.0))[1]


def policies(scheme) -> list[dict]:
    """The scheme's per-firm policy items (not the text-only ones) with titles and user units."""
    out = []
    for p in scheme.policy:
        if p.kind == "text":
            continue
        out.append(
            {
                "id": p.id,
                "title": p.title,
                "title_en": p.title_en or p.title,
                "kind": p.kind,
                "rates": dict(p.rates),
                "rate_unit": p.rate_unit,
                "base_unit": user_unit(p.base_unit),
                "base_factor": _factor(p.base_unit),
                "amount_unit": user_unit(p.amount_unit),
                "amount_factor": _factor(p.amount_unit),
                "ref": p.ref,
            }
        )
    return out


_POLICIES: dict[str, list[dict]] = {}  # scheme sha256 → its policies (a stored scheme text never changes)


def run_policies(con: duckdb.DuckDBPyConnection, run: dict) -> list[dict]:
    """The policies of the scheme text a run used (parsed once per scheme text)."""
    from gaoxin.evaluations import runs as recipe

    key = f"{run['scheme_sha256']}:{sorted((run.get('params') or {}).items())}"
    if key not in _POLICIES:
        _POLICIES[key] = policies(recipe.stored_scheme(con, run))
    return _POLICIES[key]


def ledger(con: duckdb.DuckDBPyConnection, run: dict, town: str | None = None) -> dict:
    """{policies, by_class, by_town, lines}: frames in user units, one row per (policy, class) / (policy,
    town) / (firm, policy)."""
    pols = run_policies(con, run)
    lines = store_runs.policy_lines(con, run["run_id"], town)
    meta = pl.DataFrame(
        {
            "policy": [p["id"] for p in pols],
            "title": [p["title"] for p in pols],
            "kind": [p["kind"] for p in pols],
            "base_factor": [p["base_factor"] for p in pols],
            "amount_factor": [p["amount_factor"] for p in pols],
        },
        schema={
            "policy": pl.Utf8,
            "title": pl.Utf8,
            "kind": pl.Utf8,
            "base_factor": pl.Float64,
            "amount_factor": pl.Float64,
        },
    )
    rates = pl.DataFrame(
        [(p["id"], c, float(r)) for p in pols for c, r in p["rates"].items()],
        schema={"policy": pl.Utf8, "class_final": pl.Utf8, "rate": pl.Float64},
        orient="row",
    )
    lines = lines.join(meta, on="policy", how="inner").join(rates, on=["policy", "class_final"], how="left")
    per = pl.when(pl.col("kind") == "percent").then(pl.col("rate") / 100).otherwise(pl.col("rate"))
    lines = lines.with_columns(
        base=pl.when(per != 0).then(pl.col("amount") / per).otherwise(None) * pl.col("base_factor"),
        amount=pl.col("amount") * pl.col("amount_factor"),
    ).select("policy", "title", "uscc", "name", "town", "class_final", "rate", "base", "amount")
    return ledger_from_lines(pols, lines)


def ledger_from_lines(pols: list[dict], lines: pl.DataFrame, town: str | None = None) -> dict:
    """The ledger's totals from its per-firm lines (in user units), for the whole run or one town."""
    if town:
        lines = lines.filter(pl.col("town") == town)
    order = {p["id"]: i for i, p in enumerate(pols)}
    by_class = (
        lines.group_by("policy", "title", "class_final", "rate")
        .agg(firms=pl.len(), base=pl.col("base").sum(), amount=pl.col("amount").sum())
        .with_columns(o=pl.col("policy").replace_strict(order, default=99))
        .sort("o", "class_final")
        .drop("o")
    )
    by_town = (
        lines.group_by("policy", "title", pl.col("town").fill_null("—"))
        .agg(firms=pl.len(), base=pl.col("base").sum(), amount=pl.col("amount").sum())
        .with_columns(o=pl.col("policy").replace_strict(order, default=99))
        .sort("o", "town")
        .drop("o")
    )
    return {"policies": pols, "by_class": by_class, "by_town": by_town, "lines": lines}


def write_ledger_xlsx(data: dict, run: dict, out: Path, town: str | None = None) -> Path:
    """The 台账 workbook: 汇总（按政策和等级）, 按镇街, 企业明细 — titles and units in every header."""
    import xlsxwriter

    units = {p["id"]: p for p in data["policies"]}
    head = (
        f"{run['summary'].get('title', run['scheme_id'])}（{run['period']} 年度，评价编号 {run['run_id']}）"
    )
    if town:
        head += f" · {town}"
    wb = xlsxwriter.Workbook(str(out), {"nan_inf_to_errors": True})
    bold = wb.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "text_wrap": True})
    num = wb.add_format({"border": 1, "num_format": "#,##0.00"})
    cnt = wb.add_format({"border": 1, "num_format": "#,##0"})
    txt = wb.add_format({"border": 1})

    def sheet(name: str, cols: list[str], frame: pl.DataFrame, keys: list[str]) -> None:
        ws = wb.add_worksheet(name)
        ws.write(0, 0, f"{head} — 差别化政策台账 · {name}")
        for c, h in enumerate(cols):
            ws.write(1, c, h, bold)
        for r, row in enumerate(frame.iter_rows(named=True), start=2):
            p = units[row["policy"]]
            for c, k in enumerate(keys):
                v = row.get(k)
                if k == "base_unit":
                    ws.write_string(r, c, p["base_unit"], txt)
                elif k == "amount_unit":
                    ws.write_string(r, c, p["amount_unit"], txt)
                elif v is None or (isinstance(v, float) and v != v):
                    ws.write_blank(r, c, None, txt)
                elif k == "firms":
                    ws.write_number(r, c, v, cnt)
                elif isinstance(v, float):
                    ws.write_number(r, c, v, num)
                else:
                    ws.write_string(r, c, str(v), txt)
        ws.set_column(0, len(cols), 16)

    sheet(
        "按政策和等级",
        ["政策", "等级", "费率", "企业数（家）", "计费基数", "基数单位", "金额", "金额单位"],
        data["by_class"],
        ["title", "class_final", "rate", "firms", "base", "base_unit", "amount", "amount_unit"],
    )
    sheet(
        "按镇街",
        ["政策", "镇街", "企业数（家）", "计费基数", "基数单位", "金额", "金额单位"],
        data["by_town"],
        ["title", "town", "firms", "base", "base_unit", "amount", "amount_unit"],
    )
    sheet(
        "企业明细",
        ["政策", "统一社会信用代码", "企业名称", "镇街", "等级", "计费基数", "基数单位", "金额", "金额单位"],
        data["lines"],
        ["title", "uscc", "name", "town", "class_final", "base", "base_unit", "amount", "amount_unit"],
    )
    wb.close()
    return out
