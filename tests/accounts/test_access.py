"""Who may view, file and contribute, for every role, through the one access module."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.access import access_industry, can, industries_for, industry_roles
from accounts.choices import Action
from chains.matrix.access import access_unit
from chains.models import Industry

ALL = 14
FUTURE = {
    "第三代半导体",
    "未来网络",
    "前沿战略材料",
    "氢能与储能",
    "基因与生物技术",
    "深海空天开发",
}


def names(queryset):
    return set(queryset.values_list("name", flat=True))


def industry(name):
    return Industry.objects.get(name=name)


def test_lead_unit_files_for_what_it_leads(users):
    gxj = users["gxj"]
    assert names(industries_for(gxj, Action.FILE)) == {
        "电子信息产业集群",
        "机械装备产业集群",
        "新材料产业",
        "新能源产业",
    }
    assert can(gxj, Action.FILE, industry("电子信息产业集群"))


def test_other_lead_unit_cannot_file_for_electronics(users):
    swj = users["swj"]
    assert not can(users["swj"], Action.FILE, industry("电子信息产业集群"))
    assert not can(swj, Action.VIEW, industry("电子信息产业集群"))
    assert names(industries_for(swj, Action.FILE)) == {"商贸物流产业集群"}
    with pytest.raises(PermissionDenied):
        access_industry(user=swj, code="electronic-information", action=Action.FILE)


def test_district_views_and_contributes_but_does_not_file(users):
    siming = users["siming"]
    electronics = industry("电子信息产业集群")
    assert can(siming, Action.VIEW, electronics)
    assert can(siming, Action.CONTRIBUTE, electronics)
    assert not can(siming, Action.FILE, electronics)
    assert industries_for(siming, Action.FILE).count() == 0
    # 各区 is responsible for all 14 industries.
    assert industries_for(siming, Action.VIEW).count() == ALL


def test_lead_unit_of_the_six_future_industries(users):
    kjj = users["kjj"]
    assert names(industries_for(kjj, Action.FILE)) == FUTURE | {"生物医药产业"}


def test_responsible_unit_sees_only_its_industries(users):
    hyj = users["hyj"]  # 市海洋局: responsible for the future six only
    assert names(industries_for(hyj, Action.VIEW)) == FUTURE
    assert not can(hyj, Action.VIEW, industry("电子信息产业集群"))


def test_drc_sees_everything_and_files_nothing(users):
    drc = users["drc"]
    assert industries_for(drc, Action.VIEW).count() == ALL
    assert industries_for(drc, Action.FILE).count() == 0


def test_statistics_staff_read_everything(users):
    assert industries_for(users["stats"], Action.VIEW).count() == ALL
    assert industries_for(users["stats"], Action.FILE).count() == 0


def test_city_leader_reads_the_industries_he_leads(users):
    leader = users["leader_huang_yt"]  # 黄燕添 leads 商贸物流 only
    assert names(industries_for(leader, Action.VIEW)) == {"商贸物流产业集群"}
    assert industries_for(leader, Action.FILE).count() == 0
    with pytest.raises(PermissionDenied):
        access_industry(user=leader, code="financial-services")


def test_admin_reads_all_but_files_nothing(users):
    assert industries_for(users["admin"], Action.VIEW).count() == ALL
    assert industries_for(users["admin"], Action.FILE).count() == 0


def test_anonymous_gets_nothing(matrix):
    from django.contrib.auth.models import AnonymousUser

    assert industries_for(AnonymousUser()).count() == 0


def test_inactive_user_gets_nothing(users):
    """A deactivated account keeps its unit and its groups' object permissions: the access
    module itself must refuse it everything, a system-wide reader included."""
    electronics = industry("电子信息产业集群")
    for who in ("gxj", "drc"):
        users[who].is_active = False
        users[who].save()
        assert not can(users[who], Action.VIEW, electronics)
        assert industry_roles(users[who]) == {}
    assert industries_for(users["gxj"], Action.FILE).count() == 0
    assert not can(users["gxj"], Action.FILE, electronics)


def test_an_unknown_update_is_404(users):
    from reporting.updates.access import access_update

    with pytest.raises(Http404):
        access_update(user=users["drc"], pk=987654)


def test_unknown_industry_is_404(users):
    with pytest.raises(Http404):
        access_industry(user=users["drc"], code="no-such-industry")


def test_unit_page_access(users):
    assert access_unit(user=users["gxj"], code="gxj").name == "市工信局"
    assert access_unit(user=users["drc"], code="gxj").name == "市工信局"
    with pytest.raises(PermissionDenied):
        access_unit(user=users["swj"], code="gxj")
    with pytest.raises(Http404):
        access_unit(user=users["gxj"], code="nope")


def test_industry_roles_names_the_strongest_action(users):
    roles = industry_roles(users["gxj"])
    assert roles[industry("电子信息产业集群").pk] == Action.FILE
    assert roles[industry("生物医药产业").pk] == Action.CONTRIBUTE
    assert industry("商贸物流产业集群").pk not in roles


def test_moving_a_user_to_another_unit_moves_the_rights(users):
    from chains.models import Unit

    user = users["swj"]
    user.unit = Unit.objects.get(name="市工信局")
    user.save()
    assert can(user, Action.FILE, industry("电子信息产业集群"))
    assert not can(user, Action.FILE, industry("商贸物流产业集群"))


def test_a_unit_that_no_longer_leads_an_industry_cannot_edit_its_update_of_it(users, clock):
    """The month's page edits every update the unit filed at once: once the matrix makes the
    unit only a responsible unit of the industry, its earlier update is no longer its to edit."""
    from chains.matrix.permissions import permissions_sync
    from chains.matrix.selectors import matrix_rows
    from chains.matrix.services import industry_assign
    from chains.models import Unit
    from reporting.periods import services as periods_services
    from reporting.updates import services
    from reporting.updates.access import access_month_updates

    september = periods_services.period_get_or_create(2025, 9)
    logistics = industry("商贸物流产业集群")
    services.update_start(
        industry=logistics,
        unit=Unit.objects.get(name="市商务局"),
        period=september,
        user=users["swj"],
    )
    [filed] = access_month_updates(user=users["swj"], period=september)
    assert filed.industry == logistics
    row = next(r for r in matrix_rows() if r["industry"] == logistics.name)
    industry_assign(
        industry=logistics,
        lead_officials=row["lead_officials"],
        lead_units=[u for u in row["lead_units"] if u != "市商务局"],
        responsible_units=[*row["responsible_units"], "市商务局"],
    )
    permissions_sync()
    assert can(users["swj"], Action.VIEW, logistics)
    with pytest.raises(PermissionDenied):
        access_month_updates(user=users["swj"], period=september)


def test_a_permission_given_to_one_person_counts_as_the_matrixs_do(users):
    """Rights given to a user directly (not through the unit's group) are read by the roles
    the pages show exactly as industries_for reads them, the strongest one winning."""
    from guardian.shortcuts import assign_perm

    from accounts.access import PERMISSIONS

    logistics, electronics = industry("商贸物流产业集群"), industry("电子信息产业集群")
    gxj = users["gxj"]
    assign_perm(PERMISSIONS[Action.CONTRIBUTE], gxj, logistics)
    assign_perm(PERMISSIONS[Action.VIEW], gxj, electronics)  # weaker than the unit's FILE
    roles = industry_roles(gxj)
    assert roles[logistics.pk] == Action.CONTRIBUTE
    assert roles[electronics.pk] == Action.FILE
    assert industries_for(gxj, Action.CONTRIBUTE).filter(pk=logistics.pk).exists()


def test_a_city_leader_views_his_industries_and_nothing_more(users):
    roles = industry_roles(users["leader_huang_yt"])
    assert roles and set(roles.values()) == {Action.VIEW}
    assert set(roles) == set(industries_for(users["leader_huang_yt"]).values_list("pk", flat=True))


def test_a_global_permission_grants_no_industry(users):
    """Filing rights come from the matrix only: a model-wide permission given by hand in the
    admin (guardian would count it for every object) opens no other unit's industry."""
    from django.contrib.auth.models import Permission

    swj = users["swj"]
    own = set(industries_for(swj, Action.FILE))
    swj.user_permissions.add(Permission.objects.get(codename="file_industry"))
    swj = type(swj).objects.get(pk=swj.pk)  # permissions are cached per instance
    assert set(industries_for(swj, Action.FILE)) == own
    assert not can(swj, Action.FILE, industry("电子信息产业集群"))


def test_only_leaders_and_system_wide_readers_read_the_city_overview(users):
    from django.contrib.auth.models import AnonymousUser

    from reporting.dashboard.access import reads_city_overview

    assert reads_city_overview(users["leader_huang_yt"]) and reads_city_overview(users["drc"])
    for name in ("gxj", "siming", "stats"):
        assert reads_city_overview(users[name]) is (name == "stats"), name
    assert not reads_city_overview(AnonymousUser())


def test_the_menus_question_answers_as_guardian_does_for_every_account(users, make_user):
    """The menu asks whether the unit leads an industry in one plain query of guardian's direct
    tables (accounts.access._files_for_any); it must answer as guardian does, for a grant to the
    unit's group and one to the user alone, and for every role."""
    from guardian.shortcuts import assign_perm

    from accounts.access import leads_industries

    alone = make_user("alone", unit="市卫健委")  # a responsible unit, given one grant directly
    assign_perm("chains.file_industry", alone, industry("新材料产业"))
    # 市海洋局 files nothing: a direct grant to view and the global permission to file count
    # for nothing here (guardian's answer, accept_global_perms=False).
    assign_perm("chains.view_industry", users["hyj"], industry("新材料产业"))
    assign_perm("chains.file_industry", users["hyj"])
    answers = {}
    for name, user in {**users, "alone": alone}.items():
        user._portal_leads_industries = None  # not the answer kept on the object
        answers[name] = leads_industries(user)
        expected = bool(user.unit_id) and industries_for(user, Action.FILE).exists()
        assert answers[name] == expected, name
    assert answers["gxj"] and answers["alone"]
    assert answers["kjj"] and not answers["siming"] and not answers["hyj"] and not answers["drc"]
