"""Monthly updates (月度进展) filed by lead units, with their projects, problems, inputs from
responsible units, attachments and a full history; reporting periods and their deadlines."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reporting.choices import (
    ActionEventKind,
    ActionStatus,
    EventKind,
    ProblemStatus,
    ProblemType,
    ProjectStage,
    ReminderStep,
    UpdateStatus,
)


class CalendarOverride(models.Model):
    """An admin's correction of the working-day calendar, for dates the chinese-calendar
    package does not know yet (next year's holidays are announced each November)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        """What the admin's messages and history call it: 「2027-01-01 节假日（元旦）」,
        「2026-10-10 调休上班」."""
        kind = gettext("make-up working day") if self.is_working_day else gettext("holiday")
        if not self.note:
            return f"{self.date} {kind}"
        return gettext("%(date)s %(kind)s (%(note)s)") % {
            "date": self.date,
            "kind": kind,
            "note": self.note,
        }


class CalendarYear(models.Model):
    """A year whose holidays and make-up working days an administrator declared complete: the
    csv import declares the years it covers, and an administrator who typed the overrides in
    by hand adds the year here. Until then a year the chinese-calendar package does not know
    stays provisional (暂定), however many overrides it has: one holiday typed in is not the
    year's calendar."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    completed_at = models.DateTimeField(_("declared complete at"), auto_now_add=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("declared complete by"),
    )
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("completed calendar year")
        verbose_name_plural = _("completed calendar years")

    def __str__(self) -> str:
        return str(self.year)


