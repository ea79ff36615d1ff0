from django.db import migrations, models


def mark_dates_set_by_hand(apps, schema_editor):
    """Until this flag, a date that differed from the calendar's was how an administrator's
    date was told apart from the calendar's: keep those periods the administrator's."""
    from reporting.periods.workdays import WorkCalendar

    CalendarOverride = apps.get_model("reporting", "CalendarOverride")
    ReportingPeriod = apps.get_model("reporting", "ReportingPeriod")
    calendar = WorkCalendar(
        overrides=dict(CalendarOverride.objects.values_list("date", "is_working_day")),
        complete_years=set(),
    )
    by_hand = []
    for period in ReportingPeriod.objects.only("year", "month", "deadline", "lock_date"):
        deadline, lock_date = calendar.period_dates(period.year, period.month, period.deadline)
        if (period.deadline, period.lock_date) != (deadline, lock_date):
            by_hand.append(period.pk)
    ReportingPeriod.objects.filter(pk__in=by_hand).update(dates_set_by_hand=True)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0007_outbox_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportingperiod",
            name="dates_set_by_hand",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Ticked when an administrator changes the deadline or the lock date here: "
                    "the calendar then never moves this month's dates. Untick it to have them "
                    "computed from the working-day calendar again."
                ),
                verbose_name="dates set by an administrator",
            ),
        ),
        migrations.RunPython(mark_dates_set_by_hand, migrations.RunPython.noop),
    ]
