"""The platforms' credentials are sealed at rest with the personal data key (govmb.personal): the
column never holds them in clear, a connection opens them only for a call, and a key rotation
seals them again (`ops.cli reseal`)."""
import json

from govmb import personal
from ops.cli import main as cli
from services.publishing import connections
from services.publishing.models import PlatformConnection
from tests.keys import PERSONAL
from tests.system import beside

SECRET = {"access_token": "2.00ABCdefSecretToken"}


def connect(account_id: int = 1) -> PlatformConnection:
    return PlatformConnection.create(account_id=account_id, unit_id=1, unit_path="/1/", platform="sina",
                                     account_uid="5000000001", credentials=json.dumps(SECRET), connected_by="测试")


def stored(row: PlatformConnection) -> str:
    return PlatformConnection.select(PlatformConnection.credentials).where(
        PlatformConnection.id == row.id).tuples().get()[0].token  # the column as kept


def test_credentials_are_sealed_in_their_column_and_open_for_a_call_only(app):
    with app.app_context():
        row = connect()
        raw = stored(row)
        assert raw.startswith("pd1.") and "SecretToken" not in raw
        connection = connections.connection_of(PlatformConnection.get_by_id(row.id))
        assert connection.credentials == SECRET and "SecretToken" not in repr(connection)


def test_a_key_rotation_seals_the_credentials_again(app, tmp_path, monkeypatch):
    with app.app_context():
        row = connect()
    rotated = PERSONAL.rotated()
    (tmp_path / "rotated.keys").write_bytes(rotated.text())
    monkeypatch.setenv("PERSONAL_DATA_KEY_FILE", str(tmp_path / "rotated.keys"))
    monkeypatch.setenv("PUBLISHING_DATABASE_URL", app.config["GOVMB_SETTINGS"].database_url)
    beside(monkeypatch, tmp_path, "registry", "inquiry")
    with personal.using(rotated):
        assert cli(["reseal", "--page", "1"]) == 0
    with personal.using(rotated.retired()), app.app_context():  # the old key gone: it still opens
        row = PlatformConnection.get_by_id(row.id)
        assert personal.kid_of(stored(row)) == rotated.current
        assert connections.connection_of(row).credentials == SECRET
        assert connections.key_use() == {rotated.current: 1}


def test_a_refusal_met_with_old_credentials_does_not_expire_the_new_ones(app):
    with app.app_context():
        old = connect()  # a worker's call began with these
        PlatformConnection.update(credentials=json.dumps({"access_token": "new"}),
                                  revision=PlatformConnection.revision + 1).execute()  # replaced meanwhile
        assert connections.expired(old, "21327 expired_token") is False
        assert PlatformConnection.get_by_id(old.id).status == "connected"
        assert connections.expired(PlatformConnection.get_by_id(old.id), "21327 expired_token") is True
