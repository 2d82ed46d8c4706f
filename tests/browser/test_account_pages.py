"""Each role signs in and an account walks from application to active and to closed."""
import re

import pytest
import requests

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("username,menu", [  # grouped by work (web/session.py MENU_GROUPS), the hall last
    ("jy_caozuo", ["本单位账号", "粉丝数", "稿件", "统一口径", "门户网站源", "转发记录", "突发事件", "值班表", "网民留言", "无效留言", "考核", "督查检查", "检查覆盖率", "安全事件", "僵尸号整改", "通报与年度报表", "季度简报", "每日阅读", "培训登记", "政务微博大厅"]),
    ("jy_hegao", ["本单位账号", "待确认备案", "粉丝数", "稿件", "统一口径", "门户网站源", "转发记录", "突发事件", "校对环节", "值班表", "网民留言", "无效留言", "考核", "督查检查", "检查覆盖率", "安全事件", "僵尸号整改", "通报与年度报表", "季度简报", "每日阅读", "培训登记", "政务微博大厅"]),
    ("jy_fenguan", ["本单位账号", "待确认备案", "粉丝数", "稿件", "统一口径", "门户网站源", "转发记录", "突发事件", "值班表", "网民留言", "无效留言", "考核", "督查检查", "检查覆盖率", "安全事件", "僵尸号整改", "通报与年度报表", "季度简报", "每日阅读", "培训登记", "政务微博大厅"]),
    ("dh_zhuyao", ["本单位账号", "待确认备案", "粉丝数", "稿件", "统一口径", "门户网站源", "转发记录", "突发事件", "校对环节", "值班表", "网民留言", "无效留言", "考核", "督查检查", "检查覆盖率", "安全事件", "僵尸号整改", "通报与年度报表", "季度简报", "每日阅读", "培训登记", "政务微博大厅"]),
    ("lianxi", ["待确认备案", "全市账号", "关注名单", "统一口径", "门户网站源", "转发记录", "突发事件", "校对环节", "暂停发布", "词库", "网民留言", "无效留言", "考核", "督查检查", "检查覆盖率", "安全事件", "僵尸号", "通报与年度报表", "季度简报", "每日阅读", "培训登记", "单位", "审计日志", "政务微博大厅"]),
    ("ducha", ["全市账号", "关注名单", "统一口径", "转发记录", "突发事件", "暂停发布", "词库", "网民留言", "无效留言", "考核", "督查检查", "检查覆盖率", "安全事件", "僵尸号", "通报与年度报表", "季度简报", "每日阅读", "培训登记", "审计日志", "政务微博大厅"]),
    ("admin", ["全市账号", "转发记录", "突发事件", "暂停发布", "词库", "网民留言", "无效留言", "考核", "督查检查", "检查覆盖率", "安全事件", "通报与年度报表", "季度简报", "每日阅读", "培训登记", "人员与角色", "单位", "系统状态", "政务微博大厅"]),
    ("anquan", ["人员与角色", "政务微博大厅"]),  # 三员分立: the security administrator grants roles
    ("shenji", ["审计日志", "政务微博大厅"]),  # the audit administrator reads the trails
])
def test_each_role_signs_in_and_sees_its_menu(as_person, username, menu):
    page = as_person(username)
    assert page.locator("header nav a").all_inner_texts() == menu
    assert "退出" in page.inner_text("header .who")


def test_a_wrong_password_is_said_on_the_page(browser, site):
    page = browser.new_page()
    page.goto(site + "/sign-in")
    page.fill("input[name=username]", "jy_caozuo")
    page.fill("input[name=password]", "wrong-password")
    page.click("form button[type=submit]")
    assert "用户名或密码不正确" in page.inner_text(".alert")
    page.close()


def act(page, action: str, **fields) -> None:
    form = page.locator(f"#action-{action}")
    for name, value in fields.items():
        target = form.locator(f"[name={name}]")
        kind = target.evaluate("e => e.tagName + ':' + (e.type || '')")
        if kind.startswith("SELECT"):
            target.select_option(value)
        elif kind == "INPUT:checkbox":
            target.check()
        else:
            target.fill(value)
    with page.expect_response(lambda r: f"/act/{action}" in r.url):
        form.locator("button").click()
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def choose(page, select: str, person: str) -> None:
    value = page.locator(f"select[name={select}] option", has_text=person).get_attribute("value")
    page.select_option(f"select[name={select}]", value)


def plan_and_team(page, positioning: str = "发布教育体育政策与服务信息") -> None:
    """The application's work plan and 东湖区教育体育局's team (梁宇, 罗斌 and the first operator)."""
    page.fill("textarea[name=positioning]", positioning)
    page.fill("textarea[name=rules]", "先审后发，三审三校")
    page.fill("textarea[name=mechanism]", "操作员起草、责任处室核稿、分管领导审批")
    choose(page, "leader_in_charge", "梁宇")
    choose(page, "responsible_office", "罗斌")
    page.check("#application input[name=operators] >> nth=0")


