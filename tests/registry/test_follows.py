"""X22 follow lists through the API: record and import, the check against the registry's running
accounts and the office's register of media and experts, reasons, the per-account count of
unexplained follows, the city's list, bad input per field and scoping."""
import io

import pytest
from openpyxl import Workbook

from services.registry.models import Account, FollowedAccount, Person
from tests.conftest import audit_trail, auth
from tests.registry.conftest import _HASH, application
from tests.registry.test_account_changes import activate


@pytest.fixture
def accounts(client, city):
    """The department's running account 东湖教育 (sina, tencent), and its id again for the tests' unpacking."""
    ours = activate(client, city, application(city))
    return ours, ours


def follow(client, city, aid, who="dept_operator", **body):
    return client.post(f"/api/accounts/{aid}/follows", json={"platform": "sina", **body}, headers=city.headers(who))


def office_adds(client, city, **body):
    r = client.post("/api/follow-register", json={"platform": "sina", "kind": "media", **body},
                    headers=city.headers("office"))
    assert r.status_code == 201, r.json
    return r.json


def count(aid):
    return Account.get_by_id(aid).unexplained_follows


def counted(aid):  # what the kept count must equal, by a scan the product never makes
    return FollowedAccount.select().where(FollowedAccount.account == aid, FollowedAccount.kind == "unrelated",
                                          FollowedAccount.reason == "").count()


def test_each_follow_is_judged_government_media_expert_or_unrelated(client, city, accounts, app):
    aid, _ = accounts
    office_adds(client, city, handle="江西日报", name="江西日报")
    office_adds(client, city, handle="@Prof_Li", name="李教授", kind="expert")
    # a running account of the registry, by its handle (any case, an @ before it) or by its address
    government = follow(client, city, aid, handle="@东湖教育", name="东湖教育")
    assert government.status_code == 201, government.json
    assert (government.json["kind"], government.json["matched"]) == ("government", "东湖教育")
    by_url = follow(client, city, aid, platform="tencent", handle="dhjy-tencent", url="http://www.tencent.example/dhjy/")
    assert by_url.json["kind"] == "government" and by_url.json["platform_name"]
    assert follow(client, city, aid, handle="江西日报").json["kind_name"] == "主流媒体"
    assert follow(client, city, aid, handle="prof_li").json["kind"] == "expert"
    unrelated = follow(client, city, aid, handle="娱乐八卦", url="https://sina.example/gossip").json
    assert (unrelated["kind"], unrelated["kind_name"], unrelated["unexplained"]) == ("unrelated", "与工作无关（待说明）", True)
    with app.app_context():
        assert count(aid) == 1 == counted(aid)
    listed = client.get(f"/api/accounts/{aid}/follows", query_string={"unexplained": "true"},
                        headers=city.headers("dept_leader")).json
    assert [f["handle"] for f in listed] == ["娱乐八卦"]
    assert len(client.get(f"/api/accounts/{aid}/follows", query_string={"kind": "government"},
                          headers=city.headers("dept_operator")).json) == 2


def test_a_reason_keeps_an_unrelated_follow_and_removing_one_lowers_the_count(client, city, accounts, app):
    aid, _ = accounts
    gossip, other = follow(client, city, aid, handle="娱乐八卦").json, follow(client, city, aid, handle="美食探店").json
    with app.app_context():
        assert count(aid) == 2
    too_short = client.put(f"/api/accounts/{aid}/follows/{gossip['id']}/reason", json={"reason": " 好 "},
                           headers=city.headers("dept_operator"))
    assert too_short.status_code == 422 and "reason" in too_short.json["errors"]
    r = client.put(f"/api/accounts/{aid}/follows/{gossip['id']}/reason", json={"reason": "监测涉教育的网络舆情"},
                   headers=city.headers("dept_operator"))
    assert r.status_code == 200 and r.json["kind_name"] == "与工作无关（已说明）" and r.json["reason_by"]
    assert client.delete(f"/api/accounts/{aid}/follows/{other['id']}", headers=city.headers("dept_operator")).status_code == 204
    with app.app_context():
        assert count(aid) == 0 == counted(aid)
    # a related follow needs no reason
    related = follow(client, city, aid, handle="东湖教育").json
    r = client.put(f"/api/accounts/{aid}/follows/{related['id']}/reason", json={"reason": "理由写在这里"},
                   headers=city.headers("dept_operator"))
    assert r.status_code == 409
    actions = {row["action"] for row in audit_trail(client, city.headers("office"))}
    assert {"follow.record", "follow.reason", "follow.remove"} <= actions


