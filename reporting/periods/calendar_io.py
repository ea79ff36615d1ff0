"""日历调整 (CalendarOverride) from a csv of dates, for the years the chinese-calendar package
does not know yet: parse and check every row, then write all or nothing, and move the dates
of every period still open to the corrected calendar (never dates an administrator set by
hand, nor those of a period past its lock date, nor a deadline already passed, nor any date to
a day before today): periods_recompute, which every change of the calendar runs. Only when the
administrator says the file is the whole announced calendar of its years are those the package
does not know declared complete (their deadlines stop being 暂定): a one-line correction, or a
2027 file holding 2028-01-01, is not a year's calendar.

The file: a header row, then one row per date — `date` (2027-01-01, 2027/1/1 or 2027年1月1日),
`kind` (holiday or workday; 节假日/休 or 工作日/班 also read) and an optional `note`. Chinese
headers 日期, 类型, 备注 are read too. UTF-8 (with or without BOM) or GB18030, as Excel and WPS
save it."""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone

from portal.dataversion import data_changed, topics
from portal.textfiles import decode_text
from reporting.models import CalendarOverride, CalendarYear, ReportingPeriod
from reporting.periods.workdays import WorkCalendar, package_knows

MAX_BYTES = 1_000_000

TOO_LARGE = "文件过大：日历调整文件不应超过 1 MB。"

HEADERS = {
    "date": {"date", "日期"},
    "kind": {"kind", "类型", "类别"},
    "note": {"note", "备注", "说明", "名称"},
}

KINDS = {
    "holiday": False,
    "节假日": False,
    "假日": False,
    "休": False,
    "休息日": False,
    "放假": False,
    "workday": True,
    "工作日": True,
    "班": True,
    "上班": True,
    "调休上班": True,
}

NOTE_MAX = CalendarOverride._meta.get_field("note").max_length

DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class CalendarFileError(Exception):
    """The file was refused; `errors` are whole Chinese sentences, one per problem row."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class OverrideRow:
    line: int
    date: datetime.date
    is_working_day: bool
    note: str


@dataclass
class CalendarImportResult:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    years: list[int] = field(default_factory=list)
    declared: list[int] = field(default_factory=list)  # declared complete by this import
    moved: list["PeriodMove"] = field(default_factory=list)
    kept: list["PeriodMove"] = field(default_factory=list)
    kept_dates: list["DateKept"] = field(default_factory=list)


def _decode(data: bytes) -> str:
    try:
        return decode_text(data)
    except UnicodeDecodeError:
        raise CalendarFileError(
            ["无法识别文件编码：请将文件另存为 UTF-8 或 GB18030 编码的 CSV。"]
        ) from None


def _date(text: str) -> datetime.date | None:
    match = DATE.match(text.strip())
    if not match:
        return None
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError:
        return None


def parse_csv(data: bytes) -> list[OverrideRow]:
    """Every row checked; raises CalendarFileError with every problem found, or returns all."""
    if len(data) > MAX_BYTES:
        raise CalendarFileError([TOO_LARGE])
    lines = list(csv.reader(io.StringIO(_decode(data))))
    numbered = [(n, row) for n, row in enumerate(lines, start=1) if any(c.strip() for c in row)]
    if not numbered:
        raise CalendarFileError(["文件是空的：第一行应为表头 date,kind,note（日期、类型、备注）。"])
    header_line, header = numbered[0]
    columns = {}
    for index, name in enumerate(header):
        for key, names in HEADERS.items():
            if name.strip().lower() in names and key not in columns:
                columns[key] = index
    missing = [
        f"“{key}”（{'、'.join(sorted(HEADERS[key] - {key}))}）"
        for key in ("date", "kind")
        if key not in columns
    ]
    if missing:
        raise CalendarFileError(
            [f"第 {header_line} 行（表头）缺少{'和'.join(missing)}列：表头应为 date,kind,note。"]
        )

    def cell(row: list[str], key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    rows, errors, seen = [], [], {}
    for line, row in numbered[1:]:
        text, kind, note = cell(row, "date"), cell(row, "kind"), cell(row, "note")
        day = _date(text)
        problems = []
        if not text:
            problems.append("缺少日期")
        elif day is None:
            problems.append(f"日期“{text}”无法识别，应写作 2027-01-01")
        if kind.lower() not in KINDS:
            problems.append(
                f"类型“{kind}”无法识别，应为 holiday（节假日）或 workday（调休上班的工作日）"
                if kind
                else "缺少类型，应为 holiday（节假日）或 workday（调休上班的工作日）"
            )
        if len(note) > NOTE_MAX:
            problems.append(f"备注超过 {NOTE_MAX} 个字")
        if day is not None and day in seen:
            problems.append(f"日期 {day:%Y-%m-%d} 与第 {seen[day]} 行重复")
        if problems:
            errors.append(f"第 {line} 行：{'；'.join(problems)}。")
            continue
        seen[day] = line
        rows.append(OverrideRow(line, day, KINDS[kind.lower()], note))
    if errors:
        raise CalendarFileError(errors)
    if not rows:
        raise CalendarFileError(["文件中只有表头，没有日期。"])
    return rows


def _month_day(day: datetime.date) -> str:
    return f"{day.month}月{day.day}日"


@dataclass(frozen=True)
class PeriodMove:
    """A period's dates before and after a calendar change (for a period whose dates an
    administrator set by hand: its dates and those the changed calendar would give it)."""

    period: ReportingPeriod
    old_deadline: datetime.date
    old_lock_date: datetime.date
    deadline: datetime.date
    lock_date: datetime.date
    # The statistics bureau's analysis deadline, when it moved too.
    old_analysis_deadline: datetime.date | None = None
    analysis_deadline: datetime.date | None = None

    def _parts(self, fmt) -> list[str]:
        parts = []
        if self.deadline != self.old_deadline:
            parts.append(f"截止 {fmt(self.old_deadline)} → {fmt(self.deadline)}")
        if self.lock_date != self.old_lock_date:
            parts.append(f"锁定 {fmt(self.old_lock_date)} → {fmt(self.lock_date)}")
        return parts

    def _analysis_part(self, fmt) -> list[str]:
        if self.analysis_deadline == self.old_analysis_deadline:
            return []
        return [f"统计分析截止 {fmt(self.old_analysis_deadline)} → {fmt(self.analysis_deadline)}"]

    def summary(self) -> str:
        """For the administrator's message: 2026年12月：截止 1月7日 → 1月8日，锁定 … (the
        analysis deadline, which moves with them, is named when it alone moved; the period's
        history always names it)."""
        parts = self._parts(_month_day) or self._analysis_part(_month_day)
        return f"{self.period}：{'，'.join(parts)}"

    def record(self) -> str:
        """For the period's history, with years: 截止 2027-01-07 → 2027-01-08；锁定 …；统计分析截止 …"""
        iso = datetime.date.isoformat
        return "；".join(self._parts(iso) + self._analysis_part(iso))

    def kept_summary(self) -> str:
        return (
            f"{self.period}（现为截止 {_month_day(self.old_deadline)}、锁定 "
            f"{_month_day(self.old_lock_date)}；按调整后的日历应为截止 "
            f"{_month_day(self.deadline)}、锁定 {_month_day(self.lock_date)}）"
        )


