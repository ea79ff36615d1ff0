"""Deny by default: every URL of the project, walked as every kind of user, with every export
and query variant, and every write view posted to by users who may not write there.

- Every URL (the resolver is walked) needs an entry in EXPECTATIONS naming the answer for
  each role in url_security_world.ROLES: a new URL without one fails the first test, so each
  page joins this check the day it is added.
- Every page a user may open is searched for markers only rows out of the user's scope carry
  (url_security_world.FORBIDDEN; in an xlsx, also the names of industries the user may not
  view): a 200 that shows another unit's or industry's data fails.
- VARIANTS tries each export (?format=xlsx) and filter (industry, unit, district, official,
  category, year, month, status, period, update, by) as users in and out of scope: either
  refused (403/404) or answered with nothing out of scope. A view reading a query parameter
  that no variant tries fails the test.
- WRITES posts a valid payload to each view that accepts POST, as every role: the users who
  may write change the database (so the payload is a real one), every other user is refused
  (403/404, anonymous sent to log in) or answered without effect, and nothing in the database
  changes, history and event tables included.

The data (tests/url_security_world.py) is built once for the module and rolled back after
it; each test runs in a savepoint of its own."""

import datetime
import inspect
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.policies import policy_of
from reporting.models import ActionItem, MonthlyUpdate, WorkPlan
from reporting.periods import services
from reporting.plans import services as plans
from reporting.supervision import services as coordination
from reporting.updates import services as updates_services
from tests import url_security_world as world_data
from tests.url_security_world import CL_SECRET, FORBIDDEN, ROLES, word_file

LOGIN = "login"  # a redirect to the login page
DENIED = (403, 404)
SIGNED_IN = tuple(role for role in ROLES if role != "anonymous")
CL_VIEWERS = ("swj", "jtj", "gkj", "siming", "drc", "stats", "leader_hyt", "admin", "zhuyao")
EI_VIEWERS = ("gxj", "siming", "drc", "stats", "admin", "zhuyao")
SYSTEM = ("drc", "stats", "admin", "zhuyao")  # read every industry (zhuyao: 市主要领导)
OVERVIEW = (*SYSTEM, "leader_hyt", "leader_lhy")  # the city overview
LEADS = ("swj", "jtj", "gxj")  # lead units: the dashboard of what they lead, final reports
DASHBOARD = (*OVERVIEW, *LEADS)
# Units leading or supporting some industry (市发改委 supports 商贸物流): they record innovation.
RECORDERS = ("swj", "jtj", "gkj", "siming", "gxj", "drc")
WITH_UNIT = ("swj", "jtj", "gkj", "siming", "gxj", "drc", "stats", "zsb")
CL = "commerce-logistics"
EI = "electronic-information"


def outcomes(default=DENIED, **given) -> dict:
    """The answer for every role: anonymous users are sent to log in, the roles named get
    theirs, every other role `default`."""
    return {role: default for role in ROLES} | {"anonymous": LOGIN} | given


def each(roles, outcome=200) -> dict:
    return dict.fromkeys(roles, outcome)


