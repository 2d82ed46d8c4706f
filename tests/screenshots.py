"""The user guides' screenshots (docs/guides/img/*.png): `make screenshots`, i.e.
`python -m tests.screenshots [NAME ...]` (only the named shots; all by default).

It starts the embedded system with the demo city on a free port in a scratch directory,
makes through the services' APIs, signed in as the demo people, what the pages need so that
they are not empty (posts in review and released, citizens' messages at every step, a
transfer and a return, problem notices, a unified-messaging directive, inspections, a
training session, the duty roster, followers), then signs in as each role in headless
Chromium and saves every shot of SHOTS at 1366 pixels wide (a shot with PHONE among its
`widths` also at 390, as <name>-390.png), cropped to the part that matters and reduced to a
small palette. tests/unit/test_guides.py checks that the guides
and SHOTS stay in step. Not part of the test suite: it refreshes the docs."""
from __future__ import annotations

import datetime as dt
import io
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import requests

IMAGES = Path(__file__).resolve().parents[1] / "docs" / "guides" / "img"
WIDTH, PHONE, MAX_HEIGHT = 1366, 390, 800
BOTH = (WIDTH, PHONE)  # a shot's widths: the desktop's and a phone's
BEIJING = dt.timezone(dt.timedelta(hours=8))
PLATFORMS = ("xinhua", "people", "tencent", "sina", "ncnews")


def now() -> dt.datetime:
    return dt.datetime.now(BEIJING)


def day(offset: int = 0) -> str:
    """A Beijing date `offset` days from today, as a date field takes it."""
    return str(now().date() + dt.timedelta(days=offset))


# ------------------------------------------------------------------ what to do before a shot
def form(text: dict[str, str] | None = None, choose: dict[str, str] | None = None, tick: tuple[str, ...] = ()):
    """Fill a form without sending it: `text` into fields, `choose` options by their label, `tick` boxes
    (each keyed by its CSS selector)."""
    def before(page) -> None:
        for selector, label in (choose or {}).items():
            page.focus(selector)  # a select with data-options takes its options when first focused (lists.js)
            page.select_option(selector, label=label)
        for selector, value in (text or {}).items():
            page.fill(selector, value)
        for selector in tick:
            page.check(selector)
    return before


def type_with_findings(page) -> None:
    """The editor with a text whose checks find a sensitive word, an ID number and a phone number."""
    page.fill("#editor textarea[name=text]", "网传有人在市教育局门前示威。经核实，当事人张某（身份证11010519491231002X）"
                                             "系因子女入学问题来访，已妥善答复。咨询电话13912345678。")
    page.locator("#editor textarea[name=text]").press("End")  # the checks run as one types
    page.wait_for_selector("#findings mark.block")


APPLICATION = form({"input[name=name]": "南昌教育资助", "textarea[name=positioning]": "发布学生资助政策，解答资助申请问题",
                    "textarea[name=rules]": "信息发布先审后发，三审三校",
                    "textarea[name=mechanism]": "操作员起草，责任处室核稿，分管领导审批；24小时值班"},
                   {"select[name=category]": "民生类"}, ("input[name=platforms][value=sina]",))
PLATFORM = form({"#action-register_platform input[name=handle]": "东湖青年",
                 "#action-register_platform input[name=url]": "https://weibo.com/donghuqingnian"})
FAST_TRACK = form({"#action-fast_track input[name=approved_at]": now().strftime("%Y-%m-%dT%H:%M")},
                  {"#action-fast_track select[name=channel]": "电话"})
ENTRY = form({"#entry input[name=citizen_handle]": "@红谷滩家长",
              "#entry textarea[name=text]": "请问今年小学一年级新生报名需要准备哪些材料？"})
REPLY = form({"#action-reply textarea[name=text]": "您好，留言已收到，我们正在核实，将尽快答复。"})
RESOLVE = form({"#action-resolve textarea[name=text]": "已协调区教体局，自下周起午休时段开放教室。"},
               tick=("#action-resolve input[name=publish]",))
