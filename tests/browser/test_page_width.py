"""The pages that carry the statistics and their marks (※), and the supervision loop's, fit a
phone: at 390 px a page never scrolls sideways; a table wider than the phone scrolls inside its
own box. Seen on the demo data, which has every kind of row these pages show (a flagged figure,
sub-segments, districts, analyses, imports, enterprises with tiers; items at each step, a
meeting with minutes, a chase, an instruction, a comment). City leaders read on their phones."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from chains.figures.models import FigureImport
from tests.browser.test_update_journey import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 768}


@pytest.fixture
def demo(transactional_db, settings, clock):
    clock.set(clock.day.replace(year=2026, month=11, day=20))
    settings.DEBUG = True
    for command in (
        "load_matrix",
        "load_indicators",
        "load_validation_rules",
        "load_assessment_indicators",
        "seed_demo",
    ):
        call_command(command, verbosity=0)
    settings.DEBUG = False


def pages():
    flagged = FigureImport.objects.filter(flags__isnull=False).distinct().latest("uploaded_at")
    month = flagged.months[0]
    from reporting.models import ActionItem, Meeting

    items = [reverse("reporting:action", args=[a.pk]) for a in ActionItem.objects.order_by("pk")]
    supervision = [
        reverse("reporting:board"),
        reverse("reporting:problems"),
        reverse(
            "reporting:problem", args=[ActionItem.objects.exclude(problem=None).first().problem_id]
        ),
        reverse("reporting:meetings"),
        reverse("reporting:meeting", args=[Meeting.objects.get().pk]),
        reverse("reporting:instructions"),
        reverse("accounts:notifications"),
        *items,
    ]
    return [
        *supervision,
        reverse("dashboard"),
        reverse("stats:home"),
        reverse("stats:industry", args=["new-energy"]),
        reverse("stats:industry", args=["commerce-logistics"]),
        reverse("stats:import", args=[flagged.pk]),
        reverse("stats:follow_up"),
        reverse("stats:follow_up") + "?show=explained",
        reverse("analysis:home"),
        reverse("analysis:month", args=[month]),
    ]


def wider_than_the_window(browser, live_server, username, viewport, paths):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)  # home, or the cockpit
    wide = {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, (username, path, response.status)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.evaluate("window.innerWidth"):
            wide[path] = width
    context.close()
    return wide


def register_pages():
    """The project register as its lead unit keeps it: the list, the pipeline, a project with
    land and history, and the forms."""
    from reporting.models import Project

    project = Project.objects.filter(land_items__isnull=False).order_by("pk").first()
    return [
        reverse("reporting:projects"),
        reverse("reporting:project_pipeline"),
        reverse("reporting:project", args=[project.pk]),
        reverse("reporting:project_add"),
        reverse("reporting:project_edit", args=[project.pk]),
    ], project.responsible_unit.staff.order_by("pk").first().username


def test_the_statistics_pages_fit_a_phone_and_a_desk(browser, live_server, demo):
    paths = pages()
    register, keeper = register_pages()
    from reporting.models import InvestmentLead

    leads = [
        reverse("reporting:lead", args=[lead.pk])
        for lead in InvestmentLead.objects.exclude(project=None).order_by("pk")[:1]
    ] + [reverse("reporting:lead_add")]
    from reporting.models import TechProject

    research = TechProject.objects.order_by("pk").first()
    innovation = [
        reverse("reporting:innovation"),
        reverse("reporting:innovation") + "?district=haicang",
        reverse("reporting:tech_project", args=[research.pk]),
    ]
    # the industry page with its work team and carrier areas, and the team's form
    industry = [
        reverse("industry", args=["electronic-information"]),
        reverse("chains:team", args=["electronic-information"]),
    ]
    # the statistics bureau, the DRC, and a city leader (who reads the dashboard on a phone)
    statistics, supervision = paths[-9:], paths[:-9]
    seen = [
        ("tjj", statistics),
        ("fgw", paths),
        ("huangxiaozhou", statistics[:1]),  # the dashboard
        ("jtj", supervision[-4:]),  # the items, as a host unit
        ("huangyantian", [supervision[5], *supervision[-4:]]),  # instructions, items
        (keeper, register),  # the lead unit keeping the project register
        ("fgw", register[:3]),
        ("zsb", [reverse("reporting:leads"), *leads]),  # 市招商办
        ("kjj", innovation),  # 市科技局 keeping the innovation registers
        ("gxj", industry),  # 市工信局 leading 电子信息
        ("zhuyao", [reverse("hearing")]),  # a main city leader's annual hearing
        # a district: its own assessment, its leads
        (
            "siming",
            [reverse("district_assessment_detail", args=["siming"]), reverse("reporting:leads")],
        ),
    ]
    wide = {
        (username, viewport["width"]): wider_than_the_window(
            browser, live_server, username, viewport, shown
        )
        for viewport in (PHONE, DESK)
        for username, shown in seen
    }
    assert {key: found for key, found in wide.items() if found} == {}