def test_the_register_judges_follows_again_when_it_changes(client, city, accounts, app):
    aid, _ = accounts
    news = follow(client, city, aid, handle="新华网").json
    with app.app_context():
        assert count(aid) == 1
    entry = office_adds(client, city, handle="新华网", name="新华网")
    with app.app_context():
        assert FollowedAccount.get_by_id(news["id"]).kind == "media" and count(aid) == 0
    r = client.put(f"/api/follow-register/{entry['id']}", json={"platform": "sina", "handle": "xinhua", "name": "新华网",
                                                                 "kind": "media"}, headers=city.headers("office"))
    assert r.status_code == 200, r.json
    with app.app_context():
        assert FollowedAccount.get_by_id(news["id"]).kind == "unrelated" and count(aid) == 1 == counted(aid)
    follow(client, city, aid, handle="xinhua")
    with app.app_context():
        assert count(aid) == 1
    assert client.delete(f"/api/follow-register/{entry['id']}", headers=city.headers("office")).status_code == 204
    with app.app_context():
        assert count(aid) == 2 == counted(aid)
    listed = client.get("/api/follow-register", headers=city.headers("dept_operator"))
    assert listed.status_code == 200 and listed.json == []
    # only the office edits it
    refused = client.post("/api/follow-register", json={"platform": "sina", "handle": "x", "name": "x", "kind": "media"},
                          headers=city.headers("dept_operator"))
    assert refused.status_code == 403


def test_bad_input_names_its_field_and_changes_nothing(client, city, accounts, app):
    aid, _ = accounts
    for body, field in (({"platform": "douyin", "handle": "x"}, "platform"), ({"handle": "  @ "}, "handle"),
                        ({"handle": "x" * 101}, "handle"), ({"handle": "x", "url": "javascript:alert(1)"}, "url"),
                        ({"handle": "x", "url": "u" * 501}, "url"), ({"handle": "x", "name": "n" * 101}, "name"),
                        ({"handle": "x", "platform": ""}, "platform")):
        r = follow(client, city, aid, **body)
        assert r.status_code == 422 and field in r.json["errors"], (body, r.json)
    follow(client, city, aid, handle="重复")
    again = follow(client, city, aid, handle="@重复")
    assert again.status_code == 422 and "handle" in again.json["errors"]
    for body, field in (({"handle": "a", "name": "a", "kind": "gossip"}, "kind"), ({"handle": "a", "kind": "media"}, "name"),
                        ({"handle": "a", "name": "a", "kind": "media", "platform": "nowhere"}, "platform"),
                        ({"handle": "a", "name": "a", "kind": "media", "url": "ftp://x"}, "url"),
                        ({"handle": "a", "name": "a", "kind": "media", "note": "n" * 201}, "note")):
        r = client.post("/api/follow-register", json={"platform": "sina", **body}, headers=city.headers("office"))
        assert r.status_code == 422 and field in r.json["errors"], (body, r.json)
    office_adds(client, city, handle="人民日报", name="人民日报")
    taken = client.post("/api/follow-register", json={"platform": "sina", "handle": "人民日报", "name": "又一个",
                                                      "kind": "media"}, headers=city.headers("office"))
    assert taken.status_code == 422 and "handle" in taken.json["errors"]
    with app.app_context():
        assert FollowedAccount.select().count() == 1 and count(aid) == 1