@dataclass(frozen=True)
class DateKept:
    """A deadline or lock date the changed calendar would have moved but that stays: a deadline
    already passed (the updates filed by then were judged on time by it, those after it late),
    or a date the calendar would now put on a day already past."""

    period: ReportingPeriod
    label: str  # 截止 or 锁定
    date: datetime.date  # the date kept
    computed: datetime.date  # the date the changed calendar gives
    passed: bool  # the date kept had passed; else the computed one would have

    def summary(self) -> str:
        """2026年11月：截止 12月7日 保留（按调整后的日历应为 12月5日，早于今天，…）"""
        why = (
            "已过，此前报送是否按时以它为准"
            if self.passed
            else "早于今天，日期不能改到已经过去的日子"
        )
        return (
            f"{self.period}：{self.label} {_month_day(self.date)} 保留（按调整后的日历应为 "
            f"{_month_day(self.computed)}，{why}）"
        )


@dataclass
class Recomputed:
    moved: list[PeriodMove] = field(default_factory=list)
    # Periods an administrator set by hand that the change would have moved: left alone.
    kept: list[PeriodMove] = field(default_factory=list)
    # Dates the change would have moved into the past, or away from a deadline already past.
    kept_dates: list[DateKept] = field(default_factory=list)


def _dates_kept_to_today(
    period: ReportingPeriod, calendar: WorkCalendar, today: datetime.date
) -> tuple[datetime.date, datetime.date, list[DateKept]]:
    """The period's dates under `calendar`, as far as they may move today: a deadline already
    before today stays (moving it would turn updates filed on time into late ones, or late
    ones into on time), and neither date moves to a day before today. The lock date is then
    counted from the deadline that stands, so it never falls before it."""
    computed, lock_date = calendar.period_dates(period.year, period.month)
    deadline, kept = computed, []
    if computed != period.deadline and (period.deadline < today or computed < today):
        kept.append(DateKept(period, "截止", period.deadline, computed, period.deadline < today))
        deadline = period.deadline
        lock_date = calendar.period_dates(period.year, period.month, deadline=deadline)[1]
    if lock_date != period.lock_date and lock_date < today:
        # (The period is still open, so its lock date is today or later.)
        kept.append(DateKept(period, "锁定", period.lock_date, lock_date, False))
        lock_date = period.lock_date
    return deadline, lock_date, kept


