"""The statistics clerk re-imports November with 当月产值 raised 100×, a revenue of −5 and a
growth of 900 %: the preview shows each figure's old and new value and every flag with its
row; the import goes through only once confirmed with a reason; the DRC sees the figure
marked on the dashboard; the clerk explains it on the 数据核查 list and the mark goes."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from chains.models import FigureImport, IndustryFigure
from chains.quality.models import FLAG_FIGURE
from tests.browser.test_update_journey import log_in
from tests.chains.test_quality import NOVEMBER, broken, good_row, history, workbook  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def rules(demo_accounts):
    call_command("load_validation_rules")


@pytest.fixture
def users(demo_accounts):
    from accounts.models import User

    return {"stats": User.objects.get(username="tjj")}


def upload(page, path):
    page.get_by_role("navigation").get_by_role("link", name="统计数据").click()
    page.locator("#upload-form input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()


def test_preview_confirm_follow_up_and_explain(browser, live_server, history, tmp_path):  # noqa: F811
    clerk = log_in(browser, live_server, "tjj")
    upload(clerk, workbook(tmp_path / "2025年11月.xlsx", [good_row(2025, 11)]))
    expect(clerk.locator("#review")).to_have_count(0)  # a sound file: nothing to review
    clerk.locator("#apply").click()
    expect(clerk.locator(".messages")).to_contain_text("已导入")

    bad = broken(
        **{"工业总产值当月(万元)": NOVEMBER * 100, "同比(%)": 900, "营业收入当月(万元)": -5}
    )
    upload(clerk, workbook(tmp_path / "2025年11月（重报）.xlsx", [bad]))
    changes = clerk.locator("#figure-changes")
    expect(changes).to_contain_text("147,445.9")
    expect(changes).to_contain_text("14,744,590")
    expect(changes).to_contain_text("9900.0%")
    findings = clerk.locator("#findings")
    expect(findings).to_contain_text("该指标不应为负数")
    expect(findings).to_contain_text("同比 900.0%")
    expect(findings).to_contain_text("1–N月累计值不应小于当月值")
    clerk.get_by_role("link", name="离群值").click()
    expect(clerk.locator("#findings")).not_to_contain_text("该指标不应为负数")
    clerk.get_by_role("link", name="全部").click()

    clerk.locator("#apply").click()  # no reason: refused, nothing imported
    expect(clerk.locator(".messages")).to_contain_text("没有填写核实理由")
    assert (
        IndustryFigure.objects.get(
            is_current=True, indicator__code="revenue-month", year=2025, month=11
        ).value
        > 0
    )
    first = clerk.locator("#findings tbody tr").first.locator("input[type=text]")
    first.fill("已与统计局专业处室核实")
    clerk.locator("#reason_all").fill("龙头企业新产线投产，已电话核实")
    clerk.locator("#apply").click()
    expect(clerk.locator(".messages")).to_contain_text("已导入")
    expect(clerk.locator("#findings")).to_contain_text("已与统计局专业处室核实")
    record = FigureImport.objects.latest("pk")
    assert (
        record.status == "applied"
        and record.flags.filter(confirmed_at__isnull=False).count() == record.flags.count()
    )

    clerk.goto(f"{live_server.url}/stats/")
    clerk.locator("#follow-up-link").click()
    flags = clerk.locator("#flags > li")
    expect(flags.first).to_contain_text("电子信息产业集群")
    count = flags.count()
    # One card per figure: a figure flagged twice (a jump, month-on-month and against the
    # median) is explained once.
    assert count == len({tuple(f) for f in record.flags.values_list(*FLAG_FIGURE)})
    assert count < record.flags.count()
    clerk.goto(f"{live_server.url}/stats/industries/electronic-information/?year=2025")
    expect(clerk.locator(".flag-mark").first).to_be_visible()
    expect(clerk.locator("#figures-flag-note")).to_be_visible()

    clerk.goto(f"{live_server.url}/stats/follow-up/")
    for _ in range(count):
        item = clerk.locator("#flags > li").first
        item.locator("textarea").fill("某龙头企业新产线11月投产，数据经核实无误")
        item.get_by_role("button", name="保存说明").click()
        expect(clerk.locator(".messages")).to_contain_text("已移出数据核查清单")
    expect(clerk.locator("#no-flags")).to_be_visible()
    clerk.goto(f"{live_server.url}/stats/industries/electronic-information/?year=2025")
    expect(clerk.locator(".flag-mark")).to_have_count(0)
    assert clerk.console_errors == []
