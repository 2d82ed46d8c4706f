"""Issue 21: a unit may record its name in Uyghur; an account named in Uyghur must hold the
Uyghur name of its unit or region (X5), read through presentation forms and the tatweel."""
import pytest

from services.registry import service
from services.registry.models import Account, Unit
from tests.registry.conftest import application, events

URUMQI = "ئۈرۈمچى شەھەرلىك خەلق ھۆكۈمىتى"  # 乌鲁木齐市人民政府
EDUCATION = "ئۈرۈمچى شەھەرلىك مائارىپ ئىدارىسى"  # 乌鲁木齐市教育局
# the same words in presentation forms (ﺋﯜﺭﯜﻣﭽﻰ = ئۈرۈمچى) and stretched with the tatweel
URUMQI_PRESENTED = "\ufe8b\ufbdc\ufead\ufbdb\ufee3\ufb7d\ufef0"


def apply(client, city, **overrides):
    return client.post("/api/accounts", json=application(city, **overrides), headers=city.headers("dept_operator"))


@pytest.fixture
def uyghur(app, city):
    with app.app_context():
        service.update_unit(city.units["city"], name_ug=URUMQI)
        service.update_unit(city.units["dept"], name_ug=EDUCATION)
    return city


@pytest.mark.parametrize("name", ["ئۈرۈمچى مائارىپ", "مائارىپ ئۇچۇرى", URUMQI_PRESENTED + " ئېلان",
                                  "ئۈرۈمچـــى ئېلان", "ئۈرۈمچى\u200c مائارىپ"])
def test_a_uyghur_name_holding_the_unit_or_region_name_is_accepted(client, uyghur, name):
    r = apply(client, uyghur, name=name)
    assert r.status_code == 201, r.json
    assert not any(c in r.json["name"] for c in "\u0640\u200c") and "\ufe8b" not in r.json["name"]


@pytest.mark.parametrize("name,problem", [
    ("قەشقەر ئېلان", "明确关联"),  # Kashgar: another region's name
    ("ئۈرۈمچى  مائارىپ!", "词间以一个空格分隔"),
    ("ئۈرۈمچى " + "ئ" * 30, "长度须在"),
])
def test_a_uyghur_name_not_tied_or_badly_written_is_refused_naming_the_field(client, uyghur, name, problem):
    r = apply(client, uyghur, name=name)
    assert r.status_code == 422
    assert problem in r.json["errors"]["name"][0], r.json
    assert Account.select().count() == 0 and "registry.account.changed" not in events()


def test_a_uyghur_name_for_a_unit_without_a_uyghur_name_says_what_is_missing(client, city):
    r = apply(client, city, name="ئۈرۈمچى مائارىپ")
    assert r.status_code == 422 and "未登记维吾尔文名称" in r.json["errors"]["name"][0]


def test_the_chinese_rule_is_unchanged(client, uyghur):
    assert apply(client, uyghur, name="东湖 教育!").json["errors"]["name"][0].endswith("不含空格和符号")
    assert apply(client, uyghur, name="东湖教育").status_code == 201


def test_a_unit_records_its_uyghur_name_through_the_api_folded(client, city):
    admin = city.headers("admin")
    r = client.patch(f"/api/units/{city.units['east'].id}", json={"name_ug": URUMQI_PRESENTED + "ـ رايونى"},
                     headers=admin)
    assert r.status_code == 200, r.json
    assert r.json["name_ug"] == "ئۈرۈمچى رايونى" == Unit.get_by_id(city.units["east"].id).name_ug
    r = client.post("/api/units", json={"name": "天山区", "kind": "district", "parent_id": city.units["city"].id,
                                        "name_ug": "天山 district"}, headers=admin)
    assert r.status_code == 422 and "维吾尔文字母" in r.json["errors"]["name_ug"][0]
    assert not Unit.select().where(Unit.name == "天山区").exists()


def test_short_forms_drop_the_parent_name_and_the_words_of_kind(app, uyghur):
    from services.registry.checks import ug_name_forms
    with app.app_context():
        city, dept = Unit.get_by_id(uyghur.units["city"].id), Unit.get_by_id(uyghur.units["dept"].id)
        assert ug_name_forms(city) == {URUMQI, "ئۈرۈمچى شەھەرلىك", "ئۈرۈمچى"}
        assert "مائارىپ" in ug_name_forms(dept, city)


def test_the_unit_event_carries_the_uyghur_name_and_a_consumers_copy_takes_it(app, client, city):
    import json

    import peewee

    from govmb.contracts import load_incoming
    from govmb.unit_copy import apply_unit_changed, make_unit_model
    from services.registry.models import bus

    admin = city.headers("admin")
    made = client.post("/api/units", json={"name": "天山区", "kind": "district", "parent_id": city.units["city"].id,
                                           "name_ug": "تيانشان رايونى"}, headers=admin)
    assert made.status_code == 201 and made.json["name_ug"] == "تيانشان رايونى"
    assert client.patch(f"/api/units/{made.json['id']}", json={"name_ug": ""}, headers=admin).status_code == 200
    with app.app_context():
        sent = [json.loads(r.body) for r in bus.Outbox.select().where(bus.Outbox.event_type == "registry.unit.changed")
                .order_by(bus.Outbox.id)]
    ours = [s for s in sent if s["id"] == made.json["id"]]
    assert [(s["name_ug"], s["revision"]) for s in ours] == [("تيانشان رايونى", 1), ("", 2)]
    copy_db = peewee.SqliteDatabase(":memory:")  # a consuming service's copy (publishing, inquiry, assessment)
    proxy = peewee.DatabaseProxy()
    proxy.initialize(copy_db)
    Copy = make_unit_model(proxy)
    copy_db.create_tables([Copy])
    older = {k: v for k, v in ours[0].items() if k != "name_ug"}  # as a producer before issue 21 wrote it
    for payload in (older, *ours):
        apply_unit_changed(Copy)(load_incoming("registry.unit.changed", 1, payload), None)
    assert (Copy.get_by_id(made.json["id"]).name, Copy.get_by_id(made.json["id"]).revision) == ("天山区", 2)
