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


def test_the_run_reports_the_doubles_when_the_inbox_lets_them_through(tmp_path):
    """With the inbox's duplicate check removed (failpoint inbox.no_dedupe), the events sent
    again on purpose are applied again: the effects' journal shows them, by id."""
    report = faultrun.run(seconds=20, seed=7, every=4.0, heavy=(), light=("resend_events",), patience=5,
                          failpoints={s: "inbox.no_dedupe" for s in ("publishing", "inquiry", "assessment")},
                          keep_logs=tmp_path / "logs")
    print(faultrun.render(report))
    assert sum(report["applied_twice"].values()) > 0
    doubles = [p for p in report["problems"] if "applied more than once" in p]
    assert doubles, report["problems"]
    some_id = next(ids[0] for per_type in report["applied_twice_ids"].values() for ids in per_type.values())
    assert some_id in " ".join(doubles)


def test_the_run_reports_the_id_of_an_event_a_consumer_dropped(tmp_path):
    """A consumer that acks one event without applying it (failpoint consumer.drop_one): the
    run names the missing id and its type."""
    report = faultrun.run(seconds=20, seed=8, every=4.0, heavy=(), light=(), patience=5,
                          failpoints={("assessment", 0): "consumer.drop_one=inquiry.message.changed"},
                          keep_logs=tmp_path / "logs")
    print(faultrun.render(report))
    missing = report["lost_ids"]["assessment"].get("inquiry.message.changed")
    assert missing and len(missing) == 1, report["lost_ids"]
    assert any(missing[0] in p and "never applied" in p and "inquiry.message.changed" in p for p in report["problems"])
    assert report["lost"]["publishing"] == report["lost"]["inquiry"] == 0
