"""The joint-meeting office opens the city dashboard, follows a figure to its records and
downloads the quarterly report, in Chromium."""
import datetime as dt
import re

import pytest

from govmb.timefmt import BEIJING
from services.assessment.handlers import HANDLERS
from tests.conftest import auth, wait_for
from tests.system import spec_of

OFFICE = auth(1, "/1/", "admin")


def this_quarter(now: dt.datetime) -> str:
    return f"{now.year}-Q{(now.month - 1) // 3 + 1}"


@pytest.fixture(scope="module")
def activity(site):
    """Released posts and citizens' messages of the demo's running accounts, as the bus
    delivers them to assessment (the facts publishing and inquiry report)."""
    import requests
    accounts = []
    def running():  # the list as it is now, not added to on each try
        accounts[:] = [a for a in requests.get(f"{site}/assessment/api/accounts", headers=OFFICE, timeout=5).json()
                       if a["status"] == "active"]
        return len(accounts) >= 3
    wait_for(running, message="the demo's accounts in assessment")
    when = dt.datetime.now(BEIJING)  # the demo's accounts opened moments ago
    quarter = this_quarter(when)
    units = {u["id"]: u["path"] for u in requests.get(f"{site}/assessment/api/units", headers=OFFICE, timeout=5).json()}
    with spec_of("assessment").db.connection_context():
        n = 0
        for i, a in enumerate(accounts):
            for k in range(3 + i):
                n += 1
                at = (when - dt.timedelta(seconds=k)).isoformat()
                HANDLERS["publishing.post.released"]({
                    "draft_id": 900000 + n, "account_id": a["id"], "unit_id": a["unit_id"],
                    "unit_path": units[a["unit_id"]], "original": k % 2 == 0, "info_type": "disclosure",
                    "platforms": ["sina"], "released_at": at, "fast_track": False, "correction_of": None,
                    "emergency_event_at": None, "emergency_on_time": None, "text": "便民信息", "reviews": []}, None)
                HANDLERS["inquiry.message.changed"]({
                    "id": 900000 + n, "account_id": a["id"], "unit_id": a["unit_id"], "unit_path": units[a["unit_id"]],
                    "category": "query", "sentiment": "negative" if k == 0 else "neutral", "status": "replied",
                    "step": "replied", "received_at": at, "replied_at": at,
                    "fed_back_at": None, "resolved_at": None,  # due at midnight: the page says 24:00 of the day before
                    "reply_due_at": (when + dt.timedelta(days=2)).replace(hour=0, minute=0, second=0, microsecond=0)
                    .isoformat(),
                    "feedback_due_at": (when + dt.timedelta(days=4)).isoformat(), "verification_due_at": None,
                    "revision": 1, "kind": "comment"}, None)
    return quarter, accounts


def test_the_office_opens_the_city_dashboard_and_downloads_the_quarterly_report(as_person, activity):
    quarter, accounts = activity
    page = as_person("lianxi")
    page.click("header nav button.dropdown-toggle:has-text('考核与督查')")  # the menu's group, then its page
    page.click("header nav .dropdown-menu >> text=考核")
    page.wait_for_load_state("networkidle")
    assert page.locator("#ranking").count() == 1, page.content()[-3000:]
    assert page.locator("h1").inner_text().startswith("考核总览")
    assert page.locator("#ranking tr").count() >= 3  # header and at least two units
    page.wait_for_selector(".chart svg")  # ECharts drew the charts from the npm package
    page.locator("#ranking tr:nth-child(2) td:nth-child(3) a").click()  # a unit's reply timeliness
    page.wait_for_load_state("networkidle")
    assert page.locator("#records").count() == 1, page.url + page.content()[-2000:]
    assert "回复及时率" in page.locator("h1").inner_text()
    page.goto(page.url.split("/kaohe")[0] + f"/kaohe/records?period={quarter[:4]}&kind=reply_timeliness"
              f"&unit_id={accounts[0]['unit_id']}")  # a unit with messages: its records' columns
    heads = page.locator("#records th").all_inner_texts()
    assert heads[:4] == ["留言编号", "账号", "收到时间", "回复期限"] and "状态" in heads  # in Chinese, not field names
    assert "received" not in page.locator("#records").inner_text()
    first = page.locator("#records tbody tr").first.locator("td").all_inner_texts()
    assert first[1] in {a["name"] for a in accounts}  # issue 17: the account by its name, not "账号编号 2"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} 24:00", first[3]), first  # and a midnight deadline as 24:00, as elsewhere

    page.goto(page.url.split("/kaohe")[0] + f"/kaohe/reports?quarter={quarter}")
    page.wait_for_selector("#report")
    rows = page.locator("#report tr")
    assert rows.count() >= 3 and "合计" in rows.last.inner_text()
    total_posts = sum(3 + i for i in range(len(accounts)))
    assert rows.last.locator("td").nth(1).inner_text() == str(total_posts)
    with page.expect_download() as pdf:
        page.click("#report-pdf")
    assert pdf.value.suggested_filename.endswith(f"{quarter}.pdf")
    assert open(pdf.value.path(), "rb").read(5) == b"%PDF-"
    with page.expect_download() as xlsx:
        page.click("#report-xlsx")
    assert xlsx.value.suggested_filename.endswith(".xlsx")
    assert open(xlsx.value.path(), "rb").read(2) == b"PK"
