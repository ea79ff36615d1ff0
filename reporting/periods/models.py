"""Reporting months and the working-day calendar admins correct: each month's on-time deadline
and lock date, computed from the holidays and 调休 unless an administrator set them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reporting.periods.workdays import Provisional, WorkCalendar, package_knows


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
    day of M+1); after `lock_date` only DRC staff can reopen them. The statistics bureau's
    analysis of the month is due by `analysis_deadline` (default: the 8th working day of M+1).
    The calendar computes all three and moves them when it changes
    (reporting.periods.calendar_io.periods_recompute) until the lock date has passed, unless an
    administrator set them by hand."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    deadline = models.DateField(_("on-time deadline"))
    lock_date = models.DateField(_("lock date"))
    # Blank: the calendar's (filled in on save, for callers that give only the units' dates).
    analysis_deadline = models.DateField(
        _("statistics analysis deadline"),
        blank=True,
        help_text=_(
            "The day the statistics bureau's analysis of the month is due: a working day of the "
            "next month. Leave it blank for the calendar's default."
        ),
    )
    dates_set_by_hand = models.BooleanField(
        _("dates set by an administrator"),
        default=False,
        help_text=_(
            "Ticked when an administrator changes the deadline, the lock date or the statistics "
            "analysis deadline here: the "
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

    def save(self, *args, **kwargs):
        if self.analysis_deadline is None:
            # Periods created with the units' dates only (tests, older callers): the calendar's.
            self.analysis_deadline = WorkCalendar().analysis_deadline(self.year, self.month)
        super().save(*args, **kwargs)

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
        if self.analysis_deadline and self.year and self.month:
            if self.analysis_deadline <= self.last_day:
                raise ValidationError(
                    {
                        "analysis_deadline": format_lazy(
                            _(
                                "The statistics analysis deadline ({deadline}) must fall after "
                                "the month it analyses: the month's figures are only known "
                                "after it ends."
                            ),
                            deadline=self.analysis_deadline.isoformat(),
                        )
                    }
                )

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def last_day(self) -> datetime.date:
        following = datetime.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return following - datetime.timedelta(days=1)

    @property
    def slug(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @cached_property
    def provisional(self):
        """Which of the deadline and lock date are provisional (暂定): see
        WorkCalendar.provisional. List pages fill it from one calendar; here the overrides are
        read (one query) only when the package does not know a year the dates run into."""
        if self.dates_set_by_hand or all(
            package_knows(year)
            for year in range(self.year, max(self.lock_date, self.analysis_deadline).year + 1)
        ):
            return Provisional()
        return WorkCalendar().provisional(self)
