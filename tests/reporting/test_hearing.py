"""The annual hearing (市主要领导每年度听取): the year on one page, from the final annual report
when there is one, else gathered live and saying so; the open major problems the reader may
see."""

import pytest
from django.urls import reverse

from accounts.choices import Role
from reporting.models import Problem, Report
from reporting.reports import services as reports
from reporting.reports.gather import gather
from reporting.updates import services
from tests.reporting.conftest import content


@pytest.fixture
def main_leader(make_user, matrix):
    return make_user("zhuyao", role=Role.MAIN_LEADER)


@pytest.fixture
def with_problem(electronics_update, users, indicators, figures):
    update = services.update_save(
        update=electronics_update,
        content=services.UpdateContent(
            fields=content().fields,
            key_projects=[{"name": "天马产线", "stage": "construction", "investment": 330}],
            problems=[
                {
                    "description": "产线用电增容",
                    "type": "energy",
                    "concerned": "",
                    "needs_meeting": True,
                }
            ],
        ),
        expected_version=electronics_update.version,
        user=users["gxj"],
    )
    update = services.update_submit(
        update=update, user=users["gxj"], expected_version=update.version
    )
    return services.update_accept(update=update, user=users["drc"])


def test_a_principal_leader_hears_the_year_live_before_the_report(
    main_leader, with_problem, client
):
    client.force_login(main_leader)
    page = client.get(reverse("hearing"), {"year": 2025})
    assert page.status_code == 200
    hearing = page.context["hearing"]
    assert hearing["live"] and hearing["report"] is None
    line = next(x for x in hearing["lines"] if x["code"] == "electronic-information")
    assert "重点项目1个" in line["line"] and "报送问题1个" in line["line"]
    assert [p.description for p in hearing["major_problems"]] == ["产线用电增容"]
    assert 'id="hearing-live"' in page.content.decode()


def test_the_final_annual_report_is_read_as_frozen(main_leader, with_problem, users, client):
    data = gather("annual", 2025)
    report = Report.objects.create(kind="annual", period="2025", title=data["title"], data=data)
    report.summary = "全年产业体系运行平稳。"
    report.save()
    reports.report_finalise(report=report, user=users["drc"], expected_version=report.edit_version)
    Problem.objects.update(description="改过的问题")  # the problems are today's, the lines frozen
    client.force_login(main_leader)
    page = client.get(reverse("hearing"), {"year": 2025})
    hearing = page.context["hearing"]
    assert not hearing["live"] and hearing["summary"] == "全年产业体系运行平稳。"
    assert "全年产业体系运行平稳。" in page.content.decode()
    assert [p.description for p in hearing["major_problems"]] == ["改过的问题"]


def test_a_city_leader_hears_only_the_problems_of_his_industries(with_problem, users, client):
    client.force_login(users["leader_huang_yt"])  # leads 商贸物流, not 电子信息
    page = client.get(reverse("hearing"), {"year": 2025})
    assert page.status_code == 200 and page.context["hearing"]["major_problems"] == []
    client.force_login(users["gxj"])
    assert client.get(reverse("hearing")).status_code == 403
