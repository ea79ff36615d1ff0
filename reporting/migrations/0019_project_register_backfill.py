"""The key projects typed month after month before the register: each industry's projects,
by name, become registered projects at their latest month's stage and investment, followed by
the unit that reported them; every line is linked to its project. Nothing is deleted."""

import datetime

from django.db import migrations


def backfill(apps, schema_editor):
    KeyProject = apps.get_model("reporting", "KeyProject")
    Project = apps.get_model("reporting", "Project")
    ProjectEvent = apps.get_model("reporting", "ProjectEvent")
    latest = {}
    lines = KeyProject.objects.select_related("update__period", "update").order_by(
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
        )
        ProjectEvent.objects.create(
            project=project,
            kind="created",
            actor_id=line.update.created_by_id,
            stage_to=line.stage,
            progress="由此前月度进展中的重点项目登记入库",
            snapshot={"name": name, "stage": line.stage},
        )
        KeyProject.objects.filter(update__industry_id=industry_id, name=line.name).update(
            project=project
        )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0018_project_register")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
