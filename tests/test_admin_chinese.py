"""The admin reads in Chinese throughout: every page of every registered model, as a superuser
and as an administrator by role, for English left on it (AXES, Access attempts, Outbox messages,
IS DEMO, INDUSTRY, ACTOR, "Enterprise figure", "Choose all 组" …), and the catalogue of the
admin's scripts."""

import datetime
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import django.contrib.admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts.choices import Role
from chains.api import services as api_services
from chains.creditcode import check_character
from chains.models import (
    CarrierArea,
    DoublingTarget,
    Enterprise,
    FigureFlag,
    FigureImport,
    Indicator,
    Industry,
    LeadingIndustry,
    MatrixChange,
    Policy,
    SubSegment,
    Unit,
)
from reporting.analysis import services as analysis_services
from reporting.models import (
    CalendarOverride,
    CalendarYear,
    OutboxMessage,
    PlanYear,
    SupervisionRules,
    UnitWebhook,
)
from reporting.periods import services as periods_services
from reporting.updates import services

CJK = re.compile(r"[\u4e00-\u9fff]")

# English that has been seen in the admin, matched anywhere in a run of English words.
PHRASES = (
    "access attempt",
    "access log",
    "access failure",
    "attempted access",
    "failed access",
    "outbox",
    "choose all",
    "enterprise figure",
    "industry figure",
    "is demo",
    "axes",
    "guardian",
    "object permission",
    "can add",
    "can change",
    "can delete",
    "can view",
    "meta data",
    "form data",
    "user agent",
    "ip address",
    "attempt time",
    "locked out",
    "after you",
)
# English that has been seen in the admin as a whole label (a column, a field, a button); with
# these, every English name of every model, field and app (see english_labels).
LABELS = {
    "add",
    "change",
    "delete",
    "save",
    "history",
    "view",
    "status",
    "expiration",
    "model name",
    "add link",
    "change or view list link",
    "group",
    "user",
}
# Names that stay as they are in Chinese text.
NOT_ENGLISH_WORDS = {"id", "csv", "xlsx", "json", "url", "ip", "pdf", "sha"}


def english_labels() -> set[str]:
    """The English names of every app, model and field: on a Chinese page, any of them standing
    alone is a label left untranslated."""
    labels = set(LABELS)
    with translation.override("en"):
        for config in apps.get_app_configs():
            labels.add(str(config.verbose_name))
            for model in config.get_models():
                opts = model._meta
                labels.update({str(opts.verbose_name), str(opts.verbose_name_plural)})
                for field in opts.get_fields():
                    if hasattr(field, "verbose_name") and field.verbose_name:
                        labels.add(str(field.verbose_name))
    return {label.lower() for label in labels} - NOT_ENGLISH_WORDS


