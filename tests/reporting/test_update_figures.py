"""The figures of a monthly update (签约项目数 in 个, 签约金额 and key projects' 总投资 in 亿元):
whole numbers and amounts in range, refused with a message naming the figure and its unit by
the form, the model and the database alike; a figure more than ten times last month's saved
only once the unit confirms it (我已核实该数值), and the DRC's reviewer sees that it was."""

import datetime
import importlib
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from chains.models import Industry
from reporting.choices import EventKind, UpdateStatus
from reporting.models import KeyProject, MonthlyUpdate, UpdateEvent
from reporting.periods import services as periods_services
from reporting.updates import figures, services
from reporting.updates.forms import KeyProjectForm, UpdateForm
from tests.reporting.conftest import FULL_TEXT, content

NEGATIVE_AMOUNT = "签约金额不能为负数（单位：亿元）"
NOT_WHOLE = "签约项目数须为整数（单位：个）"
TOO_MUCH = "签约金额不能超过 10,000 亿元，请检查是否误按万元或元填报（单位：亿元）"
CONFIRM = "我已核实该数值"

# Migration 0011 (renumbered at merge after the statistics analysis's 0010).
MIGRATION = "reporting.migrations.0011_update_figure_checks"


def form_data(update, **changes):
    data = {"version": update.version, **FULL_TEXT}
    for prefix in ("projects", "problems"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "50",
        }
    return {**data, **changes}


def project_rows(*rows):
    """Key project rows of the edit form: (name, investment) each."""
    data = {"projects-TOTAL_FORMS": str(len(rows))}
    for i, (name, investment) in enumerate(rows):
        data |= {
            f"projects-{i}-name": name,
            f"projects-{i}-stage": "construction",
            f"projects-{i}-investment": investment,
            f"projects-{i}-progress": "推进中",
        }
    return data


def update_form(update, **changes) -> UpdateForm:
    return UpdateForm(form_data(update, **changes), instance=update)


@pytest.fixture
def october(filled, users):
    """The same unit's update on the same industry a month after `filled` (September:
    签约项目 3 个, 签约金额 15.50 亿元). The clock stands at 9 October 2025."""
    return services.update_start(
        industry=filled.industry,
        unit=filled.unit,
        period=periods_services.period_get_or_create(2025, 10),
        user=users["gxj"],
    )


def save(update, user, confirmations=None, key_projects=None, **fields):
    update.refresh_from_db()
    return services.update_save(
        update=update,
        content=services.UpdateContent(
            fields={**FULL_TEXT, **fields}, key_projects=key_projects, problems=[]
        ),
        expected_version=update.version,
        user=user,
        confirmations=confirmations,
    )


# Units and ranges ---------------------------------------------------------------------------


def test_a_negative_amount_is_refused_by_the_form_the_model_the_service_and_the_database(
    electronics_update, users
):
    form = update_form(electronics_update, signed_amount="-5")
    assert not form.is_valid()
    assert form.errors["signed_amount"] == [NEGATIVE_AMOUNT]

    electronics_update.signed_amount = Decimal("-5")
    with pytest.raises(ValidationError) as refused:
        electronics_update.full_clean()
    assert refused.value.message_dict["signed_amount"] == [NEGATIVE_AMOUNT]
    with pytest.raises(ValidationError, match=re.escape(NEGATIVE_AMOUNT)):
        electronics_update.validate_constraints()  # the database's rule, in the same words

    before = MonthlyUpdate.objects.get(pk=electronics_update.pk)
    with pytest.raises(ValidationError, match=NEGATIVE_AMOUNT):
        save(electronics_update, users["gxj"], signed_amount="-5")
    after = MonthlyUpdate.objects.get(pk=electronics_update.pk)
    assert (after.version, after.signed_amount) == (before.version, before.signed_amount)

    # Whatever path writes it, the database itself refuses a negative amount.
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyUpdate.objects.filter(pk=electronics_update.pk).update(signed_amount=-1)


