"""Every page, as every kind of user, fits a phone and a desk and passes axe-core.

The pages are the permission walk's (tests/test_url_security.py): every URL of the project has
an entry there naming who may open it, so a page added tomorrow joins this sweep the day it is
added. Each role opens each page it may open (HTML pages: files, PDFs and Word downloads are
not pages) on the walk's world, which holds every kind of row a user has, and:

- at 390 × 844 and at 1366 × 768 the page never scrolls sideways
  (`document.documentElement.scrollWidth > innerWidth` fails);
- on the phone what a finger presses is at least 44 px; on the desk the menu fits one line;
- every page's title names the page before the portal;
- axe-core (vendored in tests/browser/vendor, WCAG 2.1 A and AA rules) finds no serious or
  critical violation. Axe runs once per page (the markup a page gives every role is the same
  template), as the first role that may open it, on the desk, and on the phone for the pages
  city leaders read there.

The long pages on the demo data (tables of ten industries and every month) are
test_page_width's."""

import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings
from django.urls import reverse

from tests import url_security_world as world_data
from tests.test_url_security import EXPECTATIONS, resolved

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 768}
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
NOT_PAGES = {  # answers that are files, not pages
    "api:schema",
    "healthz",
    "readyz",
    "reporting:action_file",
    "reporting:attachment",
    "reporting:meeting_minutes_pdf",
    "reports:docx",
    "reports:document",
    "reports:page",
    "reports:pdf",
    "reports:job_status",
    "stats:import_file",
    "stats:template",
}
# Swagger UI's own page (drf-spectacular) for developers of the API: its markup is the
# library's, not the portal's (nested buttons, its grey on white), so axe and the touch check
# leave it out; it must still fit the screen.
THIRD_PARTY = {"api:docs"}
# Read on a phone by city leaders: axe runs there too.
PHONE_AXE = {"cockpit", "home", "dashboard", "industry", "reporting:board", "reports:archive"}
CULPRITS = """() => {
  const out = [];
  const W = window.innerWidth;
  const scrolls = el => { for (let a = el.parentElement; a; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX; if (o === "auto" || o === "scroll" || o === "hidden") return true; } return false; };
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > W + 1 && !scrolls(el) && !(el.parentElement && el.parentElement.getBoundingClientRect().right > W + 1 && !scrolls(el.parentElement) )) {
      out.push(el.tagName + "." + el.className + " " + Math.round(r.right) + " " + (el.textContent||"").trim().slice(0,30));
    }
  }
  return out.slice(0, 4);
}"""
# On a phone: what a finger presses and is smaller than 44 px (text links inside a sentence and
# check boxes, which their label enlarges, are exempt).
SMALL_TARGETS = """() => [...document.querySelectorAll(
    "button, .button, select, summary, .mainnav a, input:not([type=hidden]):not([type=checkbox]):not([type=radio])")]
  .filter(el => el.offsetParent !== null)
  .filter(el => { const r = el.getBoundingClientRect(); return r.height < 43.5 || r.width < 43.5; })
  .map(el => el.tagName + "." + el.className + " " + (el.textContent || el.name || "").trim().slice(0, 20))
  .slice(0, 5)"""
# On a desk: the menu fits one line.
MENU_LINES = (
    """() => new Set([...document.querySelectorAll(".mainnav a")].map(a => a.offsetTop)).size"""
)
RUN_AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


@pytest.fixture
def world(transactional_db, tmp_path, clock):
    clock.set(clock.day.replace(year=2026, month=11, day=20))
    with override_settings(MEDIA_ROOT=tmp_path):
        yield world_data.build(tmp_path)


def pages_by_role(w) -> dict[str, list[tuple[str, str]]]:
    """role → [(name, URL)] of every HTML page the role may open."""
    pages = {}
    for name, (method, kwargs, expected, *data) in sorted(EXPECTATIONS.items()):
        if method != "get" or name in NOT_PAGES or data:
            continue
        url = reverse(name, kwargs=resolved(kwargs, w))
        for role, outcome in expected.items():
            if outcome == 200:
                pages.setdefault(role, []).append((name, url))
    return pages


def signed_in(browser, live_server, user):
    # bypass_csp: axe is injected as an inline script, which the portal's CSP refuses
    context = browser.new_context(viewport=PHONE, locale="zh-CN", bypass_csp=True)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


def test_every_page_fits_and_passes_axe(browser, live_server, world):
    wide, violations, errors, axed = {}, {}, [], set()
    small, menu, untitled = {}, {}, []
    for role, pages in pages_by_role(world).items():
        context = signed_in(browser, live_server, world["users"].get(role))
        page = context.new_page()
        page.on(
            "pageerror", lambda e, role=role, page=page: errors.append((role, page.url, str(e)))
        )
        for name, url in pages:
            page.set_viewport_size(PHONE)
            response = page.goto(live_server.url + url)
            assert response.status == 200, (role, url, response.status)
            # the title says where the user is: the page's own name before the portal's
            if not page.title().split(" · ")[0].strip():
                untitled.append(url)
            for viewport in (PHONE, DESK):
                page.set_viewport_size(viewport)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > page.evaluate("window.innerWidth"):
                    wide[(role, viewport["width"], url)] = (width, page.evaluate(CULPRITS))
                if name in THIRD_PARTY:
                    continue
                if viewport is PHONE and (found := page.evaluate(SMALL_TARGETS)):
                    small[(role, url)] = found
                if viewport is DESK and page.evaluate(MENU_LINES) > 1:
                    menu[role] = url
                if name not in axed and (viewport is DESK or name in PHONE_AXE):
                    page.add_script_tag(path=str(AXE))
                    found = page.evaluate(RUN_AXE)
                    if found:
                        violations[(role, viewport["width"], url)] = found
            axed.add(name)
        context.close()
    assert wide == {}, "\n".join(f"{r} {w}px {u}: {n}" for (r, w, u), n in sorted(wide.items()))
    assert violations == {}, json.dumps(
        {" ".join(map(str, k)): v for k, v in violations.items()}, ensure_ascii=False, indent=1
    )
    assert untitled == []
    assert small == {}
    assert menu == {}
    assert errors == []
