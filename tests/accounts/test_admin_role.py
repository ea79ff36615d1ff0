"""The role 系统管理员 is what opens the admin: staff status follows the role, and nobody has to
know that the 工作人员状态 box exists."""

from django.urls import reverse

from accounts.choices import Role
from accounts.models import User
from chains.models import Unit


def test_staff_status_follows_the_role(matrix, make_user):
    chief = make_user("chief", role=Role.ADMIN)
    assert User.objects.get(pk=chief.pk).is_staff

    chief.role = Role.DRC
    chief.unit = Unit.objects.get(name="市发改委")
    chief.save()
    assert not User.objects.get(pk=chief.pk).is_staff

    # A tick in the box does not make unit staff into admin users.
    clerk = make_user("clerk", unit="市工信局", is_staff=True)
    assert not User.objects.get(pk=clerk.pk).is_staff
    # Nor does a save of some fields only leave the flag behind the role.
    clerk.role = Role.ADMIN
    clerk.unit = None
    clerk.save(update_fields=["role", "unit"])
    assert User.objects.get(pk=clerk.pk).is_staff


def test_an_administrator_added_in_the_admin_can_use_the_admin(client, users):
    client.force_login(users["admin"])
    password = "Chain-portal-admin-2026"
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "chief",
            "usable_password": "true",
            "password1": password,
            "password2": password,
            "role": Role.ADMIN,
            "_save": "1",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    chief = User.objects.get(username="chief")
    assert chief.is_staff and not chief.is_superuser

    client.logout()
    client.force_login(chief)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    html = index.content.decode()
    for model in ("单位", "分工", "用户", "组", "报送期次"):
        assert f">{model}<" in html, model
    assert client.get(reverse("admin:chains_unit_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    # The role opens the admin, not the matrix: filing still comes only from the matrix.
    assert not chief.has_perm("chains.file_industry")


def test_the_user_form_explains_staff_status_instead_of_asking_for_it(client, users):
    client.force_login(users["admin"])
    page = client.get(reverse("admin:accounts_user_change", args=[users["gxj"].pk]))
    form = page.context["adminform"].form
    assert "is_staff" not in form.fields  # shown read-only
    assert "由角色决定" in page.content.decode()


def test_other_roles_stay_out_of_the_admin(client, users):
    for who in ("gxj", "drc", "stats", "leader_huang_yt"):
        client.force_login(users[who])
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"], who