# name → (method, URL kwargs, {role: expected}[, query or POST data]). Values in braces name
# objects of the world ("{update}": 市商务局's 商贸物流 update; "{other.update}": 市工信局's).
EXPECTATIONS = {
    # City leaders, the principal leaders and the DRC land on the cockpit.
    "home": (
        "get",
        {},
        outcomes(**(each(SIGNED_IN) | each(("drc", "leader_hyt", "leader_lhy", "zhuyao"), 302))),
    ),
    "cockpit": ("get", {}, outcomes(**each(OVERVIEW))),
    # Search: open to every signed-in user, its results scoped (the markers' check below).
    "search": ("get", {}, outcomes(**each(SIGNED_IN))),
    "chains:matrix": ("get", {}, outcomes(**each(SIGNED_IN))),
    # The whole record of changes to the matrix: the DRC and the administrators only.
    "chains:matrix_changes": ("get", {}, outcomes(drc=200, admin=200)),
    "industry": ("get", {"code": CL}, outcomes(**each(CL_VIEWERS))),
    "chains:unit": ("get", {"code": "swj"}, outcomes(swj=200, **each(SYSTEM))),
    "chains:policies": ("get", {"code": CL}, outcomes(**each(CL_VIEWERS))),
    # The register is kept by the industry's lead units, each of them.
    "chains:policy_new": ("get", {"code": CL}, outcomes(swj=200, jtj=200)),
    "chains:policy": ("get", {"pk": "{policy}"}, outcomes(**each(CL_VIEWERS))),
    "chains:policy_edit": ("get", {"pk": "{policy}"}, outcomes(swj=200, jtj=200)),
    # The work team is kept by the industry's lead units.
    "chains:team": ("get", {"code": CL}, outcomes(swj=200, jtj=200)),
    "accounts:login": ("get", {}, outcomes(302, anonymous=200)),
    "accounts:logout": ("get", {}, outcomes(405)),  # a POST
    "accounts:notifications": ("get", {}, outcomes(**each(SIGNED_IN))),
    "set_language": ("get", {}, outcomes(302, anonymous=302)),
    "healthz": ("get", {}, outcomes(200, anonymous=200)),
    "readyz": ("get", {}, outcomes(200, anonymous=200)),
    # Each user changes only his or her own password (tests/accounts/test_password.py).
    "accounts:password_change": ("get", {}, outcomes(**each(SIGNED_IN))),
    "reporting:due": ("get", {}, outcomes(**each(SIGNED_IN))),
    # 市商务局 has its update already (back to My work); 市交通局 opens its own.
    "reporting:start": (
        "post",
        {},
        outcomes(swj=302, jtj=302),
        {"industry": CL, "period": "{period}"},
    ),
    "reporting:review_queue": ("get", {}, outcomes(drc=200)),
    # Always the user's own unit's updates of the month: none → 404.
    "reporting:batch": ("get", {"period": "{period}"}, outcomes(swj=200, gxj=200)),
    "reporting:update": ("get", {"pk": "{update}"}, outcomes(**each(CL_VIEWERS))),
    "reporting:edit": ("get", {"pk": "{update}"}, outcomes(swj=200)),
    "reporting:autosave": ("post", {"pk": "{update}"}, outcomes(swj=400)),  # empty: invalid
    "reporting:withdraw": ("post", {"pk": "{update}"}, outcomes(swj=302)),
    # Responsible units add inputs (市发改委 is one of 商贸物流's); the lead units do not.
    "reporting:contribute": (
        "post",
        {"pk": "{update}"},
        outcomes(gkj=302, siming=302, drc=302),
    ),
    "reporting:history": ("get", {"pk": "{update}"}, outcomes(**each(CL_VIEWERS))),
    "reporting:review": ("get", {"pk": "{update}"}, outcomes(drc=200)),
    "reporting:attachment": ("get", {"pk": "{attachment}"}, outcomes(**each(CL_VIEWERS))),
    "reporting:attachment_remove": ("post", {"pk": "{attachment}"}, outcomes(swj=302)),
    # Every user has the list; another unit's items only as far as its industries allow.
    "reporting:land": ("get", {}, outcomes(**each(SIGNED_IN)), {"unit": "swj"}),
    "reporting:land_add": ("get", {}, outcomes(swj=200), {"update": "{update}"}),
    "reporting:land_edit": ("get", {"pk": "{land_item}"}, outcomes(swj=200)),
    "reporting:land_remove": ("post", {"pk": "{land_item}"}, outcomes(swj=302)),
    # The register: every user has the list and the pipeline, scoped; its lead units keep it.
    "reporting:projects": ("get", {}, outcomes(**each(SIGNED_IN))),
    "reporting:project_pipeline": ("get", {}, outcomes(**each(SIGNED_IN))),
    "reporting:project": ("get", {"pk": "{project}"}, outcomes(**each((*CL_VIEWERS, "zsb")))),
    # Any unit that leads an industry may open the form (its own industries offered).
    "reporting:project_add": ("get", {}, outcomes(swj=200, jtj=200, gxj=200)),
    "reporting:project_edit": ("get", {"pk": "{project}"}, outcomes(swj=200, jtj=200)),
    "reporting:project_remove": ("post", {"pk": "{project}"}, outcomes(swj=302, jtj=302)),
    "reporting:project_restore": (
        "post",
        {"pk": "{removed_project}"},
        outcomes(swj=302, jtj=302),
    ),
    # Investment leads: every user has the (scoped) list; districts, lead units and 市招商办
    # record them; a lead is its unit's and 市招商办's to keep, and 市招商办's to guide.
    "reporting:leads": ("get", {}, outcomes(**each(SIGNED_IN))),
    "reporting:lead_add": ("get", {}, outcomes(**each(("swj", "jtj", "gxj", "siming", "zsb")))),
    "reporting:lead": ("get", {"pk": "{lead}"}, outcomes(**each(("swj", "jtj", "zsb", *SYSTEM)))),
    "reporting:lead_edit": ("get", {"pk": "{lead}"}, outcomes(swj=200, zsb=200)),
    "reporting:lead_move": ("post", {"pk": "{lead}"}, outcomes(swj=302, zsb=302)),
    "reporting:lead_guide": ("post", {"pk": "{lead}"}, outcomes(zsb=302)),
    "reporting:lead_remove": ("post", {"pk": "{lead}"}, outcomes(swj=302, zsb=302)),
    # Science and innovation: every user has the (scoped) registers; the industry's lead and
    # responsible units record; the recording unit and the lead units change.
    "reporting:innovation": ("get", {}, outcomes(**each(SIGNED_IN))),
    "reporting:innovation_add": ("get", {"kind": "platform"}, outcomes(**each(RECORDERS))),
    "reporting:innovation_edit": (
        "get",
        {"kind": "platform", "pk": "{platform}"},
        outcomes(swj=200, jtj=200),
    ),
    "reporting:innovation_remove": (
        "post",
        {"kind": "platform", "pk": "{platform}"},
        outcomes(swj=302, jtj=302),
    ),
    "reporting:tech_project": ("get", {"pk": "{research}"}, outcomes(**each(CL_VIEWERS))),
    "reporting:milestone_add": ("post", {"pk": "{research}"}, outcomes(swj=302, jtj=302)),
    "reporting:milestone_reach": ("post", {"pk": "{milestone}"}, outcomes(swj=302, jtj=302)),
    "reporting:problems": ("get", {}, outcomes(**each(SIGNED_IN))),
    "reporting:problem_escalate": ("post", {"pk": "{problem}"}, outcomes(drc=302)),
    "reporting:meeting_new": ("get", {}, outcomes(drc=200), {"industry": CL}),
    "reporting:meeting": ("get", {"pk": "{meeting}"}, outcomes(**each(CL_VIEWERS))),
    "reporting:action": ("get", {"pk": "{action}"}, outcomes(**each(CL_VIEWERS))),
    "reporting:action_file": ("get", {"pk": "{action_file}"}, outcomes(**each(CL_VIEWERS))),
    "reporting:problem": ("get", {"pk": "{problem}"}, outcomes(**each(CL_VIEWERS))),
    "reporting:board": ("get", {}, outcomes(drc=200)),
    "reporting:meetings": ("get", {}, outcomes(**each(SIGNED_IN))),
    "reporting:meeting_minutes_pdf": ("get", {"pk": "{meeting}"}, outcomes(**each(CL_VIEWERS))),
    "reporting:comment_new": ("post", {}, outcomes(default=404)),  # empty: no target
    "reporting:notice_preferences": ("get", {}, outcomes(**each(SIGNED_IN))),
    # a notice is its addressee's alone: 市商务局's opens (and is marked read) for swj only
    "accounts:notification_open": ("get", {"pk": "{notification}"}, outcomes(default=404, swj=302)),
    "reporting:instructions": ("get", {}, outcomes(**each(("drc", "leader_hyt", "leader_lhy")))),
    "reporting:instruction": ("get", {"pk": "{instruction}"}, outcomes(**each(CL_VIEWERS))),
    # empty: no target (404) for those who may instruct; refused for everyone else
    "reporting:instruction_new": (
        "post",
        {},
        outcomes(**each(("drc", "leader_hyt", "leader_lhy"), 404)),
    ),
    "dashboard": ("get", {}, outcomes(**each(DASHBOARD))),
    # The annual hearing: the principal leaders', and the city overview's readers.
    "hearing": ("get", {}, outcomes(**each(OVERVIEW))),
    "district_assessment": ("get", {}, outcomes(**each(SYSTEM))),
    # A district reads its own assessment (with its rank), no other's.
    # A district writes its own summary of the year, no other's.
    "district_narrative": ("post", {"code": "siming"}, outcomes(siming=302)),
    "district_assessment_detail": (
        "get",
        {"code": "siming"},
        outcomes(**each((*SYSTEM, "siming"))),
    ),
    "stats:home": ("get", {}, outcomes(**each(SYSTEM))),
    "stats:import": ("get", {"pk": "{import}"}, outcomes(**each(SYSTEM))),
    "stats:import_file": ("get", {"pk": "{import}"}, outcomes(**each(SYSTEM))),
    "stats:follow_up": ("get", {}, outcomes(**each(SYSTEM))),
    "stats:template": ("get", {"kind": "industry_figures"}, outcomes(**each(SIGNED_IN))),
    "stats:industry": ("get", {"code": CL}, outcomes(**each(CL_VIEWERS))),
    "stats:enterprise": ("get", {"pk": "{enterprise}"}, outcomes(**each(CL_VIEWERS))),
    "stats:cultivation": ("get", {}, outcomes(**each(CL_VIEWERS)), {"industry": CL}),
    # The statistics bureau's analysis: read by the readers of the overview and the reports
    # (a city leader only his or her industries'), written by statistics staff alone.
    "analysis:home": ("get", {}, outcomes(**each(OVERVIEW, 302))),
    "analysis:month": ("get", {"month": "{previous}"}, outcomes(**each(OVERVIEW))),
    "analysis:edit": ("get", {"month": "{previous}", "scope": CL}, outcomes(stats=200)),
    "analysis:history": (
        "get",
        {"month": "{previous}", "scope": CL},
        outcomes(**each((*SYSTEM, "leader_hyt"))),
    ),
    "reporting:plans": ("get", {}, outcomes(**each(SIGNED_IN))),
    # 市商务局's plan exists (to its form); 市交通局 opens its own.
    "reporting:plan_start": (
        "post",
        {},
        outcomes(swj=302, jtj=302),
        {"industry": CL, "year": "{year}"},
    ),
    "reporting:plan": ("get", {"pk": "{plan}"}, outcomes(**each(CL_VIEWERS))),
    "reporting:plan_edit": ("get", {"pk": "{plan}"}, outcomes(swj=200)),
    "reporting:plan_review": ("post", {"pk": "{plan}"}, outcomes(drc=302)),
    # Always the user's own unit's page.
    "reporting:plan_progress": ("get", {"period": "{period}"}, outcomes(**each(WITH_UNIT))),
    "reports:archive": ("get", {}, outcomes(**each(DASHBOARD))),
    "reports:generate": (
        "post",
        {},
        outcomes(drc=302),
        {"kind": "monthly", "period": "{previous}"},
    ),
    "reports:job": ("get", {"pk": "{job}"}, outcomes(drc=200)),
    "reports:job_status": ("get", {"pk": "{job}"}, outcomes(drc=200)),
    # A draft is the DRC's alone (a final report: VARIANTS).
    "reports:report": ("get", {"pk": "{report}"}, outcomes(drc=200)),
    # A post naming no version is refused like a stale one: 409, nothing written.
    "reports:edit": ("post", {"pk": "{report}"}, outcomes(drc=409)),
    "reports:html": ("get", {"pk": "{report}"}, outcomes(drc=200)),
    "reports:pdf": ("get", {"pk": "{report}"}, outcomes(drc=200)),
    "reports:docx": ("get", {"pk": "{report}"}, outcomes(drc=200)),
    "reports:page": ("get", {"pk": "{report}", "number": 1}, outcomes(drc=200)),
    # The edited Word document of a final version: read as the version is, kept by the DRC.
    "reports:document": ("get", {"pk": "{report_document}"}, outcomes(**each(DASHBOARD))),
    "reports:document_add": ("post", {"pk": "{final_report}"}, outcomes(drc=302)),
    # The API takes a client system's token, never a portal session: 401 for every user, and
    # for anonymous callers too (no login page). Tokens, scopes and each client's own imports:
    # tests/chains/test_api.py.
    **{
        name: ("get", kwargs, outcomes(401, anonymous=401))
        for name, kwargs in (
            ("api:statistics_imports", {}),
            ("api:statistics_import", {"pk": "{import}"}),
            ("api:statistics_import_apply", {"pk": "{import}"}),
            ("api:matrix", {}),
            ("api:indicators", {}),
            ("api:figures", {}),
        )
    },
    # The schema describes the API (no data): for a token or any signed-in user, whose docs
    # page reads it.
    "api:schema": ("get", {}, outcomes(**each(SIGNED_IN), anonymous=401)),
    "api:docs": ("get", {}, outcomes(**each(SIGNED_IN))),
}

# Reports are the city's whole picture, read in full by everyone who may open them.
NOT_SCOPED = {
    "reports:report",
    "reports:html",
    "reports:pdf",
    "reports:docx",
    "reports:document",
    "reports:page",
}
# Blank files whose example row names an industry (not data): markers only, not industry names.
EXAMPLE_WORKBOOKS = {"stats:template"}


@dataclass(frozen=True)
class Variant:
    """A URL with a query (or other objects in its path). `ok` roles get 200, `deny` roles
    403/404; every other signed-in role either is refused or sees nothing out of its scope.
    `xfail`: role → reason, for a known defect not fixed on this branch (strict: the case
    fails once the defect is fixed, and its mark is then removed)."""

    name: str
    query: dict = field(default_factory=dict)
    ok: tuple = ()
    deny: tuple = ()
    kwargs: dict | None = None  # None: those of EXPECTATIONS
    xfail: dict = field(default_factory=dict)


