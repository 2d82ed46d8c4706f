"""The first administrators of a new installation: the way in before anyone can sign in.
Production has no demo city, and creating units and people needs an administrator's token,
which only sign-in gives; `python -m ops.cli create-admin` creates the top unit and its system
administrator, once, then (`--role`) the first security administrator and the first audit
administrator (三员分立: the security administrator grants every later role), each once, with a
password typed at the prompt (or in ADMIN_PASSWORD), never on the command line."""
from __future__ import annotations

from govmb.db import transaction_lock
from govmb.domain import Conflict, Invalid
from govmb.messages import said, translated
from services.registry import people, service
from services.registry.models import Person, Unit, db
from services.registry.people import ADMINISTRATORS
from services.registry.schemas import PersonSchema

TITLES = {"admin": "系统管理员", "security_admin": "安全管理员", "audit_admin": "审计管理员"}


def _checked(name: str, username: str, password: str, role: str) -> dict:
    return translated(PersonSchema().validate({"unit_id": 1, "name": name, "username": username,
                                               "password": password, "roles": [role]}))  # the API's own rules


def first_admin(unit_name: str, unit_kind: str, name: str, username: str, password: str,
                production: bool = False) -> Person:
    """The top unit and its system administrator, in one transaction; refused once anyone exists
    (the administrators then create the rest through the API and the pages)."""
    errors = _checked(name, username, password, "admin")
    if len(unit_name) > 100:
        errors["unit"] = ["单位名称至多 100 个字"]
    if errors:
        raise Invalid(errors)
    with db.atomic():
        transaction_lock(db, "registry-bootstrap")  # two at once: the second waits, then finds the first
        if Person.select().exists() or Unit.select().exists():
            raise Conflict("已有单位或人员：首位管理员只能在空的登记库中创建，其余人员请由管理员在系统中新增")
        unit = service.create_unit(unit_name, unit_kind, None)
        return people.create_person(unit, name, username, password, ["admin"], "staff", TITLES["admin"],
                                    production=production)


def first_of(role: str, name: str, username: str, password: str, production: bool = False) -> Person:
    """The first security or audit administrator, in the top unit, once the system administrator
    exists; refused while someone active holds the role (they grant or hold it from then on)."""
    if role not in ADMINISTRATORS or role == "admin":
        raise Invalid("role", "须为 security_admin（安全管理员）或 audit_admin（审计管理员）")
    if errors := _checked(name, username, password, role):
        raise Invalid(errors)
    with db.atomic():
        transaction_lock(db, "registry-bootstrap")
        top = Unit.select().where(Unit.parent.is_null()).order_by(Unit.id).first()
        if top is None:
            raise Conflict("登记库还是空的：请先创建顶层单位及其系统管理员（不带 --role）")
        holders = Person.select().where(Person.active, (Person.roles == role))
        if holders.exists():
            raise Conflict(said("已有{title}：此后的{title}由安全管理员在系统中授予", title=TITLES[role]))
        return people.create_person(top, name, username, password, [role], "staff", TITLES[role],
                                    production=production)
