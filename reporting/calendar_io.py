"""日历调整 (CalendarOverride) from a csv of dates, for the years the chinese-calendar package
does not know yet: parse and check every row, then write all or nothing, and move the dates
of every period still open to the corrected calendar (never dates an administrator set by
hand, nor those of a period past its lock date): periods_recompute, which every change of the
calendar runs. Only when the administrator says the file is the whole announced calendar of its
years are those the package does not know declared complete (their deadlines stop being 暂定):
a one-line correction, or a 2027 file holding 2028-01-01, is not a year's calendar.

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

from portal.textfiles import decode_text

from .dashboard import data_changed
from .models import CalendarOverride, CalendarYear, ReportingPeriod
from .workdays import WorkCalendar, package_knows

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

    def _parts(self, fmt) -> list[str]:
        parts = []
        if self.deadline != self.old_deadline:
            parts.append(f"截止 {fmt(self.old_deadline)} → {fmt(self.deadline)}")
        if self.lock_date != self.old_lock_date:
            parts.append(f"锁定 {fmt(self.old_lock_date)} → {fmt(self.lock_date)}")
        return parts

    def summary(self) -> str:
        """For the administrator's message: 2026年12月：截止 1月7日 → 1月8日，锁定 …"""
        return f"{self.period}：{'，'.join(self._parts(_month_day))}"

    def record(self) -> str:
        """For the period's history, with years: 截止 2027-01-07 → 2027-01-08；锁定 …"""
        return "；".join(self._parts(datetime.date.isoformat))

    def kept_summary(self) -> str:
        return (
            f"{self.period}（现为截止 {_month_day(self.old_deadline)}、锁定 "
            f"{_month_day(self.old_lock_date)}；按调整后的日历应为截止 "
            f"{_month_day(self.deadline)}、锁定 {_month_day(self.lock_date)}）"
        )


@dataclass
class Recomputed:
    moved: list[PeriodMove] = field(default_factory=list)
    # Periods an administrator set by hand that the change would have moved: left alone.
    kept: list[PeriodMove] = field(default_factory=list)


@transaction.atomic
def periods_recompute(*, user, reason: str, before: WorkCalendar | None = None) -> Recomputed:
    """Bring the deadline and lock date of every period not yet past its lock date to what
    the working-day calendar now computes, after any change to it (an override typed in,
    changed, deleted or imported, a year declared complete) — in the same transaction as the
    change. A period past its lock date keeps the dates its updates were judged by; a period
    whose dates an administrator set by hand keeps them (reported as kept when `before`, the
    calendar before the change, gave other dates than the calendar now does). Each period
    moved gets an entry in its admin history, by `user`, naming `reason` and the old and new
    dates."""
    after = WorkCalendar()
    result = Recomputed()
    still_open = ReportingPeriod.objects.select_for_update().filter(
        lock_date__gte=timezone.localdate()
    )
    for period in still_open.order_by("year", "month"):
        deadline, lock_date = after.period_dates(period.year, period.month)
        move = PeriodMove(period, period.deadline, period.lock_date, deadline, lock_date)
        if period.dates_set_by_hand:
            if before is not None and before.period_dates(period.year, period.month) != (
                deadline,
                lock_date,
            ):
                result.kept.append(move)
            continue
        if (deadline, lock_date) == (period.deadline, period.lock_date):
            continue
        period.deadline, period.lock_date = deadline, lock_date
        period.save(update_fields=["deadline", "lock_date"])  # bumps the dashboard
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
    data_changed()
    return result


@transaction.atomic
def calendar_year_complete(*, year: int, user=None, note: str = "") -> CalendarYear:
    """Declare `year`'s holidays and make-up working days complete: the deadlines counted
    across it stop being provisional (暂定). A year already declared keeps its first record."""
    record, created = CalendarYear.objects.get_or_create(
        year=year, defaults={"completed_by": user, "note": note}
    )
    if created:
        data_changed()  # the provisional marks read the declared years
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
    return result
