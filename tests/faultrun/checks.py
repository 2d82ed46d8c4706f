"""What the run checks once the traffic and the faults have stopped and the queues drained:
by message id, per consumer, nothing lost and nothing applied twice; the copies at the
registry's revision; every acknowledged write there; the dead letters exactly the poison;
assessment's figures equal to a count made from the source tables."""
from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict

from govmb.bus.deadletters import DeadLetters
from govmb.bus.failpoints import EFFECT_JOURNAL
from govmb.config import SERVICES
from govmb.contracts import SUBSCRIPTIONS
from govmb.timefmt import BEIJING
from tests.faultrun.client import Ledger
from tests.faultrun.cluster import Cluster
from tests.faultrun.poison import POISON

SHOWN = 3  # ids named per event type in a problem

# Each kind of acknowledged write and where it is looked up: the query gives the key's columns,
# then the state the API acknowledged (NULL where being there is all)
LOOKUPS = {
    "unit": ("registry", 'SELECT id, NULL FROM "unit"'),
    "person": ("registry", "SELECT id, NULL FROM person"),
    "account": ("registry", "SELECT id, status FROM account"),
    "draft": ("publishing", "SELECT id, status FROM draft"),
    "publication": ("publishing", "SELECT draft_id, platform, url FROM publication"),
    "directive": ("publishing", "SELECT id, NULL FROM directive"),
    "forward": ("publishing", "SELECT directive_id, account_id, url FROM directive_target WHERE forwarded_at IS NOT NULL"),
    "message": ("inquiry", "SELECT id, status FROM message"),
    "transfer": ("inquiry", "SELECT id, status FROM transfer"),
    "notice": ("inquiry", "SELECT id, status FROM problem_notice"),
    "inspection": ("assessment", "SELECT id, status FROM inspection"),
}


def _by_type(ids: dict[str, str], shown: int = SHOWN) -> dict[str, list[str]]:
    """{message id: type} as {type: the first few ids}, for a problem a person reads."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for message_id, event_type in sorted(ids.items()):
        if len(grouped[event_type]) < shown:
            grouped[event_type].append(message_id)
    return dict(grouped)


def deliveries(cluster: Cluster) -> tuple[list[str], dict]:
    """Per consumer, by message id: the events its subscriptions select from every producer's
    outbox (poison aside) against its inbox and against its effects' journal, which has no
    unique key, so an event applied twice shows there as two rows."""
    problems: list[str] = []
    sent = {s: dict(cluster.rows(s, "SELECT message_id, event_type FROM outbox")) for s in SERVICES}
    unsent = {s: cluster.rows(s, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0][0] for s in SERVICES}
    report = {"events_sent": {s: len(v) for s, v in sent.items()}, "unsent": unsent, "delivered": {}, "lost": {},
              "lost_ids": {}, "applied": {}, "applied_twice": {}, "applied_twice_ids": {}}
    poison = {m for m, *_ in POISON}
    for consumer, types in SUBSCRIPTIONS.items():
        if not types or consumer not in SERVICES:
            continue
        expected = {m: t for s in SERVICES for m, t in sent[s].items() if t in types}
        inbox = {m for (m,) in cluster.rows(consumer, "SELECT message_id FROM inbox")} - poison
        effects = Counter(dict(cluster.rows(consumer, f"SELECT message_id, count(*) FROM {EFFECT_JOURNAL} "
                                                      "GROUP BY message_id")))
        lost = {m: t for m, t in expected.items() if m not in inbox or m not in effects}
        twice = {m: expected.get(m, "?") for m, n in effects.items() if n > 1}
        report["delivered"][consumer], report["applied"][consumer] = len(inbox), sum(effects.values())
        report["lost"][consumer], report["lost_ids"][consumer] = len(lost), _by_type(lost, 100)
        report["applied_twice"][consumer], report["applied_twice_ids"][consumer] = len(twice), _by_type(twice, 100)
        if lost:
            problems.append(f"{consumer}: {len(lost)} of the {len(expected)} events it subscribes to were never "
                            f"applied (not in its inbox or its effects), by type: {_by_type(lost)}")
        if twice:
            problems.append(f"{consumer}: {len(twice)} events were applied more than once (their effects committed "
                            f"{sum(effects[m] for m in twice)} times), by type: {_by_type(twice)}")
        if stray := inbox - expected.keys():
            problems.append(f"{consumer}: {len(stray)} message ids in its inbox that no outbox sent, e.g. "
                            f"{sorted(stray)[:SHOWN]}")
    if any(unsent.values()):
        problems.append(f"outbox rows left unsent: {unsent}")
    return problems, report


def copies(cluster: Cluster) -> list[str]:
    """Publishing's, inquiry's and assessment's copies of the registry's units and accounts,
    at the registry's revision, row for row."""
    problems = []
    for table in ("unit", "account"):
        truth = set(cluster.rows("registry", f'SELECT id, revision FROM "{table}"'))
        for s in ("publishing", "inquiry", "assessment"):
            copy = set(cluster.rows(s, f'SELECT id, revision FROM "{table}"'))
            if copy != truth:
                problems.append(f"{s}'s copy of {table}s differs from the registry: {len(truth ^ copy)} rows")
    return problems


