"""The assessment's own SQL on PostgreSQL, the database of the distributed mode: the hand-counted
city assessed (the vetoes found by index probes, per unit sums), the kept and recent figures
written in bulk (`govmb.db.insert_rows`: psycopg2's execute_values there, executemany on SQLite)
and read back equal to the count from the facts."""
import pytest

from tests.assessment.conftest import seeded_app
from tests.assessment.test_annual import (  # noqa: F401  (collected here again, on PostgreSQL)
    test_a_quarter_and_a_month_count_only_their_days,
    test_each_figure_rate_and_score_as_counted_by_hand,
    test_each_unit_sees_itself_and_below_the_office_sees_all,
    year,
)
from tests.assessment.test_archive_texts import (  # noqa: F401
    citizens,
    test_a_big_month_is_read_and_drawn_in_bounded_pages,
    test_a_late_event_does_not_take_an_answer_back,
    test_the_archive_files_the_texts_masked_with_contents_and_answers,
)
from tests.assessment.test_incidents import (  # noqa: F401
    test_an_incident_in_the_period_is_the_third_single_veto,
    test_the_forecaster_names_this_years_incident_and_what_is_owed,
)
from tests.assessment.test_inspections_count import (  # noqa: F401
    test_an_overdue_fix_warns_the_unit_and_the_inspector_and_is_escalated_to_the_office,
    test_the_deductions_of_the_periods_findings_come_off_the_units_score,
    test_the_quarterly_coverage_counts_the_accounts_checked_per_unit_and_city_wide,
)
from tests.assessment.test_kept import (  # noqa: F401
    counted,
    test_a_countys_figures_are_the_citys_for_its_units,
    test_a_late_event_makes_its_month_count_from_the_facts_until_counted_again,
    test_the_kept_figures_equal_the_count_from_the_facts,
)
from tests.assessment.test_recent import (  # noqa: F401
    test_the_recent_figures_equal_the_count_as_of_the_run,
    test_without_account_rows_the_units_are_the_same,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def app(pg_url):
    return seeded_app(pg_url)
