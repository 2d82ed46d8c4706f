import re

import pytest

from govmb.config import ConfigError, Settings, read_options

KEY_VARS = ("TOKEN_SIGNING_KEY_FILE", "TOKEN_PUBLIC_KEYS_FILE", "WEB_COOKIE_SECRET", "WEB_CLIENT_SECRET")


def test_the_embedded_default_needs_no_environment_and_makes_its_keys_once(monkeypatch, tmp_path):
    for var in ("GOVMB_MODE", "DATABASE_URL", "AMQP_URL", "REGISTRY_DATABASE_URL", *KEY_VARS):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GOVMB_DATA_DIR", str(tmp_path))
    s = Settings.from_env("registry")
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("registry.db")
    assert s.amqp_url is None and s.keys.signing is not None and list(s.keys.public) == [s.keys.signing_kid]
    made = tmp_path / "keys" / "token-signing.pem"
    assert made.stat().st_mode & 0o777 == 0o600 and (tmp_path / "keys").stat().st_mode & 0o777 == 0o700
    again, web = Settings.from_env("registry"), Settings.from_env("web")
    assert again.keys.signing_kid == s.keys.signing_kid  # kept, not made anew
    assert web.keys.signing is None and set(web.keys.public) == {s.keys.signing_kid}  # the web verifies only
    assert len(web.cookie_secret) >= 32 and web.web_client_secret == again.web_client_secret
    assert web.cookie_secret != web.web_client_secret
    assert (tmp_path / "keys" / "web-cookie-secret").stat().st_mode & 0o777 == 0o600