def not_(roles) -> tuple:
    return tuple(role for role in SIGNED_IN if role not in roles)


def dashboard_variants():
    xlsx = {"format": "xlsx"}
    found = []

    hyt = (*SYSTEM, "leader_hyt")
    # name the leaders whose industries the filter reaches; a filter wholly outside a
    # leader's industries is refused with a reason (issue 12, item 16).
    # A lead unit's dashboard holds the industries it leads: 市工信局 电子信息 and three more,
    # 市商务局 and 市交通局 商贸物流.
    cl_leads = ("swj", "jtj")
    for query, ok in (
        ({}, DASHBOARD),
        (xlsx, DASHBOARD),
        ({"month": "{period}"}, DASHBOARD),
        ({"month": "{previous}", **xlsx}, DASHBOARD),
        ({"category": "emerging"}, (*SYSTEM, "gxj")),
        ({"category": "pillar", **xlsx}, DASHBOARD),
        ({"unit": "gxj"}, (*SYSTEM, "gxj")),
        ({"unit": "swj", **xlsx}, (*hyt, *cl_leads)),
        ({"official": "huangxiaozhou"}, (*hyt, *LEADS)),
        ({"official": "huangxiaozhou", **xlsx}, (*hyt, *LEADS)),
        ({"district": "siming"}, DASHBOARD),
        ({"district": "siming", **xlsx}, DASHBOARD),
    ):
        found.append(Variant("dashboard", query, ok=ok, deny=not_(ok)))
    # A city leader filtering to an industry he or she does not lead is refused (issue 12,
    # item 16: it used to answer 200 with zeros labelled 全部).
    for query in ({"industry": EI}, {"industry": EI, **xlsx}):
        found.append(
            Variant(
                "dashboard",
                query,
                ok=(*SYSTEM, "gxj"),
                deny=not_((*SYSTEM, "gxj")),
            )
        )
    for query in (
        {"industry": CL},
        {"industry": CL, **xlsx},
        {"industry": CL, "district": "siming"},
    ):
        found.append(
            Variant(
                "dashboard",
                query,
                ok=(*SYSTEM, "leader_hyt", *cl_leads),
                deny=not_((*SYSTEM, "leader_hyt", *cl_leads)),
            )
        )
    return found


VARIANTS = [
    *dashboard_variants(),
    *[
        Variant("chains:matrix_changes", query, ok=("drc", "admin"), deny=not_(("drc", "admin")))
        for query in ({"industry": CL}, {"industry": EI, "page": "1"}, {"page": "2"})
    ],
    *[
        Variant("district_assessment", query, ok=SYSTEM, deny=not_(SYSTEM))
        for query in (
            {"format": "xlsx"},
            {"year": "2025"},
            {"year": "2025", "month": "9"},
            {"year": "2025", "month": "9", "format": "xlsx"},
        )
    ],
    *[
        Variant("district_assessment_detail", query, ok=ok, deny=not_(ok), kwargs=kw)
        for query, kw, ok in (
            ({"year": "2025", "month": "9"}, {"code": "siming"}, (*SYSTEM, "siming")),
            ({"year": "2025"}, {"code": "huli"}, SYSTEM),
        )
    ],
    *[
        Variant("stats:industry", query, ok=CL_VIEWERS, deny=not_(CL_VIEWERS))
        for query in ({"format": "xlsx"}, {"year": "2025"}, {"year": "2024", "format": "xlsx"})
    ],
    *[
        Variant("stats:follow_up", query, ok=SYSTEM, deny=not_(SYSTEM))
        for query in ({"show": "explained"}, {"page": "2"}, {"show": "explained", "page": "1"})
    ],
    *[
        Variant("stats:import", {"show": show}, ok=SYSTEM, deny=not_(SYSTEM))
        for show in ("changes", "rule", "outlier")
    ],
    Variant(
        "stats:industry",
        {"format": "xlsx"},
        ok=EI_VIEWERS,
        deny=not_(EI_VIEWERS),
        kwargs={"code": EI},
    ),
    *[
        Variant("stats:enterprise", query, ok=CL_VIEWERS, deny=not_(CL_VIEWERS))
        for query in ({"format": "xlsx"}, {"year": "2025", "format": "xlsx"}, {"year": "2025"})
    ],
    # Every user has the cultivation page of the industries he or she views; a filter to
    # another industry is refused.
    *[
        Variant("stats:cultivation", query, ok=SIGNED_IN)
        for query in (
            {},
            {"format": "xlsx"},
            {"by": "district"},
            {"by": "district", "format": "xlsx"},
            {"district": "siming"},
            {"district": "siming", "format": "xlsx"},
            {"year": "2025"},
            {"year": "2024", "format": "xlsx"},
        )
    ],
    *[
        Variant("stats:cultivation", query, ok=CL_VIEWERS, deny=not_(CL_VIEWERS))
        for query in (
            {"industry": CL, "format": "xlsx"},
            {"industry": CL, "by": "district", "format": "xlsx"},
            {"industry": CL, "district": "siming", "year": "2025"},
        )
    ],
    *[
        Variant("stats:cultivation", query, ok=EI_VIEWERS, deny=not_(EI_VIEWERS))
        for query in ({"industry": EI}, {"industry": EI, "format": "xlsx"})
    ],
    # absent: one's own unit; empty: every unit; a code: that unit's — as far as one may read.
    *[
        Variant("reporting:land", query, ok=SIGNED_IN)
        for query in (
            {},
            {"unit": ""},
            {"unit": "gxj"},
            {"unit": "huli"},
            {"unit": "swj", "year": "2025"},
            {"unit": "", "year": "2025"},
            {"year": "2024"},
            # filtered, ordered, paged, exported: still only what one may read
            {"unit": "", "kind": "supplied", "status": "planned", "sort": "-status"},
            {"unit": "", "sort": "unit", "page": "2"},
            {"unit": "", "format": "xlsx"},
            {"unit": "", "kind": "x", "status": "y", "sort": "bad", "format": "xlsx"},
        )
    ],
    # The meetings of the industries each user takes part in, month by month and by official.
    *[
        Variant("reporting:meetings", query, ok=SIGNED_IN)
        for query in ({"month": "2025-10", "official": "huangxiaozhou"}, {"month": "bad"})
    ],
    # Each user's own notices, whatever the filter (the markers show nothing out of scope).
    Variant("accounts:notifications", {"kind": "other", "unread": "1", "page": "2"}, ok=SIGNED_IN),
    # A leader's own instructions, page by page; the DRC's list has everyone's.
    Variant(
        "reporting:instructions",
        {"page": "2"},
        ok=("drc", "leader_hyt", "leader_lhy"),
        deny=not_(("drc", "leader_hyt", "leader_lhy")),
    ),
    # The supervision board and its export: the DRC's alone, whatever the filter.
    *[
        Variant("reporting:board", query, ok=("drc",), deny=not_(("drc",)))
        for query in (
            {"format": "xlsx"},
            {"state": "open", "overdue": "1", "format": "xlsx"},
            {"industry": CL, "unit": "swj", "chased": "1"},
            {"official": "huangyantian", "page": "2"},
        )
    ],
    # The register's filters and export show each role its own industries' projects only.
    *[
        Variant("reporting:projects", query, ok=SIGNED_IN)
        for query in (
            {"format": "xlsx"},
            {"industry": EI, "stage": "planning", "district": "siming", "page": "2"},
            {"removed": "1", "format": "xlsx"},
            {"q": "项目", "sort": "-investment", "stuck": "1"},
        )
    ],
    *[
        Variant("reporting:leads", query, ok=SIGNED_IN)
        for query in (
            {"format": "xlsx"},
            {"stage": "lead", "industry": CL, "district": "siming", "unit": "swj", "page": "2"},
            {"duplicates": "1", "q": "企业", "format": "xlsx"},
        )
    ],
    Variant(
        "reporting:lead",
        ok=("gxj", "zsb", *SYSTEM),
        deny=not_(("gxj", "zsb", *SYSTEM)),
        kwargs={"pk": "{other.lead}"},
    ),
    *[
        Variant("hearing", {"year": year}, ok=OVERVIEW, deny=not_(OVERVIEW))
        for year in ("{year}", "2024")
    ],
    *[
        Variant("reporting:innovation", query, ok=SIGNED_IN)
        for query in ({"year": "{year}"}, {"year": "2024"})
    ],
    Variant("reporting:innovation", {"industry": CL}, ok=CL_VIEWERS, deny=not_(CL_VIEWERS)),
    Variant("reporting:innovation", {"district": "siming"}, ok=SIGNED_IN),
    Variant(
        "reporting:innovation",
        {"industry": CL, "district": "huli"},
        ok=CL_VIEWERS,
        deny=not_(CL_VIEWERS),
    ),
    Variant("reporting:innovation_add", {"industry": EI}, ok=RECORDERS, kwargs={"kind": "talent"}),
    Variant(
        "reporting:tech_project",
        ok=EI_VIEWERS,
        deny=not_(EI_VIEWERS),
        kwargs={"pk": "{other.research}"},
    ),
    Variant(
        "reporting:innovation_edit",
        ok=("gxj",),
        deny=not_(("gxj",)),
        kwargs={"kind": "project", "pk": "{other.research}"},
    ),
    # Preset to an industry the unit does not lead: the form offers only its own.
    Variant("reporting:project_add", {"industry": EI}, ok=("swj", "jtj", "gxj")),
    # Search finds only what each user may open: the scopes' markers are in every kind of row.
    *[Variant("search", {"q": q}, ok=SIGNED_IN) for q in ("SECRET", "用电增容", "登记项目", "x")],
    # The problem list's filters and export show each role its own industries' problems only.
    *[
        Variant("reporting:problems", query, ok=SIGNED_IN)
        for query in (
            {"format": "xlsx"},
            {"industry": CL, "unit": "swj", "type": "energy", "age": "recent", "page": "2"},
            {"industry": "electronic-information", "format": "xlsx"},
            {"sort": "-status", "format": "xlsx"},
            {"sort": "industry", "page": "2"},
            {"sort": "bad"},
            {"age": "older", "status": "assigned", "format": "xlsx"},
        )
    ],
    *[
        Variant("reporting:problems", {"status": status}, ok=SIGNED_IN)
        for status in ("", "open", "escalated", "in_meeting", "resolved")
    ],
    *[
        Variant("reporting:plans", {"year": year}, ok=SIGNED_IN)
        for year in ("{year}", "{next_year}", "2024")
    ],
    *[
        Variant("reporting:plans", query, ok=SIGNED_IN)
        for query in (
            {"year": "{year}", "format": "xlsx"},
            {"year": "{year}", "status": "accepted", "sort": "-submitted", "format": "xlsx"},
            {"status": "draft", "sort": "industry", "page": "2"},
            {"status": "x", "sort": "bad"},
        )
    ],
    *[
        Variant("reporting:review_queue", query, ok=("drc",), deny=not_(("drc",)))
        for query in (
            {"period": "{period}"},
            {"period": "{previous}", "status": "missing"},
            {"format": "xlsx"},
            {"period": "{period}", "format": "xlsx"},
        )
    ],
    # Bound to another unit's update: refused; unbound: one's own unit's item.
    Variant("reporting:land_add", {"update": "{other.update}"}, ok=("gxj",), deny=not_(("gxj",))),
    Variant("reporting:land_add", {}, ok=WITH_UNIT, deny=not_(WITH_UNIT)),
    Variant("reporting:meeting_new", {"industry": EI}, ok=("drc",), deny=not_(("drc",))),
    *[
        Variant("stats:template", ok=SIGNED_IN, kwargs={"kind": kind})
        for kind in ("enterprises", "enterprise_figures")
    ],
    # A final report: also the city leaders' and the statistics bureau's.
    *[
        Variant(name, ok=DASHBOARD, deny=not_(DASHBOARD), kwargs={"pk": "{final_report}"})
        for name in ("reports:report", "reports:html", "reports:pdf", "reports:docx")
    ],
    Variant(
        "reports:page",
        ok=DASHBOARD,
        deny=not_(DASHBOARD),
        kwargs={"pk": "{final_report}", "number": 1},
    ),
    Variant("reporting:batch", ok=(), deny=SIGNED_IN, kwargs={"period": "{previous}"}),
    Variant(
        "chains:unit", ok=("gxj", *SYSTEM), deny=not_(("gxj", *SYSTEM)), kwargs={"code": "gxj"}
    ),
    # 市工信局's rows of 电子信息, which no one of 商贸物流 may open.
    *[
        Variant(name, ok=EI_VIEWERS, deny=not_(EI_VIEWERS), kwargs={key: f"{{other.{obj}}}"})
        for name, key, obj in (
            ("reporting:update", "pk", "update"),
            ("reporting:history", "pk", "update"),
            ("reporting:attachment", "pk", "attachment"),
            ("reporting:meeting", "pk", "meeting"),
            ("reporting:action_file", "pk", "action_file"),
            ("reporting:problem", "pk", "problem"),
            ("reporting:instruction", "pk", "instruction"),
            ("reporting:meeting_minutes_pdf", "pk", "meeting"),
            ("reporting:plan", "pk", "plan"),
            ("chains:policy", "pk", "policy"),
        )
    ],
    Variant(
        "reporting:project",
        ok=(*EI_VIEWERS, "zsb"),
        deny=not_((*EI_VIEWERS, "zsb")),
        kwargs={"pk": "{other.project}"},
    ),
    Variant(
        "reporting:project_edit", ok=("gxj",), deny=not_(("gxj",)), kwargs={"pk": "{other.project}"}
    ),
    # An action item is also its responsible unit's (市工信局 here).
    Variant(
        "reporting:action", ok=EI_VIEWERS, deny=not_(EI_VIEWERS), kwargs={"pk": "{other.action}"}
    ),
    Variant("reporting:edit", ok=("gxj",), deny=not_(("gxj",)), kwargs={"pk": "{other.update}"}),
    Variant(
        "reporting:land_edit", ok=("gxj",), deny=not_(("gxj",)), kwargs={"pk": "{other.land_item}"}
    ),
    Variant("reporting:plan_edit", ok=("gxj",), deny=not_(("gxj",)), kwargs={"pk": "{other.plan}"}),
    Variant(
        "reporting:plan", ok=EI_VIEWERS, deny=not_(EI_VIEWERS), kwargs={"pk": "{accepted_plan}"}
    ),
    # 湖里区's own plan, tied to no industry: only the system-wide readers (and 湖里区).
    Variant("reporting:plan", ok=SYSTEM, deny=not_(SYSTEM), kwargs={"pk": "{huli_plan}"}),
]


