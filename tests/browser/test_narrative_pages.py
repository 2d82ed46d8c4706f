"""Units' quarterly 简报/专报 in the browser: a unit's operator submits one with a file (an empty
title is refused beside the field), reads it back with its figures; the office sees which units
have and have not reported, and downloads the compiled report for the leaders."""
import re

import pytest

from tests.conftest import wait_for

pytestmark = pytest.mark.browser


def test_a_unit_submits_its_report_and_the_office_sees_it_and_compiles_the_citys(as_person, site, tmp_path):
    operator = as_person("jy_caozuo")

    def ready():
        operator.goto(site + "/narratives")
        return operator.locator("#units tbody tr[data-unit]").count() > 0
    wait_for(ready, timeout=30, interval=0.5, message="the accounts' copy in assessment")
    quarter = operator.input_value("#quarter select[name=quarter]")
    operator.click("#submit-section summary")
    form = "#narrative-form"
    operator.select_option(f"{form} select[name=kind]", "special")
    operator.fill(f"{form} textarea[name=text]", "本季度开展“双减”政策解读系列发布，回应家长关切。")
    attachment = tmp_path / "双减专报.pdf"
    attachment.write_bytes(b"%PDF-1.4 browser test")
    operator.set_input_files(f"{form} input[name=files]", str(attachment))
    operator.click(f"{form} button[type=submit]")
    assert "此项必填" in operator.inner_text("#error-title")  # beside the field, nothing sent
    assert operator.input_value(f"{form} textarea[name=text]").startswith("本季度开展")

    operator.fill(f"{form} input[name=title]", "南昌市教育局“双减”政策解读专报")
    operator.set_input_files(f"{form} input[name=files]", str(attachment))
    operator.click(f"{form} button[type=submit]")
    operator.wait_for_url(re.compile(r"/narratives/\d+$"))
    assert "“双减”政策解读系列发布" in operator.inner_text("#text")
    assert "专报" in operator.inner_text("#meta")
    assert "发布条数" in operator.inner_text("#figures")
    assert "双减专报.pdf" in operator.inner_text("#attachments")
    with operator.expect_download() as download:
        operator.click("#attachments a")
    assert download.value.suggested_filename == "双减专报.pdf"

    office = as_person("lianxi")
    office.goto(f"{site}/narratives?quarter={quarter}")
    row = office.locator("#units tbody tr", has_text="南昌市教育局").first
    assert "南昌市教育局“双减”政策解读专报" in row.inner_text()
    assert "已报送" in row.inner_text() or "逾期报送" in row.inner_text()
    assert "未报送" in office.inner_text("#summary") or "未报" in office.inner_text("#summary")
    office.select_option("#narrative-units select[name=submitted]", "false")
    office.wait_for_url(re.compile(r"submitted=false"))
    assert office.locator("#units tbody tr", has_text="南昌市教育局“双减”").count() == 0
    assert "未报送" in office.locator("#units tbody tr").first.inner_text()
    office.set_viewport_size({"width": 1366, "height": 900})
    office.screenshot(path=str(tmp_path.parent / "narratives-office.png"), full_page=True)
    with office.expect_download() as download:
        office.click("#compiled")
    assert download.value.suggested_filename.endswith(".pdf")
    assert open(download.value.path(), "rb").read(4) == b"%PDF"
