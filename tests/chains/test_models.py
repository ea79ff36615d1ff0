import pytest
from django.db import IntegrityError, transaction

from chains.choices import UnitKind, UnitRole
from chains.matrix.selectors import matrix_by_category, unit_industries
from chains.models import Assignment, AssignmentUnit, Category, Industry, Official, SubSegment, Unit


def test_matrix_holds_fourteen_industries_in_three_categories(matrix):
    counts = {c.code: c.industries.count() for c in Category.objects.all()}
    assert counts == {"pillar": 4, "emerging": 4, "future": 6}
    assert Industry.objects.count() == 14
    assert Official.objects.count() == 5


def test_units_are_canonical_and_complete(matrix):
    names = set(Unit.objects.values_list("name", flat=True))
    assert {"市统计局", "市招商办", "市科技局", "市市场监管局", "火炬管委会"} <= names
    assert "科技局" not in names and "各区" not in names
    assert list(Unit.objects.filter(kind=UnitKind.DISTRICT).values_list("name", flat=True)) == [
        "思明区",
        "湖里区",
        "集美区",
        "海沧区",
        "同安区",
        "翔安区",
    ]
    assert set(Unit.objects.filter(kind=UnitKind.CENTRAL).values_list("name", flat=True)) == {
        "人行厦门市中心支行",
        "厦门银保监局",
        "厦门证监局",
    }
    assert not Unit.objects.filter(name_en="").exists()
    assert Unit.objects.count() == 29


def test_six_future_industries_share_one_assignment(matrix):
    future = Industry.objects.filter(category__code="future")
    assert future.count() == 6
    assert future.values("assignment").distinct().count() == 1
    # 14 industries, but only 9 assignments: 8 of their own and the shared future one.
    assert Assignment.objects.count() == 9


def test_editing_the_shared_assignment_changes_all_six(matrix):
    assignment = Industry.objects.get(name="未来网络").assignment
    AssignmentUnit.objects.create(
        assignment=assignment,
        unit=Unit.objects.get(name="市招商办"),
        role=UnitRole.RESPONSIBLE,
        position=99,
    )
    for industry in Industry.objects.filter(category__code="future"):
        assert "市招商办" in [u.name for u in industry.assignment.responsible_unit_list()]


def test_a_unit_cannot_be_lead_and_responsible_for_one_assignment(matrix):
    assignment = Industry.objects.get(name="电子信息产业集群").assignment
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentUnit.objects.create(
            assignment=assignment, unit=Unit.objects.get(name="市工信局"), role=UnitRole.RESPONSIBLE
        )


def test_natural_keys_round_trip(matrix):
    unit = Unit.objects.get(name="市工信局")
    assert Unit.objects.get_by_natural_key(*unit.natural_key()) == unit
    industry = Industry.objects.get(name="新能源产业")
    assert Industry.objects.get_by_natural_key(*industry.natural_key()) == industry
    category = Category.objects.get(code="future")
    assert Category.objects.get_by_natural_key(*category.natural_key()) == category
    segment = SubSegment.objects.create(industry=industry, name="光伏")
    assert SubSegment.objects.get_by_natural_key(*segment.natural_key()) == segment


def test_matrix_groups_shared_assignments_as_the_source_does(matrix):
    layout = {
        category.code: [[i.name for i in group] for group in groups]
        for category, groups in matrix_by_category()
    }
    assert len(layout["pillar"]) == 4
    assert layout["future"] == [
        ["第三代半导体", "未来网络", "前沿战略材料", "氢能与储能", "基因与生物技术", "深海空天开发"]
    ]


def test_unit_industries_splits_led_and_supported(matrix):
    result = unit_industries(Unit.objects.get(name="市工信局"))
    assert [i.name for i in result["lead"]] == [
        "电子信息产业集群",
        "机械装备产业集群",
        "新材料产业",
        "新能源产业",
    ]
    assert "生物医药产业" in [i.name for i in result["responsible"]]
    assert len(result["responsible"]) == 8  # 生物医药, 文旅创意 and the six future industries
