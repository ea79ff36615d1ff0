"""The project register (项目库): monthly updates report on its projects instead of re-typing
them; its stages, history, soft removal, concurrency, scope and pipeline."""

import datetime
import importlib
import io
from decimal import Decimal

import openpyxl
import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.access import industries_for
from accounts.choices import Action
from chains.models import CarrierArea, Industry, Unit
from reporting.choices import ProjectEventKind, ProjectStage
from reporting.models import KeyProject, MonthlyUpdate, Project, ProjectEvent
from reporting.periods import services as periods_services
from reporting.projects import selectors
from reporting.projects import services as projects
from reporting.updates import services
from tests.reporting.conftest import FULL_TEXT


def line(name="天马8.6代产线", stage="signed", investment="330", progress="", project=None):
    if name in ProjectStage.values:  # line(stage, project): a registered project's line
        name, stage, project = "天马8.6代产线", name, stage
    row = {"name": name, "stage": stage, "investment": Decimal(investment), "progress": progress}
    if project is not None:
        row["project"] = project
    return row


def save(update, user, rows):
    return services.update_save(
        update=update,
        content=services.UpdateContent(fields=FULL_TEXT, key_projects=rows, problems=[]),
        expected_version=MonthlyUpdate.objects.get(pk=update.pk).version,
        user=user,
    )


def submit(update, user):
    return services.update_submit(update=update, user=user, expected_version=update.version)


def accept(update, drc):
    return services.update_accept(update=update, user=drc)


def file(update, user):
    """Submitted by the lead unit and accepted by the DRC: the register follows."""
    from accounts.models import User

    return accept(submit(update, user), User.objects.get(username="drc"))


@pytest.fixture
def electronics():
    return Industry.objects.get(code="electronic-information")


@pytest.fixture
def registered(electronics_update, users):
    """September's update registers 天马8.6代产线 (签约) once accepted."""
    file(save(electronics_update, users["gxj"], [line(progress="9月签约。")]), users["gxj"])
    return Project.objects.get(name="天马8.6代产线")


def october(users, electronics, carry_over=False):
    return services.update_start(
        industry=electronics,
        unit=Unit.objects.get(name="市工信局"),
        period=periods_services.period_get_or_create(2025, 10),
        user=users["gxj"],
        carry_over=carry_over,
    )


def test_a_new_line_registers_its_project_once_accepted(registered, electronics_update, users):
    assert (registered.industry.code, registered.stage) == ("electronic-information", "signed")
    assert registered.investment == Decimal("330.00")
    assert registered.responsible_unit.name == "市工信局"
    # Filed on 9 October for September: the stage is dated the month's last day.
    assert registered.signed_on == registered.stage_since == datetime.date(2025, 9, 30)
    assert electronics_update.key_projects.get().project == registered
    kinds = list(registered.events.order_by("id").values_list("kind", "progress"))
    assert kinds == [("created", ""), ("reported", "9月签约。")]


def test_a_draft_or_a_submission_changes_nothing_in_the_register(electronics_update, users):
    submitted = submit(save(electronics_update, users["gxj"], [line()]), users["gxj"])
    assert not Project.objects.exists()
    services.update_return(update=submitted, user=users["drc"], reason="请补充")
    assert not Project.objects.exists()


def test_next_month_carries_the_register_and_moves_its_stage(registered, users, electronics):
    update = october(users, electronics)
    carried = list(update.key_projects.values_list("project", "name", "stage", "progress"))
    assert carried == [(registered.pk, "天马8.6代产线", "signed", "")]
    row = line(stage="construction", project=registered.pk, progress="10月9日开工。")
    row["name"] = "改了名字"  # the register's name stands
    file(save(update, users["gxj"], [row]), users["gxj"])
    registered.refresh_from_db()
    assert registered.stage == "construction" and registered.name == "天马8.6代产线"
    assert registered.started_on == registered.stage_since == datetime.date(2025, 10, 9)
    assert registered.signed_on == datetime.date(2025, 9, 30)  # kept
    reported = registered.events.filter(kind="reported", update=update).get()
    assert (reported.stage_from, reported.stage_to, reported.progress) == (
        "signed",
        "construction",
        "10月9日开工。",
    )
    page = selectors.project_page(registered)
    assert [str(line.update.period) for line in page["lines"]][:1] == [str(update.period)]


def test_carrying_over_keeps_last_months_progress_for_each_project(registered, users, electronics):
    update = october(users, electronics, carry_over=True)
    assert list(update.key_projects.values_list("project", "progress")) == [
        (registered.pk, "9月签约。")
    ]


