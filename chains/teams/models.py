"""Work teams (工作班子): each lead unit forms one with the responsible units of its industry
(各产业牵头单位要会同有关责任单位组建工作班子). The roster names, per unit, the leader in charge
and the contact, with their phones and — when they have one — their portal account, so that
notices and reminders reach the right people rather than everyone in a unit."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chains.matrix.models import Industry, Unit


class TeamRole(models.TextChoices):
    LEADER = "leader", _("Leader in charge")
    CONTACT = "contact", _("Contact person")


class TeamMember(models.Model):
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="team", verbose_name=_("industry")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="team_members", verbose_name=_("unit")
    )
    role = models.CharField(_("part in the team"), max_length=12, choices=TeamRole.choices)
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_memberships",
        verbose_name=_("portal account"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    removed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("removed at"))
    is_demo = models.BooleanField(default=False, editable=False, verbose_name=_("demo data"))

    class Meta:
        ordering = ["industry__position", "position", "id"]
        verbose_name = _("work team member")
        verbose_name_plural = _("work team members")
        indexes = [models.Index(fields=["industry", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.name}"


class TeamChange(models.Model):
    """One save of an industry's roster: who, when, and the roster as it then stood."""

    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="team_changes", verbose_name=_("industry")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    summary = models.TextField(_("what changed"))
    roster = models.JSONField(_("the roster after the change"), default=list)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("work team change")
        verbose_name_plural = _("work team changes")

    def __str__(self) -> str:
        return f"{self.industry.name} · {self.at:%Y-%m-%d}"
