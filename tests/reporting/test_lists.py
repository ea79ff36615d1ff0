"""Lists that scale (portal.listing): a page of fifty, an order from the URL, filters kept in
the URL, and an export of every row the filters select in the order shown, not only the page."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from chains.models import Industry, Unit
from reporting.choices import LandKind, LandStatus
from reporting.models import LandItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def land(users):
    """Seventy of 市工信局's land items for 2025: every kind and status, months 1–10."""
    unit = Unit.objects.get(name="市工信局")
    industry = Industry.objects.get(code="electronic-information")
    kinds, statuses = LandKind.values, LandStatus.values
    LandItem.objects.bulk_create(
        LandItem(
            unit=unit,
            industry=industry,
            year=2025,
            month=n % 10 + 1,
            kind=kinds[n % len(kinds)],
            status=statuses[n % len(statuses)],
            name=f"地块{n:02d}",
            area=Decimal(n + 1),
            created_by=users["gxj"],
        )
        for n in range(70)
    )
    return unit


def rows_of(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]


def test_the_land_list_pages_sorts_filters_and_exports(client, users, land):
    client.force_login(users["gxj"])
    url = reverse("reporting:land")
    first = client.get(url, {"year": 2025})
    assert len(first.context["items"]) == 50 and first.context["items"].paginator.count == 70
    second = client.get(url, {"year": 2025, "page": 2})
    assert len(second.context["items"]) == 20
    # the newest month first by default; ?sort=month the oldest
    months = [item.month for item in first.context["items"]]
    assert months == sorted(months, reverse=True)
    oldest = client.get(url, {"year": 2025, "sort": "month"}).context["items"]
    assert [item.month for item in oldest][:7] == [1] * 7
    # filters stay in the URL of the pager and the sort headers
    kind = LandKind.values[0]
    page = client.get(url, {"year": 2025, "kind": kind, "sort": "-status"})
    shown = list(page.context["items"])
    assert shown and {item.kind for item in shown} == {kind}
    statuses = [item.status for item in shown]
    assert statuses == sorted(statuses, reverse=True)
    html = page.content.decode()
    assert f"kind={kind}" in html and 'aria-sort="descending"' in html
    # the export: every row the filters select (all seventy, not a page), in the order shown
    exported = rows_of(client.get(url, {"year": 2025, "format": "xlsx", "sort": "month"}))
    assert len(exported) == 70 and [r[1] for r in exported] == sorted(r[1] for r in exported)
    only = rows_of(client.get(url, {"year": 2025, "format": "xlsx", "kind": kind}))
    assert len(only) == len([n for n in range(70) if n % len(LandKind.values) == 0])
    # a unit that may not read them sees none, exported or not
    client.force_login(users["swj"])
    assert rows_of(client.get(url, {"year": 2025, "unit": "gxj", "format": "xlsx"})) == []


def test_the_problem_list_sorts_and_exports_in_that_order(client, users, filled):
    from reporting.models import Problem

    for n, kind in enumerate(("talent", "energy", "land")):
        Problem.objects.create(update=filled, description=f"问题{n}", type=kind)
    client.force_login(users["drc"])
    url = reverse("reporting:problems")
    shown = [p.type for p in client.get(url, {"sort": "type"}).context["problems"]]
    assert shown == sorted(shown) and len(shown) == 3
    exported = rows_of(client.get(url, {"sort": "-type", "format": "xlsx"}))
    types = dict(Problem._meta.get_field("type").choices)
    assert [r[4] for r in exported] == [str(types[t]) for t in sorted(shown, reverse=True)]


def test_the_plan_list_filters_sorts_and_exports(client, users, clock):
    from reporting.periods import services as periods_services
    from reporting.plans import services as plans

    year = periods_services.today().year
    gxj = users["gxj"]
    started = [
        plans.plan_start(
            unit=gxj.unit, industry=Industry.objects.get(code=code), year=year, user=gxj
        )
        for code in ("electronic-information", "machinery-equipment", "new-materials")
    ]
    first = plans.plan_save(
        plan=started[0],
        user=gxj,
        expected_version=started[0].version,
        summary="年度目标",
        items=[
            plans.ItemContent(
                element="projects", task="策划项目", responsible=gxj.unit, due_month=12
            )
        ],
    )
    plans.plan_submit(plan=first, user=gxj, expected_version=first.version)
    client.force_login(users["drc"])
    url = reverse("reporting:plans")
    listed = client.get(url, {"year": year, "status": "submitted"}).context["plans"]
    assert [p.pk for p in listed] == [started[0].pk]
    by_industry = [
        p.industry.position
        for p in client.get(url, {"year": year, "sort": "-industry"}).context["plans"]
    ]
    assert by_industry == sorted(by_industry, reverse=True) and len(by_industry) == 3
    exported = rows_of(client.get(url, {"year": year, "format": "xlsx", "status": "draft"}))
    assert len(exported) == 2 and {r[2] for r in exported} == {"机械装备产业集群", "新材料产业"}
    # another unit reads none of 市工信局's plans of industries it does not view
    client.force_login(users["swj"])
    assert rows_of(client.get(url, {"year": year, "format": "xlsx"})) == []