def test_a_service_database_url_wins_over_the_shared_one(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://h/shared")
    monkeypatch.setenv("INQUIRY_DATABASE_URL", "postgresql://h/inquiry")
    assert Settings.from_env("inquiry").database_url == "postgresql://h/inquiry"
    assert Settings.from_env("registry").database_url == "postgresql://h/shared"


@pytest.mark.parametrize("unset,problem", [
    ("TOKEN_PUBLIC_KEYS_FILE", "TOKEN_PUBLIC_KEYS_FILE"),
    ("TOKEN_SIGNING_KEY_FILE", "TOKEN_SIGNING_KEY_FILE"),
    ("WEB_CLIENT_SECRET", "WEB_CLIENT_SECRET"),
    ("DATABASE_URL", "PostgreSQL"),
    ("AMQP_URL", "AMQP_URL"),
    ("REVOCATION_STORE_URI", "REVOCATION_STORE_URI"),
    ("METRICS_TOKEN", "METRICS_TOKEN"),
])
def test_production_mode_refuses_defaults(monkeypatch, unset, problem):
    monkeypatch.delenv("REGISTRY_DATABASE_URL", raising=False)
    monkeypatch.setenv("GOVMB_MODE", "production")
    monkeypatch.setenv("REVOCATION_STORE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("METRICS_TOKEN", "m" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://h/db")
    monkeypatch.setenv("AMQP_URL", "amqp://govmb:" + "r" * 32 + "@h")
    monkeypatch.delenv(unset)
    with pytest.raises(ConfigError, match=problem):
        Settings.from_env("registry")


def test_production_mode_refuses_the_fault_tests_failpoints(monkeypatch):
    monkeypatch.setenv("GOVMB_FAILPOINTS", "inbox.no_dedupe")
    assert "inbox.no_dedupe" in read_options().failpoints  # the fault run's own processes, not in production
    monkeypatch.setenv("GOVMB_MODE", "production")
    with pytest.raises(ConfigError, match="GOVMB_FAILPOINTS"):
        read_options()


def test_production_mode_starts_with_real_settings_and_only_the_registry_signs(monkeypatch):
    monkeypatch.setenv("GOVMB_MODE", "production")
    monkeypatch.setenv("REVOCATION_STORE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("METRICS_TOKEN", "m" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://h/db")
    monkeypatch.setenv("AMQP_URL", "amqp://govmb:" + "r" * 32 + "@h")
    registry = Settings.from_env("registry")
    assert registry.production and registry.keys.signing is not None
    for service in ("publishing", "inquiry", "assessment", "web"):
        assert Settings.from_env(service).keys.signing is None, service
    monkeypatch.delenv("TOKEN_SIGNING_KEY_FILE")  # what the others are given: the public keys only
    assert Settings.from_env("inquiry").keys.public == registry.keys.public
    assert registry.second_factor_roles == {"admin", "security_admin", "audit_admin", "joint_office", "supervision"}


@pytest.mark.parametrize("roles, problem", [
    ("none", "admin, audit_admin, joint_office, security_admin, supervision"),
    ("admin,security_admin,audit_admin,joint_office", "supervision"),
    ("admin,boss", "unknown roles boss"),
])
def test_production_mode_needs_the_second_factor_of_the_administrators_the_office_and_supervision(
        monkeypatch, roles, problem):
    monkeypatch.setenv("GOVMB_MODE", "production")
    monkeypatch.setenv("REVOCATION_STORE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("METRICS_TOKEN", "m" * 40)
    monkeypatch.setenv("SECOND_FACTOR_ROLES", roles)
    with pytest.raises(ConfigError, match=re.escape(problem)):
        Settings.from_env("web")
    monkeypatch.setenv("SECOND_FACTOR_ROLES", "admin,security_admin,audit_admin,joint_office,supervision,leader")
    assert "leader" in Settings.from_env("web").second_factor_roles  # more may be asked, never fewer


@pytest.mark.parametrize("value", [None, "short"])
def test_the_web_app_in_production_needs_its_own_cookie_secret(monkeypatch, value):
    for var in ("DATABASE_URL", "AMQP_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GOVMB_MODE", "production")
    monkeypatch.setenv("REVOCATION_STORE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("METRICS_TOKEN", "m" * 40)
    assert Settings.from_env("web").production
    if value:
        monkeypatch.setenv("WEB_COOKIE_SECRET", value)
    else:
        monkeypatch.delenv("WEB_COOKIE_SECRET")
    with pytest.raises(ConfigError, match="WEB_COOKIE_SECRET"):
        Settings.from_env("web")


def test_a_key_file_that_is_not_a_key_is_refused_by_name(monkeypatch, tmp_path):
    (tmp_path / "public.pem").write_text("not a key")
    monkeypatch.setenv("TOKEN_PUBLIC_KEYS_FILE", str(tmp_path / "public.pem"))
    with pytest.raises(ConfigError, match="holds no public key"):
        Settings.from_env("inquiry")
    monkeypatch.setenv("TOKEN_PUBLIC_KEYS_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(ConfigError, match="cannot be read"):
        Settings.from_env("inquiry")


def test_media_urls_are_sorted_by_kind():
    from web.views.drafts import media_of
    assert media_of("https://a.cn/p.JPG\n\nhttps://a.cn/v.mp4?x=1\nhttps://gov.cn/page") == [
        {"kind": "picture", "url": "https://a.cn/p.JPG"}, {"kind": "video", "url": "https://a.cn/v.mp4?x=1"},
        {"kind": "link", "url": "https://gov.cn/page"}]


def test_highlighting_cuts_the_text_at_each_finding():
    from web.views.drafts import highlight
    text = "网传示威，身份证11010519491231002X。"
    pieces = highlight(text, [{"start": 2, "end": 4, "severity": "warn"}, {"start": 8, "end": 26, "severity": "block"},
                              {"start": 3, "end": 5, "severity": "warn"}, {"start": None, "end": None}])
    assert "".join(p for p, _ in pieces) == text
    assert [(p, f["severity"]) for p, f in pieces if f] == [("示威", "warn"), ("11010519491231002X", "block")]


def test_form_numbers_refuse_what_is_not_a_plain_number():
    from web.views.forms import as_int
    assert [as_int(v) for v in ("12", " 7 ", "²", "１２", "9" * 5000, "", None, "-1")] == [12, 7, None, None, None, None, None, None]


@pytest.mark.parametrize("variable,value,said", [
    ("SWEEP_INTERVAL_SECONDS", "soon", "whole number"),
    ("KEPT_FIGURES_INTERVAL_SECONDS", "0", "at least 1"),
    ("GOVMB_PLATFORM_LIMITS", "sina:many", "GOVMB_PLATFORM_LIMITS (sina)"),
    ("GOVMB_PLATFORMS", "xinhua", "code:value"),
    ("GOVMB_PLATFORM_ADAPTERS", "sina:adapters", "module:Class"),
    ("SIGNIN_LIMIT_PER_ADDRESS", "lots", "rate limit"),
    ("PORT", "http", "whole number"),
    ("LOG_LEVEL", "LOUD", "one of DEBUG"),
])
def test_a_value_the_system_cannot_use_is_refused_at_start_naming_its_variable(monkeypatch, tmp_path, variable, value,
                                                                                said):
    from govmb.config import load
    from tests.system import migrated_app, settings_for
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=re.escape(variable.split()[0])) as refused:
        load()
    assert said in str(refused.value)
    with pytest.raises(ConfigError):  # a service does not start with it
        migrated_app("publishing", settings_for("publishing", f"sqlite:///{tmp_path / 'p.db'}"))


def test_the_environment_is_read_in_one_place(monkeypatch):
    from govmb.config import load, options
    monkeypatch.setenv("GOVMB_PLATFORMS", "weibo:新浪微博,wechat:微信公众号")
    monkeypatch.setenv("HOT_TOPICS_INTERVAL_SECONDS", "90")
    assert options().platforms != {"weibo": "新浪微博", "wechat": "微信公众号"}  # read when the process started
    load()
    assert options().platforms == {"weibo": "新浪微博", "wechat": "微信公众号"}
    assert options().job_intervals["HOT_TOPICS_INTERVAL_SECONDS"] == 90
    from govmb.platforms import platforms
    from services.inquiry.app import SPEC
    assert platforms() == {"weibo": "新浪微博", "wechat": "微信公众号"}
    assert dict((name, seconds) for name, seconds, _job in SPEC.periodic())["hot topics"] == 90


def test_a_client_token_lifetime_that_is_not_a_positive_whole_number_is_refused(monkeypatch):
    monkeypatch.setenv("CLIENT_TOKEN_TTL_SECONDS", "0")
    with pytest.raises(ConfigError, match="CLIENT_TOKEN_TTL_SECONDS must be at least 1"):
        Settings.from_env("registry")
    monkeypatch.setenv("CLIENT_TOKEN_TTL_SECONDS", "15m")
    with pytest.raises(ConfigError, match="CLIENT_TOKEN_TTL_SECONDS must be a whole number"):
        Settings.from_env("registry")


def production(monkeypatch, **env: str) -> None:
    """The registry's production environment, with `env` on top (a value of "" unsets)."""
    monkeypatch.setenv("GOVMB_MODE", "production")
    monkeypatch.setenv("REVOCATION_STORE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("METRICS_TOKEN", "m" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("REGISTRY_DATABASE_URL", "postgresql://registry_app:" + "a" * 32 + "@h/govmb_registry")
    monkeypatch.setenv("AMQP_URL", "amqp://govmb:" + "r" * 32 + "@h")
    for name, value in env.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize("variable,url", [
    ("REGISTRY_DATABASE_URL", "postgresql://govmb:govmb@postgres:5432/govmb_registry"),
    ("REGISTRY_DATABASE_URL", "postgresql://registry_app:postgres@h/govmb_registry"),
    ("REGISTRY_DATABASE_URL", "postgresql://postgres@h/govmb_registry"),  # the superuser, whatever its password
    ("REGISTRY_DATABASE_URL", "postgresql://registry_app:@h/govmb_registry"),  # an empty password
    ("REGISTRY_DATABASE_URL", "postgresql://registry_app:Registry_App@h/govmb_registry"),  # the user's name
    ("AMQP_URL", "amqp://guest:guest@rabbitmq:5672/%2F"),
    ("AMQP_URL", "amqp://govmb:govmb@rabbitmq:5672/%2F"),
    ("AMQP_URL", "amqp://rabbitmq:5672/%2F"),  # no user: pika signs in as guest/guest
    ("REGISTRY_MIGRATION_DATABASE_URL", "postgresql://registry_owner:changeme@h/govmb_registry"),
])
def test_production_mode_refuses_a_default_credential_naming_its_variable(monkeypatch, variable, url):
    production(monkeypatch, **{variable: url})
    with pytest.raises(ConfigError, match=f"refuses {variable}:") as refused:
        Settings.from_env("registry")
    secret = url.split("://")[1].split("@")[0].partition(":")[2]
    assert not secret or secret not in str(refused.value)  # the message never repeats a password


def test_the_shared_database_url_is_named_when_it_is_the_one_used(monkeypatch):
    production(monkeypatch, DATABASE_URL="postgresql://govmb:govmb@h/db")
    monkeypatch.delenv("REGISTRY_DATABASE_URL")
    with pytest.raises(ConfigError, match="refuses DATABASE_URL:"):
        Settings.from_env("registry")


def test_production_mode_takes_the_roles_urls_and_the_migration_url_of_the_same_database(monkeypatch):
    owner = "postgresql://registry_owner:" + "o" * 32 + "@h/govmb_registry"
    production(monkeypatch, REGISTRY_MIGRATION_DATABASE_URL=owner)
    settings = Settings.from_env("registry")
    assert settings.migration_database_url == owner and settings.database_variable == "REGISTRY_DATABASE_URL"
    monkeypatch.setenv("INQUIRY_DATABASE_URL", "postgresql://inquiry_app:" + "i" * 32 + "@h/govmb_inquiry")
    assert Settings.from_env("inquiry").migration_database_url is None  # each service's own
    monkeypatch.setenv("REGISTRY_MIGRATION_DATABASE_URL", owner.replace("govmb_registry", "govmb_inquiry"))
    with pytest.raises(ConfigError, match="REGISTRY_MIGRATION_DATABASE_URL must be the owner's URL of the same"):
        Settings.from_env("registry")


def test_the_embedded_mode_needs_no_roles(monkeypatch, tmp_path):
    """Credentials are production's concern: the embedded mode and the tests use what they have."""
    monkeypatch.setenv("GOVMB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
    monkeypatch.setenv("REGISTRY_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/x")
    assert Settings.from_env("registry").amqp_url.startswith("amqp://guest:guest@")
