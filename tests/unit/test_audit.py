"""The audit trail's own rules on SQLite: the database refuses to change or delete a row in
every service; a row is written only inside a transaction; the filters count days in Beijing
time."""
import datetime as dt
import importlib

import peewee
import pytest
from marshmallow import ValidationError

from govmb.audit import ACTIONS, FAMILIES, actions_of
from govmb.audit_api import AuditQuerySchema, query
from govmb.auth import Identity
from tests.system import SERVICES, migrated_app, settings_for

OFFICE = Identity(30, "赵磊", 2, "/1/2/", frozenset({"joint_office"}))


def trail_of(service: str, directory):
    """The service migrated on a SQLite file, its trail, and its unit copy holding two units."""
    app = migrated_app(service, settings_for(service, f"sqlite:///{directory / f'{service}.db'}"))
    models = importlib.import_module(f"services.{service}.models")
    with models.db.atomic():
        for uid, name, path in ((2, "联席会议办公室", "/1/2/"), (4, "东湖区民政局", "/1/3/4/")):
            if service == "registry":
                models.Unit.insert(id=uid, name=name, kind="office", path=path).execute()
            else:
                models.Unit.insert(id=uid, name=name, kind="office", path=path, revision=1).execute()
    return app, models.audit


def assert_append_only(trail, *more_sql: str) -> None:
    """Every way to change or delete the trail's rows is refused, and the rows stay as they were."""
    before = [r.__data__ for r in trail.Entry.select()]
    attempts = [lambda: trail.Entry.update(detail="改过").execute(),
                lambda: trail.Entry.delete().where(trail.Entry.id > 0).execute(),
                *(lambda sql=sql: trail.db.execute_sql(sql) for sql in (
                    "UPDATE audit_entry SET actor_name = '别人'", "DELETE FROM audit_entry WHERE id = 1", *more_sql))]
    for attempt in attempts:
        with pytest.raises(peewee.DatabaseError, match="never changed or deleted"):
            with trail.db.atomic():
                attempt()
    assert [r.__data__ for r in trail.Entry.select()] == before


def first_action(service: str) -> str:
    return next(iter(actions_of(service)))


@pytest.mark.parametrize("service", SERVICES)
def test_the_database_refuses_to_change_or_delete_a_row_in_every_service(service, tmp_path):
    _app, trail = trail_of(service, tmp_path)
    action = first_action(service)
    with trail.db.atomic():
        trail.record(OFFICE, action, "unit", 4, "/1/3/4/", "初次记录", "东湖区民政局")
    row = trail.Entry.get()
    assert (row.actor_name, row.actor_unit_name, row.actor_roles, row.unit_name) == (
        "赵磊", "联席会议办公室", "joint_office", "东湖区民政局")
    assert_append_only(trail)
    assert [(r.detail, r.actor_name) for r in trail.Entry.select()] == [("初次记录", "赵磊")]


def test_a_row_is_written_only_inside_the_change_s_transaction(tmp_path):
    _app, trail = trail_of("assessment", tmp_path)
    with pytest.raises(RuntimeError, match="inside the transaction"):
        trail.record(OFFICE, "duty_shift.delete", "duty_shift", 1, "/1/3/4/")
    with pytest.raises(ValueError):
        with trail.db.atomic():
            trail.record(OFFICE, "duty_shift.burn", "duty_shift", 1, "/1/3/4/")
    with pytest.raises(peewee.OperationalError):  # the change fails after its row: both roll back
        with trail.db.atomic():
            trail.record(OFFICE, "duty_shift.delete", "duty_shift", 1, "/1/3/4/")
            raise peewee.OperationalError("the change failed")
    assert trail.Entry.select().count() == 0
    with trail.db.atomic():
        trail.record(None, "duty_shift.delete", "duty_shift", 1, "/1/3/4/", "x" * 2000)
    row = trail.Entry.get()
    assert (row.actor_id, row.actor_name, len(row.detail)) == (0, "系统", 500)  # no one signed in: the system


def test_days_are_beijing_days(tmp_path):
    _app, trail = trail_of("inquiry", tmp_path)
    # 2026-10-01 23:59 and 2026-10-02 00:00 in Beijing, stored in UTC
    for at in (dt.datetime(2026, 10, 1, 15, 59), dt.datetime(2026, 10, 1, 16, 0)):
        trail.Entry.insert(at=at, actor_id=30, actor_name="赵磊", actor_unit_id=2, action="transfer.send",
                           subject_type="transfer", subject_id="1", unit_path="/1/3/4/").execute()

    def days(**asked) -> list[dt.datetime]:
        return [e.at for e in query(trail, AuditQuerySchema().load(asked), OFFICE)]
    assert days(**{"from": "2026-10-02"}) == [dt.datetime(2026, 10, 1, 16, 0)]
    assert days(to="2026-10-01") == [dt.datetime(2026, 10, 1, 15, 59)]
    assert len(days(**{"from": "2026-10-01", "to": "2026-10-02"})) == 2
    assert days(unit_id=4, person_id=30) == [dt.datetime(2026, 10, 1, 16, 0), dt.datetime(2026, 10, 1, 15, 59)]
    county = Identity(5, "西湖区", 5, "/1/5/", frozenset({"leader"}))
    assert [e.id for e in query(trail, {}, county)] == []  # out of a unit's sight, were one ever let in


@pytest.mark.parametrize("query,field", [({"from": "2026-10-02", "to": "2026-10-01"}, "to"),
                                         ({"subject_id": "3"}, "subject_type"),
                                         ({"action": "draft.burn"}, "action")])
def test_inconsistent_filters_name_their_field(query, field):
    with pytest.raises(ValidationError) as refused:
        AuditQuerySchema().load(query)
    assert field in refused.value.messages


def test_every_action_belongs_to_one_service_and_has_a_chinese_label():
    """Except the export of a trail, which each service records of its own."""
    owners = {a: [s for s, families in FAMILIES.items() if a.split(".")[0] in families] for a in ACTIONS}
    assert all(len(services) == 1 for a, services in owners.items() if a != "audit.export"), owners
    assert owners["audit.export"] == list(SERVICES)
    assert sum(len(actions_of(s)) for s in SERVICES) == len(ACTIONS) + len(SERVICES) - 1
    assert all(any("\u4e00" <= c <= "\u9fff" for c in label) for label in ACTIONS.values())


def test_a_detail_said_in_the_readers_language_is_stored_in_the_records(tmp_path):
    """Issue 21: a Uyghur reader's request writes the same audit row as a Chinese reader's: a message
    said in Uyghur (and a message inside it) is stored in Chinese, the trail's one language."""
    from govmb.locales import speaking
    from govmb.messages import Catalogued, said
    _app, trail = trail_of("publishing", tmp_path)
    with speaking("ug"):
        detail = said("含{what}：如非公开的工作电话，请删除（个人信息）", what=Catalogued("手机号码"))
        assert detail.startswith("تەركىبىدە") and "يانفون" in detail  # what the reader reads
        with trail.db.atomic():
            trail.record(OFFICE, first_action("publishing"), "unit", 4, "/1/3/4/", detail, "东湖区民政局")
    assert trail.Entry.get().detail == "含手机号码：如非公开的工作电话，请删除（个人信息）"
