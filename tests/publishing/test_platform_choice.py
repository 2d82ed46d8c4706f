"""N7 (同时在五个平台发布…保证微博信息的统一和完整性): a draft goes to every platform of its
account unless the writer gives, per platform left out, a reason the reviewers see and the
record keeps."""
import pytest

from services.publishing.models import Draft, ReviewStep
from tests.publishing.conftest import LEADER, OFFICE, OPERATOR, act, draft
from tests.publishing.test_checks_and_events import release


def test_by_default_every_platform_of_the_account(client):
    d = draft(client).json
    assert d["platforms"] == ["sina", "xinhua"] and d["omitted"] == []


@pytest.mark.parametrize("reasons", [{}, {"xinhua": ""}, {"xinhua": "   "}, {"xinhua": "理" * 201},
                                     {"sina": "选了新浪网，理由不算"}])
def test_leaving_a_platform_out_without_a_reason_is_refused_naming_it(client, reasons):
    r = draft(client, platforms=["sina"], omitted_reasons=reasons)
    assert r.status_code == 422
    assert "新华网" in r.json["errors"]["omitted_reasons"]["xinhua"][0]
    assert Draft.select().count() == 0  # nothing saved


def test_a_reason_that_is_not_text_is_refused_by_the_schema(client):
    r = draft(client, platforms=["sina"], omitted_reasons={"xinhua": 5})
    assert r.status_code == 422 and "omitted_reasons" in r.json["errors"]
    assert Draft.select().count() == 0


def test_an_update_that_leaves_a_platform_out_needs_the_reason_too(client):
    d = draft(client).json
    body = {"account_id": 1, "text": "东湖区今日开展义务植树活动。", "info_type": "participation", "platforms": ["xinhua"]}
    r = client.put(f"/api/drafts/{d['id']}", json=body, headers=OPERATOR)
    assert r.status_code == 422 and "sina" in r.json["errors"]["omitted_reasons"]
    assert Draft.get_by_id(d["id"]).platforms == '["sina", "xinhua"]'
    r = client.put(f"/api/drafts/{d['id']}", json={**body, "omitted_reasons": {"sina": "新浪账号正在找回密码"}},
                   headers=OPERATOR)
    assert r.status_code == 200 and r.json["omitted"] == [
        {"platform": "sina", "platform_name": "新浪网", "reason": "新浪账号正在找回密码"}]


def test_the_reason_is_seen_by_the_reviewers_and_kept_in_the_steps_through_release(client):
    d = draft(client, platforms=["sina"], omitted_reasons={"xinhua": "新华网本条与地方无关", "sina": "忽略"}).json
    assert d["omitted"] == [{"platform": "xinhua", "platform_name": "新华网", "reason": "新华网本条与地方无关"}]
    for who in (OFFICE, LEADER):
        assert client.get(f"/api/drafts/{d['id']}", headers=who).json["omitted"][0]["reason"] == "新华网本条与地方无关"
    out = release(client, d["id"])
    assert out["status"] == "released" and [p["platform"] for p in out["publications"]] == ["sina"]
    submit = ReviewStep.get(ReviewStep.draft == d["id"], ReviewStep.action == "submit")
    assert submit.comment == "不在新华网发布：新华网本条与地方无关"


def test_the_draft_cannot_be_published_on_a_platform_left_out(client):
    d = draft(client, platforms=["sina"], omitted_reasons={"xinhua": "暂不发布"}).json
    for step, who in (("submit", OPERATOR), ("check", OFFICE), ("approve", LEADER)):
        assert act(client, d["id"], step, who, acknowledge=True).status_code == 200
    r = act(client, d["id"], "record_publication", OPERATOR, platform="xinhua", url="https://xinhua.example.cn/1")
    assert r.status_code == 422 and "platform" in r.json["errors"]


def test_an_empty_choice_is_refused_and_none_means_every_platform(client):
    r = draft(client, platforms=[])
    assert r.status_code == 422 and "至少选择一个平台" in r.json["errors"]["platforms"][0]
    assert draft(client, platforms=None).json["platforms"] == ["sina", "xinhua"]
