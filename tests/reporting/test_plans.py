"""Yearly work plans: who files which, the workflow, concurrency, monthly progress against the
items, and the pages, with their permissions and query counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chains.models import Industry, Unit
from reporting.choices import PlanEventKind, UpdateStatus
from reporting.models import PlanEvent, PlanProgress, WorkPlan
from reporting.periods import services
from reporting.plans import selectors
from reporting.plans import services as plans
from reporting.updates import services as updates_services

ELECTRONICS = "electronic-information"


def item(responsible, task="新建5G基站500个", element="platform", due=6, value=None, unit=""):
    return plans.ItemContent(
        element=element,
        task=task,
        responsible=responsible,
        due_month=due,
        target_value=value,
        target_unit=unit,
    )


@pytest.fixture
def siming_plan(users, clock):
    clock.set(datetime.date(2026, 1, 10))
    siming = Unit.objects.get(name="思明区")
    plan = plans.plan_start(unit=siming, industry=None, year=2026, user=users["siming"])
    return plans.plan_save(
        plan=plan,
        user=users["siming"],
        expected_version=plan.version,
        summary="全年推进软件信息业集聚。",
        items=[item(siming), item(siming, task="引进重点企业3家", element="investment", due=12)],
    )


@pytest.fixture
def accepted(siming_plan, users):
    return plans.plan_accept(
        plan=plans.plan_submit(
            plan=siming_plan, user=users["siming"], expected_version=siming_plan.version
        ),
        user=users["drc"],
    )


# --- who files which --------------------------------------------------------------------------


def test_a_lead_unit_owes_one_plan_per_industry_it_leads_and_a_district_its_own(users):
    gxj = selectors.plans_owed(Unit.objects.get(name="市工信局"), 2026)
    assert ELECTRONICS in {due.industry.code for due in gxj}
    assert all(due.industry is not None for due in gxj)
    siming = selectors.plans_owed(Unit.objects.get(name="思明区"), 2026)
    assert [due.industry for due in siming][:1] == [None]


def test_only_districts_and_zones_file_a_plan_of_their_own(users):
    with pytest.raises(ValidationError, match="各区和开发区"):
        plans.plan_start(
            unit=Unit.objects.get(name="市工信局"), industry=None, year=2026, user=users["gxj"]
        )


def test_a_unit_cannot_open_a_plan_for_an_industry_it_does_not_lead(users):
    electronics = Industry.objects.get(code=ELECTRONICS)
    with pytest.raises(PermissionDenied):
        plans.plan_start(
            unit=Unit.objects.get(name="思明区"),
            industry=electronics,
            year=2026,
            user=users["siming"],
        )
    with pytest.raises(PermissionDenied):  # staff of another unit
        plans.plan_start(
            unit=Unit.objects.get(name="市工信局"),
            industry=electronics,
            year=2026,
            user=users["swj"],
        )


def test_starting_twice_opens_one_plan(users):
    gxj = Unit.objects.get(name="市工信局")
    electronics = Industry.objects.get(code=ELECTRONICS)
    first = plans.plan_start(unit=gxj, industry=electronics, year=2026, user=users["gxj"])
    again = plans.plan_start(unit=gxj, industry=electronics, year=2026, user=users["gxj"])
    assert first.pk == again.pk
    assert first.plan_year.deadline == datetime.date(2026, 1, 15)  # mid-January by default


# --- workflow -----------------------------------------------------------------------------------


def test_submit_return_and_accept_leave_a_history(siming_plan, users):
    with pytest.raises(ValidationError):  # not submitted yet
        plans.plan_accept(plan=siming_plan, user=users["drc"])
    plan = plans.plan_submit(
        plan=siming_plan, user=users["siming"], expected_version=siming_plan.version
    )
    with pytest.raises(ValidationError, match="写明理由"):
        plans.plan_return(plan=plan, user=users["drc"], reason=" ")
    with pytest.raises(PermissionDenied):
        plans.plan_return(plan=plan, user=users["gxj"], reason="不行")
    plan = plans.plan_return(plan=plan, user=users["drc"], reason="请补充量化目标。")
    assert plan.status == UpdateStatus.RETURNED and plan.return_reason == "请补充量化目标。"
    plan = plans.plan_save(
        plan=plan,
        user=users["siming"],
        expected_version=plan.version,
        summary=plan.summary,
        items=[item(plan.unit, value=Decimal("500"), unit="个")],
    )
    plan = plans.plan_submit(plan=plan, user=users["siming"], expected_version=plan.version)
    plan = plans.plan_accept(plan=plan, user=users["drc"])
    assert plan.status == UpdateStatus.ACCEPTED and plan.accepted_at
    kinds = list(plan.events.values_list("kind", flat=True))
    assert kinds == [
        PlanEventKind.CREATED,
        PlanEventKind.SAVED,
        PlanEventKind.SUBMITTED,
        PlanEventKind.RETURNED,
        PlanEventKind.SAVED,
        PlanEventKind.SUBMITTED,
        PlanEventKind.ACCEPTED,
    ]
    # The first submission's items are kept in its history entry though they were replaced.
    first_submitted = plan.events.filter(kind=PlanEventKind.SUBMITTED).first()
    assert len(first_submitted.snapshot["items"]) == 2
    with pytest.raises(ValidationError):  # accepted plans are read-only
        plans.plan_save(
            plan=plan, user=users["siming"], expected_version=plan.version, summary="", items=[]
        )


def test_an_empty_plan_cannot_be_submitted(users, clock):
    siming = Unit.objects.get(name="思明区")
    plan = plans.plan_start(unit=siming, industry=None, year=2026, user=users["siming"])
    with pytest.raises(ValidationError, match="至少要有一项"):
        plans.plan_submit(plan=plan, user=users["siming"], expected_version=plan.version)


def test_a_concurrent_save_is_refused_and_overwrites_nothing(siming_plan, users):
    stale = siming_plan.version
    plans.plan_save(
        plan=siming_plan,
        user=users["siming"],
        expected_version=stale,
        summary="同事的版本",
        items=[item(siming_plan.unit, task="同事写的事项")],
    )
    with pytest.raises(plans.ConcurrentPlanEdit):
        plans.plan_save(
            plan=siming_plan,
            user=users["siming"],
            expected_version=stale,
            summary="我的版本",
            items=[],
        )
    plan = WorkPlan.objects.get(pk=siming_plan.pk)
    assert plan.summary == "同事的版本"
    assert list(plan.items.values_list("task", flat=True)) == ["同事写的事项"]


def test_the_edit_page_answers_409_and_keeps_the_typed_text(siming_plan, users, client):
    client.force_login(users["siming"])
    url = reverse("reporting:plan_edit", args=[siming_plan.pk])
    data = {
        "version": siming_plan.version - 1,
        "summary": "我刚写的总体目标",
        "items-TOTAL_FORMS": 1,
        "items-INITIAL_FORMS": 0,
        "items-0-element": "policy",
        "items-0-task": "我刚写的任务",
        "items-0-responsible": siming_plan.unit.pk,
        "items-0-due_month": 3,
    }
    response = client.post(url, data)
    assert response.status_code == 409
    assert "我刚写的总体目标" in response.content.decode()
    assert "我刚写的任务" in response.content.decode()
    assert WorkPlan.objects.get(pk=siming_plan.pk).summary == "全年推进软件信息业集聚。"


def test_a_target_value_needs_its_unit(siming_plan, users, client):
    client.force_login(users["siming"])
    response = client.post(
        reverse("reporting:plan_edit", args=[siming_plan.pk]),
        {
            "version": siming_plan.version,
            "summary": "",
            "items-TOTAL_FORMS": 1,
            "items-INITIAL_FORMS": 0,
            "items-0-element": "policy",
            "items-0-task": "兑现资金",
            "items-0-target_value": "1.5",
            "items-0-responsible": siming_plan.unit.pk,
            "items-0-due_month": 3,
        },
    )
    assert response.status_code == 400
    assert WorkPlan.objects.get(pk=siming_plan.pk).version == siming_plan.version


def test_the_edit_page_saves_and_submits(siming_plan, users, client):
    client.force_login(users["siming"])
    response = client.post(
        reverse("reporting:plan_edit", args=[siming_plan.pk]),
        {
            "version": siming_plan.version,
            "summary": "新的总体目标",
            "items-TOTAL_FORMS": 2,
            "items-INITIAL_FORMS": 0,
            "items-0-element": "projects",
            "items-0-task": "策划项目20个",
            "items-0-target_value": "20",
            "items-0-target_unit": "个",
            "items-0-responsible": siming_plan.unit.pk,
            "items-0-due_month": 9,
            "items-1-element": "",  # an untouched row
            "items-1-task": "",
            "items-1-responsible": "",
            "items-1-due_month": "",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    plan = WorkPlan.objects.get(pk=siming_plan.pk)
    assert plan.status == UpdateStatus.SUBMITTED
    assert [(i.task, i.target_value, i.due_month) for i in plan.items.all()] == [
        ("策划项目20个", Decimal("20.00"), 9)
    ]


# --- permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, view, edit, review",
    [
        ("siming", 200, 200, 403),
        ("gxj", 403, 403, 403),  # a lead unit does not read a district's own plan
        ("swj", 403, 403, 403),
        ("drc", 200, 403, 302),
        ("stats", 200, 403, 403),
    ],
)
def test_plan_pages_by_role(siming_plan, users, client, who, view, edit, review):
    plan = plans.plan_submit(
        plan=siming_plan, user=users["siming"], expected_version=siming_plan.version
    )
    plan.status = UpdateStatus.RETURNED  # editable, so the edit page is reachable by its unit
    plan.save()
    client.force_login(users[who])
    assert client.get(reverse("reporting:plan", args=[plan.pk])).status_code == view
    assert client.get(reverse("reporting:plan_edit", args=[plan.pk])).status_code == edit
    response = client.post(
        reverse("reporting:plan_review", args=[plan.pk]), {"decision": "return", "reason": "x"}
    )
    assert response.status_code == review


def test_an_industry_plan_is_read_by_the_industrys_units_and_edited_only_by_its_lead(
    users, client, clock
):
    clock.set(datetime.date(2026, 1, 10))
    plan = plans.plan_start(
        unit=Unit.objects.get(name="市工信局"),
        industry=Industry.objects.get(code=ELECTRONICS),
        year=2026,
        user=users["gxj"],
    )
    for who, view, edit in [("gxj", 200, 200), ("siming", 200, 403), ("swj", 403, 403)]:
        client.force_login(users[who])
        assert client.get(reverse("reporting:plan", args=[plan.pk])).status_code == view, who
        assert client.get(reverse("reporting:plan_edit", args=[plan.pk])).status_code == edit, who


def test_the_plan_list_shows_what_a_unit_owes_and_everything_to_the_drc(siming_plan, users, client):
    client.force_login(users["siming"])
    page = client.get(reverse("reporting:plans"), {"year": 2026}).content.decode()
    assert 'data-plan-scope="own"' in page and "电子信息" not in page
    client.force_login(users["drc"])
    page = client.get(reverse("reporting:plans"), {"year": 2026}).content.decode()
    assert f'data-plan="{siming_plan.pk}"' in page and "思明区" in page


# --- monthly progress ---------------------------------------------------------------------------


def entries(plan, **percent_by_task):
    items = {i.task: i for i in plan.items.all()}
    return [
        plans.ProgressEntry(item_id=items[task].pk, percent=p, text=f"{task}进展")
        for task, p in percent_by_task.items()
    ]


def test_progress_is_recorded_on_accepted_items_only(siming_plan, users, clock):
    period = services.period_get_or_create(2026, 1)
    with pytest.raises(ValidationError, match="已通过"):
        plans.progress_record(
            unit=siming_plan.unit,
            period=period,
            user=users["siming"],
            entries=entries(siming_plan, 新建5G基站500个=10),
        )


def test_progress_saves_and_a_concurrent_entry_is_refused_whole(accepted, users, clock):
    period = services.period_get_or_create(2026, 1)
    result = plans.progress_record(
        unit=accepted.unit,
        period=period,
        user=users["siming"],
        entries=entries(accepted, 新建5G基站500个=30),
    )
    assert result.saved == 1 and not result.conflicts
    # A second page loaded before that save still says "no entry yet" (version 0).
    stale = entries(accepted, 新建5G基站500个=50, 引进重点企业3家=20)
    result = plans.progress_record(
        unit=accepted.unit, period=period, user=users["siming"], entries=stale
    )
    assert result.conflicts and result.saved == 0
    assert list(PlanProgress.objects.values_list("percent", flat=True)) == [30]
    assert PlanEvent.objects.filter(plan=accepted, kind=PlanEventKind.PROGRESS).count() == 1


def test_progress_rows_carry_the_last_earlier_month(accepted, users, clock):
    jan = services.period_get_or_create(2026, 1)
    plans.progress_record(
        unit=accepted.unit,
        period=jan,
        user=users["siming"],
        entries=entries(accepted, 新建5G基站500个=40),
    )
    clock.set(datetime.date(2026, 2, 10))
    rows = selectors.progress_rows(accepted.unit, 2026, 2)
    first = next(r for r in rows if r.item.task == "新建5G基站500个")
    assert first.current is None and first.previous.percent == 40


def test_another_unit_cannot_record_progress(accepted, users):
    period = services.period_get_or_create(2026, 1)
    with pytest.raises(PermissionDenied):
        plans.progress_record(
            unit=accepted.unit,
            period=period,
            user=users["gxj"],
            entries=entries(accepted, 新建5G基站500个=5),
        )


def test_a_closed_month_takes_no_progress(accepted, users, clock):
    period = services.period_get_or_create(2026, 1)
    clock.set(period.lock_date + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="现在不能填报"):
        plans.progress_record(
            unit=accepted.unit,
            period=period,
            user=users["siming"],
            entries=entries(accepted, 新建5G基站500个=5),
        )


def test_the_progress_page_saves_refuses_bad_numbers_and_keeps_them(accepted, users, client):
    services.periods_ensure(datetime.date(2026, 1, 10))
    client.force_login(users["siming"])
    url = reverse("reporting:plan_progress", args=["2026-01"])
    page = client.get(url).content.decode()
    first = accepted.items.get(task="新建5G基站500个")
    assert f'name="percent-{first.pk}"' in page
    response = client.post(url, {f"percent-{first.pk}": "150", f"text-{first.pk}": "完成过半"})
    assert response.status_code == 400 and "完成过半" in response.content.decode()
    assert not PlanProgress.objects.exists()
    response = client.post(
        url,
        {f"percent-{first.pk}": "60", f"text-{first.pk}": "完成过半", f"version-{first.pk}": "0"},
    )
    assert response.status_code == 302
    assert PlanProgress.objects.get().percent == 60
    # The same page opened before that save now conflicts, answering 409 with the text kept.
    response = client.post(
        url,
        {f"percent-{first.pk}": "70", f"text-{first.pk}": "我的说法", f"version-{first.pk}": "0"},
    )
    assert response.status_code == 409 and "我的说法" in response.content.decode()
    assert PlanProgress.objects.get().percent == 60


def test_the_due_page_links_the_months_progress(accepted, users, client):
    services.periods_ensure(datetime.date(2026, 1, 10))
    client.force_login(users["siming"])
    page = client.get(reverse("reporting:due")).content.decode()
    assert reverse("reporting:plan_progress", args=["2026-01"]) in page


def test_a_lead_units_update_shows_its_plan_items(users, client, clock):
    clock.set(datetime.date(2026, 1, 10))
    gxj, electronics = Unit.objects.get(name="市工信局"), Industry.objects.get(code=ELECTRONICS)
    plan = plans.plan_start(unit=gxj, industry=electronics, year=2026, user=users["gxj"])
    plan = plans.plan_save(
        plan=plan,
        user=users["gxj"],
        expected_version=plan.version,
        summary="",
        items=[item(gxj, task="集成电路产值增长15%")],
    )
    plan = plans.plan_submit(plan=plan, user=users["gxj"], expected_version=plan.version)
    plans.plan_accept(plan=plan, user=users["drc"])
    update = updates_services.update_start(
        industry=electronics,
        unit=gxj,
        period=services.period_get_or_create(2026, 1),
        user=users["gxj"],
    )
    client.force_login(users["gxj"])
    for name in ("reporting:update", "reporting:edit"):
        page = client.get(reverse(name, args=[update.pk])).content.decode()
        assert 'id="plan-panel"' in page and "集成电路产值增长15%" in page


# --- query counts -------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_plan_pages_keep_their_query_counts_as_plans_and_items_grow(
    accepted, users, make_user, client, clock
):
    services.periods_ensure(datetime.date(2026, 1, 10))
    client.force_login(users["drc"])
    list_url = reverse("reporting:plans") + "?year=2026"
    detail_url = reverse("reporting:plan", args=[accepted.pk])
    few = (_count(client, list_url), _count(client, detail_url))
    # More plans (every district and zone) and more items on this one.
    for unit in Unit.objects.filter(kind__in=["district", "zone"]).exclude(pk=accepted.unit_id):
        user = make_user(f"u-{unit.code}", unit=unit.name)
        plan = plans.plan_start(unit=unit, industry=None, year=2026, user=user)
        plans.plan_save(
            plan=plan, user=user, expected_version=plan.version, summary="", items=[item(unit)] * 5
        )
    WorkPlan.objects.filter(pk=accepted.pk).update(status=UpdateStatus.DRAFT)
    plans.plan_save(
        plan=accepted,
        user=users["siming"],
        expected_version=WorkPlan.objects.get(pk=accepted.pk).version,
        summary="",
        items=[item(accepted.unit, task=f"事项{n}") for n in range(12)],
    )
    many = (_count(client, list_url), _count(client, detail_url))
    assert many == few
    # The unit's progress page: 12 items as cheap as 2.
    WorkPlan.objects.filter(pk=accepted.pk).update(status=UpdateStatus.ACCEPTED)
    client.force_login(users["siming"])
    progress_url = reverse("reporting:plan_progress", args=["2026-01"])
    with CaptureQueriesContext(connection) as queries:
        assert "事项11" in client.get(progress_url).content.decode()
    assert len(queries) <= 12


def test_demo_plans_cover_every_district_and_lead_unit_with_progress(matrix, settings, clock):
    from chains.matrix.demo import demo_accounts_seed
    from reporting.plans.demo import demo_plans_seed

    settings.DEBUG = True
    clock.set(datetime.date(2026, 11, 26))
    demo_accounts_seed()
    created = demo_plans_seed()
    assert demo_plans_seed() == 0  # once only
    districts = Unit.objects.filter(kind__in=["district", "zone"])
    own = WorkPlan.objects.filter(industry__isnull=True, plan_year__year=2026, is_demo=True)
    assert set(own.values_list("unit", flat=True)) == set(districts.values_list("pk", flat=True))
    assert created == WorkPlan.objects.filter(status=UpdateStatus.ACCEPTED).count() > len(districts)
    months = set(PlanProgress.objects.values_list("month", flat=True))
    assert months == set(range(1, 11))


def test_the_dashboard_shows_plan_completion_per_plan_and_industry(
    accepted, users, client, clock, make_user
):
    from django.core.cache import caches

    jan = services.period_get_or_create(2026, 1)
    plans.progress_record(
        unit=accepted.unit,
        period=jan,
        user=users["siming"],
        entries=entries(accepted, 新建5G基站500个=40),
    )
    gxj, electronics = Unit.objects.get(name="市工信局"), Industry.objects.get(code=ELECTRONICS)
    plan = plans.plan_start(unit=gxj, industry=electronics, year=2026, user=users["gxj"])
    plan = plans.plan_save(
        plan=plan,
        user=users["gxj"],
        expected_version=plan.version,
        summary="",
        items=[item(gxj, task="甲", due=1), item(gxj, task="乙", due=6)],
    )
    plan = plans.plan_submit(plan=plan, user=users["gxj"], expected_version=plan.version)
    plans.plan_accept(plan=plan, user=users["drc"])
    plans.progress_record(
        unit=gxj, period=jan, user=users["gxj"], entries=entries(plan, 甲=100, 乙=50)
    )
    client.force_login(users["drc"])

    def dashboard():
        caches["pages"].clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("dashboard"), {"month": "2026-01"})
        return response.context["dash"]["plans"], len(queries)

    dashboard()  # the process's calendar follows the month made above
    summary, few = dashboard()
    by_plan = {r["plan"]: r for r in summary["plans"]}
    assert by_plan[accepted.pk]["percent"] == Decimal("20.0")  # (40 + 0) ÷ 2
    assert (by_plan[plan.pk]["percent"], by_plan[plan.pk]["done"], by_plan[plan.pk]["due"]) == (
        Decimal("75.0"),
        1,
        1,
    )
    assert dict(summary["industries"]) == {"电子信息产业集群": Decimal("75.0")}
    # Every other district's plan, accepted with items: the page costs the same queries.
    for unit in Unit.objects.filter(kind="district").exclude(pk=accepted.unit_id):
        user = make_user(f"u-{unit.code}", unit=unit.name)
        other = plans.plan_start(unit=unit, industry=None, year=2026, user=user)
        other = plans.plan_save(
            plan=other,
            user=user,
            expected_version=other.version,
            summary="",
            items=[item(unit)] * 3,
        )
        other = plans.plan_submit(plan=other, user=user, expected_version=other.version)
        plans.plan_accept(plan=other, user=users["drc"])
    summary, many = dashboard()
    assert len(summary["plans"]) == 2 + Unit.objects.filter(kind="district").count() - 1
    assert many == few


def test_after_a_refused_progress_save_saving_again_does_not_overwrite_the_colleague(
    accepted, users, client, make_user
):
    services.periods_ensure(datetime.date(2026, 1, 10))
    colleague = make_user("siming2", unit="思明区")
    first = accepted.items.get(task="新建5G基站500个")
    plans.progress_record(
        unit=accepted.unit,
        period=services.period_get_or_create(2026, 1),
        user=colleague,
        entries=[plans.ProgressEntry(item_id=first.pk, percent=60, text="同事填的")],
    )
    client.force_login(users["siming"])
    url = reverse("reporting:plan_progress", args=["2026-01"])
    mine = {f"percent-{first.pk}": "10", f"text-{first.pk}": "我填的", f"version-{first.pk}": "0"}
    response = client.post(url, mine)
    page = response.content.decode()
    assert response.status_code == 409 and "我填的" in page and "同事填的" in page
    assert f'name="version-{first.pk}" value="0"' in page  # still the version I read
    assert client.post(url, mine).status_code == 409  # the same page saved again
    assert PlanProgress.objects.get().percent == 60


def test_a_bad_version_or_value_is_a_clear_400_not_a_500(accepted, users, client):
    services.periods_ensure(datetime.date(2026, 1, 10))
    first = accepted.items.get(task="新建5G基站500个")
    client.force_login(users["siming"])
    url = reverse("reporting:plan_progress", args=["2026-01"])
    for bad in ({f"version-{first.pk}": "x"}, {f"value-{first.pk}": "NaN"}):
        response = client.post(url, {f"percent-{first.pk}": "10", **bad})
        assert response.status_code == 400
    assert not PlanProgress.objects.exists()


def test_a_refused_submission_keeps_the_saved_draft_and_its_version(users, client, clock):
    clock.set(datetime.date(2026, 1, 10))
    siming = Unit.objects.get(name="思明区")
    plan = plans.plan_start(unit=siming, industry=None, year=2026, user=users["siming"])
    client.force_login(users["siming"])
    url = reverse("reporting:plan_edit", args=[plan.pk])
    empty = {"summary": "目标", "items-TOTAL_FORMS": 0, "items-INITIAL_FORMS": 0}
    response = client.post(url, {**empty, "version": plan.version, "submit": "1"})
    saved = WorkPlan.objects.get(pk=plan.pk)
    assert response.status_code == 400 and saved.summary == "目标"
    assert saved.status == UpdateStatus.DRAFT
    assert f'name="version" value="{saved.version}"' in response.content.decode()
    # Saving from that page again is not taken for a colleague's save.
    response = client.post(url, {**empty, "version": saved.version, "summary": "目标二"})
    assert response.status_code == 302


def test_a_resubmitted_plan_keeps_its_first_submission_time(siming_plan, users):
    plan = plans.plan_submit(
        plan=siming_plan, user=users["siming"], expected_version=siming_plan.version
    )
    first = plan.first_submitted_at
    plan = plans.plan_return(plan=plan, user=users["drc"], reason="补充")
    plan = plans.plan_submit(plan=plan, user=users["siming"], expected_version=plan.version)
    assert plan.first_submitted_at == first and plan.submitted_at >= first


def test_the_dashboard_filtered_to_a_district_shows_only_its_plans(accepted, users, client):
    from django.core.cache import caches

    caches["pages"].clear()
    client.force_login(users["drc"])
    response = client.get(reverse("dashboard"), {"month": "2026-01", "district": "huli"})
    assert response.context["dash"]["plans"]["plans"] == []
    response = client.get(reverse("dashboard"), {"month": "2026-01", "district": "siming"})
    assert [r["plan"] for r in response.context["dash"]["plans"]["plans"]] == [accepted.pk]
