"""Flow files are validated with the clause named, and every step is refused unless the flow allows it."""

from __future__ import annotations

from datetime import datetime

import pytest

from gaoxin.flows import Event, FlowError, check, flow_text, list_builtin, load_flow, parse_flow, replay

FLOW = load_flow("enterprise-request")[0]


def ev(action: str, role: str = "analyst", **fields) -> Event:
    return Event(datetime(2025, 9, 26, 10), "u", role, action, fields)


OPENED = [ev("open")]


def test_the_builtin_flow_cites_its_sources_and_is_listed():
    assert any("国办发〔2020〕53号" in s for s in FLOW.flow.sources)
    assert any("GB/T 33358-2016" in s for s in FLOW.flow.sources)
    assert "enterprise-request" in [f.id for f in list_builtin()]
    assert [d.workdays for d in FLOW.deadlines if d.workdays][:3] == [1, 3, 15]


def test_an_illegal_transition_names_the_clause_and_the_states():
    with pytest.raises(FlowError) as exc:
        check(FLOW, replay(FLOW, OPENED), ev("answer", role="department", answer="x"))
    assert exc.value.problems[0][0] == "transitions.answer"
    assert "只能在「办理中」时进行，当前状态为「已受理」" in str(exc.value)


def test_a_role_not_in_the_transition_is_refused():
    with pytest.raises(FlowError, match="只能由企业服务专员（调度中心）、管理员办理") as exc:
        check(FLOW, replay(FLOW, OPENED), ev("dispatch", role="department", department="税务局"))
    assert exc.value.problems[0][0] == "transitions.dispatch.roles"


def test_required_fields_and_choices():
    with pytest.raises(FlowError, match="缺少必填项：承办部门"):
        check(FLOW, replay(FLOW, OPENED), ev("dispatch"))
    log = [
        *OPENED,
        ev("dispatch", department="税务局"),
        ev("accept", role="department"),
        ev("answer", role="department", answer="a"),
        ev("close", role="department"),
        ev("visit", note="n"),
    ]
    with pytest.raises(FlowError, match="满意度只能是 满意 / 基本满意 / 不满意"):
        check(FLOW, replay(FLOW, log), ev("rate", satisfaction="还行"))


def test_first_unit_leads_and_only_a_redispatch_with_a_reason_moves_it():
    r = replay(
        FLOW,
        [*OPENED, ev("dispatch", department="税务局"), ev("involve", role="department", department="人社局")],
    )
    assert (r.lead, r.co_units) == ("税务局", ["人社局"])
    with pytest.raises(FlowError, match="缺少必填项：承办部门、理由"):
        check(FLOW, r, ev("redispatch"))
    moved = replay(
        FLOW,
        [
            *OPENED,
            ev("dispatch", department="税务局"),
            ev("redispatch", department="发改局", reason="属发改职责"),
        ],
    )
    assert moved.lead == "发改局" and moved.state == "dispatched"


def test_a_terminal_case_takes_only_notes():
    r = replay(FLOW, [*OPENED, ev("withdraw", reason="企业撤回")])
    with pytest.raises(FlowError, match="只能添加备注或附件"):
        check(FLOW, r, ev("assign", handler="张三"))
    check(FLOW, r, ev("note"))


def test_the_first_event_must_open_the_case_and_only_once():
    with pytest.raises(FlowError, match="第一条记录必须是受理登记"):
        check(FLOW, None, ev("dispatch", department="x"))
    with pytest.raises(FlowError, match="不能重复受理"):
        check(FLOW, replay(FLOW, OPENED), ev("open"))


def test_unknown_actions_list_the_ones_there_are():
    with pytest.raises(FlowError, match="没有操作「approve」"):
        check(FLOW, replay(FLOW, OPENED), ev("approve"))


def test_extension_rules():
    r = replay(FLOW, [*OPENED, ev("dispatch", department="税务局")])
    with pytest.raises(FlowError, match="只有部门经办人、管理员可以申请延期"):
        check(FLOW, r, ev("extend_ask", deadline="resolve", reason="r"))
    with pytest.raises(FlowError, match="不能延期"):
        check(FLOW, r, ev("extend_ask", role="department", deadline="reply", reason="r"))
    with pytest.raises(FlowError, match="没有待审批的延期申请"):
        check(FLOW, r, ev("extend_decide", deadline="resolve", approved="同意"))
    asked = replay(
        FLOW,
        [
            *OPENED,
            ev("dispatch", department="税务局"),
            ev("extend_ask", role="department", deadline="resolve", reason="r"),
            ev("extend_decide", deadline="resolve", approved="同意"),
        ],
    )
    with pytest.raises(FlowError, match="最多延期 1 次"):
        check(FLOW, asked, ev("extend_ask", role="department", deadline="resolve", reason="again"))


def edited(old: str, new: str) -> str:
    text = flow_text("enterprise-request")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "clause", "message"),
    [
        ('to = "dispatched"', 'to = "nowhere"', "transitions.dispatch", "状态 nowhere 未定义"),
        (
            'roles = ["analyst", "admin"]',
            'roles = ["boss"]',
            "transitions.dispatch",
            "角色 boss 未在 [roles] 中定义",
        ),
        ('start = "received"', 'start = "begin"', "flow.start", "起始状态 begin 未定义"),
        (
            "workdays = 15\n",
            "workdays = 15\nhours = 4\n",
            "deadlines.resolve",
            "需给出 workdays 或 hours 之一",
        ),
        ("total_workdays = 30", "total_workdays = 10", "deadlines.resolve.extension", "应大于 workdays"),
        ('kind = "flow"', 'kind = "mujun"', "", '[flow].kind 必须是 "flow"'),
    ],
)
def test_an_edited_copy_with_a_fault_names_the_clause(old, new, clause, message):
    with pytest.raises(FlowError) as exc:
        parse_flow(edited(old, new), "my-flow.toml")
    text = str(exc.value)
    assert "my-flow.toml" in text and message in text and clause in text


def test_unreachable_states_and_toml_errors_are_reported():
    with pytest.raises(FlowError, match="states.withdrawn.*从起始状态无法到达"):
        parse_flow(edited('to = "withdrawn"', 'to = "received"'), "x.toml")
    with pytest.raises(FlowError, match="TOML 语法错误"):
        parse_flow("[flow\n", "x.toml")
    with pytest.raises(FlowError, match="没有这个流程或文件"):
        load_flow("no-such-flow")