def test_ended_and_operating_projects_are_no_longer_carried(registered, users, electronics):
    registered.stage = ProjectStage.STOPPED
    registered.save()
    assert not october(users, electronics).key_projects.exists()


def test_a_line_on_another_industrys_project_is_refused(registered, users, make_user):
    other = Industry.objects.get(code="machinery-equipment")  # 市工信局 leads it too
    update = services.update_start(
        industry=other,
        unit=Unit.objects.get(name="市工信局"),
        period=periods_services.period_get_or_create(2025, 9),
        user=users["gxj"],
    )
    with pytest.raises(ValidationError, match="项目库中没有本产业的这个项目"):
        save(update, users["gxj"], [line(stage="operating", project=registered.pk)])
    assert not update.key_projects.exists()
    registered.refresh_from_db()
    assert registered.stage == "signed"


def test_a_pause_needs_its_reason(registered, users, electronics):
    update = october(users, electronics)
    with pytest.raises(ValidationError, match="暂停或终止，请在进展中写明原因"):
        save(update, users["gxj"], [line(stage="paused", project=registered.pk)])
    file(
        save(
            update,
            users["gxj"],
            [line(stage="paused", project=registered.pk, progress="资金未到位")],
        ),
        users["gxj"],
    )
    registered.refresh_from_db()
    assert (registered.stage, registered.stop_reason) == ("paused", "资金未到位")


def test_the_same_project_twice_in_one_month_is_refused(registered, users, electronics):
    update = october(users, electronics)
    with pytest.raises(ValidationError, match="填了两行"):
        save(update, users["gxj"], [line(project=registered.pk), line(project=registered.pk)])


def test_a_line_typed_again_reports_on_the_registered_project(registered, users, electronics):
    update = october(users, electronics)
    file(
        save(update, users["gxj"], [line(stage="construction", progress="再次手填")]), users["gxj"]
    )
    assert Project.objects.count() == 1
    registered.refresh_from_db()
    assert registered.stage == "construction"


def test_a_register_change_made_meanwhile_is_not_overwritten(registered, users, electronics):
    update = october(users, electronics)  # carries 签约 and 330
    projects.project_change(
        project=registered, user=users["gxj"], version=registered.version, stage="construction"
    )
    # The unit leaves the stage as carried and changes the investment only.
    file(save(update, users["gxj"], [line(project=registered.pk, investment="350")]), users["gxj"])
    registered.refresh_from_db()
    assert (registered.stage, registered.investment) == ("construction", Decimal("350.00"))
    entry = registered.events.filter(kind="reported", update=update).get()
    assert (entry.stage_from, entry.stage_to) == ("construction", "construction")


def test_an_older_month_accepted_late_moves_nothing_back(registered, users, electronics, clock):
    october_update = submit(
        save(october(users, electronics), users["gxj"], [line("construction", registered.pk)]),
        users["gxj"],
    )
    clock.set(datetime.date(2025, 11, 20))
    november = services.update_start(
        industry=electronics,
        unit=Unit.objects.get(name="市工信局"),
        period=periods_services.period_get_or_create(2025, 11),
        user=users["gxj"],
    )
    file(save(november, users["gxj"], [line("operating", registered.pk)]), users["gxj"])
    accept(october_update, users["drc"])  # October's, accepted after November's
    registered.refresh_from_db()
    assert registered.stage == "operating"
    assert registered.events.filter(kind="reported").count() == 3  # each month's progress kept


def test_a_reaccepted_update_adds_an_entry_and_keeps_the_first(
    registered, electronics_update, users
):
    update = MonthlyUpdate.objects.get(pk=electronics_update.pk)
    update = services.update_unlock(update=update, user=users["drc"], reason="请补充进展")
    save(update, users["gxj"], [line(project=registered.pk, progress="9月已签约，补充说明")])
    file(MonthlyUpdate.objects.get(pk=update.pk), users["gxj"])
    reported = registered.events.filter(kind="reported").order_by("id")
    assert list(reported.values_list("progress", flat=True)) == ["9月签约。", "9月已签约，补充说明"]


def test_a_project_taken_out_asks_the_draft_to_drop_its_line(registered, users, electronics):
    update = october(users, electronics)
    projects.project_remove(
        project=registered, user=users["gxj"], version=registered.version, reason="重复登记"
    )
    with pytest.raises(ValidationError, match="已移出项目库，请删除该行"):
        save(update, users["gxj"], [line(project=registered.pk)])
    save(update, users["gxj"], [])  # the row deleted: saved


