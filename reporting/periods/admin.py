"""Admin pages of the reporting calendar: the months with their deadlines and lock dates, the
working-day overrides (调休) with their csv import, and the years declared complete."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.months import next_month
from reporting.models import (
    CalendarOverride,
    CalendarYear,
    ReportingPeriod,
)
from reporting.periods import calendar_io, services
from reporting.periods.workdays import WorkCalendar, first_unknown_year


class CalendarImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns date, kind (holiday or workday) and an optional note, one row per date; "
            "UTF-8 or GB18030."
        ),
    )
    # The administrator's word, not a guess from the rows: a one-line correction, or a 2027
    # file holding 2028-01-01, is not a year's calendar.
    whole_years = forms.BooleanField(
        label=_(
            "The file holds the whole year's announced holidays (the year is then no longer "
            "marked provisional)"
        ),
        required=False,
        help_text=format_lazy(
            _(
                "Ticked, the years in the file that chinese-calendar does not know ({year} and "
                "later) are declared complete; unticked, only the dates are imported and those "
                "years stay provisional. Leave it unticked for a correction of a few dates."
            ),
            year=first_unknown_year(),
        ),
    )

    def clean_file(self):
        # Refused on the size the upload reports, before a byte of it is read into memory.
        upload = self.cleaned_data["file"]
        if upload.size > calendar_io.MAX_BYTES:
            raise forms.ValidationError(calendar_io.TOO_LARGE)
        return upload


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Holidays and make-up working days the chinese-calendar package does not know yet. Any
    change moves the deadlines the calendar computed for the years it touches (never a date
    an administrator set on 报送期次)."""

    list_display = ("date", "is_working_day", "note")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
    change_list_template = "admin/reporting/calendaroverride/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [
            path("import/", view, name="reporting_calendaroverride_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = CalendarImportForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            try:
                upload = form.cleaned_data["file"]
                rows = calendar_io.parse_csv(upload.read())
                result = calendar_io.calendar_overrides_import(
                    rows=rows,
                    whole_years=form.cleaned_data["whole_years"],
                    user=request.user,
                    source=upload.name,
                )
            except calendar_io.CalendarFileError as exc:
                errors = exc.errors
            else:
                _report_import(request, result)
                return redirect("admin:reporting_calendaroverride_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import calendar overrides"),
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/reporting/calendaroverride/import.html", context)

    # Each change and the recompute it causes are one transaction: the admin's bulk "delete
    # selected" action is not atomic of itself, and a recompute that failed after the delete
    # had been committed left the deadlines where the deleted holidays had put them.
    def save_model(self, request, obj, form, change):
        kind = "调休上班" if obj.is_working_day else "节假日"
        if change:
            was = form.initial.get("date")
            what = f"修改 {obj.date:%Y-%m-%d}" + (
                f"（原 {was:%Y-%m-%d}）" if was != obj.date else ""
            )
        else:
            what = f"新增 {obj.date:%Y-%m-%d}"
        with transaction.atomic():
            before = WorkCalendar()
            super().save_model(request, obj, form, change)
            recomputed = calendar_io.periods_recompute(
                user=request.user, reason=f"日历调整：{what}（{kind}）", before=before
            )
        _report_moved(request, recomputed)
        for year in WorkCalendar().years_unknown({obj.date.year}):
            messages.warning(request, _not_complete_message(year))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            before = WorkCalendar()
            days = "、".join(f"{d:%Y-%m-%d}" for d in queryset.values_list("date", flat=True))
            super().delete_queryset(request, queryset)
            recomputed = calendar_io.periods_recompute(
                user=request.user, reason=f"日历调整：删除 {days}", before=before
            )
        _report_moved(request, recomputed)

    def delete_model(self, request, obj):
        with transaction.atomic():
            before = WorkCalendar()
            super().delete_model(request, obj)
            recomputed = calendar_io.periods_recompute(
                user=request.user, reason=f"日历调整：删除 {obj.date:%Y-%m-%d}", before=before
            )
        _report_moved(request, recomputed)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """The years whose calendar an administrator declared complete: the csv import adds the
    years it covers that the package does not know when the administrator ticks that the file
    is their whole calendar; add a year here after typing its overrides in by hand. Deleting
    a year makes its deadlines provisional (暂定) again."""

    list_display = ("year", "completed_at", "completed_by", "note")
    readonly_fields = ("completed_at", "completed_by")

    def get_fields(self, request, obj=None):
        return ("year", "note") if obj is None else ("year", "note", *self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("year", *self.readonly_fields)

    def get_form(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = {
            "year": _(
                "Add a year once all its holidays and make-up working days are entered under "
                "calendar overrides: its deadlines are then no longer marked provisional."
            )
        }
        return super().get_form(request, obj, **kwargs)

    # Declaring a year complete (or taking it back) changes no working day, only what is
    # marked provisional; it is a change of the calendar all the same, and runs the one
    # recompute every change runs, which also brings in line dates computed before a newer
    # chinese-calendar came with the year.
    def save_model(self, request, obj, form, change):
        if change:  # only the note
            super().save_model(request, obj, form, change)
            return
        with transaction.atomic():
            before = WorkCalendar()
            record = calendar_io.calendar_year_complete(
                year=obj.year, user=request.user, note=obj.note
            )
            recomputed = calendar_io.periods_recompute(
                user=request.user, reason=f"已完整录入的日历年份：新增 {obj.year} 年", before=before
            )
        obj.pk = record.pk  # the admin's log entry and its redirect need the saved row
        _report_moved(request, recomputed)

    def delete_model(self, request, obj):
        self.delete_queryset(request, CalendarYear.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            before = WorkCalendar()
            years = "、".join(str(y) for y in queryset.values_list("year", flat=True))
            super().delete_queryset(request, queryset)
            recomputed = calendar_io.periods_recompute(
                user=request.user, reason=f"已完整录入的日历年份：删除 {years} 年", before=before
            )
        _report_moved(request, recomputed)


def _not_complete_message(year: int) -> str:
    return format_html(
        "{} 年尚未标为已完整录入：该年的截止日期和锁定日期仍标为“暂定”。录入该年全部法定节假日和"
        '调休后，请在<a href="{}">已完整录入的日历年份</a>中增加 {} 年。',
        year,
        reverse("admin:reporting_calendaryear_add"),
        year,
    )


def _report_moved(request, recomputed: calendar_io.Recomputed) -> None:
    """What the calendar change moved (each period's history has it too), which dates it
    would have moved but stay (a deadline already passed, a date that would fall before
    today), and which periods it would have moved but an administrator had set by hand."""
    if recomputed.moved:
        messages.info(
            request,
            f"按调整后的日历重新计算了 {len(recomputed.moved)} 个报送期次的日期："
            + "；".join(move.summary() for move in recomputed.moved)
            + "。各期次的“历史”中有记录。",
        )
    if recomputed.kept_dates:
        messages.warning(
            request,
            "以下日期未随日历调整，保留原日期："
            + "；".join(kept.summary() for kept in recomputed.kept_dates)
            + "。",
        )
    if recomputed.kept:
        messages.warning(
            request,
            "以下期次的日期由管理员设定，未随日历调整："
            + "；".join(move.kept_summary() for move in recomputed.kept)
            + "。如需按日历计算，请在“报送期次”中取消勾选“日期由管理员设定”。",
        )


def _report_import(request, result: calendar_io.CalendarImportResult) -> None:
    years = "、".join(map(str, result.years))
    messages.success(
        request,
        f"已导入 {years} 年的日历调整：新增 {result.added} 条，更新 {result.changed} 条，"
        f"未变 {result.unchanged} 条。"
        + (
            f"{'、'.join(map(str, result.declared))} 年已标为已完整录入，"
            "这些年份的截止日期和锁定日期不再标为“暂定”。"
            if result.declared
            else ""
        ),
    )
    _report_moved(
        request,
        calendar_io.Recomputed(moved=result.moved, kept=result.kept, kept_dates=result.kept_dates),
    )
    for year in WorkCalendar().years_unknown(result.years):
        messages.warning(request, _not_complete_message(year))


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    """Deadlines and lock dates: computed from the working-day calendar when a month opens and
    moved with it until the lock date; dates set here are the administrator's and are never
    recomputed, until the administrator unticks 日期由管理员设定."""

    list_display = (
        "__str__",
        "deadline",
        "lock_date",
        "analysis_deadline",
        "dates_set_by_hand",
        "provisional_dates",
    )
    list_filter = ("dates_set_by_hand",)
    fields = ("year", "month", "deadline", "lock_date", "analysis_deadline", "dates_set_by_hand")

    def get_readonly_fields(self, request, obj=None):
        return ("year", "month") if obj else ()

    def save_model(self, request, obj, form, change):
        # A blank analysis deadline is the calendar's (filled in on save), not a date set here.
        typed = {"deadline", "lock_date"} | (
            {"analysis_deadline"} if form.cleaned_data.get("analysis_deadline") else set()
        )
        if not change or typed & set(form.changed_data):
            # Dates typed in here are the administrator's, whatever the box said.
            obj.dates_set_by_hand = True
            super().save_model(request, obj, form, change)
            return
        if "dates_set_by_hand" not in form.changed_data or obj.dates_set_by_hand:
            super().save_model(request, obj, form, change)
            return
        # Unticked: the calendar's dates again, at once (for a period still open).
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            recomputed = calendar_io.periods_recompute(
                user=request.user, reason=f"管理员取消了{obj}的“日期由管理员设定”"
            )
        obj.refresh_from_db(fields=["deadline", "lock_date", "analysis_deadline"])
        _report_moved(request, recomputed)

    @admin.display(description=_("provisional"))
    def provisional_dates(self, obj):
        marks = obj.provisional
        labels = [
            str(label)
            for flag, label in (
                (marks.deadline, _("Deadline")),
                (marks.lock_date, _("lock date")),
                (marks.analysis_deadline, _("statistics analysis deadline")),
            )
            if flag
        ]
        return "、".join(labels) or "—"

    def changelist_view(self, request, extra_context=None):
        calendar = WorkCalendar()
        today = services.today()
        years = {today.year, next_month(today.year, today.month)[0]}
        for first_year, lock_date in ReportingPeriod.objects.values_list("year", "lock_date"):
            years.update(range(first_year, lock_date.year + 1))
        unknown = calendar.years_unknown(years)
        if unknown:
            messages.warning(
                request,
                format_html(
                    "节假日安排未知：{} 年的法定节假日和调休尚未完整录入（chinese-calendar 没有这些"
                    "年份的数据），这些年份内的截止日期和锁定日期按周一至周五和已录入的日历调整推算，"
                    '页面上标为“暂定”。修正方法：在<a href="{}">日历调整 → 从 CSV 导入</a>中导入'
                    "该年全部节假日和调休（CSV：date,kind,note）并勾选“导入的是全年节假日安排”，"
                    "该年即标为已完整录入；"
                    "如已在日历调整中逐条录入全年安排，请在"
                    '<a href="{}">已完整录入的日历年份</a>中增加该年。',
                    "、".join(map(str, unknown)),
                    reverse("admin:reporting_calendaroverride_import"),
                    reverse("admin:reporting_calendaryear_add"),
                ),
            )
        response = super().changelist_view(request, extra_context)
        # One calendar for the whole list rather than one query per row.
        results = getattr(getattr(response, "context_data", {}).get("cl"), "result_list", [])
        calendar.mark(results)
        return response
