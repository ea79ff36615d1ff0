"""A figure more than ten times last month's, in a real browser: the 市工信局 clerk is warned
and asked to confirm, the confirmed figure is saved, and the DRC's reviewer sees the mark."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from chains.models import Industry
from reporting.models import MonthlyUpdate
from reporting.periods import services as periods_services
from reporting.updates import services
from tests.browser.test_update_journey import log_in
from tests.reporting.conftest import content

pytestmark = pytest.mark.browser


def test_a_tenfold_figure_is_confirmed_then_marked(browser, live_server, demo_accounts, clock):
    clerk_user = User.objects.get(username="gxj")
    electronics = Industry.objects.get(code="electronic-information")
    months = [periods_services.period_get_or_create(2025, m) for m in (9, 10)]
    september, october = (
        services.update_start(
            industry=electronics, unit=clerk_user.unit, period=period, user=clerk_user
        )
        for period in months
    )
    services.update_save(  # 签约金额 15.50 亿元 in September
        update=september, content=content(), expected_version=september.version, user=clerk_user
    )

    clerk = log_in(browser, live_server, "gxj")
    clerk.goto(live_server.url + reverse("reporting:edit", args=[october.pk]))
    clerk.locator("#id_signed_amount").fill("200")
    clerk.get_by_role("button", name="保存草稿").click()
    warning = clerk.locator("#figure-jumps")
    expect(warning).to_contain_text("签约金额 200.00 亿元，是上月（15.50 亿元）的 12.9 倍")
    expect(clerk.locator("#id_signed_amount")).to_have_value("200")  # the typed value stays
    assert MonthlyUpdate.objects.get(pk=october.pk).signed_amount is None
    warning.get_by_label("我已核实该数值").check()
    clerk.get_by_role("button", name="保存草稿").click()
    expect(clerk.locator(".messages")).to_contain_text("草稿已于")
    assert MonthlyUpdate.objects.get(pk=october.pk).figure_checks["signed_amount"]["by"] == (
        clerk_user.pk
    )
    # The refused save answers 400 (as every refused form does), which the console reports.
    errors = [e for e in clerk.console_errors if "status of 400" not in e]
    assert not errors, errors

    reviewer = log_in(browser, live_server, "fgw")
    reviewer.goto(live_server.url + reverse("reporting:review", args=[october.pk]))
    mark = reviewer.locator('[data-figure-check="signed_amount"]')
    expect(mark).to_have_text("已核实：为上月的 12.9 倍")
    who = clerk_user.display_name
    expect(mark).to_have_attribute("title", f"核实人：{who}；本月 200.00 亿元，上月 15.50 亿元。")