@dataclass(frozen=True)
class Write:
    """A valid POST to a write view. `allowed` roles get that status and change the database;
    `unaffected` roles (writing to their own unit's page) get that status and change nothing;
    every other role is refused (anonymous: sent to log in) and changes nothing.
    `setup(w)` brings the object into the state the write needs (an update submitted …)."""

    key: str
    name: str
    kwargs: dict
    data: Callable[[dict], dict]
    allowed: dict
    unaffected: dict = field(default_factory=dict)
    setup: Callable[[dict], None] | None = None
    # How the other roles are refused, anonymous apart, and tables a refusal writes to by
    # design (the API's call log records refused calls).
    refused: object = DENIED
    anonymous: object = LOGIN
    records: tuple = ()


def update_form(w, prefix="", **changes):
    update = MonthlyUpdate.objects.get(pk=w["update"].pk)
    data = {"version": update.version, **world_data.FULL_TEXT, **changes}
    for rows in ("projects", "problems"):
        data |= {
            f"{rows}-TOTAL_FORMS": "0",
            f"{rows}-INITIAL_FORMS": "0",
            f"{rows}-MIN_NUM_FORMS": "0",
            f"{rows}-MAX_NUM_FORMS": "50",
        }
    return {f"{prefix}{k}" if k != "submit" else k: v for k, v in data.items()}


def policy_form(w, **changes):
    return {
        "title": "商贸物流高质量发展措施",
        "issuer": w["users"]["swj"].unit_id,
        "document_number": "厦商务〔2025〕1号",
        "issued_on": "2025-03-01",
        "valid_from": "2025-04-01",
        "valid_until": "2027-03-31",
        "instruments": ["fiscal"],
        "budget": "3000",
        "summary": "支持冷链物流。",
    } | changes


def submit_update(w):
    update = MonthlyUpdate.objects.get(pk=w["update"].pk)
    updates_services.update_submit(
        update=update, user=w["users"]["swj"], expected_version=update.version
    )


def submit_plan(w, accept=False):
    plan = WorkPlan.objects.get(pk=w["plan"].pk)
    plan = plans.plan_submit(plan=plan, user=w["users"]["swj"], expected_version=plan.version)
    if accept:
        plans.plan_accept(plan=plan, user=w["users"]["drc"])


def request_extension(w):
    action = ActionItem.objects.get(pk=w["action"].pk)
    coordination.action_request_extension(
        action=action,
        user=w["users"]["swj"],
        until=action.deadline + datetime.timedelta(days=30),
        reason="需协调用地",
    )


def schedule_meeting(w):
    """A meeting of 商贸物流 held today, its minutes not yet recorded."""
    meeting = w["meeting"]
    w["scheduled_meeting"] = coordination.meeting_create(
        industry=meeting.industry,
        chair=meeting.chair,
        date=services.today(),
        units=[w["users"]["swj"].unit],
        problems=[],
        minutes="",
        user=w["users"]["drc"],
    )


def acknowledge(w):
    coordination.action_acknowledge(
        action=ActionItem.objects.get(pk=w["action"].pk), user=w["users"]["swj"]
    )


def report_done(w):
    acknowledge(w)
    coordination.action_report(
        action=ActionItem.objects.get(pk=w["action"].pk),
        user=w["users"]["swj"],
        evidence="已办结",
    )


def add_co_unit(w):
    ActionItem.objects.get(pk=w["action"].pk).co_units.add(w["users"]["gkj"].unit)


