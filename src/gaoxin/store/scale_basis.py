"""Where a firm's 规上/规下 status comes from: the year and the department file of the above_scale fact in
force that the status is read from (the latest year's), so a page never shows 规上 without its basis — a firm
can be 规上 in the 2024 statistics and 规下 in a 2025 run."""

from __future__ import annotations

import duckdb

from gaoxin.store.db import rows


def scale_basis(con: duckdb.DuckDBPyConnection, usccs: list[str]) -> dict[str, dict]:
    """uscc → {period, above_scale, source, file_name, batch_id} for the firms given (a page's worth)."""
    if not usccs:
        return {}
    marks = ", ".join("?" * len(usccs))
    found = rows(
        con,
        f"""SELECT uscc, arg_max(period, period), arg_max(value, period) > 0, arg_max(b.source, period),
                   arg_max(b.file_name, period), arg_max(f.batch_id, period)
            FROM fact f JOIN import_batch b USING (batch_id)
            WHERE f.indicator = 'above_scale' AND NOT f.superseded AND f.uscc IN ({marks})
            GROUP BY uscc""",
        list(usccs),
    )
    keys = ("period", "above_scale", "source", "file_name", "batch_id")
    return {r[0]: dict(zip(keys, r[1:], strict=True)) for r in found}


def basis_from_facts(facts: list[dict]) -> dict | None:
    """The same basis read from a firm's facts already in hand (`store.profile.all_facts` rows: period,
    indicator, value, batch_id, source, file_name, current): the 画像 reads them anyway, so it does not scan
    the fact table a second time. None when no above_scale value is in force."""
    found = [f for f in facts if f["indicator"] == "above_scale" and f["current"]]
    if not found:
        return None
    f = max(found, key=lambda f: f["period"])
    return {
        "period": f["period"],
        "above_scale": f["value"] > 0,
        "source": f["source"],
        "file_name": f["file_name"],
        "batch_id": f["batch_id"],
    }
