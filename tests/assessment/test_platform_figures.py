"""The figures the platforms' APIs count (issue 20, `publishing.platform.figures`): kept per
account, platform and day, the latest read winning; the followers summed over the account's
platforms and kept as an entered number is, by 平台接口; the duty log shows them."""
import datetime as dt

from govmb.contracts import load_incoming, validate_outgoing
from govmb.timefmt import beijing_today
from services.assessment.handlers import HANDLERS
from services.assessment.models import FollowerChange, FollowerCount, PlatformFigure
from tests.assessment.conftest import COUNTY, DEPT

YESTERDAY = beijing_today() - dt.timedelta(days=1)


def figures(platform="sina", followers=5000, at="2026-12-01T16:05:00+00:00", **counts):
    payload = {"account_id": 1, "unit_id": 4, "unit_path": "/1/3/4/", "platform": platform,
               "day": YESTERDAY.isoformat(), "followers": followers, "posts": 2, "reads": 120, "reposts": 3,
               "comments": 4, "likes": 10, "at": at, **counts}
    body = validate_outgoing("publishing.platform.figures", payload)
    HANDLERS["publishing.platform.figures"](load_incoming("publishing.platform.figures", 1, body), None)


def duty_day(client):
    r = client.get(f"/api/duty-log?account_id=1&from={YESTERDAY.isoformat()}&to={YESTERDAY.isoformat()}",
                   headers=COUNTY)
    assert r.status_code == 200, r.json
    return r.json["days"][0]


def test_a_day_s_figures_fill_the_duty_log_once_however_often_they_come(app, client):
    with app.app_context():
        figures()
        figures()  # delivered again
        assert PlatformFigure.select().count() == 1 and FollowerChange.select().count() == 0
        row = FollowerCount.get()
        assert (row.followers, row.entered_by) == (5000, "平台接口")
    day = duty_day(client)
    assert (day["followers"], day["reads"], day["reposts"], day["post_comments"], day["likes"]) == (5000, 120, 3, 4, 10)


def test_the_followers_of_every_platform_add_up_and_replace_a_number_entered_by_hand(app, client):
    r = client.post("/api/followers", json={"account_id": 1, "day": YESTERDAY.isoformat(), "followers": 4000},
                    headers=DEPT)
    assert r.status_code == 200, r.json
    with app.app_context():
        figures()
        figures(platform="xinhua", followers=700, reads=None, reposts=1, comments=0, likes=2)
        assert FollowerCount.get().followers == 5700
        assert [(c.old_followers, c.followers, c.entered_by) for c in FollowerChange.select().order_by(FollowerChange.id)] == [
            (4000, 5000, "平台接口"), (5000, 5700, "平台接口")]
    day = duty_day(client)
    assert (day["followers"], day["reads"], day["reposts"], day["likes"]) == (5700, 120, 4, 12)


def test_an_older_read_delivered_late_changes_nothing(app, client):
    with app.app_context():
        figures(followers=5100, at="2026-12-01T17:00:00+00:00")
        figures(followers=5000, at="2026-12-01T16:00:00+00:00")
        assert PlatformFigure.get().followers == 5100 and FollowerCount.get().followers == 5100
