"""The reporting app's admin pages, one module per feature (Django looks for `<app>.admin`)."""

from reporting.analysis import admin as analysis_admin
from reporting.assessment import admin as assessment_admin
from reporting.notices import admin as notices_admin
from reporting.outbox import admin as outbox_admin
from reporting.periods import admin as periods_admin
from reporting.plans import admin as plans_admin
from reporting.supervision import admin as supervision_admin
from reporting.updates import admin as updates_admin

__all__ = [
    "analysis_admin",
    "assessment_admin",
    "notices_admin",
    "outbox_admin",
    "periods_admin",
    "plans_admin",
    "supervision_admin",
    "updates_admin",
]
