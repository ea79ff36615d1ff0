"""The supervision loop (协调督办): coordination meetings of an industry's lead official, the
supervised items (督办事项) they decide or the DRC assigns, each item's history and files."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.choices import ActionEventKind, ActionSource, ActionStatus, ChaseStep
from reporting.updates.models import Problem


class Meeting(models.Model):
    """A coordination meeting (协调会) of an industry's lead official, with its agenda of
    escalated problems, its minutes and the decisions it tracks as action items."""

    industry = models.ForeignKey(
        "chains.Industry",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("industry"),
    )
    chair = models.ForeignKey(
        "chains.Official",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("chair"),
    )
    date = models.DateField(_("date"))
    attending_units = models.ManyToManyField(
        "chains.Unit", related_name="meetings", blank=True, verbose_name=_("attending units")
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    # When the minutes (纪要) and their decisions were recorded: until then, scheduled.
    minutes_recorded_at = models.DateTimeField(_("minutes recorded"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("coordination meeting")
        verbose_name_plural = _("coordination meetings")

    def __str__(self) -> str:
        return f"{self.date} {self.industry.name}协调会"


class ActionItem(models.Model):
    """A supervised item (督办事项): assigned (交办) by the DRC from a problem, by a meeting's
    decision or from a leader's instruction to a host unit (主办) and any co-units (协办),
    then acknowledged (签收), worked on (办理), reported done (反馈), reviewed by the DRC (复核)
    and closed (办结). Never deleted: cancelled or merged into another item instead."""

    industry = models.ForeignKey(
        "chains.Industry",
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("industry"),
    )
    source = models.CharField(
        _("source"), max_length=16, choices=ActionSource.choices, default=ActionSource.MEETING
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("coordination meeting"),
    )
    problem = models.ForeignKey(
        Problem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("originating problem"),
    )
    decision = models.TextField(_("decision"))
    unit = models.ForeignKey(
        "chains.Unit",
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("host unit"),
    )
    co_units = models.ManyToManyField(
        "chains.Unit", related_name="co_action_items", blank=True, verbose_name=_("co-units")
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=24, choices=ActionStatus.choices, default=ActionStatus.ASSIGNED
    )
    # An extension asked for and not yet decided (the decision clears it; the history keeps it).
    requested_deadline = models.DateField(_("deadline asked for"), null=True, blank=True)
    evidence = models.TextField(_("evidence of completion"), blank=True)
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported done"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    instruction = models.ForeignKey(
        "Instruction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("instruction (批示)"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["status", "deadline"]),
        ]

    def __str__(self) -> str:
        return self.decision[:40]

    @property
    def is_open(self) -> bool:
        return self.status in ActionStatus.open_values()


def action_file_path(instance, filename):
    # The stored name is not the user's: it carries no path or script tricks.
    return f"actions/{instance.action_id}/{instance.sha256[:16]}{instance.extension}"


class ActionEvent(models.Model):
    """Who did what to an action item, and when: nothing in the loop happens without a trace."""

    action = models.ForeignKey(
        ActionItem, on_delete=models.PROTECT, related_name="events", verbose_name=_("action item")
    )
    kind = models.CharField(max_length=24, choices=ActionEventKind.choices, verbose_name=_("event"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("time"))
    text = models.TextField(blank=True, verbose_name=_("text"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("action item history entry")
        verbose_name_plural = _("action item history")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class ActionFile(models.Model):
    """A file given with a history entry: progress material or evidence of completion
    (佐证材料). Kept for the record: never replaced or deleted."""

    action = models.ForeignKey(
        ActionItem, on_delete=models.PROTECT, related_name="files", verbose_name=_("action item")
    )
    event = models.ForeignKey(
        ActionEvent, on_delete=models.PROTECT, related_name="files", verbose_name=_("history entry")
    )
    file = models.FileField(upload_to=action_file_path, max_length=200, verbose_name=_("file"))
    name = models.CharField(_("file name"), max_length=200)
    extension = models.CharField(max_length=8, verbose_name=_("file extension"))
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(max_length=100, verbose_name=_("file type"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256 checksum"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("action item file")
        verbose_name_plural = _("action item files")

    def __str__(self) -> str:
        return self.name


class SupervisionRules(models.Model):
    """The chasing rules (催办规则), kept by administrators in the admin: one row. Counted in
    working days on the Chinese calendar (holidays and make-up days, 调休)."""

    acknowledge_working_days = models.PositiveSmallIntegerField(
        _("working days to acknowledge an item"), default=2
    )
    before_working_days = models.PositiveSmallIntegerField(
        _("working days before the deadline to remind"), default=3
    )
    escalate_after_working_days = models.PositiveSmallIntegerField(
        _("working days overdue before escalating"),
        default=5,
        help_text=_("Then the DRC and the lead official's office are told."),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("chasing rules")
        verbose_name_plural = _("chasing rules")

    def __str__(self) -> str:
        return str(_("chasing rules"))

    @classmethod
    def current(cls) -> "SupervisionRules":
        """The rules in force: the row the administrators keep, else the defaults."""
        return cls.objects.order_by("pk").first() or cls()


class ActionChase(models.Model):
    """A chase (催办) of an item, recorded on it. An automatic chase has a unique key (the item,
    the step and the deadline it chased), so a task run twice sends nothing twice; an extended
    deadline starts its steps afresh. A manual one (the DRC's) has its author and message."""

    action = models.ForeignKey(
        ActionItem, on_delete=models.PROTECT, related_name="chases", verbose_name=_("action item")
    )
    step = models.CharField(_("chase"), max_length=16, choices=ChaseStep.choices)
    key = models.CharField(max_length=100, blank=True, editable=False, verbose_name=_("key"))
    text = models.CharField(_("message"), max_length=300)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("chase")
        verbose_name_plural = _("chases")
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="chase_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.sent_at:%Y-%m-%d}"


class Instruction(models.Model):
    """A city leader's (or the DRC's) instruction (批示) on a problem, a monthly update, an item
    or a final report: the units concerned are told, and the DRC can make it an item."""

    TARGETS = ("problem", "update", "action", "report")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="instructions",
        verbose_name=_("written by"),
    )
    text = models.TextField(_("instruction"))
    problem = models.ForeignKey(
        Problem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name=_("problem"),
    )
    update = models.ForeignKey(
        "MonthlyUpdate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name=_("monthly update"),
    )
    action = models.ForeignKey(
        ActionItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name=_("action item"),
    )
    report = models.ForeignKey(
        "Report",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name=_("report"),
    )
    # The target's industry; none for a city-wide report.
    industry = models.ForeignKey(
        "chains.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name=_("industry"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("written"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("instruction (批示)")
        verbose_name_plural = _("instructions (批示)")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    problem__isnull=False,
                    update__isnull=True,
                    action__isnull=True,
                    report__isnull=True,
                )
                | models.Q(
                    problem__isnull=True,
                    update__isnull=False,
                    action__isnull=True,
                    report__isnull=True,
                )
                | models.Q(
                    problem__isnull=True,
                    update__isnull=True,
                    action__isnull=False,
                    report__isnull=True,
                )
                | models.Q(
                    problem__isnull=True,
                    update__isnull=True,
                    action__isnull=True,
                    report__isnull=False,
                ),
                name="instruction_has_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def target(self):
        return self.problem or self.update or self.action or self.report
