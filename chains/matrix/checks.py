"""`manage.py check` reports where the groups and industry object permissions drifted from the
matrix (the daily `accounts.permissions_resync` task repairs it).

A system check runs on every `manage.py` command that checks (runserver, migrate, check), also
before the first migration and on machines with no database at all: it costs a handful of
queries and says nothing when there is no migrated database to compare."""

from pathlib import Path

from django.core.checks import Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from chains.matrix.permissions import industry_permission_ids, permissions_drift

# The tables the comparison reads; until `migrate` has made them there is nothing to compare.
TABLES = {
    "auth_group",
    "auth_permission",
    "django_content_type",
    "accounts_user",
    "accounts_user_groups",
    "chains_unit",
    "chains_official",
    "chains_industry",
    "chains_assignmentunit",
    "chains_assignmentofficial",
    "chains_industrygroupobjectpermission",
    "chains_industryuserobjectpermission",
}


def _no_database_file(connection) -> bool:
    # Connecting to SQLite would create an empty database file where there is none.
    return (
        connection.vendor == "sqlite"
        and not connection.is_in_memory_db()
        and not Path(connection.settings_dict["NAME"]).exists()
    )


@register(Tags.security)
def matrix_permissions_check(app_configs=None, databases=None, **kwargs):
    if app_configs is not None and not {"accounts", "chains"} & {c.label for c in app_configs}:
        return []
    if databases is not None and DEFAULT_DB_ALIAS not in databases:
        return []
    connection = connections[DEFAULT_DB_ALIAS]
    if _no_database_file(connection):
        return []
    try:
        with transaction.atomic(using=DEFAULT_DB_ALIAS):
            if not TABLES <= set(connection.introspection.table_names()):
                return []
            if not industry_permission_ids():
                return []
            drift = permissions_drift()
    except DatabaseError:
        # No server, or a migration half applied: nothing to compare yet.
        return []
    if not drift:
        return []
    return [
        Warning(
            "权限组和产业对象权限与责任分工不一致：" + "；".join(drift.lines()),
            hint=(
                "这些组和对象权限由责任分工管理，并据其重新同步：每日任务 "
                "accounts.permissions_resync 会自动修复；如需立即修复，运行 "
                "python manage.py sync_permissions。"
            ),
            id="accounts.W001",
        )
    ]
