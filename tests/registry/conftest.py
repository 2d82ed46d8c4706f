"""A small city for the registry's tests: people with every role in a department, its
district, another district, and the joint-meeting office."""
from dataclasses import dataclass

import pytest

from services.registry import service
from services.registry.models import Person, bus
from services.registry.people import hash_password
from tests.conftest import auth
from tests.system import migrated_app, settings_for

PASSWORD = "correct-horse-1"
_HASH = hash_password(PASSWORD)


@dataclass
class City:
    units: dict
    people: dict

    def headers(self, username: str) -> dict:
        p = self.people[username]
        return auth(p.unit_id, p.unit.path, *sorted(p.role_set), person=p.id)


@pytest.fixture
def app(tmp_path):
    return migrated_app("registry", settings_for("registry", f"sqlite:///{tmp_path / 'registry.db'}"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def city(app):
    with app.app_context():
        u = {}
        u["city"] = service.create_unit("南昌市", "region", None)
        u["office"] = service.create_unit("南昌市人民政府新闻办公室", "office", u["city"].id)
        u["east"] = service.create_unit("东湖区", "district", u["city"].id)
        u["dept"] = service.create_unit("东湖区教育体育局", "department", u["east"].id)
        u["west"] = service.create_unit("西湖区", "district", u["city"].id)

        def person(unit, username, roles, rank="staff", name=None):
            return Person.create(unit=u[unit], name=name or username, username=username, password_hash=_HASH,
                                 roles=roles, rank=rank)

        p = {}
        for role, rank in (("operator", "staff"), ("responsible_office", "section"), ("leader", "section"),
                           ("principal_leader", "section")):
            p[f"dept_{role}"] = person("dept", f"dept_{role}", role, rank)
        p["east_leader"] = person("east", "east_leader", "leader", "county")
        p["east_principal"] = person("east", "east_principal", "principal_leader", "county")
        p["east_operator"] = person("east", "east_operator", "operator")
        p["west_leader"] = person("west", "west_leader", "leader", "county")
        p["west_operator"] = person("west", "west_operator", "operator")
        p["office"] = person("office", "office", "joint_office", "section")
        p["admin"] = person("city", "admin", "admin")  # 三员: one role each
        p["security"] = person("city", "security", "security_admin")
        p["auditor"] = person("city", "auditor", "audit_admin")
        p = {k: Person.get_by_id(v.id) for k, v in p.items()}
        return City(u, p)


def team(city, prefix="dept"):
    return [{"person_id": city.people[f"{prefix}_leader"].id, "role": "leader_in_charge"},
            {"person_id": city.people[f"{prefix}_responsible_office"].id, "role": "responsible_office"},
            {"person_id": city.people[f"{prefix}_operator"].id, "role": "operator"}]


def application(city, **overrides):
    return {"name": "东湖教育", "kind": "institutional", "category": "livelihood", "platforms": ["sina", "tencent"],
            "positioning": "发布教育政策与服务信息", "rules": "先审后发", "mechanism": "三审三校，24小时值班",
            "team": team(city), **overrides}


def events():
    return [r.event_type for r in bus.Outbox.select().order_by(bus.Outbox.id)]
