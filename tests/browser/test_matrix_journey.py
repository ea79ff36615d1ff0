"""A 市工信局 clerk logs in with a demo account and reads the matrix, in Chinese."""

import pytest
from playwright.sync_api import expect

from chains.matrix.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url  # sent to log in first
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)  # home, or the cockpit


def test_gxj_logs_in_and_sees_the_matrix_in_chinese(page, live_server, demo_accounts):
    log_in(page, live_server, "gxj")
    expect(page.get_by_role("heading", name="我的产业")).to_be_visible()
    expect(page.get_by_role("link", name="电子信息产业集群").first).to_be_visible()

    page.get_by_role("link", name="责任分工").first.click()
    page.wait_for_url(f"{live_server.url}/matrix/")
    expect(page.locator("h2", has_text="四大支柱产业集群")).to_be_visible()
    expect(page.locator("h2", has_text="四个战略性新兴产业")).to_be_visible()
    expect(page.locator("h2", has_text="六个未来产业")).to_be_visible()
    assert page.locator("tr[data-industry]").count() == 14
    electronics = page.locator('tr[data-industry="electronic-information"]')
    assert "市工信局" in electronics.inner_text() and "黄晓舟" in electronics.inner_text()
    logistics = page.locator('tr[data-industry="commerce-logistics"]').inner_text()
    for name in ["黄燕添", "庄荣良", "市商务局", "市交通局", "市会展局", "厦门港口局"]:
        assert name in logistics
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.console_errors == []


def test_language_switch_to_english_and_back(page, live_server, demo_accounts):
    log_in(page, live_server, "gxj")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="My industries")).to_be_visible()
    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("heading", name="我的产业")).to_be_visible()


def test_wrong_unit_gets_a_clear_refusal(page, live_server, demo_accounts):
    log_in(page, live_server, "swj")
    response = page.goto(f"{live_server.url}/matrix/industries/electronic-information/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="无访问权限")).to_be_visible()