FORWARD = form({".directive input[name=url]": "https://weibo.com/nanchangjiaoyu/forward/1"})
FIX_REPORT = form({"#report textarea[name=text]": "已建立留言每日清零制度，3 条留言均已补复", "#report input[name=fixed_on]": day()})
TRANSFER = form({"#transfer input[name=note]": "请核实小区电梯维修责任并答复网民"}, {"#transfer select[name=to_unit_id]": "东湖区"})
REASSIGN = form({"#returned input[name=note]": "施工许可归住建部门，请市住建局办理"},
                {"#returned select[name=to_unit_id]": "南昌市住房和城乡建设局"})
RETURN = form({"#waiting form.return input[name=reason]": "摊贩管理属城管部门职责，应由区城管局办理"})
DIRECTIVE = form({"#issue input[name=title]": "转发秋季运动会通知", "#issue input[name=due_at]": f"{day(1)}T18:00"})
NOTICE = form({"#issue-notice input[name=title]": "中小学课后服务收费咨询集中", "#issue-notice input[name=kind]": "咨询",
               "#issue-notice textarea[name=content]": "近三天网民集中询问课后服务收费标准，请统一答复口径并公开。"},
              {"#issue-notice select[name=unit_id]": "南昌市教育局"})
INSPECTION = form({"#record input[name=inspected_on]": day(), "#record textarea[name=checked]": "账号更新频率、网民留言回复、审核记录",
                   "#record textarea[name=found]": "“东湖教育体育”申请材料未写明节假日值班安排",
                   "#record textarea[name=required]": "补充值班安排，重新报备", "#record input[name=fix_by]": day(15)},
                  {"#record select[name=unit_id]": "东湖区教育体育局"})
REVIEW = form({"#review textarea[name=comment]": "请补充每日发布计划的文件"})
DORMANCY_ANSWER = form({"#answer textarea[name=text]": "已逐条回复超期留言，指定专人每日查看留言"})
UG_REPLY = form({"#action-reply textarea[name=text]": "ياخشىمۇسىز، ئۇچۇرىڭىزنى تاپشۇرۇۋالدۇق، ئېنىقلاپ تېزدىن جاۋاب قايتۇرىمىز."})


def type_uyghur_with_findings(page) -> None:
    """The editor with a Uyghur text whose checks find an ID number and a phone number."""
    page.fill("#editor textarea[name=text]", "مەكتەپ قوبۇل قىلىش ئۇقتۇرۇشى: ئاتا-ئانىلار 9-ئاينىڭ 1-كۈنىدىن بۇرۇن تىزىملىتىڭ. "
                                             "كىملىك نومۇرى 11010519491231002X، مەسلىھەت تېلېفونى 13912345678.")
    page.locator("#editor textarea[name=text]").press("End")
    page.wait_for_selector("#findings mark")


HALL_MESSAGE = form({"input[name=citizen_handle]": "@青山湖居民", "textarea[name=text]": "孩子所在学校午休没有地方休息，希望能开放教室。"},
                    {"select[name=account_id]": "南昌教育（南昌市教育局）"})


# ---------------------------------------------------------------------------- the shots
@dataclass(frozen=True)
class Shot:
    name: str  # docs/guides/img/<name>.png
    user: str | None  # the demo sign-in (password demo2026); None: nobody signed in
    page: str  # the path; {placeholders} name what build_city made
    before: Callable | None = None  # what to do on the page before the picture (nothing is sent)
    part: str = "main"  # CSS selector(s) of what to keep, full width; the menu too when it fits in 800 pixels
    widths: tuple[int, ...] = (WIDTH,)  # BOTH: also as a phone shows it
    language: str = "zh-CN"  # the browser's; "ug": the Uyghur interface (chosen with the footer's switch once signed in)

    def files(self) -> dict[int, str]:
        """The picture's name at each width: <name>.png at the desktop's, <name>-390.png at a phone's."""
        return {w: self.name if w == WIDTH else f"{self.name}-{w}" for w in self.widths}


