import pytest

from govmb.config import DEV_SECRET, ConfigError, Settings


def test_the_embedded_default_needs_no_environment(monkeypatch):
    for var in ("GOVMB_MODE", "DATABASE_URL", "AMQP_URL", "TOKEN_SECRET", "REGISTRY_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    s = Settings.from_env("registry")
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("registry.db")
    assert s.amqp_url is None and s.token_secret == DEV_SECRET


def test_a_service_database_url_wins_over_the_shared_one(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://h/shared")
    monkeypatch.setenv("INQUIRY_DATABASE_URL", "postgresql://h/inquiry")
    assert Settings.from_env("inquiry").database_url == "postgresql://h/inquiry"
    assert Settings.from_env("registry").database_url == "postgresql://h/shared"


@pytest.mark.parametrize("env,problem", [
    ({}, "TOKEN_SECRET"),
    ({"TOKEN_SECRET": DEV_SECRET}, "TOKEN_SECRET"),
    ({"TOKEN_SECRET": "s" * 40}, "PostgreSQL"),
    ({"TOKEN_SECRET": "s" * 40, "DATABASE_URL": "postgresql://h/db"}, "AMQP_URL"),
])
def test_production_mode_refuses_defaults(monkeypatch, env, problem):
    for var in ("DATABASE_URL", "AMQP_URL", "TOKEN_SECRET", "REGISTRY_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GOVMB_MODE", "production")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(ConfigError, match=problem):
        Settings.from_env("registry")


def test_production_mode_starts_with_real_settings(monkeypatch):
    monkeypatch.setenv("GOVMB_MODE", "production")
    monkeypatch.setenv("TOKEN_SECRET", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://h/db")
    monkeypatch.setenv("AMQP_URL", "amqp://h")
    assert Settings.from_env("registry").production


def test_the_web_app_in_production_needs_only_its_secret(monkeypatch):
    for var in ("DATABASE_URL", "AMQP_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GOVMB_MODE", "production")
    monkeypatch.setenv("TOKEN_SECRET", "s" * 40)
    assert Settings.from_env("web").production


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
