"""A hand-made 亩均 store whose numbers can be worked by hand: four firms of 10 亩 each, one indicator
(亩均税收, weight 100, benchmark ΣX/ΣY, score = 100 × x / benchmark capped at 200) and classes by score line
(A ≥ 150, B ≥ 100, C ≥ 60, else D)."""

from __future__ import annotations

from pathlib import Path

from gaoxin.evaluations import runs
from gaoxin.ingest.importer import import_files
from gaoxin.store import official
from gaoxin.store import runs as store_runs
from support import valid_code, write_xlsx

SCHEME = """
[scheme]
id = "hand-appeal"
title = "申诉测试方案"
kind = "mujun"
version = "1"
status = "synthesis"

[population]
land = "land_own_mu"
require_land = true

[[list]]
id = "全部"
title = "全部企业"
when = "land_mu > 0"

[[list.indicator]]
id = "tax_per_mu"
title = "亩均税收"
numerator = "tax_paid"
denominator = "land_mu"
scale = 1e-4
unit = "万元/亩"
weight = 100
benchmark = { method = "aggregate" }
score = { method = "ratio", cap = 2.0, floor = 0.0 }

[classes]
method = "threshold"
labels = ["A", "B", "C", "D"]
thresholds = [150, 100, 60]
"""

# 税收 (万元): bench = 400 / 40 = 10 万元/亩 → scores 200 (A), 105 (B), 80 (C), 15 (D)
TAX = {1: 200.0, 2: 105.0, 3: 80.0, 4: 15.0}
TOWNS = {1: "城东街道", 2: "城东街道", 3: "城西街道", 4: "城西街道"}


def code(i: int) -> str:
    return valid_code(900 + i)


def hand_store(con, tmp: Path) -> dict:
    """Import the four firms (税务 file, 2025), run the scheme and mark the run official."""
    rows = [["统一社会信用代码", "企业名称", "所属镇街", "用地面积（亩）", "税收实际贡献（万元）"]]
    rows += [[code(i), f"测试企业{i}", TOWNS[i], 10, TAX[i]] for i in TAX]
    path = write_xlsx(tmp / "税务 2025.xlsx", {"2025": rows})
    import_files(con, [path], source="tax", period="2025")
    scheme = tmp / "hand-appeal.toml"
    scheme.write_text(SCHEME, encoding="utf-8")
    out = runs.run(con, scheme, "2025", expect="mujun")
    run = store_runs.find_run(con, out.run_id)
    official.record(con, run, "mark", "admin", "测试")
    return run
