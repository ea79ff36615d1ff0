"""Writes of the DRC's reports: request a draft (a Celery job), build it (the task's body), edit
its summary and comments, finalise it as an immutable numbered version with its PDF.

Idempotence: one queued or running job per report (a double click finds the job already asked
for), and the job's report is written in a single transaction together with the job's "done"
(a retried or redelivered task finds the job done, or rebuilds and writes once). A worker
killed mid-run has written nothing but the job's progress. While it runs, the task writes a
heartbeat on the job; a running job whose heartbeat stopped lost its worker (the whole worker
died: nothing acknowledges or rejects its task until the broker's visibility timeout), so the
watchdog marks it failed and queues a new job for the same report (jobs_reap); the old task,
should the broker hand it out again, finds its job failed and does nothing. So does it with a
queued job whose task is nowhere, neither in Redis nor with a worker (jobs_reap_lost)."""

import base64
import contextlib
import datetime
import hashlib
import io
import json
import logging
import re
import threading
import zipfile
from dataclasses import dataclass

import docx
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import F, Max, Q
from django.utils import timezone, translation

from accounts.access import can_review
from accounts.models import User
from chains.quality.selectors import flagged_figures
from portal.celery import app
from portal.dataversion import data_changed, topics
from reporting.choices import JobStatus, ReportKind, ReportStatus
from reporting.models import Report, ReportDocument, ReportJob
from reporting.reports import gather, render, word
from reporting.updates.attachments import inspect_upload

logger = logging.getLogger(__name__)
REPORT_LANGUAGE = "zh-hans"  # the document's language, whatever the UI language of its reader


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int  # month, quarter, or 0 for a year

    @property
    def key(self) -> str:
        if self.kind == ReportKind.MONTHLY:
            return f"{self.year}-{self.number:02d}"
        if self.kind == ReportKind.QUARTERLY:
            return f"{self.year}-Q{self.number}"
        return str(self.year)


def parse_period(kind: str, text: str) -> Period:
    """'monthly 2026-10', 'quarterly 2026-Q3' or '2026-3', 'annual 2025'."""
    text = (text or "").strip()
    patterns = {
        ReportKind.MONTHLY: r"(\d{4})-(\d{1,2})",
        ReportKind.QUARTERLY: r"(\d{4})-[Qq]?([1-4])",
        ReportKind.ANNUAL: r"(\d{4})",
    }
    if kind not in patterns:
        raise ValidationError(f"未知的报告类型：{kind}")
    match = re.fullmatch(patterns[kind], text)
    if not match:
        examples = {"monthly": "2026-10", "quarterly": "2026-Q3", "annual": "2025"}
        raise ValidationError(f"报告期“{text}”格式不对，应如 {examples[kind]}。")
    year = int(match.group(1))
    number = int(match.group(2)) if kind != ReportKind.ANNUAL else 0
    if kind == ReportKind.MONTHLY and not 1 <= number <= 12:
        raise ValidationError(f"月份“{number}”不存在。")
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise ValidationError(f"报告期“{text}”不在可生成的范围内（2000年至今）。")
    first_day = datetime.date(year, max(1, 3 * number - 2 if kind == "quarterly" else number), 1)
    if first_day > today:
        raise ValidationError("报告期尚未开始，不能生成报告。")
    return Period(kind, year, number)


def period_of(report_or_job) -> Period:
    return parse_period(report_or_job.kind, report_or_job.period)


def _require_drc(user: User | None) -> None:
    if user is not None and not can_review(user):
        raise PermissionDenied


# --- requesting and building a draft --------------------------------------------------------------


