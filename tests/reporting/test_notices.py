"""How notices reach people: the inbox always; e-mail as each user chose per kind (at once, in
the day's digest, or not); a unit's group robot (企业微信 / 钉钉), posted through the outbox by
a real worker to a local HTTP receiver, and retried when the robot fails. The centre pages,
marks one notice read at a time, and a link followed marks its notice read."""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.urls import reverse

from accounts.choices import NoticeKind
from accounts.models import Notification
from chains.models import Unit
from reporting.models import NoticePreference, OutboxMessage, UnitWebhook
from reporting.notices import services as notices
from tests.celery_helpers import real_worker


class Receiver:
    """A group robot's stand-in: records each post; answers as told."""

    def __init__(self):
        self.posts, self.answer = [], (200, {"errcode": 0, "errmsg": "ok"})
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts.append((self.path, json.loads(body)))
                status, answer = receiver.answer
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(answer).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=test"

    @contextlib.contextmanager
    def running(self):
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def robot(settings):
    settings.NOTICE_WEBHOOK_HOSTS = ["127.0.0.1"]
    settings.NOTICE_WEBHOOK_ALLOW_HTTP = True
    with Receiver().running() as receiver:
        yield receiver


def test_the_inbox_always_and_e_mail_as_each_chose(users):
    swj, gxj, kjj = users["swj"], users["gxj"], users["kjj"]
    for user in (swj, gxj, kjj):
        user.email = f"{user.username}@xm.gov.cn"
        user.save()
    notices.notify([gxj], subject="【催办】", text="选择汇总之前的旧通知", kind=NoticeKind.CHASE)
    mail.outbox.clear()
    NoticePreference.objects.create(user=gxj, kind=NoticeKind.CHASE, email="digest")
    NoticePreference.objects.create(user=kjj, kind=NoticeKind.CHASE, email="off")
    NoticePreference.objects.create(user=kjj, kind=NoticeKind.REVIEW, email="digest")
    notices.notify(
        [swj, gxj, kjj, swj], subject="【催办】", text="请尽快办理", kind=NoticeKind.CHASE
    )
    assert Notification.objects.filter(kind=NoticeKind.CHASE).count() == 4  # each once
    assert [m.to for m in mail.outbox] == [["swj@xm.gov.cn"]]

    mail.outbox.clear()
    notices.notify([kjj], subject="【审核】", text="月度进展已退回", kind=NoticeKind.REVIEW)
    notices.notify([gxj, kjj], subject="【其他】", text="系统维护通知")  # other: at once
    assert sorted(m.to[0] for m in mail.outbox) == ["gxj@xm.gov.cn", "kjj@xm.gov.cn"]

    mail.outbox.clear()
    assert notices.send_digests() == 2
    digests = {m.to[0]: m.body for m in mail.outbox}
    assert "请尽快办理" in digests["gxj@xm.gov.cn"] and "系统维护" not in digests["gxj@xm.gov.cn"]
    assert "旧通知" not in digests["gxj@xm.gov.cn"]  # e-mailed at once when it came
    assert (
        "月度进展已退回" in digests["kjj@xm.gov.cn"]
        and "请尽快办理" not in digests["kjj@xm.gov.cn"]
    )
    assert notices.send_digests() == 0  # each notice in one digest only


