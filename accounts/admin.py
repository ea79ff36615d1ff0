from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import (
    OFFICIAL_GROUP_PREFIX,
    UNIT_GROUP_PREFIX,
    is_managed_group,
    managed_groups_q,
)
from accounts.services import user_groups_sync

# --- permissions, named in Chinese -----------------------------------------------------------

# Django stores the names of the add/change/delete/view permissions in English ("Can add
# enterprise figure") when it creates them, so the pickers of groups and users showed them so.
ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, permission: Permission) -> str:
        model = permission.content_type.model_class()
        action, _sep, model_name = permission.codename.partition("_")
        if model is not None and action in ACTIONS and model_name == model._meta.model_name:
            name = ACTIONS[action] % {"model": model._meta.verbose_name}
        else:
            # The portal's own permissions are declared with gettext_lazy (chains.Industry).
            name = gettext(permission.name)
        return f"{permission.content_type} | {name}"


def permission_formfield(db_field, kwargs):
    kwargs["form_class"] = PermissionChoiceField
    kwargs.setdefault("queryset", Permission.objects.select_related("content_type"))
    return kwargs


# --- groups: the matrix's are shown, never edited or deleted by hand ---------------------------

MANAGED = (
    "组“{name}”由责任分工管理：其成员和产业对象权限按责任分工自动重新同步（修改分工、单位或"
    "牵头市领导时即同步，每日也核对一次），不能在此修改或删除。如需调整，请修改责任分工或用户的单位。"
)


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ("name", "permissions")

    def clean_name(self):
        name = self.cleaned_data["name"]
        if name.startswith((UNIT_GROUP_PREFIX, OFFICIAL_GROUP_PREFIX)):
            raise ValidationError(
                f"以“{UNIT_GROUP_PREFIX}”或“{OFFICIAL_GROUP_PREFIX}”开头的组名留给由责任分工管理的"
                "单位和牵头市领导的组，请换一个名称。"
            )
        return name


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Each unit and each lead city official has a group (unit:gxj, official:huangxiaozhou)
    holding its industry object permissions, kept in step with the matrix by
    chains.matrix.permissions.permissions_sync. Those are read-only here: a deleted group took its
    unit's permissions with it until the next change to the matrix."""

    form = GroupForm
    list_display = ("name", "source")
    actions = ["delete_selected"]

    @admin.display(description=_("managed by"))
    def source(self, obj):
        return gettext("The responsibility matrix") if is_managed_group(obj) else "—"

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions":
            kwargs = permission_formfield(db_field, kwargs)
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and is_managed_group(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and is_managed_group(obj):
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and is_managed_group(obj) and request.method == "GET":
            messages.warning(request, MANAGED.format(name=obj.name))
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and is_managed_group(obj):
            messages.error(request, MANAGED.format(name=obj.name))
            return redirect("admin:auth_group_change", obj.pk)
        return super().delete_view(request, object_id, extra_context)

    @admin.action(
        permissions=["delete"],
        description=admin_actions.delete_selected.short_description,
    )
    def delete_selected(self, request, queryset):
        managed = list(queryset.filter(managed_groups_q()).values_list("name", flat=True))
        if managed:
            messages.error(request, MANAGED.format(name="、".join(managed)))
            return None
        return admin_actions.delete_selected(self, request, queryset)


# --- users -------------------------------------------------------------------------------------


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "unit", "official", "is_active")
    list_filter = ("role", "unit__kind", "is_active", "is_demo")
    list_select_related = ("unit", "official")
    # Staff status follows the role (User.save): shown, with the reason, not asked for.
    readonly_fields = ("is_staff",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Portal"), {"fields": ("role", "unit", "official")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Portal"), {"fields": ("role", "unit", "official")}),
    )

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "user_permissions":
            kwargs = permission_formfield(db_field, kwargs)
        if db_field.name == "groups":
            # A user's unit and official groups follow the account's unit and official.
            kwargs["queryset"] = Group.objects.exclude(managed_groups_q())
            kwargs["help_text"] = _(
                "Other groups the user belongs to. The groups of the user's unit and lead "
                "city official follow the unit and official above and are not listed here."
            )
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)

    def save_related(self, request, form, formsets, change):
        # The form sets the groups it lists, which dropped the unit's group that saving the
        # user had just put it in (and kept the old unit's, when the unit changed).
        super().save_related(request, form, formsets, change)
        user_groups_sync(form.instance)


# --- django-axes: its columns and messages in Chinese -------------------------------------------

if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)

    @admin.register(AccessAttempt)
    class LoginAttemptAdmin(AccessAttemptAdmin):
        @admin.action(description=_("Clean up expired attempts"))
        def cleanup_expired_attempts(self, request, queryset):
            count = self.handler.clean_expired_user_attempts(request=request)
            self.message_user(request, f"已清理 {count} 条过期的登录尝试。")

        @admin.display(description=_("Expires At"))
        def expiration(self, obj):
            return super().expiration(obj)

        @admin.display(description=_("status"))
        def status(self, obj):
            remaining = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
            return f"还可尝试 {remaining} 次" if remaining > 0 else gettext("Locked Out")
