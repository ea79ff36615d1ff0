"""The admin pages of reporting's records."""

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
    from reporting import services

    unit = Unit.objects.get(name="市工信局")
    for month in range(1, 9):
        services.update_start(
            industry=electronics_update.industry,
            unit=unit,
            period=services.period_get_or_create(2025, month),
            user=users["gxj"],
        )
    client.force_login(users["admin"])
    html = client.get(reverse("admin:chains_unit_delete", args=[unit.pk])).content.decode()
    assert KEPT in html
    assert "月度进展" in html and "共 9 条" in html
    assert html.count("2025年") < 9
