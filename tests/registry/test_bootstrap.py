"""The first administrator of a new installation (`python -m ops.cli create-admin`): the top
unit and its administrator in an empty registry, once; the password never on the command line."""
import pytest

from ops.cli import main
from tests.system import migrated_app, settings_for


@pytest.fixture
def registry_env(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    monkeypatch.setenv("REGISTRY_DATABASE_URL", url)
    for var in ("GOVMB_MODE", "AMQP_URL", "DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    return url


def sign_in(url: str, username: str, password: str):
    client = migrated_app("registry", settings_for("registry", url)).test_client()
    return client.post("/api/auth/sign-in", json={"username": username, "password": password})


def test_the_first_administrator_signs_in_and_a_second_is_refused(registry_env, monkeypatch, capsys):
    monkeypatch.setenv("ADMIN_PASSWORD", "Xk9-first-admin")
    assert main(["create-admin", "--unit", "南昌市", "--username", "root"]) == 0
    assert "root" in capsys.readouterr().out
    r = sign_in(registry_env, "root", "Xk9-first-admin")
    assert r.status_code == 200 and r.json["person"]["roles"] == ["admin"] and r.json["person"]["unit_name"] == "南昌市"
    assert sign_in(registry_env, "root", "wrong-password").status_code == 401
    monkeypatch.setenv("ADMIN_PASSWORD", "Another-admin-9")
    assert main(["create-admin", "--unit", "九江市", "--username", "root2"]) == 2
    assert "首位管理员只能在空的登记库中创建" in capsys.readouterr().err
    assert sign_in(registry_env, "root2", "Another-admin-9").status_code == 401


def test_a_bad_first_administrator_is_refused_naming_the_field_and_leaves_nothing(registry_env, monkeypatch, capsys):
    monkeypatch.setenv("ADMIN_PASSWORD", "short")
    assert main(["create-admin", "--unit", "南昌市"]) == 2
    assert "password: 长度须在 8 至 200 之间" in capsys.readouterr().err
    monkeypatch.setenv("ADMIN_PASSWORD", "Long-enough-1")
    assert main(["create-admin", "--unit", "南昌市", "--kind", "planet"]) == 2
    assert "kind" in capsys.readouterr().err
    assert main(["create-admin", "--unit", "南昌市", "--username", "两个 字"]) == 2
    assert "username" in capsys.readouterr().err
    assert main(["create-admin", "--unit", "市" * 101]) == 2
    assert "unit: 单位名称至多 100 个字" in capsys.readouterr().err
    assert main(["create-admin", "--unit", "南昌市"]) == 0  # nothing was left behind by the refusals


def test_the_first_security_and_audit_administrators_come_after_the_system_administrator_once_each(
        registry_env, monkeypatch, capsys):
    monkeypatch.setenv("ADMIN_PASSWORD", "Xk9-first-admin")
    assert main(["create-admin", "--role", "security_admin"]) == 2  # the registry is empty: no top unit yet
    assert "请先创建顶层单位及其系统管理员" in capsys.readouterr().err
    assert main(["create-admin", "--role", "audit_admin", "--unit", "南昌市"]) == 2  # --unit only with the first
    assert main(["create-admin", "--unit", "南昌市", "--username", "root"]) == 0
    for role, username in (("security_admin", "anquan"), ("audit_admin", "shenji")):
        monkeypatch.setenv("ADMIN_PASSWORD", f"Xk9-{role}-first")
        assert main(["create-admin", "--role", role]) == 0
        body = sign_in(registry_env, username, f"Xk9-{role}-first").json
        assert body["person"]["roles"] == [role] and body["person"]["unit_name"] == "南昌市"
        assert main(["create-admin", "--role", role, "--username", f"{username}2"]) == 2  # once: then granted
        assert "由安全管理员在系统中授予" in capsys.readouterr().err
        assert sign_in(registry_env, f"{username}2", f"Xk9-{role}-first").status_code == 401
