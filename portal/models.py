from django.db import models
from django.utils.translation import gettext_lazy as _


class TopicVersion(models.Model):
    """The version of one topic of cached pages (portal.dataversion), bumped in the writer's
    transaction: the truth that Redis mirrors, so an emptied or restarted Redis takes the
    versions back from here and the parts stored under them stay valid. A topic never bumped
    has no row (version 0)."""

    name = models.CharField(_("topic"), max_length=100, primary_key=True)
    version = models.BigIntegerField(_("version"))

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")
        default_permissions = ()  # written by the portal itself, never by hand

    def __str__(self) -> str:
        return f"{self.name}={self.version}"
