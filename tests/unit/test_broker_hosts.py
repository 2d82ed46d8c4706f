"""AMQP_URL with several broker hosts: how it is read, and what a malformed one is told."""
import pytest

from govmb.bus import amqp
from govmb.config import ConfigError, Settings, broker_urls
from govmb.service import probe_parameters

SECRET = "s3cr3t-Zq9"


def test_one_host_is_one_url_unchanged():
    assert broker_urls("amqp://guest:guest@127.0.0.1:5672/%2F") == ["amqp://guest:guest@127.0.0.1:5672/%2F"]


def test_several_hosts_share_the_user_the_virtual_host_and_the_options_in_their_order():
    urls = broker_urls(f"amqps://govmb:{SECRET}@mq2.example:5671, mq1.example ,[::1]:5673/govmb?heartbeat=10")
    assert urls == [f"amqps://govmb:{SECRET}@mq2.example:5671/govmb?heartbeat=10",
                    f"amqps://govmb:{SECRET}@mq1.example/govmb?heartbeat=10",
                    f"amqps://govmb:{SECRET}@[::1]:5673/govmb?heartbeat=10"]


def test_a_percent_encoded_comma_in_the_password_is_not_a_host_separator():
    assert broker_urls("amqp://u:a%2Cb@h1,h2/v") == ["amqp://u:a%2Cb@h1/v", "amqp://u:a%2Cb@h2/v"]


@pytest.mark.parametrize("url, host", [
    (f"amqp://govmb:{SECRET}@h1,,h2/v", "''"),
    (f"amqp://govmb:{SECRET}@h1:99999,h2/v", "'h1:99999'"),
    (f"amqp://govmb:{SECRET}@h1:port/v", "'h1:port'"),
])
def test_a_malformed_host_is_refused_naming_the_variable_and_the_host_never_the_password(url, host):
    with pytest.raises(ConfigError) as caught:
        broker_urls(url)
    assert str(caught.value).startswith(f"AMQP_URL: {host} is not a host")
    assert SECRET not in str(caught.value)


def test_a_url_of_another_scheme_is_refused():
    with pytest.raises(ConfigError, match="AMQP_URL must start with amqp:// or amqps://"):
        broker_urls(f"http://govmb:{SECRET}@h1/")


def test_the_settings_refuse_a_malformed_list_at_start(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVMB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AMQP_URL", f"amqp://govmb:{SECRET}@h1,,h2/v")
    with pytest.raises(ConfigError, match="AMQP_URL"):
        Settings.from_env("publishing")


def test_every_connection_gets_one_set_of_parameters_per_host_in_order():
    url = f"amqp://govmb:{SECRET}@h1:5672,h2:5673/v"
    for candidates in (amqp.parameters(url, name="relay"), probe_parameters(url)):
        assert [(p.host, p.port, p.virtual_host) for p in candidates] == [("h1", 5672, "v"), ("h2", 5673, "v")]
        assert all(p.credentials.password == SECRET for p in candidates)
    assert all(p.connection_attempts == 1 for p in amqp.parameters(url))
    assert all(p.socket_timeout == 2 for p in probe_parameters(url))  # a probe does not wait long on a dead host
    assert [amqp.where(p) for p in amqp.parameters(url)] == ["h1:5672", "h2:5673"]