def report_request(*, period: Period, user: User | None) -> tuple[ReportJob, bool]:
    """Ask for a draft of the report: the job already queued or running for it, or a new one
    handed to Celery once committed. Returns (job, created)."""
    _require_drc(user)
    active = [JobStatus.QUEUED, JobStatus.RUNNING]
    jobs = ReportJob.objects.filter(kind=period.kind, period=period.key, status__in=active)
    # A dead job is never handed back: its retry is, started by this request.
    retried = {job.pk for job in jobs_reap(jobs)}
    _give_up_stale(jobs)
    existing = jobs.first()
    if existing:
        return existing, existing.pk in retried
    try:
        with transaction.atomic():
            job = ReportJob.objects.create(
                kind=period.kind, period=period.key, requested_by=user, message="排队等待处理"
            )
            transaction.on_commit(lambda: _dispatch(job.pk))
    except IntegrityError:  # a concurrent click created it first
        existing = jobs.first()
        if existing is None:  # ... and it has finished already: ask again
            return report_request(period=period, user=user)
        return existing, False
    job.refresh_from_db()
    return job, True


# A job running longer than the task's time limit was killed; one queued this long was lost
# (the watchdog finds a lost task within minutes: jobs_reap_lost; this holds without beat).
RUNNING_FOR_AT_MOST = datetime.timedelta(minutes=15)
QUEUED_FOR_AT_MOST = datetime.timedelta(hours=6)
MAX_ATTEMPTS = 5
# How long the watchdog waits for the workers' answers (a busy machine answers slowly).
WORKERS_ANSWER_WITHIN = 2.0


def _give_up_stale(jobs) -> None:
    """Jobs that can no longer finish stop blocking a new request: marked failed, with why."""
    now = timezone.now()
    jobs.filter(status=JobStatus.RUNNING, started_at__lt=now - RUNNING_FOR_AT_MOST).update(
        status=JobStatus.FAILED,
        finished_at=now,
        message="生成超时中断，未写入报告内容，可重新生成。",
    )
    jobs.filter(status=JobStatus.QUEUED, requested_at__lt=now - QUEUED_FOR_AT_MOST).update(
        status=JobStatus.FAILED,
        finished_at=now,
        message="排队过久未被处理（后台任务处理程序可能未运行），可重新生成。",
    )


def dead_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REPORT_JOB_DEAD_AFTER)


def jobs_reap(jobs=None) -> list[ReportJob]:
    """Running jobs whose worker is gone (no heartbeat for REPORT_JOB_DEAD_AFTER seconds) are
    marked failed and, unless they used up their attempts, queued again as a new job for the
    same report. Returns the new jobs. Run by the watchdog task and before every request."""
    cutoff = timezone.now() - dead_after()
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    dead = (jobs if jobs is not None else ReportJob.objects.all()).filter(
        silent, status=JobStatus.RUNNING
    )
    retries = []
    for job_id in dead.values_list("pk", flat=True):
        new = _fail_and_retry(
            Q(silent, pk=job_id, status=JobStatus.RUNNING),
            retrying="后台任务处理程序中断（停止响应），未写入报告内容，已自动重新生成。",
            giving_up="后台任务处理程序中断，已尝试 {attempts} 次仍未完成，可重新生成。",
        )
        retries += [new] if new else []
    return retries


def lost_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REPORT_JOB_LOST_AFTER)


def jobs_reap_lost() -> list[ReportJob]:
    """Queued jobs whose task is nowhere (its message lost with a Redis restarted without
    persistence or flushed, or taken by a worker that died before starting it) are marked
    failed and queued again, as dead running jobs are (jobs_reap), instead of blocking the
    report for QUEUED_FOR_AT_MOST or waiting for the broker's visibility timeout. Only jobs
    queued for REPORT_JOB_LOST_AFTER seconds are looked for; nothing is done when the broker
    cannot be asked. Run by the watchdog task: a few Redis reads, and a second or two asking
    the workers only when a candidate's task was taken by one."""
    cutoff = timezone.now() - lost_after()
    old = Q(status=JobStatus.QUEUED, requested_at__lt=cutoff)
    candidates = list(ReportJob.objects.filter(old).values_list("pk", flat=True))
    if not candidates:
        return []
    whereabouts = _task_whereabouts()
    if whereabouts is None:
        return []
    waiting, taken = whereabouts
    lost = [job_id for job_id in candidates if job_id not in waiting and job_id not in taken]
    # With acks_late a task a worker holds (prefetched, due later, running) stays in 'unacked'
    # until acknowledged: only those are asked about, and only once taken long enough ago
    # (a worker may not have registered a message it has just taken).
    asked = {
        job_id: {task_id for task_id, _ in taken[job_id]}
        for job_id in set(candidates) & set(taken) - waiting
        if all(taken_at < cutoff.timestamp() for _, taken_at in taken[job_id])
    }
    if asked:
        held = _held_by_workers(set().union(*asked.values()))
        # No worker answers: busy, or all down (then nothing runs anyway and Redis hands the
        # task out again after the visibility timeout). A task no worker claims was taken by
        # one that died.
        if held is not None:
            lost += [job_id for job_id, task_ids in asked.items() if not task_ids & held]
    retries = []
    for job_id in sorted(lost):
        new = _fail_and_retry(
            Q(old, pk=job_id),
            retrying="后台任务丢失（任务服务重启或工作进程中断），未写入报告内容，已自动重新生成。",
            giving_up="后台任务丢失，已尝试 {attempts} 次仍未完成，可重新生成。",
            lost=True,
        )
        retries += [new] if new else []
    return retries


