"""The listening worker (issue 20) against a small local platform (tests/publishing/listen_platform.py):
cursors kept with the events, nothing taken twice, nothing lost when a worker dies before its
commit, posts published directly on the platform imported and counted, an expired credential
stopping the polls, a rate limit backing off, the day's figures sent once."""
import datetime as dt
import json

import pytest

from govmb import personal
from govmb.config import load
from govmb.contracts import validate_outgoing
from govmb.timefmt import BEIJING, beijing_today, utcnow
from services.publishing import figures, listening
from services.publishing.cursors import cursors_of
from services.publishing.models import Draft, PlatformConnection, Publication, bus
from tests.keys import PERSONAL
from tests.publishing.conftest import JOINT, OPERATOR, PATH, UNIT
from tests.publishing.listen_platform import ListenPlatform

ADAPTER = "tests.publishing.listen_platform:ListenAdapter"


@pytest.fixture
def platform(monkeypatch):
    with ListenPlatform() as fake, personal.using(PERSONAL):
        monkeypatch.setenv("GOVMB_PLATFORM_ADAPTERS", f"sina:{ADAPTER}")
        monkeypatch.setenv("GOVMB_PLATFORM_ENDPOINTS", f"sina:{fake.url}")
        load()  # read again: the apps read the environment when they started
        yield fake
        monkeypatch.undo()
        load()


@pytest.fixture
def connected(app, platform):
    with app.app_context():
        row = PlatformConnection.create(account_id=1, unit_id=UNIT, unit_path=PATH, platform="sina", account_uid="u1",
                                        credentials=json.dumps({"access_token": "token-1"}), connected_by="马丽")
        yield row


def at(hours_ago: float) -> str:
    return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=hours_ago)).replace(microsecond=0).isoformat()


def comment(id, text="路灯坏了", post=""):
    return {"id": id, "text": text, "uid": f"u{id}", "name": f"网友{id}", "at": at(1), "post": post}


def events(event_type):
    return [json.loads(r.body) for r in bus.Outbox.select().where(bus.Outbox.event_type == event_type)
            .order_by(bus.Outbox.id)]


def run() -> int:
    """The job, as the worker runs it, after every claim and backoff has lapsed (the next round)."""
    PlatformConnection.update(claimed_until=None).execute()
    return listening.poll_all()


def test_items_become_events_with_their_cursor_and_a_second_poll_takes_nothing_twice(connected, platform):
    platform.items["comment"] = [comment(1), comment(2), comment(3, post="m9")]
    platform.items["mention"] = [comment(10, "@东湖区民政局 请回复")]
    platform.unsupported = {"private"}  # this platform has no private messages: skipped quietly
    assert listening.poll_all() == 4
    sent = events("publishing.platform.incoming")
    assert [(e["kind"], e["platform_id"]) for e in sent] == [("comment", "1"), ("comment", "2"), ("comment", "3"),
                                                             ("mention", "10")]
    assert sent[0]["account_id"] == 1 and sent[0]["author_name"] == "网友1" and sent[2]["post_id"] == "m9"
    for e in sent:
        validate_outgoing("publishing.platform.incoming", e)
    row = PlatformConnection.get_by_id(connected.id)
    assert cursors_of(row)["comment"] == "3" and cursors_of(row)["mention"] == "10"
    assert row.polled_at is not None and row.claimed_until is None and row.status == "connected"
    assert listening.poll_all() == 0  # polled just now: the claim is released, but nothing new came
    assert run() == 0 and len(events("publishing.platform.incoming")) == 4
    platform.items["comment"].append(comment(4))
    assert run() == 1 and events("publishing.platform.incoming")[-1]["platform_id"] == "4"