@pytest.mark.django_db(transaction=True)
def test_a_units_robot_gets_its_notices_through_a_real_worker_and_a_failure_is_retried(
    matrix,
    make_user,
    redis_url,
    robot,
    clock,  # any day will do: its own (no date runs)
):
    swj = make_user("swj", unit="市商务局")
    make_user("gxj", unit="市工信局")
    hook = UnitWebhook.objects.create(
        unit=Unit.objects.get(name="市商务局"),
        provider="wecom",
        url=robot.url,
        kinds=[NoticeKind.CHASE, NoticeKind.SUPERVISION],
    )
    with real_worker(redis_url):
        notices.notify(
            [swj],
            subject="【催办】商贸物流",
            text="请尽快签收",
            link="/updates/actions/1/",
            kind=NoticeKind.CHASE,
        )
        notices.notify([swj], subject="【审核】", text="不发到群里", kind=NoticeKind.REVIEW)
        message = wait_processed(OutboxMessage.objects.get(task="reporting.post_webhook"))
        assert message.processed_at is not None
        assert len(robot.posts) == 1
        path, body = robot.posts[0]
        assert path == "/cgi-bin/webhook/send?key=test"
        assert body["msgtype"] == "text"
        assert body["text"]["content"].startswith("【催办】商贸物流\n请尽快签收\nhttp")
        assert body["text"]["content"].endswith("/updates/actions/1/")

        # The robot fails: the notice stays in the outbox, with the error, until it is taken.
        robot.answer = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
        notices.notify([swj], subject="【督办事项】", text="已交办", kind=NoticeKind.SUPERVISION)
        failing = OutboxMessage.objects.filter(task="reporting.post_webhook").latest("pk")
        for _ in range(100):
            failing.refresh_from_db()
            if failing.last_error:
                break
            time.sleep(0.05)
        assert failing.processed_at is None and "93000" in failing.last_error
        robot.answer = (200, {"errcode": 0, "errmsg": "ok"})
        assert wait_processed(failing, seconds=30).processed_at is not None  # the retry took it
    assert [b["text"]["content"].split("\n")[0] for _p, b in robot.posts[-1:]] == ["【督办事项】"]
    assert Notification.objects.filter(user=swj).count() == 3
    assert hook.posts(NoticeKind.CHASE) and not hook.posts(NoticeKind.REVIEW)


def wait_processed(message, seconds=10):
    for _ in range(int(seconds / 0.05)):
        message.refresh_from_db()
        if message.processed_at:
            break
        time.sleep(0.05)
    return message


def test_the_admin_refuses_a_robot_address_inside_the_network(users, client):
    client.force_login(users["admin"])
    response = client.post(
        reverse("admin:reporting_unitwebhook_add"),
        {
            "unit": Unit.objects.get(name="市商务局").pk,
            "provider": "wecom",
            "url": "http://10.0.0.5/internal",
            "is_active": "on",
        },
    )
    assert response.status_code == 200 and "机器人地址须为 https" in response.content.decode()
    assert not UnitWebhook.objects.exists()


def test_the_centre_pages_and_marks_one_notice_read_at_a_time(users, client):
    swj = users["swj"]
    for n in range(60):
        Notification.objects.create(
            user=swj, text=f"通知{n}", link=f"/updates/actions/{n}/", kind="chase"
        )
    client.force_login(swj)
    url = reverse("accounts:notifications")
    page = client.get(url)
    assert len(page.context["page"]) == 50 and page.context["unread"] == 60
    assert not Notification.objects.filter(user=swj, read_at__isnull=False).exists()  # looking
    first = Notification.objects.filter(user=swj).first()
    client.post(url, {"notice": first.pk})
    assert list(Notification.objects.filter(read_at__isnull=False)) == [first]
    other = Notification.objects.filter(user=swj, read_at__isnull=True).first()
    opened = client.get(reverse("accounts:notification_open", args=[other.pk]))
    assert opened.status_code == 302 and opened["Location"] == other.link
    assert Notification.objects.filter(read_at__isnull=False).count() == 2
    assert client.get(url, {"unread": "1", "page": "2"}).context["page"].number == 2
    client.post(url, {"all": "1"})
    assert not Notification.objects.filter(user=swj, read_at__isnull=True).exists()
    # someone else's notice cannot be opened or marked
    theirs = Notification.objects.create(user=users["gxj"], text="别人的", link="/")
    assert client.get(reverse("accounts:notification_open", args=[theirs.pk])).status_code == 404
    client.post(url, {"notice": theirs.pk})
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_each_user_chooses_per_kind(users, client):
    client.force_login(users["swj"])
    url = reverse("reporting:notice_preferences")
    data = {kind: "immediate" for kind in NoticeKind.values} | {"chase": "digest", "report": "off"}
    assert client.post(url, data).status_code == 302
    assert dict(users["swj"].notice_preferences.values_list("kind", "email"))["chase"] == "digest"
    assert client.post(url, data | {"chase": "sms"}).status_code == 400
