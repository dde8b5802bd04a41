"""The monthly 经济运行简报 as a PDF: text summary, trend charts and tables, drawn with matplotlib (a
well-kept plotting library already used for charts; its PDF backend embeds the Chinese font as a TrueType
CID subset — `pdf.fonttype = 42` — so the document reads the same on a machine without the font)."""

from __future__ import annotations

from pathlib import Path

from gaoxin.monitoring import dashboard as D

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)


def _font(fm) -> str:
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            fm.fontManager.addfont(path)
            return fm.FontProperties(fname=path).get_name()
    raise RuntimeError(
        "未找到中文字体（如 Noto Sans CJK：apt-get install fonts-noto-cjk），无法生成 PDF 简报"
    )


def summary_lines(data: dict) -> list[str]:
    out = []
    for c in data["cards"]:
        f, card, p = c["figures"], c["card"], c["progress"]
        s = f"{card.label}："
        if card.has_levels and f.get("cum") is not None:
            s += f"累计 {f['cum']:,.2f} {card.unit}，"
        if f.get("cum_yoy") is not None:
            s += f"同比增长 {f['cum_yoy']:.1f}%"
        if p and p["kind"] == "level":
            s += f"；完成年度目标 {p['completion']:.2%}，{p['status']} {abs(p['ahead']):.2%}"
        elif p:
            s += f"；目标增速 {p['target']:g}%，{p['status']}"
        out.append(s)
    return out


def owner_cell(p: dict | None) -> tuple[str, str, str]:
    """(目标, 完成率 / 累计同比, 超(欠)进度 / 与目标之差) as printed."""
    if not p:
        return "—", "无法测算", "—"
    if p["kind"] == "level":
        return f"{p['target']:,.2f}", f"{p['completion']:.2%}", f"{p['status']} {abs(p['ahead']):.2%}"
    return f"增长 {p['target']:g}%", f"{p['cum_yoy']:.1f}%", f"{p['status']} {p['gap']:+.1f} 个百分点"


def _owners_page(plt, pdf, label: str, owners: list[dict]) -> None:
    fig = plt.figure(figsize=(8.27, 11.69))
    fig.text(0.5, 0.95, f"{label}目标分解", ha="center", fontsize=16)
    fig.text(
        0.07,
        0.92,
        "责任单位对全区公布数负责；镇街目标按镇街内企业月度数据合计测算（增速为同口径企业）",
        fontsize=9,
    )
    ax = fig.add_axes([0.05, 0.05, 0.9, 0.85])
    ax.axis("off")
    rows = [[r["owner"], r["label"], *owner_cell(r["progress"])] for r in owners[:40]]
    t = ax.table(
        cellText=rows,
        colLabels=["责任单位/镇街", "指标", "目标", "完成率/累计同比", "超(欠)进度/与目标之差"],
        loc="upper center",
    )
    t.auto_set_font_size(False)
    t.set_fontsize(8)
    pdf.savefig(fig)
    plt.close(fig)


def write_brief_pdf(con, out: Path, month: str | None = None, firms: bool = True) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager as fm
    from matplotlib.backends.backend_pdf import PdfPages

    data = D.dashboard(con, month)
    family = _font(fm)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    label = data["cards"][0]["label"] if data["cards"] else str(data["period"])
    with (
        plt.rc_context({"font.family": [family], "pdf.fonttype": 42, "axes.unicode_minus": False}),
        PdfPages(out) as pdf,
    ):
        fig = plt.figure(figsize=(8.27, 11.69))
        fig.text(0.5, 0.95, f"{label}经济运行简报", ha="center", fontsize=18)
        y = 0.90
        for line in summary_lines(data):
            fig.text(0.07, y, line, fontsize=9.5, wrap=True)
            y -= 0.035
        now = D.nowcast_view(con)
        e, bt = now["estimate"], now["backtest"]
        if e and bt.get("n"):
            y -= 0.01
            fig.text(
                0.07,
                y,
                f"{e['period']} 规上工业总产值当月增速预估 {e['estimate']:.1f}%（80% 区间 {e['low']:.1f}% ~ "
                f"{e['high']:.1f}%）；回测 {bt['n']} 个月 MAE {bt['mae']:.2f}，朴素法 MAE {bt['naive_mae']:.2f} 个百分点",
                fontsize=9,
            )
            y -= 0.035
        y -= 0.01
        fig.text(0.07, y, "预警", fontsize=12)
        for a in data["alerts"]:
            y -= 0.03
            fig.text(0.09, y, ("⚠ " if a["level"] == "alert" else "★ ") + a["text"], fontsize=9)
        if firms and data["period"]:
            ct = D.contributions(con, data["period"], n=6)
            y -= 0.05
            fig.text(0.07, y, f"规上工业总产值 拉动（同口径增速 {ct['growth']:.2f}%）", fontsize=12)
            ax = fig.add_axes([0.07, 0.06, 0.86, max(y - 0.09, 0.1)])
            ax.axis("off")
            rows = [
                [
                    (r.get("name") or r["uscc"])[:16],
                    r.get("town") or "—",
                    f"{r['current'] / 1e4:,.0f}",
                    f"{r['pp']:+.2f}",
                ]
                for r in ct["top"] + ct["drags"]
            ]
            if rows:
                t = ax.table(
                    cellText=rows,
                    colLabels=["企业名称", "镇街", "本期累计（万元）", "拉动（百分点）"],
                    loc="upper center",
                )
                t.auto_set_font_size(False)
                t.set_fontsize(8)
        pdf.savefig(fig)
        plt.close(fig)
        owners = [r for r in data.get("owners", []) if firms or r["owner_kind"] == "department"]
        if owners:
            _owners_page(plt, pdf, label, owners)
        cards = data["cards"]
        for start in range(0, len(cards), 4):
            fig, axes = plt.subplots(4, 1, figsize=(8.27, 11.69))
            for ax, c in zip(axes, cards[start : start + 4], strict=False):
                t = c["trend"]
                ax.plot(
                    t["months"],
                    [v if v is not None else float("nan") for v in t["this"]],
                    marker="o",
                    label="本年",
                )
                ax.plot(
                    t["months"],
                    [v if v is not None else float("nan") for v in t["last"]],
                    linestyle="--",
                    label="上年",
                )
                ax.set_title(
                    f"{c['card'].label}（{'当月' if t['measure'] == 'month' else '累计同比'}，{c['card'].unit if t['measure'] == 'month' else '%'}）",
                    fontsize=10,
                )
                ax.set_xticks(t["months"])
                ax.legend(fontsize=8)
            for ax in axes[len(cards[start : start + 4]) :]:
                ax.axis("off")
            fig.tight_layout()
            pdf.savefig(fig)
            plt.close(fig)
    return out