def _analysis_deadline_to_today(
    period: ReportingPeriod, calendar: WorkCalendar, today: datetime.date
) -> datetime.date:
    """The statistics analysis deadline under `calendar`, on the deadline's own rules: one
    already passed stays (the analysis was judged on time or late by it), and it never moves
    to a day before today."""
    computed = calendar.analysis_deadline(period.year, period.month)
    if computed != period.analysis_deadline and (
        period.analysis_deadline < today or computed < today
    ):
        return period.analysis_deadline
    return computed


@transaction.atomic
def periods_recompute(*, user, reason: str, before: WorkCalendar | None = None) -> Recomputed:
    """Bring the deadline, lock date and statistics analysis deadline of every period not yet past its lock date to what
    the working-day calendar now computes, after any change to it (an override typed in,
    changed, deleted or imported, a year declared complete) — in the same transaction as the
    change. A period past its lock date keeps the dates its updates were judged by; so does a
    deadline already passed, and no date moves to a day before today (those are reported in
    `kept_dates`, with why); a period whose dates an administrator set by hand keeps them
    (reported in `kept`). Dates kept are reported when `before`, the calendar before the
    change, gave the period other dates than the calendar now does (so not again at every
    later change), or always without `before`. Each period moved gets an entry in its admin
    history, by `user`, naming `reason` and the old and new dates."""
    after = WorkCalendar()
    result = Recomputed()
    today = timezone.localdate()
    still_open = ReportingPeriod.objects.select_for_update().filter(lock_date__gte=today)
    for period in still_open.order_by("year", "month"):
        dates = after.period_dates(period.year, period.month)
        changed = before is None or before.period_dates(period.year, period.month) != dates
        if period.dates_set_by_hand:
            if before is not None and changed:
                result.kept.append(PeriodMove(period, period.deadline, period.lock_date, *dates))
            continue
        deadline, lock_date, kept = _dates_kept_to_today(period, after, today)
        if changed:
            result.kept_dates += kept
        analysis_deadline = _analysis_deadline_to_today(period, after, today)
        if (deadline, lock_date, analysis_deadline) == (
            period.deadline,
            period.lock_date,
            period.analysis_deadline,
        ):
            continue
        move = PeriodMove(
            period,
            period.deadline,
            period.lock_date,
            deadline,
            lock_date,
            period.analysis_deadline,
            analysis_deadline,
        )
        period.deadline, period.lock_date = deadline, lock_date
        period.analysis_deadline = analysis_deadline
        period.save(update_fields=["deadline", "lock_date", "analysis_deadline"])
        LogEntry.objects.log_actions(
            user_id=user.pk,
            queryset=[period],
            action_flag=CHANGE,
            change_message=f"按调整后的日历重新计算（{reason}）：{move.record()}",
            single_object=True,
        )
        result.moved.append(move)
    # The dashboard's traffic lights count working days, and its provisional marks read the
    # declared years: both may change with the calendar even where no date moved.
    data_changed(topics.PERIODS)
    return result


@transaction.atomic
def calendar_year_complete(*, year: int, user=None, note: str = "") -> CalendarYear:
    """Declare `year`'s holidays and make-up working days complete: the deadlines counted
    across it stop being provisional (暂定). A year already declared keeps its first record."""
    record, created = CalendarYear.objects.get_or_create(
        year=year, defaults={"completed_by": user, "note": note}
    )
    if created:
        data_changed(topics.PERIODS)  # the provisional marks read the declared years
    return record


@transaction.atomic
def calendar_overrides_import(
    *, rows: list[OverrideRow], user, whole_years: bool = False, source: str = ""
) -> CalendarImportResult:
    """Write every row (a date already overridden takes the file's kind and note), then move
    the dates of the periods still open (periods_recompute). All or nothing. With
    `whole_years` (the administrator's word that the file is the whole announced calendar of
    its years) the file's years the package does not know are declared complete
    (CalendarYear); without it the overrides alone leave them provisional."""
    before = WorkCalendar()
    result = CalendarImportResult()
    existing = {
        o.date: o
        for o in CalendarOverride.objects.select_for_update().filter(
            date__in=[r.date for r in rows]
        )
    }
    for row in rows:
        current = existing.get(row.date)
        if current is None:
            CalendarOverride.objects.create(
                date=row.date, is_working_day=row.is_working_day, note=row.note
            )
            result.added += 1
        elif (current.is_working_day, current.note) != (row.is_working_day, row.note):
            current.is_working_day, current.note = row.is_working_day, row.note
            current.save(update_fields=["is_working_day", "note"])
            result.changed += 1
        else:
            result.unchanged += 1
    result.years = sorted({row.date.year for row in rows})
    note = f"从 CSV 导入（{source[:80]}）" if source else "从 CSV 导入"
    if whole_years:
        result.declared = [year for year in result.years if not package_knows(year)]
    for year in result.declared:
        calendar_year_complete(year=year, user=user, note=note)
    recomputed = periods_recompute(user=user, reason=f"日历调整：{note}", before=before)
    result.moved, result.kept = recomputed.moved, recomputed.kept
    result.kept_dates = recomputed.kept_dates
    return result
