"""Case flows as data: a flow file (states, transitions, roles, deadlines in working days, pauses, one
extension, escalation, reopen) and the pure functions that derive a case's state and clocks from its
append-only event log. Case domains (enterprise requests, projects, land, appeals) build on this one core."""

from .derive import ACTION_TITLES, CaseView, Clock, Event, Replay, check, clocks, derive, replay
from .loader import BuiltinFlow, FlowError, flow_sha256, flow_text, list_builtin, load_flow, parse_flow
from .model import Deadline, Escalation, Extension, Flow, Node, State, Transition

__all__ = [
    "ACTION_TITLES",
    "BuiltinFlow",
    "CaseView",
    "Clock",
    "Deadline",
    "Escalation",
    "Event",
    "Extension",
    "Flow",
    "Node",
    "FlowError",
    "Replay",
    "State",
    "Transition",
    "check",
    "clocks",
    "derive",
    "flow_sha256",
    "flow_text",
    "list_builtin",
    "load_flow",
    "parse_flow",
    "replay",
]
