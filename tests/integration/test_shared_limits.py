"""Sign-in limits counted across processes: with RATELIMIT_STORAGE_URI=redis://…, two registry
processes (two gunicorn workers, two containers) share one count per name, so the limit of
five a minute is five, not five per process. A private redis-server of the test's own."""
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from tests import infra

pytestmark = pytest.mark.integration

ATTEMPTS = """
import sys
from tests.system import migrated_app, settings_for
client = migrated_app("registry", settings_for("registry", sys.argv[1])).test_client()
for _ in range(3):
    r = client.post("/api/auth/sign-in", json={"username": sys.argv[2], "password": "not-the-password"})
    print(r.status_code)
"""


@pytest.fixture
def redis_url(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("needs Debian's redis-server for a private server")
    port = infra.free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)


def attempts(storage: str, database: str, username: str) -> list[int]:
    out = subprocess.run([sys.executable, "-c", ATTEMPTS, database, username], capture_output=True, text=True,
                         check=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ".", "RATELIMIT_STORAGE_URI": storage,
                                          "SIGNIN_LIMIT_PER_USER": "5/minute"})
    return [int(line) for line in out.stdout.split()]


@pytest.mark.parametrize("shared", [True, False])
def test_two_processes_share_one_count_per_name_only_with_a_shared_store(redis_url, tmp_path, shared):
    database, name = f"sqlite:///{tmp_path / 'registry.db'}", f"nobody{uuid.uuid4().hex[:8]}"
    storage = redis_url if shared else "memory://"
    first, second = attempts(storage, database, name), attempts(storage, database, name)
    assert first == [401, 401, 401]
    # after three failures the name takes a captcha (the database says so to both processes); shared:
    # the sixth try of the minute is refused, in whichever process it comes; per process, never
    assert second == ([422, 422, 429] if shared else [422, 422, 422])
