"""One workflow core: a state machine built from an Enum of states and one table of transitions
(the action, the states it may start from, the state it leads to, who may take it, the time it
stamps, what more it does). `Machine.apply` is the only way a row changes state:

    check who may (Refused) → lock the row → check again who may, and the state (Conflict) →
    the action's own effect (its checks and changes) → stamp its time → set the state → what
    follows from the state (`settle`) → bump the revision → record the step → emit the event,
    all in one transaction. Work that leaves the process (a post on a platform) is not done
    here: the step's event asks a worker for it (services/publishing/autopublish.py).

A machine is its table plus a few functions of its own (who may, how a step is recorded, which
event goes out); an action that does more than move has one small effect function. The tables
are data: the pages' buttons (`available`) and docs/architecture.md (`describe`) are read from
them, so the documentation says what the code does.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import peewee

from govmb.db import locked
from govmb.domain import Conflict, NotFound, Refused
from govmb.identity import Identity
from govmb.messages import said


@dataclass(frozen=True)
class Transition:
    """One row of a machine's table."""
    action: str
    sources: frozenset[StrEnum]  # the states it may start from
    target: StrEnum | None  # the state it leads to; None: it stays (a step within the state)
    who: str  # who may take it: a key of the machine's `guards`
    stamp: str | None = None  # the row's field set to the time of the step
    effect: Callable[[Move], None] | None = None  # its own checks and changes, inside the transaction
    event: str | None = None  # the event it sends, if not the machine's usual one
    note: str = ""  # what the table should say beyond from → to (an effect that may move further)


def step(action: str, sources: Iterable[StrEnum], target: StrEnum | None, who: str, **more: Any) -> Transition:
    """A table row, written briefly: step("approve", {S.APPLIED}, S.FILING, "principal", stamp="approved_at")."""
    return Transition(action, frozenset(sources), target, who, **more)


@dataclass
class Move:
    """A transition under way: what an effect reads and may add to."""
    row: peewee.Model
    transition: Transition
    who: Identity
    data: dict
    at: dt.datetime  # naive UTC, as every stored time
    before: StrEnum  # the state it started from
    comment: str = ""
    detail: str = ""  # what the step record and the audit trail say beyond the states
    event: str | None = None  # the event to send (the transition's, else the machine's; an effect may set it)
    extra: dict = field(default_factory=dict)  # more for the step record (a machine's own columns)

    @property
    def action(self) -> str:
        return self.transition.action


class Machine:
    """A state machine over one model: `states` (an Enum), `transitions` (its table), and the
    machine's own functions: `guards` (who → may this person take a step of this kind on this
    row), `refused` and `conflict` (the words of a refusal), `record` (the step's record and
    audit row) and `emit` (what the step sends out, in its transaction: `Move.event`, the
    transition's event or else the machine's usual one, or what the machine decides)."""

    def __init__(self, name: str, model: type[peewee.Model], states: type[StrEnum], transitions: Iterable[Transition],
                 *, guards: dict[str, Callable[[peewee.Model, Identity], bool]],
                 refused: Callable[[Transition], str], conflict: Callable[[peewee.Model, Transition], str],
                 record: Callable[[Move], None], emit: Callable[[Move], None] | None = None,
                 state_field: str = "status", event: str | None = None, who_names: dict[str, str] | None = None,
                 settle: Callable[[Move], None] | None = None):
        self.name, self.model, self.states = name, model, states
        self.transitions = {t.action: t for t in transitions}
        unknown = {t.who for t in self.transitions.values()} - set(guards)
        if unknown:
            raise ValueError(f"{name}: no guard for {sorted(unknown)}")
        self.guards, self.refused, self.conflict = guards, refused, conflict
        self.record, self.emit, self.state_field, self.event = record, emit, state_field, event
        self.who_names = who_names or {}
        self.settle = settle  # after the state is set, before the row is saved (what follows from the state)
        self.versioned = "revision" in model._meta.fields  # a row its events carry a revision of

    def state_of(self, row: peewee.Model) -> StrEnum:
        return self.states(getattr(row, self.state_field))

    def transition(self, action: str) -> Transition:
        if action not in self.transitions:
            raise NotFound(said("没有名为 {action} 的操作", action=action))
        return self.transitions[action]

    def may(self, row: peewee.Model, who: Identity, t: Transition) -> bool:
        return self.guards[t.who](row, who)

    def apply(self, row: peewee.Model, action: str, who: Identity, data: dict | None = None,
              at: dt.datetime | None = None) -> peewee.Model:
        """Take the step `action` on `row` for `who` (see the module's docstring); the row as saved."""
        t, data = self.transition(action), data or {}
        if not self.may(row, who, t):
            raise Refused(self.refused(t))
        db = self.model._meta.database
        with db.atomic():
            row = locked(self.model, row.id)
            if not self.may(row, who, t):  # changed meanwhile (a message transferred to another unit)
                raise Refused(self.refused(t))
            before = self.state_of(row)
            if before not in t.sources:
                raise Conflict(self.conflict(row, t))
            move = Move(row, t, who, data, at or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), before,
                        comment=(data.get("comment") or "").strip(), event=t.event or self.event)
            if t.effect is not None:
                t.effect(move)
            if t.stamp:
                setattr(move.row, t.stamp, move.at)
            if t.target is not None:
                setattr(move.row, self.state_field, t.target.value)
            if self.settle is not None:
                self.settle(move)
            if self.versioned:
                move.row.revision += 1
            move.row.save()
            self.record(move)
            if self.emit is not None:
                self.emit(move)
        return move.row

    def available(self, row: peewee.Model, who: Identity) -> list[str]:
        """The actions `who` could take on `row` now (the pages' buttons)."""
        state = self.state_of(row)
        return [a for a, t in self.transitions.items() if state in t.sources and self.may(row, who, t)]

    def describe(self, state_names: dict[str, str], action_names: dict[str, str]) -> list[str]:
        """The machine as a Markdown table, for docs/architecture.md."""
        lines = ["| action | from | to | who |", "|---|---|---|---|"]
        for t in self.transitions.values():
            sources = "、".join(state_names.get(s.value, s.value) for s in sorted(t.sources, key=list(self.states).index))
            target = state_names.get(t.target.value, t.target.value) if t.target is not None else "（不变）"
            target += f"；{t.note}" if t.note else ""
            name = f"`{t.action}` {action_names[t.action]}" if t.action in action_names else f"`{t.action}`"
            lines.append(f"| {name} | {sources} | {target} | {self.who_names.get(t.who, t.who)} |")
        return lines