def job_task_id(job_id: int) -> str:
    """The Celery task id of a job's task (a retried task keeps it). Jobs queued by earlier
    releases carry a random one: the broker's messages are matched by their job, not by it."""
    return f"report-job-{job_id}"


# The task that runs a job (reporting.reports.tasks), found by its name in Celery's registry:
# the tasks module imports this one to run the job, so this one does not import it back.
BUILD_REPORT = "reporting.build_report"


def build_report_task():
    return app.tasks[BUILD_REPORT]


def _task_whereabouts() -> tuple[set[int], dict[int, list[tuple[str, float]]]] | None:
    """Where the report tasks are, read from Redis at one instant: (the jobs whose task waits
    in the queue, {job: [(task id, when a worker took it)]} for the tasks taken by a worker
    and not yet acknowledged). None when there is no Redis broker or it cannot be reached."""
    build_report = build_report_task()

    app = build_report.app
    if app.conf.task_always_eager:
        return None
    try:
        with app.connection_for_read() as conn:
            channel = conn.default_channel
            if not hasattr(channel, "unacked_key"):  # not kombu's Redis transport
                return None
            queue = app.amqp.router.route({}, build_report.name)["queue"].name
            # kombu's Redis transport: a list per queue (and per priority step) of messages;
            # a message taken by a worker (acks_late) waits in the 'unacked' hash, as
            # [message, exchange, routing key] under its delivery tag, until acknowledged,
            # and the 'unacked_index' sorted set scores the tag with when it was taken. Read
            # in one transaction: a task moving from the queue to a worker is seen once.
            lists = sorted({channel._q_for_pri(queue, step) for step in channel.priority_steps})
            with channel.client.pipeline(transaction=True) as pipe:
                for name in lists:
                    pipe.lrange(name, 0, -1)
                pipe.hgetall(channel.unacked_key)
                pipe.zrange(channel.unacked_index_key, 0, -1, withscores=True)
                *queued, unacked, index = pipe.execute()
    except Exception as exc:  # kombu and redis-py raise various connection errors
        logger.warning("report jobs: broker not reachable, lost tasks not looked for: %s", exc)
        return None
    waiting = set()
    for raw in (raw for messages in queued for raw in messages):
        found = _message_job(lambda raw=raw: json.loads(raw), build_report.name)
        if found:
            waiting.add(found[0])
    taken_at = {_text(tag): score for tag, score in index}
    taken = {}
    for tag, raw in unacked.items():
        found = _message_job(lambda raw=raw: json.loads(raw)[0], build_report.name)
        if found:
            # Not in the index (written in the same transaction as the hash): taken just now.
            job_id, task_id = found
            taken.setdefault(job_id, []).append((task_id, taken_at.get(_text(tag), float("inf"))))
    return waiting, taken


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _message_job(read, task_name: str) -> tuple[int, str] | None:
    """(job id, task id) of the build_report message `read()` decodes from Redis; None for
    another task's message or one that cannot be read (skipped: it must not stop the others
    being looked at)."""
    try:
        message = read()
        headers = message.get("headers") or {}
        if headers.get("task") != task_name:
            return None
        body = message["body"]
        if (message.get("properties") or {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        body = json.loads(body)
        args = body["args"] if isinstance(body, dict) else body[0]  # protocol 1 or 2
        return int(args[0]), str(headers["id"])
    except Exception:  # anything else in the queue: not a report task
        return None


def _held_by_workers(task_ids: set[str]) -> set[str] | None:
    """The ones of `task_ids` a worker holds (prefetched, due later or running), or None when
    no worker answers. One broadcast, each worker answering for all it holds at one instant
    (query_task looks in the worker's requests: reserved, active and ETA/countdown ones)."""
    build_report = build_report_task()

    try:
        replies = build_report.app.control.inspect(timeout=WORKERS_ANSWER_WITHIN).query_task(
            *sorted(task_ids)
        )
    except Exception as exc:  # kombu and redis-py raise various connection errors
        logger.warning("report jobs: workers not asked, lost tasks not looked for: %s", exc)
        return None
    if not replies:
        return None
    return {task_id for held in replies.values() for task_id in (held or {})}


def _fail_and_retry(condition: Q, *, retrying: str, giving_up: str, lost: bool = False):
    """Fail the job matching `condition` (checked again under a lock: the watchdog and a
    request may reap at the same time) and queue a new job for the same report unless it used
    up its attempts. Returns the new job, if any. A lost task counts as an attempt (it never
    ran, so job_run did not count it): a task lost again and again is given up too."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(condition).first()
        if job is None:
            return None
        if lost:
            job.attempts += 1
        retry = job.attempts < MAX_ATTEMPTS
        job.status, job.finished_at = JobStatus.FAILED, timezone.now()
        job.message = retrying if retry else giving_up.format(attempts=job.attempts)
        job.save(update_fields=["status", "finished_at", "message", "attempts"])
        logger.warning(
            "report job %s %s (attempt %s)", job.pk, "lost" if lost else "lost its worker",
            job.attempts,
        )  # fmt: skip
        if not retry:
            return None
        try:
            with transaction.atomic():
                new = ReportJob.objects.create(
                    kind=job.kind,
                    period=job.period,
                    requested_by=job.requested_by,
                    attempts=job.attempts,  # counted across retries: MAX_ATTEMPTS holds
                    message="上次生成中断，已自动重新排队",
                )
        except IntegrityError:  # someone asked for it again meanwhile: that job will do
            return None
        transaction.on_commit(lambda pk=new.pk: _dispatch(pk))
        return new


def job_current(job: ReportJob) -> ReportJob:
    """The job as it stands, a dead one reaped first; a job failed and retried gives way to its
    retry (the newest job for the same report), so a page watching it follows the retry."""
    jobs_reap(ReportJob.objects.filter(pk=job.pk))
    job.refresh_from_db()
    if job.status != JobStatus.FAILED:
        return job
    newer = ReportJob.objects.filter(kind=job.kind, period=job.period, pk__gt=job.pk)
    return newer.order_by("-pk").first() or job


@contextlib.contextmanager
def _heartbeat(job_id: int):
    """While the task runs (rendering a big PDF takes minutes without any progress to report),
    a thread writes the job's heartbeat every REPORT_JOB_HEARTBEAT seconds."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.REPORT_JOB_HEARTBEAT):
                try:
                    ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError as exc:  # the database is away: the next beat tries again
                    logger.warning("report job %s heartbeat not written: %s", job_id, exc)
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=beat, name=f"report-job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(settings.REPORT_JOB_HEARTBEAT + 5)


def _dispatch(job_id: int) -> None:
    """Hand the job to Celery. If the broker is down, the job says so and nothing else is
    written: the DRC can ask again once it is back."""
    build_report = build_report_task()

    try:
        build_report.apply_async(args=[job_id], task_id=job_task_id(job_id), retry=False)
    except Exception as exc:  # kombu raises various connection errors
        logger.warning("report job %s not queued: %s", job_id, exc)
        if build_report.app.conf.task_always_eager:
            # Run in-process (no broker configured): the task itself failed. (Celery wraps
            # the error in a Retry it cannot honour here.)
            cause = getattr(exc, "exc", None) or exc
            job_failed(job_id, f"{type(cause).__name__}: {cause}")
            return
        ReportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            message="后台任务服务（Redis）无法连接，报告未生成，也没有写入任何内容。请稍后重试或联系系统管理员。",
        )


def job_run(job_id: int) -> Report:
    """The task's body: gather the data, render the draft, write the report once."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.status == JobStatus.DONE and job.report_id:
            return job.report
        if job.status == JobStatus.FAILED:  # given up (its worker was lost): a new job retries
            raise JobAbandoned(job_id)
        abandoned = job.attempts >= MAX_ATTEMPTS  # killed every time it ran: stop
        if abandoned:
            job_failed(job_id, f"已尝试 {job.attempts} 次仍未完成")
        else:
            now = timezone.now()
            ReportJob.objects.filter(pk=job_id).update(
                status=JobStatus.RUNNING,
                attempts=F("attempts") + 1,
                started_at=now,
                heartbeat_at=now,
                progress=1,
                message="开始生成",
            )
    if abandoned:
        raise JobAbandoned(job_id)
    period = period_of(job)

    def progress(percent: int, message: str) -> None:
        ReportJob.objects.filter(pk=job_id).update(
            progress=percent, message=message, heartbeat_at=timezone.now()
        )

    with _heartbeat(job_id), translation.override(REPORT_LANGUAGE):  # Chinese, whoever asked
        data = gather.gather(period.kind, period.year, period.number, progress=progress)
        progress(75, "排版生成 PDF")
        draft = Report.objects.filter(
            kind=period.kind, period=period.key, status=ReportStatus.DRAFT
        ).first()
        text = (draft.summary, draft.comments) if draft else ("", {})
        pdf = render.report_pdf(render.report_html(data, summary=text[0], comments=text[1]))
    progress(95, "保存报告")
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.status == JobStatus.DONE and job.report_id:
            return job.report
        if job.status == JobStatus.FAILED:  # reaped while running (it looked dead): the retry
            raise JobAbandoned(job_id)  # job writes the report, once
        report = (
            Report.objects.select_for_update()
            .filter(kind=period.kind, period=period.key, status=ReportStatus.DRAFT)
            .first()
        )
        if report is None:
            report = Report(kind=period.kind, period=period.key)
        # A draft generated again takes the new data and keeps the DRC's text.
        report.title, report.data = data["title"], data
        report.generated_by = job.requested_by
        report.generated_at = timezone.now()
        report.edit_version = (report.edit_version or 0) + 1
        report.save()
        data_changed(topics.REPORTS)
        # Rendered outside the transaction; again only if the DRC edited the text meanwhile.
        _store_pdf(report, pdf if (report.summary, report.comments) == text else None)
        job.report, job.status, job.progress = report, JobStatus.DONE, 100
        job.message, job.finished_at = "已生成", timezone.now()
        job.save()
    return report


class JobAbandoned(Exception):
    """A job that failed too often is given up, not retried."""


def job_failed(job_id: int, error: str) -> None:
    ReportJob.objects.filter(pk=job_id).exclude(status=JobStatus.DONE).update(
        status=JobStatus.FAILED,
        finished_at=timezone.now(),
        message=f"生成失败：{error[:200]}。没有写入任何报告内容，可重新生成。",
    )


# --- the PDF ---------------------------------------------------------------------------------------


def report_html(report: Report, *, links: bool = False) -> str:
    """A stored report as its document (render.report_html), in the document's language."""
    finalised = (
        {"by": report.finalised_by.display_name, "at": report.finalised_at}
        if report.finalised_at and report.finalised_by
        else None
    )
    with translation.override(REPORT_LANGUAGE):
        return render.report_html(
            report.data,
            summary=report.summary,
            comments=report.comments,
            links=links,
            version=report.version,
            finalised=finalised,
        )


def report_docx_bytes(report: Report) -> bytes:
    """The report as a Word document, made from its document as the PDF is (a final version's
    is the same every time: its data and text are frozen)."""
    return word.report_docx(report_html(report))


# A Word document unpacks to far more than its size; past this, it is refused unread.
DOCUMENT_UNPACKED_MAX = 200 * 1024 * 1024


def report_document_add(*, report: Report, user: User, upload, note: str = "") -> ReportDocument:
    """Keep the DRC's edited Word document of a final version (修改稿), checked to be a Word
    document that opens; each upload is kept, none replaced."""
    _require_drc(user)
    if report.status != ReportStatus.FINAL:
        raise ValidationError("只有定稿版本可以上传修改稿；草稿请在本页直接修改。")
    info = inspect_upload(upload)  # allowed type, size, content matching its extension
    if info.extension != ".docx":
        raise ValidationError(f"修改稿须为 Word 文档（.docx）：「{info.name}」不是。")
    upload.seek(0)
    content = upload.read()
    unreadable = ValidationError(f"「{info.name}」无法作为 Word 文档打开，可能已损坏，未予接收。")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
        if unpacked > DOCUMENT_UNPACKED_MAX:
            raise unreadable
        docx.Document(io.BytesIO(content))
    except ValidationError:
        raise
    except Exception as exc:  # python-docx raises several kinds on a broken package
        raise unreadable from exc
    digest = hashlib.sha256(content).hexdigest()
    document = ReportDocument(
        report=report,
        name=info.name,
        size=len(content),
        sha256=digest,
        note=note.strip()[:200],
        uploaded_by=user,
    )
    with transaction.atomic():
        document.file.save(
            f"{report.kind}-{report.period}-v{report.version}-{digest[:12]}.docx",
            ContentFile(content),
            save=False,
        )
        stored, storage = document.file.name, document.file.storage
        try:
            document.save()
        except Exception:  # the row was refused: no file without its row
            storage.delete(stored)
            raise
    return document


def _store_pdf(report: Report, pdf: bytes | None = None, *, also: tuple[str, ...] = ()) -> None:
    """Write the PDF under a new name (named by its content) and drop the old file only once
    the transaction commits: a rollback leaves the row and its file as they were. `also`
    names other changed fields to save with it."""
    pdf = pdf or render.report_pdf(report_html(report))
    old = report.pdf.name if report.pdf else ""
    report.sha256 = hashlib.sha256(pdf).hexdigest()
    report.pdf.save("report.pdf", ContentFile(pdf), save=False)
    report.pdf_edit_version = report.edit_version
    report.save(update_fields=["pdf", "sha256", "pdf_edit_version", *also])
    new = report.pdf.name
    storage = report.pdf.storage
    if old and old != new:
        transaction.on_commit(lambda: storage.delete(old))
    # (After a rollback the new file is referenced by nothing; it is never served.)


def report_pdf_bytes(report: Report) -> bytes:
    """The report's PDF: a final one as stored; a draft's rendered again when it was edited
    since."""
    if report.status == ReportStatus.DRAFT and report.pdf_edit_version != report.edit_version:
        with transaction.atomic():
            current = Report.objects.select_for_update().get(pk=report.pk)
            if current.pdf_edit_version != current.edit_version:
                _store_pdf(current)
            report = current
    with report.pdf.open("rb") as handle:
        return handle.read()


def build_pdf(period: Period) -> bytes:
    """The report for a period, gathered and rendered now, without storing anything (the
    `build_report` command)."""
    with translation.override(REPORT_LANGUAGE):
        data = gather.gather(period.kind, period.year, period.number)
        return render.report_pdf(render.report_html(data))


# --- editing and finalising ------------------------------------------------------------------------


class ConcurrentReportEdit(Exception):
    pass


class UnverifiedFigures(Exception):
    """The draft uses figures flagged by the statistics' checks and not yet explained."""

    def __init__(self, labels: list[str]):
        super().__init__("、".join(labels))
        self.labels = labels


def _unverified_now(data: dict) -> set[tuple]:
    """Of the flagged figures a draft used, those still flagged and unexplained now."""
    used = {tuple(u["key"]) for u in data.get("unverified", [])}
    if not used:
        return set()
    open_now = flagged_figures(years={k[2] for k in used})
    return {k for k in used if (k[0], None, None, *k[1:]) in open_now}


def _mark_unverified(data: dict, still: set[tuple], *, published: bool) -> None:
    """The finalised version marks only the figures still unexplained, and says whether the DRC
    published them knowingly."""

    def keep(key):
        return key if key and tuple(key) in still else None

    for category in data.get("categories", []):
        for industry in category["industries"]:
            for row in industry.get("figures", []):
                row["flagged"] = keep(row.get("flagged"))
            industry["headline_flagged"] = [
                k for k in industry.get("headline_flagged", []) if tuple(k) in still
            ]
    for row in data.get("headline", []):
        codes = set(row.get("industries", ()))
        row["flagged"] = any(
            i.get("headline_flagged")
            for c in data.get("categories", [])
            for i in c["industries"]
            if i["code"] in codes
        )
    data["unverified"] = [u for u in data.get("unverified", []) if tuple(u["key"]) in still]
    data["published_unverified"] = published


def industry_comment_keys(data: dict) -> list[tuple[str, str]]:
    """The industries a draft may carry a DRC comment on: (key, industry name)."""
    return [
        (f"industry:{i['code']}", i["name"])
        for c in data.get("categories", [])
        for i in c["industries"]
    ]


def _lock_draft(report: Report, user: User, expected_version: int) -> Report:
    _require_drc(user)
    current = Report.objects.select_for_update().get(pk=report.pk)
    if current.status != ReportStatus.DRAFT:
        raise ValidationError("报告已定稿，不能修改；如需调整，请重新生成草稿后定稿为新版本。")
    if current.edit_version != expected_version:
        raise ConcurrentReportEdit
    return current


@transaction.atomic
def report_edit(
    *, report: Report, user: User, expected_version: int, summary: str, comments: dict
) -> Report:
    """DRC staff edit the summary and the comment paragraphs of a draft."""
    current = _lock_draft(report, user, expected_version)
    allowed = {"suggestions", *(key for key, _name in industry_comment_keys(current.data))}
    unknown = set(comments) - allowed
    if unknown:
        raise ValidationError(f"未知的段落：{'、'.join(sorted(unknown))}")
    current.summary = summary.strip()
    current.comments = {k: v.strip() for k, v in comments.items() if v and v.strip()}
    current.edit_version += 1
    current.edited_by, current.edited_at = user, timezone.now()
    current.save()
    return current


@transaction.atomic
def report_finalise(
    *,
    report: Report,
    user: User,
    expected_version: int,
    summary: str | None = None,
    comments: dict | None = None,
    publish_unverified: bool = False,
) -> Report:
    """The draft becomes the next version (v1, v2 …) of its report, with its PDF; from then on
    nothing of it changes. Text given here is saved first, in the same transaction: if the
    PDF cannot be made, neither is saved. A draft using figures the statistics' checks flagged
    and nobody has explained is finalised only when the DRC ticks 发布含未核实数据
    (`publish_unverified`): the version then says so; figures explained since the draft was
    gathered lose their mark."""
    if summary is not None:  # report_edit locks and checks the draft
        current = report_edit(
            report=report,
            user=user,
            expected_version=expected_version,
            summary=summary,
            comments=comments or {},
        )
    else:
        current = _lock_draft(report, user, expected_version)
    still = _unverified_now(current.data)
    if still and not publish_unverified:
        labels = [u["label"] for u in current.data["unverified"] if tuple(u["key"]) in still]
        raise UnverifiedFigures(labels)
    _mark_unverified(current.data, still, published=bool(still))
    # Versions are numbered per report; the lock on the draft row serialises finalising.
    latest = Report.objects.filter(kind=current.kind, period=current.period).aggregate(
        Max("version")
    )["version__max"]
    current.status = ReportStatus.FINAL
    current.version = (latest or 0) + 1
    current.finalised_by, current.finalised_at = user, timezone.now()
    _store_pdf(current, also=("status", "version", "finalised_by", "finalised_at", "data"))
    data_changed(topics.REPORTS)
    return current
