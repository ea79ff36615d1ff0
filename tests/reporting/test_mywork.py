"""My work is cached per user and day under the versions of what it shows (the matrix, the
months, who owes what): every write that changes it is seen at once, a draft's save or
autosave is not a change, and a visit that finds it cached reads none of its tables.

Each write runs with its on-commit callbacks executed: a version is sent to Redis when the
writer commits, as in service (the tests' own transaction never commits)."""

import datetime
import pickle

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chains.models import Industry, Unit
from reporting.choices import DueStatus
from reporting.periods.services import today
from reporting.plans import services as plan_services
from reporting.supervision import services as supervision_services
from reporting.updates import mywork, services
from tests.reporting.conftest import content

# What My work computes from; a visit served from the cache reads none of them.
ITS_TABLES = (
    "reporting_monthlyupdate",
    "reporting_workplan",
    "reporting_actionitem",
    "chains_assignmentunit",
)


def visit(client):
    """My work's context, and whether the visit computed it (read its tables)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reporting:due"))
    assert response.status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    return response.context, any(table in sql for table in ITS_TABLES)


def status_of(context, industry: Industry, period) -> DueStatus:
    (item,) = [i for i in context["items"] if i.industry == industry and i.period == period]
    return item.status


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Run a write as if it committed: its versions reach Redis."""

    def run(write, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(**kwargs)

    return run


def test_my_work_stays_cached_through_drafts_and_changes_with_every_write_it_shows(
    users, client, clock, september, committing
):
    gxj, drc = users["gxj"], users["drc"]
    unit = Unit.objects.get(name="市工信局")
    electronics = Industry.objects.get(name="电子信息产业集群")
    client.force_login(gxj)
    context, computed = visit(client)
    assert computed and status_of(context, electronics, september) == DueStatus.NOT_STARTED
    assert visit(client)[1] is False  # the second visit reads the cache

    update = committing(
        services.update_start, industry=electronics, unit=unit, period=september, user=gxj
    )
    context, computed = visit(client)
    assert computed and status_of(context, electronics, september) == DueStatus.DRAFT

    # A draft's save and autosave change nothing My work shows: it stays cached.
    update = committing(
        services.update_save,
        update=update,
        content=content(),
        expected_version=update.version,
        user=gxj,
    )
    update = committing(
        services.update_save,
        update=update,
        content=content(next_plan="自动保存的文字。"),
        expected_version=update.version,
        user=gxj,
        autosave=True,
    )
    context, computed = visit(client)
    assert not computed and status_of(context, electronics, september) == DueStatus.DRAFT

    update = committing(
        services.update_submit, update=update, user=gxj, expected_version=update.version
    )
    context, computed = visit(client)
    # Filed, September leaves the list (October is the latest month, listed whatever its state).
    assert computed and (electronics, september) not in {
        (i.industry, i.period) for i in context["items"]
    }

    committing(services.update_return, update=update, user=drc, reason="请补充投资数据。")
    context, computed = visit(client)
    assert computed and [item.update.pk for item, _event in context["returned"]] == [update.pk]
    assert context["returned"][0][1].reason == "请补充投资数据。"

    # A work plan started (a draft) is shown as started.
    assert [due.plan for due in context["plan_dues"] if due.industry == electronics] == [None]
    plan = committing(
        plan_services.plan_start, unit=unit, industry=electronics, year=2025, user=gxj
    )
    context, computed = visit(client)
    assert computed
    assert [due.plan for due in context["plan_dues"] if due.industry == electronics] == [plan]

    # An item the DRC assigns to the unit.
    assert context["actions"] == []
    item = committing(
        supervision_services.action_assign,
        industry=electronics,
        decision="协调解决用地指标。",
        unit=unit,
        deadline=datetime.date(2025, 11, 30),
        user=drc,
    )
    context, computed = visit(client)
    assert computed and [a.pk for a, _light in context["actions"]] == [item.pk]
    assert visit(client)[1] is False


def test_my_work_is_computed_again_each_day(users, client, clock, september):
    """The lights and working days left count from today: yesterday's page is not served."""
    client.force_login(users["gxj"])
    electronics = Industry.objects.get(name="电子信息产业集群")
    context, computed = visit(client)
    (item,) = [i for i in context["items"] if i.industry == electronics and i.period == september]
    days_left = item.working_days_left
    assert computed and not visit(client)[1]
    clock.set(datetime.date(2025, 10, 10))
    client.force_login(users["gxj"])  # a day's idle ends the session
    context, computed = visit(client)
    (item,) = [i for i in context["items"] if i.industry == electronics and i.period == september]
    assert computed and item.working_days_left == days_left - 1


def test_each_user_has_their_own_and_a_move_to_another_unit_shows_its_work(
    users, client, clock, september, make_user
):
    """Cached per user, keyed on the unit the account names: a colleague's visit does not serve
    another's page, and an account moved to another unit sees that unit's work at once."""
    gxj = users["gxj"]
    client.force_login(gxj)
    mine = {i.industry.code for i in visit(client)[0]["items"]}
    colleague = make_user("gxj2", unit="市工信局")
    client.force_login(colleague)
    context, computed = visit(client)
    assert computed and {i.industry.code for i in context["items"]} == mine

    gxj.unit = Unit.objects.get(name="市商务局")
    gxj.save()  # the account's groups follow its unit (accounts.signals)
    client.force_login(gxj)
    context, computed = visit(client)
    moved = {i.industry.code for i in context["items"]}
    assert computed and moved and moved.isdisjoint(mine)


def test_a_districts_plan_and_an_items_steps_are_seen_and_progress_is_not_a_change(
    users, client, clock, committing
):
    """A district's plan submitted and accepted (its months to record progress in appear); an
    item assigned and acknowledged (in progress). A plan's progress changes nothing shown."""
    clock.set(datetime.date(2026, 1, 10))
    siming, drc = users["siming"], users["drc"]
    district = Unit.objects.get(name="思明区")
    client.force_login(siming)
    plan = committing(
        plan_services.plan_start, unit=district, industry=None, year=2026, user=siming
    )
    plan = committing(
        plan_services.plan_save,
        plan=plan,
        user=siming,
        expected_version=plan.version,
        summary="全年推进软件信息业集聚。",
        items=[
            plan_services.ItemContent(
                element="platform", task="新建5G基站500个", responsible=district, due_month=6
            )
        ],
    )
    context, computed = visit(client)
    assert computed and context["progress_periods"] == []
    plan = committing(
        plan_services.plan_submit, plan=plan, user=siming, expected_version=plan.version
    )
    context, computed = visit(client)
    (due,) = [d for d in context["plan_dues"] if d.industry is None]
    assert computed and due.plan.status == "submitted"
    plan = committing(plan_services.plan_accept, plan=plan, user=drc)
    context, computed = visit(client)
    assert computed and [p.slug for p in context["progress_periods"]] == ["2026-01"]
    (item,) = plan.items.all()
    committing(
        plan_services.progress_record,
        unit=district,
        period=context["progress_periods"][0],
        user=siming,
        entries=[plan_services.ProgressEntry(item_id=item.pk, percent=10, text="开工建设。")],
    )
    assert visit(client)[1] is False  # progress is not shown on My work

    # An item hosted by the district, then acknowledged (签收): in progress.
    item = committing(
        supervision_services.action_assign,
        industry=Industry.objects.get(code="electronic-information"),
        decision="协调园区配套。",
        unit=district,
        deadline=datetime.date(2026, 3, 31),
        user=drc,
    )
    context, computed = visit(client)
    assert computed and [a.status for a, _ in context["actions"]] == ["assigned"]
    committing(supervision_services.action_acknowledge, action=item, user=siming)
    context, computed = visit(client)
    assert computed and [a.status for a, _ in context["actions"]] == ["in_progress"]
    assert visit(client)[1] is False


def test_an_accepted_or_reopened_update_is_seen(users, client, clock, september, committing):
    """An update accepted leaves the list of those a responsible unit may add inputs to; one
    reopened after its lock date can be edited again."""
    gxj, drc, kjj = users["gxj"], users["drc"], users["kjj"]
    unit = Unit.objects.get(name="市工信局")
    electronics = Industry.objects.get(name="电子信息产业集群")
    machinery = Industry.objects.get(name="机械装备产业集群")
    filed = committing(
        services.update_start, industry=machinery, unit=unit, period=september, user=gxj
    )
    filed = committing(
        services.update_save,
        update=filed,
        content=content(),
        expected_version=filed.version,
        user=gxj,
    )
    filed = committing(
        services.update_submit, update=filed, user=gxj, expected_version=filed.version
    )
    client.force_login(kjj)  # 市科技局: a responsible unit of both industries
    assert filed.pk in {u.pk for u in visit(client)[0]["contributions"]}
    committing(services.update_accept, update=filed, user=drc)
    context, computed = visit(client)
    assert computed and filed.pk not in {u.pk for u in context["contributions"]}

    client.force_login(gxj)
    update = committing(
        services.update_start, industry=electronics, unit=unit, period=september, user=gxj
    )
    # Past September's lock date: locked, until the DRC reopens it.
    clock.set(september.lock_date + datetime.timedelta(days=1))
    client.force_login(gxj)
    (item,) = [i for i in visit(client)[0]["items"] if i.update and i.update.pk == update.pk]
    assert item.locked
    committing(
        services.update_reopen,
        update=update,
        user=drc,
        reason="补报。",
        until=september.lock_date + datetime.timedelta(days=7),
    )
    context, computed = visit(client)
    (item,) = [i for i in context["items"] if i.update and i.update.pk == update.pk]
    assert computed and not item.locked


def test_the_cache_keeps_no_password_hash_nor_the_texts(users, client, clock, september):
    """What My work keeps (in Redis and the database) holds names, never a password hash, and
    not the texts of updates, plans or items' evidence."""
    gxj, drc = users["gxj"], users["drc"]
    unit = Unit.objects.get(name="市工信局")
    update = services.update_start(
        industry=Industry.objects.get(name="电子信息产业集群"),
        unit=unit,
        period=september,
        user=gxj,
    )
    update = services.update_save(
        update=update, content=content(), expected_version=update.version, user=gxj
    )
    update = services.update_submit(update=update, user=gxj, expected_version=update.version)
    services.update_return(update=update, user=drc, reason="请补充投资数据。")
    plan = plan_services.plan_start(unit=unit, industry=update.industry, year=2025, user=gxj)
    plan_services.plan_save(
        plan=plan,
        user=gxj,
        expected_version=plan.version,
        summary="计划的全年目标文字。",
        items=[],
    )
    item = supervision_services.action_assign(
        industry=update.industry,
        decision="协调解决用地指标。",
        unit=unit,
        deadline=datetime.date(2025, 11, 30),
        user=drc,
    )
    item = supervision_services.action_acknowledge(action=item, user=gxj)
    supervision_services.action_report(action=item, user=gxj, evidence="办结佐证的文字。")
    # 市科技局 contributes to electronics: the update is in its list.
    kjj = users["kjj"]
    client.force_login(gxj)
    context = visit(client)[0]
    assert context["returned"] and context["actions"]
    assert [d.plan for d in context["plan_dues"] if d.industry == update.industry] == [plan]
    client.force_login(kjj)
    assert visit(client)[0]["contributions"]
    keys = [mywork.cache_key(user, today()) for user in (gxj, kjj)]
    found = caches["pages"].get_many(keys)
    assert len(found) == 2  # both pages were kept
    kept = b"".join(pickle.dumps(value) for value in found.values())
    assert drc.password.encode() not in kept and gxj.password.encode() not in kept
    for text in ("召开专班会议", "计划的全年目标文字", "办结佐证的文字"):  # update, plan, item
        assert text.encode() not in kept, text
