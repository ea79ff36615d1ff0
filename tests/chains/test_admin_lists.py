"""The admin's lists of the matrix (分工) and of the statistics imports (统计数据导入): who
leads and who is responsible at a glance, search and filters, and a bounded number of
queries however many rows."""

from django.urls import reverse

from chains.choices import UnitRole
from chains.models import (
    Assignment,
    AssignmentOfficial,
    AssignmentUnit,
    FigureImport,
    Official,
    Unit,
)


def changelist(client, model: str, **query):
    response = client.get(reverse(f"admin:chains_{model}_changelist"), query)
    assert response.status_code == 200
    return response


def test_the_assignment_list_shows_who_leads_and_who_is_responsible(client, users):
    client.force_login(users["admin"])
    response = changelist(client, "assignment")
    html = response.content.decode()
    for heading in ("牵头市领导", "牵头单位", "责任单位"):
        assert f">{heading}<" in html or f">{heading}</a>" in html, heading
    trade = next(a for a in response.context["cl"].result_list if "商贸物流" in str(a))
    row = html[html.index(str(trade)) :]
    row = row[: row.index("</tr>")]
    assert "黄晓舟、黄燕添、庄荣良" in row
    assert "市商务局、市交通局、市会展局" in row
    assert "厦门港口局" in row


def test_the_assignment_list_searches_and_filters(client, users):
    client.force_login(users["admin"])

    def found(**query):
        return {str(a) for a in changelist(client, "assignment", **query).context["cl"].result_list}

    # 市海洋局 is responsible for the six future industries only; one shared assignment.
    [future] = found(q="市海洋局")
    assert "第三代半导体" in future and "深海空天开发" in future
    assert found(q="商贸物流") == {"商贸物流产业集群"}
    assert found(q="李辉跃") == {"金融服务产业集群"}
    swj = Unit.objects.get(name="市商务局")
    assert found(lead_unit=swj.pk) == {"商贸物流产业集群"}
    # 市商务局 leads 商贸物流 and is responsible nowhere: the filters tell the roles apart.
    assert found(responsible_unit=swj.pk) == set()
    hyj = Unit.objects.get(name="市海洋局")
    assert found(responsible_unit=hyj.pk) == {future}
    huang = Official.objects.get(name="黄燕添")
    assert found(official=huang.pk) == {"商贸物流产业集群"}


def test_the_assignment_list_runs_the_same_queries_for_many_rows(
    client, users, django_assert_max_num_queries
):
    client.force_login(users["admin"])
    changelist(client, "assignment")  # session and permissions warm
    with django_assert_max_num_queries(30) as few:
        changelist(client, "assignment")
    officials, units = list(Official.objects.all()), list(Unit.objects.all())
    for n in range(30):
        assignment = Assignment.objects.create(code=f"extra-{n}")
        AssignmentOfficial.objects.create(assignment=assignment, official=officials[n % 5])
        AssignmentUnit.objects.create(assignment=assignment, unit=units[n % 20], role=UnitRole.LEAD)
        AssignmentUnit.objects.create(
            assignment=assignment, unit=units[n % 20 + 1], role=UnitRole.RESPONSIBLE
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = changelist(client, "assignment")
    assert len(response.context["cl"].result_list) == 39


def test_the_statistics_imports_list_searches_and_filters(client, users):
    client.force_login(users["admin"])
    for name, kind, status in (
        ("2026年10月产业指标.xlsx", "industry_figures", "applied"),
        ("重点企业名录.xlsx", "enterprises", "refused"),
    ):
        FigureImport.objects.create(
            kind=kind,
            status=status,
            original_name=name,
            sha256="0" * 64,
            uploaded_by=users["stats"],
            file=f"statistics/{name}",
        )

    def found(**query):
        return [
            r.original_name
            for r in changelist(client, "figureimport", **query).context["cl"].result_list
        ]

    assert found(q="产业指标") == ["2026年10月产业指标.xlsx"]
    assert len(found(q="stats")) == 2  # by who uploaded it
    assert found(status__exact="refused") == ["重点企业名录.xlsx"]
    assert 'id="searchbar"' in changelist(client, "figureimport").content.decode()


def more_industries(count: int) -> None:
    """`count` industries more, each with its own assignment (named after it in the lists)."""
    from chains.models import Category, Industry

    category = Category.objects.get(code="emerging")
    for n in range(count):
        assignment = Assignment.objects.create(code=f"more-{n}")
        Industry.objects.create(
            code=f"more-{n}",
            name=f"新增产业{n}",
            category=category,
            assignment=assignment,
            position=100 + n,
        )


def test_the_industry_list_and_page_run_the_same_queries_for_many_industries(
    client, users, django_assert_max_num_queries
):
    """An assignment is named after its industries: read once for the list (a column) and for
    the change page (the assignment's choices), not once per row or choice."""
    from chains.models import Industry

    client.force_login(users["admin"])
    industry = Industry.objects.get(name="新能源产业")
    page = reverse("admin:chains_industry_change", args=[industry.pk])
    changelist(client, "industry")  # session and permissions warm
    with django_assert_max_num_queries(30) as few_list:
        changelist(client, "industry")
    with django_assert_max_num_queries(30) as few_page:
        assert client.get(page).status_code == 200

    more_industries(30)

    with django_assert_max_num_queries(len(few_list.captured_queries)):
        response = changelist(client, "industry")
    assert len(response.context["cl"].result_list) == 44
    assert "新增产业29" in response.content.decode()
    with django_assert_max_num_queries(len(few_page.captured_queries)):
        response = client.get(page)
    assert "新增产业29" in response.content.decode()
