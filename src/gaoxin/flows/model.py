"""The flow file: a case workflow as data (states, transitions with roles and required fields, deadlines in
working days or hours, pause states, one extension, escalation steps, reopen).

A flow is TOML like a scheme: validated here, copyable, and citing its sources. Every check that refers to a
part of the file names it as a clause (``transitions.dispatch``, ``deadlines.resolve.extension``) so an officer
editing a copy sees where the problem is.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID = r"^[a-z][a-z0-9_\-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FlowMeta(_Strict):
    id: str = Field(pattern=ID)
    kind: str = "flow"
    title: str
    title_en: str = ""
    version: str
    subject: str = Field(default="case", description="what a case of this flow is about: request, project …")
    start: str = Field(description="the state a new case opens in")
    locality: str = Field(
        default="", description="where the deadlines come from, when they are local practice"
    )
    sources: list[str] = Field(min_length=1, description="the documents the flow follows")

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v != "flow":
            raise ValueError('[flow].kind 必须是 "flow"')
        return v


class State(_Strict):
    id: str = Field(pattern=ID)
    title: str
    title_en: str = ""
    pause: bool = Field(default=False, description="the deadline clocks stop while a case is here")
    terminal: bool = False


class Transition(_Strict):
    id: str = Field(pattern=ID)
    title: str
    title_en: str = ""
    from_: list[str] = Field(alias="from", min_length=1)
    to: str
    roles: list[str] = Field(min_length=1, description="roles allowed to take it")
    requires: list[str] = Field(default_factory=list, description="fields the event must carry")
    sets_lead: bool = Field(default=False, description="names the lead department (首接负责)")
    changes_lead: bool = Field(default=False, description="may move the case to another lead department")
    reopen: bool = Field(
        default=False, description="重办: the deadlines marked restart_on_reopen start again"
    )
    clause: str = ""


class Extension(_Strict):
    """One extension (延期): asked before the deadline, approved by a role, up to a longer total."""

    total_workdays: int = Field(gt=0, description="the deadline after approval, counted from the same start")
    times: int = Field(default=1, ge=1)
    ask_roles: list[str] = Field(min_length=1)
    approve_roles: list[str] = Field(min_length=1)
    ask_before_due: bool = True
    clause: str = ""


class Escalation(_Strict):
    """A step taken when a deadline is missed: ``after_workdays`` working days after the due day."""

    level: str = Field(pattern=ID)
    title: str
    after_workdays: int = Field(ge=1)
    clause: str = ""


class Deadline(_Strict):
    id: str = Field(pattern=ID)
    title: str
    title_en: str = ""
    workdays: int | None = Field(default=None, gt=0)
    hours: float | None = Field(default=None, gt=0)
    starts_at: str | None = Field(
        default=None, description="the state whose first entry starts the clock; default: opening"
    )
    met_by: list[str] = Field(min_length=1, description="reaching one of these states meets the deadline")
    restart_on_reopen: bool = False
    extension: Extension | None = None
    escalation: list[Escalation] = Field(default_factory=list)
    clause: str = ""

    @model_validator(mode="after")
    def _one_unit(self) -> Deadline:
        if (self.workdays is None) == (self.hours is None):
            raise ValueError(f"deadlines.{self.id}: 需给出 workdays 或 hours 之一")
        if self.extension and self.workdays and self.extension.total_workdays <= self.workdays:
            raise ValueError(f"deadlines.{self.id}.extension: total_workdays 应大于 workdays")
        if self.extension and self.hours:
            raise ValueError(f"deadlines.{self.id}.extension: 按小时计的时限不能延期")
        steps = [e.after_workdays for e in self.escalation]
        if steps != sorted(set(steps)):
            raise ValueError(f"deadlines.{self.id}.escalation: after_workdays 应严格递增")
        return self


class Node(_Strict):
    """One step of a node plan (项目节点计划): planned to finish `workdays` working days after the last of the
    nodes it comes `after` (the plan's start for none) — serial when it names one, parallel siblings when
    several nodes name the same one. `by`: a transition whose event also completes the node."""

    id: str = Field(pattern=ID)
    title: str
    title_en: str = ""
    after: list[str] = Field(default_factory=list)
    workdays: int = Field(ge=0, description="working days after the nodes it follows")
    by: str | None = None
    clause: str = ""


class Flow(_Strict):
    flow: FlowMeta
    roles: dict[str, str] = Field(min_length=1, description="role id → title")
    fields: dict[str, str] = Field(default_factory=dict, description="field id → title")
    choices: dict[str, list[str]] = Field(
        default_factory=dict, description="field id → the values it may take"
    )
    states: list[State] = Field(min_length=2)
    transitions: list[Transition] = Field(min_length=1)
    deadlines: list[Deadline] = Field(default_factory=list)
    nodes: list[Node] = Field(default_factory=list, description="a node plan (serial and parallel steps)")
    rules: dict[str, float | int | str | bool | list[str]] = Field(
        default_factory=dict,
        description="a case domain's own rules as data (thresholds, colours), read by it",
    )

    @model_validator(mode="after")
    def _references(self) -> Flow:
        problems = list(self.problems())
        if problems:
            raise ValueError("; ".join(f"{c}: {m}" for c, m in problems))
        return self

    def problems(self):
        """(clause, message) for every reference that does not resolve, in file order."""
        yield from self._duplicates()
        yield from self._transition_problems()
        yield from self._deadline_problems()
        yield from self._node_problems()
        yield from self._unreachable()

    def _duplicates(self):
        states = [s.id for s in self.states]
        for dup in {s for s in states if states.count(s) > 1}:
            yield f"states.{dup}", "状态重复"
        tids = [t.id for t in self.transitions]
        for dup in {t for t in tids if tids.count(t) > 1}:
            yield f"transitions.{dup}", "转换重复"
        if self.flow.start not in states:
            yield "flow.start", f"起始状态 {self.flow.start} 未定义"

    def _transition_problems(self):
        known = {s.id for s in self.states}
        for t in self.transitions:
            for s in [*t.from_, t.to]:
                if s not in known:
                    yield f"transitions.{t.id}", f"状态 {s} 未定义"
            for r in t.roles:
                if r not in self.roles:
                    yield f"transitions.{t.id}", f"角色 {r} 未在 [roles] 中定义"
            for f in t.requires:
                if f not in self.fields:
                    yield f"transitions.{t.id}", f"字段 {f} 未在 [fields] 中定义"
        for f in self.choices:
            if f not in self.fields:
                yield f"choices.{f}", f"字段 {f} 未在 [fields] 中定义"

    def _deadline_problems(self):
        known = {s.id for s in self.states}
        for d in self.deadlines:
            if d.starts_at is not None and d.starts_at not in known:
                yield f"deadlines.{d.id}", f"状态 {d.starts_at} 未定义"
            for s in d.met_by:
                if s not in known:
                    yield f"deadlines.{d.id}", f"状态 {s} 未定义"
            if d.extension:
                for r in [*d.extension.ask_roles, *d.extension.approve_roles]:
                    if r not in self.roles:
                        yield f"deadlines.{d.id}.extension", f"角色 {r} 未在 [roles] 中定义"

    def _node_problems(self):
        ids = [n.id for n in self.nodes]
        for dup in sorted({n for n in ids if ids.count(n) > 1}):
            yield f"nodes.{dup}", "节点重复"
        seen: set[str] = set()
        # each node after the nodes it follows: the file order is a plan order, no cycles
        for n in self.nodes:
            for a in n.after:
                if a not in ids:
                    yield f"nodes.{n.id}.after", f"节点 {a} 未定义"
                elif a not in seen:
                    yield f"nodes.{n.id}.after", f"节点 {a} 须写在 {n.id} 之前"
            if n.by is not None and self.transition(n.by) is None:
                yield f"nodes.{n.id}.by", f"转换 {n.by} 未定义"
            seen.add(n.id)

    def node(self, nid: str) -> Node | None:
        return next((n for n in self.nodes if n.id == nid), None)

    def _unreachable(self):
        reachable, frontier = {self.flow.start}, [self.flow.start]
        while frontier:
            here = frontier.pop()
            for t in self.transitions:
                if here in t.from_ and t.to not in reachable:
                    reachable.add(t.to)
                    frontier.append(t.to)
        for s in self.states:
            if s.id not in reachable:
                yield f"states.{s.id}", "从起始状态无法到达"

    # lookups
    def state(self, sid: str) -> State:
        return next(s for s in self.states if s.id == sid)

    def transition(self, tid: str) -> Transition | None:
        return next((t for t in self.transitions if t.id == tid), None)

    def deadline(self, did: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.id == did), None)

    def available(self, state: str, role: str | None = None) -> list[Transition]:
        """The transitions open from `state` (for `role`, when given), in file order."""
        return [t for t in self.transitions if state in t.from_ and (role is None or role in t.roles)]

    def paused(self, state: str) -> bool:
        return self.state(state).pause
