"""公示名单 and the final list as a PDF: a table of up to 36 rows a page, the Chinese font embedded as in the
monitor brief (matplotlib, pdf.fonttype 42)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

ROWS_PER_PAGE = 36


def write_list_pdf(df: pl.DataFrame, title: str, out: Path, footer: str = "") -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager as fm
    from matplotlib.backends.backend_pdf import PdfPages

    from gaoxin.reports.monitor_brief import _font

    family = _font(fm)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    cells = [
        ["—" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v)) for v in r]
        for r in df.iter_rows()
    ]
    pages = [cells[i : i + ROWS_PER_PAGE] for i in range(0, len(cells), ROWS_PER_PAGE)] or [[]]
    with (
        plt.rc_context({"font.family": [family], "pdf.fonttype": 42, "axes.unicode_minus": False}),
        PdfPages(out) as pdf,
    ):
        for k, page in enumerate(pages, start=1):
            fig = plt.figure(figsize=(11.69, 8.27))
            fig.text(0.5, 0.95, title, ha="center", fontsize=15)
            fig.text(0.95, 0.03, f"第 {k} / {len(pages)} 页  {footer}", ha="right", fontsize=8)
            ax = fig.add_axes([0.03, 0.06, 0.94, 0.86])
            ax.axis("off")
            if page:
                t = ax.table(cellText=page, colLabels=list(df.columns), loc="upper center")
                t.auto_set_font_size(False)
                t.set_fontsize(7)
            pdf.savefig(fig)
            plt.close(fig)
    return out