def table(rows, kind="xlsx"):
    if kind == "csv":
        return "\n".join(",".join(str(c) for c in row) for row in rows).encode("utf-8-sig"), "关注.csv"
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), "关注.xlsx"


def upload(client, city, aid, content, name, who="dept_operator"):
    return client.post(f"/api/accounts/{aid}/follows/import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data", headers=city.headers(who))


def test_an_import_adds_and_updates_and_reports_bad_rows_by_number(client, city, accounts, app):
    aid, _ = accounts
    follow(client, city, aid, handle="娱乐八卦")
    content, name = table([["平台", "账号", "名称", "网址"], ["新浪网", "@娱乐八卦", "八卦", "https://sina.example/g"],
                           ["sina", "东湖教育", "", ""], ["抖音", "某人", "", ""], ["tencent", "", "无名", ""],
                           ["腾讯网", "美食", "", "not-a-url"], [None, None, None, None], ["tencent", "旅游达人", "", ""]])
    r = upload(client, city, aid, content, name)
    assert r.status_code == 200, r.json
    assert (r.json["added"], r.json["updated"]) == (2, 1)
    assert [e["row"] for e in r.json["errors"]] == [4, 5, 6]
    assert set(r.json["errors"][0]["errors"]) == {"platform"} and set(r.json["errors"][1]["errors"]) == {"handle"}
    assert set(r.json["errors"][2]["errors"]) == {"url"}
    with app.app_context():
        assert FollowedAccount.select().where(FollowedAccount.account == aid).count() == 3
        assert FollowedAccount.get(FollowedAccount.handle == "娱乐八卦").name == "八卦"
        assert count(aid) == 2 == counted(aid)
    again = upload(client, city, aid, *table([["平台", "账号"], ["sina", "东湖教育"]], "csv"))
    assert (again.json["added"], again.json["updated"]) == (0, 1)
    for content, name in ((b"\x00\x01binary", "x.xlsx"), (table([["名称"], ["x"]])[0], "x.xlsx")):
        refused = upload(client, city, aid, content, name)
        assert refused.status_code == 422 and "file" in refused.json["errors"], refused.json
    with app.app_context():
        assert FollowedAccount.select().count() == 3


def test_another_unit_sees_nothing_and_may_not_write(client, city, accounts, app):
    aid, _ = accounts
    gossip = follow(client, city, aid, handle="娱乐八卦").json
    for method, path, body in (("get", f"/api/accounts/{aid}/follows", None),
                               ("post", f"/api/accounts/{aid}/follows", {"platform": "sina", "handle": "x"}),
                               ("put", f"/api/accounts/{aid}/follows/{gossip['id']}/reason", {"reason": "理由理由"}),
                               ("delete", f"/api/accounts/{aid}/follows/{gossip['id']}", None),
                               ("post", f"/api/accounts/{aid}/follows/check", None)):
        r = getattr(client, method)(path, json=body, headers=city.headers("west_operator"))
        assert r.status_code == 404, (method, path, r.status_code)
    # the district above sees the list but does not keep it
    assert client.get(f"/api/accounts/{aid}/follows", headers=city.headers("east_leader")).status_code == 200
    assert follow(client, city, aid, who="east_operator", handle="y").status_code == 403
    with app.app_context():
        assert FollowedAccount.select().count() == 1


def test_the_city_list_shows_accounts_with_unexplained_follows(client, city, accounts, app):
    aid, _ = accounts
    follow(client, city, aid, handle="娱乐八卦")
    follow(client, city, aid, handle="美食探店")
    supervision = auth(city.units["city"].id, city.units["city"].path, "supervision", person=city.people["admin"].id)
    for headers in (supervision, city.headers("office")):
        r = client.get("/api/accounts", query_string={"follows": "unexplained", "sort": "-follows"}, headers=headers)
        assert r.status_code == 200, r.json
        assert [(a["id"], a["unexplained_follows"]) for a in r.json] == [(aid, 2)]
    west = client.get("/api/accounts", query_string={"follows": "unexplained", "unit_id": city.units["west"].id},
                      headers=city.headers("office"))
    assert west.json == []
    assert client.get("/api/accounts", query_string={"follows": "all"}, headers=city.headers("office")).status_code == 422


