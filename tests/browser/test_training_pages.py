"""The training register in the browser: the office records a course with its trainer, the
units invited and who attended, adds more attendees, and sees it in each unit's yearly
record; a unit sees its own year only."""
import re

import pytest

from govmb.timefmt import to_beijing, utcnow
from tests.conftest import wait_for

pytestmark = pytest.mark.browser


def record_rows(page) -> dict[str, list[str]]:
    """The yearly record table: unit name → its figures as shown."""
    rows = [r.split("\t") for r in page.locator("#record tbody tr").all_inner_texts()]
    return {r[0].strip(): [c.strip() for c in r[1:]] for r in rows}


def test_the_office_records_a_course_with_attendees_and_sees_it_in_a_units_yearly_record(as_person, site):
    office = as_person("lianxi")
    assert "培训登记" in office.locator("header nav a").all_inner_texts()

    def ready():
        office.goto(site + "/training")
        return office.locator("#record-session select[name=attendee_unit_id] option", has_text="南昌市教育局").count() > 0
    wait_for(ready, timeout=20, interval=0.5, message="the unit copy in assessment")

    today = to_beijing(utcnow()).date()
    form = "#record-session"
    office.select_option(f"{form} select[name=kind]", "course")
    office.fill(f"{form} input[name=title]", "政务微博运营与舆情应对专题培训")
    office.fill(f"{form} input[name=held_on]", today.isoformat())
    office.fill(f"{form} input[name=hours]", "3")
    office.fill(f"{form} input[name=place]", "市政府第一会议室")
    office.fill(f"{form} input[name=trainer_name_0]", "陈晓")
    office.select_option(f"{form} select[name=trainer_kind_0]", "platform_expert")
    office.fill(f"{form} input[name=trainer_affiliation_0]", "新浪网")
    office.select_option(f"{form} select[name=invited_unit_ids]", label=["南昌市教育局", "东湖区"])
    office.select_option(f"{form} select[name=attendee_unit_id]", label="南昌市教育局")
    office.fill(f"{form} textarea[name=attendee_names]", "王敏、李强")
    office.click(f"{form} button[type=submit]")
    office.wait_for_url(re.compile(r"/training/\d+$"))
    session_url = office.url
    assert "陈晓（平台技术专家，新浪网）" in office.inner_text("#trainers")
    assert sorted(office.inner_text("#invited").split("、")) == sorted(["南昌市教育局", "东湖区"])
    assert [r.split("\t")[:2] for r in office.locator("#attendees tbody tr").all_inner_texts()] == [
        ["王敏", "南昌市教育局"], ["李强", "南昌市教育局"]]

    # one more from a district department; the same person twice is refused beside the field
    office.select_option("#add-attendees select[name=unit_id]", label="东湖区教育体育局")
    office.fill("#add-attendees textarea[name=names]", "马丽")
    office.click("#add-attendees button[type=submit]")
    office.wait_for_url(session_url)
    assert "马丽" in office.inner_text("#attendees")
    office.select_option("#add-attendees select[name=unit_id]", label="南昌市教育局")
    office.fill("#add-attendees textarea[name=names]", "王敏")
    office.click("#add-attendees button[type=submit]")
    assert "王敏 已登记参加本次培训" in office.inner_text("#add-attendees .field-error")
    assert office.locator("#attendees tbody tr").count() == 3

    office.goto(f"{site}/training?year={today.year}")
    assert "政务微博运营与舆情应对专题培训" in office.inner_text("#sessions")
    rows = record_rows(office)
    # invited, attended sessions, attendances, person-hours, invited but absent; own sessions, attendances, hours
    assert rows["南昌市教育局"] == ["1", "1", "2", "6.0", "0", "0", "0", "0.0"]
    assert rows["东湖区教育体育局"] == ["0", "1", "1", "3.0", "0", "0", "0", "0.0"]
    assert rows["东湖区"] == ["1", "0", "0", "0.0", "1", "0", "0", "0.0"]
    assert rows["南昌市公安局"] == ["0", "0", "0", "0.0", "0", "0", "0", "0.0"]

    with office.expect_download() as download:
        office.click("#export-csv")
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert "政务微博运营与舆情应对专题培训" in text and "王敏" in text and "马丽" in text

    unit = as_person("jy_zhuyao")
    unit.goto(f"{site}/training?year={today.year}")
    assert list(record_rows(unit)) == ["南昌市教育局"]
    assert record_rows(unit)["南昌市教育局"] == ["1", "1", "2", "6.0", "0", "0", "0", "0.0"]
    unit.click("#sessions a")
    assert "马丽" not in unit.inner_text("#attendees")  # another district's people are not its to see
    assert unit.locator("#add-attendees").count() == 0


def test_a_unit_registers_the_training_it_organises_itself(as_person, site):
    operator = as_person("jy_caozuo")
    operator.goto(site + "/training")
    assert "培训登记" in operator.locator("header nav a").all_inner_texts()
    today = to_beijing(utcnow()).date()
    form = "#record-session"
    assert "登记本单位自行组织的培训" in operator.inner_text("h2 >> nth=1")
    operator.select_option(f"{form} select[name=kind]", "exchange")
    operator.fill(f"{form} input[name=title]", "教育系统政务微博写作交流会")
    operator.fill(f"{form} input[name=held_on]", today.isoformat())
    operator.fill(f"{form} input[name=hours]", "0")
    operator.click(f"{form} button[type=submit]")
    assert operator.locator(f"{form} .field-error").count() == 1  # the hours, beside the field
    assert "教育系统政务微博写作交流会" not in operator.inner_text("#sessions")
    operator.fill(f"{form} input[name=hours]", "2")
    operator.fill(f"{form} textarea[name=attendee_names]", "赵敏、钱亮")
    operator.click(f"{form} button[type=submit]")
    operator.wait_for_url(re.compile(r"/training/\d+$"))
    assert "自行组织" in operator.inner_text("#organiser") and "南昌市教育局" in operator.inner_text("#organiser")
    operator.fill("#add-attendees textarea[name=names]", "孙丽")
    operator.click("#add-attendees button[type=submit]")
    operator.wait_for_load_state()
    assert "孙丽" in operator.inner_text("#attendees")
    operator.goto(f"{site}/training?year={today.year}")
    assert record_rows(operator)["南昌市教育局"][5:] == ["1", "3", "6.0"]
    office = as_person("lianxi")
    office.goto(f"{site}/training?year={today.year}")
    row = office.locator("#sessions tr[data-own=yes]", has_text="教育系统政务微博写作交流会")
    assert "南昌市教育局" in row.inner_text()
