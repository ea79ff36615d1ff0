"""The due page and the update form run a fixed number of queries, however much data."""

import datetime

from django.core.cache import caches
from django.urls import reverse

from chains.models import Industry, Unit
from portal.dataversion import bump_now, topics
from reporting.models import ReportingPeriod
from reporting.periods import services as periods_services
from reporting.updates import services
from tests.reporting.conftest import content


def months_of_updates(users, months: int, today: datetime.date):
    """Updates of every 市工信局 industry for `months` months before today, all filed."""
    gxj = users["gxj"]
    unit = Unit.objects.get(name="市工信局")
    year, month = today.year, today.month
    for _ in range(months):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        period = periods_services.period_get_or_create(year, month)
        # Kept open for the test, as an administrator would under 报送期次 (by hand).
        ReportingPeriod.objects.filter(pk=period.pk).update(
            lock_date=datetime.date(2030, 1, 1), dates_set_by_hand=True
        )
        period.refresh_from_db()
        for industry in Industry.objects.filter(
            assignment__unit_links__unit=unit, assignment__unit_links__role="lead"
        ):
            update = services.update_start(industry=industry, unit=unit, period=period, user=gxj)
            update = services.update_save(
                update=update, content=content(), expected_version=update.version, user=gxj
            )
            services.update_submit(update=update, user=gxj, expected_version=update.version)


def count(client, url, django_assert_max_num_queries, limit):
    client.get(url)  # the first visit of a month opens its period; measure the usual visit
    with django_assert_max_num_queries(limit) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_due_page_queries_do_not_grow_with_months(
    users, client, clock, django_assert_max_num_queries
):
    today = datetime.date(2025, 12, 10)
    clock.set(today)
    client.force_login(users["gxj"])
    months_of_updates(users, 1, today)
    url = reverse("reporting:due")

    def computed_and_cached():
        client.get(url)  # the first visit of a month opens its period; measure the usual visit
        # Another process's write committed: My work computed (test_mywork: when it is cached).
        # 21, and 4 to store it in the cache's database layer (a savepoint, the count for
        # culling, the upsert, the savepoint's release); the menu asks once whether the unit
        # leads an industry.
        bump_now(topics.WORK)
        with django_assert_max_num_queries(25) as context:
            assert client.get(url).status_code == 200
        computed = len(context.captured_queries)
        # Cached: the session's user, the month, the unread count, the menu's question, the unit
        with django_assert_max_num_queries(5):
            assert client.get(url).status_code == 200
        return computed

    few = computed_and_cached()
    months_of_updates(users, 12, datetime.date(2025, 11, 1))
    assert computed_and_cached() == few


def test_update_form_queries_do_not_grow(
    users, client, clock, make_user, django_assert_max_num_queries
):
    clock.set(datetime.date(2025, 10, 9))
    gxj = users["gxj"]
    period = periods_services.period_get_or_create(2025, 9)
    update = services.update_start(
        industry=Industry.objects.get(code="electronic-information"),
        unit=Unit.objects.get(name="市工信局"),
        period=period,
        user=gxj,
    )
    client.force_login(gxj)
    url = reverse("reporting:edit", args=[update.pk])
    few = count(client, url, django_assert_max_num_queries, 25)
    rows = [
        {"name": f"项目{i}", "stage": "signed", "investment": i, "progress": "推进"}
        for i in range(10)
    ]
    problems = [
        {"description": f"问题{i}", "type": "land", "concerned": "", "needs_meeting": False}
        for i in range(10)
    ]
    for i in range(10):
        update = services.update_save(
            update=update,
            content=services.UpdateContent(
                fields=content().fields, key_projects=rows, problems=problems
            ),
            expected_version=update.version,
            user=gxj,
        )
        services.contribution_add(update=update, user=users["siming"], text=f"材料{i}")
        update.refresh_from_db()
    many = count(client, url, django_assert_max_num_queries, 25)
    assert many == few


def test_my_work_loads_this_year_and_what_is_still_open(users, client, clock):
    """Three years of accepted updates behind 市工信局, a draft it left in March 2024 and a
    December not yet filed: in January, My work lists the draft, December and January, and
    loads no update of the months it does not list."""
    from django.db.models.signals import post_init

    from reporting.models import MonthlyUpdate

    clock.set(datetime.date(2026, 1, 8))
    unit = Unit.objects.get(name="市工信局")
    industries = list(
        Industry.objects.filter(
            assignment__unit_links__unit=unit, assignment__unit_links__role="lead"
        )
    )
    left_open = (2024, 3)
    rows = []
    for year in (2023, 2024, 2025):
        for month in range(1, 12 + (year < 2025)):  # December 2025: nothing yet
            period = periods_services.period_get_or_create(year, month)
            for industry in industries:
                if industry == industries[-1] and (year, month) <= left_open:
                    continue  # an industry this unit took on in April 2024
                draft = (year, month) == left_open and industry == industries[0]
                rows.append(
                    MonthlyUpdate(
                        industry=industry,
                        unit=unit,
                        period=period,
                        status="draft" if draft else "accepted",
                        first_submitted_at=None
                        if draft
                        else datetime.datetime(year, month, 28, tzinfo=datetime.UTC),
                    )
                )
    MonthlyUpdate.objects.bulk_create(rows)
    client.force_login(users["gxj"])
    client.get(reverse("reporting:due"))  # the month's period is opened
    caches["pages"].clear()  # My work computed, not read from the cache
    loaded = []

    def count(sender, instance, **kwargs):
        loaded.append(instance)

    post_init.connect(count, sender=MonthlyUpdate)
    try:
        items = client.get(reverse("reporting:due")).context["items"]
    finally:
        post_init.disconnect(count, sender=MonthlyUpdate)
    shown = {(i.period.year, i.period.month, i.industry.code) for i in items}
    months = {(y, m) for y, m, _code in shown}
    assert months == {left_open, (2025, 12), (2026, 1)}
    assert (*left_open, industries[0].code) in shown
    assert {code for y, m, code in shown if (y, m) == (2025, 12)} == {i.code for i in industries}
    # Only March 2024's updates are loaded (December and January have none), not 34 months'.
    march = ReportingPeriod.objects.get(year=2024, month=3).pk
    assert {u.period_id for u in loaded} == {march} and len(loaded) == len(industries) - 1
    # A month may start from an earlier month's text where there is one: not March 2024 of
    # the industry taken on in April, though it has updates after (between the months listed).
    carry = {(i.period.year, i.period.month, i.industry.code): i.can_carry_over for i in items}
    late = industries[-1].code
    assert carry[(*left_open, late)] is False
    assert carry[(2025, 12, late)] is True and carry[(2026, 1, late)] is True
    assert all(v for (y, m, code), v in carry.items() if (y, m) != left_open)
