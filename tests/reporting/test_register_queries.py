"""The registers' pages (projects, investment leads, innovation) on the bench data (generate_bench_data, as `make bench` runs it on ten
years; two here): each a bounded number of queries, whatever the number of projects, lines and
history entries."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from accounts.choices import Role
from accounts.models import User
from chains.models import Unit
from reporting.models import InvestmentLead, Project
from tests import matrix_snapshot
from tests.url_security_world import rolled_back

PAGES = {
    "reporting:projects": 13,
    "reporting:project_pipeline": 12,
    "reporting:leads": 15,
    "reporting:innovation": 22,
}


@pytest.fixture(scope="module")
def bench_world(django_db_setup, django_db_blocker):
    """Two years of bench data up to today (the portal's date in the date runs), built once
    for the module in a transaction rolled back at its end."""
    with rolled_back(django_db_blocker):
        matrix_snapshot.load()
        for command in ("load_indicators", "load_assessment_indicators"):
            call_command(command, verbosity=0)
        call_command("generate_bench_data", years=2, enterprises=20, verbosity=0)
        user = User(username="bench-drc", role=Role.DRC, unit=Unit.objects.get(name="市发改委"))
        user.set_password("a-long-test-password")
        user.save()
        yield user


@pytest.fixture
def bench(bench_world, db):
    """The bench data, inside this test's own savepoint."""
    return bench_world


@pytest.mark.parametrize(("name", "limit"), PAGES.items())
def test_register_pages_are_bounded_on_bench_data(
    bench, client, name, limit, django_assert_max_num_queries
):
    client.force_login(bench)
    assert Project.objects.count() > 150 and InvestmentLead.objects.count() > 500
    client.get(reverse(name))  # a first visit's one-off reads (the session, periods)
    with django_assert_max_num_queries(limit):
        assert client.get(reverse(name)).status_code == 200
    with django_assert_max_num_queries(limit):
        assert client.get(reverse(name), {"page": 3, "sort": "-investment"}).status_code == 200


def test_a_project_with_two_years_of_history_is_bounded(
    bench, client, django_assert_max_num_queries
):
    client.force_login(bench)
    project = Project.objects.annotate(n=Count("events")).order_by("-n").first()
    assert project.n >= 20
    url = reverse("reporting:project", args=[project.pk])
    client.get(url)
    with django_assert_max_num_queries(14):  # the menu asks once whether the unit leads
        assert client.get(url).status_code == 200
