"""The 工作台 page without the services: a service that does not answer leaves its groups out and
says so, and the page still renders; nothing waiting says so; the groups come by urgency, each
linked to its list and its items to their pages; the badge counts what waits, not the shifts."""
import pytest

from tests.security.test_hardening import web_app
from tests.system import signed_in_session
from web.views import todo as todo_view

OPERATOR = {"id": 13, "name": "马丽", "unit_id": 4, "unit_name": "东湖区教育体育局", "roles": ["operator"]}


class Answer:
    status_code = 200

    def __init__(self, groups):
        self.groups = groups

    def json(self):
        return self.groups


def group(kind, count, overdue=0, due_soon=0, due_today=0, earliest=None, items=()):
    return {"kind": kind, "label": kind, "count": count, "overdue": overdue, "due_soon": due_soon,
            "due_today": due_today, "earliest_due": earliest, "items": list(items)}


@pytest.fixture
def browser():
    web = web_app()
    client = web.test_client()
    with client.session_transaction() as session:
        signed_in_session(session, "token", OPERATOR)
    return client


def test_services_that_do_not_answer_are_named_and_the_page_renders(browser):
    r = browser.get("/todo")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    for name in todo_view.SERVICES.values():
        assert f"{name}服务暂不可用" in page
    assert "目前没有等待您办理的事项" in page
    assert '<span class="muted" title="部分服务暂不可用">?</span>' in browser.get("/todo/badge").get_data(as_text=True)


def test_nothing_waiting_says_so_and_the_badge_shows_no_count(browser, monkeypatch):
    monkeypatch.setattr(todo_view, "get_each", lambda *calls: [Answer([group("messages", 0)]) for _ in calls])
    page = browser.get("/todo").get_data(as_text=True)
    assert "目前没有等待您办理的事项。新的审批" in page and "todo-group" not in page
    assert "todo-count" not in browser.get("/todo/badge").get_data(as_text=True)


def test_groups_come_overdue_first_then_due_soon_then_today_then_the_rest(browser, monkeypatch):
    answers = {
        "registry": [group("applications", 3, items=[{"id": 7, "title": "南昌教育", "due_at": None, "since": None}])],
        "publishing": [group("drafts_returned", 1, due_today=1, earliest="2026-12-07T20:00:00+08:00")],
        "inquiry": [group("messages", 2, overdue=1, earliest="2026-12-06T10:00:00+08:00",
                          items=[{"id": 42, "title": "路灯坏了", "due_at": "2026-12-06T10:00:00+08:00"}]),
                    group("transfers", 0)],
        "assessment": [group("fixes", 1, due_soon=1, earliest="2026-12-07T00:00:00+08:00"), group("shifts", 5)],
    }
    monkeypatch.setattr(todo_view, "get_each", lambda *calls: [Answer(answers[service]) for service, _p, _a in calls])
    page = browser.get("/todo").get_data(as_text=True)
    order = [page.index(f'id="todo-{kind}"') for kind in ("messages", "fixes", "drafts_returned", "applications")]
    assert order == sorted(order)
    assert 'id="todo-transfers"' not in page  # nothing waits there
    assert 'href="/inbox/42"' in page and 'href="/accounts/7"' in page  # each item to its page
    assert 'href="/inbox?sort=due"' in page and 'href="/accounts?status=applied"' in page  # each group to its list
    assert "2026-12-06 10:00" in page  # the deadline in Beijing time
    assert "共 7 项等待您办理" in page  # the shifts are shown, not counted
    badge = browser.get("/todo/badge", headers={"X-Poll": "1"}).get_data(as_text=True)
    assert 'todo-count late' in badge and ">7<" in badge


def test_every_item_page_of_a_group_knows_its_id_argument():
    """An item's link is built with the id argument of its page: a group whose item page is not
    in `_ID` answered 500 as soon as it had an item (the follow lists' 关注名单待说明 once did)."""
    item_pages = {item for _, _, item in todo_view.LINKS.values() if item}
    assert item_pages <= set(todo_view._ID), item_pages - set(todo_view._ID)
