"""The 53号令 clocks worked by hand on made parcels: 第二条第一款 (a year past the contract's start date with no
动工), 第二条第二款 (started, < 1/3 built or < 25 % invested, stopped a year: a candidate an officer decides),
第八条 (a verified government delay stops the clock; an unverified one does not), 第五条 (30 days to start the
investigation) and 第十四条 (闲置费 = 20 % of the price, eligible at one year; 收回 at two)."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from gaoxin.cases.land.clocks import clocks
from gaoxin.cases.land.rules import load_rules

RULES = load_rules()
COLS = {
    "parcel_no": pl.Utf8, "agreed_start": pl.Date, "actual_start": pl.Date, "actual_complete": pl.Date,
    "stopped_on": pl.Date, "built_floor_m2": pl.Float64, "planned_floor_m2": pl.Float64, "invested_wan": pl.Float64,
    "total_invest_wan": pl.Float64, "price_wan": pl.Float64,
}  # fmt: skip
DECISIONS = {"parcel_no": pl.Utf8, "kind": pl.Utf8, "from_day": pl.Date, "to_day": pl.Date, "verified": pl.Boolean,
             "recorded_at": pl.Datetime("us"), "amount_wan": pl.Float64}  # fmt: skip


def parcel(no: str, **kw) -> dict:
    return {c: kw.get(c) for c in COLS} | {"parcel_no": no}


def one(rows: list[dict], as_of: date, decisions: list[dict] | None = None) -> dict:
    df = pl.DataFrame(rows, schema=COLS)
    d = pl.DataFrame(decisions or [], schema=DECISIONS)
    out = clocks(df, d, as_of, RULES)
    return {r["parcel_no"]: r for r in out.to_dicts()}


NOT_STARTED = parcel("A", agreed_start=date(2024, 3, 1), price_wan=500.0)


def test_not_started_is_idle_on_the_first_anniversary():
    assert one([NOT_STARTED], date(2025, 2, 28))["A"]["status"] == "计时中"
    a = one([NOT_STARTED], date(2025, 3, 1))["A"]
    assert (a["status"], a["idle"], a["suspect_on"], a["idle_days"]) == ("闲置", True, date(2025, 3, 1), 365)
    # a permit is not 动工: only an actual start date stops this clock
    started = one([{**NOT_STARTED, "actual_start": date(2024, 5, 1)}], date(2026, 1, 1))["A"]
    assert started["status"] == "正常" and started["clock"] is None


def test_fee_base_and_eligibility_dates():
    a = one([NOT_STARTED], date(2025, 3, 1))["A"]
    assert a["fee_base_wan"] == pytest.approx(100.0)  # 500 万元 × 20 %
    assert (a["fee_on"], a["fee_eligible"]) == (date(2025, 3, 1), True)
    assert (a["reclaim_on"], a["reclaim_eligible"]) == (date(2026, 3, 1), False)
    assert one([NOT_STARTED], date(2026, 2, 28))["A"]["reclaim_eligible"] is False
    assert one([NOT_STARTED], date(2026, 3, 1))["A"]["reclaim_eligible"] is True
    # no price on the register: eligibility of the fee cannot be worked (the base would be unknown)
    assert one([{**NOT_STARTED, "price_wan": None}], date(2025, 6, 1))["A"]["fee_eligible"] is False


def test_stopped_parcels_by_the_third_and_the_quarter():
    base = {"agreed_start": date(2023, 1, 1), "actual_start": date(2023, 2, 1), "stopped_on": date(2024, 6, 10),
            "planned_floor_m2": 9000.0, "total_invest_wan": 8000.0}  # fmt: skip
    rows = [
        parcel("area", **base, built_floor_m2=2999.0, invested_wan=4000.0),  # 33.32 % built < 1/3
        parcel("third", **base, built_floor_m2=3000.0, invested_wan=4000.0),  # exactly 1/3: not below
        parcel("invest", **base, built_floor_m2=6000.0, invested_wan=1999.0),  # 24.99 % < 25 %
        parcel("quarter", **base, built_floor_m2=6000.0, invested_wan=2000.0),  # exactly 25 %: not below
    ]
    before, after = one(rows, date(2025, 6, 9)), one(rows, date(2025, 6, 10))
    assert before["area"]["status"] == "计时中" and before["area"]["clock_start"] == date(2024, 6, 10)
    assert after["area"]["status"] == after["invest"]["status"] == "闲置候选（待认定）"
    assert after["area"]["candidate"] and not after["area"]["idle"]  # 可以认定: an officer decides
    assert after["third"]["status"] == after["quarter"]["status"] == "正常"
    assert after["invest"]["invested_share"] == pytest.approx(1999 / 8000)
    found = {"parcel_no": "area", "kind": "finding", "recorded_at": datetime(2025, 7, 1, 9)}
    decided = one(rows, date(2025, 7, 2), [found])["area"]
    assert (decided["status"], decided["idle"], decided["candidate"]) == ("闲置", True, False)


def test_a_verified_government_delay_stops_the_clock():
    delay = {"parcel_no": "A", "kind": "delay", "from_day": date(2024, 3, 1), "to_day": date(2024, 9, 1),
             "verified": True, "recorded_at": datetime(2024, 4, 1, 10)}  # fmt: skip
    # 184 days of delay (2024-03-01 → 2024-09-01) move the anniversary from 2025-03-01 to 2025-09-01
    a = one([NOT_STARTED], date(2025, 8, 31), [delay])["A"]
    assert (a["status"], a["delay_days"], a["suspect_on"]) == ("计时中", 184, date(2025, 9, 1))
    assert a["options_open"] is True  # 第十二条: the options for a government-caused delay
    b = one([NOT_STARTED], date(2025, 9, 1), [delay])["A"]
    assert (b["status"], b["fee_on"], b["fee_eligible"]) == ("闲置", date(2025, 9, 1), True)
    # an explanation not verified changes nothing
    unverified = one([NOT_STARTED], date(2025, 3, 1), [{**delay, "verified": False}])["A"]
    assert (unverified["status"], unverified["delay_days"]) == ("闲置", 0)
    # while the delay lasts the parcel is not idle, whatever the date, and no fee can be decided
    ongoing = one([NOT_STARTED], date(2027, 1, 1), [{**delay, "to_day": None}])["A"]
    assert (ongoing["status"], ongoing["idle"], ongoing["fee_eligible"]) == (
        "政府原因（第八条）",
        False,
        False,
    )


def test_thirty_days_to_start_the_investigation():
    rows = [{**NOT_STARTED}]
    a = one(rows, date(2025, 3, 31))["A"]
    # found suspect on 2025-03-01 (the store saw it before): the 调查通知书 is due within 30 days
    assert (a["found_on"], a["investigate_due"], a["investigate_overdue"]) == (
        date(2025, 3, 1), date(2025, 3, 31), False
    )  # fmt: skip
    assert one(rows, date(2025, 4, 1))["A"]["investigate_overdue"] is True
    sent = {"parcel_no": "A", "kind": "investigation", "recorded_at": datetime(2025, 3, 20, 9)}
    done = one(rows, date(2025, 4, 1), [sent])["A"]
    assert (done["investigated_on"], done["investigate_overdue"]) == (date(2025, 3, 20), False)
