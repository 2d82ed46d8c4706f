"""The whole system under load and faults (tests/faultrun.py): every service as processes,
two worker replicas each, on a private RabbitMQ node and PostgreSQL; workers, API workers,
the broker and database connections killed while a city's traffic runs. Nothing lost,
nothing applied twice, the dead-letter queues holding exactly the poison sent."""
import pytest

from tests import faultrun, infra

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.mark.skipif(not infra.rabbit_tools_available(), reason="needs Debian's rabbitmq-server for a private node")
def test_nothing_is_lost_or_applied_twice_through_kills_restarts_and_poison(postgres_server, tmp_path):
    report = faultrun.run(seconds=45, seed=20261124, every=4.0, broker_restarts=1, postgres=postgres_server,
                          keep_logs=tmp_path / "logs")
    print(faultrun.render(report))
    assert report["problems"] == [] and report["driver_errors"] == []
    kinds = " ".join(report["injected"])
    for fault in ("SIGKILL worker", "SIGKILL a gunicorn worker", "RabbitMQ node restarted", "PostgreSQL backends",
                  "marked unsent", "poison"):
        assert fault in kinds, f"no {fault!r} among the faults injected"
    assert all(n == 0 for n in report["lost"].values())
    assert sum(report["events_sent"].values()) > 500 and report["accounts_acknowledged"] > 0
    # traffic enough to show a loss (some 300 messages on a quiet machine; under half on a loaded one)
    assert report["messages_stored"] >= report["messages_acknowledged"] > 50
    assert report["duplicates_absorbed"] >= report["duplicates_sent_on_purpose"] > 0  # each absorbed: see count()
    assert report["unsent"] == {s: 0 for s in report["unsent"]}