def test_a_comment_on_a_post_the_product_published_names_its_draft(connected, platform):
    d = Draft.create(account_id=1, unit_id=UNIT, unit_path=PATH, author_id=13, author_name="马丽", text="通知",
                     info_type="other", status="released", released_at=utcnow(), platforms='["sina"]')
    Publication.create(draft=d, platform="sina", url="https://weibo.com/u1/m9", recorded_by="自动发布", post_id="m9")
    platform.items["comment"] = [comment(1, post="m9")]
    assert listening.poll_all() == 1
    assert events("publishing.platform.incoming")[0]["draft_id"] == d.id


def test_a_worker_that_dies_between_the_answer_and_the_commit_loses_nothing_and_repeats_nothing(
        connected, platform, monkeypatch):
    platform.items["comment"] = [comment(1), comment(2), comment(3)]
    real, calls = bus.emit, []

    def dying(event_type, payload):
        calls.append(payload)
        if len(calls) == 3:  # the second page's first item: the process dies before its commit
            raise SystemExit("killed")
        return real(event_type, payload)

    monkeypatch.setattr(bus, "emit", dying)
    with pytest.raises(SystemExit):
        listening.poll_all()
    monkeypatch.setattr(bus, "emit", real)
    assert [e["platform_id"] for e in events("publishing.platform.incoming")] == ["1", "2"]  # the first page, committed
    assert cursors_of(PlatformConnection.get_by_id(connected.id))["comment"] == "2"  # with its cursor
    assert listening.poll_all() == 0  # its claim holds until it lapses: no other worker polls it meanwhile
    assert run() == 1  # the next round reads the second page again
    assert [e["platform_id"] for e in events("publishing.platform.incoming")] == ["1", "2", "3"]


def post(mid, hours_ago=2, original=True, **figures_):
    return {"id": int(mid[1:]), "mid": mid, "text": f"帖子{mid}", "url": f"https://weibo.com/u1/{mid}",
            "at": at(hours_ago), "original": original, "reads": 100, "reposts": 1, "comments": 2, "likes": 3,
            **figures_}


def test_a_post_published_directly_on_the_platform_is_imported_once_and_counted(app, connected, platform):
    mine = Draft.create(account_id=1, unit_id=UNIT, unit_path=PATH, author_id=13, author_name="马丽", text="已审核的",
                        info_type="other", status="released", released_at=utcnow(), platforms='["sina"]')
    Publication.create(draft=mine, platform="sina", url="https://weibo.com/u1/m1", recorded_by="马丽")  # by hand: its url
    platform.timeline = [post("m1"), post("m2", hours_ago=3, original=False)]
    assert listening.poll_all() == 1
    imported = Draft.get(Draft.imported == True)  # noqa: E712
    assert (imported.text, imported.status, imported.original, imported.author_name) == ("帖子m2", "released", False,
                                                                                          "平台直接发布")
    assert imported.released_at == dt.datetime.fromisoformat(platform.timeline[1]["at"]).replace(tzinfo=None)
    publication = imported.publications.get()
    assert (publication.platform, publication.post_id, publication.url) == ("sina", "m2", "https://weibo.com/u1/m2")
    released = events("publishing.post.released")
    assert len(released) == 1 and released[0]["imported"] is True and released[0]["draft_id"] == imported.id
    validate_outgoing("publishing.post.released", released[0])
    month = dt.datetime.now(BEIJING).strftime("%Y-%m")
    row = next(r for r in figures.figures(month) if r["account_id"] == 1)
    assert (row["posts"], row["original"]) == (2, 1)  # counted for the quota and the original share like a reviewed post
    PlatformConnection.update(cursors="{}").execute()  # the timeline read again from its start
    assert run() == 0 and Draft.select().where(Draft.imported == True).count() == 1  # noqa: E712
    client = app.test_client()
    r = client.get("/api/drafts?imported=true", headers=JOINT)
    assert [(d["id"], d["imported"]) for d in r.json] == [(imported.id, True)]
    r = client.get(f"/api/drafts/{mine.id}", headers=OPERATOR)
    assert r.json["imported"] is False


