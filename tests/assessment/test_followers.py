"""An account's followers per day (X20.3): entered by hand or imported; a day entered again
replaces the number and records who; an import keeps its good rows and reports the bad ones
by row number."""
import datetime as dt
import io
import json

import pytest
from openpyxl import Workbook

from govmb.account_copy import apply_account_snapshot
from govmb.timefmt import beijing_today
from services.assessment.models import Account, FollowerChange, FollowerCount
from tests.assessment.conftest import COUNTY, DEPT, OFFICE, OTHER
from tests.conftest import auth
from tests.publishing.conftest import account

LEADER = auth(4, "/1/3/4/", "leader", person=11)


def days(n: int) -> dt.date:
    return beijing_today() + dt.timedelta(days=n)


def enter(client, followers=1200, day=None, account_id=1, headers=DEPT):
    body = {"account_id": account_id, "day": (day or days(-1)).isoformat(), "followers": followers}
    return client.post("/api/followers", json=body, headers=headers)


def upload(client, name: str, data: bytes, headers=DEPT):
    return client.post("/api/followers/import", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name)})


def test_the_duty_log_shows_the_numbers_entered(client):
    enter(client, 1200, day=days(-2))
    enter(client, 1250, day=days(-1))
    r = client.get(f"/api/duty-log?account_id=1&from={days(-3).isoformat()}&to={days(-1).isoformat()}", headers=COUNTY)
    assert r.status_code == 200, r.json
    assert [d["followers"] for d in r.json["days"]] == [None, 1200, 1250]


def test_a_day_entered_again_replaces_the_number_and_records_who(client):
    r = enter(client, 1200)
    assert r.status_code == 200, r.json
    assert (r.json["followers"], r.json["replaced"], r.json["previous"], r.json["account_name"]) == (1200, False, None, "账号1")
    r = enter(client, 1250, headers=LEADER)
    assert (r.json["replaced"], r.json["previous"]) == (True, 1200)
    row = FollowerCount.get()
    assert (row.followers, row.entered_by, FollowerCount.select().count()) == (1250, "测试用户", 1)
    change = FollowerChange.get()
    assert (change.old_followers, change.followers, change.day) == (1200, 1250, days(-1))


@pytest.mark.parametrize("fields,field", [
    ({"account_id": 3}, "account_id"),  # another unit's account
    ({"account_id": 999}, "account_id"),
    ({"day": days(1)}, "day"),  # not yet
    ({"followers": -1}, "followers"),
    ({"followers": "很多"}, "followers"),
    ({"followers": 12.5}, "followers"),
    ({"followers": 2**31}, "followers"),
])
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(client, fields, field):
    r = enter(client, **fields)
    assert r.status_code == 422, r.json
    assert r.content_type == "application/problem+json" and list(r.json["errors"]) == [field]
    assert FollowerCount.select().count() == 0


def test_an_account_that_never_went_live_has_no_followers(client):
    apply_account_snapshot(Account)({**account(9), "status": "filing", "activated_at": None}, None)
    r = enter(client, account_id=9)
    assert r.status_code == 422 and "尚未开通" in r.json["errors"]["account_id"][0]
    r = upload(client, "粉丝.csv", f"账号,日期,粉丝数\n账号9,{days(-1).isoformat()},10\n".encode())
    assert r.json["saved"] == 0 and r.json["errors"] == [{"row": 2, "errors": {"account": "该账号尚未开通，没有粉丝数"}}]


def test_only_the_accounts_unit_enters(client):
    assert enter(client, headers=COUNTY).status_code == 422  # the county's is not its department's account
    assert enter(client, headers=OFFICE).status_code == 403
    assert FollowerCount.select().count() == 0


def test_an_import_keeps_good_rows_and_reports_bad_ones_by_row_number(client):
    enter(client, 900, day=days(-3))
    y1, y2, y3 = (days(-n).isoformat() for n in (1, 2, 3))
    text = ("账号ID,账号,日期,粉丝数\n"
            f"1,,{y1},1000\n"  # row 2: by id
            f",账号2,{y2.replace('-', '/')},\"2,000\"\n"  # row 3: by name, a date with slashes, a thousands comma
            f"1,,{y3},950\n"  # row 4: replaces the 900 entered by hand
            f"1,,昨天,1000\n"  # row 5: no date
            f"1,,{y1},一千\n"  # row 6: no number
            f"3,,{y1},10\n"  # row 7: another unit's account
            f",不存在的账号,{y1},10\n"  # row 8: no such account
            ",,,\n"  # an empty row is skipped, not counted
            f"1,,{days(2).isoformat()},10\n")  # row 10: the future
    r = upload(client, "粉丝.csv", text.encode("utf-8"))
    assert r.status_code == 200, r.json
    assert (r.json["saved"], r.json["replaced"]) == (2, 1)
    assert [(e["row"], sorted(e["errors"])) for e in r.json["errors"]] == [
        (5, ["day"]), (6, ["followers"]), (7, ["account_id"]), (8, ["account"]), (10, ["day"])]
    assert r.json["errors"][1]["errors"]["followers"] == "须为整数"
    assert r.json["errors"][0]["errors"]["day"] == "须为日期，例如 2026-10-01"
    got = {(f.account_id, f.day.isoformat()): f.followers for f in FollowerCount.select()}
    assert got == {(1, y1): 1000, (2, y2): 2000, (1, y3): 950}
    assert FollowerChange.get().old_followers == 900