def second_action(w):
    """Another open item of the same industry, to merge the world's item into."""
    item = ActionItem.objects.get(pk=w["action"].pk)
    return coordination.action_assign(
        industry=item.industry,
        decision="重复交办的事项",
        unit=item.unit,
        deadline=services.today() + datetime.timedelta(days=30),
        user=w["users"]["drc"],
    ).pk


def item_file():
    return SimpleUploadedFile("佐证.pdf", b"%PDF-1.4 evidence")


def plan_item(w):
    return w["plan"].items.get().pk


def statistics_file():
    return SimpleUploadedFile(
        "10月产业指标.csv",
        "2025年10月\n产业,工业总产值当月(万元),工业总产值累计(万元)\n商贸物流产业集群,1200,10200\n".encode(),
    )


WRITES = [
    Write(
        "policy_new",
        "chains:policy_new",
        {"code": CL},
        lambda w: policy_form(w),
        allowed={"swj": 302, "jtj": 302},
    ),
    Write(
        "policy_edit",
        "chains:policy_edit",
        {"pk": "{policy}"},
        lambda w: policy_form(w, title="改过的标题", version=w["policy"].version),
        allowed={"swj": 302, "jtj": 302},
    ),
    Write(
        "policy_evaluate",
        "chains:policy",
        {"pk": "{policy}"},
        lambda w: {
            "evaluated_on": services.today().isoformat(),
            "concentration": 80,
            "precision": 70,
            "fit": 90,
            "comment": "较好",
        },
        allowed={"drc": 302},
    ),
    Write(
        "start",
        "reporting:start",
        {},
        lambda w: {"industry": CL, "period": w["period"].slug},
        allowed={"jtj": 302},
        unaffected={"swj": 302},  # has its update: sent to it
    ),
    Write(
        "edit",
        "reporting:edit",
        {"pk": "{update}"},
        lambda w: update_form(w, progress_policy="改过的政策进展"),
        allowed={"swj": 302},
    ),
    Write(
        "edit_submit",
        "reporting:edit",
        {"pk": "{update}"},
        lambda w: update_form(w, submit="1"),
        allowed={"swj": 302},
    ),
    Write(
        "autosave",
        "reporting:autosave",
        {"pk": "{update}"},
        lambda w: update_form(w, progress_policy="自动保存"),
        allowed={"swj": 200},
    ),
    Write(
        "withdraw",
        "reporting:withdraw",
        {"pk": "{update}"},
        lambda w: {},
        allowed={"swj": 302},
        setup=submit_update,
    ),
    Write(
        "contribute",
        "reporting:contribute",
        {"pk": "{update}"},
        lambda w: {"text": "港口吞吐量数据"},
        allowed={"gkj": 302, "siming": 302, "drc": 302},
    ),
    Write(
        "review_accept",
        "reporting:review",
        {"pk": "{update}"},
        lambda w: {"action": "accept"},
        allowed={"drc": 302},
        setup=submit_update,
    ),
    Write(
        "review_return",
        "reporting:review",
        {"pk": "{update}"},
        lambda w: {"action": "return", "reason": "请补充数据"},
        allowed={"drc": 302},
        setup=submit_update,
    ),
    Write(
        "review_queue",
        "reporting:review_queue",
        {},
        lambda w: {"period": w["period"].slug, "action": "accept", "updates": [w["update"].pk]},
        allowed={"drc": 302},
        setup=submit_update,
    ),
    Write(  # the work list across months: no period
        "review_queue_waiting",
        "reporting:review_queue",
        {},
        lambda w: {"action": "accept", "updates": [w["update"].pk]},
        allowed={"drc": 302},
        setup=submit_update,
    ),
    Write(
        "batch",
        "reporting:batch",
        {"period": "{period}"},
        lambda w: update_form(w, prefix=f"u{w['update'].pk}-", progress_policy="批量填报"),
        allowed={"swj": 302},
        unaffected={"gxj": 400},  # its own month's page: its own update's form is incomplete
    ),
    Write(
        "attachment_remove",
        "reporting:attachment_remove",
        {"pk": "{attachment}"},
        lambda w: {},
        allowed={"swj": 302},
    ),
    Write(
        "land_add",
        "reporting:land_add",
        {},
        lambda w: {
            "update": w["update"].pk,
            "kind": "supplied",
            "name": "新增地块",
            "area": "10",
            "area_unit": "mu",
            "status": "planned",
            "carrier": "",
            "note": "",
        },
        allowed={"swj": 302},
    ),
    Write(
        "land_edit",
        "reporting:land_edit",
        {"pk": "{land_item}"},
        lambda w: {
            "year": w["period"].year,
            "month": w["period"].month,
            "industry": w["cl"].pk,
            "carrier": "",
            "kind": "supplied",
            "name": "改过的地块",
            "area": "90",
            "area_unit": "mu",
            "status": "done",
            "note": "",
            "version": w["land_item"].version,
        },
        allowed={"swj": 302},
    ),
    Write(
        "land_remove",
        "reporting:land_remove",
        {"pk": "{land_item}"},
        lambda w: {},
        allowed={"swj": 302},
    ),
    Write(
        "project_add",
        "reporting:project_add",
        {},
        lambda w: {
            "industry": w["cl"].pk,
            "name": "新登记项目",
            "stage": "signed",
            "investment": "12.5",
            "land_supply_month": "2027-03",
        },
        allowed={"swj": 302, "jtj": 302},
        unaffected={"gxj": 400},  # 商贸物流 is not among the industries it may choose
    ),
    Write(
        "project_edit",
        "reporting:project_edit",
        {"pk": "{project}"},
        lambda w: {
            "name": "改过的项目",
            "stage": "construction",
            "version": w["project"].version,
        },
        allowed={"swj": 302, "jtj": 302},
    ),
    Write(
        "project_remove",
        "reporting:project_remove",
        {"pk": "{project}"},
        lambda w: {"version": w["project"].version, "reason": "重复登记"},
        allowed={"swj": 302, "jtj": 302},
    ),
    Write(
        "project_restore",
        "reporting:project_restore",
        {"pk": "{removed_project}"},
        lambda w: {"version": w["removed_project"].version},
        allowed={"swj": 302, "jtj": 302},
    ),
    Write(
        "lead_add",
        "reporting:lead_add",
        {},
        lambda w: {
            "target": "新招商企业",
            "source": "fair",
            "industry": w["cl"].pk,
            "district": "",
            "expected_investment": "8",
            "next_step": "洽谈",
            "next_step_due": "",
        },
        allowed=each(("swj", "jtj", "siming", "zsb"), 302),
        unaffected={"gxj": 400},  # 商贸物流 is not among the industries it courts for
    ),
    Write(
        "lead_edit",
        "reporting:lead_edit",
        {"pk": "{lead}"},
        lambda w: {
            "target": w["lead"].target,
            "source": "visit",
            "industry": w["cl"].pk,
            "district": "",
            "expected_investment": "9",
            "next_step": "再次拜访",
            "next_step_due": "",
            "version": w["lead"].version,
        },
        allowed={"swj": 302, "zsb": 302},
    ),
    Write(
        "lead_move",
        "reporting:lead_move",
        {"pk": "{lead}"},
        lambda w: {"version": w["lead"].version, "stage": "talks", "text": ""},
        allowed={"swj": 302, "zsb": 302},
    ),
    Write(
        "lead_guide",
        "reporting:lead_guide",
        {"pk": "{lead}"},
        lambda w: {"text": "请加快洽谈", "unit": ""},
        allowed={"zsb": 302},
    ),
    Write(
        "lead_remove",
        "reporting:lead_remove",
        {"pk": "{lead}"},
        lambda w: {"version": w["lead"].version, "reason": "误录"},
        allowed={"swj": 302, "zsb": 302},
    ),
    Write(
        "innovation_add",
        "reporting:innovation_add",
        {"kind": "talent"},
        lambda w: {
            "industry": w["cl"].pk,
            "year": w["period"].year,
            "month": w["period"].month,
            "kind": "skilled",
            "count": "3",
            "note": "",
        },
        allowed=each(("swj", "jtj", "gkj", "siming", "drc"), 302),
        unaffected={"gxj": 400},  # 商贸物流 is not among the industries it records for
    ),
    Write(
        "innovation_edit",
        "reporting:innovation_edit",
        {"kind": "platform", "pk": "{platform}"},
        lambda w: {
            "name": "改过的平台",
            "level": "national",
            "kind": "key_lab",
            "host": "某大学",
            "district": "",
            "status": "recognised",
            "year": w["period"].year,
            "note": "",
            "version": w["platform"].version,
        },
        allowed={"swj": 302, "jtj": 302},
    ),
    Write(
        "innovation_remove",
        "reporting:innovation_remove",
        {"kind": "platform", "pk": "{platform}"},
        lambda w: {"version": w["platform"].version, "reason": "重复"},
        allowed={"swj": 302, "jtj": 302},
    ),
    Write(
        "milestone_add",
        "reporting:milestone_add",
        {"pk": "{research}"},
        lambda w: {"title": "中试", "due_on": "2030-01-01", "note": ""},
        allowed={"swj": 302, "jtj": 302},
    ),
    Write(
        "milestone_reach",
        "reporting:milestone_reach",
        {"pk": "{milestone}"},
        lambda w: {"note": ""},
        allowed={"swj": 302, "jtj": 302},
    ),
    Write(
        "team",
        "chains:team",
        {"code": CL},
        lambda w: {
            "version": "1",
            "team-TOTAL_FORMS": "1",
            "team-INITIAL_FORMS": "0",
            "team-MIN_NUM_FORMS": "0",
            "team-MAX_NUM_FORMS": "80",
            "team-0-unit": w["users"]["gkj"].unit_id,
            "team-0-role": "contact",
            "team-0-name": "港口局联络员",
            "team-0-title": "",
            "team-0-phone": "0592-7654321",
            "team-0-user": "",
        },
        allowed={"swj": 302, "jtj": 302},
    ),
    Write(
        "district_narrative",
        "district_narrative",
        {"code": "siming"},
        lambda w: {"year": w["year"], "version": "0", "text": "思明区年度总结"},
        allowed={"siming": 302},
    ),
    Write(
        "problem_escalate",
        "reporting:problem_escalate",
        {"pk": "{problem}"},
        lambda w: {},
        allowed={"drc": 302},
    ),
    Write(
        "meeting_new",
        "reporting:meeting_new",
        {},
        lambda w: {
            "industry": CL,
            "date": services.today().isoformat(),
            "chair": w["meeting"].chair_id,
            "units": [w["users"]["swj"].unit_id],
            "minutes": "专题协调",
        },
        allowed={"drc": 302},
    ),
    Write(
        "meeting_minutes",
        "reporting:meeting",
        {"pk": "{scheduled_meeting}"},
        lambda w: {
            "step": "minutes",
            "minutes": "会议研究了用电增容问题。",
            "decisions-TOTAL_FORMS": "1",
            "decisions-INITIAL_FORMS": "0",
            "decisions-MIN_NUM_FORMS": "0",
            "decisions-MAX_NUM_FORMS": "30",
            "decisions-0-decision": "供电公司两周内完成增容",
            "decisions-0-unit": w["users"]["jtj"].unit_id,
            "decisions-0-deadline": (services.today() + datetime.timedelta(days=30)).isoformat(),
        },
        allowed={"drc": 302},
        setup=schedule_meeting,
    ),
    Write(
        "action_create",
        "reporting:meeting",
        {"pk": "{meeting}"},
        lambda w: {
            "decision": "加快审批",
            "unit": w["users"]["jtj"].unit_id,
            "deadline": (services.today() + datetime.timedelta(days=60)).isoformat(),
        },
        allowed={"drc": 302},
    ),
    Write(
        "action_acknowledge",
        "reporting:action",
        {"pk": "{action}"},
        lambda w: {"step": "acknowledge"},
        allowed={"swj": 302},
    ),
    Write(
        "action_progress",
        "reporting:action",
        {"pk": "{action}"},
        lambda w: {"step": "progress", "text": "已完成选址", "files": item_file()},
        allowed={"swj": 302},
        setup=acknowledge,
    ),
    Write(
        "action_extend",
        "reporting:action",
        {"pk": "{action}"},
        lambda w: {
            "step": "extend",
            "until": (w["action"].deadline + datetime.timedelta(days=60)).isoformat(),
            "text": "需协调用地",
        },
        allowed={"swj": 302},
    ),
    Write(
        "action_report",
        "reporting:action",
        {"pk": "{action}"},
        lambda w: {"step": "report", "text": "已办结，见批复", "files": item_file()},
        allowed={"swj": 302},
        setup=acknowledge,
    ),
    Write(
        "action_contribute",
        "reporting:action",
        {"pk": "{action}"},
        lambda w: {"step": "contribute", "text": "港口局已配合选址"},
        allowed={"gkj": 302},
        setup=add_co_unit,
    ),
    Write(
        "action_accept",
        "reporting:action",
        {"pk": "{action}"},
        lambda w: {"step": "accept"},
        allowed={"drc": 302},
        setup=report_done,
    ),
    Write(
        "action_return",
        "reporting:action",
        {"pk": "{action}"},
        lambda w: {"step": "return", "text": "请补充批复文件"},
        allowed={"drc": 302},
        setup=report_done,
    ),
    Write(
        "action_grant",
        "reporting:action",
        {"pk": "{action}"},
        lambda w: {"step": "grant"},
        allowed={"drc": 302},
        setup=request_extension,
    ),
    Write(
        "action_refuse",
        "reporting:action",
        {"pk": "{action}"},
        lambda w: {"step": "refuse", "text": "期限不宜延长"},
        allowed={"drc": 302},
        setup=request_extension,
    ),
    # The thread of an update, an item, a plan: the DRC and the units that take part in it.
    Write(
        "comment_on_update",
        "reporting:comment_new",
        {},
        lambda w: {"target": "update", "pk": w["update"].pk, "text": "请@市交通局 补充数据"},
        allowed=each(("swj", "jtj", "gkj", "siming", "drc"), 302),
    ),
    Write(
        "comment_on_item",
        "reporting:comment_new",
        {},
        lambda w: {"target": "action", "pk": w["action"].pk, "text": "已协调"},
        allowed=each(("swj", "jtj", "gkj", "siming", "drc"), 302),
    ),
    Write(
        "comment_on_plan",
        "reporting:comment_new",
        {},
        lambda w: {"target": "plan", "pk": w["plan"].pk, "text": "计划请细化"},
        allowed=each(("swj", "jtj", "gkj", "siming", "drc"), 302),
    ),
    # A leader instructs on what they may read (黄燕添 leads 商贸物流; 李辉跃 does not).
    Write(
        "instruction_new",
        "reporting:instruction_new",
        {},
        lambda w: {"target": "problem", "pk": w["problem"].pk, "text": "请抓紧研究", "next": "/"},
        allowed={"drc": 302, "leader_hyt": 302},
    ),
    Write(
        "instruction_on_report",
        "reporting:instruction_new",
        {},
        lambda w: {"target": "report", "pk": w["final_report"].pk, "text": "请各单位对照落实"},
        allowed={"drc": 302, "leader_hyt": 302, "leader_lhy": 302},
    ),
    Write(
        "instruction_assign",
        "reporting:instruction",
        {"pk": "{instruction}"},
        lambda w: {
            "industry": w["cl"].pk,
            "decision": "落实领导批示",
            "unit": w["users"]["jtj"].unit_id,
            "deadline": (services.today() + datetime.timedelta(days=30)).isoformat(),
        },
        allowed={"drc": 302},
    ),
    Write(
        "action_chase",
        "reporting:action",
        {"pk": "{action}"},
        lambda w: {"step": "chase", "text": "请尽快签收"},
        allowed={"drc": 302},
    ),
    Write(
        "action_cancel",
        "reporting:action",
        {"pk": "{action}"},
        lambda w: {"step": "cancel", "text": "已另行安排"},
        allowed={"drc": 302},
    ),
    Write(
        "action_merge",
        "reporting:action",
        {"pk": "{action}"},
        lambda w: {"step": "merge", "into": second_action(w), "text": "重复事项"},
        allowed={"drc": 302},
    ),
    Write(
        "problem_assign",
        "reporting:problem",
        {"pk": "{problem}"},
        lambda w: {
            "step": "assign",
            "decision": "协调用电增容",
            "unit": w["users"]["jtj"].unit_id,
            "co_units": [w["users"]["gkj"].unit_id],
            "deadline": (services.today() + datetime.timedelta(days=30)).isoformat(),
        },
        allowed={"drc": 302},
    ),
    Write(
        "problem_link",
        "reporting:problem",
        {"pk": "{problem}"},
        lambda w: {"step": "link", "action": w["action"].pk},
        allowed={"drc": 302},
    ),
    Write(
        "problem_resolve",
        "reporting:problem",
        {"pk": "{problem}"},
        lambda w: {"step": "resolve", "text": "供电公司已完成增容"},
        allowed={"drc": 302},
    ),
    Write(
        "plan_start",
        "reporting:plan_start",
        {},
        lambda w: {"industry": CL, "year": w["next_year"]},
        allowed={"swj": 302, "jtj": 302},
    ),
    Write(
        "plan_edit",
        "reporting:plan_edit",
        {"pk": "{plan}"},
        lambda w: {
            "version": w["plan"].version,
            "summary": "新的总体目标",
            "items-TOTAL_FORMS": 1,
            "items-INITIAL_FORMS": 0,
            "items-0-element": "policy",
            "items-0-task": "兑现政策",
            "items-0-responsible": w["users"]["swj"].unit_id,
            "items-0-due_month": 6,
        },
        allowed={"swj": 302},
    ),
    Write(
        "plan_review",
        "reporting:plan_review",
        {"pk": "{plan}"},
        lambda w: {"decision": "accept"},
        allowed={"drc": 302},
        setup=submit_plan,
    ),
    # Each unit records progress on its own plan's items only: others' item numbers in the
    # form are ignored.
    Write(
        "plan_progress",
        "reporting:plan_progress",
        {"period": "{period}"},
        lambda w: {
            f"percent-{plan_item(w)}": "50",
            f"text-{plan_item(w)}": "过半",
            f"version-{plan_item(w)}": "0",
        },
        allowed={"swj": 302},
        unaffected=each(("jtj", "gkj", "siming", "gxj", "drc", "stats", "zsb"), 302),
        setup=lambda w: submit_plan(w, accept=True),
    ),
    Write(
        "stats_upload",
        "stats:home",
        {},
        lambda w: {"file": statistics_file()},
        allowed={"stats": 302, "admin": 302},
    ),
    Write(
        "stats_apply",
        "stats:import",
        {"pk": "{import}"},
        lambda w: {},
        allowed={"stats": 302, "admin": 302},
    ),
    # The API refuses a portal session (tests/chains/test_api.py posts with tokens), and
    # records each refusal.
    Write(
        "api_submit",
        "api:statistics_imports",
        {},
        lambda w: {"file": statistics_file()},
        allowed={},
        refused=401,
        anonymous=401,
        records=("chains.ApiCall",),
    ),
    Write(
        "api_apply",
        "api:statistics_import_apply",
        {"pk": "{import}"},
        lambda w: {"confirm_reason": "已核实"},
        allowed={},
        refused=401,
        anonymous=401,
        records=("chains.ApiCall",),
    ),
    Write(
        "stats_explain",
        "stats:follow_up",
        {},
        lambda w: {"flag": w["flag"].pk, "explanation": "龙头企业新产线投产"},
        allowed={"stats": 302, "admin": 302},
    ),
    Write(
        "analysis_send",
        "analysis:edit",
        {"month": "{previous}", "scope": CL},
        lambda w: {"text": "本月商贸物流产业营业收入同比增长。", "version": "0"},
        allowed={"stats": 302},
    ),
    Write(
        "report_generate",
        "reports:generate",
        {},
        lambda w: {"kind": "monthly", "period": w["previous"].slug},
        allowed={"drc": 302},
    ),
    Write(
        "report_edit",
        "reports:edit",
        {"pk": "{report}"},
        lambda w: {"edit_version": w["report"].edit_version, "summary": "本月总体平稳"},
        allowed={"drc": 302},
    ),
    Write(
        "report_document_add",
        "reports:document_add",
        {"pk": "{final_report}"},
        lambda w: {"document": word_file("再次修改稿.docx"), "note": "第二稿"},
        allowed={"drc": 302},
    ),
    Write(
        "report_finalise",
        "reports:edit",
        {"pk": "{report}"},
        lambda w: {
            "edit_version": w["report"].edit_version,
            "summary": "定稿",
            "finalise": "1",
            "confirm_final": "1",
        },
        allowed={"drc": 302},
    ),
]

