"""GET /api/todo in publishing: drafts to check for the responsible office, to approve for the
leaders, returned to their writer; directives to forward before their deadline; emergencies
within their two hours; each only for the roles that act on it and the unit that holds it."""
import datetime as dt

from govmb.timefmt import utcnow
from services.publishing.models import Directive, Draft
from tests.conftest import auth
from tests.publishing.conftest import JOINT, LEADER, OFFICE, OPERATOR, OTHER_LEADER, OTHER_PATH, OTHER_UNIT, act, draft
from tests.publishing.test_directives import SOON, lead_post

OTHER_OFFICE = auth(OTHER_UNIT, OTHER_PATH, "responsible_office", person=22)
NOW = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def todo(client, headers) -> dict:
    r = client.get("/api/todo", headers=headers)
    assert r.status_code == 200, r.json
    return {g["kind"]: g for g in r.json}


def submitted(client, **fields) -> int:
    d = draft(client, **fields).json["id"]
    assert act(client, d, "submit", OPERATOR).status_code == 200
    return d


def test_a_draft_waits_for_the_check_then_the_approval_then_nothing(client):
    d = submitted(client)
    assert todo(client, OFFICE)["drafts_to_check"]["count"] == 1
    assert todo(client, OFFICE)["drafts_to_check"]["items"][0]["title"].startswith("东湖区今日开展义务植树")
    assert "drafts_to_check" not in todo(client, OPERATOR) and "drafts_to_approve" not in todo(client, OPERATOR)
    assert "drafts_to_check" not in todo(client, LEADER)
    assert todo(client, OTHER_OFFICE)["drafts_to_check"]["count"] == 0  # another unit sees none of it
    assert act(client, d, "check", OFFICE).status_code == 200
    assert todo(client, OFFICE)["drafts_to_check"]["count"] == 0
    assert todo(client, LEADER)["drafts_to_approve"]["items"][0]["id"] == d
    assert todo(client, OTHER_LEADER)["drafts_to_approve"]["count"] == 0
    assert act(client, d, "return", LEADER, comment="请补充活动时间").status_code == 200
    assert todo(client, LEADER)["drafts_to_approve"]["count"] == 0
    assert todo(client, OPERATOR)["drafts_returned"]["items"][0]["id"] == d  # back to the one who wrote it
    assert todo(client, OFFICE)["drafts_returned"]["count"] == 0  # not the office's own draft


def test_emergencies_come_by_their_two_hours_and_count_overdue_and_due_soon(client):
    late = draft(client, info_type="emergency", event_at=(NOW - dt.timedelta(hours=3)).isoformat() + "Z").json["id"]
    soon = draft(client, info_type="emergency", event_at=(NOW - dt.timedelta(minutes=30)).isoformat() + "Z").json["id"]
    group = todo(client, OPERATOR)["emergencies"]
    assert (group["count"], group["overdue"], group["due_soon"]) == (2, 1, 1)
    assert [i["id"] for i in group["items"]] == [late, soon]  # the most overdue first
    assert group["earliest_due"].endswith("+08:00")
    assert todo(client, JOINT)["emergencies"]["count"] == 2  # the office sees the city's
    assert todo(client, OTHER_LEADER)["emergencies"]["count"] == 0
    Draft.update(status="released").where(Draft.id == late).execute()
    assert todo(client, OPERATOR)["emergencies"]["count"] == 1


def test_a_directive_waits_for_each_unit_until_it_forwards(client):
    lead = lead_post(client)
    due = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)).isoformat()
    directive = client.post("/api/directives", json={"title": "转发权威发布", "lead_draft_id": lead["id"], "due_at": due},
                            headers=JOINT).json
    mine = todo(client, OPERATOR)["directives"]
    assert (mine["count"], mine["due_soon"], mine["overdue"]) == (1, 1, 0)
    assert mine["items"][0] == {**mine["items"][0], "id": directive["id"], "title": "转发权威发布", "detail": "账号1"}
    assert todo(client, JOINT)["directives"]["count"] == 2  # accounts 1 and 3 have not forwarded
    assert "directives" not in todo(client, LEADER)  # the leader forwards nothing
    r = client.post(f"/api/directives/{directive['id']}/forwards", json={"account_id": 1, "url": "https://weibo.com/f/1"},
                    headers=OPERATOR)
    assert r.status_code == 200
    assert todo(client, OPERATOR)["directives"]["count"] == 0
    Directive.update(due_at=utcnow() - dt.timedelta(days=1)).execute()  # missed yesterday: still waiting
    assert todo(client, JOINT)["directives"]["overdue"] == 1


def test_a_directive_a_week_past_its_deadline_waits_on_nobody_and_the_badge_asks_counts_only(client):
    """The review's finding: the office's count grew with every directive ever missed; and the top
    bar's badge, polled every minute, read the items too."""
    lead = lead_post(client)
    made = client.post("/api/directives", json={"title": "转发权威发布", "lead_draft_id": lead["id"], "due_at": SOON},
                       headers=JOINT)
    assert made.status_code == 201
    counted = {g["kind"]: g for g in client.get("/api/todo", headers=JOINT).json}
    assert counted["directives"]["count"] == 2 and counted["directives"]["items"]
    bare = {g["kind"]: g for g in client.get("/api/todo?items=false", headers=JOINT).json}
    assert bare["directives"]["count"] == 2 and bare["directives"]["items"] == []
    Directive.update(due_at=utcnow() - dt.timedelta(days=8)).execute()
    assert {g["kind"]: g["count"] for g in client.get("/api/todo", headers=JOINT).json}["directives"] == 0
