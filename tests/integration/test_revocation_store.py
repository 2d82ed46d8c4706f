"""Issue 15: a sign-out reaches every process. With REVOCATION_STORE_URI=redis://…, a session
ended in one process (the registry) is refused in another (an inquiry process) at once; with
each process's own memory it would not be, which is why production requires Redis. A store that
cannot be reached refuses the request (503), never lets an ended session through."""
import subprocess
import sys
from dataclasses import replace

import pytest

from govmb.revocation import RedisRevocations, StoreUnavailable
from tests import infra
from tests.conftest import token
from tests.integration.test_shared_limits import redis_url  # noqa: F401 (a private redis-server)
from tests.keys import ENV
from tests.system import migrated_app, settings_for

pytestmark = pytest.mark.integration

OTHER_PROCESS = """
import sys
from dataclasses import replace
from tests.system import migrated_app, settings_for
settings = replace(settings_for("inquiry", sys.argv[1]), revocation_store_uri=sys.argv[2])
client = migrated_app("inquiry", settings).test_client()
print(client.get("/api/messages", headers={"Authorization": "Bearer " + sys.argv[3]}).status_code)
"""


def in_another_process(database: str, store: str, bearer: str) -> int:
    out = subprocess.run([sys.executable, "-c", OTHER_PROCESS, database, store, bearer], capture_output=True,
                         text=True, check=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ".", **ENV})
    return int(out.stdout.split()[-1])


@pytest.mark.parametrize("shared", [True, False])
def test_a_sign_out_in_one_process_is_refused_in_another_only_with_a_shared_store(redis_url, tmp_path, shared):  # noqa: F811
    store = redis_url if shared else "memory://"
    settings = replace(settings_for("registry", f"sqlite:///{tmp_path / 'registry.db'}"), revocation_store_uri=store)
    registry = migrated_app("registry", settings)
    with registry.app_context():
        from services.registry import service, sessions
        from services.registry.models import Person
        from tests.registry.conftest import _HASH
        unit = service.create_unit("南昌市", "region", None)
        person = Person.create(unit=unit, name="甲", username="jia", password_hash=_HASH, roles="operator")
        session, _ = sessions.open_session(Person.get_by_id(person.id), settings)
        bearer = sessions.token_of(Person.get_by_id(person.id), session, settings)
    inquiry_db = f"sqlite:///{tmp_path / 'inquiry.db'}"
    assert in_another_process(inquiry_db, store, bearer) == 200
    client = registry.test_client()
    assert client.post("/api/auth/sign-out", headers={"Authorization": f"Bearer {bearer}"}).json == {"ended": 1}
    assert in_another_process(inquiry_db, store, bearer) == (401 if shared else 200)


def test_a_revocation_is_seen_by_another_connection_and_forgotten_after_its_time(redis_url):  # noqa: F811
    one, other = RedisRevocations(redis_url), RedisRevocations(redis_url)
    one.revoke("session:abc", 300)
    assert other.revoked("session:abc") and not other.revoked("session:abd")
    assert 290 < one._redis.ttl(RedisRevocations.PREFIX + "session:abc") <= 300  # kept as long as a token lives


def test_an_unreachable_store_refuses_the_request_with_503(tmp_path):
    nowhere = f"redis://127.0.0.1:{infra.free_port()}/0"
    with pytest.raises(StoreUnavailable):
        RedisRevocations(nowhere).revoked("session:x")
    settings = replace(settings_for("inquiry", f"sqlite:///{tmp_path / 'inquiry.db'}"), revocation_store_uri=nowhere)
    client = migrated_app("inquiry", settings).test_client()
    r = client.get("/api/messages", headers={"Authorization": f"Bearer {token(1, '/1/', 'operator')}"})
    assert r.status_code == 503 and "登录状态暂时无法核验" in r.json["detail"] and r.headers["Retry-After"] == "5"