def acknowledged(cluster: Cluster, ledger: Ledger, report: dict) -> list[str]:
    """Every write the APIs acknowledged, looked up in its service, in the state last
    acknowledged (unless a later step's answer was lost, when either state is right)."""
    problems = []
    for table, (service, sql) in LOOKUPS.items():
        seen = ledger.states.get(table, {})
        stored = {(row[0] if len(row) == 2 else tuple(row[:-1])): row[-1] for row in cluster.rows(service, sql)}
        missing = [k for k in seen if k not in stored]
        if missing:
            problems.append(f"{service}: {len(missing)} acknowledged {table}s missing, e.g. {missing[:5]}")
        moved = [(k, state, stored[k]) for k, state in seen.items()
                 if k in stored and stored[k] != state and (table, k) not in ledger.uncertain]
        if moved:
            problems.append(f"{service}: {len(moved)} {table}s not in the state the API acknowledged "
                            f"(key, acknowledged, stored), e.g. {moved[:5]}")
        report[f"{table}s_acknowledged"], report[f"{table}s_stored"] = len(seen), len(stored)
    return problems


def dead_letters(cluster: Cluster, report: dict) -> list[str]:
    expected = {s: sorted(m for m, _, _, queues in POISON if s in queues and cluster.poisoned)
                for s in SERVICES if SUBSCRIPTIONS.get(s)}
    with DeadLetters(cluster.rabbit.url, cluster.topology) as dl:
        dead = {s: sorted(letter.message_id for letter in dl.report(s, show=1000).letters) for s in expected}
    report["dead_letters"] = dead
    if dead != expected:
        return [f"dead-letter queues hold {dead}, expected exactly the poison {expected}"]
    return []


def absorbed(cluster: Cluster, report: dict) -> list[str]:
    """Each copy sent twice on purpose turned away by its subscriber's inbox (the workers' logs)."""
    ids = cluster.absorbed()
    report["duplicates_absorbed"] = sum(len(v) for v in ids.values())
    report["duplicates_sent_on_purpose"] = len(cluster.resent)
    again = [(m, s) for m, s in cluster.resent if m not in set(ids.get(s, ()))]
    if again:
        return [f"{len(cluster.resent)} deliveries were sent twice on purpose, but {len(again)} were not absorbed "
                f"by the subscriber's inbox (applied again), e.g. {again[:3]}"]
    return []


def count(cluster: Cluster, ledger: Ledger, patience: float = 60) -> dict:
    """Every check; the report, with `problems` empty when all hold."""
    deadline = time.monotonic() + patience  # a batch a consumer still holds unacked shows in no queue depth
    while True:
        problems, report = deliveries(cluster)
        if not problems or time.monotonic() > deadline:
            break
        time.sleep(2)
    problems += copies(cluster) + acknowledged(cluster, ledger, report) + dead_letters(cluster, report)
    problems += absorbed(cluster, report)
    report["problems"] = problems
    return report


def figures_match(cluster: Cluster) -> tuple[bool, int, dict]:
    """Assessment's figures for this year against a count from publishing's and inquiry's
    tables: whether they agree, for how many units, and where not (assessed, counted)."""
    from govmb.service import ensure_database
    from tests.integration.test_assessment_counts import assessed, hand_count
    from tests.system import settings_for, spec_of
    for s in ("publishing", "inquiry"):
        ensure_database(spec_of(s), settings_for(s, cluster.db[s]))
    year = dt.datetime.now(BEIJING).year
    expected = {u: c for u, c in hand_count(year).items() if any(c.values())}
    got = assessed(cluster.api["assessment"], year)
    differ = {u: {k: (got.get(u, {}).get(k), v) for k, v in c.items() if got.get(u, {}).get(k) != v}
              for u, c in expected.items() if got.get(u) != c}
    return got == expected, len(expected), differ