# Views that accept POST but write no portal data: signing in and out, the language switch.
# The password page writes only the signed-in user's own password: no one else's to refuse.
# So do the notification centre (marking the user's own notices read) and the user's choice of
# how notices reach them (tests/reporting/test_notices.py: no one else's notice is touched).
NOT_WRITES = {
    "accounts:login",
    "accounts:logout",
    "set_language",
    "accounts:password_change",
    "accounts:notifications",
    "reporting:notice_preferences",
}
# Function views cannot be asked which methods they take: each is named here.
FUNCTION_VIEWS = {"set_language": "post", "healthz": "get", "readyz": "get"}


# --- the data, once per module ---------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world of url_security_world, built once for the module."""
    with world_data.built_once(django_db_blocker, tmp_path_factory.mktemp("media")) as world:
        yield world


@pytest.fixture(autouse=True)
def media_root():
    """The world's files live in the module's media folder (`world` sets it), not in a folder
    per test (conftest's media_root, replaced here)."""


@pytest.fixture
def w(world, db):
    """The world, inside this test's own savepoint."""
    return world


# --- helpers ---------------------------------------------------------------------------------


def resolve(value, w):
    """ "{update}" → that object's pk ("{period}" → its slug); "{other.update}" → 市工信局's."""
    if not (isinstance(value, str) and value.startswith("{")):
        return value
    obj = w
    for part in value[1:-1].split("."):
        obj = obj[part]
    if isinstance(obj, int):  # "{year}"
        return obj
    return getattr(obj, "slug", None) or obj.pk


