"""Third-party apps under Chinese names: the admin's index and its permission lists name an
app by its AppConfig's verbose_name, which django-axes ("Axes") and django-guardian
("Guardian") leave in English. INSTALLED_APPS names these configs instead of the apps."""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.apps import GuardianConfig as GuardianAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login security")

    def ready(self):
        super().ready()
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        # axes names its records in English ("Access Log for gxj @ 2026-…"), and the admin
        # shows those names in titles, breadcrumbs and the history: name them in Chinese.
        AccessAttempt.__str__ = _named("登录尝试")
        AccessLog.__str__ = _named("登录记录")
        AccessFailureLog.__str__ = _named("登录失败")


def _named(kind: str):
    def __str__(record) -> str:
        when = record.attempt_time
        when = f"{timezone.localtime(when):%Y-%m-%d %H:%M:%S}" if when else "—"
        locked = "（已锁定）" if getattr(record, "locked_out", False) else ""
        return f"{kind}{locked}：{record.username or '—'} · {when}"

    return __str__


class GuardianConfig(GuardianAppConfig):
    verbose_name = _("Object permissions")

    def ready(self):
        super().ready()
        from guardian.models import GroupObjectPermission, UserObjectPermission

        # guardian's generic tables (unused: the portal's are chains.Industry*ObjectPermission)
        # take Django's default names, made from the class name, which no catalogue
        # translates; the permission lists of groups and users show them. Only the names
        # change: Meta as declared, and so the migrations, stay guardian's.
        for model, name, plural in (
            (UserObjectPermission, _("user object permission"), _("user object permissions")),
            (GroupObjectPermission, _("group object permission"), _("group object permissions")),
        ):
            model._meta.verbose_name = name
            model._meta.verbose_name_plural = plural


class PortalConfig(AppConfig):
    """The portal's own tables below chains and reporting: the topics' versions
    (portal.dataversion) and the database layer of the pages' cache (portal.cache)."""

    name = "portal"
    verbose_name = _("Portal")
