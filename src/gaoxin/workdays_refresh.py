"""Regenerate the shipped national table (`data/workdays/cn-national.csv`) from the `chinesecalendar`
package, which follows the State Council's yearly 部分节假日安排 notices. Run by `gaoxin workdays refresh`;
gaoxin itself reads only the shipped CSV and the versions loaded into the store."""

from __future__ import annotations

from gaoxin.workdays import OFF, WORK, Day, write_csv

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
# notice numbers checked against the published text; other years carry the notice's title only
NOTICES = {2025: ("国办发明电〔2024〕12号", "2024-11-12")}


def national_days() -> list[Day]:
    try:
        from chinese_calendar.constants import holidays, workdays
    except ImportError:  # pragma: no cover - the package is a test/maintenance extra
        raise RuntimeError("需要 chinesecalendar 包：pip install chinesecalendar") from None
    out = []
    for table, kind in ((holidays, OFF), (workdays, WORK)):
        for d, name in table.items():
            notice, published = NOTICES.get(d.year, (f"国务院办公厅关于{d.year}年部分节假日安排的通知", ""))
            out.append(Day(d, kind, NAMES.get(name, name), d.year, notice, published))
    return out


def national_csv() -> str:
    return write_csv(national_days())
