"""The catalogues hold every text of the code (the templates' Chinese as web.i18n marks it, the
Chinese strings of the Python), and adding a locale is adding a catalogue: its texts reach the
pages, the services' answers and marshmallow's messages in the person's language."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import Flask, abort, render_template_string, request, session
from marshmallow import Schema, fields, validate

from govmb import i18n as shared
from govmb.errors import problem
from ops import catalogue
from ops.catalogue import DOMAINS, Domain, Source, differences, locales, write
from tests.i18n.test_pages import Reader, english_of
from web import i18n
from web.app import create_app


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
def test_every_catalogue_holds_every_text_of_the_code(domain):
    template = catalogue.extracted(domain)
    assert len(template) > 500
    for locale in locales(domain):
        missing, left = differences(domain, locale, template)
        assert not missing and not left, (
            f"{domain.name}/{locale}: {len(missing)} texts missing ({missing[:10]}), {len(left)} left over "
            f"({left[:10]}): run `make catalogue` (python -m ops.catalogue update) and translate what it adds")


def small_domain(tmp_path, page: str) -> Domain:
    (tmp_path / "src/templates").mkdir(parents=True)
    (tmp_path / "src/templates/page.html").write_text(page, encoding="utf-8")
    (tmp_path / "src/labels.py").write_text('"""说明文字不算。"""\nLABELS = {"a": "账号"}\nX = f"第{1}页"\n', encoding="utf-8")
    methods = (("templates/**.html", catalogue.JINJA), ("**.py", catalogue.PYTHON))
    return Domain("t", tmp_path / "translations", (Source(str(tmp_path / "src"), methods),))


PAGE = """{% extends "base.html" %}<h1>账号列表</h1><p>共 {{ n }} 条，<a href="#" title="查看详情">下一页</a></p>
<input placeholder="请输入名称"><input type="submit" value="提交"><button name="go" value="保存">存</button>
<option value="已发布">{{ "正常" if ok else "不可用" }}</option>{% if s == "草稿" %}{{ _("已有 %(n)s 条", n=n) }}{% endif %}
<!-- 注释 --><script>var a = "脚本";</script><textarea>原文</textarea>"""


def test_the_extension_marks_the_texts_a_person_reads(tmp_path):
    found = {m.id for m in catalogue.extracted(small_domain(tmp_path, PAGE)) if m.id}
    assert found == {"账号列表", "共", "条，", "查看详情", "下一页", "请输入名称", "提交", "存", "正常", "不可用",
                     "已有 %(n)s 条", "账号"}


def test_a_text_added_to_a_template_is_missing_until_the_catalogue_is_updated(tmp_path):
    domain = small_domain(tmp_path, PAGE)
    write(domain, "zh_Hans", catalogue.extracted(domain))
    assert differences(domain, "zh_Hans") == ([], [])
    (tmp_path / "src/templates/page.html").write_text(PAGE + "<p>新加的说明</p>", encoding="utf-8")
    assert differences(domain, "zh_Hans") == (["新加的说明"], [])
    write(domain, "ug", catalogue.extracted(domain))  # a new locale: every text waits for its translation
    missing, _ = differences(domain, "ug")
    assert "新加的说明" in missing and "账号列表" in missing


@pytest.fixture
def two_locales(tmp_path):
    """A catalogue directory with zh_Hans and a second locale (Uyghur, as issue 21 will add)
    translating a few texts."""
    domain = small_domain(tmp_path, PAGE + "<p>长度不能超过 {max}</p><p>输入有误</p>")
    template = catalogue.extracted(domain)
    for locale in ("zh_Hans", "ug"):
        write(domain, locale, template)
    path = catalogue.po_path(domain, "ug")
    text = path.read_text(encoding="utf-8")
    for zh, ug in (("账号列表", "ھېسابات تىزىملىكى"), ("账号", "ھېسابات"), ("长度不能超过 {max}", "ئۇزۇنلۇقى {max} دىن ئاشمىسۇن"),
                   ("输入有误", "كىرگۈزۈش خاتا")):
        text = text.replace(f'msgid "{zh}"\nmsgstr ""', f'msgid "{zh}"\nmsgstr "{ug}"')
    path.write_text(text, encoding="utf-8")
    return domain.translations


def page_client(translations, template: str, **values):
    """A test client of a web app on the catalogues whose page "/" is the template (`?as=ug`: the
    person chooses a language)."""
    app = Flask(__name__)
    app.secret_key = "test"
    i18n.init_app(app, translations)

    @app.route("/")
    def page():
        if "as" in request.args:
            session["locale"] = request.args["as"]
        return render_template_string(template, **values)

    return app.test_client()


def test_adding_a_locale_is_adding_a_catalogue_pages(two_locales):
    client = page_client(two_locales, "<h1>账号列表</h1>{{ label }}<p>{{ _('账号') }}</p>", label="账号")
    assert client.get("/").get_data(as_text=True) == "<h1>账号列表</h1>账号<p>账号</p>"
    ug = client.get("/", headers={"Accept-Language": "ug"}).get_data(as_text=True)
    assert ug == "<h1>ھېسابات تىزىملىكى</h1>ھېسابات<p>ھېسابات</p>"  # the template, a Python string, _()
    client.get("/?as=ug")  # the person's choice, kept in the session, wins over the browser's
    assert "ھېسابات" in client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    client.get("/?as=fr")  # a locale without a catalogue is not offered
    assert "账号列表" in client.get("/").get_data(as_text=True)


def test_a_value_in_a_sentence_is_shown_as_it_is_shown_on_its_own(two_locales):
    # a sentence with a value is one message (docs/i18n.md): a Chinese label from Python named in it is in the
    # person's language, a text is escaped, a block of markup (a value that stands out) is kept
    client = page_client(two_locales, '{% set shown %}<b id="n">{{ count }}</b>{% endset %}'
                         '<p>{{ _("已有 %(n)s 条", n=shown) }}</p><p>{{ _("已有 %(n)s 条", n=label) }}</p>'
                         '<p>{{ _("已有 %(n)s 条", n=text) }}</p>', count=3, label="账号", text="<i>")
    assert client.get("/").get_data(as_text=True) == ('<p>已有 <b id="n">3</b> 条</p><p>已有 账号 条</p>'
                                                      "<p>已有 &lt;i&gt; 条</p>")
    ug = client.get("/", headers={"Accept-Language": "ug"}).get_data(as_text=True)
    assert ug == '<p>已有 <b id="n">3</b> 条</p><p>已有 ھېسابات 条</p><p>已有 &lt;i&gt; 条</p>'


def test_adding_a_locale_is_adding_a_catalogue_api_errors(two_locales):
    app = Flask(__name__)
    shared.init_app(app, two_locales)

    class Named(Schema):
        name = fields.String(validate=validate.Length(max=5))

    @app.route("/")
    def answer():
        return problem(422, None, Named().validate({"name": "长长长长长长"}))

    body = app.test_client().get("/", headers={"Accept-Language": "ug"}).get_json()
    assert body["title"] == "كىرگۈزۈش خاتا"
    assert body["errors"] == {"name": ["ئۇزۇنلۇقى 5 دىن ئاشمىسۇن"]}  # translated, then the limit filled in
    body = app.test_client().get("/").get_json()
    assert body["title"] == "输入有误" and body["errors"] == {"name": ["长度不能超过 5"]}


CODES = (400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500, 502, 503)


def test_every_error_page_of_the_web_app_is_in_chinese():
    app = create_app()

    @app.route("/test-error/<int:code>")
    def fail(code):
        if code == 500:
            raise RuntimeError("boom")
        abort(code)

    client = app.test_client()
    for code in CODES:
        r = client.get(f"/test-error/{code}")
        assert r.status_code == code
        reader = Reader()
        reader.feed(r.get_data(as_text=True))
        text = " ".join(reader.texts)
        assert not english_of(reader.texts, set()), (code, english_of(reader.texts, set()))
        assert shared.CJK.search(text.split(str(code), 1)[-1]), (code, text)
    assert "页面不存在" in client.get("/no-such-page").get_data(as_text=True)


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
def test_no_chinese_is_written_in_an_f_string(domain):
    # an f-string cannot be looked up: a message with values is govmb.messages.said("…{n}…", n=…) (or, stored in
    # the source language, N_("…{n}…").format(n=…)); web/ is the web app's domain, govmb/ and services/ the services'
    assert {source.directory for source in domain.sources} <= {"web", "govmb", "services"}
    found = catalogue.fstrings(domain)
    assert not found, "rewrite these with said('…{n}…', n=…): " + ", ".join(found)


def test_a_chinese_f_string_is_found(tmp_path, monkeypatch):
    (tmp_path / "src").mkdir()
    (tmp_path / "src/job.py").write_text('A = f"第{1}页"\nB = f"page {1}"\nC = said("第{n}页", n=1)\n', encoding="utf-8")
    monkeypatch.setattr(catalogue, "ROOT", tmp_path)
    assert catalogue.fstrings(Domain("t", tmp_path / "translations", (Source("src", ()),))) == ["src/job.py:1"]


@pytest.fixture
def worker_locales(tmp_path):
    """zh_Hans and a second locale translating a reminder's title and an e-mail's lines, as the
    worker jobs write them (services/*/reminders.py, services/registry/delivery.py)."""
    (tmp_path / "src").mkdir()
    texts = {"{name} 的值班即将开始": "{name} نۆۋەتچىلىكى باشلىنىدۇ", "【政务微博】{title}": "【ھۆكۈمەت مىكرو بىلوگى】{title}",
             "类别：{kind}": "تۈرى：{kind}"}
    (tmp_path / "src/texts.py").write_text("\n".join(f"T{i} = {zh!r}" for i, zh in enumerate(texts)), encoding="utf-8")
    domain = Domain("t", tmp_path / "translations", (Source(str(tmp_path / "src"), (("**.py", catalogue.PYTHON),)),))
    for locale in ("zh_Hans", "ug"):
        write(domain, locale, catalogue.extracted(domain))
    path = catalogue.po_path(domain, "ug")
    text = path.read_text(encoding="utf-8")
    for zh, ug in texts.items():
        text = text.replace(f'msgid "{zh}"\nmsgstr ""', f'msgid "{zh}"\nmsgstr "{ug}"')
    path.write_text(text, encoding="utf-8")
    return domain.translations


def test_said_outside_a_request_is_the_default_locale(worker_locales):
    # a worker job (reminders, deliveries) has no request: its messages are said in zh_Hans, whatever
    # locales the service has; in a request, the caller's language
    from govmb.messages import said
    from services.registry.delivery import text_of
    from services.registry.models import Notification

    notification = Notification(kind="shift", title="王五 的值班即将开始", due_at=None, link_kind="roster", link_id=None)
    assert said("{name} 的值班即将开始", name="王五") == "王五 的值班即将开始"  # no app at all
    app = Flask(__name__)
    shared.init_app(app, worker_locales)
    with app.app_context():  # a job run in the service's app: no request, no language asked for
        assert said("{name} 的值班即将开始", name="王五") == "王五 的值班即将开始"
        assert text_of(notification) == ("【政务微博】王五 的值班即将开始", "类别：值班\n处理：http://127.0.0.1:8000/roster")
    with app.test_request_context("/", headers={"Accept-Language": "ug"}):
        assert said("{name} 的值班即将开始", name="王五") == "王五 نۆۋەتچىلىكى باشلىنىدۇ"
        assert text_of(notification)[0] == "【ھۆكۈمەت مىكرو بىلوگى】王五 的值班即将开始"
    with app.test_request_context("/"):
        assert said("{name} 的值班即将开始", name="王五") == "王五 的值班即将开始"


def test_a_reminder_title_is_said_in_the_default_locale(worker_locales, monkeypatch):
    # the assessment worker's reminder of a shift, built with said, outside a request
    import datetime as dt

    from services.assessment import reminders

    starts = dt.datetime(2026, 11, 2, 1, 0)
    shift = SimpleNamespace(id=7, unit_id=3, person_name="王五", starts_at=starts)

    class Query:
        def __getattr__(self, name):
            return lambda *a, **k: self

        def __iter__(self):
            return iter([shift])

    monkeypatch.setattr(reminders.DutyShift, "select", lambda *a: Query())
    monkeypatch.setattr(reminders.reminders, "unsent", lambda *a: True)
    app = Flask(__name__)
    shared.init_app(app, worker_locales)
    with app.app_context():
        [reminder] = reminders.shifts()
    assert reminder.title == "王五 的值班即将开始" and reminder.person_name == "王五"
