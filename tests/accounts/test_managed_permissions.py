"""The groups and industry object permissions that the matrix manages: the admin shows them but
does not let anyone edit or delete them by hand, and a daily task (and `manage.py check`) finds
any drift between them and the matrix; the task re-syncs it."""

import os
import subprocess
import sys

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import checks
from django.core.management import call_command
from django.urls import reverse

from accounts.choices import Role
from accounts.models import User
from chains.matrix.permissions import permissions_drift
from chains.matrix.tasks import permissions_resync
from chains.models import (
    Industry,
    IndustryGroupObjectPermission,
    IndustryUserObjectPermission,
    Unit,
)

MANAGED = "由责任分工管理"


def grants():
    """Every industry object permission, by names (a re-created group has a new id)."""
    return sorted(
        IndustryGroupObjectPermission.objects.values_list(
            "group__name", "permission__codename", "content_object__code"
        )
    )


def unit_group(name: str) -> Group:
    return Unit.objects.select_related("group").get(name=name).group


def text(response) -> str:
    return response.content.decode()


def drift_warnings():
    return [m for m in checks.run_checks() if m.id == "accounts.W001"]


# --- the admin: managed groups are shown, never edited or deleted by hand ----------------------


def test_deleting_a_units_group_is_refused_with_the_reason(client, users):
    """Deleting 市工信局's group took one confirmation and removed its 24 object permissions."""
    group = unit_group("市工信局")
    before = grants()
    assert sum(1 for g, *_ in before if g == group.name) > 0
    client.force_login(users["admin"])
    url = reverse("admin:auth_group_delete", args=[group.pk])

    page = client.get(url, follow=True)
    assert MANAGED in text(page) and "重新同步" in text(page)
    assert 'name="post"' not in text(page)  # no confirmation button to press
    response = client.post(url, {"post": "yes"}, follow=True)
    assert MANAGED in text(response)
    assert Group.objects.filter(pk=group.pk).exists()
    assert grants() == before

    # Nor through the list's "delete selected" action, even mixed with a group of one's own.
    own = Group.objects.create(name="临时工作组")
    changelist = reverse("admin:auth_group_changelist")
    response = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [group.pk, own.pk], "post": "yes"},
        follow=True,
    )
    assert MANAGED in text(response) and "unit:gxj" in text(response)
    assert Group.objects.filter(pk__in=[group.pk, own.pk]).count() == 2
    assert grants() == before

    # A group the matrix does not manage is the administrators' own: it can go.
    response = client.post(
        reverse("admin:auth_group_delete", args=[own.pk]), {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert not Group.objects.filter(pk=own.pk).exists()


def test_a_managed_group_is_read_only(client, users):
    group = unit_group("市工信局")
    client.force_login(users["admin"])
    url = reverse("admin:auth_group_change", args=[group.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert MANAGED in text(page)
    assert 'name="_save"' not in text(page)
    some_permission = group.permissions.model.objects.first()
    response = client.post(url, {"name": "renamed", "permissions": [some_permission.pk]})
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.name == "unit:gxj" and not group.permissions.exists()
    # The list says which groups are the matrix's.
    listing = text(client.get(reverse("admin:auth_group_changelist")))
    assert "unit:gxj" in listing and "责任分工" in listing


def test_a_new_group_cannot_take_a_name_the_matrix_manages(client, users):
    """A hand-made "unit:…" group would be taken for the matrix's and pruned by the next sync."""
    client.force_login(users["admin"])
    response = client.post(reverse("admin:auth_group_add"), {"name": "unit:extra"})
    assert response.status_code == 200  # the form again, with the reason
    assert "unit:" in text(response) and "责任分工" in text(response)
    assert not Group.objects.filter(name="unit:extra").exists()


def test_industry_object_permissions_are_not_edited_by_hand(client, users):
    """Guardian's object-permission pages let an administrator grant or revoke an industry's
    permissions by hand, which the next sync silently undid (or nothing ever did)."""
    industry = Industry.objects.get(name="电子信息产业集群")
    group = unit_group("市工信局")
    client.force_login(users["admin"])
    base = reverse("admin:chains_industry_change", args=[industry.pk]).removesuffix("change/")
    for url in (
        f"{base}permissions/",
        f"{base}permissions/group-manage/{group.pk}/",
        f"{base}permissions/user-manage/{users['gxj'].pk}/",
    ):
        assert client.get(url).status_code in (302, 404), url
        assert client.post(url, {"permissions": ["view_industry"]}).status_code in (302, 404)
    # The industry's page shows who holds what, read-only, and where it comes from.
    page = text(client.get(reverse("admin:chains_industry_change", args=[industry.pk])))
    assert "unit:gxj" in page and "填报" in page and MANAGED in page


def test_moving_a_user_to_another_unit_in_the_admin_moves_their_group(client, users):
    """The user form's groups field used to put back the old unit's group after the save had
    synced it, so a moved user kept the old unit's rights."""
    gxj = users["gxj"]
    client.force_login(users["admin"])
    url = reverse("admin:accounts_user_change", args=[gxj.pk])
    form = client.get(url).context["adminform"].form
    assert not any(
        g.name.startswith(("unit:", "official:")) for g in form.fields["groups"].queryset
    )
    data = form_data(form)
    data["unit"] = str(Unit.objects.get(name="市科技局").pk)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(User.objects.get(pk=gxj.pk).groups.values_list("name", flat=True)) == {"unit:kjj"}
    assert not permissions_drift()


def form_data(form) -> dict:
    """What the browser would send back for an admin form as it stands."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        widget = field.widget
        if hasattr(field, "queryset") and isinstance(value, list | tuple):
            # A browser sends only what the list offers.
            offered = {str(pk) for pk in field.queryset.values_list("pk", flat=True)}
            value = [v for v in value if str(v) in offered]
        if hasattr(widget, "widgets"):  # split date and time
            for i, part in enumerate(widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data


# --- drift: found by `manage.py check`, repaired by the daily task -----------------------------


def test_the_daily_task_restores_a_deleted_group_and_the_check_reports_it(users, capsys):
    before = grants()
    assert not permissions_drift() and not drift_warnings()

    unit_group("市工信局").delete()  # from the shell, say: the admin no longer lets anyone
    assert len(grants()) < len(before)
    drift = permissions_drift()
    assert drift
    assert any("市工信局" in line for line in drift.lines())
    [warning] = drift_warnings()
    assert warning.level == checks.WARNING and "市工信局" in warning.msg
    call_command("check")
    assert "市工信局" in capsys.readouterr().err

    result = permissions_resync()
    assert "市工信局" in result
    assert grants() == before
    assert set(User.objects.get(pk=users["gxj"].pk).groups.values_list("name", flat=True)) == {
        "unit:gxj"
    }
    assert not permissions_drift() and not drift_warnings()
    assert permissions_resync() == ""  # run again: nothing to do


def test_the_daily_task_revokes_grants_the_matrix_does_not_make(users):
    electronics = Industry.objects.get(name="电子信息产业集群")
    before = grants()
    siming = users["siming"]
    file_industry = IndustryGroupObjectPermission.objects.filter(
        permission__codename="file_industry"
    ).values_list("permission", flat=True)[0]
    # A district granted the right to file, by hand, for itself and for one of its users ...
    IndustryGroupObjectPermission.objects.create(
        group=unit_group("思明区"), permission_id=file_industry, content_object=electronics
    )
    IndustryUserObjectPermission.objects.create(
        user=siming, permission_id=file_industry, content_object=electronics
    )
    # ... and a user put into another unit's group.
    siming.groups.add(unit_group("市工信局"))
    assert User.objects.get(pk=siming.pk).has_perm("chains.file_industry", electronics)
    drift = permissions_drift()
    assert drift.counts == {"groupless": 0, "missing": 0, "unwanted": 2, "memberships": 1}
    assert "unit:siming · 电子信息产业集群 · file_industry" in drift.unwanted
    assert drift.memberships == ["用户 siming：不应在 unit:gxj"]
    assert drift_warnings()

    permissions_resync()
    assert grants() == before
    assert not IndustryUserObjectPermission.objects.exists()
    assert not User.objects.get(pk=siming.pk).has_perm("chains.file_industry", electronics)
    assert not permissions_drift()


def test_the_task_runs_daily_on_beat():
    entries = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "accounts.permissions_resync"
    ]
    assert len(entries) == 1
    assert permissions_resync.name == "accounts.permissions_resync"


def test_an_administrator_account_is_no_drift(users, make_user):
    """Accounts without a unit or official (administrators) belong to no managed group."""
    make_user("chief", role=Role.ADMIN)
    assert not permissions_drift()


def run_check(database_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_check_skips_a_database_that_is_not_there_or_not_migrated(tmp_path):
    """`manage.py check` runs before `migrate` and on machines without the database: it must
    neither fail nor create a database file."""
    missing = tmp_path / "missing.sqlite3"
    result = run_check(f"sqlite:///{missing}")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert not missing.exists()

    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    result = run_check(f"sqlite:///{empty}")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr

    result = run_check("postgres://postgres@127.0.0.1:9/nothing-listens-here")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
