"""The monthly update workflow through its services."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from chains.models import Industry, Unit
from reporting.choices import EventKind, UpdateStatus
from reporting.models import MonthlyUpdate, ReportingPeriod, UpdateEvent
from reporting.periods import services as periods_services
from reporting.updates import services
from reporting.updates.selectors import last_return
from reporting.updates.snapshots import diff_sections, update_snapshot
from tests.reporting.conftest import content


def events(update):
    return list(
        UpdateEvent.objects.filter(update=update).order_by("id").values_list("kind", flat=True)
    )


def test_each_service_write_leaves_exactly_one_history_entry(electronics_update, users, clock):
    gxj, drc = users["gxj"], users["drc"]
    update = electronics_update
    assert events(update) == [EventKind.CREATED]
    steps = [
        lambda u: services.update_save(
            update=u, content=content(), expected_version=u.version, user=gxj
        ),
        lambda u: services.update_save(
            update=u,
            content=content(progress_policy="改"),
            expected_version=u.version,
            user=gxj,
            autosave=True,
        ),
        lambda u: services.update_submit(update=u, user=gxj, expected_version=u.version),
        lambda u: services.update_return(
            update=u, user=drc, section_reasons={"policy": "请补充资金数额"}
        ),
        lambda u: services.update_save(
            update=u,
            content=content(progress_policy="兑现资金1.5亿元"),
            expected_version=u.version,
            user=gxj,
        ),
        lambda u: services.update_submit(update=u, user=gxj, expected_version=u.version),
        lambda u: services.update_accept(update=u, user=drc),
        lambda u: services.update_unlock(update=u, user=drc, reason="数据更正"),
    ]
    for step in steps:
        before = UpdateEvent.objects.filter(update=update).count()
        update = step(MonthlyUpdate.objects.get(pk=update.pk))
        assert UpdateEvent.objects.filter(update=update).count() == before + 1
    assert events(update) == [
        EventKind.CREATED,
        EventKind.SAVED,
        EventKind.AUTOSAVED,
        EventKind.SUBMITTED,
        EventKind.RETURNED,
        EventKind.SAVED,
        EventKind.RESUBMITTED,
        EventKind.ACCEPTED,
        EventKind.UNLOCKED,
    ]
    last = UpdateEvent.objects.filter(update=update).last()
    assert last.actor == drc and last.reason == "数据更正"


def test_concurrent_edit_is_refused_and_both_texts_are_kept(electronics_update, make_user, users):
    colleague = make_user("gxj2", unit="市工信局")
    loaded = electronics_update.version  # both open the form at this version
    services.update_save(
        update=electronics_update,
        content=content(progress_policy="甲的文字"),
        expected_version=loaded,
        user=users["gxj"],
    )
    with pytest.raises(services.ConcurrentEditError):
        services.update_save(
            update=electronics_update,
            content=content(progress_policy="乙的文字"),
            expected_version=loaded,
            user=colleague,
        )
    stored = MonthlyUpdate.objects.get(pk=electronics_update.pk)
    assert stored.progress_policy == "甲的文字"  # never silently overwritten
    kept = UpdateEvent.objects.get(update=stored, kind=EventKind.CONFLICT_KEPT)
    assert kept.actor == colleague
    assert kept.snapshot["fields"]["progress_policy"] == "乙的文字"  # nothing lost


def test_submit_needs_every_element_and_the_plan(electronics_update, users):
    update = services.update_save(
        update=electronics_update,
        content=content(progress_roadmap="", next_plan=" "),
        expected_version=1,
        user=users["gxj"],
    )
    with pytest.raises(ValidationError) as error:
        services.update_submit(update=update, user=users["gxj"], expected_version=update.version)
    assert "产业发展路线图" in str(error.value) and "下月工作计划" in str(error.value)
    assert MonthlyUpdate.objects.get(pk=update.pk).status == UpdateStatus.DRAFT


def test_return_resubmit_and_diff_since_the_returned_version(filled, users):
    gxj, drc = users["gxj"], users["drc"]
    update = services.update_submit(update=filled, user=gxj, expected_version=filled.version)
    with pytest.raises(ValidationError):
        services.update_return(update=update, user=drc, reason=" ")  # a reason is required
    update = services.update_return(
        update=update, user=drc, section_reasons={"policy": "请写明兑现金额和企业数"}
    )
    returned = last_return(update)
    assert returned.section_reasons == {"policy": "请写明兑现金额和企业数"}
    update = services.update_save(
        update=update,
        content=content(progress_policy="兑现扶持资金1.2亿元，惠及企业35家。"),
        expected_version=update.version,
        user=gxj,
    )
    update = services.update_submit(update=update, user=gxj, expected_version=update.version)
    diff = {d["section"]: d for d in diff_sections(returned.snapshot, update_snapshot(update))}
    assert diff["policy"]["changed"]
    assert "<ins>" in diff["policy"]["html"] and "惠及企业35家" in diff["policy"]["html"]
    assert not any(d["changed"] for key, d in diff.items() if key != "policy")


def test_accepted_update_is_locked_and_unlock_needs_a_reason(filled, users):
    gxj, drc = users["gxj"], users["drc"]
    update = services.update_submit(update=filled, user=gxj, expected_version=filled.version)
    update = services.update_accept(update=update, user=drc)
    with pytest.raises(ValidationError, match="锁定"):
        services.update_save(
            update=update, content=content(), expected_version=update.version, user=gxj
        )
    with pytest.raises(ValidationError):
        services.update_unlock(update=update, user=drc, reason="")
    update = services.update_unlock(update=update, user=drc, reason="统计口径调整")
    assert update.status == UpdateStatus.RETURNED
    services.update_save(
        update=update, content=content(), expected_version=update.version, user=gxj
    )


def test_submitted_update_is_never_hard_deleted(filled, users):
    services.update_submit(update=filled, user=users["gxj"], expected_version=filled.version)
    with pytest.raises(ProtectedError):
        MonthlyUpdate.objects.get(pk=filled.pk).delete()
    assert MonthlyUpdate.objects.filter(pk=filled.pk).exists()


def test_withdraw_instead_of_delete(filled, users):
    update = services.update_submit(
        update=filled, user=users["gxj"], expected_version=filled.version
    )
    update = services.update_withdraw(update=update, user=users["gxj"])
    assert update.status == UpdateStatus.DRAFT
    assert update.first_submitted_at is not None  # the first submission time stays on record


def test_lock_date_stops_the_unit_until_the_drc_reopens(electronics_update, users, clock):
    clock.set(datetime.date(2025, 10, 22))  # past the lock date of the 21st
    with pytest.raises(ValidationError, match="锁定日期"):
        services.update_save(
            update=electronics_update, content=content(), expected_version=1, user=users["gxj"]
        )
    services.update_reopen(
        update=electronics_update,
        user=users["drc"],
        reason="系统故障补报",
        until=datetime.date(2025, 10, 24),
    )
    update = MonthlyUpdate.objects.get(pk=electronics_update.pk)
    services.update_save(
        update=update, content=content(), expected_version=update.version, user=users["gxj"]
    )


def test_carry_over_starts_from_last_months_text(filled, users, clock):
    october = periods_services.period_get_or_create(2025, 10)
    update = services.update_start(
        industry=filled.industry,
        unit=filled.unit,
        period=october,
        user=users["gxj"],
        carry_over=True,
    )
    assert update.carried_over_from_id == filled.pk
    assert update.progress_policy == filled.progress_policy
    assert events(update) == [EventKind.CARRIED_OVER]
    # Starting again returns the same update, not a second one.
    again = services.update_start(
        industry=filled.industry, unit=filled.unit, period=october, user=users["gxj"]
    )
    assert again.pk == update.pk


def test_only_a_lead_unit_can_start_an_update(users, september):
    with pytest.raises(ValidationError, match="不是"):
        services.update_start(
            industry=Industry.objects.get(name="电子信息产业集群"),
            unit=Unit.objects.get(name="市商务局"),
            period=september,
            user=users["swj"],
        )


def test_three_lead_units_file_three_updates_for_logistics(users, september, make_user):
    logistics = Industry.objects.get(name="商贸物流产业集群")
    for name in ["市商务局", "市交通局", "市会展局"]:
        unit = Unit.objects.get(name=name)
        services.update_start(
            industry=logistics,
            unit=unit,
            period=september,
            user=make_user(f"u-{unit.code}", unit=name),
        )
    assert MonthlyUpdate.objects.filter(industry=logistics, period=september).count() == 3


def test_contribution_is_recorded(filled, users):
    services.contribution_add(update=filled, user=users["siming"], text="思明区新增签约项目2个。")
    assert filled.contributions.get().unit.name == "思明区"
    assert events(filled)[-1] == EventKind.CONTRIBUTION_ADDED


def test_bulk_review_handles_each_and_skips_the_rest(users, september, make_user):
    drc = users["drc"]
    submitted = []
    for industry in Industry.objects.filter(name__in=["电子信息产业集群", "新材料产业"]):
        update = services.update_start(
            industry=industry,
            unit=Unit.objects.get(name="市工信局"),
            period=september,
            user=users["gxj"],
        )
        update = services.update_save(
            update=update, content=content(), expected_version=update.version, user=users["gxj"]
        )
        submitted.append(
            services.update_submit(
                update=update, user=users["gxj"], expected_version=update.version
            )
        )
    services.update_accept(update=submitted[0], user=drc)  # a colleague was faster on one
    result = services.updates_review(
        updates=MonthlyUpdate.objects.filter(pk__in=[u.pk for u in submitted]),
        user=drc,
        accept=True,
    )
    assert len(result.done) == 1 and len(result.skipped) == 1
    assert result.skipped[0][1] == "只有已提交的进展可以审核通过。"
    accepted = UpdateEvent.objects.get(update=result.done[0], kind=EventKind.ACCEPTED)
    assert accepted.actor == drc
    assert set(
        MonthlyUpdate.objects.filter(pk__in=[u.pk for u in submitted]).values_list(
            "status", flat=True
        )
    ) == {UpdateStatus.ACCEPTED}


def test_returned_after_the_lock_date_can_still_be_fixed(filled, users, clock):
    update = services.update_submit(
        update=filled, user=users["gxj"], expected_version=filled.version
    )
    clock.set(datetime.date(2025, 10, 24))  # after the lock date (21 October)
    update = services.update_return(update=update, user=users["drc"], reason="请补充")
    assert services.is_editable(update)
    services.update_save(
        update=update, content=content(), expected_version=update.version, user=users["gxj"]
    )


def test_no_withdrawing_after_the_lock_date(filled, users, clock):
    update = services.update_submit(
        update=filled, user=users["gxj"], expected_version=filled.version
    )
    clock.set(datetime.date(2025, 10, 24))
    with pytest.raises(ValidationError, match="锁定日期"):
        services.update_withdraw(update=update, user=users["gxj"])


def test_submit_based_on_an_old_version_is_refused_and_both_texts_kept(filled, make_user, users):
    """The clerk read version N; a colleague saved since. Submitting what the clerk read would
    send the DRC a text the clerk never saw, so it is refused and nothing is lost."""
    colleague = make_user("gxj2", unit="市工信局")
    read = filled.version
    services.update_save(
        update=filled,
        content=content(progress_policy="同事后改的文字"),
        expected_version=read,
        user=colleague,
    )
    with pytest.raises(services.ConcurrentEditError):
        services.update_submit(update=filled, user=users["gxj"], expected_version=read)
    stored = MonthlyUpdate.objects.get(pk=filled.pk)
    assert stored.status == UpdateStatus.DRAFT and stored.submitted_at is None
    assert stored.progress_policy == "同事后改的文字"
    assert EventKind.SUBMITTED not in events(stored)
    texts = [
        e.snapshot["fields"]["progress_policy"]
        for e in UpdateEvent.objects.filter(update=stored, kind=EventKind.SAVED).order_by("id")
    ]
    assert texts == ["兑现扶持资金1.2亿元。", "同事后改的文字"]


def test_a_reopening_ends_on_its_date(electronics_update, users, clock):
    clock.set(datetime.date(2025, 10, 22))  # past the lock date of the 21st
    services.update_reopen(
        update=electronics_update,
        user=users["drc"],
        reason="系统故障补报",
        until=datetime.date(2025, 10, 24),
    )
    clock.set(datetime.date(2025, 10, 24))  # the last day of the reopening: still open
    update = services.update_save(
        update=MonthlyUpdate.objects.get(pk=electronics_update.pk),
        content=content(progress_policy="开放期内补报"),
        expected_version=electronics_update.version + 1,
        user=users["gxj"],
    )
    clock.set(datetime.date(2025, 10, 27))  # the next working day: closed again
    with pytest.raises(ValidationError, match="锁定日期"):
        services.update_save(
            update=update,
            content=content(progress_policy="开放期后再改"),
            expected_version=update.version,
            user=users["gxj"],
        )
    with pytest.raises(ValidationError, match="锁定日期"):
        services.update_submit(update=update, user=users["gxj"], expected_version=update.version)
    stored = MonthlyUpdate.objects.get(pk=update.pk)
    assert stored.progress_policy == "开放期内补报" and stored.status == UpdateStatus.DRAFT


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reopening_needs_a_reason(electronics_update, users, clock, reason):
    clock.set(datetime.date(2025, 10, 22))
    with pytest.raises(ValidationError) as error:
        services.update_reopen(
            update=electronics_update,
            user=users["drc"],
            reason=reason,
            until=datetime.date(2025, 10, 24),
        )
    assert error.value.messages == ["重新开放填报必须写明理由。"]
    stored = MonthlyUpdate.objects.get(pk=electronics_update.pk)
    assert stored.reopened_until is None and services.is_locked(stored)
    assert EventKind.REOPENED not in events(stored)


# --- what each review step refuses ------------------------------------------------------------------


def test_a_reopening_cannot_end_before_today(electronics_update, users, clock):
    clock.set(datetime.date(2025, 10, 22))  # past the lock date of the 21st
    with pytest.raises(ValidationError) as error:
        services.update_reopen(
            update=electronics_update,
            user=users["drc"],
            reason="系统故障补报",
            until=datetime.date(2025, 10, 21),
        )
    assert error.value.messages == ["开放截止日期不能早于今天。"]
    stored = MonthlyUpdate.objects.get(pk=electronics_update.pk)
    assert stored.reopened_until is None and services.is_locked(stored)
    # Until today itself is a reopening for the rest of the day.
    services.update_reopen(
        update=stored, user=users["drc"], reason="系统故障补报", until=datetime.date(2025, 10, 22)
    )
    assert not services.is_locked(MonthlyUpdate.objects.get(pk=stored.pk))


def test_an_accepted_update_is_unlocked_not_reopened(filled, users, clock):
    update = services.update_submit(
        update=filled, user=users["gxj"], expected_version=filled.version
    )
    update = services.update_accept(update=update, user=users["drc"])
    with pytest.raises(ValidationError, match="已通过的请使用“解锁”"):
        services.update_reopen(
            update=update, user=users["drc"], reason="补充", until=datetime.date(2025, 10, 30)
        )
    stored = MonthlyUpdate.objects.get(pk=update.pk)
    assert stored.status == UpdateStatus.ACCEPTED and stored.reopened_until is None
    assert EventKind.REOPENED not in events(stored)


def test_only_an_accepted_update_is_unlocked_and_only_a_submitted_one_returned(filled, users):
    drc = users["drc"]
    with pytest.raises(ValidationError, match="只有已提交的进展可以退回"):
        services.update_return(update=filled, user=drc, reason="请补充")
    update = services.update_submit(
        update=filled, user=users["gxj"], expected_version=filled.version
    )
    with pytest.raises(ValidationError, match="只有已通过的进展需要解锁"):
        services.update_unlock(update=update, user=drc, reason="更正")
    stored = MonthlyUpdate.objects.get(pk=update.pk)
    assert stored.status == UpdateStatus.SUBMITTED and stored.version == update.version
    assert events(stored)[-1] == EventKind.SUBMITTED


def test_a_return_names_only_real_sections(filled, users):
    update = services.update_submit(
        update=filled, user=users["gxj"], expected_version=filled.version
    )
    with pytest.raises(ValidationError) as error:
        services.update_return(
            update=update, user=users["drc"], section_reasons={"weather": "与产业无关"}
        )
    assert error.value.messages == ["未知栏目：weather"]
    assert MonthlyUpdate.objects.get(pk=update.pk).status == UpdateStatus.SUBMITTED
    update = services.update_return(
        update=update,
        user=users["drc"],
        section_reasons={"policy": "请写明兑现金额", "roadmap": " "},
    )
    assert last_return(update).section_reasons == {"policy": "请写明兑现金额"}


def test_returning_many_at_once_needs_a_reason_and_gives_each_one(users, september, make_user):
    submitted = []
    for name in ["电子信息产业集群", "新材料产业"]:
        update = services.update_start(
            industry=Industry.objects.get(name=name),
            unit=Unit.objects.get(name="市工信局"),
            period=september,
            user=users["gxj"],
        )
        update = services.update_save(
            update=update, content=content(), expected_version=update.version, user=users["gxj"]
        )
        submitted.append(
            services.update_submit(
                update=update, user=users["gxj"], expected_version=update.version
            )
        )
    result = services.updates_review(updates=submitted, user=users["drc"], accept=False)
    assert result.done == []
    assert [message for _update, message in result.skipped] == [
        "退回时请写明理由（总体理由或具体栏目的理由）。"
    ] * 2
    result = services.updates_review(
        updates=submitted, user=users["drc"], accept=False, reason="请补充项目进度"
    )
    assert [u.status for u in result.done] == [UpdateStatus.RETURNED] * 2
    assert [last_return(u).reason for u in result.done] == ["请补充项目进度"] * 2
    assert [last_return(u).actor for u in result.done] == [users["drc"]] * 2


def test_an_input_needs_text_and_an_open_update(filled, users):
    with pytest.raises(ValidationError, match="请填写要提供的材料内容"):
        services.contribution_add(update=filled, user=users["siming"], text="  ")
    update = services.update_submit(
        update=filled, user=users["gxj"], expected_version=filled.version
    )
    services.update_accept(update=update, user=users["drc"])
    with pytest.raises(ValidationError, match="已通过审核，不能再补充材料"):
        services.contribution_add(update=update, user=users["siming"], text="补充签约项目1个。")
    assert not filled.contributions.exists()
    assert EventKind.CONTRIBUTION_ADDED not in events(filled)


def test_carrying_over_needs_last_months_update(users, september):
    industry = Industry.objects.get(name="电子信息产业集群")
    unit = Unit.objects.get(name="市工信局")
    with pytest.raises(ValidationError, match=r"^\['没有上月的进展可以带入。'\]$"):
        services.update_start(
            industry=industry, unit=unit, period=september, user=users["gxj"], carry_over=True
        )
    assert not MonthlyUpdate.objects.exists()


def test_opening_earlier_months_keeps_the_dates_set_for_a_month_already_open(db, clock):
    """periods_ensure with months_back (the demo data) opens the months missing before today
    and leaves a month already open as it is, dates an administrator moved included."""
    august = periods_services.period_get_or_create(2025, 8)
    august.deadline = datetime.date(2025, 9, 12)
    august.save()
    periods_services.periods_ensure(until=datetime.date(2025, 10, 9), months_back=3)
    periods = ReportingPeriod.objects.order_by("year", "month")
    assert [(p.year, p.month) for p in periods] == [(2025, 7), (2025, 8), (2025, 9), (2025, 10)]
    assert periods.get(month=8).deadline == datetime.date(2025, 9, 12)
    # July is due on the 5th working day of August 2025: Friday 1, then 4–7 → the 7th.
    assert periods.get(month=7).deadline == datetime.date(2025, 8, 7)


def _filed(industry, unit, year, month, text, user, clock):
    """Filed in time: on the 2nd of the next month."""
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    clock.set(datetime.date(next_year, next_month, 2))
    update = services.update_start(
        industry=Industry.objects.get(name=industry),
        unit=Unit.objects.get(name=unit),
        period=periods_services.period_get_or_create(year, month),
        user=user,
    )
    return services.update_save(
        update=update,
        content=content(progress_policy=text),
        expected_version=update.version,
        user=user,
    )


def test_carry_over_takes_the_latest_earlier_month_of_the_same_industry_and_unit(
    users, make_user, clock
):
    """Across the turn of a year, and never a later month, another industry's or another unit's
    text (Jan is filed before Feb, so an order by year alone would pick January)."""
    gxj, swj, jtj = users["gxj"], users["swj"], make_user("jtj", unit="市交通局")
    for year, month, text in [
        (2024, 12, "2024年12月"),
        (2025, 1, "2025年1月"),
        (2025, 2, "2025年2月"),
        (2025, 5, "2025年5月"),
        (2026, 1, "2026年1月"),
    ]:
        _filed("电子信息产业集群", "市工信局", year, month, text, gxj, clock)
    _filed("机械装备产业集群", "市工信局", 2025, 3, "机械装备的3月", gxj, clock)
    april = services.update_start(
        industry=Industry.objects.get(name="电子信息产业集群"),
        unit=Unit.objects.get(name="市工信局"),
        period=periods_services.period_get_or_create(2025, 4),
        user=gxj,
        carry_over=True,
    )
    assert april.progress_policy == "2025年2月"
    assert april.carried_over_from.period.slug == "2025-02"

    _filed("商贸物流产业集群", "市商务局", 2025, 1, "市商务局的1月", swj, clock)
    _filed("商贸物流产业集群", "市交通局", 2025, 2, "市交通局的2月", jtj, clock)
    march = services.update_start(
        industry=Industry.objects.get(name="商贸物流产业集群"),
        unit=Unit.objects.get(name="市商务局"),
        period=periods_services.period_get_or_create(2025, 3),
        user=swj,
        carry_over=True,
    )
    assert march.progress_policy == "市商务局的1月"


def test_a_refused_save_keeps_its_figures_key_projects_and_problems(electronics_update, users):
    loaded = electronics_update.version
    services.update_save(
        update=electronics_update, content=content(), expected_version=loaded, user=users["gxj"]
    )
    refused = content(progress_policy="乙的文字", projects_signed=5, signed_amount=None)
    refused.key_projects = [
        dict(name="新型显示模组线", stage="signed", investment=Decimal("12.50"), progress="签约"),
        dict(name="功率半导体封测", stage="planning", investment=None, progress="洽谈"),
    ]
    refused.problems = [
        dict(description="用地指标不足", type="land", concerned="模组线", needs_meeting=True)
    ]
    with pytest.raises(services.ConcurrentEditError) as conflict:
        services.update_save(
            update=electronics_update, content=refused, expected_version=loaded, user=users["gxj"]
        )
    assert conflict.value.current_version == loaded + 1
    kept = UpdateEvent.objects.get(update=electronics_update, kind=EventKind.CONFLICT_KEPT)
    assert kept.snapshot["fields"]["progress_policy"] == "乙的文字"
    assert kept.snapshot["figures"] == {"projects_signed": "5", "signed_amount": None}
    assert kept.snapshot["key_projects"] == [
        dict(name="新型显示模组线", stage="signed", investment="12.50", progress="签约"),
        dict(name="功率半导体封测", stage="planning", investment=None, progress="洽谈"),
    ]
    assert kept.snapshot["problems"] == refused.problems


def test_a_save_refused_after_submission_or_acceptance_says_what_to_do(filled, users):
    submitted = services.update_submit(
        update=filled, user=users["gxj"], expected_version=filled.version
    )
    with pytest.raises(ValidationError) as refused:
        services.update_save(
            update=submitted,
            content=content(),
            expected_version=submitted.version,
            user=users["gxj"],
        )
    assert refused.value.messages == ["该进展已提交，正在审核；如需修改，请先撤回。"]
    accepted = services.update_accept(update=submitted, user=users["drc"])
    with pytest.raises(ValidationError) as refused:
        services.update_save(
            update=accepted, content=content(), expected_version=accepted.version, user=users["gxj"]
        )
    assert refused.value.messages == ["该进展已通过审核并锁定；如需修改，请联系市发改委解锁。"]


# --- as `make mutation` found them untested --------------------------------------------------


def test_the_lock_date_itself_is_still_open(electronics_update, users, clock):
    lock_date = electronics_update.period.lock_date
    assert not services.is_locked(electronics_update, lock_date)
    assert services.is_locked(electronics_update, lock_date + datetime.timedelta(days=1))
    clock.set(lock_date)
    saved = services.update_save(
        update=electronics_update, content=content(), expected_version=1, user=users["gxj"]
    )
    assert saved.version == 2


def test_rows_keep_their_order_and_every_write_names_its_author(electronics_update, users):
    gxj, drc = users["gxj"], users["drc"]
    rows = [
        {"name": f"项目{i}", "stage": "signed", "investment": i, "progress": "推进"}
        for i in range(3)
    ]
    problems = [
        {"description": f"问题{i}", "type": "land", "concerned": "", "needs_meeting": False}
        for i in range(3)
    ]
    saved = services.update_save(
        update=electronics_update,
        content=services.UpdateContent(
            fields=content().fields, key_projects=rows, problems=problems
        ),
        expected_version=1,
        user=gxj,
    )
    assert list(saved.key_projects.values_list("position", "name")) == [
        (0, "项目0"),
        (1, "项目1"),
        (2, "项目2"),
    ]
    assert list(saved.problems.values_list("position", "description")) == [
        (0, "问题0"),
        (1, "问题1"),
        (2, "问题2"),
    ]
    assert saved.updated_by == gxj
    event = UpdateEvent.objects.filter(update=saved).latest("id")
    assert (event.status, event.actor) == (UpdateStatus.DRAFT, gxj)
    submitted = services.update_submit(update=saved, user=gxj, expected_version=saved.version)
    returned = services.update_return(update=submitted, user=drc, reason="请补充")
    stored = MonthlyUpdate.objects.get(pk=returned.pk)
    assert (stored.status, stored.updated_by) == (UpdateStatus.RETURNED, drc)
    assert UpdateEvent.objects.filter(update=stored).latest("id").status == UpdateStatus.RETURNED


def test_content_that_is_not_an_updates_is_a_programming_error(electronics_update, users):
    with pytest.raises(ValueError, match=r"not update content: \['budget'\]"):
        services.update_save(
            update=electronics_update,
            content=services.UpdateContent(
                fields={**content().fields, "budget": 1}, key_projects=[], problems=[]
            ),
            expected_version=1,
            user=users["gxj"],
        )


def test_starting_an_update_names_who_started_it(users, clock):
    period = periods_services.period_get_or_create(2025, 9)
    started = services.update_start(
        industry=Industry.objects.get(code="electronic-information"),
        unit=Unit.objects.get(name="市工信局"),
        period=period,
        user=users["gxj"],
    )
    stored = MonthlyUpdate.objects.get(pk=started.pk)
    assert (stored.created_by, stored.updated_by) == (users["gxj"], users["gxj"])


def test_carry_over_copies_last_months_key_projects(electronics_update, users, clock):
    rows = [
        {"name": f"项目{i}", "stage": "signed", "investment": i + 1, "progress": f"进展{i}"}
        for i in range(2)
    ]
    september = services.update_save(
        update=electronics_update,
        content=services.UpdateContent(fields=content().fields, key_projects=rows, problems=[]),
        expected_version=1,
        user=users["gxj"],
    )
    october = services.update_start(
        industry=september.industry,
        unit=september.unit,
        period=periods_services.period_get_or_create(2025, 10),
        user=users["gxj"],
        carry_over=True,
    )
    fields = ("name", "stage", "investment", "progress", "position")
    assert list(october.key_projects.order_by("position").values_list(*fields)) == list(
        september.key_projects.order_by("position").values_list(*fields)
    )
    assert october.key_projects.count() == 2
