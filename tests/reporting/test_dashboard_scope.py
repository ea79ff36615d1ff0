"""A city leader's dashboard stays within his or her industries: a filter naming another
industry, category, lead official or lead unit is refused with the reason (page and xlsx
export alike), never answered with zeros under 全部; the filters offer only values in scope."""

import re

import pytest
from django.urls import reverse

from accounts.access import industries_for
from chains.models import Industry, Unit
from reporting.models import PlanItem, PlanYear, WorkPlan
from reporting.periods.services import today

# 黄燕添 leads 商贸物流 only (with 黄晓舟 and 庄荣良; lead units 市商务局, 市交通局, 市会展局).
OUT_OF_SCOPE = [
    ({"industry": "financial-services"}, "所选产业不在您的查看范围内"),
    ({"official": "lihuiyue"}, "所选牵头市领导不负责您可以查看的产业"),
    ({"unit": "gxj"}, "所选牵头单位不承担您可以查看的产业"),
    ({"category": "emerging"}, "所选产业类别中没有您可以查看的产业"),
]


@pytest.mark.parametrize("export", [False, True], ids=["page", "xlsx"])
@pytest.mark.parametrize(
    "params, reason", OUT_OF_SCOPE, ids=[next(iter(p)) for p, _r in OUT_OF_SCOPE]
)
def test_a_leader_is_refused_a_filter_outside_his_industries(client, users, params, reason, export):
    client.force_login(users["leader_huang_yt"])
    response = client.get(
        reverse("dashboard"), {**params, **({"format": "xlsx"} if export else {})}
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")  # no workbook of zeros
    assert reason in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"industry": "commerce-logistics"},
        {"official": "huangyantian"},
        {"official": "huangxiaozhou"},  # shares 商贸物流 with him
        {"unit": "swj"},
        {"category": "pillar"},
    ],
)
def test_a_leader_filters_within_his_industries(client, users, params):
    client.force_login(users["leader_huang_yt"])
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    assert [r.code for r in response.context["dash"]["rows"]] == ["commerce-logistics"]


def offered(response, name: str) -> list[str]:
    """The values a filter's select offers on the page (the empty "all" left out)."""
    select = re.search(rf'<select name="{name}">(.*?)</select>', response.content.decode(), re.S)
    return [v for v in re.findall(r'<option value="([^"]*)"', select.group(1)) if v]


def test_a_leader_is_offered_only_the_values_of_his_industries(client, users):
    # The DRC is offered, and may choose, everything. Its page of one of the leader's
    # industries is cached first; the leader's page of that industry, cached beside it, offers
    # only his.
    theirs = industries_for(users["leader_huang_yt"]).order_by("category__position", "position")
    shown = {"industry": theirs[0].code}
    client.force_login(users["drc"])
    response = client.get(reverse("dashboard"), shown)
    assert len(offered(response, "official")) == 5
    assert len(offered(response, "industry")) == Industry.objects.count()
    client.force_login(users["leader_huang_yt"])
    for query in ({}, shown, shown):  # his whole scope; the industry, computed then cached
        response = client.get(reverse("dashboard"), query)
        assert offered(response, "category") == ["pillar"]
        assert set(offered(response, "official")) == {
            "huangxiaozhou",
            "huangyantian",
            "zhuangrongliang",
        }
        assert offered(response, "unit") == ["swj", "jtj", "hzj"]
        assert offered(response, "industry") == [i.code for i in theirs]
    client.force_login(users["drc"])
    response = client.get(reverse("dashboard"), {"industry": "financial-services"})
    assert [r.code for r in response.context["dash"]["rows"]] == ["financial-services"]
    assert len(offered(response, "industry")) == Industry.objects.count()


@pytest.mark.parametrize("name", ["industry", "official", "unit", "category"])
def test_a_filter_naming_nothing_is_not_found(client, users, name):
    client.force_login(users["drc"])
    assert client.get(reverse("dashboard"), {name: "no-such-thing"}).status_code == 404


def test_a_district_filter_shows_a_leader_no_plan_outside_his_industries(client, users):
    """A district's own work plan is the district's and the DRC's, not a city leader's."""
    siming = Unit.objects.get(code="siming")
    year = today().year
    plan = WorkPlan.objects.create(
        unit=siming,
        plan_year=PlanYear.objects.create(year=year, deadline=PlanYear.default_deadline(year)),
        status="accepted",
        created_by=users["siming"],
    )
    PlanItem.objects.create(
        plan=plan, element="organisation", task="成立工作专班", responsible=siming, due_month=1
    )
    month = f"{year}-{today().month:02d}"
    client.force_login(users["drc"])
    drc = client.get(reverse("dashboard"), {"month": month, "district": "siming"})
    assert [r["plan"] for r in drc.context["dash"]["plans"]["plans"]] == [plan.pk]
    client.force_login(users["leader_huang_yt"])
    leader = client.get(reverse("dashboard"), {"month": month, "district": "siming"})
    assert leader.context["dash"]["plans"]["plans"] == []
