"""Science and innovation (科技创新): the industry's lead unit keeps platforms, research projects
with milestones, transfers and talent, its responsible units contribute, nothing is lost or
overwritten, and each month's entries show in the monthly update."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from chains.models import Industry
from reporting.innovation import selectors, services
from reporting.models import (
    InnovationEvent,
    InnovationPlatform,
    ResultTransfer,
    TalentIntake,
    TechProject,
)


@pytest.fixture
def biomedicine():
    return Industry.objects.get(code="biomedicine")  # led by 市科技局; 市工信局 contributes


@pytest.fixture
def platform(users, biomedicine, clock):
    return services.record_add(
        user=users["kjj"],
        model=InnovationPlatform,
        industry=biomedicine,
        name="厦门生物医药国家重点实验室",
        level="national",
        kind="key_lab",
        host="厦门大学",
        status="recognised",
        year=2024,
    )


@pytest.fixture
def research(users, biomedicine, clock):
    return services.record_add(
        user=users["kjj"],
        model=TechProject,
        industry=biomedicine,
        name="新型疫苗关键技术攻关",
        lead_org="万泰沧海生物",
        budget=Decimal("3000"),
        start_on=datetime.date(2025, 1, 1),
        end_on=datetime.date(2026, 12, 31),
    )


def test_the_lead_unit_records_and_a_responsible_unit_contributes(platform, users, biomedicine):
    assert platform.unit.name == "市科技局"
    assert (
        InnovationEvent.objects.get(record="InnovationPlatform", record_id=platform.pk).kind
        == "created"
    )
    talent = services.record_add(
        user=users["gxj"],
        model=TalentIntake,
        industry=biomedicine,
        year=2025,
        month=9,
        kind="leading",
        count=3,
    )
    assert talent.unit.name == "市工信局"
    with pytest.raises(PermissionDenied):  # 市商务局 takes no part in 生物医药
        services.record_add(
            user=users["swj"],
            model=TalentIntake,
            industry=biomedicine,
            year=2025,
            month=9,
            kind="skilled",
            count=1,
        )


def test_a_stale_change_is_refused_and_removal_keeps_the_record(platform, users):
    services.record_change(
        record=platform, user=users["kjj"], version=platform.version, status="evaluated"
    )
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.record_change(
            record=platform, user=users["kjj"], version=platform.version, status="building"
        )
    with pytest.raises(PermissionDenied):  # a contributor changes only what its unit recorded
        services.record_change(
            record=platform, user=users["gxj"], version=platform.version + 1, host="别处"
        )
    platform.refresh_from_db()
    assert platform.status == "evaluated" and platform.host == "厦门大学"
    removed = services.record_remove(
        record=platform, user=users["kjj"], version=platform.version, reason="重复"
    )
    assert InnovationPlatform.objects.filter(pk=removed.pk, removed_at__isnull=False).exists()
    kinds = list(
        InnovationEvent.objects.filter(record_id=platform.pk, record="InnovationPlatform")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["created", "changed", "removed"]


def test_milestones_are_reached_and_late_ones_say_so(research, users, clock):
    first = services.milestone_add(
        project=research, user=users["kjj"], title="完成动物实验", due_on=datetime.date(2025, 9, 30)
    )
    services.milestone_add(
        project=research, user=users["kjj"], title="申报临床", due_on=datetime.date(2026, 6, 30)
    )
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.milestone_reach(milestone=first, user=users["kjj"], on=datetime.date(2025, 10, 10))
    services.milestone_reach(milestone=first, user=users["kjj"])  # 9 October: 9 days late
    event = InnovationEvent.objects.filter(record="TechProject", kind="milestone").get()
    assert event.text == "完成节点：完成动物实验（2025-10-09），比计划晚 9 天"
    summary = selectors.summary(None, 2025, 10, datetime.date(2025, 10, 9))
    assert (summary["milestones_reached"], summary["milestones_overdue"]) == (1, 0)
    later = selectors.summary(None, 2026, 12, datetime.date(2026, 7, 1))
    assert later["milestones_overdue"] == 1 and later["projects_running"] == 1


def test_a_month_to_come_is_refused(users, biomedicine, clock):
    with pytest.raises(ValidationError, match="尚未到来的月份"):
        services.record_add(
            user=users["kjj"],
            model=ResultTransfer,
            industry=biomedicine,
            year=2025,
            month=11,
            enterprise="甲",
            title="乙",
            contract_value=Decimal("10"),
        )


def test_transfers_and_talent_are_summed_by_month_and_shown_in_the_update(
    platform, users, biomedicine, client, clock
):
    from chains.models import Unit
    from reporting.periods import services as periods
    from reporting.updates import services as updates

    for month, value in ((8, "100"), (9, "250.5")):
        services.record_add(
            user=users["kjj"],
            model=ResultTransfer,
            industry=biomedicine,
            year=2025,
            month=month,
            enterprise="艾德生物",
            title=f"{month}月成果",
            count=2,
            contract_value=Decimal(value),
        )
    services.record_add(
        user=users["kjj"],
        model=TalentIntake,
        industry=biomedicine,
        year=2025,
        month=9,
        kind="international",
        count=4,
    )
    summary = selectors.summary(
        Industry.objects.filter(pk=biomedicine.pk), 2025, 9, datetime.date(2025, 10, 9)
    )
    assert (summary["transfers"], summary["transfer_value"]) == (4, Decimal("350.50"))
    assert summary["talent_total"] == 4
    assert summary["platforms"] == 1 and summary["platforms_new"] == 0
    update = updates.update_start(
        industry=biomedicine,
        unit=Unit.objects.get(name="市科技局"),
        period=periods.period_get_or_create(2025, 9),
        user=users["kjj"],
    )
    client.force_login(users["kjj"])
    page = client.get(reverse("reporting:edit", args=[update.pk])).content.decode()
    assert "9月成果" in page and "8月成果" not in page and 'id="innovation-month"' in page
    client.force_login(users["drc"])
    page = client.get(reverse("reporting:update", args=[update.pk])).content.decode()
    assert "9月成果" in page


def test_the_registers_page_reads_the_users_industries(
    platform, research, users, client, django_assert_max_num_queries
):
    client.force_login(users["swj"])
    url = reverse("reporting:innovation")
    client.get(url)
    with django_assert_max_num_queries(22):  # summary 5, registers 5, whatever the rows
        page = client.get(url)
    assert "厦门生物医药国家重点实验室" not in page.content.decode()  # not its industries
    client.force_login(users["gxj"])
    assert (
        "厦门生物医药国家重点实验室"
        in client.get(url, {"industry": "biomedicine"}).content.decode()
    )
    assert client.get(reverse("reporting:tech_project", args=[research.pk])).status_code == 200
    client.force_login(users["swj"])
    assert client.get(reverse("reporting:tech_project", args=[research.pk])).status_code == 403
    assert client.get(url, {"industry": "biomedicine"}).status_code == 403


def test_the_dashboard_and_the_report_carry_innovation(
    platform, research, users, biomedicine, client, clock
):
    from reporting.periods import services as periods
    from reporting.reports import render
    from reporting.reports.gather import gather

    periods.period_get_or_create(2025, 9)
    services.record_add(
        user=users["kjj"],
        model=ResultTransfer,
        industry=biomedicine,
        year=2025,
        month=9,
        enterprise="艾德生物",
        title="检测试剂",
        count=3,
        contract_value=Decimal("420"),
    )
    services.record_add(
        user=users["kjj"],
        model=TalentIntake,
        industry=biomedicine,
        year=2025,
        month=8,
        kind="leading",
        count=2,
    )
    data = gather("monthly", 2025, 9)
    assert data["innovation"]["transfers"] == 3 and data["innovation"]["transfer_value"] == "420.00"
    assert data["innovation"]["platform_levels"][0] == ["国家级", 1]
    html = render.report_html(data)
    assert "科技成果转化3项，合同金额420.00万元" in html and "领军型人才2人" in html
    client.force_login(users["drc"])
    page = client.get(reverse("dashboard"), {"month": "2025-09"}).content.decode()
    assert 'id="dashboard-innovation"' in page and "420" in page


def test_innovation_is_split_by_district_on_the_page_the_dashboard_and_the_report(
    platform, research, users, biomedicine, client, clock
):
    """Every record carries the district of its platform or enterprise (none for a city-level
    one); the summary, the page's filter and table, the dashboard and the report split by it."""
    from chains.models import Unit
    from reporting.periods import services as periods
    from reporting.reports import render
    from reporting.reports.gather import gather

    haicang, jimei = Unit.objects.get(code="haicang"), Unit.objects.get(code="jimei")
    services.record_change(
        record=platform, user=users["kjj"], version=platform.version, district=haicang
    )
    services.record_change(
        record=research, user=users["kjj"], version=research.version, district=jimei
    )
    for district, value in ((haicang, "100"), (jimei, "250.5"), (jimei, "9.5")):
        services.record_add(
            user=users["kjj"],
            model=ResultTransfer,
            industry=biomedicine,
            year=2025,
            month=9,
            enterprise="承接企业",
            title=f"{district.name}成果",
            district=district,
            contract_value=Decimal(value),
        )
    for district, count in ((jimei, 2), (None, 5)):  # city-level talent programme: no district
        services.record_add(
            user=users["kjj"],
            model=TalentIntake,
            industry=biomedicine,
            year=2025,
            month=9,
            kind="skilled",
            count=count,
            district=district,
        )
    found = selectors.summary(None, 2025, 9, datetime.date(2025, 10, 9))
    rows = {row["code"]: row for row in found["districts"]}
    assert [row["code"] for row in found["districts"]] == ["jimei", "haicang", None]  # matrix order
    assert rows["haicang"]["platforms"] == 1 and rows["haicang"]["transfers"] == 1
    assert (rows["jimei"]["projects_running"], rows["jimei"]["transfers"]) == (1, 2)
    assert rows["jimei"]["transfer_value"] == Decimal("260.00") and rows["jimei"]["talent"] == 2
    assert rows[None]["talent"] == 5 and str(rows[None]["name"]) == "市级（不分区）"
    assert found["transfers"] == 3 and found["talent_total"] == 7  # the totals are the rows'
    only = selectors.summary(None, 2025, 9, datetime.date(2025, 10, 9), jimei)
    assert (only["transfers"], only["talent_total"], only["platforms"]) == (2, 2, 0)

    client.force_login(users["kjj"])
    page = client.get(reverse("reporting:innovation"), {"district": "jimei", "year": "2025"})
    text = page.content.decode()
    assert 'id="innovation-districts"' in text and 'data-district="jimei"' in text
    assert "集美区成果" in text and "海沧区成果" not in text  # the lists follow the filter
    assert "厦门生物医药国家重点实验室" not in text  # the platform is in 海沧

    periods.period_get_or_create(2025, 9)
    client.force_login(users["drc"])
    page = client.get(reverse("dashboard"), {"month": "2025-09"}).content.decode()
    assert 'id="dashboard-innovation-districts"' in page and 'data-district="haicang"' in page

    data = gather("monthly", 2025, 9)
    assert {row["name"]: row["transfer_value"] for row in data["innovation"]["districts"]} == {
        "海沧区": "100.00",
        "集美区": "260.00",
        "市级（不分区）": "0.00",
    }
    html = render.report_html(data)
    assert '<table class="innovation-districts">' in html and "市级（不分区）" in html


