"""The admin pages of reporting's records."""

import datetime

from django.urls import reverse

from reporting.models import OutboxMessage


def test_outbox_rows_are_read_only_even_for_a_superuser(client, users):
    """The outbox is the record of notifications and jobs: no row is added, edited or
    deleted by hand."""
    message = OutboxMessage.objects.create(task="reporting.notify", payload={"x": 1})
    client.force_login(users["admin"])
    change = reverse("admin:reporting_outboxmessage_change", args=[message.pk])
    delete = reverse("admin:reporting_outboxmessage_delete", args=[message.pk])
    changelist = reverse("admin:reporting_outboxmessage_changelist")
    assert client.get(changelist).status_code == 200
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change, {"task": "changed", "payload": "{}"}).status_code == 403
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [message.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    assert OutboxMessage.objects.get(pk=message.pk).task == "reporting.notify"
    assert client.get(reverse("admin:reporting_outboxmessage_add")).status_code == 403


def test_the_admin_index_names_every_model_in_chinese(client, users):
    """No English model name on the Chinese admin index (the outbox was "Outbox messages"),
    axes' own models aside."""
    import re

    client.force_login(users["admin"])
    html = client.get(reverse("admin:index")).content.decode()
    assert "待发送事项" in html
    names = re.findall(r'<th scope="row"[^>]*>\s*<a [^>]*>([^<]+)</a>', html)
    assert names
    english = [n for n in names if re.fullmatch(r"[A-Za-z ]+", n.strip())]
    assert set(english) <= {"Access attempts", "Access failures", "Access logs"}, english


def test_the_plan_deadline_has_an_admin_page(client, users):
    """The README says administrators set the yearly work plans' deadline: a list and a
    change page in Chinese, recorded in the admin history, never deleted."""
    from django.contrib.admin.models import LogEntry

    from reporting.models import PlanYear
    from reporting.plans.selectors import plan_deadline
    from reporting.plans.services import plan_year_get_or_create

    plan_year = plan_year_get_or_create(2027)
    client.force_login(users["admin"])
    listing = client.get(reverse("admin:reporting_planyear_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "计划年度" in html and "计划报送截止日期" in html and "2027年1月15日" in html

    change = reverse("admin:reporting_planyear_change", args=[plan_year.pk])
    assert "计划报送截止日期" in client.get(change).content.decode()
    response = client.post(change, {"deadline": "2027-02-10"})
    assert response.status_code == 302
    assert plan_deadline(2027) == datetime.date(2027, 2, 10)
    assert LogEntry.objects.filter(object_id=str(plan_year.pk)).exists()
    # A slip of the keyboard (2072) is refused in Chinese, not saved.
    response = client.post(change, {"deadline": "2072-02-10"})
    assert response.status_code == 200
    assert "截止日期应在 2026 年或 2027 年内" in response.content.decode()
    assert plan_deadline(2027) == datetime.date(2027, 2, 10)
    # Plans refer to their year: it is kept, not deleted.
    delete = reverse("admin:reporting_planyear_delete", args=[plan_year.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert PlanYear.objects.filter(pk=plan_year.pk).exists()


def test_the_monthly_updates_list_searches_and_filters(client, users, electronics_update):
    from chains.models import Industry, Unit
    from reporting.updates import services

    services.update_start(
        industry=Industry.objects.get(name="商贸物流产业集群"),
        unit=Unit.objects.get(name="市商务局"),
        period=electronics_update.period,
        user=users["swj"],
    )
    client.force_login(users["admin"])
    url = reverse("admin:reporting_monthlyupdate_changelist")

    def found(**query):
        response = client.get(url, query)
        assert response.status_code == 200
        return [str(u.unit) for u in response.context["cl"].result_list]

    assert sorted(found()) == ["市商务局", "市工信局"]
    assert found(q="市商务局") == ["市商务局"]
    assert found(q="电子信息") == ["市工信局"]
    assert found(unit__id__exact=Unit.objects.get(name="市商务局").pk) == ["市商务局"]


KEPT = "该记录被历史记录引用，予以保留，不能删除"


def test_a_unit_with_history_is_kept_and_the_refusal_says_so(client, users, electronics_update):
    """Deleting 市工信局 (which has filed an update) said "你的帐号无权删除 月度进展": untrue for
    a superuser; the unit is kept because the update refers to it."""
    from chains.models import Unit

    unit = Unit.objects.get(name="市工信局")
    client.force_login(users["admin"])
    url = reverse("admin:chains_unit_delete", args=[unit.pk])
    html = client.get(url).content.decode()
    assert KEPT in html
    assert "无权删除" not in html
    assert "月度进展" in html and "2025年9月" in html  # what refers to it, and which
    assert 'name="post"' not in html
    client.post(url, {"post": "yes"})
    assert Unit.objects.filter(pk=unit.pk).exists()

    changelist = reverse("admin:chains_unit_changelist")
    html = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [unit.pk]}
    ).content.decode()
    assert "被历史记录引用，予以保留，不能删除" in html
    assert "无权删除" not in html and "月度进展" in html
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_a_long_list_of_references_is_summarised(client, users, electronics_update):
    """A unit referred to by hundreds of rows lists each kind with its count and a few
    examples, not every row."""
    from chains.models import Unit
    from reporting.periods import services as periods_services
    from reporting.updates import services

    unit = Unit.objects.get(name="市工信局")
    for month in range(1, 9):
        services.update_start(
            industry=electronics_update.industry,
            unit=unit,
            period=periods_services.period_get_or_create(2025, month),
            user=users["gxj"],
        )
    client.force_login(users["admin"])
    html = client.get(reverse("admin:chains_unit_delete", args=[unit.pk])).content.decode()
    assert KEPT in html
    assert "月度进展" in html and "共 9 条" in html
    assert html.count("2025年") < 9
