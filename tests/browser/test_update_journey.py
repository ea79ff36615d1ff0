"""The monthly update loop in a real browser: a 市工信局 clerk files, the DRC returns one
section, the clerk fixes and resubmits, the DRC sees the diff and accepts; and a 思明区 user
adds an input that the lead unit sees while writing."""

import re

import pytest
from playwright.sync_api import expect

from chains.matrix.demo import DEMO_PASSWORD
from reporting.models import MonthlyUpdate

pytestmark = pytest.mark.browser
# The form's script has loaded (asked only once the form's page is there).
AUTOSAVE_READY = "() => !!(document.getElementById('update-form') || {}).autosaveNow"

TEXT = {
    "id_progress_organisation": "召开电子信息产业专班会议2次，明确年度重点任务。",
    "id_progress_roadmap": "更新集成电路和新型显示产业链图谱。",
    "id_progress_policy": "兑现扶持资金1.2亿元。",
    "id_progress_platform": "火炬高新区新增载体5万平方米。",
    "id_progress_projects": "谋划储备项目12个，总投资85亿元。",
    "id_progress_investment": "赴深圳开展精准招商，对接企业15家。",
    "id_suggestions": "建议统筹保障重点项目能耗指标。",
    "id_next_plan": "推动天马8.6代线设备搬入。",
}


def log_in(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)  # home, or the cockpit
    return page


def open_electronics(page, live_server):
    page.get_by_role("navigation").get_by_role("link", name="我的待办").click()
    row = page.locator('tr[data-industry="electronic-information"]').first
    expect(row).to_be_visible()
    return row


def test_file_return_resubmit_accept(browser, live_server, demo_accounts):
    clerk = log_in(browser, live_server, "gxj")
    row = open_electronics(clerk, live_server)
    row.get_by_role("button", name="开始填报").click()
    expect(clerk.get_by_role("heading", name=re.compile("电子信息产业集群"))).to_be_visible()

    for field, text in TEXT.items():
        clerk.locator(f"#{field}").fill(text)
    clerk.locator("#id_projects-0-name").fill("天马第8.6代新型显示面板生产线")
    clerk.locator("#id_projects-0-stage").select_option("construction")
    clerk.locator("#id_projects-0-investment").fill("330")
    clerk.locator("#id_projects-0-progress").fill("主体厂房封顶")
    # more rows without saving first: one kept, one added by mistake and removed again
    add_project = clerk.get_by_role("button", name="+ 添加项目")
    add_project.click()
    expect(clerk.locator("#id_projects-1-name")).to_be_focused()
    clerk.locator("#id_projects-1-name").fill("厦门时代新能源电池基地三期")
    clerk.locator("#id_projects-1-stage").select_option("signed")
    add_project.click()
    clerk.locator("#id_projects-2-name").fill("误加的一行")
    clerk.locator("#projects tbody tr").last.get_by_role("button", name="移除此行").click()
    expect(clerk.locator("#id_projects-2-name")).to_have_count(0)
    clerk.locator("#id_projects_signed").fill("3")
    clerk.locator("#id_signed_amount").fill("15.5")
    clerk.locator("#id_problems-0-description").fill("产线用电负荷需扩容")
    clerk.locator("#id_problems-0-type").select_option("energy")
    clerk.locator("#id_problems-0-concerned").fill("天马微电子")
    clerk.locator("#id_problems-0-needs_meeting").check()
    clerk.get_by_role("button", name="保存草稿").click()
    expect(clerk.locator(".messages")).to_contain_text("草稿已于")
    expect(clerk.locator("#id_progress_policy")).to_have_value(TEXT["id_progress_policy"])
    clerk.get_by_role("button", name="提交市发改委").click()
    expect(clerk.locator(".messages")).to_contain_text("已提交")
    update = MonthlyUpdate.objects.get(
        industry__code="electronic-information", unit__name="市工信局"
    )
    assert (
        update.status == "submitted"
        and sorted(update.key_projects.values_list("name", flat=True))
        == ["厦门时代新能源电池基地三期", "天马第8.6代新型显示面板生产线"]
        and update.problems.get().needs_meeting
    )

    reviewer = log_in(browser, live_server, "fgw")
    reviewer.get_by_role("navigation").get_by_role("link", name="审核", exact=True).click()
    reviewer.locator('tr[data-industry="electronic-information"]').get_by_role("link").click()
    reviewer.locator("#return-form summary", has_text="政策").click()
    reviewer.locator("#id_section_policy").fill("请写明兑现资金惠及的企业数量。")
    reviewer.get_by_role("button", name="退回", exact=True).click()
    expect(reviewer.locator(".messages")).to_contain_text("退回")

    open_electronics(clerk, live_server).get_by_role("link", name="继续填报").click()
    expect(clerk.locator("#return-reasons")).to_contain_text("请写明兑现资金惠及的企业数量。")
    expect(clerk.locator('[data-field="progress_policy"] .reason')).to_contain_text(
        "惠及的企业数量"
    )
    clerk.locator("#id_progress_policy").fill("兑现扶持资金1.2亿元，惠及企业35家。")
    clerk.get_by_role("button", name="提交市发改委").click()
    expect(clerk.locator(".messages")).to_contain_text("已提交")

    reviewer.reload()
    diff = reviewer.locator("#diff")
    expect(diff).to_contain_text("政策")
    expect(diff.locator("ins")).to_contain_text("惠及企业35家")
    expect(diff.locator('h3[data-section="roadmap"]')).to_have_count(
        0
    )  # unchanged sections are not listed as changed
    reviewer.get_by_role("button", name="审核通过").click()
    expect(reviewer.locator(".messages")).to_contain_text("审核通过")

    clerk.goto(f"{live_server.url}/updates/{update.pk}/edit/")
    expect(clerk.get_by_text("已通过，仅可查看")).to_be_visible()  # sent to the read-only page
    expect(clerk.get_by_role("link", name="编辑")).to_have_count(0)
    expect(clerk.get_by_role("button", name="保存草稿")).to_have_count(0)
    assert MonthlyUpdate.objects.get(pk=update.pk).status == "accepted"
    assert clerk.console_errors == [] and reviewer.console_errors == []