class ReportingPeriod(models.Model):
    """A reporting month. Updates for month M are due by `deadline` (default: the 5th working
    day of M+1); after `lock_date` only DRC staff can reopen them. The calendar computes both
    and moves them when it changes (reporting.calendar_io.periods_recompute) until the lock
    date has passed, unless an administrator set them by hand."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    deadline = models.DateField(_("on-time deadline"))
    lock_date = models.DateField(_("lock date"))
    dates_set_by_hand = models.BooleanField(
        _("dates set by an administrator"),
        default=False,
        help_text=_(
            "Ticked when an administrator changes the deadline or the lock date here: the "
            "calendar then never moves this month's dates. Untick it to have them computed "
            "from the working-day calendar again."
        ),
    )

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="unique_period"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="period_month_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(lock_date__gte=models.F("deadline")), name="lock_after_deadline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月"

    def clean(self) -> None:
        # Said here, on the field, rather than as the database constraint's bare "constraint
        # lock_after_deadline is violated" (the constraint is then not checked again).
        if self.deadline and self.lock_date and self.lock_date < self.deadline:
            raise ValidationError(
                {
                    "lock_date": format_lazy(
                        _(
                            "The lock date ({lock_date}) cannot be before the on-time deadline "
                            "({deadline}): after the lock date only the DRC can reopen an "
                            "update, so it must be on or after the deadline."
                        ),
                        lock_date=self.lock_date.isoformat(),
                        deadline=self.deadline.isoformat(),
                    )
                }
            )

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def slug(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @cached_property
    def provisional(self):
        """Which of the deadline and lock date are provisional (暂定): see
        WorkCalendar.provisional. List pages fill it from one calendar; here the overrides are
        read (one query) only when the package does not know a year the dates run into."""
        from reporting.workdays import Provisional, WorkCalendar, package_knows

        if self.dates_set_by_hand or all(
            package_knows(year) for year in range(self.year, self.lock_date.year + 1)
        ):
            return Provisional()
        return WorkCalendar().provisional(self)


class MonthlyUpdate(models.Model):
    """One lead unit's update on one industry for one month."""

    industry = models.ForeignKey(
        "chains.Industry",
        on_delete=models.PROTECT,
        related_name="updates",
        verbose_name=_("industry"),
    )
    unit = models.ForeignKey(
        "chains.Unit", on_delete=models.PROTECT, related_name="updates", verbose_name=_("lead unit")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="updates", verbose_name=_("period")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=UpdateStatus.choices, default=UpdateStatus.DRAFT
    )
    # Optimistic concurrency: every write must name the version it read.
    version = models.PositiveIntegerField(_("version"), default=1)

    progress_organisation = models.TextField(_("Organisational leadership"), blank=True)
    progress_roadmap = models.TextField(_("Industry development roadmap"), blank=True)
    progress_policy = models.TextField(_("Policy"), blank=True)
    progress_platform = models.TextField(_("Platforms and carriers"), blank=True)
    progress_projects = models.TextField(_("Project planning"), blank=True)
    progress_investment = models.TextField(_("Targeted investment attraction"), blank=True)
    projects_signed = models.PositiveIntegerField(_("projects signed"), null=True, blank=True)
    signed_amount = models.DecimalField(
        _("amount signed (100 million yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    suggestions = models.TextField(_("Suggestions"), blank=True)
    next_plan = models.TextField(_("Next month's plan"), blank=True)

    carried_over_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("carried over from"),
    )
    first_submitted_at = models.DateTimeField(
        _("first submitted"), null=True, blank=True, editable=False
    )
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)
    reopened_until = models.DateField(_("reopened until"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("updated by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["-period__year", "-period__month", "industry__position"]
        verbose_name = _("monthly update")
        verbose_name_plural = _("monthly updates")
        constraints = [
            models.UniqueConstraint(
                fields=["industry", "unit", "period"], name="one_update_per_industry_unit_month"
            )
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self) -> str:
        return f"{self.period} {self.industry.name} · {self.unit.name}"


class KeyProject(models.Model):
    update = models.ForeignKey(
        MonthlyUpdate,
        on_delete=models.CASCADE,
        related_name="key_projects",
        verbose_name=_("monthly update"),
    )
    name = models.CharField(_("project"), max_length=200)
    stage = models.CharField(_("stage"), max_length=16, choices=ProjectStage.choices)
    investment = models.DecimalField(
        _("investment (100 million yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    progress = models.TextField(_("progress"), blank=True)
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")

    def __str__(self) -> str:
        return self.name


class Problem(models.Model):
    """A problem raised in an update; those needing it go to the lead official's meeting."""

    update = models.ForeignKey(
        MonthlyUpdate,
        on_delete=models.CASCADE,
        related_name="problems",
        verbose_name=_("monthly update"),
    )
    description = models.TextField(_("problem"))
    type = models.CharField(_("type"), max_length=16, choices=ProblemType.choices)
    concerned = models.CharField(_("enterprise or project concerned"), max_length=200, blank=True)
    needs_meeting = models.BooleanField(_("needs a coordination meeting"), default=False)
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    # Once escalated, a problem belongs to the coordination loop: the unit's later saves of the
    # update leave it alone.
    status = models.CharField(
        _("status"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    meeting = models.ForeignKey(
        "Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda",
        verbose_name=_("coordination meeting"),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")

    def __str__(self) -> str:
        return self.description[:40]


class Contribution(models.Model):
    """Input (素材) a responsible unit adds to the lead unit's update."""

    update = models.ForeignKey(
        MonthlyUpdate,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("monthly update"),
    )
    unit = models.ForeignKey(
        "chains.Unit",
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("responsible unit"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("input"))
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("input from a responsible unit")
        verbose_name_plural = _("inputs from responsible units")

    def __str__(self) -> str:
        return f"{self.unit.name}: {self.text[:30]}"


def attachment_path(instance, filename):
    # The stored name is not the user's: it carries no path or script tricks.
    return f"attachments/{instance.update.period.slug}/{instance.update_id}/{instance.sha256[:16]}{instance.extension}"


class Attachment(models.Model):
    update = models.ForeignKey(
        MonthlyUpdate,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("monthly update"),
    )
    file = models.FileField(upload_to=attachment_path, verbose_name=_("file"))
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
    removed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("removed at"))

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class UpdateEvent(models.Model):
    """The history of an update: one row per write, with who, when and the whole content as
    it stood afterwards (or, for a refused concurrent save, the text that was refused)."""

    update = models.ForeignKey(
        MonthlyUpdate,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("monthly update"),
    )
    kind = models.CharField(_("event"), max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=16, choices=UpdateStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    section_reasons = models.JSONField(_("reasons by section"), default=dict, blank=True)
    snapshot = models.JSONField(default=dict, verbose_name=_("content snapshot"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("update history entry")
        verbose_name_plural = _("update history")
        indexes = [models.Index(fields=["update", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class Reminder(models.Model):
    """A reminder sent. Its key (period, industry, unit, step) is unique, which makes sending
    idempotent: a step is never sent twice, however often the task runs."""

    key = models.CharField(max_length=160, unique=True, verbose_name=_("key"))
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="+", verbose_name=_("period")
    )
    step = models.CharField(
        max_length=16, choices=ReminderStep.choices, verbose_name=_("reminder step")
    )
    recipients = models.PositiveIntegerField(default=0, verbose_name=_("recipients"))
    sent_at = models.DateTimeField(auto_now_add=True, verbose_name=_("sent at"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return self.key


class OutboxMessage(models.Model):
    """Follow-up work recorded in the same transaction as the write that causes it, then
    handed to Celery; a periodic relay retries what the broker did not take."""

    task = models.CharField(max_length=100, verbose_name=_("task"))
    payload = models.JSONField(default=dict, verbose_name=_("payload"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    dispatched_at = models.DateTimeField(null=True, blank=True, verbose_name=_("dispatched at"))
    processed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("processed at"))
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))

    class Meta:
        indexes = [models.Index(fields=["processed_at", "dispatched_at"])]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"


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
    minutes = models.TextField(_("minutes"), blank=True)
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
    """A decision of a meeting, tracked until closed (督办事项)."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
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
        verbose_name=_("responsible unit"),
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=24, choices=ActionStatus.choices, default=ActionStatus.IN_PROGRESS
    )
    requested_deadline = models.DateField(_("deadline asked for"), null=True, blank=True)
    evidence = models.TextField(_("evidence of completion"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return self.decision[:40]


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