def test_the_timeline_waits_while_the_worker_is_sending_a_post_there(connected, platform):
    from services.publishing.models import PlatformPost
    d = Draft.create(account_id=1, unit_id=UNIT, unit_path=PATH, author_id=13, author_name="马丽", text="审批过的",
                     info_type="other", status="approved", platforms='["sina"]')
    PlatformPost.create(draft_id=d.id, account_id=1, platform="sina", status="sending")
    platform.timeline = [post("m5")]
    before = PlatformConnection.get_by_id(connected.id).cursors
    # the page is read, then the worker found at work: nothing imported, the cursor kept
    assert listening.poll_all() == 0 and not Draft.select().where(Draft.imported == True).exists()  # noqa: E712
    assert json.loads(PlatformConnection.get_by_id(connected.id).cursors).get("own") == json.loads(before).get("own")
    PlatformPost.update(status="waiting", uncertain_since=d.created_at).execute()  # it may have gone out: still waits
    assert run() == 0 and not Draft.select().where(Draft.imported == True).exists()  # noqa: E712
    PlatformPost.update(status="published", uncertain_since=None).execute()
    Publication.create(draft=d, platform="sina", url="https://weibo.com/u1/m5", recorded_by="自动发布", post_id="m5")
    assert run() == 0 and "/timeline" in platform.calls and not Draft.select().where(Draft.imported == True).exists()  # noqa: E712


def test_a_post_published_and_recorded_by_hand_is_known_by_its_text_not_imported(connected, platform):
    d = Draft.create(account_id=1, unit_id=UNIT, unit_path=PATH, author_id=13, author_name="马丽",
                     text="【通知】东湖区图书馆周六照常开放 https://www.nc.gov.cn/a", info_type="other", status="released",
                     platforms='["sina"]')
    Publication.create(draft=d, platform="sina", url="https://weibo.com/5000000001/NbCdEf", recorded_by="马丽")
    platform.timeline = [post("m9", text="【通知】东湖区图书馆周六照常开放 http://t.cn/A6xyz")]
    assert run() == 0 and not Draft.select().where(Draft.imported == True).exists()  # noqa: E712
    assert Publication.get(Publication.draft == d).post_id == "m9"  # known from now on by the platform's id


def test_an_expired_credential_stops_the_polls(connected, platform):
    platform.token = "token-2"  # the account's token was revoked on the platform
    platform.items["comment"] = [comment(1)]
    assert listening.poll_all() == 0
    row = PlatformConnection.get_by_id(connected.id)
    assert row.status == "expired" and "expired" in row.error
    changed = events("publishing.connection.changed")
    assert [(e["platform"], e["status"]) for e in changed] == [("sina", "expired")]
    calls = len(platform.calls)
    assert run() == 0 and len(platform.calls) == calls  # nothing asked of the platform any more
    assert events("publishing.platform.incoming") == []


def test_a_rate_limit_backs_off_then_the_poll_works_again(connected, platform):
    platform.limited = 1200
    platform.items["comment"] = [comment(1)]
    assert listening.poll_all() == 0
    row = PlatformConnection.get_by_id(connected.id)
    assert row.failures == 1 and row.status == "connected"
    assert row.claimed_until - row.polled_at == dt.timedelta(seconds=1200)  # what the platform asked: more than 2×300 s
    calls = len(platform.calls)
    assert listening.poll_all() == 0 and len(platform.calls) == calls  # it waits out the backoff
    platform.limited = None
    assert run() == 1
    row = PlatformConnection.get_by_id(connected.id)
    assert (row.failures, row.error) == (0, "")


def test_the_backoff_doubles_up_to_six_hours():
    load()
    assert [listening.backoff(n).total_seconds() for n in (1, 2, 3)] == [600, 1200, 2400]
    assert listening.backoff(30) == dt.timedelta(hours=6) and listening.backoff(1, 3600).total_seconds() == 3600


