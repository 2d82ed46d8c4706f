"""The citizens' satisfaction (issue 19, N19): each rating inquiry reports counts once for the
unit that handled the message, by the day it was given; the rate (满意 and 基本满意 of all
ratings) is a weighted indicator whose weight the office edits; an unsatisfied citizen lowers
the score and never vetoes; each figure leads to its ratings."""
import datetime as dt

from govmb.contracts import contract
from services.assessment import kept
from services.assessment.figures import Period
from services.assessment.models import RatingFact
from tests.assessment.conftest import COUNTY, OFFICE, feed
from tests.assessment.test_annual import ASOF, units_of, year  # noqa: F401 (the small city's year)


def rated(message_id, rating, unit_id=4, unit_path="/1/3/4/", account_id=1, at="2026-06-05T02:00:00+00:00"):
    payload = {"message_id": message_id, "account_id": account_id, "unit_id": unit_id, "unit_path": unit_path,
               "rating": rating, "rated_at": at}
    assert contract("inquiry.message.rated").schema().validate(payload) == {}  # what inquiry sends
    feed("inquiry.message.rated", payload)


def test_ratings_make_the_rate_once_each_and_weigh_without_veto(year, client):  # noqa: F811
    rated(1, "satisfied")
    rated(2, "basically")
    rated(3, "unsatisfied")
    rated(4, "unsatisfied")
    rated(4, "satisfied")  # the same message again (a redelivery, or a forged second rating): changes nothing
    rated(9, "satisfied", at="2025-12-31T15:00:00+00:00")  # Beijing 2025-12-31 23:00: last year
    _, units = units_of(client)
    u4 = units[4]
    c = u4["counts"]
    assert (c["ratings"], c["ratings_satisfied"], c["ratings_basically"]) == (4, 1, 1)
    assert u4["rates"]["satisfaction"] == 0.5  # (满意 1 + 基本满意 1) / 4
    # as in test_annual, but satisfaction scores 5 × 0.5 instead of full marks
    assert u4["score"] == 65.0 - 2.5 and u4["points"]["satisfaction"] == 2.5
    assert [v["item"] for v in u4["vetoes"]] == ["dormant"]  # unsatisfied citizens never veto
    assert units[5]["rates"]["satisfaction"] is None and units[5]["score"] == 63.0
    assert RatingFact.select().count() == 5


def test_the_office_weighs_satisfaction_as_it_chooses(year, client):  # noqa: F811
    rated(1, "unsatisfied")
    weights = {"reply_timeliness": 25, "resolution": 10, "quota": 20, "original": 10, "emergency": 10,
               "forwarding": 15, "satisfaction": 10}
    r = client.put("/api/rules", json={"weights": weights}, headers=OFFICE)
    assert r.status_code == 200, r.text
    assert r.json["weights"]["satisfaction"] == 10
    _, units = units_of(client)
    # 25×0.5 + 10×0.5 + 20×0.5 + 10 + 10×0.5 + 15 + 10×0
    assert units[4]["score"] == 57.5
    bad = client.put("/api/rules", json={"weights": {**weights, "satisfaction": 11}}, headers=OFFICE)
    assert bad.status_code == 422 and "weights" in bad.json["errors"]


def test_each_rating_is_a_record_of_the_figure(year, client):  # noqa: F811
    rated(1, "satisfied", at="2026-06-05T02:00:00+00:00")
    rated(2, "unsatisfied", at="2026-07-05T02:00:00+00:00")
    r = client.get(f"/api/assessment/2026/records?kind=satisfaction&unit_id=4&asof={ASOF}", headers=COUNTY)
    assert r.status_code == 200, r.text
    assert [(x["message_id"], x["rating_name"], x["rated_at"]) for x in r.json] == [
        (1, "满意", "2026-06-05T10:00:00+08:00"), (2, "不满意", "2026-07-05T10:00:00+08:00")]


def test_the_kept_figures_hold_the_ratings(year):  # noqa: F811
    rated(1, "satisfied", at="2026-06-05T02:00:00+00:00")
    later = dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc)
    kept.snapshot(later)
    june = kept.count(Period.parse("2026-06"), later).by_unit()[4]
    assert (june.ratings, june.ratings_satisfied) == (1, 1)
