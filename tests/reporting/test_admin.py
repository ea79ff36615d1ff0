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
