"""The first administrator of a new installation: the way in before anyone can sign in.
Production has no demo city, and creating units and people needs an administrator's token,
which only sign-in gives; `python -m ops.cli create-admin` creates the top unit and its
administrator, once, with a password typed at the prompt (or in ADMIN_PASSWORD), never on
the command line."""
from __future__ import annotations

from govmb.db import transaction_lock
from govmb.domain import Conflict, Invalid
from govmb.messages import in_chinese
from services.registry import people, service
from services.registry.models import Person, Unit, db
from services.registry.schemas import PersonSchema


def first_admin(unit_name: str, unit_kind: str, name: str, username: str, password: str,
                production: bool = False) -> Person:
    """The top unit and its administrator, in one transaction; refused once anyone exists (the
    administrator then creates the rest through the API and the pages)."""
    errors = in_chinese(PersonSchema().validate({"unit_id": 1, "name": name, "username": username,
                                                 "password": password, "roles": ["admin"]}))  # the API's own rules
    if len(unit_name) > 100:
        errors["unit"] = ["单位名称至多 100 个字"]
    if errors:
        raise Invalid(errors)
    with db.atomic():
        transaction_lock(db, "registry-bootstrap")  # two at once: the second waits, then finds the first
        if Person.select().exists() or Unit.select().exists():
            raise Conflict("已有单位或人员：首位管理员只能在空的登记库中创建，其余人员请由管理员在系统中新增")
        unit = service.create_unit(unit_name, unit_kind, None)
        return people.create_person(unit, name, username, password, ["admin"], "staff", "系统管理员",
                                    production=production)