def test_two_new_rows_of_one_name_are_refused(electronics_update, users):
    with pytest.raises(ValidationError, match="填了两行"):
        save(electronics_update, users["gxj"], [line(name="甲"), line(name="甲")])


def test_only_the_lead_unit_registers_and_changes(registered, users, electronics):
    with pytest.raises(PermissionDenied):
        projects.project_add(user=users["kjj"], industry=electronics, name="乙项目")
    with pytest.raises(PermissionDenied):
        projects.project_change(
            project=registered, user=users["kjj"], version=registered.version, investor="某公司"
        )
    registered.refresh_from_db()
    assert registered.investor == ""


def test_a_stale_edit_is_refused_and_nothing_overwritten(registered, users):
    projects.project_change(
        project=registered, user=users["gxj"], version=registered.version, investor="天马微电子"
    )
    with pytest.raises(ValidationError, match="已被他人修改"):
        projects.project_change(
            project=registered, user=users["gxj"], version=registered.version, investor="旧值"
        )
    registered.refresh_from_db()
    assert registered.investor == "天马微电子"
    changed = registered.events.filter(kind="changed").get()
    assert changed.snapshot["investor"] == "天马微电子" and changed.actor == users["gxj"]


def test_the_register_checks_carrier_district_land_and_money(registered, users):
    huli = Unit.objects.get(name="湖里区")
    carrier = CarrierArea.objects.create(
        name="海沧载体", kind="park", unit=Unit.objects.get(name="海沧区")
    )
    with pytest.raises(ValidationError) as refused:
        projects.project_change(
            project=registered,
            user=users["gxj"],
            version=registered.version,
            district=huli,
            carrier=carrier,
        )
    assert "与所填区（开发区）湖里区不一致" in str(refused.value)
    for field, value, message in (
        ("investment", Decimal("-1"), "总投资应在0至10000亿元之间"),
        ("land_mu", Decimal("0"), "用地面积应大于0亩"),
        ("name", "  ", "请填写项目名称"),
        ("stage", "stopped", "请写明原因"),
    ):
        with pytest.raises(ValidationError, match=message):
            projects.project_change(
                project=registered, user=users["gxj"], version=registered.version, **{field: value}
            )
    changed = projects.project_change(
        project=registered,
        user=users["gxj"],
        version=registered.version,
        carrier=carrier,
        land_supply_month=datetime.date(2026, 3, 17),
    )
    assert changed.district.name == "海沧区"  # the carrier's district
    assert changed.land_supply_month == datetime.date(2026, 3, 1)


def test_removal_keeps_the_project_and_can_be_undone(registered, users, electronics):
    with pytest.raises(ValidationError, match="请写明移出项目库的原因"):
        projects.project_remove(
            project=registered, user=users["gxj"], version=registered.version, reason=" "
        )
    removed = projects.project_remove(
        project=registered, user=users["gxj"], version=registered.version, reason="重复登记"
    )
    assert removed.removed_at is not None and Project.objects.filter(pk=registered.pk).exists()
    assert not october(users, electronics).key_projects.exists()
    restored = projects.project_restore(project=removed, user=users["gxj"], version=removed.version)
    assert restored.removed_at is None
    assert list(restored.events.order_by("id").values_list("kind", flat=True))[-2:] == [
        "removed",
        "restored",
    ]