def test_a_platform_that_is_down_counts_a_failure(connected, platform):
    platform.down = True
    assert listening.poll_all() == 0
    row = PlatformConnection.get_by_id(connected.id)
    assert row.failures == 1 and row.error == "HTTP 503" and row.claimed_until > utcnow()


def test_the_day_before_s_figures_are_sent_once_at_the_first_poll_of_a_day(connected, platform):
    platform.followers = 5321
    yesterday = beijing_today() - dt.timedelta(days=1)
    noon = dt.datetime.combine(yesterday, dt.time(12), BEIJING).astimezone(dt.timezone.utc).isoformat()
    platform.timeline = [post("m1", reads=50, reposts=2, comments=3, likes=4) | {"at": noon},
                         post("m2", reads=70, reposts=1, comments=0, likes=6) | {"at": noon},
                         post("m3", hours_ago=0.1)]
    PlatformConnection.update(cursors=json.dumps({"day": yesterday.isoformat(), "day_from": "", "own": "2"})).execute()
    listening.poll_all()
    sent = events("publishing.platform.figures")
    assert len(sent) == 1
    assert {k: sent[0][k] for k in ("platform", "day", "followers", "posts", "reads", "reposts", "comments", "likes")} == {
        "platform": "sina", "day": yesterday.isoformat(), "followers": 5321, "posts": 2, "reads": 120, "reposts": 3,
        "comments": 3, "likes": 10}
    validate_outgoing("publishing.platform.figures", sent[0])
    kept = cursors_of(PlatformConnection.get_by_id(connected.id))
    assert kept["day"] == beijing_today().isoformat() and kept["day_from"] == "2"  # today's posts start after m2
    run()
    assert len(events("publishing.platform.figures")) == 1  # once a day


def test_an_imported_post_counts_in_assessment_for_the_quota_and_against_dormancy(app, connected, platform, tmp_path):
    from govmb.contracts import load_incoming
    from services.assessment.handlers import HANDLERS
    from services.assessment.models import LastPost, MonthlyFigureFact, PostFact
    from tests.assessment.conftest import OFFICE, seeded_app
    platform.timeline = [post("m7", hours_ago=0.5)]
    assert listening.poll_all() == 1
    month = dt.datetime.now(BEIJING).strftime("%Y-%m")
    figures.report(month)
    sent = [(r.event_type, json.loads(r.body)) for r in bus.Outbox.select().where(bus.Outbox.event_type.in_(
        ("publishing.post.released", "publishing.account.monthly_figures"))).order_by(bus.Outbox.id)]
    assessment = seeded_app(f"sqlite:///{tmp_path / 'assessment.db'}")
    client = assessment.test_client()
    silent = [r["account_id"] for r in client.get("/api/dormancy/accounts", headers=OFFICE).json]
    assert 1 in silent  # never posted since it went live
    with assessment.app_context():
        for event_type, body in sent:
            HANDLERS[event_type](load_incoming(event_type, 1, body), None)
        assert PostFact.get(PostFact.account_id == 1).original is True and LastPost.get_by_id(1).day == beijing_today().isoformat()
        assert MonthlyFigureFact.get(MonthlyFigureFact.account_id == 1, MonthlyFigureFact.month == month).posts == 1
    assert 1 not in [r["account_id"] for r in client.get("/api/dormancy/accounts", headers=OFFICE).json]


def test_an_adapter_s_own_bug_fails_its_connection_alone(connected, platform, monkeypatch):
    from tests.publishing.listen_platform import ListenAdapter

    def broken(self, connection, kind, cursor):
        raise KeyError("next")

    monkeypatch.setattr(ListenAdapter, "incoming", broken)
    assert listening.poll_all() == 0
    row = PlatformConnection.get_by_id(connected.id)
    assert row.failures == 1 and "KeyError" in row.error and row.claimed_until > utcnow()
