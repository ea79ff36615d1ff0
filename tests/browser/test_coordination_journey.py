"""The DRC opens the dashboard, filters to one industry, sees the reporting grid and a chart,
takes a problem to a coordination meeting and records a decision for 市商务局; 市商务局 closes
it with evidence on its due page; the dashboard then shows it closed."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import User
from chains.models import Industry, Unit
from reporting.models import ActionItem
from reporting.periods import services
from reporting.updates import services as updates_services
from tests.browser.test_update_journey import log_in
from tests.chains.stats_files import industry_workbook
from tests.reporting.conftest import FULL_TEXT

pytestmark = pytest.mark.browser


@pytest.fixture
def raised_problem(demo_accounts, tmp_path):
    """This month's 商贸物流 update of 市商务局 raises a problem; the bureau's figures are in."""
    from django.core.management import call_command

    today = services.today()
    services.periods_ensure(today)
    year, month = today.year, today.month
    period = services.period_get_or_create(year, month)
    swj = User.objects.get(username="swj")
    update = updates_services.update_start(
        industry=Industry.objects.get(code="commerce-logistics"),
        unit=Unit.objects.get(name="市商务局"),
        period=period,
        user=swj,
    )
    updates_services.update_save(
        update=update,
        content=updates_services.UpdateContent(
            fields=FULL_TEXT,
            problems=[
                {
                    "description": "冷链物流园用地指标未落实",
                    "type": "land",
                    "concerned": "冷链物流园",
                    "needs_meeting": True,
                }
            ],
        ),
        expected_version=update.version,
        user=swj,
    )
    rows = [("商贸物流产业集群", None, None, 5200, 52000, 6.1, 5600, 56000)]
    call_command(
        "import_statistics",
        str(industry_workbook(tmp_path / "f.xlsx", rows, title=f"{year}年1-{month}月")),
        "--user",
        "tjj",
    )
    return period


def test_problem_to_meeting_to_closed_action(browser, live_server, raised_problem):
    drc = log_in(browser, live_server, "fgw")
    drc.get_by_role("navigation").get_by_role("link", name="工作看板").click()
    drc.locator("#filters select[name=industry]").select_option("commerce-logistics")
    drc.locator("#filters select[name=month]").select_option(raised_problem.slug)
    drc.get_by_role("button", name="筛选").click()
    expect(drc.locator("#grid tr[data-industry]")).to_have_count(1)
    expect(drc.locator('#grid tr[data-industry="commerce-logistics"] td').last).to_be_visible()
    expect(drc.locator("#trend-chart canvas")).to_have_count(1)

    drc.get_by_role("link", name="全部问题").click()
    row = drc.locator("#problems tr", has_text="冷链物流园用地指标未落实")
    row.get_by_role("button", name="提请协调会").click()
    expect(drc.locator(".messages")).to_contain_text("已提请协调")
    drc.locator("#problems tr", has_text="冷链物流园用地指标未落实").get_by_role(
        "link", name="登记协调会"
    ).click()
    form = drc.locator("#meeting-form")
    form.locator("input[name=date]").fill(datetime.date.today().isoformat())
    form.locator("select[name=chair]").select_option(label="黄燕添")
    form.get_by_label("市商务局").check()
    form.locator("textarea[name=minutes]").fill("研究冷链物流园用地保障。")
    form.get_by_role("button", name="保存会议记录").click()
    expect(drc.locator("#agenda")).to_contain_text("冷链物流园用地指标未落实")

    deadline = datetime.date.today() + datetime.timedelta(days=20)
    action_form = drc.locator("#action-form")
    action_form.locator("textarea[name=decision]").fill("市商务局会同相关单位两周内提出用地方案")
    action_form.locator("select[name=unit]").select_option(label="市商务局")
    action_form.locator("input[name=deadline]").fill(deadline.isoformat())
    action_form.get_by_role("button", name="登记督办事项").click()
    expect(drc.locator("#actions")).to_contain_text("市商务局会同相关单位两周内提出用地方案")

    bureau = log_in(browser, live_server, "swj")
    bureau.get_by_role("navigation").get_by_role("link", name="我的待办").click()
    bureau.locator("#my-actions").get_by_role(
        "link", name="市商务局会同相关单位两周内提出用地方案"
    ).click()
    bureau.locator("#id_evidence").fill("用地方案已报市政府审定（会议纪要〔2026〕3号）")
    bureau.get_by_role("button", name="提交佐证并销号").click()
    expect(bureau.locator("#action-status")).to_have_text("已销号")
    assert ActionItem.objects.get().status == "closed"

    drc.goto(
        f"{live_server.url}/dashboard/?industry=commerce-logistics&month={raised_problem.slug}"
    )
    expect(drc.locator("#dashboard-actions")).to_contain_text("已销号")
    assert drc.console_errors == [] and bureau.console_errors == []
