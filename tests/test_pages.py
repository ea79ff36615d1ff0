"""Pages as a user sees them: Chinese by default, English on request, bounded queries."""

import pytest
from django.urls import reverse

from chains.choices import UnitKind, UnitRole
from chains.models import (
    Assignment,
    AssignmentOfficial,
    AssignmentUnit,
    Category,
    Industry,
    Official,
    Unit,
)


def test_matrix_page_shows_all_fourteen_industries_in_chinese(users, client):
    client.force_login(users["gxj"])
    html = client.get(reverse("chains:matrix")).content.decode()
    assert "四大支柱产业集群" in html and "六个未来产业" in html
    for name in ["电子信息产业集群", "商贸物流产业集群", "文旅创意产业", "深海空天开发"]:
        assert name in html
    assert html.count('data-industry="') == 14
    assert "牵头市领导" in html and "责任单位" in html  # UI labels translated
    assert 'lang="zh-CN"' in html


def test_english_browser_still_gets_chinese_until_the_user_switches(users, client):
    client.force_login(users["gxj"])
    url = reverse("chains:matrix")
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "牵头市领导" in html
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "Lead city officials" in html
    assert "Electronic Information" in html  # data names switch too
    assert 'lang="en"' in html


def test_home_lists_the_users_industries_and_role(users, client):
    client.force_login(users["gxj"])
    html = client.get(reverse("home")).content.decode()
    assert "电子信息产业集群" in html and "生物医药产业" in html
    assert "商贸物流产业集群" not in html
    assert "单位工作人员" in html  # the role
    assert "牵头单位" in html


def test_unit_page_shows_what_it_leads_and_supports(users, client):
    client.force_login(users["gxj"])
    html = client.get(reverse("chains:unit", args=["gxj"])).content.decode()
    assert "电子信息产业集群" in html and "第三代半导体" in html


def test_industry_page_names_shared_assignment(users, client):
    client.force_login(users["kjj"])
    html = client.get(reverse("industry", args=["future-networks"])).content.decode()
    assert "第三代半导体" in html  # shares its assignment
    assert "市海洋局" in html


def test_login_page_in_chinese(client, matrix):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "登录" in html


def test_403_page_is_friendly(users, client):
    client.force_login(users["swj"])
    response = client.get(reverse("industry", args=["electronic-information"]))
    assert response.status_code == 403
    assert "责任分工" in response.content.decode()


def grow_matrix(n: int) -> None:
    """Add n industries, each with its own assignment, officials and many units."""
    category = Category.objects.get(code="pillar")
    units = [
        Unit.objects.create(code=f"u{i}", name=f"测试单位{i}", kind=UnitKind.MUNICIPAL)
        for i in range(n)
    ]
    for i in range(n):
        assignment = Assignment.objects.create(code=f"extra-{i}")
        Industry.objects.create(
            code=f"extra-{i}",
            name=f"测试产业{i}",
            category=category,
            assignment=assignment,
            position=100 + i,
        )
        official = Official.objects.create(code=f"o{i}", name=f"测试领导{i}")
        AssignmentOfficial.objects.create(assignment=assignment, official=official)
        AssignmentUnit.objects.create(assignment=assignment, unit=units[i], role=UnitRole.LEAD)
        for j, unit in enumerate(units[:i] + units[i + 1 :]):
            AssignmentUnit.objects.create(
                assignment=assignment, unit=unit, role=UnitRole.RESPONSIBLE, position=j
            )


# (the DRC lands on the cockpit; the statistics bureau's home lists every industry)
@pytest.mark.parametrize("url_name,role", [("chains:matrix", "drc"), ("home", "stats")])
def test_page_queries_do_not_grow_with_the_matrix(
    users, client, django_assert_max_num_queries, url_name, role
):
    client.force_login(users[role])
    with django_assert_max_num_queries(14) as small:
        assert client.get(reverse(url_name)).status_code == 200
    grow_matrix(20)
    with django_assert_max_num_queries(14) as large:
        response = client.get(reverse(url_name))
        assert response.status_code == 200
    assert "测试产业19" in response.content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)


def test_industry_and_unit_pages_bounded(users, client, django_assert_max_num_queries):
    client.force_login(users["gxj"])
    # 16, one for the carrier areas, one for the policy register (a second once evaluated) and
    # one for the industry's recorded changes of the matrix
    # and two for its work team and the team's meetings
    with django_assert_max_num_queries(21):
        assert client.get(reverse("industry", args=["electronic-information"])).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get(reverse("chains:unit", args=["gxj"])).status_code == 200
