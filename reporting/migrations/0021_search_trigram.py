"""Search (reporting.search): on PostgreSQL, trigram indexes (pg_trgm) answer the substring
matches the header's search makes (Django's icontains: UPPER(column) LIKE UPPER('%…%')), so
Chinese words are found inside names and text without scanning. SQLite scans; nothing to do.

pg_trgm reads Chinese characters as letters only in a UTF-8 locale (LC_CTYPE C.UTF-8 or
zh_CN.UTF-8, as Debian's and the compose file's clusters are); a word of two characters has no
trigram, so PostgreSQL answers it by scanning, as SQLite does (fast enough at this size: see
bench search_p95_ms). CREATE EXTENSION needs the database owner (pg_trgm is a trusted
extension from PostgreSQL 13)."""

from django.db import migrations

INDEXES = {
    "search_problem_trgm": ("reporting_problem", "description"),
    "search_project_name_trgm": ("reporting_project", "name"),
    "search_project_investor_trgm": ("reporting_project", "investor"),
    "search_enterprise_trgm": ("chains_enterprise", "name"),
    "search_enterprise_code_trgm": ("chains_enterprise", "credit_code"),
    "search_policy_trgm": ("chains_policy", "title"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0020_innovation_district"),
        ("chains", "0017_work_teams"),
    ]

    operations = [migrations.RunPython(create, drop)]
