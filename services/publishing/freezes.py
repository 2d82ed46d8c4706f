"""暂停发布 (the stop switch, issue 20): on a day of mourning or in an emergency the joint-meeting
office stops every scheduled and automatic release, city-wide or for a unit and the units below
it, with a reason, and lifts it later; both in the audit trail. While a freeze holds, the
publishing worker claims no post in its scope (`not_frozen`, a predicate of the claim query);
after the lift each post goes out once, as it would have. A person may still record a release
made by hand: the draft's page shows the freeze beside it."""
from __future__ import annotations

from peewee import SQL, fn

from govmb.domain import Conflict, Invalid
from govmb.identity import Identity
from govmb.messages import said
from govmb.todo import unit_names
from services.publishing.models import PlatformPost, ReleaseFreeze, Unit, audit, db, now

FREEZERS = ("joint_office", "admin")
CITY = "/"


def _ancestors(unit_path: str) -> list[str]:
    """"/1/3/4/" → ["/", "/1/", "/1/3/", "/1/3/4/"]: the scopes a freeze over this unit may have."""
    parts = [p for p in unit_path.split("/") if p]
    return [CITY] + ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def covering(unit_path: str) -> ReleaseFreeze | None:
    """The active freeze over a unit (the city's, its own or a superior's), the oldest; a few
    indexed lookups (release_freeze (lifted_at, unit_path))."""
    return (ReleaseFreeze.select().where(ReleaseFreeze.lifted_at.is_null(),
                                         ReleaseFreeze.unit_path.in_(_ancestors(unit_path or CITY)))
            .order_by(ReleaseFreeze.frozen_at, ReleaseFreeze.id).first())


def not_frozen():
    """The claim query's predicate: no active freeze's scope holds the post's unit."""
    held = ReleaseFreeze.alias()
    inside = fn.SUBSTR(PlatformPost.unit_path, 1, fn.LENGTH(held.unit_path)) == held.unit_path
    return ~fn.EXISTS(held.select(SQL("1")).where(held.lifted_at.is_null(), inside))


def scope_name(freeze: ReleaseFreeze, names: dict[int, str] | None = None) -> str:
    if freeze.unit_id is None:
        return "全市"
    names = names if names is not None else unit_names(Unit, [freeze.unit_id])
    return said("{unit}及下级单位", unit=names.get(freeze.unit_id, freeze.unit_path))


def freeze(data: dict, who: Identity) -> ReleaseFreeze:
    """Stop the releases of the city (no `unit_id`) or of a unit and those below it."""
    reason = (data.get("reason") or "").strip()
    if len(reason) < 2:
        raise Invalid("reason", "请写明暂停发布的原因（2 至 200 字）")
    unit_id = data.get("unit_id")
    path = CITY
    if unit_id is not None:
        unit = Unit.get_or_none(Unit.id == unit_id)
        if unit is None:
            raise Invalid("unit_id", "单位不存在")
        path = unit.path
    with db.atomic():
        held = ReleaseFreeze.get_or_none(ReleaseFreeze.lifted_at.is_null(), ReleaseFreeze.unit_path == path)
        if held is not None:
            raise Conflict(said("该范围已暂停发布（{who}，原因：{reason}），无须重复暂停", who=held.frozen_by,
                                reason=held.reason))
        row = ReleaseFreeze.create(unit_id=unit_id, unit_path=path, reason=reason, frozen_by=who.name, frozen_at=now())
        audit.record(who, "release_freeze.freeze", "release_freeze", row.id, path,
                     said("暂停{scope}的定时和自动发布：{reason}", scope=scope_name(row), reason=reason))
    return row


def lift(row: ReleaseFreeze, who: Identity) -> ReleaseFreeze:
    """Lift a freeze: the posts it held go out (once each) at the worker's next run."""
    with db.atomic():
        done = (ReleaseFreeze.update(lifted_at=now(), lifted_by=who.name)
                .where(ReleaseFreeze.id == row.id, ReleaseFreeze.lifted_at.is_null()).execute())
        if not done:
            raise Conflict("该暂停已经解除")
        row = ReleaseFreeze.get_by_id(row.id)
        audit.record(who, "release_freeze.lift", "release_freeze", row.id, row.unit_path,
                     said("恢复{scope}的定时和自动发布（暂停原因：{reason}）", scope=scope_name(row), reason=row.reason))
    return row


def named(rows: list[ReleaseFreeze]) -> list[ReleaseFreeze]:
    """The rows with their scope's name, for the answers (one query for the units' names)."""
    names = unit_names(Unit, (r.unit_id for r in rows))
    for r in rows:
        r.scope_name = scope_name(r, names)
        r.active = r.lifted_at is None
    return rows
