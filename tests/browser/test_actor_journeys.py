"""Every actor the source document names does its part, in a real browser: 市招商办 guides a
district's lead to 签约 and it enters the project register; 市科技局 records an innovation
platform and reaches a 攻关 milestone; 思明区 reads its own assessment; a principal city leader
opens the annual hearing."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from reporting.models import InvestmentLead, Project, TechMilestone
from tests.browser.test_update_journey import log_in

pytestmark = pytest.mark.browser


def test_the_investment_office_guides_a_districts_lead_to_signing(
    browser, live_server, demo_accounts
):
    district = log_in(browser, live_server, "siming")
    district.get_by_role("navigation").get_by_role("link", name="招商线索").click()
    district.get_by_role("link", name="登记线索").click()
    district.get_by_label("目标企业").fill("宁德时代新能源科技股份有限公司")
    district.get_by_label("来源").select_option(label="以商引商")
    district.get_by_label("产业").select_option(label="新能源产业")
    district.get_by_label("预计投资（亿元）").fill("120")
    district.get_by_label("下一步工作").fill("赴宁德拜访")
    district.get_by_role("button", name="保存").click()
    expect(district.locator(".messages")).to_contain_text("线索已登记")

    office = log_in(browser, live_server, "zsb")
    office.get_by_role("navigation").get_by_role("link", name="招商线索").click()
    office.get_by_role("link", name="宁德时代新能源科技股份有限公司").click()
    office.get_by_label("指导意见").fill("请会同市工信局做好能耗评估，加快签约。")
    office.get_by_role("button", name="发送").click()
    expect(office.locator(".messages")).to_contain_text("指导意见已记录")
    office.get_by_label("改为").select_option(label="已签约")
    office.get_by_role("button", name="确定").click()
    expect(office.locator(".messages")).to_contain_text("项目已登记入项目库")
    office.locator("#lead-project a").click()
    expect(office.locator("#project-stage")).to_contain_text("已签约")

    lead = InvestmentLead.objects.get()
    assert lead.stage == "signed" and lead.unit.name == "思明区"
    project = Project.objects.get()
    assert project.district.name == "思明区" and project.responsible_unit.name == "思明区"
    district.reload()
    expect(district.locator("#lead-history")).to_contain_text("请会同市工信局做好能耗评估")
    assert not district.console_errors and not office.console_errors


def test_the_science_bureau_records_a_platform_and_reaches_a_milestone(
    browser, live_server, demo_accounts
):
    kjj = log_in(browser, live_server, "kjj")
    kjj.get_by_role("navigation").get_by_role("link", name="科技创新").click()
    kjj.get_by_role("link", name="登记创新平台").click()
    kjj.get_by_label("产业").select_option(label="生物医药产业")
    kjj.get_by_label("平台名称").fill("厦门生物制药国家工程研究中心")
    kjj.get_by_label("级别").select_option(label="国家级")
    kjj.get_by_label("类型", exact=True).select_option(label="工程（技术）研究中心")
    kjj.get_by_label("依托单位").fill("厦门大学")
    kjj.get_by_label("区（开发区）").select_option(label="海沧区")
    kjj.get_by_label("认定（启动）年份").fill("2025")
    kjj.get_by_role("button", name="保存").click()
    expect(kjj.locator("#platform-list")).to_contain_text("厦门生物制药国家工程研究中心")
    # the split by district counts it under 海沧区
    expect(kjj.locator('#innovation-districts tr[data-district="haicang"] td').first).to_have_text(
        "1"
    )

    kjj.get_by_role("link", name="登记攻关项目").click()
    kjj.get_by_label("产业").select_option(label="生物医药产业")
    kjj.get_by_label("攻关项目").fill("重组蛋白疫苗关键技术攻关")
    kjj.get_by_label("牵头企业或院所").fill("万泰沧海生物")
    kjj.get_by_label("起止时间").fill("2025-01-01")
    kjj.get_by_label("结束日期").fill("2027-12-31")
    kjj.get_by_role("button", name="保存").click()
    expect(kjj.get_by_role("heading", name="重组蛋白疫苗关键技术攻关")).to_be_visible()
    kjj.get_by_label("节点", exact=True).fill("完成中试验证")
    kjj.get_by_label("计划完成").fill("2025-06-30")
    kjj.get_by_role("button", name="添加").click()
    expect(kjj.locator("#milestones")).to_contain_text("完成中试验证")
    kjj.get_by_role("button", name="标记今日完成").click()
    expect(kjj.locator(".messages")).to_contain_text("节点已完成")
    expect(kjj.locator("#tech-history")).to_contain_text("完成节点：完成中试验证")
    assert TechMilestone.objects.get().done_on is not None
    assert not kjj.console_errors


def test_a_district_reads_its_assessment_and_a_principal_leader_the_hearing(
    browser, live_server, demo_accounts
):
    call_command("load_assessment_indicators", verbosity=0)
    siming = log_in(browser, live_server, "siming")
    siming.get_by_role("navigation").get_by_role("link", name="本区考核").click()
    expect(siming.get_by_role("heading", level=1)).to_contain_text("思明区")
    expect(siming.locator("#breakdown")).to_contain_text("报送及时率")
    expect(siming.locator("#total")).to_contain_text("排名")

    leader = log_in(browser, live_server, "zhuyao")
    leader.get_by_role("navigation").get_by_role("link", name="年度工作听取").click()
    expect(leader.get_by_role("heading", level=1)).to_contain_text("年度听取")
    expect(leader.locator("#hearing-lines")).to_contain_text("电子信息产业集群")
    assert not siming.console_errors and not leader.console_errors
