"""The statistics bureau's clerk uploads a real workbook (merged headers, a units row, a totals
row), sees the preview with the one bad row, fixes the file, imports it, and finds the figures
on the industry page."""

import pytest
from playwright.sync_api import expect

from chains.models import IndustryFigure
from tests.browser.test_update_journey import log_in
from tests.chains.stats_files import industry_workbook

pytestmark = pytest.mark.browser

GOOD = [
    ("电子信息产业集群", None, None, "1,234.5", "9,876", "12.5", 800, 7000),
    ("电子信息产业集群", None, "湖里区", 400, 3600, None, None, None),
    ("新材料产业", None, None, 300, 2800, 3.2, 350, 3100),
]


def test_upload_preview_fix_import_and_see(browser, live_server, demo_accounts, tmp_path):
    clerk = log_in(browser, live_server, "tjj")
    clerk.get_by_role("navigation").get_by_role("link", name="统计数据").click()

    bad = industry_workbook(
        tmp_path / "2025年9月重点产业.xlsx",
        [*GOOD[:2], ("新材料产业", None, None, "三百", 2800, 3.2, 350, 3100)],
    )
    clerk.locator("#upload-form input[type=file]").set_input_files(str(bad))
    clerk.get_by_role("button", name="上传并预览").click()
    errors = clerk.locator("#row-errors")
    expect(errors).to_contain_text("第 8 行")
    expect(errors).to_contain_text("不是数字：「三百」")
    expect(clerk.locator("#apply")).to_have_count(0)
    assert not IndustryFigure.objects.exists()

    clerk.get_by_role("link", name="重新上传").click()
    fixed = industry_workbook(tmp_path / "2025年9月重点产业（更正）.xlsx", GOOD)
    clerk.locator("#upload-form input[type=file]").set_input_files(str(fixed))
    clerk.get_by_role("button", name="上传并预览").click()
    expect(clerk.locator("#rows-added")).to_have_text("10")
    clerk.locator("#apply").click()
    expect(clerk.locator(".messages")).to_contain_text("已导入")
    assert IndustryFigure.objects.filter(is_current=True).count() == 10

    clerk.goto(f"{live_server.url}/stats/industries/electronic-information/?year=2025")
    table = clerk.locator("#by-month")
    expect(table).to_contain_text("9月")
    expect(table).to_contain_text("1234.50")
    expect(table).to_contain_text("12.5%")
    expect(clerk.locator("#by-district")).to_contain_text("湖里区")
    assert clerk.console_errors == []