def test_district_input_reaches_the_lead_unit(browser, live_server, demo_accounts):
    clerk = log_in(browser, live_server, "gxj")
    open_electronics(clerk, live_server).get_by_role("button", name="开始填报").click()
    expect(clerk.locator("#update-form")).to_be_visible()

    district = log_in(browser, live_server, "siming")
    district.get_by_role("navigation").get_by_role("link", name="我的待办").click()
    district.locator("tr", has_text="电子信息产业集群").get_by_role("link", name="提供材料").click()
    district.locator("#contribute textarea").fill("思明区本月新增集成电路设计企业3家。")
    district.locator("#contribute").get_by_role("button", name="提供材料").click()
    expect(district.locator(".messages")).to_contain_text("材料")

    clerk.reload()
    expect(clerk.locator("#contributions")).to_contain_text("思明区本月新增集成电路设计企业3家。")
    expect(clerk.locator("#contributions")).to_contain_text("思明区")


def test_autosave_keeps_the_text_and_stops_on_a_colleagues_save(
    browser, live_server, demo_accounts
):
    clerk = log_in(browser, live_server, "gxj")
    open_electronics(clerk, live_server).get_by_role("button", name="开始填报").click()
    clerk.wait_for_url("**/edit/")  # the click starts a navigation; wait for the form's page
    clerk.wait_for_function(AUTOSAVE_READY)
    clerk.locator("#id_progress_policy").fill("自动保存的政策进展")
    clerk.evaluate("document.getElementById('update-form').autosaveNow()")
    expect(clerk.locator("#autosave-status")).to_contain_text("已自动保存")
    update = MonthlyUpdate.objects.get(
        industry__code="electronic-information", unit__name="市工信局"
    )
    assert update.progress_policy == "自动保存的政策进展"

    colleague = browser.new_page()
    colleague.context.add_cookies(clerk.context.cookies())
    colleague.goto(clerk.url)
    colleague.locator("#id_progress_policy").fill("同事保存的版本")
    colleague.get_by_role("button", name="保存草稿").click()
    expect(colleague.locator(".messages")).to_contain_text("草稿已于")

    clerk.locator("#id_progress_policy").fill("我后来写的文字")
    clerk.evaluate("document.getElementById('update-form').autosaveNow()")
    expect(clerk.locator("#autosave-status")).to_contain_text("自动保存已停止")
    expect(clerk.locator("#id_progress_policy")).to_have_value(
        "我后来写的文字"
    )  # still in the form
    assert MonthlyUpdate.objects.get(pk=update.pk).progress_policy == "同事保存的版本"
    colleague.close()


def test_an_untouched_form_is_not_autosaved(browser, live_server, demo_accounts):
    clerk = log_in(browser, live_server, "gxj")
    open_electronics(clerk, live_server).get_by_role("button", name="开始填报").click()
    clerk.wait_for_url("**/edit/")  # the click starts a navigation; wait for the form's page
    clerk.wait_for_function(AUTOSAVE_READY)
    clerk.evaluate("document.getElementById('update-form').autosaveNow()")
    update = MonthlyUpdate.objects.get(
        industry__code="electronic-information", unit__name="市工信局"
    )
    assert update.events.count() == 1  # only "created": nothing changed, nothing saved
