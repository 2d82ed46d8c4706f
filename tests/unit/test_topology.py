import pytest

from govmb.bus.topology import build_topology, topic_matches


@pytest.mark.parametrize("pattern,key,expected", [
    ("registry.unit.changed", "registry.unit.changed", True),
    ("registry.*.changed", "registry.unit.changed", True),
    ("registry.#", "registry.unit.changed", True),
    ("#", "a.b", True),
    ("registry.*", "registry.unit.changed", False),
    ("registry.unit.changed", "registry.unit", False),
    ("#.changed", "registry.account.changed", True),
])
def test_topic_matching_follows_amqp(pattern, key, expected):
    assert topic_matches(pattern, key) is expected


def test_each_consuming_service_gets_its_own_queue_and_dead_letter_queue():
    topo = build_topology("ns", 5, {"a": ("x.y",), "b": ("x.*",), "c": ()})
    assert [q.name for q in topo.queues] == ["ns.a", "ns.b"]
    assert topo.queue_for("a").dead_letter_queue == "ns.a.dead"
    assert [q.name for q in topo.routes("x.y")] == ["ns.a", "ns.b"]
    assert topo.routes("z") == []
