"""The registry's operations on units. Each change and its events commit together."""
from __future__ import annotations

from govmb.contracts.registry import UNIT_KINDS
from govmb.db import is_postgres
from govmb.domain import Invalid
from govmb.identity import Identity, under
from govmb.messages import N_, said
from services.registry.accounts import publish
from services.registry.checks import ug_name_problem
from services.registry.models import Account, Unit, audit, bus, db, now


def _lock_tree() -> None:
    """Tree writes one at a time (PostgreSQL): two moves must not make a cycle, nor a new
    child keep a path its parent has just left. SQLite transactions are serialized already."""
    if is_postgres(db):
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_TREE_LOCK,))


_TREE_LOCK = 7_741_001



def _parent_or_invalid(parent_id: int | None) -> Unit | None:
    if parent_id is None:
        return None
    parent = Unit.get_or_none(Unit.id == parent_id)
    if parent is None:
        raise Invalid("parent_id", said("上级单位 {id} 不存在", id=parent_id))
    return parent


def _name_taken(name: str, parent: Unit | None, except_id: int | None = None) -> bool:
    query = Unit.select().where(Unit.name == name,
                                Unit.parent.is_null() if parent is None else Unit.parent == parent)
    if except_id is not None:
        query = query.where(Unit.id != except_id)
    return query.exists()


def _name_ug_or_invalid(name_ug: str) -> str:
    if problem := ug_name_problem(name_ug):
        raise Invalid("name_ug", problem)
    return name_ug.strip()


def create_unit(name: str, kind: str, parent_id: int | None, who: Identity | None = None,
                name_ug: str = "") -> Unit:
    name = name.strip()
    if not name:
        raise Invalid("name", "单位名称不能为空")
    name_ug = _name_ug_or_invalid(name_ug)
    if kind not in UNIT_KINDS:
        raise Invalid("kind", said("单位类别须为 {kinds} 之一", kinds=', '.join(UNIT_KINDS)))
    with db.atomic():
        _lock_tree()
        parent = _parent_or_invalid(parent_id)
        if _name_taken(name, parent):
            raise Invalid("name", said("同一上级单位下已有名为“{name}”的单位", name=name))
        unit = Unit.create(name=name, name_ug=name_ug, kind=kind, parent=parent, path="/")
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
        unit.save()
        bus.emit("registry.unit.changed", unit.snapshot())
        audit.record(who, "unit.create", "unit", unit.id, unit.path,
                     N_("上级单位：{parent}").format(parent=parent.name if parent else '无'), unit.name)
    return unit


def update_unit(unit: Unit, name: str | None = None, parent_id: int | None = None,
                move: bool = False, who: Identity | None = None, name_ug: str | None = None) -> Unit:
    """Rename and/or move a unit; a move re-paths its whole subtree, one event per unit."""
    new_ug = _name_ug_or_invalid(name_ug) if name_ug is not None else None
    with db.atomic():
        _lock_tree()
        unit = Unit.get_by_id(unit.id)
        new_parent = _parent_or_invalid(parent_id) if move else unit.parent
        if move and new_parent is not None and new_parent.path.startswith(unit.path):
            raise Invalid("parent_id", "不能把单位移到它自身或它的下级单位之下")
        new_name = name.strip() if name is not None else unit.name
        if not new_name:
            raise Invalid("name", "单位名称不能为空")
        if _name_taken(new_name, new_parent, except_id=unit.id):
            raise Invalid("name", said("同一上级单位下已有名为“{name}”的单位", name=new_name))
        old_path, old_name, old_parent, old_ug = unit.path, unit.name, unit.parent, unit.name_ug
        new_path = f"{new_parent.path if new_parent else '/'}{unit.id}/"
        unit.name, unit.parent, unit.path = new_name, new_parent, new_path
        unit.name_ug = old_ug if new_ug is None else new_ug
        unit.revision += 1
        unit.updated_at = now()
        unit.save()
        bus.emit("registry.unit.changed", unit.snapshot())
        audit.record(who, "unit.update", "unit", unit.id, new_path,
                     _changes(old_name, new_name, old_parent, new_parent, old_ug, unit.name_ug), new_name)
        if new_path != old_path:
            descendants = (Unit.select().where(under(Unit.path, old_path), Unit.id != unit.id)
                           .order_by(Unit.path))
            for child in descendants:
                child.path = new_path + child.path[len(old_path):]
                child.revision += 1
                child.updated_at = now()
                child.save()
                bus.emit("registry.unit.changed", child.snapshot())
            _republish_accounts(new_path)
    return unit


def _changes(old_name: str, new_name: str, old_parent: Unit | None, new_parent: Unit | None,
             old_ug: str = "", new_ug: str = "") -> str:
    changes = [N_("名称：{old} → {new}").format(old=old_name, new=new_name)] if old_name != new_name else []
    if old_ug != new_ug:
        changes.append(N_("维吾尔文名称：{old} → {new}").format(old=old_ug or '无', new=new_ug or '无'))
    if (old_parent and old_parent.id) != (new_parent and new_parent.id):
        changes.append(N_("上级单位：{old} → {new}").format(old=old_parent.name if old_parent else '无',
                                                    new=new_parent.name if new_parent else '无'))
    return "；".join(changes) or "未改变"


def _republish_accounts(path: str) -> None:
    """Accounts carry their unit's path (and their managing unit's, X6): after a move, every account
    of a unit below it, or managed by one, is sent again."""
    moved = Unit.select(Unit.id).where(under(Unit.path, path))
    for account in Account.select().where(Account.unit.in_(moved) | Account.managing_unit.in_(moved)):
        account.revision += 1
        account.save(only=[Account.revision])
        publish(account)