ACCOUNT_STEPS = "#account h1, #account .actions"
SHOTS: tuple[Shot, ...] = (
    # each role's home page, "/" after signing in (each role's guide; the administrators' for admin)
    Shot("operator-home", "jy_caozuo", "/", widths=BOTH),
    Shot("office-home", "jy_hegao", "/", widths=BOTH),
    Shot("leader-home", "jy_fenguan", "/", widths=BOTH),
    Shot("district-home", "dh_zhuyao", "/", widths=BOTH),
    Shot("joint-home", "lianxi", "/", widths=BOTH),
    Shot("supervision-home", "ducha", "/", widths=BOTH),
    Shot("admin-home", "admin", "/", widths=BOTH),
    Shot("admin-people", "admin", "/people", widths=BOTH),
    # the bell's list and the notification settings (README.md)
    Shot("notifications", "jy_caozuo", "/notifications", widths=BOTH),
    Shot("notification-settings", "jy_caozuo", "/notifications/settings"),
    # the public and signing in (README.md)
    Shot("sign-in", None, "/sign-in"),
    Shot("hall", None, "/hall", widths=BOTH),
    Shot("hall-message", None, "/hall/message?find=南昌教育", HALL_MESSAGE),
    # 微博操作员 (operator.md)
    Shot("operator-accounts", "jy_caozuo", "/accounts", widths=BOTH),
    Shot("operator-apply", "jy_caozuo", "/accounts/new", APPLICATION),
    Shot("operator-register-platform", "dh_caozuo", "/accounts/{filed_account}", PLATFORM, ACCOUNT_STEPS),
    Shot("operator-editor", "jy_caozuo", "/drafts/new", type_with_findings, "#editor"),
    Shot("operator-drafts", "jy_caozuo", "/drafts", widths=BOTH),
    Shot("operator-emergency", "jy_caozuo", "/drafts/{emergency}", part="#draft"),
    Shot("operator-fast-track", "jy_caozuo", "/drafts/{fast}", FAST_TRACK, "#draft"),
    Shot("operator-record-publication", "jy_caozuo", "/drafts/{approved}", part="#draft"),
    Shot("operator-inbox", "jy_caozuo", "/inbox", ENTRY, widths=BOTH),
    Shot("operator-message", "jy_caozuo", "/inbox/{fresh_message}", REPLY, "#message"),
    Shot("operator-resolve", "jy_caozuo", "/inbox/{fed_back_message}", RESOLVE, "#message"),
    Shot("operator-directive", "jy_caozuo", "/directives", FORWARD),
    Shot("operator-roster", "jy_caozuo", "/roster"),
    Shot("operator-followers", "jy_caozuo", "/followers"),
    # 责任处室 (responsible-office.md)
    Shot("office-queue", "jy_hegao", "/drafts", part="main h1, #queue"),
    Shot("office-check", "jy_hegao", "/drafts/{submitted}", part="#draft"),
    Shot("office-notices", "jy_hegao", "/inbox/notices"),
    Shot("office-inspection-report", "jy_hegao", "/inspections/{inspection_open}", FIX_REPORT),
    # 分管领导、主要领导 (leader.md)
    Shot("leader-approve", "jy_fenguan", "/drafts/{checked}", part="#draft"),
    Shot("leader-assessment", "jy_fenguan", "/kaohe"),
    Shot("principal-approve-account", "jy_zhuyao", "/accounts/{applied_account}", part=ACCOUNT_STEPS),
    Shot("principal-approve-close", "dh_zhuyao", "/accounts/{closing_account}", part=ACCOUNT_STEPS),
    # 县区 (district.md)
    Shot("district-filings", "dh_zhuyao", "/filings"),
    Shot("district-filing", "dh_zhuyao", "/accounts/{filing_account}", part=ACCOUNT_STEPS),
    Shot("district-transfers", "dh_caozuo", "/inbox/transfers", RETURN),
    Shot("district-roster", "dh_zhuyao", "/roster?unit_id={dhjy_unit}"),
    # 联席会议办公室 (joint-office.md)
    Shot("joint-city", "lianxi", "/city", part="main h1, #city-table tbody tr:nth-child(-n+10)"),
    Shot("joint-directive", "lianxi", "/directives", DIRECTIVE),
    Shot("joint-transfer", "lianxi", "/inbox/{transfer_message}", TRANSFER, "#message"),
    Shot("joint-returned", "lianxi", "/inbox/transfers", REASSIGN),
    Shot("joint-notices", "lianxi", "/inbox/notices", NOTICE),
    Shot("joint-lexicon", "lianxi", "/lexicon", part="main h1, #add-words, #words tbody tr:nth-child(-n+4)"),
    Shot("joint-assessment", "lianxi", "/kaohe", widths=BOTH),
    Shot("joint-training", "lianxi", "/training"),
    Shot("joint-archives", "lianxi", "/kaohe/archives"),
    Shot("joint-audit", "lianxi", "/audit?service=publishing", part="#audit", widths=BOTH),
    # 督查 (supervision.md)
    Shot("supervision-inspections", "ducha", "/inspections", INSPECTION),
    Shot("supervision-review", "ducha", "/inspections/{inspection_reported}", REVIEW),
    Shot("joint-dormant", "lianxi", "/dormant"),
    Shot("operator-dormancy-order", "jy_caozuo", "/dormant/orders/{dormancy_order}", DORMANCY_ANSWER, "#order"),
    Shot("supervision-records", "ducha", "/kaohe/records?period={year}&kind=reply_timeliness&unit_id={jy_unit}", widths=BOTH),
    Shot("supervision-reports", "ducha", "/kaohe/reports"),
    Shot("supervision-bulletins", "ducha", "/bulletins"),
    # the Uyghur interface (operator-ug.md)
    Shot("ug-hall", None, "/hall", widths=BOTH, language="ug"),
    Shot("ug-operator-home", "jy_caozuo", "/", widths=BOTH, language="ug"),
    Shot("ug-operator-drafts", "jy_caozuo", "/drafts", language="ug"),
    Shot("ug-operator-editor", "jy_caozuo", "/drafts/new", type_uyghur_with_findings, "#editor", language="ug"),
    Shot("ug-operator-inbox", "jy_caozuo", "/inbox", widths=BOTH, language="ug"),
    Shot("ug-operator-message", "jy_caozuo", "/inbox/{fresh_message}", UG_REPLY, "#message", language="ug"),
    Shot("ug-office-check", "jy_hegao", "/drafts/{submitted}", part="#draft", language="ug"),
    Shot("ug-joint-assessment", "lianxi", "/kaohe", language="ug"),
)


