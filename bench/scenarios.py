"""The data and the measured requests of `make bench`.

Data: the full matrix; 12 months × every (industry, lead unit) pair of updates, each with key
projects, problems and an input from every responsible unit, and its history."""

import datetime

from django.test import Client
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from chains.matrix.io import matrix_load
from chains.models import Unit
from reporting.choices import EventKind, UpdateStatus
from reporting.models import (
    Contribution,
    KeyProject,
    MonthlyUpdate,
    Problem,
    ReportingPeriod,
    UpdateEvent,
)
from reporting.periods import services
from reporting.updates import services as updates_services
from reporting.updates.selectors import lead_pairs
from reporting.updates.snapshots import TEXT_FIELDS, update_snapshot

TEXT = "本月召开专班会议，推进重点项目建设，兑现扶持政策，开展精准招商活动。" * 4


def build() -> dict:
    matrix_load()
    users = {}
    for unit in Unit.objects.all():
        role = {"市发改委": Role.DRC, "市统计局": Role.STATISTICS}.get(unit.name, Role.UNIT_STAFF)
        user = User(username=unit.code, unit=unit, role=role)
        user.set_password("bench-password-1234")
        user.save()
        users[unit.code] = user
    services.periods_ensure(months_back=12)
    periods = list(ReportingPeriod.objects.order_by("-year", "-month"))
    current, past = periods[0], periods[1:13]
    pairs = lead_pairs()
    responsible = {}
    for industry, _unit in pairs:
        responsible[industry.pk] = [
            link.unit for link in industry.assignment.unit_links.all() if link.role == "responsible"
        ]
    now = timezone.now()
    updates = MonthlyUpdate.objects.bulk_create(
        MonthlyUpdate(
            industry=industry,
            unit=unit,
            period=period,
            status=UpdateStatus.ACCEPTED,
            version=4,
            first_submitted_at=now,
            submitted_at=now,
            accepted_at=now,
            **{f: TEXT for f in TEXT_FIELDS},
        )
        for period in past
        for industry, unit in pairs
    )
    KeyProject.objects.bulk_create(
        KeyProject(
            update=u,
            name=f"重点项目{i}",
            stage="construction",
            investment=10,
            progress="推进",
            position=i,
        )
        for u in updates
        for i in range(3)
    )
    Problem.objects.bulk_create(
        Problem(update=u, description="用地指标紧张", type="land") for u in updates
    )
    Contribution.objects.bulk_create(
        Contribution(update=u, unit=r, author=users[r.code], text="本单位本月配合推进情况。")
        for u in updates
        for r in responsible[u.industry_id]
    )
    UpdateEvent.objects.bulk_create(
        UpdateEvent(
            update=u,
            kind=kind,
            actor=users[u.unit.code],
            version=v,
            status=UpdateStatus.ACCEPTED,
            snapshot={},
        )
        for u in updates
        for v, kind in enumerate(
            [EventKind.CREATED, EventKind.SAVED, EventKind.SUBMITTED, EventKind.ACCEPTED], 1
        )
    )
    # This month's draft that the save benchmark edits, with a full history behind it.
    gxj = users["gxj"]
    draft = updates_services.update_start(
        industry=pairs[0][0], unit=pairs[0][1], period=current, user=gxj
    )
    ReportingPeriod.objects.filter(pk=current.pk).update(  # as an administrator would set it
        lock_date=timezone.localdate() + datetime.timedelta(days=365), dates_set_by_hand=True
    )
    client = Client()
    client.force_login(gxj)
    return {
        "client_gxj": client,
        "draft": draft,
        "counts": {"updates": len(updates) + 1},
        "snapshot": update_snapshot(draft),
    }


def run_updates(data: dict, timed) -> dict:
    client, draft = data["client_gxj"], data["draft"]
    url = f"/updates/{draft.pk}/edit/"
    state = {"n": 0}

    def save():
        update = MonthlyUpdate.objects.only("version").get(pk=draft.pk)
        state["n"] += 1
        form = {
            "version": update.version,
            **{f: f"{TEXT}（第{state['n']}稿）" for f in TEXT_FIELDS},
            "projects_signed": "3",
            "signed_amount": "12.5",
            "projects-TOTAL_FORMS": "2",
            "projects-INITIAL_FORMS": "0",
            "projects-MIN_NUM_FORMS": "0",
            "projects-MAX_NUM_FORMS": "50",
            "projects-0-name": "重点项目",
            "projects-0-stage": "signed",
            "projects-0-investment": "10",
            "projects-0-progress": "推进",
            "projects-1-name": "重点项目二",
            "projects-1-stage": "planning",
            "problems-TOTAL_FORMS": "1",
            "problems-INITIAL_FORMS": "0",
            "problems-MIN_NUM_FORMS": "0",
            "problems-MAX_NUM_FORMS": "50",
            "problems-0-description": "用地",
            "problems-0-type": "land",
        }
        response = client.post(url, form)
        assert response.status_code == 302, response.status_code

    save_median, save_p95 = timed(save)
    return {
        "update_save_median_ms": save_median,
        "update_save_p95_ms": save_p95,
        "bench_updates": data["counts"]["updates"],
    }