def test_the_unit_has_a_to_do_until_its_unrelated_follows_are_explained(client, city, accounts):
    aid, _ = accounts
    gossip = follow(client, city, aid, handle="娱乐八卦").json

    def waiting(who):
        groups = client.get("/api/todo", headers=city.headers(who)).json
        return {g["kind"]: g for g in groups}.get("follows_unexplained")

    group = waiting("dept_operator")
    assert group["count"] == 1 and group["items"][0]["id"] == aid and group["items"][0]["title"] == "东湖教育"
    assert waiting("west_operator")["count"] == 0 and waiting("office") is None
    client.put(f"/api/accounts/{aid}/follows/{gossip['id']}/reason", json={"reason": "监测网络舆情"},
               headers=city.headers("dept_operator"))
    assert waiting("dept_operator")["count"] == 0


def test_a_recheck_follows_accounts_that_went_live_since(client, city, accounts, app):
    aid, _ = accounts
    early = follow(client, city, aid, handle="东湖发布").json
    assert early["kind"] == "unrelated"
    third = Person.create(unit=city.units["east"], name="东湖区操作员", username="east_third", password_hash=_HASH,
                          roles="operator")
    east_team = [{"person_id": city.people["east_leader"].id, "role": "leader_in_charge"},
                 {"person_id": city.people["east_operator"].id, "role": "responsible_office"},
                 {"person_id": third.id, "role": "operator"}]
    r = client.post("/api/accounts", json=application(city, name="东湖发布", platforms=["sina"], team=east_team),
                    headers=city.headers("east_operator"))
    assert r.status_code == 201, r.json
    east = r.json["id"]
    from tests.registry.test_account_changes import act
    act(client, city, "east_principal", east, "approve")
    filed = act(client, city, "office", east, "acknowledge_filing")
    assert filed.status_code == 200, filed.json
    act(client, city, "east_operator", east, "register_platform", platform="sina", handle="东湖发布",
        url="https://sina.example/dhfb")
    assert act(client, city, "east_operator", east, "activate").json["status"] == "active"
    r = client.post(f"/api/accounts/{aid}/follows/check", headers=city.headers("dept_operator"))
    assert r.status_code == 200 and r.json == {"changed": 1}
    with app.app_context():
        assert FollowedAccount.get_by_id(early["id"]).kind == "government" and count(aid) == 0 == counted(aid)


def test_a_follow_changed_meanwhile_is_not_counted_twice(client, city, accounts, app):
    """Two people at once: one explains a follow while another removes it (from the list read
    before): the removal is refused, and the kept count stays what the rows say."""
    from govmb.domain import Conflict
    from services.registry import follows
    from services.registry.people import identity_of
    aid, _ = accounts
    gossip = follow(client, city, aid, handle="娱乐八卦").json
    with app.app_context():
        stale = FollowedAccount.get_by_id(gossip["id"])
    client.put(f"/api/accounts/{aid}/follows/{gossip['id']}/reason", json={"reason": "监测网络舆情"},
               headers=city.headers("dept_operator"))
    with app.app_context():
        who = identity_of(city.people["dept_operator"])
        with pytest.raises(Conflict):
            follows.remove(Account.get_by_id(aid), stale, who)
        with pytest.raises(Conflict):
            follows.give_reason(Account.get_by_id(aid), stale, who, "另一个理由写在这里")
        assert count(aid) == 0 == counted(aid)
        assert FollowedAccount.get_by_id(gossip["id"]).reason == "监测网络舆情"