def resolved(mapping, w) -> dict:
    return {k: resolve(v, w) for k, v in (mapping or {}).items()}


def ask(client, w, role, method, url, data=None):
    if role != "anonymous":
        client.force_login(w["users"][role])
    return client.post(url, data or {}) if method == "post" else client.get(url, data or {})


def check(response, expected, where):
    where = f"{where}: answered {response.status_code}"
    if expected == LOGIN:
        assert response.status_code == 302, where
        assert response["Location"].startswith(reverse("accounts:login")), where
    elif isinstance(expected, tuple):
        assert response.status_code in expected, where
    else:
        assert response.status_code == expected, where


def is_xlsx(content: bytes) -> bool:
    return content[:2] == b"PK"


def body(response) -> tuple[str, bool]:
    """Everything the user receives as text: the headers, and the page, the file or, for an
    xlsx, every part of the workbook. And whether it was an xlsx."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    if is_xlsx(content):
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            parts = [book.read(name).decode("utf-8", "replace") for name in book.namelist()]
        return headers + "".join(parts), True
    return headers + content.decode("utf-8", "replace"), False


def assert_nothing_out_of_scope(response, role, w, where, name=""):
    """No marker of rows out of the role's scope; in a workbook, not even the names of
    industries the role may not view (a workbook has no menus listing them)."""
    text, workbook = body(response)
    leaked = [m for m in FORBIDDEN[role] if m in text]
    if workbook and role != "anonymous" and name not in EXAMPLE_WORKBOOKS:
        leaked += sorted(name for name in w["hidden_industries"][role] if name in text)
    assert not leaked, f"{where} shows what {role} may not see: {leaked}"


# --- every URL is covered --------------------------------------------------------------------


def walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield namespace, (f"{namespace}{entry.name}" if entry.name else None), entry


def project_urls():
    """Every URL but the admin site's, which checks staff status itself (tested below)."""
    return [
        (name, p)
        for ns, name, p in walk(get_resolver().url_patterns)
        if not ns.startswith("admin:")
    ]


def admin_urls():
    return [
        name
        for ns, name, p in walk(get_resolver().url_patterns)
        if ns.startswith("admin:") and name and not p.pattern.regex.groupindex
    ]


def accepts_post(name, pattern) -> bool:
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is None:
        return FUNCTION_VIEWS[name] == "post"
    return "post" in view_class.http_method_names and hasattr(view_class, "post")


def test_every_project_url_is_named_and_has_an_expectation():
    unnamed = [str(p.pattern) for name, p in project_urls() if name is None]
    assert not unnamed, f"name these URLs (the check walks them by name): {unnamed}"
    missing = sorted(name for name, _p in project_urls() if name not in EXPECTATIONS)
    assert not missing, (
        f"URLs without an access expectation: {missing}. Add each to EXPECTATIONS in "
        "tests/test_url_security.py with the answer for every role; give its query and export "
        "variants to VARIANTS and, if it accepts POST, a valid payload to WRITES."
    )
    gone = sorted(set(EXPECTATIONS) - {name for name, _p in project_urls()})
    assert not gone, f"EXPECTATIONS names URLs that no longer exist: {gone}"


def test_every_expectation_names_every_role():
    for name, (_method, _kwargs, expected, *_data) in EXPECTATIONS.items():
        assert set(expected) == set(ROLES), f"{name}: give the answer for each of {list(ROLES)}"


def test_every_project_view_declares_an_access_policy():
    undeclared = [name for name, p in project_urls() if policy_of(p.callback) is None]
    assert not undeclared


def test_every_view_that_accepts_post_has_a_write_check():
    functions = sorted(
        name
        for name, p in project_urls()
        if not hasattr(p.callback, "view_class") and name not in FUNCTION_VIEWS
    )
    assert not functions, f"say in FUNCTION_VIEWS whether these take POST: {functions}"
    posted = {w.name for w in WRITES}
    missing = sorted(
        name
        for name, p in project_urls()
        if accepts_post(name, p) and name not in posted and name not in NOT_WRITES
    )
    assert not missing, (
        f"views that accept POST without a wrong-role write check: {missing}. Add a valid "
        "payload for each to WRITES in tests/test_url_security.py (or, for a view that writes "
        "no portal data, its name to NOT_WRITES)."
    )


QUERY_READ = re.compile(r"""GET(?:\.get\(|\[)\s*["'](\w+)["']""")