def status_of(page) -> str:
    return page.inner_text("#account h1 .status")


def test_an_account_walks_from_application_to_active_and_to_closed(as_person, site):
    operator = as_person("dhjy_caozuo")
    operator.goto(site + "/accounts/new")
    operator.fill("input[name=name]", "教育之声")  # not tied to the unit: refused beside the field
    operator.click("#application button[type=submit]")
    operator.wait_for_selector("#error-name")
    assert "关联" in operator.inner_text("#error-name")
    assert "微博操作员" in operator.inner_text("#application")  # the team error is shown too

    operator.fill("input[name=name]", "东湖教育体育资讯")
    operator.select_option("select[name=category]", "livelihood")
    for code in ("xinhua", "ncnews"):
        operator.check(f"input[name=platforms][value={code}]")
    plan_and_team(operator)
    operator.click("#application button[type=submit]")
    operator.wait_for_url(re.compile(r"/accounts/\d+$"))
    url = operator.url
    assert status_of(operator) == "待主要领导审批"

    principal = as_person("dhjy_zhuyao")
    principal.goto(url)
    act(principal, "approve", comment="同意开设")
    assert status_of(principal) == "报上级备案中"

    county = as_person("dh_zhuyao")
    county.goto(site + "/filings")
    county.click("#waiting >> text=东湖教育体育资讯 >> xpath=../td[4]/a")
    county.wait_for_url(url)
    act(county, "acknowledge_filing")
    assert status_of(county) == "已备案，待平台注册"

    operator.goto(url)
    act(operator, "activate")  # not yet registered on every platform: refused, said on the page
    assert "未登记" in operator.inner_text("#action-error")
    for code, handle in (("xinhua", "东湖教育体育资讯"), ("ncnews", "东湖教育体育资讯")):
        act(operator, "register_platform", platform=code, handle=handle, url=f"https://{code}.example.cn/dhjyzx")
    act(operator, "activate")
    assert status_of(operator) == "正常运行"
    hall = requests.get(site + "/registry/api/hall", params={"q": "东湖教育体育资讯"}, timeout=5).json()
    assert [a["name"] for a in hall] == ["东湖教育体育资讯"]

    act(operator, "request_close", reason="并入东湖教育体育")
    principal.goto(url)
    act(principal, "approve_close")
    operator.goto(url)
    act(operator, "inform_superior")
    act(operator, "post_notice", notice_url="https://xinhua.example.cn/dhjyzx/notice")
    act(operator, "deregister_platform", platform="xinhua")
    act(operator, "deregister_platform", platform="ncnews")
    act(operator, "close")
    assert status_of(operator) == "已关闭"
    steps = operator.locator("#steps tbody tr").all_inner_texts()
    assert len(steps) == 13 and "东湖区 陈静" in steps[2]  # a refused step records nothing


def test_a_county_cannot_open_another_units_accounts(as_person, site):
    city_education = as_person("jy_caozuo")
    city_education.goto(site + "/accounts")
    names = city_education.locator("#accounts tbody td:first-child").all_inner_texts()
    assert "南昌教育" in names and "东湖发布" not in names
    district = as_person("dh_caozuo")
    district.goto(site + "/accounts")
    assert "南昌教育" not in district.locator("#accounts").inner_text()
    response = district.goto(site + "/accounts/2")  # 南昌教育, of the city's education bureau
    assert response.status == 404 and "不在您的管辖范围" in district.inner_text("main")


def test_the_joint_meeting_office_filters_the_whole_city(as_person, site):
    page = as_person("lianxi")
    page.goto(site + "/city")
    assert "东湖发布" in page.inner_text("#city-table") and "南昌发布" in page.inner_text("#city-table")
    page.select_option("select[name=status]", "filing")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('#city-table').innerText.includes('南昌发布')")
    assert "东湖教育体育" in page.inner_text("#city-table")
    assert "status=filing" in page.url


def test_the_public_hall_opens_without_sign_in(browser, site):
    page = browser.new_page()
    page.goto(site + "/")
    assert page.url.endswith("/hall")
    assert "南昌发布" in page.inner_text("main") and "新华网" in page.inner_text("main")
    page.click("text=按系统")
    assert "新闻宣传系统" in page.inner_text("main")
    page.close()


def test_a_form_without_its_csrf_token_is_refused(site):
    s = requests.Session()
    page = s.get(site + "/sign-in", timeout=5).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = s.post(site + "/sign-in", data={"username": "jy_caozuo", "password": "demo2026"}, timeout=5,
               allow_redirects=False)
    assert r.status_code == 400 and "CSRF" in r.text
    r = s.post(site + "/sign-in", data={"username": "jy_caozuo", "password": "demo2026", "csrf_token": "forged"},
               timeout=5, allow_redirects=False)
    assert r.status_code == 400
    r = s.post(site + "/sign-in", data={"username": "jy_caozuo", "password": "demo2026", "csrf_token": token},
               timeout=5, allow_redirects=False)
    assert r.status_code == 303
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
