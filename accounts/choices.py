from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user is in the portal.

    Whether a unit's staff member is lead-unit or responsible-unit staff depends on the
    industry (市工信局 leads 电子信息 and supports 生物医药), so it is read from the matrix,
    not stored here.
    """

    UNIT_STAFF = "unit_staff", _("Unit staff")
    DRC = "drc", _("DRC staff")
    STATISTICS = "statistics", _("Statistics staff")
    LEADER = "leader", _("City leader")
    ADMIN = "admin", _("Administrator")


class Action(models.TextChoices):
    """What a user wants to do with an industry."""

    VIEW = "view", _("view")
    FILE = "file", _("file updates")
    CONTRIBUTE = "contribute", _("contribute inputs")
