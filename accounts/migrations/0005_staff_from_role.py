"""Staff status follows the role (User.save): administrators are staff, other roles are not.
Existing accounts are brought in line once, here; the Chinese name of a notification's user."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def staff_from_role(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(role="admin", is_staff=False).update(is_staff=True)
    User.objects.exclude(role="admin").filter(is_staff=True).update(is_staff=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_alter_user_managers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notifications",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="is_staff",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Set by the role: administrators (系统管理员) sign in to this admin site; "
                    "other roles do not."
                ),
                verbose_name="staff status",
            ),
        ),
        migrations.RunPython(staff_from_role, migrations.RunPython.noop),
    ]
