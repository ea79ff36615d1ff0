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
    # 市主要领导: hear the system's progress every year; read everything, lead no industry.
    MAIN_LEADER = "main_leader", _("Principal city leader")
    # 市招商办: guides targeted investment attraction (精准招商) with lead units and districts.
    INVESTMENT = "investment", _("Investment promotion office")
    ADMIN = "admin", _("Administrator")

    @classmethod
    def with_unit(cls) -> list[str]:
        """The roles of a unit's staff: the account needs its unit."""
        return [cls.UNIT_STAFF, cls.DRC, cls.STATISTICS, cls.INVESTMENT]


class Action(models.TextChoices):
    """What a user wants to do with an industry."""

    VIEW = "view", _("view")
    FILE = "file", _("file updates")
    CONTRIBUTE = "contribute", _("contribute inputs")


class NoticeKind(models.TextChoices):
    """What a notification is about: each user chooses, per kind, how it reaches them."""

    REMINDER = "reminder", _("Reporting reminders")
    REVIEW = "review", _("Reviews of updates")
    SUPERVISION = "supervision", _("Supervised items (督办事项)")
    CHASE = "chase", _("Chases (催办)")
    INSTRUCTION = "instruction", _("Instructions (批示)")
    COMMENT = "comment", _("Comments and mentions")
    REPORT = "report", _("Reports")
    ANALYSIS = "analysis", _("Statistics analysis")
    LEAD = "lead", _("Investment leads and projects")
    OTHER = "other", _("Other notices")
