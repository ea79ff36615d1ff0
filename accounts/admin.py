from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "unit", "official", "is_active")
    list_filter = ("role", "unit__kind", "is_active", "is_demo")
    list_select_related = ("unit", "official")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Portal"), {"fields": ("role", "unit", "official")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Portal"), {"fields": ("role", "unit", "official")}),
    )