def test_a_past_period_counts_what_was_then(platform, research, users, biomedicine, clock):
    """A report on a past month or year counts the platforms recognised by then, the projects
    running in it and the milestones overdue at its end, not today's picture."""
    services.record_add(
        user=users["kjj"],
        model=InnovationPlatform,
        industry=biomedicine,
        name="2025年新认定平台",
        level="provincial",
        kind="new_rd",
        host="嘉庚创新实验室",
        year=2025,
    )
    late = services.milestone_add(
        project=research,
        user=users["kjj"],
        title="完成临床前研究",
        due_on=datetime.date(2025, 8, 31),
    )
    services.milestone_reach(milestone=late, user=users["kjj"])  # on 9 October, late
    on = datetime.date(2025, 10, 9)
    then = selectors.summary(None, 2024, 12, on)
    assert (then["platforms"], then["platforms_new"], then["projects_running"]) == (1, 1, 0)
    assert then["projects_budget"] == 0 and then["milestones_overdue"] == 0
    september = selectors.summary(None, 2025, 9, on)  # at 30 September it was overdue
    assert (september["milestones_overdue"], september["milestones_reached"]) == (1, 0)
    october = selectors.summary(None, 2025, 10, on)
    assert (october["milestones_overdue"], october["milestones_reached"]) == (0, 1)
    assert (october["platforms"], october["projects_running"]) == (2, 1)


def test_an_unknown_kind_of_record_is_not_found(platform, users):
    from django.http import Http404

    from reporting.innovation.access import access_record

    with pytest.raises(Http404):
        access_record(user=users["kjj"], kind="patent", pk=platform.pk)
    assert access_record(user=users["kjj"], kind="platform", pk=platform.pk) == platform
