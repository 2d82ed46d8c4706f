import peewee
import pytest

from govmb.bus.store import BusStore, create_bus_tables_v1
from govmb.contracts import CATALOGUE, SUBSCRIPTIONS, ContractError, NewerVersion, load_incoming, validate_outgoing

UNIT = {"id": 3, "name": "东湖区", "kind": "district", "parent_id": 1, "path": "/1/3/", "revision": 2, "name_ug": ""}


def test_a_valid_payload_passes_unchanged():
    assert validate_outgoing("registry.unit.changed", UNIT) == UNIT
    named = {**UNIT, "name_ug": "دۇڭخۇ رايونى"}
    assert validate_outgoing("registry.unit.changed", named) == named


def test_a_field_added_within_a_version_is_optional_with_its_default():
    # issue 21: name_ug came after version 1; a message written before it (a replay, a producer not
    # yet upgraded) still passes, read as a unit without a Uyghur name
    older = {k: v for k, v in UNIT.items() if k != "name_ug"}
    assert validate_outgoing("registry.unit.changed", older) == UNIT
    assert load_incoming("registry.unit.changed", 1, older) == UNIT


@pytest.mark.parametrize("field,value,problem", [
    ("kind", "village", "须为以下之一"),  # marshmallow's messages, in the catalogued Chinese (govmb.messages)
    ("path", "1/3", "格式不正确"),
    ("revision", 0, "不能小于 1"),
    ("name", "", "长度须在 1 至 100 之间"),
    ("name_ug", "ئا" * 51, "长度不能超过 100"),
])
def test_a_broken_payload_is_refused_naming_the_field(field, value, problem):
    with pytest.raises(ContractError) as exc:
        validate_outgoing("registry.unit.changed", {**UNIT, field: value})
    assert list(exc.value.messages) == [field]
    assert problem in exc.value.messages[field][0]


def test_an_unknown_field_is_refused_at_the_producer():
    with pytest.raises(ContractError) as exc:
        validate_outgoing("registry.unit.changed", {**UNIT, "secret": "x"})
    assert "secret" in exc.value.messages


def test_the_producer_refuses_before_anything_reaches_the_outbox():
    db = peewee.SqliteDatabase(":memory:")
    store = BusStore(db, "registry")
    create_bus_tables_v1(db)
    with pytest.raises(ContractError):
        with db.atomic():
            store.emit("registry.unit.changed", {**UNIT, "parent_id": "one"})
    assert store.backlog() == 0


def test_emit_outside_a_transaction_is_a_programming_error():
    db = peewee.SqliteDatabase(":memory:")
    store = BusStore(db, "registry")
    create_bus_tables_v1(db)
    with pytest.raises(RuntimeError, match="inside the transaction"):
        store.emit("registry.unit.changed", UNIT)


def test_a_newer_version_is_refused_not_dropped():
    with pytest.raises(NewerVersion):
        load_incoming("registry.unit.changed", 2, UNIT)


def test_a_consumer_ignores_fields_it_does_not_know_of_its_own_version():
    assert load_incoming("registry.unit.changed", 1, {**UNIT, "later": 1}) == UNIT


def test_every_subscription_names_a_known_event_and_every_event_has_a_consumer():
    subscribed = {t for types in SUBSCRIPTIONS.values() for t in types}
    assert subscribed <= set(CATALOGUE) | {"test.tick"}
    assert {t for t in CATALOGUE if t != "test.tick"} <= subscribed, "an event nobody consumes would be unroutable"


def test_every_service_handles_exactly_what_it_subscribes_to():
    import importlib
    for service, types in SUBSCRIPTIONS.items():
        handlers = importlib.import_module(f"services.{service}.handlers").HANDLERS
        assert set(handlers) == set(types), service