# ------------------------------------------------------------------ the city's content
class Api:
    """The services' APIs as the demo people: one sign-in per person, then their token."""

    def __init__(self, base: str):
        from services.registry.people import DEMO_PASSWORD
        self.base, self.password, self.tokens = base, DEMO_PASSWORD, {}

    def __call__(self, user: str, method: str, path: str, expect: int = 200, **kwargs):
        if user not in self.tokens:
            r = requests.post(f"{self.base}/registry/api/auth/sign-in",
                              json={"username": user, "password": self.password}, timeout=30)
            r.raise_for_status()
            self.tokens[user] = r.json()["token"]
        r = requests.request(method, self.base + path, headers={"Authorization": f"Bearer {self.tokens[user]}"},
                             timeout=30, **kwargs)
        if r.status_code != expect:
            raise RuntimeError(f"{user} {method} {path}: {r.status_code} {r.text[:500]}")
        return r.json() if r.content else None


def _iso(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds")


def build_city(api: Api) -> dict:
    """Everything the shots show, made as the people who would make it; the ids for SHOTS' pages."""
    from tests.conftest import wait_for

    def account(service: str, user: str, name: str) -> dict:
        """An account as `service`'s copy has it, once the registry's events have reached it."""
        def found():
            return next((a for a in api(user, "GET", f"/{service}/api/accounts?page_size=500") if a["name"] == name), None)
        return wait_for(found, timeout=60, interval=0.3, message=f"{name} in {service}")

    units = {u["name"]: u["id"] for u in api("lianxi", "GET", "/registry/api/units?page_size=500")}
    registry = {a["name"]: a for a in api("lianxi", "GET", "/registry/api/accounts?page_size=500")}
    lead, jy, dh = (account("publishing", user, name) for user, name in
                    (("xwb_caozuo", "南昌发布"), ("jy_caozuo", "南昌教育"), ("dh_caozuo", "东湖发布")))
    for service in ("inquiry", "assessment"):
        account(service, "jy_caozuo", "南昌教育")
        account(service, "dh_caozuo", "东湖发布")

    def draft(prefix: str, acc: dict, text: str, *steps, **fields) -> int:
        """A draft written by the unit's operator and taken through `steps` (action, who's suffix, body)."""
        d = api(f"{prefix}_caozuo", "POST", "/publishing/api/drafts", 201,
                json={"account_id": acc["id"], "text": text, "info_type": "disclosure", "original": True, **fields})
        for action, who, body in steps:
            api(f"{prefix}_{who}", "POST", f"/publishing/api/drafts/{d['id']}/actions/{action}", json=body)
        return d["id"]

    review = (("submit", "caozuo", {}), ("check", "hegao", {"acknowledge": True}), ("approve", "fenguan", {}))
    release = tuple(("record_publication", "caozuo", {"platform": p, "url": f"https://{p}.example.cn/post"})
                    for p in PLATFORMS)
    lead_post = draft("xwb", lead, "#南昌发布# 《南昌市文明行为促进条例》自下月1日起施行，全文见市政府网站。", *review, *release)
    draft("jy", jy, "南昌市中小学秋季运动会将于下周举行，欢迎家长观摩。", *review, *release)
    approved = draft("jy", jy, "全市中小学秋季学期开学时间安排如下：9月1日报到，9月2日正式上课。", *review, *release[:2])
    checked = draft("jy", jy, "市教育局关于做好2026年学生资助工作的通知：资助对象、标准和申请时间……", *review[:2])
    submitted = draft("jy", jy, "部分家长反映学校周边交通拥堵，市教育局已会同交警部门制定疏导方案，咨询电话13912345678。",
                      review[0])
    fast = draft("jy", jy, "今天下午3点，市教育局将在官网直播中小学开学安全工作会议。", review[0])
    draft("jy", jy, "网传我市将取消中考体育考试，系不实信息。", review[0],
          ("return", "hegao", {"comment": "请注明信息来源并附上官方文件链接"}), info_type="rumor")
    emergency = draft("jy", jy, "今天上午，某中学发生学生食物中毒疑似事件，市教育局已会同卫健部门赶赴现场处置。",
                      review[0], info_type="emergency", event_at=_iso(now() - dt.timedelta(minutes=35)))

    directive = api("lianxi", "POST", "/publishing/api/directives", 201,
                    json={"title": "转发《南昌市文明行为促进条例》施行公告", "lead_draft_id": lead_post,
                          "due_at": _iso(now() + dt.timedelta(days=1))})
    api("dh_caozuo", "POST", f"/publishing/api/directives/{directive['id']}/forwards",
        json={"account_id": dh["id"], "url": "https://sina.example.cn/donghu/forward"})

    def message(prefix: str, acc: dict, handle: str, text: str, received: dt.datetime | None = None, *steps) -> int:
        m = api(f"{prefix}_caozuo", "POST", "/inquiry/api/messages", 201,
                json={"account_id": acc["id"], "kind": "comment", "citizen_handle": handle, "text": text,
                      **({"received_at": _iso(received)} if received else {})})
        for action, body in steps:
            api(f"{prefix}_caozuo", "POST", f"/inquiry/api/messages/{m['id']}/actions/{action}", json=body)
        return m["id"]

    def ago(**delta) -> dt.datetime:
        return now() - dt.timedelta(**delta)

    message("jy", jy, "@南昌老街坊", "孩子学校的课后服务收费标准是多少？", ago(days=3))
    message("jy", jy, "@西湖区家长", "开学后校车什么时候恢复运行？", ago(hours=30), ("reply", {"text": "您好，已收到，正在了解。"}))
    message("jy", jy, "@高新区市民", "投诉某培训机构收费后不退款，希望教育局查处。", ago(hours=20),
            ("reply", {"text": "您好，已转交市场监管和校外培训监管科室核实。"}),
            ("feedback", {"text": "已受理，需要核实该机构的办学资质和合同。", "needs_verification": True}))
    fed_back = message("jy", jy, "@青山湖居民", "孩子所在学校午休没有地方休息，希望能开放教室。", ago(hours=5),
                       ("reply", {"text": "您好，留言已收到，我们正在了解情况。"}),
                       ("feedback", {"text": "已受理，已请区教体局调查学校午休安排。"}))
    message("jy", jy, "@红谷滩家长", "感谢市教育局及时公布招生划片范围！", ago(days=1),
            ("reply", {"text": "感谢您的支持！"}), ("feedback", {"text": "谢谢关注。"}), ("resolve", {"text": "已办结。"}))
    fresh = message("jy", jy, "@新建区网友", "新建区某小学门口的斑马线已经看不清了，存在安全隐患。", ago(minutes=40))
    transfer_message = message("jy", jy, "@东湖居民", "东湖区某小区电梯长期故障无人维修，多次反映无果。", ago(hours=3))
    returned = message("jy", jy, "@东湖居民", "东湖区某路段夜间施工噪音扰民。", ago(hours=2))
    transfer = api("lianxi", "POST", f"/inquiry/api/messages/{returned}/transfers", 201,
                   json={"to_unit_id": units["东湖区"], "note": "请东湖区核实处理"})
    api("dh_caozuo", "POST", f"/inquiry/api/transfers/{transfer['id']}/answer",
        json={"accept": False, "reason": "施工许可由市住建部门审批，应由市住建局办理"})
    waiting = message("jy", jy, "@东湖居民", "东湖区某学校周边流动摊贩占道经营，学生上下学不安全。", ago(hours=1))
    api("lianxi", "POST", f"/inquiry/api/messages/{waiting}/transfers", 201,
        json={"to_unit_id": units["东湖区"], "note": "请东湖区组织城管和教体部门处理"})

    for title, kind, unit, content in (
            ("校外培训机构退费投诉集中", "投诉", "南昌市教育局", "近一周网民反映多家校外培训机构退费难，请核查并答复。"),
            ("学校周边交通拥堵", "建议", "东湖区", "网民集中反映放学时段学校周边拥堵，请研究疏导措施。")):
        api("lianxi", "POST", "/inquiry/api/notices", 201,
            json={"title": title, "importance": "high", "kind": kind, "unit_id": units[unit], "content": content})
    replied = api("dh_caozuo", "GET", "/inquiry/api/notices")[0]
    api("dh_caozuo", "POST", f"/inquiry/api/notices/{replied['id']}/reply", json={"reply": "已会同交警部门在放学时段安排疏导。"})

    today = now().date()
    inspection = {"checked": "账号更新、网民留言回复、信息发布审核记录", "required": "逐条整改，报告整改情况"}
    inspection_open = api("ducha", "POST", "/assessment/api/inspections", 201, json={
        **inspection, "unit_id": units["南昌市教育局"], "inspected_on": str(today - dt.timedelta(days=20)),
        "found": "“南昌教育”9月有 3 条网民留言超过 24 小时未回复", "fix_by": str(today - dt.timedelta(days=3))})["id"]
    inspection_reported = api("ducha", "POST", "/assessment/api/inspections", 201, json={
        **inspection, "unit_id": units["东湖区"], "inspected_on": str(today - dt.timedelta(days=10)),
        "found": "“东湖发布”连续 9 天未更新", "fix_by": str(today + dt.timedelta(days=5))})["id"]
    api("dh_caozuo", "POST", f"/assessment/api/inspections/{inspection_reported}/report",
        json={"text": "已明确每日发布计划，由值班操作员每天至少发布 1 条", "fixed_on": str(today)})

    # 僵尸号: 南昌教育 left a message unanswered 100 days; the office orders it put right within a week
    message("jy", jy, "@青云谱居民", "学校门口的减速带坏了三个月，一直没人回复。", ago(days=100))
    wait_for(lambda: api("lianxi", "GET", f"/assessment/api/dormancy/accounts?account_id={jy['id']}"), timeout=60,
             interval=0.5, message="assessment to find 南昌教育 dormant")
    dormancy_order = api("lianxi", "POST", "/assessment/api/dormancy/orders", 201, json={
        "account_id": jy["id"], "reason": "一周内逐条回复超期留言，建立留言回复台账", "deadline": str(today + dt.timedelta(days=7))})["id"]

    api("lianxi", "POST", "/assessment/api/training/sessions", 201, json={
        "kind": "course", "title": "政务微博运营与舆情应对培训", "held_on": str(today - dt.timedelta(days=7)), "hours": "3",
        "place": "市政府新闻办会议室",
        "trainers": [{"name": "陈晨", "kind": "platform_expert", "affiliation": "新浪网"},
                     {"name": "赵磊", "kind": "leader", "affiliation": "市政府新闻办"}],
        "invited_unit_ids": [units["南昌市教育局"], units["东湖区"], units["东湖区教育体育局"]],
        "attendees": [{"person_name": n, "unit_id": units[u]} for n, u in
                      (("王敏", "南昌市教育局"), ("李强", "南昌市教育局"), ("何静", "东湖区"))]})

    for day, hour, hours, who in ((0, 8, 8, "王敏"), (0, 16, 16, "李强"), (1, 8, 8, "王敏")):
        begins = dt.datetime.combine(today + dt.timedelta(days=day), dt.time(hour), BEIJING)
        api("jy_caozuo", "POST", "/assessment/api/roster/shifts", 201, json={
            "starts_at": _iso(begins), "ends_at": _iso(begins + dt.timedelta(hours=hours)),
            "person_name": who, "phone": "0791-83981234"})
    for days, count in ((3, 125_300), (2, 125_870), (1, 126_410)):
        api("jy_caozuo", "POST", "/assessment/api/followers",
            json={"account_id": jy["id"], "day": str(today - dt.timedelta(days=days)), "followers": count})

    return {"approved": approved, "checked": checked, "submitted": submitted, "fast": fast, "emergency": emergency,
            "fresh_message": fresh, "fed_back_message": fed_back, "transfer_message": transfer_message,
            "inspection_open": inspection_open, "inspection_reported": inspection_reported,
            "dormancy_order": dormancy_order,
            "applied_account": registry["南昌教育招生考试"]["id"], "filed_account": registry["东湖青年"]["id"],
            "filing_account": registry["东湖教育体育"]["id"], "closing_account": registry["东湖文明"]["id"],
            "jy_unit": units["南昌市教育局"], "dhjy_unit": units["东湖区教育体育局"], "year": today.year}


# ------------------------------------------------------------------------ taking them
def save(png: bytes, path: Path) -> None:
    """A screenshot in 64 colours: text and flat colours stay sharp at a fraction of the size."""
    from PIL import Image
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=64, dither=Image.Dither.NONE).save(path, optimize=True)


