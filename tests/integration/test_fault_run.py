"""The whole system under load and faults (tests/faultrun/): every service as processes, two
worker replicas each, on a private RabbitMQ node and a private PostgreSQL cluster; workers, API
workers, the broker (gracefully and by SIGKILL), PostgreSQL and database connections killed,
one database's disk filled, while a city's traffic runs. Nothing lost and nothing applied
twice, by message id; every acknowledged write there; the dead-letter queues holding exactly
the poison sent. And two short runs that show the checks fail when the inbox lets a double
through or a consumer drops an event."""
import pytest

from tests import faultrun, infra
from tests.faultrun.servers import postgres_bin

pytestmark = [pytest.mark.integration, pytest.mark.slow,
              pytest.mark.skipif(not infra.rabbit_tools_available() or postgres_bin() is None,
                                 reason="needs Debian's rabbitmq-server and postgresql (make faultrun-tools)")]


def test_nothing_is_lost_or_applied_twice_through_kills_restarts_a_full_disk_and_poison(tmp_path):
    # the broker's SIGKILL, not also its graceful restart (tests/integration/test_broker_restart.py; the
    # 180 s run has both): a node takes up to 50 s to start again on a loaded machine
    report = faultrun.run(seconds=60, seed=20261124, every=4.0, broker_restarts=0, keep_logs=tmp_path / "logs")
    print(faultrun.render(report))
    assert report["problems"] == [] and report["driver_errors"] == []
    kinds = " ".join(report["injected"])
    for fault in ("SIGKILL worker", "SIGKILL a gunicorn worker", "SIGKILL the RabbitMQ",
                  "PostgreSQL restarted", "filesystem filled", "PostgreSQL backends", "marked unsent", "poison"):
        assert fault in kinds, f"no {fault!r} among the faults injected"
    assert "not injected" not in kinds
    assert all(n == 0 for n in report["lost"].values()) and all(n == 0 for n in report["applied_twice"].values())
    assert sum(report["events_sent"].values()) > 500
    # traffic enough to show a loss; every kind of write acknowledged and looked up
    assert report["messages_stored"] >= report["messages_acknowledged"] > 50
    for table in ("unit", "person", "account", "draft", "publication", "directive", "forward", "transfer", "notice",
                  "inspection"):
        assert report[f"{table}s_acknowledged"] > 0, f"no {table} acknowledged: the check of {table}s saw nothing"
    assert report["duplicates_absorbed"] >= report["duplicates_sent_on_purpose"] > 0
    assert report["unsent"] == {s: 0 for s in report["unsent"]}


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory):
    """One short run (20 s of traffic, the setup shared) with the bus broken on purpose, two ways:
    publishing's and inquiry's inboxes without their duplicate check (failpoint inbox.no_dedupe),
    the registry's sent events marked unsent so they come again; and each of assessment's two
    workers acking the first inquiry.message.changed it gets without applying it (consumer.drop_one). The
    registry's events alone are sent again, so the dropped one never comes back."""
    report = faultrun.run(seconds=20, seed=7, every=4.0, heavy=(), light=("resend_events",), patience=5,
                          resend_from=("registry",), keep_logs=tmp_path_factory.mktemp("logs"),
                          failpoints={"publishing": "inbox.no_dedupe", "inquiry": "inbox.no_dedupe",
                                      "assessment": "consumer.drop_one=inquiry.message.changed"})
    print(faultrun.render(report))
    return report


def test_the_run_reports_the_doubles_when_the_inbox_lets_them_through(broken_run):
    """The events sent again are applied again where the inbox's check is gone: the effects'
    journal shows them, by id; where it is kept (assessment), none."""
    assert broken_run["applied_twice"]["publishing"] > 0 and broken_run["applied_twice"]["inquiry"] > 0
    assert broken_run["applied_twice"]["assessment"] == 0
    doubles = [p for p in broken_run["problems"] if "applied more than once" in p]
    assert doubles, broken_run["problems"]
    some_id = next(iter(broken_run["applied_twice_ids"]["inquiry"].values()))[0]
    assert any(some_id in p and p.startswith("inquiry:") for p in doubles)


def test_the_run_reports_the_id_of_an_event_a_consumer_dropped(broken_run):
    """Assessment's workers acked an event each without applying it: the run names the missing
    ids (one or two: which replica gets which event is the broker's choice) and their type."""
    missing = broken_run["lost_ids"]["assessment"]
    assert list(missing) == ["inquiry.message.changed"] and 1 <= len(missing["inquiry.message.changed"]) <= 2, missing
    lost = [p for p in broken_run["problems"] if p.startswith("assessment:") and "never applied" in p]
    assert lost and "inquiry.message.changed" in lost[0]
    assert all(dropped in lost[0] for dropped in missing["inquiry.message.changed"])
    assert broken_run["lost"]["publishing"] == broken_run["lost"]["inquiry"] == 0
