"""The cockpit (驾驶舱): city leaders, the principal leaders and the DRC land on it; its cards
agree with counts made independently from the raw rows; a leader's own industries come first;
the key events are those of the last thirty days; its queries are few and do not grow."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from chains.models import Industry, IndustryFigure
from reporting.choices import ProblemStatus
from reporting.models import ActionItem, Problem, Project
from reporting.supervision.board import is_overdue
from tests.reporting.conftest import WALK_DAY
from tests.reporting.test_dashboard import independent_counts


@pytest.fixture(autouse=True)
def media_root():
    """The world's files live in the module's media folder (`walk_world` sets it)."""


@pytest.fixture
def world(walk_world, db, clock):
    clock.set(WALK_DAY)
    return walk_world


def cockpit(client, user):
    client.force_login(user)
    response = client.get(reverse("cockpit"))
    assert response.status_code == 200
    return response.context["cockpit"], response


@pytest.mark.parametrize(
    "role,lands",
    [
        ("drc", True),
        ("leader_hyt", True),
        ("zhuyao", True),
        ("swj", False),
        ("stats", False),
        ("siming", False),
    ],
)
def test_leaders_and_the_drc_land_on_the_cockpit(client, world, role, lands):
    client.force_login(world["users"][role])
    response = client.get(reverse("home"))
    if lands:
        assert response.status_code == 302 and response["Location"] == reverse("cockpit")
        menu = client.get(reverse("cockpit")).content.decode()
        assert 'href="/cockpit/" aria-current="page">驾驶舱</a>' in menu
    else:
        assert response.status_code == 200
        assert "驾驶舱" not in response.content.decode()


def test_the_cards_agree_with_the_raw_rows(client, world, clock):
    data, response = cockpit(client, world["users"]["drc"])
    period = response.context["period"]
    counts = independent_counts(period)
    expected = sum(c["expected"] for c in counts.values())
    received = sum(c["received"] for c in counts.values())
    assert data["reporting"]["expected"] == expected > 0
    assert data["reporting"]["received"] == received
    assert data["completeness"] == round(received * 100 / expected)
    # Those filed, or taken up by the DRC: a draft's own open problems show once submitted.
    open_problems = [
        p
        for p in Problem.objects.select_related("update")
        if p.status != ProblemStatus.RESOLVED
        and (p.update.first_submitted_at is not None or p.status != ProblemStatus.OPEN)
    ]
    assert data["problems"]["open"] == len(open_problems) > 0
    assert data["problems"]["escalated"] == sum(
        p.status == ProblemStatus.ESCALATED for p in open_problems
    )
    today = clock.day
    assert data["actions"]["open"] == sum(a.is_open for a in ActionItem.objects.all()) > 0
    assert (
        data["actions"]["overdue"]
        == 0
        == sum(is_overdue(a, today) for a in ActionItem.objects.all())
    )
    page = response.content.decode()
    assert f"应报 {expected} 份，已报 {received} 份" in page

    # Past the items' deadline (a new day: the cache is the day's) they are overdue.
    later = max(a.deadline for a in ActionItem.objects.all()) + datetime.timedelta(days=3)
    clock.set(later)
    data, response = cockpit(client, world["users"]["drc"])
    overdue = sum(is_overdue(a, later) for a in ActionItem.objects.all())
    assert data["actions"]["overdue"] == overdue > 0
    assert f"逾期 {overdue} 项" in response.content.decode()


def test_each_industry_shows_its_headline_figure_and_a_leader_his_own_first(client, world):
    data, response = cockpit(client, world["users"]["drc"])
    lines = {line.industry.code: line for line in data["lines"]}
    assert len(lines) == Industry.objects.count() == 14
    ei = lines["electronic-information"]
    figure = IndustryFigure.objects.get(
        industry__code="electronic-information", year=2025, month=9, is_current=True
    )
    assert (ei.value, ei.yoy, ei.indicator) == (figure.value, figure.yoy, "工业总产值")
    assert ei.shown == (round(float(figure.value) / 10000, 2), "亿元")
    assert data["figures_month"] == (2025, 9)
    chart = response.context["chart"]
    assert chart["names"] == [line.industry.display_name for line in data["lines"] if line.value]
    # every chart has its table: each charted industry is a row of the page's table
    page = response.content.decode()
    assert 'id="cockpit-chart"' in page and 'id="industries"' in page
    for name in chart["names"]:
        assert f">{name}</a>" in page

    # 黄燕添 leads 商贸物流 (and reads only what she leads): hers first, marked.
    data, response = cockpit(client, world["users"]["leader_hyt"])
    own = [line for line in data["lines"] if line.own]
    assert own and data["lines"][: len(own)] == own
    assert "commerce-logistics" in {line.industry.code for line in own}
    assert "electronic-information" not in {line.industry.code for line in data["lines"]}
    assert "本人牵头" in response.content.decode()


def test_the_key_events_are_the_last_thirty_days(client, world, clock):
    today = clock.day
    recent, old = Project.objects.filter(industry__code="commerce-logistics")[:2]
    Project.objects.filter(pk=recent.pk).update(
        stage="signed", signed_on=today - datetime.timedelta(days=10)
    )
    Project.objects.filter(pk=old.pk).update(
        stage="signed", signed_on=today - datetime.timedelta(days=40)
    )
    data, response = cockpit(client, world["users"]["drc"])
    events = data["events"]
    assert [p.pk for p in events["projects"]] == [recent.pk]
    assert {m.pk for m in events["meetings"]} == {world["meeting"].pk, world["other"]["meeting"].pk}
    assert world["instruction"].pk in {i.pk for i in events["instructions"]}
    page = response.content.decode()
    assert reverse("reporting:project", args=[recent.pk]) in page
    assert reverse("reporting:project", args=[old.pk]) not in page
    assert reverse("reporting:instruction", args=[world["instruction"].pk]) in page


def test_queries_are_few_and_do_not_grow(client, world, clock, django_assert_max_num_queries):
    client.force_login(world["users"]["drc"])
    url = reverse("cockpit")
    cache.clear()
    with django_assert_max_num_queries(30) as cold:
        client.get(url)
    with django_assert_max_num_queries(12):  # cached: the session, the user, the menu
        client.get(url)
    # More problems, projects and instructions: the same number of queries.
    update = world["other"]["update"]
    for n in range(20):
        Problem.objects.create(update=update, description=f"问题{n}", type="energy")
    for project in Project.objects.all():
        Project.objects.filter(pk=project.pk).update(stage="signed", signed_on=clock.day)
    cache.clear()
    with django_assert_max_num_queries(30) as more:
        client.get(url)
    assert len(more.captured_queries) == len(cold.captured_queries)


def test_no_figures_reads_as_guidance(client, world):
    IndustryFigure.objects.all().delete()
    cache.clear()
    data, response = cockpit(client, world["users"]["drc"])
    assert data["figures_month"] is None
    page = response.content.decode()
    assert "尚无统计数据" in page and 'id="cockpit-chart"' not in page
