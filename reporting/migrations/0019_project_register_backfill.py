"""The key projects typed month after month before the register: each industry's projects,
by name, become registered projects at their latest filed month's stage and investment,
followed by the unit that reported them; every filed line is linked to its project (a draft's
lines are linked when the update is accepted). Nothing is deleted."""

import datetime

from django.db import migrations


# The dates a stage implies were reached (at the latest) by the month it was reported in.
STAGE_DATES = {
    "signed": ("signed_on",),
    "construction": ("signed_on", "started_on"),
    "operating": ("signed_on", "started_on", "operating_on"),
}


def backfill(apps, schema_editor):
    KeyProject = apps.get_model("reporting", "KeyProject")
    Project = apps.get_model("reporting", "Project")
    ProjectEvent = apps.get_model("reporting", "ProjectEvent")
    latest = {}
    # Lines of updates filed with the DRC (a draft's text is not yet the unit's statement).
    lines = KeyProject.objects.filter(update__first_submitted_at__isnull=False)
    lines = lines.select_related("update__period", "update").order_by(
        "update__period__year", "update__period__month", "position", "id"
    )
    for line in lines.iterator(chunk_size=2000):
        latest[(line.update.industry_id, line.name)] = line
    for (industry_id, name), line in latest.items():
        period = line.update.period
        since = datetime.date(period.year, period.month, 1)
        project = Project.objects.create(
            industry_id=industry_id,
            name=name,
            stage=line.stage,
            stage_since=since,
            investment=line.investment,
            responsible_unit_id=line.update.unit_id,
            created_by_id=line.update.created_by_id,
            is_demo=line.update.is_demo,
            **{field: since for field in STAGE_DATES.get(line.stage, ())},
        )
        ProjectEvent.objects.create(
            project=project,
            kind="created",
            actor_id=line.update.created_by_id,
            stage_to=line.stage,
            progress="由此前月度进展中的重点项目登记入库",
            snapshot={"name": name, "stage": line.stage},
        )
        KeyProject.objects.filter(
            update__industry_id=industry_id,
            name=line.name,
            update__first_submitted_at__isnull=False,
        ).update(
            project=project
        )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0018_registers")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