def test_the_pipeline_counts_by_stage_industry_district_and_finds_stuck(
    registered, users, clock, electronics, client
):
    huli = Unit.objects.get(name="湖里区")
    for name, stage, money in (
        ("甲", "construction", "10"),
        ("乙", "planning", "5"),
        ("丙", "stopped", "1"),
    ):
        projects.project_add(
            user=users["gxj"],
            industry=electronics,
            name=name,
            stage=stage,
            investment=Decimal(money),
            district=huli,
            stop_reason="市场变化" if stage == "stopped" else "",
        )
    found = selectors.pipeline(Project.objects.all(), datetime.date(2025, 10, 9))
    by_stage = {s["stage"]: (s["count"], s["investment"]) for s in found.stages}
    assert by_stage["signed"] == (1, Decimal("330.00"))
    assert by_stage["construction"] == (1, Decimal("10.00"))
    assert by_stage["stopped"][0] == 1 and found.total == 4
    assert [(row["name"], row["total"]) for row in found.districts] == [("湖里区", 3)]
    assert found.industries[0]["code"] == "electronic-information"
    assert found.industries[0]["counts"] == [1, 1, 1, 0, 0, 1]
    assert found.stuck == []
    client.force_login(users["drc"])  # the dashboard itself shows the pipeline both ways
    dash = client.get(reverse("dashboard")).context["dash"]["pipeline"]
    assert dash.industries == found.industries and dash.districts == found.districts
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="dashboard-pipeline-industries"' in page and "湖里区" in page
    assert f'href="{reverse("reporting:projects")}?district={huli.code}"' in page
    client.cookies["django_language"] = "en"  # the cached data is kept per language
    page = client.get(reverse("dashboard")).content.decode()
    assert "Huli District" in page and "湖里区</a>" not in page
    del client.cookies["django_language"]
    clock.set(datetime.date(2026, 4, 1))  # six months on: 天马 signed on 30 September
    later = selectors.pipeline(Project.objects.all(), datetime.date(2026, 4, 1))
    assert [p.name for p in later.stuck] == ["天马8.6代产线"]
    assert selectors.pipeline(Project.objects.all(), datetime.date(2026, 3, 20)).stuck == []


def test_nobody_signed_in_or_active_reads_the_register(registered, users):
    from django.contrib.auth.models import AnonymousUser

    from reporting.projects.access import readable_projects

    assert registered in readable_projects(users["gxj"])
    # a city leader (no unit) reads the projects of the industries he leads, none other
    leader = users["leader_huang_yt"]
    assert set(readable_projects(leader)) == set(
        Project.objects.filter(industry__in=industries_for(leader, Action.VIEW))
    )
    assert not readable_projects(AnonymousUser()).exists()
    users["gxj"].is_active = False
    assert not readable_projects(users["gxj"]).exists()


def test_a_zone_reads_the_projects_in_it_and_no_others(registered, users, client, make_user):
    # 自贸区管委会 is not in 新材料's team.
    ftz = make_user("ftz", unit="自贸区管委会")
    machinery = Industry.objects.get(code="new-materials")
    assert machinery not in industries_for(ftz, Action.VIEW)
    theirs = projects.project_add(user=users["gxj"], industry=machinery, name="别区项目")
    ours = projects.project_add(
        user=users["gxj"],
        industry=machinery,
        name="自贸区项目",
        district=Unit.objects.get(name="自贸区管委会"),
    )
    client.force_login(ftz)
    listed = {p.name for p in client.get(reverse("reporting:projects")).context["page"]}
    assert listed == {"自贸区项目"}
    assert client.get(reverse("reporting:project", args=[ours.pk])).status_code == 200
    assert client.get(reverse("reporting:project", args=[theirs.pk])).status_code == 403
    assert client.get(reverse("reporting:project_edit", args=[ours.pk])).status_code == 403
    pipeline = client.get(reverse("reporting:project_pipeline")).context["pipeline"]
    assert pipeline.total == 1


def test_the_list_filters_pages_sorts_and_exports(
    registered, users, client, electronics, django_assert_max_num_queries
):
    for n in range(55):
        projects.project_add(
            user=users["gxj"], industry=electronics, name=f"项目{n:02d}", investment=Decimal(n)
        )
    projects.project_add(user=users["gxj"], industry=electronics, name="=HYPERLINK(1)")
    client.force_login(users["drc"])
    url = reverse("reporting:projects")
    with django_assert_max_num_queries(14):
        page = client.get(url, {"stage": "planning", "sort": "-investment"})
    assert page.context["page"].paginator.count == 56 and len(page.context["page"]) == 50
    assert page.context["page"][0].name == "项目54"
    assert "stage=planning&amp;sort=-investment&amp;page=2" in page.content.decode()
    assert client.get(url, {"q": "天马"}).context["page"].paginator.count == 1
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(url, {"q": "HYPER", "format": "xlsx"}).content)
    )
    rows = list(book.active.values)
    assert rows[0][:2] == ("产业", "项目") and rows[1][1] == "'=HYPERLINK(1)"
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reporting:project_pipeline")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reporting:project", args=[registered.pk])).status_code == 200