def test_a_negative_count_and_a_negative_investment_are_refused(electronics_update, users):
    form = update_form(electronics_update, projects_signed="-1")
    assert not form.is_valid()
    assert form.errors["projects_signed"] == ["签约项目数不能为负数（单位：个）"]

    project = KeyProjectForm({"name": "甲项目", "stage": "construction", "investment": "-3"})
    assert not project.is_valid()
    assert project.errors["investment"] == ["重点项目总投资不能为负数（单位：亿元）"]

    row = {"name": "甲项目", "stage": "construction", "investment": Decimal("-3"), "progress": ""}
    with pytest.raises(ValidationError, match="重点项目“甲项目”：重点项目总投资不能为负数"):
        save(electronics_update, users["gxj"], key_projects=[row])
    assert not KeyProject.objects.filter(update=electronics_update).exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyProject.objects.create(
            update=electronics_update, name="乙", stage="signed", investment=-1
        )


def test_a_count_that_is_not_whole_is_refused_not_rounded(electronics_update, users):
    form = update_form(electronics_update, projects_signed="2.5")
    assert not form.is_valid()
    assert form.errors["projects_signed"] == [NOT_WHOLE]

    electronics_update.projects_signed = Decimal("2.5")
    with pytest.raises(ValidationError) as refused:
        electronics_update.full_clean()
    assert refused.value.message_dict["projects_signed"] == [NOT_WHOLE]
    electronics_update.projects_signed = 2.5
    with pytest.raises(ValidationError, match=NOT_WHOLE):
        electronics_update.full_clean()

    with pytest.raises(ValidationError, match=NOT_WHOLE):
        save(electronics_update, users["gxj"], projects_signed=Decimal("2.5"))
    assert MonthlyUpdate.objects.get(pk=electronics_update.pk).projects_signed is None

    electronics_update.projects_signed = Decimal("3")  # a whole number, however written
    electronics_update.full_clean()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("signed_amount", "10000.01", TOO_MUCH),
        ("signed_amount", "1000001", TOO_MUCH),
        ("signed_amount", "155000000", TOO_MUCH),  # 1.55 亿元 typed in 元
        ("signed_amount", "15.505", "签约金额最多保留两位小数（单位：亿元）"),
        ("signed_amount", "很多", "签约金额须为数字（单位：亿元）"),
        ("projects_signed", "10001", "签约项目数不能超过 10,000 个（单位：个）"),
    ],
)
def test_a_huge_or_malformed_value_is_refused(electronics_update, users, field, value, message):
    form = update_form(electronics_update, **{field: value})
    assert not form.is_valid()
    assert form.errors[field] == [message]
    if value != "很多":  # the model sees numbers: the same limits, the same messages
        setattr(electronics_update, field, Decimal(value))
        with pytest.raises(ValidationError) as refused:
            electronics_update.full_clean()
        assert refused.value.message_dict[field] == [message]


def test_the_largest_values_allowed_save(electronics_update, users):
    form = update_form(electronics_update, signed_amount="10000", projects_signed="10000")
    assert form.is_valid(), form.errors
    saved = save(electronics_update, users["gxj"], signed_amount="10000", projects_signed=10000)
    assert (saved.signed_amount, saved.projects_signed) == (Decimal("10000"), 10000)
    investment = KeyProjectForm({"name": "甲", "stage": "signed", "investment": "10000.01"})
    assert investment.errors["investment"] == [
        "重点项目总投资不能超过 10,000 亿元，请检查是否误按万元或元填报（单位：亿元）"
    ]


def test_the_form_shows_each_figure_with_its_unit(client, electronics_update, users):
    client.force_login(users["gxj"])
    html = client.get(reverse("reporting:edit", args=[electronics_update.pk])).content.decode()
    assert "签约项目数（个）" in html and "单位：个；填整数，0 至 10,000。" in html
    assert "签约金额（亿元）" in html and "单位：亿元；0 至 10,000，最多两位小数。" in html
    assert "总投资（亿元）" in html


