"""A refused statistics upload keeps its file 30 days, then only its record stays."""

import datetime

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chains.figures import reading, writing
from chains.figures.tasks import purge_refused_files
from chains.models import EnterpriseFigure, FigureImport, IndustryFigure
from portal.celery import app


def _record(user, name: str, *, status: str, days_ago: int) -> FigureImport:
    record = writing.upload_record(
        upload=SimpleUploadedFile(name, b"%PDF not a workbook " + name.encode()), user=user
    )
    # uploaded_at is set on creation: moved back here, the clock itself is left alone.
    FigureImport.objects.filter(pk=record.pk).update(
        status=status, uploaded_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    record.refresh_from_db()
    assert default_storage.exists(record.file.name)
    return record


def test_refused_files_are_deleted_after_30_days_and_the_record_stays(
    stats_db, client, django_capture_on_commit_callbacks
):
    user = stats_db["stats"]
    old = _record(user, "old.xlsx", status="refused", days_ago=31)
    recent = _record(user, "recent.xlsx", status="refused", days_ago=29)
    applied = _record(user, "applied.xlsx", status="applied", days_ago=400)
    waiting = _record(user, "waiting.xlsx", status="preview", days_ago=40)
    old_path = old.file.name

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_refused_files.delay().get() == 1

    assert not default_storage.exists(old_path)
    old.refresh_from_db()
    assert old.file_purged_at is not None and not old.file
    assert (old.original_name, old.status) == ("old.xlsx", "refused")
    for kept in (recent, applied, waiting):
        kept.refresh_from_db()
        assert kept.file_purged_at is None and default_storage.exists(kept.file.name)

    # Running again changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_refused_files.delay().get() == 0

    client.force_login(user)
    html = client.get(reverse("stats:import", args=[old.pk])).content.decode()
    assert "文件已于" in html and "自上传起保留 30 天" in html
    assert reverse("stats:import_file", args=[old.pk]) not in html
    assert client.get(reverse("stats:import_file", args=[old.pk])).status_code == 404
    assert client.get(reverse("stats:import_file", args=[recent.pk])).status_code == 200


def test_beat_runs_the_purge_daily():
    entries = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "chains.purge_refused_files"
    ]
    assert len(entries) == 1
    assert "chains.purge_refused_files" in app.tasks


def test_confirming_a_refused_upload_whose_file_was_deleted_is_refused_in_chinese(
    stats_db, client, django_capture_on_commit_callbacks
):
    """The confirm button is gone from a refused upload's page, but a stale page or a replayed
    request still posts: the answer is a message, not a server error, and nothing changes."""
    user = stats_db["stats"]
    old = _record(user, "old.xlsx", status="refused", days_ago=31)
    FigureImport.objects.filter(pk=old.pk).update(errors=["第 3 行：未知产业"])
    with django_capture_on_commit_callbacks(execute=True):
        assert writing.refused_files_purge() == 1

    client.force_login(user)
    response = client.post(reverse("stats:import", args=[old.pk]), follow=True)

    assert response.status_code == 200
    assert "该文件未通过预览检查，不能导入" in response.content.decode()
    old.refresh_from_db()
    assert (old.status, old.errors, old.applied_at) == ("refused", ["第 3 行：未知产业"], None)
    assert not IndustryFigure.objects.exists() and not EnterpriseFigure.objects.exists()


def test_a_refusal_names_its_first_five_errors_for_the_log():
    """What a worker's or the command's log shows of a file refused at import: the first five
    messages, in row order, the file's own first."""
    plan = reading.Plan(kind="industry")
    for row in (7, 3, 0, 5, 4, 6):
        plan.error(row, f"错误{row}")
    refused = reading.ImportRefused(plan)
    assert str(refused) == "错误0; 第 3 行：错误3; 第 4 行：错误4; 第 5 行：错误5; 第 6 行：错误6"
    assert refused.plan is plan
