"""The first administrator of a new installation: the way in before anyone can sign in.
Production has no demo city, and creating units and people needs an administrator's token,
which only sign-in gives; `python -m govmb.cli create-admin` creates the top unit and its
administrator, once, with a password typed at the prompt (or in ADMIN_PASSWORD), never on
the command line."""
from __future__ import annotations

from govmb.errors import Conflict
from services.registry import people, service
from services.registry.models import Person, Unit, db


def first_admin(unit_name: str, unit_kind: str, name: str, username: str, password: str) -> Person:
    """The top unit and its administrator, in one transaction; refused once anyone exists (the
    administrator then creates the rest through the API and the pages)."""
    with db.atomic():
        if Person.select().exists() or Unit.select().exists():
            raise Conflict("已有单位或人员：首位管理员只能在空的登记库中创建，其余人员请由管理员在系统中新增")
        unit = service.create_unit(unit_name, unit_kind, None)
        return people.create_person(unit, name, username, password, ["admin"], "staff", "系统管理员")
