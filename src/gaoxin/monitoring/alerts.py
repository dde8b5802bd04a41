"""触警 / 优质 from the indicator cards' rules: each alert names the rule (card, measure, threshold) and the
figure that crossed it."""

from __future__ import annotations

from gaoxin.monitoring.cards import MEASURES, MEASURES_EN, Card


def evaluate(card: Card, figures: dict[str, float | None]) -> list[dict]:
    """The card's rules against this month's figures (cum_yoy, month_yoy in %, progress in points)."""
    out = []
    for level, rule in (("alert", card.alert), ("good", card.good)):
        if rule is None:
            continue
        value = figures.get(rule.measure)
        if value is None:
            continue
        hit = (rule.below is not None and value < rule.below) or (
            rule.above is not None and value >= rule.above
        )
        if hit:
            out.append(
                {
                    "indicator": card.id,
                    "label": card.label,
                    "label_en": card.label_en,
                    "level": level,
                    "measure": rule.measure,
                    "measure_label": MEASURES.get(rule.measure, rule.measure),
                    "threshold": rule.below if rule.below is not None else rule.above,
                    "value": value,
                    "rule": rule.text(card.label),
                    "text": f"{card.label}{MEASURES.get(rule.measure, rule.measure)} {value:.2f}%：{rule.text(card.label)}",
                    "rule_en": rule.text_en(card.label_en),
                    "text_en": f"{card.label_en}: {MEASURES_EN.get(rule.measure, rule.measure)} {value:.2f}% — "
                    + rule.text_en(card.label_en),
                }
            )
    progress = figures.get("progress")
    growth_target = figures.get("progress_kind") == "growth"
    if progress is not None and progress < 0 and growth_target:
        out.append(
            {
                "indicator": card.id,
                "label": card.label,
                "label_en": card.label_en,
                "level": "alert",
                "measure": "progress",
                "measure_label": "与目标增速之差",
                "threshold": 0.0,
                "value": progress,
                "rule": f"{card.label}累计增速低于年度目标增速",
                "text": f"{card.label}累计增速低于目标 {-progress:.2f} 个百分点",
                "rule_en": f"{card.label_en}: YTD growth below the year's target growth",
                "text_en": f"{card.label_en}: YTD growth {-progress:.2f} points below the target",
            }
        )
    elif progress is not None and progress < 0:
        out.append(
            {
                "indicator": card.id,
                "label": card.label,
                "label_en": card.label_en,
                "level": "alert",
                "measure": "progress",
                "measure_label": MEASURES["progress"],
                "threshold": 0.0,
                "value": progress,
                "rule": f"{card.label}完成率低于时序进度（欠进度）",
                "text": f"{card.label}欠进度 {-progress:.2f} 个百分点：完成率低于时序进度",
                "rule_en": f"{card.label_en}: completion below the time schedule (behind)",
                "text_en": f"{card.label_en}: {-progress:.2f} points behind schedule (completion below the time schedule)",
            }
        )
    return out
