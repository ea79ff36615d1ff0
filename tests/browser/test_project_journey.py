"""The project register in a real browser: 市工信局 finds its signed project carried into this
month's update, moves it to 开工 with the month's progress and submits; once the DRC accepts,
the register has moved and the project's history shows the move; the list finds it by name."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from chains.models import Industry
from reporting.models import Project
from reporting.projects import services as projects
from tests.browser.test_update_journey import TEXT, log_in, open_electronics

pytestmark = pytest.mark.browser


def test_a_lead_unit_moves_a_project_from_signed_to_started(browser, live_server, demo_accounts):
    gxj = User.objects.get(username="gxj")
    project = projects.project_add(
        user=gxj,
        industry=Industry.objects.get(code="electronic-information"),
        name="天马第8.6代新型显示面板生产线",
        stage="signed",
        investment=330,
    )
    clerk = log_in(browser, live_server, "gxj")
    open_electronics(clerk, live_server).get_by_role("button", name="开始填报").click()
    expect(clerk.get_by_role("heading", name=re.compile("电子信息产业集群"))).to_be_visible()

    row = clerk.locator("#projects tbody tr").first
    expect(row.get_by_role("link", name="天马第8.6代新型显示面板生产线")).to_be_visible()
    expect(row.locator("select")).to_have_value("signed")
    for field, text in TEXT.items():
        clerk.locator(f"#{field}").fill(text)
    row.locator("select").select_option(label="已开工")
    row.locator("textarea").fill("11月举行开工仪式，主体厂房桩基施工。")
    clerk.get_by_role("button", name="提交市发改委").click()
    expect(clerk.locator(".messages")).to_contain_text("已提交")

    project.refresh_from_db()
    assert project.stage == "signed"  # the register follows what the DRC accepts

    reviewer = log_in(browser, live_server, "fgw")
    reviewer.get_by_role("navigation").get_by_role("link", name="审核", exact=True).click()
    reviewer.locator('tr[data-industry="electronic-information"]').get_by_role("link").click()
    reviewer.get_by_role("button", name="审核通过").click()
    expect(reviewer.locator(".messages")).to_contain_text("审核通过")
    project.refresh_from_db()
    assert project.stage == "construction" and project.started_on is not None
    clerk.goto(f"{live_server.url}/updates/projects/?q=天马")
    clerk.get_by_role("link", name="天马第8.6代新型显示面板生产线").click()
    expect(clerk.locator("#project-stage")).to_contain_text("已开工")
    expect(clerk.locator("#project-history")).to_contain_text("已签约 → 已开工")
    expect(clerk.locator("#project-history")).to_contain_text("11月举行开工仪式")
    expect(clerk.locator("#project-months")).to_contain_text("已开工")
    assert Project.objects.count() == 1  # reported on, not registered a second time
    assert not clerk.console_errors
