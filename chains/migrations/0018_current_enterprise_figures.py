"""The current revision of enterprise figures, month by month, by a partial index (issue 20).

Built CONCURRENTLY on PostgreSQL: the table holds every revision of every enterprise-month
(millions of rows), and a plain CREATE INDEX would block imports while it builds."""

from django.db import migrations, models

INDEX = models.Index(
    condition=models.Q(is_current=True),
    fields=["year", "month", "enterprise"],
    name="current_enterprise_figures",
)


def create(apps, schema_editor):
    model = apps.get_model("chains", "EnterpriseFigure")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS current_enterprise_figures"
            " ON chains_enterprisefigure (year, month, enterprise_id) WHERE is_current"
        )
    else:
        schema_editor.add_index(model, INDEX)


def drop(apps, schema_editor):
    model = apps.get_model("chains", "EnterpriseFigure")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS current_enterprise_figures")
    else:
        schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("chains", "0017_work_teams"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="enterprisefigure", index=INDEX)],
            database_operations=[migrations.RunPython(create, drop)],
        ),
    ]
