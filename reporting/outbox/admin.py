"""Admin page of the outbox: the follow-up work waiting for Celery, read-only."""

from django.contrib import admin

from reporting.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("task", "created_at", "dispatched_at", "processed_at", "attempts", "last_error")
    list_filter = ("task",)
    readonly_fields = (
        "task",
        "payload",
        "created_at",
        "dispatched_at",
        "processed_at",
        "attempts",
        "last_error",
    )

    # The outbox is the record of what was (or is still to be) sent: read-only, so that no
    # row is edited or deleted by hand (a deleted row would be a lost notification or job).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
