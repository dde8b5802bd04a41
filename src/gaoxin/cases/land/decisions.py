"""What officers and approvers record beside the 53号令 clocks (append only; the clocks read them back):

- `delay` — a government or 不可抗力 cause from the order's closed list (第八条), with the user's explanation and
  whether it was verified (经审核属实); only a verified delay stops the clock;
- `investigation` — the 调查通知书 was sent (第五条: within 30 days of finding the parcel suspect);
- `finding` — the officer's 认定 of a 第二条第二款 candidate (the order says 可以认定: nothing is automatic);
- `fee` / `reclaim` — an approver's 征缴土地闲置费 / 收回 decision (第十四条), refused unless the parcel is eligible
  on the day; the fee is 20 % of the 出让 / 划拨 价款, taken from the register, never typed in;
- `option` — one of the 第十二条 options for a government-caused delay.
Each refusal says which rule and which number stood in the way."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from gaoxin.cases.land.clocks import DECISION_KINDS, DELAY, FEE, FINDING, INVESTIGATION, OPTION, RECLAIM
from gaoxin.store import land as store

APPROVERS = ("admin",)  # 报本级人民政府批准: the zone's administrator records the approved decision
RECORDERS = ("admin", "analyst")


class DecisionRefused(ValueError):
    """A decision that cannot be recorded; the message names the rule."""


def _day(text) -> date | None:
    if text in (None, ""):
        return None
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip().replace("/", "-"))
    except ValueError:
        raise DecisionRefused(f"日期「{text}」应写成 YYYY-MM-DD") from None


def _delay(c, parcel, idle, a) -> dict:
    if a["cause"] not in idle["delay_causes"]:
        raise DecisionRefused(
            f"延迟原因须为第八条所列之一：{'；'.join(idle['delay_causes'])}（收到「{a['cause'] or ''}」）"
        )
    start = _day(a["from_day"])
    if start is None:
        raise DecisionRefused("政府原因延迟须写明起始日期（from_day）")
    end = _day(a["to_day"])
    if end and end < start:
        raise DecisionRefused(f"延迟结束日期 {end} 早于起始日期 {start}")
    if not a["note"]:
        raise DecisionRefused("须附使用权人的说明（53号令第八条：提供相关说明材料）")
    return {"cause": a["cause"], "from_day": start, "to_day": end, "verified": bool(a["verified"]),
            "clause": idle["delay_clause"]}  # fmt: skip


def _investigation(c, parcel, idle, a) -> dict:
    if c["clock"] is None:
        raise DecisionRefused(f"宗地 {c['parcel_no']} 不在闲置计时中（已按期动工或已竣工），无需调查")
    return {"clause": idle["investigate_clause"]}


def _finding(c, parcel, idle, a) -> dict:
    if not c["candidate"]:
        raise DecisionRefused(
            f"宗地 {c['parcel_no']} 不是第二条第二款的闲置候选（状态：{c['status']}），不能作此认定"
        )
    return {"clause": idle["candidate_clause"]}


def _approver(a) -> None:
    if a["role"] not in APPROVERS:
        raise DecisionRefused("征缴闲置费、收回决定须经本级人民政府批准，由管理员登记批准结果")


def _fee(c, parcel, idle, a) -> dict:
    _approver(a)
    if not c["fee_eligible"]:
        raise DecisionRefused(
            f"宗地 {c['parcel_no']} 尚不能下达征缴土地闲置费决定书：须闲置满 {idle['fee_years']} 年"
            f"（可下达日 {c['fee_on'] or '—'}，状态 {c['status']}）且有出让或划拨价款"
        )
    return {"amount_wan": round(parcel["price_wan"] * idle["fee_share"], 4), "clause": idle["fee_clause"]}


def _reclaim(c, parcel, idle, a) -> dict:
    _approver(a)
    if not c["reclaim_eligible"]:
        raise DecisionRefused(
            f"宗地 {c['parcel_no']} 尚不能下达收回决定书：须闲置满 {idle['reclaim_years']} 年"
            f"（可下达日 {c['reclaim_on'] or '—'}，状态 {c['status']}）"
        )
    return {"clause": idle["reclaim_clause"]}


def _option(c, parcel, idle, a) -> dict:
    if not c["options_open"]:
        raise DecisionRefused(f"宗地 {c['parcel_no']} 没有经审核属实的政府原因延迟，第十二条处置方式不适用")
    if a["option"] not in idle["options"]:
        raise DecisionRefused(f"处置方式须为第十二条所列之一：{'；'.join(idle['options'])}")
    return {"cause": a["option"], "clause": idle["options_clause"]}


CHECKS = {DELAY: _delay, INVESTIGATION: _investigation, FINDING: _finding, FEE: _fee, RECLAIM: _reclaim,
          OPTION: _option}  # fmt: skip


def record_decision(
    con,
    ev: dict,
    parcel_no: str,
    kind: str,
    *,
    actor: str,
    role: str,
    cause: str | None = None,
    from_day=None,
    to_day=None,
    verified: bool | None = None,
    option: str | None = None,
    note: str = "",
    at: datetime | None = None,
) -> str:
    """Check and record one decision on a parcel as evaluated in `ev` (register.evaluate as of today)."""
    if kind not in DECISION_KINDS:
        raise DecisionRefused(f"决定类型「{kind}」应为 {' / '.join(DECISION_KINDS)} 之一")
    if role not in RECORDERS:
        raise DecisionRefused("只有管理员和分析人员可以登记宗地处置决定")
    rows = ev["clocks"].filter(pl.col("parcel_no") == parcel_no)
    if rows.height == 0:
        raise DecisionRefused(f"没有宗地编号为 {parcel_no} 的宗地")
    c = rows.row(0, named=True)
    parcel = ev["parcels"].filter(pl.col("parcel_no") == parcel_no).row(0, named=True)
    args = {"cause": cause, "from_day": from_day, "to_day": to_day, "verified": verified, "option": option,
            "note": note.strip(), "role": role}  # fmt: skip
    rec = {"parcel_no": parcel_no, "kind": kind, "actor": actor, "note": note.strip() or None,
           "recorded_at": at or datetime.now().replace(microsecond=0)}  # fmt: skip
    rec.update(CHECKS[kind](c, parcel, ev["rules"]["idle"], args))
    return store.add_decision(con, rec)