class Visible(HTMLParser):
    """The text a reader sees or hears: text nodes, button values, titles, placeholders and
    ARIA labels; not scripts, styles, the contents of text areas or the values of inputs."""

    SKIP = {"script", "style", "textarea"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SKIP:
            self._skipping += 1
        for name in ("title", "placeholder", "aria-label", "alt"):
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.parts.append(data)


# A run of English words. Identifiers and paths (unit:gxj, reporting.notify, view_industry,
# /admin/, Mozilla/5.0, a@b) are data, not words: a run touching one of :._/@- or a digit is
# left alone (a colon after a label, "User Agent:", is not data). Atomic, so that a run is
# never cut short to make it match.
RUN = re.compile(r"(?<![\w:./@\\-])(?>[A-Za-z](?:[A-Za-z' ’]*[A-Za-z])?)(?![\w./@\\-]|:\S)")


def english_on(html: str, labels: set[str]) -> set[str]:
    parser = Visible()
    parser.feed(html)
    found = set()
    for part in parser.parts:
        for run in RUN.findall(part):
            words = run.strip().lower()
            if words in labels or any(p in words for p in PHRASES):
                found.add(f"{run.strip()!r} in {part.strip()[:80]!r}")
    return found


UPDATE_TEXT = {
    "progress_organisation": "召开专班会议2次。",
    "progress_roadmap": "更新产业链图谱。",
    "progress_policy": "兑现扶持资金1.2亿元。",
    "progress_platform": "新增载体5万平方米。",
    "progress_projects": "储备项目12个。",
    "progress_investment": "签约项目3个。",
    "projects_signed": 3,
    "signed_amount": "15.50",
    "suggestions": "建议统筹用地指标。",
    "next_plan": "推进重点项目开工。",
}


def admin_world(users, make_user):
    """At least one row of every model the admin shows, so that every change page is seen."""
    call_command("load_indicators", verbosity=0)
    call_command("load_assessment_indicators", verbosity=0)
    call_command("load_validation_rules", verbosity=0)
    electronics = Industry.objects.get(name="电子信息产业集群")
    gxj_unit = Unit.objects.get(name="市工信局")
    siming = Unit.objects.get(name="思明区")
    period = periods_services.period_get_or_create(2025, 9)
    update = services.update_start(
        industry=electronics, unit=gxj_unit, period=period, user=users["gxj"]
    )
    update = services.update_save(
        update=update,
        content=services.UpdateContent(fields=UPDATE_TEXT, key_projects=[], problems=[]),
        expected_version=update.version,
        user=users["gxj"],
    )
    services.update_submit(update=update, user=users["gxj"], expected_version=update.version)
    analysis_services.analysis_save(
        period=period, industry=electronics, text="电子信息产值平稳增长。", expected_version=0,
        user=users["stats"],
    )  # fmt: skip
    if not OutboxMessage.objects.exists():
        OutboxMessage.objects.create(task="reporting.notify_submitted", payload={"x": 1})
    SupervisionRules.objects.get_or_create(pk=1)
    if not UnitWebhook.objects.exists():
        UnitWebhook.objects.create(
            unit=Unit.objects.get(name="市工信局"),
            provider="wecom",
            url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=admin-world",
            kinds=["chase"],
        )
    SubSegment.objects.get_or_create(industry=electronics, name="集成电路")
    first17 = "91350200MA2Y00000"
    Enterprise.objects.create(
        credit_code=first17 + check_character(first17),
        name="厦门示例电子有限公司",
        industry=electronics,
        district=siming,
    )
    september = FigureImport.objects.create(
        kind="industry_figures",
        status="applied",
        original_name="9月.xlsx",
        sha256="0" * 64,
        uploaded_by=users["stats"],
        file="statistics/none.xlsx",
    )
    FigureFlag.objects.create(
        source=september,
        fingerprint="rule|revenue-month-non-negative|industry_id=1|3|2025-09|-5.0000",
        kind="rule",
        test="revenue-month-non-negative",
        importance="warning",
        sheet_row=3,
        indicator=Indicator.objects.get(code="revenue-month"),
        industry=electronics,
        year=2025,
        month=9,
        value=Decimal("-5"),
        message="该指标不应为负数",
    )
    LeadingIndustry.objects.create(unit=siming, industry=electronics)
    area = CarrierArea.objects.create(name="软件园三期", kind="park", unit=siming, is_demo=True)
    area.industries.add(electronics)
    Policy.objects.create(
        industry=electronics,
        title="关于加快电子信息产业发展的若干措施",
        issuer=gxj_unit,
        issued_on=datetime.date(2025, 3, 1),
        created_by=users["drc"],
        is_demo=True,
    )
    DoublingTarget.objects.create(
        industry=electronics,
        indicator=Indicator.objects.first(),
        base_year=2024,
        base_value=Decimal("100"),
        target_year=2027,
        target_value=Decimal("200"),
    )
    if not MatrixChange.objects.exists():
        MatrixChange.objects.create(table="matrix", actor_name="root", source="matrix.json")
    CalendarOverride.objects.create(date=datetime.date(2027, 1, 4), is_working_day=False)
    CalendarYear.objects.create(year=2027, completed_by=users["admin"])
    PlanYear.objects.get_or_create(year=2026, defaults={"deadline": datetime.date(2026, 1, 31)})
    visitor = dict(
        user_agent="Mozilla/5.0", ip_address="10.1.1.1", http_accept="text/html",
        path_info="/accounts/login/",
    )  # fmt: skip
    AccessAttempt.objects.create(
        username="gxj", get_data="", post_data="", failures_since_start=2, **visitor
    )
    AccessLog.objects.create(username="gxj", **visitor)
    AccessFailureLog.objects.create(username="gxj", locked_out=False, **visitor)
    Group.objects.get_or_create(name="临时工作组")
    bureau = api_services.api_client_create(
        code="tjj-platform", name="市统计局数据平台", unit=Unit.objects.get(name="市统计局")
    )
    token, _plain = api_services.api_token_issue(
        client=bureau,
        scope="statistics:write",
        expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
        created_by=users["admin"],
    )
    api_services.api_call_record(
        token=token, method="GET", path="/api/v1/matrix/", status=200, ip="10.1.1.2", duration_ms=5
    )


def admin_pages(user) -> list[str]:
    """The index, each app's index and, for every registered model, its list, add form, one
    row's change page, its history and its delete page (where the user may use them)."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append(reverse("admin:app_list", args=[opts.app_label]))
        urls.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{name}_add"))
        row = model._default_manager.order_by("pk").first()
        assert row is not None, f"add a {opts.label} row to admin_world"
        urls += [
            reverse(f"{name}_change", args=[row.pk]),
            reverse(f"{name}_history", args=[row.pk]),
        ]
        if model_admin.has_delete_permission(request, row):
            urls.append(reverse(f"{name}_delete", args=[row.pk]))
    return list(dict.fromkeys(urls))


def test_the_admin_reads_in_chinese(client, users, make_user, clock):
    admin_world(users, make_user)
    chief = make_user("chief", role=Role.ADMIN)  # an administrator by role, not a superuser
    labels = english_labels()
    assert {"access attempts", "outbox message", "industry", "actor"} <= labels
    english = {}
    for user in (users["admin"], chief):
        client.force_login(user)
        for url in admin_pages(user):
            response = client.get(url)
            assert response.status_code == 200, f"{url} as {user}: {response.status_code}"
            found = english_on(response.content.decode(), labels)
            if found:
                english[f"{url} ({user})"] = sorted(found)
    assert not english, json.dumps(english, ensure_ascii=False, indent=1)


def test_the_walk_would_see_english():
    """The check itself: it finds a label, a heading and a phrase, and leaves data alone."""
    labels = english_labels()
    html = (
        '<th scope="col"><div class="text"><a href="?o=1">Industry</a></div></th>'
        "<p>在应用程序 Axes 中的模型</p><a>选择 access attempt 来修改</a>"
        '<input type="submit" value="Save">'
    )
    assert len(english_on(html, labels)) == 4
    data = (
        "<td>Municipal Bureau of Industry and Information Technology</td><td>unit:gxj</td>"
        "<td>reporting.notify_submitted</td><td>Mozilla/5.0</td><td>ID</td>"
        "<p>按住 Control 键或 Mac 上的 Command 键来选择多项。</p>"
    )
    assert not english_on(data, labels)


def js_messages() -> set[str]:
    """Every message the admin's own scripts look up (gettext, ngettext, pgettext)."""
    root = Path(django.contrib.admin.__file__).parent / "static" / "admin" / "js"
    found = set()
    call = re.compile(
        r"\b(n?gettext|pgettext)\(\s*'((?:[^'\\]|\\.)*)'(?:\s*,\s*'((?:[^'\\]|\\.)*)')?"
    )
    for script in root.rglob("*.js"):
        if "vendor" in script.parts:
            continue
        for kind, first, second in call.findall(script.read_text(encoding="utf-8")):
            found.add(f"{first}\x04{second}" if kind == "pgettext" else first)
    return found


def test_the_admins_scripts_have_every_message_in_chinese(client, users):
    """SelectFilter2 (the two-box picker of groups and permissions) asks for "Choose all %s",
    which Django's zh_Hans catalogue lacks: the picker said "Choose all 组"."""
    client.force_login(users["admin"])
    script = client.get(reverse("admin:jsi18n")).content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
    messages = js_messages()
    assert "Choose all %s" in messages and "one letter Friday\x04F" in messages
    missing = []
    for message in sorted(messages):
        translated = catalog.get(message)
        if isinstance(translated, list):
            translated = translated[0]
        if not translated or not CJK.search(translated):
            missing.append(message.replace("\x04", " | "))
    assert not missing, missing


def test_every_model_field_and_app_has_a_chinese_name():
    """Model and field names are what the admin prints as headings, columns, labels and filter
    titles; an app's name heads its section of the index."""
    untranslated = []
    with translation.override("zh-hans"):
        for config in apps.get_app_configs():
            models = list(config.get_models())
            if models and not CJK.search(str(config.verbose_name)):
                untranslated.append(f"app {config.label}: {config.verbose_name}")
            for model in models:
                opts = model._meta
                for name in (opts.verbose_name, opts.verbose_name_plural):
                    if not CJK.search(str(name)):
                        untranslated.append(f"{opts.label}: {name}")
                if config.label not in ("accounts", "chains", "reporting"):
                    continue
                for field in opts.get_fields():
                    if (field.auto_created and not field.concrete) or field.name == "id":
                        continue
                    if not CJK.search(str(field.verbose_name)):
                        untranslated.append(f"{opts.label}.{field.name}: {field.verbose_name}")
    assert not untranslated, untranslated
