"""Admin page of the units' group robots (企业微信 / 钉钉)."""

from django import forms
from django.contrib import admin

from accounts.choices import NoticeKind
from reporting.notices.models import UnitWebhook
from reporting.notices.services import check_webhook_url


class UnitWebhookForm(forms.ModelForm):
    url = forms.URLField(
        label=UnitWebhook._meta.get_field("url").verbose_name, max_length=500, assume_scheme="https"
    )
    kinds = forms.MultipleChoiceField(
        choices=NoticeKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=UnitWebhook._meta.get_field("kinds").verbose_name,
        help_text=UnitWebhook._meta.get_field("kinds").help_text,
    )

    class Meta:
        model = UnitWebhook
        fields = ("unit", "provider", "url", "kinds", "is_active")

    def clean_url(self):
        url = self.cleaned_data["url"]
        check_webhook_url(url)
        return url


@admin.register(UnitWebhook)
class UnitWebhookAdmin(admin.ModelAdmin):
    """A unit's group robot receives the notices its staff receive, of the kinds ticked (none
    ticked: all). Posts go through the outbox and are retried until the robot takes them."""

    form = UnitWebhookForm
    list_display = ("unit", "provider", "is_active", "created_at")
    list_filter = ("provider", "is_active")
    autocomplete_fields = ("unit",)

    def has_delete_permission(self, request, obj=None):
        return False  # switched off (is_active), never deleted: the record of where notices went
