"""The monthly consolidated report in a real browser, built by a real Celery worker on Redis:
a DRC user generates it and watches the progress bar, reads the draft (its paragraphs linking
to their updates), writes the summary, finalises version 1 and downloads the PDF; a 市工信局
user cannot reach the draft."""

import datetime
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chains.models import Industry, Unit
from reporting.models import MonthlyUpdate
from reporting.periods import services
from tests.browser.test_update_journey import log_in
from tests.celery_helpers import real_worker

pytestmark = pytest.mark.browser

SENTENCE = "天马第8.6代新型显示面板生产线主体厂房封顶。"


@pytest.fixture
def september_update(demo_accounts):
    period = services.period_get_or_create(2025, 9)
    submitted = timezone.make_aware(datetime.datetime(2025, 10, 10, 10))
    return MonthlyUpdate.objects.create(
        industry=Industry.objects.get(code="electronic-information"),
        unit=Unit.objects.get(name="市工信局"),
        period=period,
        status="accepted",
        first_submitted_at=submitted,
        submitted_at=submitted,
        accepted_at=submitted,
        progress_projects=SENTENCE,
        progress_policy="兑现扶持资金1.2亿元。",
    )


def test_generate_edit_finalise_download(
    browser, live_server, redis_url, september_update, tmp_path
):
    drc = log_in(browser, live_server, "fgw")
    with real_worker(redis_url):
        drc.get_by_role("navigation").get_by_role("link", name="报告").click()
        drc.locator("#id_kind").select_option("monthly")
        drc.locator("#id_period").fill("2025-09")
        drc.get_by_role("button", name="生成").click()
        progress = drc.locator("#job-progress")
        expect(progress).to_be_visible()
        expect(drc.locator("#job-done")).to_be_visible(timeout=60_000)
        assert progress.get_attribute("value") == "100"

    drc.get_by_role("link", name="打开草稿").click()
    draft_url = drc.url
    # The draft as printed, page by page, in the page itself; the web version one click away.
    expect(drc.locator("ol.report-pages img").first).to_be_visible()
    assert drc.locator("ol.report-pages img").first.evaluate("img => img.naturalWidth") > 500
    drc.locator("#report-web summary").click()
    frame = drc.frame_locator("#report-frame")
    paragraph = frame.get_by_text(SENTENCE)
    expect(paragraph).to_be_visible()
    # The compiled paragraph links back to the update it came from.
    expect(frame.locator(f'a[href="/updates/{september_update.pk}/"]').first).to_be_attached()

    clerk = log_in(browser, live_server, "gxj")
    assert clerk.goto(draft_url).status == 403

    drc.locator("#id_summary").fill("9月份，电子信息产业集群重点项目加快推进。")
    drc.get_by_role("button", name="保存草稿").click()
    expect(drc.locator(".messages")).to_contain_text("草稿已保存")
    drc.get_by_label("我确认定稿").check()
    drc.get_by_role("button", name="定稿").click()
    expect(drc.locator("#report-facts")).to_have_attribute("data-status", "final")
    expect(drc.get_by_text("v1").first).to_be_visible()

    with drc.expect_download() as download:
        drc.locator("#report-pdf").click()
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "9月份，电子信息产业集群重点项目加快推进。" in text
    assert SENTENCE in text and "电子信息产业集群" in text
    assert not drc.console_errors
