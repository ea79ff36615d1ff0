"""日历调整 (CalendarOverride) from a csv of dates, for the years the chinese-calendar package
does not know yet: parse and check every row, then write all or nothing, and
move the deadlines the calendar computed (never a date an administrator set) to the corrected
calendar. Only when the administrator says the file is the whole announced calendar of its
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

from django.db import transaction

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
    moved: list[ReportingPeriod] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


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


@transaction.atomic
def periods_recompute(
    before: WorkCalendar, after: WorkCalendar, years: set[int]
) -> tuple[list[ReportingPeriod], list[str]]:
    """Move each deadline and lock date that `before` computed to what `after` computes, for
    the months whose dates fall in `years`. A date that differs from the calendar's was set by
    an administrator and stays. Returns the periods moved and those left alone because an
    administrator's lock date would fall before the new deadline. Atomic, and meant to run in
    the caller's transaction together with the change of the overrides."""
    moved, kept = [], []
    months = [(y - 1, 12) for y in years]
    candidates = ReportingPeriod.objects.select_for_update().filter(year__in=years)
    for year, month in months:
        candidates |= ReportingPeriod.objects.select_for_update().filter(year=year, month=month)
    for period in candidates.order_by("year", "month"):
        old_deadline, old_lock = before.period_dates(period.year, period.month, period.deadline)
        deadline = period.deadline
        if deadline == old_deadline:
            deadline = after.period_dates(period.year, period.month)[0]
        lock_date = period.lock_date
        if lock_date == old_lock:
            lock_date = after.period_dates(period.year, period.month, deadline)[1]
        if lock_date < deadline:
            kept.append(str(period))
            continue
        if (deadline, lock_date) != (period.deadline, period.lock_date):
            period.deadline, period.lock_date = deadline, lock_date
            period.save(update_fields=["deadline", "lock_date"])  # bumps the dashboard
            moved.append(period)
    return moved, kept


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
    *, rows: list[OverrideRow], whole_years: bool = False, user=None, source: str = ""
) -> CalendarImportResult:
    """Write every row (a date already overridden takes the file's kind and note), then move
    the calendar-computed deadlines of the years the file touches. All or nothing. With
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
    result.moved, result.kept = periods_recompute(before, WorkCalendar(), set(result.years))
    data_changed()  # the provisional marks read the overrides
    return result