def test_an_xlsx_with_dates_and_numbers_as_excel_keeps_them_and_gbk_csv_is_read(client):
    book = Workbook()
    sheet = book.active
    sheet.append(["账号名称", "日期", "粉丝数量"])
    sheet.append(["账号1", dt.datetime.combine(days(-1), dt.time()), 1234.0])
    sheet.append(["账号2", days(-1), 88])
    out = io.BytesIO()
    book.save(out)
    r = upload(client, "粉丝.xlsx", out.getvalue())
    assert (r.json["saved"], r.json["errors"]) == (2, [])
    assert {f.account_id: f.followers for f in FollowerCount.select()} == {1: 1234, 2: 88}
    r = upload(client, "粉丝.csv", f"账号,日期,粉丝数\n账号1,{days(-1).isoformat()},1300\n".encode("gb18030"))
    assert (r.json["saved"], r.json["replaced"]) == (0, 1)


@pytest.mark.parametrize("name,data,problem", [
    ("粉丝.pdf", b"%PDF-1.4", "只接受"),
    ("粉丝.xlsx", b"not a zip", "无法读取"),
    ("粉丝.csv", b"", "空的"),
    ("粉丝.csv", "账号ID,日期\n1,2026-10-01\n".encode(), "粉丝数"),
    ("粉丝.csv", "日期,粉丝数\n2026-10-01,1\n".encode(), "账号ID或账号"),
])
def test_an_unreadable_file_is_refused_whole(client, name, data, problem):
    r = upload(client, name, data)
    assert r.status_code == 422 and problem in r.json["errors"]["file"][0]
    assert FollowerCount.select().count() == 0


def test_the_history_shows_the_change_from_the_day_before_to_those_who_may_see(client):
    enter(client, 1000, day=days(-3))
    enter(client, 1100, day=days(-2))
    enter(client, 1050, day=days(-1))
    enter(client, 500, day=days(-1), account_id=2)
    r = client.get("/api/followers?account_id=1", headers=COUNTY)
    assert [(x["day"], x["followers"], x["change"]) for x in r.json] == [
        (days(-1).isoformat(), 1050, -50), (days(-2).isoformat(), 1100, 100), (days(-3).isoformat(), 1000, None)]
    assert r.json[0]["entered_at"].endswith("+08:00")
    assert len(client.get("/api/followers", headers=DEPT).json) == 4
    assert len(client.get("/api/followers?days=2", headers=OFFICE).json) == 2  # today and yesterday
    assert client.get("/api/followers", headers=OTHER).json == []


def test_the_history_pages_with_the_change_across_pages_and_narrows(client):
    """A page's first day still shows its change from the day before, which is on the next page;
    every day is found once walking the pages; the unit and the account's name narrow."""
    for n, followers in enumerate((1000, 1010, 1030, 1060, 1100), start=1):
        enter(client, followers, day=days(-n))
    enter(client, 500, day=days(-1), account_id=2)
    seen, number, changes = [], 1, {}
    while number:
        r = client.get("/api/followers", query_string={"page": number, "page_size": 2}, headers=COUNTY)
        assert r.status_code == 200, r.json
        seen += [(x["account_id"], x["day"]) for x in r.json]
        changes.update({x["day"]: x["change"] for x in r.json if x["account_id"] == 1})
        number = json.loads(r.headers["X-Pagination"]).get("next_page")
    assert len(seen) == len(set(seen)) == 6
    assert changes == {days(-1).isoformat(): -10, days(-2).isoformat(): -20, days(-3).isoformat(): -30,
                       days(-4).isoformat(): -40, days(-5).isoformat(): None}
    names = client.get("/api/followers", query_string={"q": "账号2"}, headers=COUNTY).json
    assert [x["account_id"] for x in names] == [2]
    assert client.get("/api/followers", query_string={"unit_id": 5}, headers=DEPT).status_code == 404
