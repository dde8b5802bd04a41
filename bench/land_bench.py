"""盘活存量 at county scale: 100k parcels with 36 months of power and tax per holder — every 53号令 clock and
every 低效 flag as of a day (`cases.land.register.evaluate`: the reads, the clocks, the flags) — and the parcel
map of 10k parcels: its payload size and the time Chromium takes to draw it with the vendored ECharts.

Floor: the same three reads alone (the register in force, the per-firm month aggregates, the 亩均 classes),
measured in the same run on the same store — what no evaluation can go below.
Goals (issue 16): all flags of 100k parcels ≤ 2 s; map payload for 10k parcels ≤ 2 MB (the compact form the
page draws, uncompressed; gzip and the plain GeoJSON printed beside it) and drawn ≤ 1 s (decoding included).
Run: .venv/bin/python bench/land_bench.py [--parcels 100000] [--months 36] [--map 10000] [--reps 5]
The store is built with SQL here (a harness: 3.6M + 3.6M monthly rows written through the import would time
the import, which import_bench measures).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from gaoxin.cases.land import register
from gaoxin.store import connect
from gaoxin.store import land as store

AS_OF = date(2026, 6, 30)
STATIC = Path(__file__).resolve().parents[1] / "src/gaoxin/web/static"
ECHARTS, APP_JS = STATIC / "vendor/echarts.min.js", STATIC / "app.js"  # the page's own drawing code


def build(con, n: int, months: int) -> None:
    """Batches 1 (宗地台账), 2 (电力), 3 (税务); n parcels held by n/2 firms; their months of power and tax."""
    cols = [r[0] for r in con.execute("DESCRIBE import_batch").fetchall()]
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = 'import_batch'").fetchall())  # fmt: skip
    for bid, name in ((1, "宗地台账"), (2, "电力"), (3, "税务")):
        vals = {"batch_id": str(bid), "file_name": f"'bench {name}.xlsx'", "sha256": f"'bench-{bid}'",
                "source": f"'{name}'", "imported_at": "now()", "rows": "0", "accepted": "0", "rejected": "0",
                "skipped": "0"}  # fmt: skip
        con.execute(
            f"INSERT INTO import_batch SELECT {', '.join(vals.get(c, f'NULL::{types[c]}') for c in cols)}"
        )
    con.execute(
        f"""INSERT INTO land_parcel SELECT
              printf('ZD%07d', i), printf('U%07d', i % {n // 2}), NULL, 'town' || (i % 12), NULL,
              5 + i % 80, '工业用地', '出让', NULL, printf('HT-%07d', i),
              DATE '2018-01-01' + INTERVAL (i % 2000) DAY, 10 + i % 500,
              DATE '2018-07-01' + INTERVAL (i % 2000) DAY, DATE '2020-07-01' + INTERVAL (i % 2000) DAY,
              300, 1.2, 8000, 3000 + i % 4000,
              CASE WHEN i % 5 = 0 THEN NULL ELSE DATE '2018-09-01' + INTERVAL (i % 2000) DAY END,
              CASE WHEN i % 3 = 0 THEN DATE '2021-01-01' + INTERVAL (i % 1000) DAY END,
              CASE WHEN i % 7 = 1 THEN DATE '2023-01-01' + INTERVAL (i % 600) DAY END,
              (i % 10) * 1000, (i % 9) * 500, NULL, CASE WHEN i % 97 = 0 THEN '淘汰类' END,
              1, '宗地', i + 3, false
            FROM range({n}) t(i)"""
    )
    firms = n // 2
    con.execute(
        f"""INSERT INTO monitor_firm_value
            SELECT printf('U%07d', f), printf('%04d-%02d', y, m), y, m, ind,
                   CASE WHEN ind = 'power' THEN (CASE WHEN f % 11 = 0 AND k > {months - 14} THEN 10 ELSE 50000 END)
                        ELSE (CASE WHEN f % 13 = 0 AND k > {months - 26} THEN 0 ELSE 20000 END) END,
                   CASE WHEN ind = 'power' THEN '千瓦时' ELSE '元' END, true,
                   CASE WHEN ind = 'power' THEN 2 ELSE 3 END, 'm', 1, false
            FROM range({firms}) a(f), range({months}) b(k),
                 (SELECT 2023 + (k2 // 12) AS y, k2 % 12 + 1 AS m, k2 FROM range({months}) c(k2)) mm,
                 (VALUES ('power'), ('tax')) v(ind)
            WHERE mm.k2 = b.k"""
    )


def timed(fn, reps: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def line(name: str, xs: list[float], goal: float | None = None) -> str:
    s = f"{name:<44} min {min(xs) * 1000:8.0f} ms  median {statistics.median(xs) * 1000:8.0f} ms"
    return s + (
        f"   goal ≤ {goal * 1000:.0f} ms: {'ok' if statistics.median(xs) <= goal else 'MISSED'}"
        if goal
        else ""
    )


def map_payload(n: int, fmt: str = "compact") -> str:
    """n parcels laid out on a grid (rectangles of 5 points, as a 自然资源 outline file gives)."""
    import polars as pl

    side = int(n**0.5) + 1
    geo = pl.DataFrame({"i": range(n)}).select(
        parcel_no=pl.format("ZD{}", pl.col("i").cast(pl.Utf8).str.zfill(7)),
        # full 1e-6 precision, as surveyed outlines have (not the grid's round numbers)
        lon=120.0 + (pl.col("i") % side) * 0.0012 + (pl.col("i") * 7919 % 997) * 1.37e-7,
        lat=30.0 + (pl.col("i") // side) * 0.0012 + (pl.col("i") * 104729 % 991) * 1.13e-7,
    )

    def corner(dx: float, dy: float) -> pl.Expr:
        lon, lat = (pl.col("lon") + dx).round(6).cast(pl.Utf8), (pl.col("lat") + dy).round(6).cast(pl.Utf8)
        return pl.concat_str(pl.lit("["), lon, pl.lit(","), lat, pl.lit("]"))

    ring = [corner(0, 0), corner(0.001, 0), corner(0.001, 0.001), corner(0, 0.001), corner(0, 0)]
    geo = geo.with_columns(
        geojson=pl.concat_str(
            pl.lit('{"type":"Polygon","coordinates":[['), pl.concat_str(ring, separator=","), pl.lit("]]}")
        )
    )
    cats = list(register.CATEGORIES)
    reg = geo.select(
        "parcel_no",
        category=pl.Series([cats[i % len(cats)] for i in range(n)]),
        area_mu=pl.lit(12.5),
    )
    return register.map_payload(reg, geo.select("parcel_no", "geojson"), fmt)


DRAW = """async (payload) => {
  const t0 = performance.now();
  const doc = JSON.parse(payload);
  const el = document.getElementById('m');
  const chart = echarts.init(el, null, {renderer: 'canvas'});
  const done = new Promise(r => chart.on('finished', r));
  chart.setOption(window.gaoxinMapOption(el, doc, {}));
  await done;
  const ms = performance.now() - t0;
  chart.dispose();
  return ms;
}"""


def draw_times(payload: str, reps: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "map.html"
        page_path.write_text(
            f'<html><body><div id="m" style="width:1200px;height:560px"></div><script src="file://{ECHARTS}"></script>'
            f'<script src="file://{APP_JS}"></script></body></html>'
        )
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                  args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
            page = b.new_page()
            page.goto(f"file://{page_path}")
            page.evaluate(DRAW, payload)  # warm-up
            out = [page.evaluate(DRAW, payload) / 1000 for _ in range(reps)]
            b.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parcels", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--map", type=int, default=10_000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--no-browser", action="store_true")
    a = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; warm-up 1, repetitions {a.reps}")
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "land.duckdb")
        t = time.perf_counter()
        build(con, a.parcels, a.months)
        print(
            f"built {a.parcels:,} parcels × {a.months} months of power and tax in {time.perf_counter() - t:.1f} s"
        )
        ev = register.evaluate(con, AS_OF)
        print(f"  flags: {ev['flags'].height:,} · idle or candidate: "
              f"{int((ev['clocks']['idle'] | ev['clocks']['candidate']).sum()):,}")  # fmt: skip
        lw = ev["rules"]["lowuse"]["no_power"]

        def reads():
            store.parcels(con)
            store.decisions(con)
            store.firm_month_aggregates(con, int(lw["window_months"]), float(lw["kwh_below"]))
            store.mujun_classes(con)

        floor = timed(reads, a.reps)
        full = timed(lambda: register.evaluate(con, AS_OF), a.reps)
        print(line("floor: the reads alone", floor))
        print(line(f"all clocks and flags, {a.parcels:,} parcels", full, 2.0))
        print(f"  ratio to the floor: {statistics.median(full) / statistics.median(floor):.2f}×")
        con.close()
    import gzip

    payload = map_payload(a.map)
    mb = len(payload.encode()) / 1e6
    zipped = len(gzip.compress(payload.encode(), 6)) / 1e6
    geo_mb = len(map_payload(a.map, "geojson").encode()) / 1e6
    # the compact form /api/land/map serves the page (integer deltas), gzip on the wire beside it; the plain
    # GeoJSON of the same parcels (?format=geojson) is the baseline
    print(f"map payload for {a.map:,} parcels: {mb:.2f} MB ({zipped:.2f} MB gzip; GeoJSON {geo_mb:.2f} MB)   "
          f"goal ≤ 2 MB: {'ok' if mb <= 2 else 'MISSED'}")  # fmt: skip
    json.loads(payload)
    if not a.no_browser:
        print(line(f"Chromium draws {a.map:,} parcels", draw_times(payload, a.reps), 1.0))


if __name__ == "__main__":
    main()
