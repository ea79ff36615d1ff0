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
