"""The supervision loop in a browser: the DRC takes a problem to a coordination meeting whose
decision becomes an item, or assigns a problem straight to a host unit and a co-unit; the item
goes 签收 → 办理 → 反馈 → 复核 (sent back once) → 办结, each party told at each step. The two long
journeys set their day (`clock`): what they check does not depend on it, and the date-sensitive
runs (make test-dates) stay short."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import Notification, User
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


def test_problem_to_meeting_to_an_assigned_item(browser, live_server, raised_problem):
    """The DRC filters the dashboard, takes a problem to a coordination meeting and records a
    decision as an item for 市商务局, which sees it on its due page."""
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
    expect(bureau.locator("#action-status")).to_have_text("已交办，待签收")
    bureau.get_by_role("button", name="签收").click()
    expect(bureau.locator("#action-status")).to_have_text("办理中")
    assert ActionItem.objects.get().source == "meeting"
    drc.goto(
        f"{live_server.url}/dashboard/?industry=commerce-logistics&month={raised_problem.slug}"
    )
    expect(drc.locator("#dashboard-actions")).to_contain_text("办理中")
    assert drc.console_errors == [] and bureau.console_errors == []


def _notices(username):
    return list(
        Notification.objects.filter(user__username=username)
        .order_by("id")
        .values_list("text", flat=True)
    )


def test_an_item_from_a_problem_to_closed_with_evidence(
    browser, live_server, clock, raised_problem, tmp_path
):
    """交办 → 签收 → 办理 with a file → 反馈 with evidence → 退回 → 反馈 → 复核 → 办结, each party
    told at each step: the DRC assigns a problem straight to 市交通局 with 海沧区 as co-unit."""
    evidence = tmp_path / "用地批复.pdf"
    evidence.write_bytes(b"%PDF-1.4 land approval")
    minutes = tmp_path / "现场踏勘记录.pdf"
    minutes.write_bytes(b"%PDF-1.4 site visit")
    deadline = datetime.date.today() + datetime.timedelta(days=30)

    drc = log_in(browser, live_server, "fgw")
    drc.goto(f"{live_server.url}/updates/problems/")
    drc.locator("#problems").get_by_role("link", name="冷链物流园用地指标未落实").click()
    form = drc.locator("#assign-form")
    form.locator("textarea[name=decision]").fill("市交通局牵头落实冷链物流园用地，海沧区配合")
    form.locator("select[name=unit]").select_option(label="市交通局")
    form.locator("#co-units").get_by_label("海沧区").check()
    form.locator("input[name=deadline]").fill(deadline.isoformat())
    form.get_by_role("button", name="交办").click()
    expect(drc.locator(".messages")).to_contain_text("已交办")
    expect(drc.locator("#action-host")).to_have_text("市交通局")
    expect(drc.locator("#action-co-units")).to_contain_text("海沧区")
    item = ActionItem.objects.get()
    assert item.source == "problem" and item.problem.status == "assigned"
    assert any("请主办单位签收" in t for t in _notices("jtj"))
    assert any("请主办单位签收" in t for t in _notices("haicang"))

    host = log_in(browser, live_server, "jtj")
    host.get_by_role("navigation").get_by_role("link", name="我的待办").click()
    host.locator("#my-actions").get_by_role("link", name="市交通局牵头落实冷链物流园用地").click()
    host.get_by_role("button", name="签收").click()
    expect(host.locator("#action-status")).to_have_text("办理中")
    assert any("市交通局已签收" in t for t in _notices("fgw"))

    co = log_in(browser, live_server, "haicang")
    co.goto(f"{live_server.url}/updates/actions/{item.pk}/")
    co.locator("#id_contribution").fill("海沧区已完成地块现场踏勘")
    co.locator("#id_contribution_files").set_input_files(str(minutes))
    co.get_by_role("button", name="送主办单位").click()
    expect(co.locator("#action-history")).to_contain_text("海沧区已完成地块现场踏勘")
    assert any("海沧区（协办）" in t for t in _notices("jtj"))

    host.reload()
    host.locator("#id_progress").fill("已完成选址比选")
    host.locator("#id_progress_files").set_input_files(str(minutes))
    host.get_by_role("button", name="保存进展").click()
    expect(host.locator("#action-history")).to_contain_text("已完成选址比选")
    expect(
        host.locator("#action-history").get_by_role("link", name="现场踏勘记录.pdf")
    ).to_have_count(2)
    host.locator("#id_evidence").fill("用地已纳入年度供地计划")
    host.locator("#id_evidence_files").set_input_files(str(evidence))
    host.get_by_role("button", name="反馈办结，提请复核").click()
    expect(host.locator("#action-status")).to_have_text("已反馈，待复核")
    assert any("反馈已办结，请复核" in t for t in _notices("fgw"))

    drc.reload()
    drc.locator("#id_review").fill("请补充市政府批复文号")
    drc.get_by_role("button", name="退回").click()
    expect(drc.locator("#action-status")).to_have_text("办理中")
    assert any("请补充市政府批复文号" in t for t in _notices("jtj"))

    host.reload()
    host.locator("#id_evidence").fill("用地已纳入年度供地计划（厦府〔2026〕12号）")
    host.locator("#id_evidence_files").set_input_files(str(evidence))
    host.get_by_role("button", name="反馈办结，提请复核").click()
    expect(host.locator("#action-status")).to_have_text("已反馈，待复核")

    drc.reload()
    with drc.expect_download() as download:
        drc.locator("#action-history").get_by_role("link", name="用地批复.pdf").last.click()
    assert download.value.suggested_filename == "用地批复.pdf"
    drc.get_by_role("button", name="复核通过，办结").click()
    expect(drc.locator("#action-status")).to_have_text("已办结")
    expect(drc.locator("#item-steps li.current")).to_have_text("复核办结")
    item.refresh_from_db()
    assert item.status == "closed" and item.problem.status == "resolved"
    assert [e.kind for e in item.events.order_by("id")] == [
        "created",
        "acknowledged",
        "co_input",
        "progress",
        "reported",
        "returned",
        "reported",
        "closed",
    ]
    assert any("已办结" in t for t in _notices("jtj"))
    assert any("已办结" in t for t in _notices("haicang"))

    # Closed items leave 我的待办.
    host.get_by_role("navigation").get_by_role("link", name="我的待办").click()
    expect(host.locator("#my-actions")).to_have_count(0)
    for page in (drc, host, co):
        assert page.console_errors == []


def test_a_leaders_instruction_on_the_report_becomes_an_item(
    browser, live_server, clock, raised_problem
):
    """黄燕添 writes a 批示 on the month's final report; the DRC makes it an item for 市商务局;
    the leader's list shows what became of it."""
    from reporting.models import Report
    from reporting.reports import services as report_services
    from reporting.reports.gather import gather

    data = gather("monthly", raised_problem.year, raised_problem.month)
    report = Report.objects.create(
        kind="monthly", period=raised_problem.slug, title=data["title"], data=data
    )
    report_services.report_finalise(
        report=report, user=User.objects.get(username="fgw"), expected_version=report.edit_version
    )
    leader = log_in(browser, live_server, "huangyantian")
    leader.goto(f"{live_server.url}/reports/{report.pk}/")
    leader.locator("#id_instruction_text").fill("冷链物流用地问题请市商务局牵头抓紧解决。")
    leader.get_by_role("button", name="提交批示").click()
    expect(leader.locator(".messages")).to_contain_text("批示已记录")
    expect(leader.locator("#instructions blockquote")).to_contain_text("请市商务局牵头抓紧解决")
    assert any("黄燕添对《" in t for t in _notices("fgw"))

    drc = log_in(browser, live_server, "fgw")
    drc.get_by_role("navigation").get_by_role("link", name="批示").click()
    drc.locator("#instruction-list").get_by_role("link", name="冷链物流用地问题").click()
    form = drc.locator("#assign-form")
    form.locator("select[name=industry]").select_option(label="商贸物流产业集群")
    form.locator("select[name=unit]").select_option(label="市商务局")
    form.locator("input[name=deadline]").fill(
        (datetime.date.today() + datetime.timedelta(days=15)).isoformat()
    )
    form.get_by_role("button", name="交办").click()
    expect(drc.locator("#action-status")).to_have_text("已交办，待签收")
    item = ActionItem.objects.get()
    assert item.source == "instruction" and item.instruction.report_id == report.pk

    leader.get_by_role("navigation").get_by_role("link", name="批示").click()
    expect(leader.locator("#instruction-list")).to_contain_text("已交办，待签收")
    assert leader.console_errors == [] and drc.console_errors == []
