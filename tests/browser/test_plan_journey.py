"""The yearly work plan in a real browser: a 思明区 clerk writes and submits the district's
plan for 2027; the DRC accepts it; in January the plan's items appear in the district's monthly
progress page, where progress is recorded; after the January deadline the DRC's district
assessment shows the plan completion, and a score whose breakdown matches the data."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from reporting.models import AssessmentIndicator, PlanProgress, WorkPlan
from tests.browser.test_update_journey import log_in

pytestmark = pytest.mark.browser


def test_district_plan_filed_accepted_progressed_and_assessed(
    browser, live_server, demo_accounts, clock
):
    clock.set(datetime.date(2027, 1, 12))
    call_command("load_assessment_indicators")
    clerk = log_in(browser, live_server, "siming")
    clerk.get_by_role("navigation").get_by_role("link", name="工作计划").click()
    expect(clerk.get_by_role("heading", name="2027年度工作计划")).to_be_visible()
    clerk.locator('tr[data-plan-scope="own"]').get_by_role("button", name="开始编制").click()

    clerk.locator("#id_summary").fill("打造软件和信息服务业核心区。")
    rows = [
        ("platform", "新增楼宇载体面积", "20", "万平方米", "6"),
        ("investment", "新签约亿元以上项目", "12", "个", "12"),
    ]
    for n, (element, task, value, unit, month) in enumerate(rows):
        clerk.locator(f"#id_items-{n}-element").select_option(element)
        clerk.locator(f"#id_items-{n}-task").fill(task)
        clerk.locator(f"#id_items-{n}-target_value").fill(value)
        clerk.locator(f"#id_items-{n}-target_unit").fill(unit)
        clerk.locator(f"#id_items-{n}-responsible").select_option(label="思明区")
        clerk.locator(f"#id_items-{n}-due_month").select_option(month)
    clerk.get_by_role("button", name="提交市发改委").click()
    expect(clerk.locator("#plan-status")).to_have_attribute("data-status", "submitted")
    plan = WorkPlan.objects.get(unit__name="思明区", plan_year__year=2027)
    assert plan.items.count() == 2

    drc = log_in(browser, live_server, "fgw")
    drc.goto(f"{live_server.url}/updates/plans/?year=2027")
    drc.locator(f'tr[data-plan="{plan.pk}"]').get_by_role("link", name="审核").click()
    drc.locator("#plan-review").get_by_role("button", name="通过").click()
    expect(drc.locator("#plan-status")).to_have_attribute("data-status", "accepted")

    # January: the district's monthly page lists the plan's items; it records progress.
    # A week later: the idle timeout (30 minutes) logged everyone out, so the clerk logs in again.
    clock.set(datetime.date(2027, 1, 20))
    clerk = log_in(browser, live_server, "siming")
    clerk.get_by_role("navigation").get_by_role("link", name="我的待办").click()
    clerk.get_by_role("link", name="填报2027年1月的计划进展").click()
    items = {i.task: i.pk for i in plan.items.all()}
    expect(clerk.locator("#progress-items tbody tr")).to_have_count(2)
    clerk.locator(f'input[name="percent-{items["新增楼宇载体面积"]}"]').fill("60")
    clerk.locator(f'input[name="value-{items["新增楼宇载体面积"]}"]').fill("12")
    clerk.locator(f'textarea[name="text-{items["新增楼宇载体面积"]}"]').fill(
        "软件园三期交付8万平方米。"
    )
    clerk.locator(f'input[name="percent-{items["新签约亿元以上项目"]}"]').fill("25")
    clerk.get_by_role("button", name="保存进展").click()
    expect(clerk.locator(".messages")).to_contain_text("2")
    assert sorted(PlanProgress.objects.values_list("percent", flat=True)) == [25, 60]

    # After January's deadline the DRC compares districts, as of January.
    clock.set(datetime.date(2027, 2, 20))
    drc = log_in(browser, live_server, "fgw")
    drc.goto(f"{live_server.url}/dashboard/districts/?year=2027")
    row = drc.locator('tr[data-unit="siming"]')
    weights = {i.metric: i for i in AssessmentIndicator.objects.all()}
    # By hand: plan completion = (60 + 25) ÷ 2 = 42.5 %, scored 42.5 ÷ 100 × 100.
    completion = Decimal("42.5")
    assert weights["plan_completion"].full_marks_at == 100
    expect(row.locator('td[data-metric="plan_completion"]')).to_contain_text("42.5%")
    # Timeliness: the plan submitted by January 31 and January's progress recorded by its
    # deadline, 2 of 2 on time: 100. No leading industries: growth does not apply and no
    # enterprises count (0 points). No overdue action items: 100.
    expect(row.locator('td[data-metric="timeliness"]')).to_contain_text("100%")
    expect(row.locator('td[data-metric="figure_growth"]')).to_contain_text("不适用")
    scores = {
        "timeliness": 100,
        "plan_completion": completion,
        "enterprises": 0,
        "open_actions": 100,
    }
    total = sum(weights[m].weight * v for m, v in scores.items()) / sum(
        weights[m].weight for m in scores
    )
    total = total.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    expect(row.locator("td.total")).to_have_text(f"{total.normalize():f}")

    # The district's page shows how the completion was reached.
    row.get_by_role("link", name="思明区").click()
    breakdown = drc.locator('tr[data-metric="plan_completion"]')
    expect(breakdown).to_contain_text("85% ÷ 2 项 = 42.5%")
    assert not clerk.console_errors and not drc.console_errors
