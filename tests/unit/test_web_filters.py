"""How the pages write times: Beijing time; a deadline at midnight as 24:00 of the day before."""
import pytest

from web.app import beijing, create_app, deadline


@pytest.fixture(autouse=True)
def web_app():
    with create_app().app_context():  # Babel's formats and time zone are the app's
        yield


def test_a_deadline_at_midnight_is_the_end_of_the_day_before():
    assert deadline("2026-10-11T00:00:00+08:00") == "2026-10-10 24:00"
    assert deadline("2026-10-10T16:00:00+00:00") == "2026-10-10 24:00"  # the same instant, stored in UTC
    assert deadline("2026-10-01T10:00:00+08:00") == "2026-10-01 10:00"  # a 24-hour deadline keeps its hour
    assert deadline(None) == "" and deadline("") == ""


def test_a_time_is_written_in_beijing_time():
    assert beijing("2026-12-31T16:30:00+00:00") == "2027-01-01 00:30"