def test_the_edit_page_refuses_a_negative_amount_and_keeps_the_text(
    client, electronics_update, users
):
    client.force_login(users["gxj"])
    url = reverse("reporting:edit", args=[electronics_update.pk])
    response = client.post(
        url, form_data(electronics_update, signed_amount="-5", progress_policy="我的政策进展")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert NEGATIVE_AMOUNT in html and "我的政策进展" in html
    assert MonthlyUpdate.objects.get(pk=electronics_update.pk).progress_policy == ""


# More than ten times last month's ------------------------------------------------------------


def test_a_tenfold_jump_is_refused_until_confirmed_then_recorded(client, october, users):
    client.force_login(users["gxj"])
    url = reverse("reporting:edit", args=[october.pk])
    response = client.post(url, form_data(october, signed_amount="200"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "签约金额 200.00 亿元，是上月（15.50 亿元）的 12.9 倍" in html
    assert CONFIRM in html and 'value="signed_amount|200.00"' in html
    october.refresh_from_db()
    assert october.signed_amount is None and october.version == 1  # nothing saved

    # A box ticked for another value confirms nothing.
    response = client.post(
        url, form_data(october, signed_amount="300", confirm_figures="signed_amount|200.00")
    )
    assert (
        response.status_code == 400 and 'value="signed_amount|300.00"' in response.content.decode()
    )

    response = client.post(
        url, form_data(october, signed_amount="200", confirm_figures="signed_amount|200.00")
    )
    assert response.status_code == 302
    october.refresh_from_db()
    assert october.signed_amount == Decimal("200")
    check = october.figure_checks["signed_amount"]
    assert check["value"] == "200.00" and check["previous"] == "15.50"
    assert check["times"] == "12.9" and check["by"] == users["gxj"].pk
    event = october.events.order_by("-id").first()
    assert event.kind == EventKind.SAVED and event.actor == users["gxj"]
    assert event.reason == "已核实：签约金额 200.00 亿元，是上月（15.50 亿元）的 12.9 倍"
    assert event.snapshot["figure_checks"]["signed_amount"]["value"] == "200.00"


def test_the_reviewer_sees_the_confirmed_figure(client, october, users):
    save(october, users["gxj"], signed_amount="200", confirmations={"signed_amount": Decimal(200)})
    october.refresh_from_db()
    services.update_submit(update=october, user=users["gxj"], expected_version=october.version)
    client.force_login(users["drc"])
    html = client.get(reverse("reporting:review", args=[october.pk])).content.decode()
    assert 'data-figure-check="signed_amount"' in html
    assert "已核实：为上月的 12.9 倍" in html
    assert "本月 200.00 亿元，上月 15.50 亿元" in html  # who and what, on hovering the mark
    client.force_login(users["gxj"])
    history = client.get(reverse("reporting:history", args=[october.pk])).content.decode()
    assert "已核实：签约金额 200.00 亿元" in history


def test_without_a_jump_there_is_no_mark(client, october, users):
    save(october, users["gxj"], signed_amount="155")  # exactly ten times: no warning
    october.refresh_from_db()
    assert october.figure_checks == {}
    client.force_login(users["drc"])
    html = client.get(reverse("reporting:review", args=[october.pk])).content.decode()
    assert "data-figure-check" not in html


def test_just_past_ten_times_is_a_jump(october, users):
    with pytest.raises(services.FigureJumpError) as refused:
        save(october, users["gxj"], signed_amount="155.01")
    assert [j.key for j in refused.value.jumps] == ["signed_amount"]
    with pytest.raises(services.FigureJumpError):
        save(october, users["gxj"], projects_signed=31)  # 3 last month
    assert save(october, users["gxj"], projects_signed=30).projects_signed == 30


def test_a_confirmation_holds_for_its_value_only(october, users, make_user):
    save(october, users["gxj"], signed_amount="200", confirmations={"signed_amount": Decimal(200)})
    first = MonthlyUpdate.objects.get(pk=october.pk).figure_checks["signed_amount"]
    colleague = make_user("gxj2", unit="市工信局")
    # Saved again unchanged by a colleague: still confirmed, by whom it was confirmed.
    again = save(october, colleague, signed_amount="200", progress_policy="补充")
    assert again.figure_checks["signed_amount"]["by"] == users["gxj"].pk
    assert again.figure_checks["signed_amount"]["at"] == first["at"]
    with pytest.raises(services.FigureJumpError):
        save(october, colleague, signed_amount="250")  # another value: confirm it anew
    assert save(october, colleague, signed_amount="20").figure_checks == {}


def test_a_stale_version_is_refused_even_when_confirmed(october, users):
    with pytest.raises(services.ConcurrentEditError):
        services.update_save(
            update=october,
            content=content(signed_amount="200"),
            expected_version=october.version + 1,
            user=users["gxj"],
            confirmations={"signed_amount": Decimal(200)},
        )
    october.refresh_from_db()
    assert october.figure_checks == {} and october.signed_amount is None


def test_submitting_checks_again_when_last_month_changed(filled, october, users):
    save(october, users["gxj"], signed_amount="100")  # 6.5 times 15.50: fine
    save(filled, users["gxj"], signed_amount="5")  # September corrected meanwhile: now 20 times
    october.refresh_from_db()
    with pytest.raises(services.FigureJumpError, match=re.escape("是上月（5.00 亿元）的 20 倍")):
        services.update_submit(update=october, user=users["gxj"], expected_version=october.version)
    assert MonthlyUpdate.objects.get(pk=october.pk).status == UpdateStatus.DRAFT
    submitted = services.update_submit(
        update=october,
        user=users["gxj"],
        expected_version=october.version,
        confirmations={"signed_amount": Decimal("100.00")},
    )
    assert submitted.status == UpdateStatus.SUBMITTED
    assert submitted.figure_checks["signed_amount"]["times"] == "20"
    assert submitted.events.order_by("-id").first().reason.startswith("已核实：签约金额 100.00")


def test_submit_from_the_edit_page_needs_the_confirmation_too(client, october, users):
    client.force_login(users["gxj"])
    url = reverse("reporting:edit", args=[october.pk])
    response = client.post(url, {**form_data(october, signed_amount="200"), "submit": "1"})
    assert response.status_code == 400
    assert MonthlyUpdate.objects.get(pk=october.pk).status == UpdateStatus.DRAFT
    confirmed = form_data(october, signed_amount="200", confirm_figures="signed_amount|200.00")
    assert client.post(url, {**confirmed, "submit": "1"}).status_code == 302
    assert MonthlyUpdate.objects.get(pk=october.pk).status == UpdateStatus.SUBMITTED


def test_a_key_projects_investment_is_compared_with_the_same_project(filled, october, users):
    row = {"stage": "construction", "progress": ""}
    save(filled, users["gxj"], key_projects=[{**row, "name": "天马产线", "investment": 10}])
    with pytest.raises(
        services.FigureJumpError, match=re.escape("重点项目“天马产线”总投资 150.00 亿元")
    ):
        save(october, users["gxj"], key_projects=[{**row, "name": "天马产线", "investment": 150}])
    # Another project is not compared with it.
    save(october, users["gxj"], key_projects=[{**row, "name": "新项目", "investment": 150}])
    saved = save(
        october,
        users["gxj"],
        key_projects=[{**row, "name": "天马产线", "investment": 150}],
        confirmations={"investment:天马产线": Decimal(150)},
    )
    assert saved.figure_checks["investment:天马产线"]["times"] == "15"


def test_the_project_mark_shows_on_the_review_page(client, filled, october, users):
    row = {"stage": "construction", "progress": ""}
    save(filled, users["gxj"], key_projects=[{**row, "name": "天马产线", "investment": 10}])
    client.force_login(users["gxj"])
    url = reverse("reporting:edit", args=[october.pk])
    data = form_data(october, **project_rows(("天马产线", "150")))
    response = client.post(url, data)
    assert response.status_code == 400
    assert 'value="investment:天马产线|150.00"' in response.content.decode()
    response = client.post(url, {**data, "confirm_figures": "investment:天马产线|150.00"})
    assert response.status_code == 302
    client.force_login(users["drc"])
    html = client.get(reverse("reporting:review", args=[october.pk])).content.decode()
    assert 'data-figure-check="investment:天马产线"' in html and "为上月的 15 倍" in html


@pytest.mark.parametrize("last_month", ["0", None])
def test_no_warning_when_last_months_figure_is_zero_or_blank(filled, october, users, last_month):
    save(filled, users["gxj"], signed_amount=last_month, projects_signed=last_month)
    saved = save(october, users["gxj"], signed_amount="5000", projects_signed=900)
    assert saved.signed_amount == Decimal("5000") and saved.figure_checks == {}


def test_no_warning_without_last_months_update(electronics_update, users, clock):
    """September has no August update to compare with."""
    saved = save(electronics_update, users["gxj"], signed_amount="5000", projects_signed=900)
    assert saved.figure_checks == {}


def test_only_the_same_industry_and_units_last_month_counts(filled, users, make_user, clock):
    """Last month's update of another industry, or of another lead unit of the same industry,
    is not compared with: each has its own figures."""
    save(filled, users["gxj"], signed_amount="1")  # 电子信息, 市工信局, September
    october = periods_services.period_get_or_create(2025, 10)
    machinery = services.update_start(
        industry=Industry.objects.get(name="机械装备产业集群"),
        unit=filled.unit,
        period=october,
        user=users["gxj"],
    )
    assert save(machinery, users["gxj"], signed_amount="100").figure_checks == {}

    commerce = Industry.objects.get(name="商贸物流产业集群")  # three lead units
    transport = make_user("jtj", unit="市交通局")
    by_commerce = services.update_start(
        industry=commerce, unit=users["swj"].unit, period=filled.period, user=users["swj"]
    )
    save(by_commerce, users["swj"], signed_amount="1")
    by_transport = services.update_start(
        industry=commerce, unit=transport.unit, period=october, user=transport
    )
    assert save(by_transport, transport, signed_amount="100").figure_checks == {}


def test_only_the_units_own_editors_may_save_or_confirm(client, october, users):
    data = form_data(october, signed_amount="200", confirm_figures="signed_amount|200.00")
    url = reverse("reporting:edit", args=[october.pk])
    for outsider in ("swj", "drc", "siming", "leader_huang_yt"):
        client.force_login(users[outsider])
        assert client.post(url, data).status_code == 403, outsider
        autosave = reverse("reporting:autosave", args=[october.pk])
        assert client.post(autosave, data).status_code == 403, outsider
    october.refresh_from_db()
    assert october.signed_amount is None and october.figure_checks == {}
    client.force_login(users["gxj"])
    assert client.post(url, data).status_code == 302


def test_autosave_waits_for_the_confirmation(client, october, users):
    client.force_login(users["gxj"])
    url = reverse("reporting:autosave", args=[october.pk])
    refused = client.post(url, form_data(october, signed_amount="200"))
    assert refused.status_code == 400
    assert refused.json()["message"] == (
        "自动保存暂停：有数值超过上月的 10 倍，请点击“保存草稿”核实并确认。"
        "签约金额 200.00 亿元，是上月（15.50 亿元）的 12.9 倍"
    )
    ticked = client.post(
        url, form_data(october, signed_amount="200", confirm_figures="signed_amount|200.00")
    )
    assert ticked.status_code == 200 and ticked.json()["ok"]
    assert "signed_amount" in MonthlyUpdate.objects.get(pk=october.pk).figure_checks


def test_the_batch_page_asks_for_the_confirmation_too(client, october, users):
    client.force_login(users["gxj"])
    url = reverse("reporting:batch", args=[october.period.slug])
    prefix = f"u{october.pk}-"
    data = {f"{prefix}{k}": v for k, v in form_data(october, signed_amount="200").items()}
    response = client.post(url, {**data, "save": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'name="{prefix}confirm_figures" value="signed_amount|200.00"' in html
    response = client.post(
        url, {**data, f"{prefix}confirm_figures": "signed_amount|200.00", "save": "1"}
    )
    assert response.status_code == 302
    assert MonthlyUpdate.objects.get(pk=october.pk).figure_checks["signed_amount"]["by"] == (
        users["gxj"].pk
    )


# Existing rows and demo data -----------------------------------------------------------------


def _without_the_new_constraints():
    """Let the test write what rows from before migration 0011 may hold: negative amounts."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = 1")
        return lambda: connection.cursor().execute("PRAGMA ignore_check_constraints = 0")
    with connection.cursor() as cursor:  # PostgreSQL: undone when the test's transaction is
        # The test's own rows are checked now: PostgreSQL alters no table with checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name in (
            ("reporting_monthlyupdate", "update_signed_amount_not_negative"),
            ("reporting_keyproject", "key_project_investment_not_negative"),
        ):
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return lambda: None


def test_the_migration_clears_negative_amounts_and_says_so(filled, users):
    september = filled
    other = services.update_start(
        industry=Industry.objects.get(name="机械装备产业集群"),
        unit=september.unit,
        period=september.period,
        user=users["gxj"],
    )
    save(other, users["gxj"], signed_amount="8")
    KeyProject.objects.create(update=september, name="甲", stage="signed", investment=12)
    restore = _without_the_new_constraints()
    try:
        MonthlyUpdate.objects.filter(pk=september.pk).update(signed_amount=-5)
        KeyProject.objects.create(update=september, name="乙", stage="signed", investment=-3)
    finally:
        restore()
    migration = importlib.import_module(MIGRATION)
    version = MonthlyUpdate.objects.get(pk=september.pk).version
    migration.clear_negative_amounts(apps, SimpleNamespace(connection=connection))

    september.refresh_from_db()
    assert september.signed_amount is None and september.version == version + 1
    investments = dict(september.key_projects.values_list("name", "investment"))
    assert investments == {"甲": Decimal("12.00"), "乙": None}
    event = september.events.order_by("-id").first()
    assert event.kind == EventKind.CORRECTED and event.actor is None
    assert event.version == september.version
    assert "签约金额 -5.00 亿元" in event.reason and "重点项目“乙”总投资 -3.00 亿元" in event.reason
    assert event.snapshot["figures"]["signed_amount"] is None
    assert not UpdateEvent.objects.filter(update=other, kind=EventKind.CORRECTED).exists()
    assert MonthlyUpdate.objects.get(pk=other.pk).signed_amount == Decimal("8")


def test_demo_figures_are_valid_and_never_jump(matrix, settings, clock):
    from chains.matrix.demo import demo_accounts_seed
    from reporting.updates.demo import demo_updates_seed

    settings.DEBUG = True
    demo_accounts_seed()
    demo_updates_seed(today=datetime.date(2025, 10, 9), months=4)
    updates = MonthlyUpdate.objects.filter(is_demo=True).select_related("period")
    assert updates.count() > 20
    by_month = {(u.industry_id, u.unit_id, u.period.year, u.period.month): u for u in updates}
    compared = 0
    for (industry, unit, year, month), update in by_month.items():
        update.full_clean()  # every figure in range, whole where it must be
        for project in update.key_projects.all():
            project.full_clean()
        assert update.projects_signed > 0 and update.signed_amount > 0
        assert f"新签约项目{update.projects_signed}个" in update.progress_investment
        last = by_month.get((industry, unit, year, month - 1))
        if last:
            compared += 1
            values, previous = figures.figure_values(update), figures.figure_values(last)
            assert not figures.jumps(values, previous), update
    assert compared > 20


def test_only_well_formed_confirmations_count(db):
    assert figures.parse_confirmations(
        ["signed_amount|200.00", "investment:A|B 线|15", "no-separator", "|3", "x|abc", None]
    ) == {"signed_amount": Decimal("200.00"), "investment:A|B 线": Decimal("15")}
    form = UpdateForm({"confirm_figures": "signed_amount|7"})
    form.is_valid()
    assert form.confirmations() == {"signed_amount": Decimal("7")}


def test_a_projects_investment_counts_once_by_name_and_only_when_given():
    project = SimpleNamespace
    update = SimpleNamespace(projects_signed=0, signed_amount=None)
    rows = [project(name="甲", investment=5), project(name="甲", investment=9)]
    rows.append(project(name="乙", investment=None))
    assert figures.figure_values(update, rows) == {
        "projects_signed": Decimal(0),
        "investment:甲": Decimal(5),
    }