def take(page, shot: Shot, base: str, ids: dict) -> bytes:
    page.goto(base + shot.page.format(**ids))
    page.wait_for_load_state("networkidle")
    if shot.before:
        shot.before(page)
        page.evaluate("document.activeElement && document.activeElement.blur()")  # no caret, no focus ring
    page.wait_for_timeout(500)  # the charts' animation, the clocks' first tick
    parts = page.locator(shot.part)
    boxes = [parts.nth(i).bounding_box() for i in range(parts.count())]
    if not boxes:
        raise RuntimeError(f"{shot.name}: nothing on {shot.page} matches {shot.part!r}")
    top = min(b["y"] for b in boxes) - 12
    bottom = max(b["y"] + b["height"] for b in boxes) + 12
    if bottom <= MAX_HEIGHT or (bottom - top > MAX_HEIGHT and top < 200):
        top = 0  # the menu says whose page it is: kept when the part fits below it, or is cut anyway
    bottom = min(bottom, top + MAX_HEIGHT, page.evaluate("document.documentElement.scrollHeight"))
    width = page.viewport_size["width"]
    return page.screenshot(clip={"x": 0, "y": top, "width": width, "height": bottom - top}, full_page=True)


def sign_in(browser, base: str, user: str | None, width: int = WIDTH, language: str = "zh-CN"):
    from services.registry.people import DEMO_PASSWORD
    context = browser.new_context(viewport={"width": width, "height": MAX_HEIGHT}, locale=language,
                                  timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(20_000)
    if user:
        page.goto(base + "/sign-in")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_load_state("networkidle")
        if "/sign-in" in page.url:
            raise RuntimeError(f"{user} could not sign in")
        if language != "zh-CN":  # signed in, the person's own language: chosen in the footer, as a person would
            page.click(f"footer form.language-switch button[value={language}]")
            page.wait_for_load_state("networkidle")
    return context, page


def main(names: list[str]) -> None:
    unknown = set(names) - {s.name for s in SHOTS}
    if unknown:
        sys.exit(f"no such shot: {', '.join(sorted(unknown))}")
    shots = [s for s in SHOTS if not names or s.name in names]
    from playwright.sync_api import sync_playwright

    from ops.embedded import EmbeddedSystem
    from tests.browser.conftest import ARGS, CHROMIUM

    with tempfile.TemporaryDirectory() as data:
        os.environ["GOVMB_DATA_DIR"] = data
        os.environ["SIGNIN_LIMIT_PER_ADDRESS"] = "1000/minute"  # every sign-in comes from this host
        # the bell with something in it: every new message's reply reminded at once (notifications.py)
        os.environ.update(REMIND_REPLY_HOURS="24", REMINDERS_INTERVAL_SECONDS="2")
        for var in ("AMQP_URL", "DATABASE_URL", "GOVMB_MODE"):
            os.environ.pop(var, None)
        system = EmbeddedSystem(port=0).start()
        base = f"http://127.0.0.1:{system.port}"
        try:
            ids = build_city(Api(base))
            IMAGES.mkdir(parents=True, exist_ok=True)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                pages = {}
                for shot in shots:
                    for width, file in shot.files().items():
                        key = shot.user, width, shot.language  # one sign-in a person, width and language
                        if key not in pages:
                            pages[key] = sign_in(browser, base, shot.user, width, shot.language)
                        save(take(pages[key][1], shot, base, ids), IMAGES / f"{file}.png")
                        print(f"{file}.png", flush=True)
                for context, _page in pages.values():
                    context.close()
                browser.close()
        finally:
            system.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
