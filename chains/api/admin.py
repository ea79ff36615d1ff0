"""Admin pages of the API: client systems (each with its service account), tokens issued to
them (the plain token shown once, on the page that answers the issue, and never stored), revoked
but never deleted, and the record of calls (read-only)."""

import datetime

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chains.api import services
from chains.api.models import ApiCall, ApiClient, ApiToken


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "unit", "service_user", "is_active", "created_at")
    list_filter = ("is_active",)
    list_select_related = ("unit", "service_user")
    search_fields = ("name", "code", "contact")
    fields = ("code", "name", "unit", "contact", "is_active", "service_user")
    readonly_fields = ("service_user",)

    def get_readonly_fields(self, request, obj=None):
        # The code names the service account: fixed once the client exists.
        return ("code", "service_user") if obj else ("service_user",)

    def save_model(self, request, obj, form, change):
        if change:
            services.api_client_update(client=obj)
            return
        client = services.api_client_create(
            code=obj.code, name=obj.name, unit=obj.unit, contact=obj.contact
        )
        if not obj.is_active:
            client.is_active = False
            services.api_client_update(client=client)
        obj.pk, obj.service_user = client.pk, client.service_user
        obj.created_at = client.created_at
        obj._state.adding = False

    def has_delete_permission(self, request, obj=None):
        return False


class TokenState(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("good", _("In force")), ("expired", _("Expired")), ("revoked", _("Revoked"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "good":
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "prefix",
        "client",
        "scope",
        "state",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    list_filter = (TokenState, "scope", "client")
    list_select_related = ("client__service_user", "created_by")
    search_fields = ("prefix", "note", "client__name")
    actions = ["revoke_tokens"]
    issued_template = "admin/chains/apitoken/issued.html"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("client", "scope", "expires_at", "note")
        return (
            "client",
            "scope",
            "prefix",
            "note",
            "created_by",
            "created_at",
            "expires_at",
            "revoked_at",
            "revoked_by",
            "last_used_at",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # Issued is issued: a token's client, scope and expiry never change (issue another).
        return [f for f in self.get_fields(request, obj) if f != "note"]

    def get_changeform_initial_data(self, request):
        return {
            "expires_at": timezone.now() + datetime.timedelta(days=365),
            **super().get_changeform_initial_data(request),
        }

    @admin.display(description=_("state"))
    def state(self, obj):
        return obj.refusal() or "有效"

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["note"])
            return
        token, plain = services.api_token_issue(
            client=obj.client,
            scope=obj.scope,
            expires_at=obj.expires_at,
            created_by=request.user,
            note=obj.note,
        )
        for field in ApiToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(token, field.attname))
        obj._state.adding = False
        request._issued_token = plain

    def response_add(self, request, obj, post_url_continue=None):
        # The plain token goes into this page only: not into a message (kept in a cookie or the
        # session until shown), a log or the database.
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "token": obj,
            "plain": request._issued_token,
            "title": _("Token issued"),
        }
        response = TemplateResponse(request, self.issued_template, context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_tokens(self, request, queryset):
        revoked = sum(services.api_token_revoke(token=t, user=request.user) for t in queryset)
        messages.success(request, f"已吊销 {revoked} 个令牌；此后使用它们的调用一律拒绝。")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiCall)
class ApiCallAdmin(admin.ModelAdmin):
    list_display = ("at", "token", "method", "path", "status", "ip", "duration_ms", "error")
    list_filter = ("status", "method", "token__client")
    list_select_related = ("token__client",)
    search_fields = ("path", "ip", "error", "token__prefix")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