def test_every_query_parameter_a_view_reads_is_tried():
    """A view reading request.GET["x"] (in its own class) needs a variant trying x."""
    tried: dict[str, set] = {}
    for variant in VARIANTS:
        tried.setdefault(variant.name, set()).update(variant.query)
    for name, (_method, _kwargs, _expected, *data) in EXPECTATIONS.items():
        if data and _method == "get":
            tried.setdefault(name, set()).update(data[0])
    untried = []
    for name, p in project_urls():
        view_class = getattr(p.callback, "view_class", None)
        if view_class is None or view_class.__module__.startswith("django."):
            continue
        source = "".join(
            inspect.getsource(k)
            for k in view_class.__mro__
            if k.__module__.split(".")[0] in ("accounts", "chains", "reporting")
        )
        untried += [f"{name}?{q}" for q in set(QUERY_READ.findall(source)) - tried.get(name, set())]
    assert not untried, f"query parameters no VARIANT tries: {sorted(untried)}"


# --- every URL as every role -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name,role", [(name, role) for name in sorted(EXPECTATIONS) for role in ROLES]
)
def test_url_answers_each_kind_of_user(name, role, w, client):
    method, kwargs, expected, *data = EXPECTATIONS[name]
    url = reverse(name, kwargs=resolved(kwargs, w))
    response = ask(client, w, role, method, url, resolved(data[0], w) if data else None)
    check(response, expected[role], f"{method.upper()} {url} as {role}")
    if response.status_code == 200 and name not in NOT_SCOPED:
        assert_nothing_out_of_scope(response, role, w, f"{url} as {role}", name)


def variant_roles(variant) -> list[str]:
    """Every signed-in role, except that of the roles refused at the URL itself (a query
    cannot reach past that check, which runs first) one stands for all. Anonymous users are
    sent to log in before any view runs (tried once per URL above)."""
    if variant.kwargs is not None:  # other objects: every role
        return list(SIGNED_IN)
    base = EXPECTATIONS[variant.name][2]
    gated = [r for r in SIGNED_IN if r in variant.deny and base[r] in (DENIED, 403, 404)]
    return [r for r in SIGNED_IN if r not in gated or r == gated[0]]


def variant_cases():
    cases = []
    for variant in VARIANTS:
        label = variant.name + "".join(f"[{k}={v}]" for k, v in (variant.kwargs or {}).items())
        label += "?" + "&".join(f"{k}={v}" for k, v in variant.query.items())
        for role in variant_roles(variant):
            marks = []
            if role in variant.xfail:
                marks = [pytest.mark.xfail(strict=True, reason=variant.xfail[role])]
            cases.append(pytest.param(variant, role, id=f"{label}-{role}", marks=marks))
    return cases


@pytest.mark.parametrize("variant,role", variant_cases())
def test_export_and_query_variants_leak_nothing(variant, role, w, client):
    kwargs = variant.kwargs if variant.kwargs is not None else EXPECTATIONS[variant.name][1]
    url = reverse(variant.name, kwargs=resolved(kwargs, w))
    response = ask(client, w, role, "get", url, resolved(variant.query, w))
    where = f"GET {url}?{'&'.join(f'{k}={v}' for k, v in variant.query.items())} as {role}"
    if role in variant.ok:
        check(response, 200, where)
    elif role in variant.deny:
        check(response, DENIED, where)
    else:
        check(response, (200, *DENIED), where)
    if response.status_code == 200 and variant.name not in NOT_SCOPED:
        assert_nothing_out_of_scope(response, role, w, where, variant.name)


# --- every write view, posted to by every role -----------------------------------------------

TRACKED_APPS = ("accounts", "chains", "reporting")


def db_state() -> dict:
    """Every row of the portal's tables (history, event and many-to-many tables included): on
    PostgreSQL a count and a digest of each table in one query, elsewhere the rows."""
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in TRACKED_APPS and not model._meta.proxy
    ]
    if connection.vendor != "postgresql":
        return {m._meta.label: list(m._base_manager.order_by("pk").values_list()) for m in models}
    quote = connection.ops.quote_name
    query = " UNION ALL ".join(
        f"SELECT '{m._meta.label}', count(*), "
        f"md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
        f"FROM {quote(m._meta.db_table)} t"
        for m in models
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        return {label: (count, digest) for label, count, digest in cursor.fetchall()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


@pytest.mark.parametrize(
    "write,role", [pytest.param(wr, role, id=f"{wr.key}-{role}") for wr in WRITES for role in ROLES]
)
def test_write_views_refuse_wrong_users_and_change_nothing(write, role, w, client):
    if write.setup is not None:
        write.setup(w)
    url = reverse(write.name, kwargs=resolved(write.kwargs, w))
    data = write.data(w)
    if role != "anonymous":
        client.force_login(w["users"][role])
    before = db_state()
    response = client.post(url, data)
    changed = changed_tables(before, db_state())
    where = f"POST {url} ({write.key}) as {role}"
    if role in write.allowed:
        check(response, write.allowed[role], where)
        assert changed, f"{where} changed nothing: the payload is not a valid one"
        return
    if role == "anonymous":
        check(response, write.anonymous, where)
    elif role in write.unaffected:
        check(response, write.unaffected[role], where)
    else:
        check(response, write.refused, where)
    assert set(write.records) <= set(changed), f"{where}: the refusal was not recorded"
    changed = [table for table in changed if table not in write.records]
    assert not changed, f"{where} was refused but changed {changed}"


# --- the admin site and the middleware -------------------------------------------------------


def test_admin_is_closed_to_unit_staff_and_open_to_admins(w, client):
    users = w["users"]
    names = admin_urls()
    assert "admin:index" in names and "admin:chains_industry_changelist" in names
    public = {"admin:login", "admin:logout"}  # the admin's own sign-in and sign-out
    for name in set(names) - public:
        url = reverse(name)
        client.logout()
        assert client.get(url).status_code in (302, 403), f"{name} anonymous"
        for role in ("gxj", "drc", "leader_hyt"):
            client.force_login(users[role])
            response = client.get(url)
            assert response.status_code in (302, 403), f"{name} as {role}"
            if response.status_code == 302:
                assert "/admin/login/" in response["Location"]
    client.force_login(users["admin"])
    for name in (
        "admin:index",
        "admin:chains_industry_changelist",
        "admin:chains_unit_changelist",
        "admin:chains_assignment_changelist",
        "admin:accounts_user_changelist",
        "admin:chains_industry_import",
    ):
        assert client.get(reverse(name)).status_code == 200, name


def test_a_view_without_a_policy_is_refused(w, rf):
    """The middleware itself: a view that forgot to declare its rule answers 403."""
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse
    from django.urls import ResolverMatch

    from accounts.middleware import AccessPolicyMiddleware

    def forgotten(request):
        return HttpResponse("secret")

    request = rf.get("/forgotten/")
    request.user = w["users"]["drc"]
    request.resolver_match = ResolverMatch(forgotten, (), {}, url_name="forgotten")
    middleware = AccessPolicyMiddleware(lambda r: HttpResponse())
    with pytest.raises(PermissionDenied):
        middleware.process_view(request, forgotten, (), {})


def test_the_world_holds_every_kind_of_row(w):
    """The check is only as good as its data: each kind of row a user has is there, in scope
    and out of it, so that a view has something to leak."""
    from accounts.models import Notification
    from chains.models import Enterprise, EnterpriseTier, FigureImport, IndustryFigure, Policy
    from reporting.models import (
        ActionEvent,
        ActionItem,
        Attachment,
        Contribution,
        KeyProject,
        LandItem,
        Meeting,
        MonthlyUpdate,
        PlanEvent,
        PlanItem,
        PlanProgress,
        Problem,
        Report,
        ReportJob,
        UpdateEvent,
        WorkPlan,
    )

    for model in (MonthlyUpdate, KeyProject, Problem, Contribution, Attachment, Meeting):
        assert model.objects.filter(**{"pk__isnull": False}).count() >= 2, model
    for model in (ActionItem, WorkPlan, PlanItem, LandItem, Policy, Enterprise):
        assert model.objects.count() >= 2, model
    assert Problem.objects.filter(status="open").count() >= 2
    assert Problem.objects.filter(status="in_meeting").count() >= 2  # escalated to a meeting
    assert EnterpriseTier.objects.filter(stage="candidate").exists()
    assert EnterpriseTier.objects.filter(stage="recognised").exists()
    assert IndustryFigure.objects.filter(yoy__isnull=False).exists()
    assert FigureImport.objects.filter(status="preview").exists()
    assert Report.objects.filter(status="draft").exists()
    assert Report.objects.filter(status="final").exists()
    assert ReportJob.objects.exists()
    assert LandItem.objects.filter(industry__isnull=True, name__contains="HULI").exists()
    assert PlanProgress.objects.exists() and WorkPlan.objects.filter(status="accepted").exists()
    assert UpdateEvent.objects.exists() and PlanEvent.objects.exists()
    assert ActionEvent.objects.exists() and Notification.objects.exists()
    assert MonthlyUpdate.objects.filter(progress_organisation__contains=CL_SECRET).exists()
    from chains.models import MatrixChange

    for industry, marker in ((w["cl"], CL_SECRET), (w["ei"], world_data.EI_SECRET)):
        assert MatrixChange.objects.filter(industries=industry, source__contains=marker).exists()
