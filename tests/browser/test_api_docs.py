"""The API's docs page (Swagger UI from the portal's own static files) renders the schema under
the portal's CSP, with nothing refused and nothing fetched from another origin."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_update_journey import log_in

pytestmark = pytest.mark.browser


def test_the_api_docs_render_under_the_csp(browser, live_server, demo_accounts):
    clerk = log_in(browser, live_server, "tjj")
    requested = []
    clerk.on("request", lambda request: requested.append(request.url))
    clerk.goto(f"{live_server.url}/api/docs/")
    expect(clerk.locator(".swagger-ui .title")).to_contain_text("API")
    expect(clerk.locator(".swagger-ui")).to_contain_text("/api/v1/statistics/imports/")
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert clerk.console_errors == []
