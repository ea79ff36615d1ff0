"""Demo work plans (`make run` only), accepted and with progress up to last month."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from chains.choices import UnitKind
from chains.matrix.demo import DEMO_FIRST
from chains.models import Unit
from reporting.models import PlanEvent, PlanItem, PlanProgress, WorkPlan
from reporting.periods import services
from reporting.plans import selectors
from reporting.plans import services as plans
from reporting.updates.demo import PLAN_TASKS, demo_now


@transaction.atomic
def demo_plans_seed(today: datetime.date | None = None) -> int:
    """This year's work plans of every district, zone and lead unit, accepted in January, with
    progress on each item up to last month; next year's left for the units to write."""
    today = today or services.today()
    if WorkPlan.objects.filter(is_demo=True).exists():
        return 0
    now = demo_now(today)
    reviewer = User.objects.filter(role=Role.DRC, unit__isnull=False).order_by(*DEMO_FIRST).first()
    if reviewer is None:
        return 0
    rng = random.Random(2026)
    year, created = today.year, 0

    def recorded(month: int) -> datetime.datetime:
        # Progress on a month is recorded early in the next one.
        return timezone.make_aware(datetime.datetime(year, month + 1, 2, 10))

    recorded_months = [m for m in range(1, today.month) if recorded(m) <= now]
    units = Unit.objects.filter(
        kind__in=[UnitKind.DISTRICT, UnitKind.ZONE, UnitKind.MUNICIPAL]
    ).order_by("position")
    for unit in units:
        filer = User.objects.filter(unit=unit).order_by(*DEMO_FIRST).first()
        if filer is None:
            continue
        for due in selectors.plans_owed(unit, year):
            plan = plans.plan_start(unit=unit, industry=due.industry, year=year, user=filer)
            items = [
                plans.ItemContent(
                    element=element,
                    task=task,
                    target_value=value,
                    target_unit=target_unit,
                    responsible=unit,
                    due_month=rng.choice([3, 6, 9, 12]),
                )
                for element, task, value, target_unit in rng.sample(PLAN_TASKS, 4)
            ]
            plan = plans.plan_save(
                plan=plan,
                user=filer,
                expected_version=plan.version,
                summary=f"围绕{due.title}高质量发展，明确全年目标任务和责任分工。",
                items=items,
            )
            submitted = timezone.make_aware(
                datetime.datetime(year, 1, rng.randint(10, 31 if rng.random() < 0.85 else 28), 10)
            ) + datetime.timedelta(days=0 if rng.random() < 0.85 else 10)
            if submitted > now:
                # Early in January: not filed yet. Demo data never lies in the future.
                WorkPlan.objects.filter(pk=plan.pk).update(is_demo=True)
                created += 1
                continue
            plan = plans.plan_submit(plan=plan, user=filer, expected_version=plan.version)
            plan = plans.plan_accept(plan=plan, user=reviewer)
            started = submitted - datetime.timedelta(days=5)
            WorkPlan.objects.filter(pk=plan.pk).update(
                is_demo=True,
                first_submitted_at=submitted,
                submitted_at=submitted,
                accepted_at=submitted,
                created_at=started,
                updated_at=submitted,
            )
            PlanEvent.objects.filter(plan=plan).update(at=submitted)
            PlanEvent.objects.filter(plan=plan, kind="created").update(at=started)
            progress = []
            for item in PlanItem.objects.filter(plan=plan):
                share = 0
                for month in recorded_months:
                    share = min(100, share + rng.randint(3, 11))
                    progress.append(
                        PlanProgress(
                            item=item,
                            year=year,
                            month=month,
                            percent=share,
                            value=(item.target_value * share / 100).quantize(Decimal("0.01"))
                            if item.target_value is not None
                            else None,
                            text=f"{month}月按计划推进，累计完成{share}%。",
                            recorded_by=filer,
                        )
                    )
            PlanProgress.objects.bulk_create(progress)
            created += 1
    WorkPlan.objects.filter(is_demo=True, created_at__gt=now).update(created_at=now)
    WorkPlan.objects.filter(is_demo=True, updated_at__gt=now).update(updated_at=now)
    PlanEvent.objects.filter(plan__is_demo=True, at__gt=now).update(at=now)
    # Demo only: recorded early in the following month, not at seeding time.
    for month in recorded_months:
        when = recorded(month)
        PlanProgress.objects.filter(item__plan__is_demo=True, year=year, month=month).update(
            created_at=when, recorded_at=when
        )
    return created
