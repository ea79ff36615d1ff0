"""Writes of the statistics bureau's monthly analysis. Saving sends it (报送): the first save
creates it, each later one revises it, and each leaves exactly one history entry with the text
as it then stands. A save that names a version someone else has since replaced is refused
(ConcurrentEditError), and the refused text is kept in the history."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from chains.models import Industry
from portal.dataversion import data_changed, topics
from reporting.analysis.access import can_write_analysis
from reporting.analysis.models import AnalysisEventKind
from reporting.models import AnalysisEvent, ReportingPeriod, StatisticsAnalysis
from reporting.periods.services import today

MAX_LENGTH = 20_000


class ConcurrentEditError(Exception):
    """Someone saved the analysis since this user loaded it. Their text was kept in history."""

    def __init__(self, current_version: int):
        super().__init__(current_version)  # pragma: no mutate (args: for str() and pickling)
        self.current_version = current_version


def _scope_label(industry: Industry | None) -> str:
    return industry.name if industry is not None else "城市总体"


def _clean_text(text: str, period: ReportingPeriod, industry: Industry | None) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            f"请填写{period}{_scope_label(industry)}的统计分析：产值或营收、细分领域和重点企业的情况。"
        )
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            f"统计分析过长：不超过 {MAX_LENGTH} 字（现为 {len(text)} 字），请精简后再报送。"
        )
    if today() <= period.last_day:
        raise ValidationError(
            f"{period}尚未结束，该月的统计数据还没有，不能报送统计分析。"
            f"请在{period.last_day:%Y年%m月%d日}以后报送。"
        )
    return text


def _record(analysis: StatisticsAnalysis, kind: AnalysisEventKind, user: User, text: str, at):
    data_changed(
        topics.analysis(analysis.period_id)
    )  # the dashboard shows whether the analysis is in
    return AnalysisEvent.objects.create(
        analysis=analysis, kind=kind, actor=user, at=at, version=analysis.version, text=text
    )


def analysis_save(
    *,
    period: ReportingPeriod,
    industry: Industry | None,
    text: str,
    expected_version: int,
    user: User,
) -> StatisticsAnalysis:
    """Send or revise the analysis of `industry` (None: the whole city) for `period`, as `user`
    (statistics staff). `expected_version` is the version the user read, 0 when there was none
    yet. Raises ValidationError for an empty or too long text or a month not yet over,
    ConcurrentEditError when the analysis changed since (the refused text is kept)."""
    if not can_write_analysis(user):
        raise PermissionDenied
    text = _clean_text(text, period, industry)
    try:
        with transaction.atomic():
            return _save(period, industry, text, expected_version, user)
    except ConcurrentEditError:
        _keep_refused(period, industry, text, user)
        raise


def _lock(period: ReportingPeriod, industry: Industry | None) -> StatisticsAnalysis | None:
    return (
        StatisticsAnalysis.objects.select_for_update(of=("self",))
        .filter(period=period, industry=industry)
        .first()
    )


def _save(period, industry, text, expected_version, user) -> StatisticsAnalysis:
    now = timezone.now()
    current = _lock(period, industry)
    if current is None:
        if expected_version != 0:
            raise ConcurrentEditError(0)  # a version of an analysis that was never sent
        try:
            with transaction.atomic():
                current = StatisticsAnalysis.objects.create(
                    period=period,
                    industry=industry,
                    text=text,
                    author=user,
                    submitted_at=now,
                    first_submitted_at=now,
                )
        except IntegrityError:  # a colleague sent the first one meanwhile
            raise ConcurrentEditError(_lock(period, industry).version) from None
        _record(current, AnalysisEventKind.SUBMITTED, user, text, now)
        return current
    if current.version != expected_version:
        raise ConcurrentEditError(current.version)
    if current.text == text:
        return current  # nothing changed: no new version, no history entry
    current.text, current.author, current.submitted_at = text, user, now
    current.version += 1
    current.save(update_fields=["text", "author", "submitted_at", "version"])
    _record(current, AnalysisEventKind.REVISED, user, text, now)
    return current


def _keep_refused(period, industry, text: str, user: User) -> None:
    """Nothing is lost: the text of a refused save is kept in the analysis's history."""
    with transaction.atomic():
        current = _lock(period, industry)
        if current is not None:
            _record(current, AnalysisEventKind.CONFLICT_KEPT, user, text, timezone.now())
