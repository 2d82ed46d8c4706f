"""Issue 20: publishing's `publishing.connection.changed` on the account's security record: the
highest revision kept per account and platform (a stale one changes nothing), an expired credential
warned of on the record and told to the account's operators and responsible office once per
revision (a redelivered event tells nobody twice)."""
import pytest

from services.registry.handlers import HANDLERS
from services.registry.models import Notification, PlatformLink, db
from tests.registry.test_closure_orders import active_account, small_city
from tests.system import migrated_app, settings_for

EVENT = "publishing.connection.changed"


def event(aid: int, status: str, revision: int, reason: str = "", platform: str = "sina") -> dict:
    return {"account_id": aid, "platform": platform, "status": status, "reason": reason, "revision": revision,
            "at": "2026-12-06T02:00:00+00:00"}


@pytest.fixture
def registry(tmp_path):
    app = migrated_app("registry", settings_for("registry", f"sqlite:///{tmp_path / 'registry.db'}"))
    with app.app_context():
        city = small_city()
    return app, city


def deliver(app, *payloads):
    with app.app_context():
        for payload in payloads:
            with db.atomic():
                HANDLERS[EVENT](payload, None)


def told(app) -> list[tuple[int, str]]:
    with app.app_context():
        return sorted((n.person_id, n.key) for n in Notification.select().where(Notification.kind == "connection_expired"))


def test_an_expired_credential_warns_on_the_record_and_tells_the_team_once_per_revision(registry):
    app, city = registry
    client = app.test_client()
    aid = active_account(client, city)
    deliver(app, event(aid, "connected", 1))
    assert told(app) == []
    shown = client.get(f"/api/accounts/{aid}", headers=city["dept_operator"]).json["connections"]
    assert [(c["platform"], c["status"], c["warning"]) for c in shown] == [("sina", "connected", "")]
    deliver(app, event(aid, "expired", 2, "expired_token (21327)"), event(aid, "expired", 2, "expired_token (21327)"))
    keys = told(app)
    people = {city["ids"]["dept_operator"], city["ids"]["dept_office"]}
    assert {p for p, _ in keys} == people and len(keys) == 2  # the operator and the responsible office, once
    assert keys[0][1] == f"registry:connection_expired:{aid}:sina:2"
    with app.app_context():
        n = Notification.get(Notification.person == city["ids"]["dept_operator"])
        assert (n.link_kind, n.link_id, n.urgent) == ("account_security", aid, True) and "新浪网" in n.title
    shown = client.get(f"/api/accounts/{aid}", headers=city["dept_operator"]).json["connections"]
    assert shown[0]["warning"] == "平台接口凭据已失效：新浪网，expired_token (21327)"
    deliver(app, event(aid, "connected", 1))  # late: the older revision changes nothing
    with app.app_context():
        assert PlatformLink.get().status == "expired" and PlatformLink.get().revision == 2
    deliver(app, event(aid, "connected", 3), event(aid, "expired", 4, "invalid_access_token"))
    assert len(told(app)) == 4  # a new expiry after a reconnection: told again
    deliver(app, event(aid, "disabled", 5))
    shown = client.get(f"/api/accounts/{aid}", headers=city["dept_operator"]).json["connections"]
    assert (shown[0]["status"], shown[0]["warning"]) == ("disabled", "")


def test_an_unknown_account_is_ignored(registry):
    app, _ = registry
    deliver(app, event(999, "expired", 1, "x"))
    with app.app_context():
        assert PlatformLink.select().count() == 0