def test_the_lead_unit_edits_in_the_browser_and_a_stale_form_is_kept(registered, users, client):
    client.force_login(users["gxj"])
    url = reverse("reporting:project_edit", args=[registered.pk])
    form = client.get(url).context["form"]
    data = {name: "" for name in form.fields if name != "land_items"}  # a select sends nothing
    data.update(
        name=registered.name,
        stage="construction",
        version=registered.version,
        responsible_unit=registered.responsible_unit_id,
        land_supply_month="2026-02",
        investment="331",
    )
    projects.project_change(
        project=registered, user=users["gxj"], version=registered.version, investor="抢先"
    )
    stale = client.post(url, data)
    assert stale.status_code == 409, stale.context["form"].errors
    assert "已被他人修改" in stale.content.decode()
    data["version"] = registered.version + 1
    saved = client.post(url, data)
    assert saved.status_code == 302
    registered.refresh_from_db()
    assert (registered.stage, registered.land_supply_month) == (
        "construction",
        datetime.date(2026, 2, 1),
    )
    assert registered.investor == ""  # the form's (empty) value, saved knowingly after the conflict


def test_the_update_form_shows_registered_lines_by_name(registered, users, client, electronics):
    update = october(users, electronics)
    client.force_login(users["gxj"])
    page = client.get(reverse("reporting:edit", args=[update.pk])).content.decode()
    assert f'href="{reverse("reporting:project", args=[registered.pk])}"' in page
    assert 'name="projects-0-project"' in page and f'value="{registered.pk}"' in page


def test_the_backfill_registers_the_projects_typed_before(electronics_update, users):
    submit(
        save(electronics_update, users["gxj"], [line(name="旧项目", stage="construction")]),
        users["gxj"],
    )
    KeyProject.objects.update(project=None)
    migration = importlib.import_module("reporting.migrations.0019_project_register_backfill")
    migration.backfill(django_apps, None)
    project = Project.objects.get(name="旧项目")
    assert project.stage == "construction" and project.stage_since == datetime.date(2025, 9, 1)
    assert project.signed_on == project.started_on == datetime.date(2025, 9, 1)
    assert KeyProject.objects.get().project == project
    assert ProjectEvent.objects.filter(project=project, kind=ProjectEventKind.CREATED).exists()


def test_the_report_carries_the_pipeline_and_land(registered, users, electronics, clock):
    from reporting.land import services as land
    from reporting.reports import render
    from reporting.reports.gather import gather

    update = october(users, electronics)
    row = line(stage="construction", project=registered.pk, progress="开工")
    file(save(update, users["gxj"], [row]), users["gxj"])
    land.land_item_add(
        user=users["gxj"],
        unit=users["gxj"].unit,
        year=2025,
        month=10,
        kind="supplied",
        name="天马地块",
        area=Decimal("120"),
        area_unit="mu",
        status="done",
        industry=electronics,
    )
    data = gather("monthly", 2025, 10)
    assert data["pipeline"]["total"] == 1
    assert data["pipeline"]["moves"] == [
        {
            "name": "天马8.6代产线",
            "industry": "电子信息产业集群",
            "month": 10,
            "change": "已签约 → 已开工",
            "investment": "330.00",
        }
    ]
    assert data["pipeline"]["by_stage"] == "已开工1个（330.00亿元）"
    assert data["land"]["count"] == 1 and data["land"]["area_mu"] == "120.00"
    html = render.report_html(data)
    assert "重点项目推进情况" in html and "已签约 → 已开工" in html
    assert "空间统筹和用地保障" in html and "合计120.00亩" in html
    # A report drafted before the register existed renders without the two sections.
    del data["pipeline"], data["land"]
    older = render.report_html(data)
    assert "重点项目推进情况" not in older and "空间统筹和用地保障" not in older


def test_with_several_lead_units_each_project_is_reported_once(users, make_user):
    cl = Industry.objects.get(code="commerce-logistics")  # led by 市商务局, 市交通局, 市会展局
    jtj = make_user("jtj", unit="市交通局")
    september = periods_services.period_get_or_create(2025, 9)
    ours = projects.project_add(user=users["swj"], industry=cl, name="商务局项目")
    theirs = projects.project_add(user=jtj, industry=cl, name="交通局项目")
    district = projects.project_add(
        user=users["swj"],
        industry=cl,
        name="区跟进项目",
        responsible_unit=Unit.objects.get(name="思明区"),
    )

    def carried(user):
        update = services.update_start(industry=cl, unit=user.unit, period=september, user=user)
        return set(update.key_projects.values_list("project", flat=True))

    # The district's project goes with the first lead unit only.
    assert carried(users["swj"]) == {ours.pk, district.pk}
    assert carried(jtj) == {theirs.pk}
