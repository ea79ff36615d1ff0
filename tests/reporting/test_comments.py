"""Conversation: a thread on each monthly update, item and plan between the lead unit, its
responsible units and the DRC; @unit mentions tell the unit; a returned section links to its
thread; nothing written is lost."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Notification
from chains.models import Industry, Unit
from reporting.comments import services as comments
from reporting.models import Comment
from reporting.updates import services
from tests.reporting.conftest import content


@pytest.fixture
def update(users, september, clock):
    update = services.update_start(
        industry=Industry.objects.get(code="commerce-logistics"),
        unit=Unit.objects.get(name="市商务局"),
        period=september,
        user=users["swj"],
    )
    return services.update_save(
        update=update, content=content(), expected_version=update.version, user=users["swj"]
    )


def test_mentions_are_the_longest_unit_names_after_an_at(matrix):
    found = comments.mentioned_units(
        "请＠市发改委 协调，@市交通局和@海沧区配合；@不存在的单位 无效"
    )
    assert sorted(u.name for u in found) == ["市交通局", "市发改委", "海沧区"]
    assert comments.mentioned_units("没有提及") == []


def test_a_mention_tells_the_unit_and_the_owner_hears_of_the_thread(
    update, users, make_user, django_capture_on_commit_callbacks
):
    jtj = make_user("jtj", unit="市交通局")
    with django_capture_on_commit_callbacks(execute=True):
        comment = comments.comment_add(
            user=users["drc"],
            target=update,
            text="请@市交通局 补充冷链运输数据",
            section="projects",
        )
    assert list(comment.mentions.values_list("name", flat=True)) == ["市交通局"]
    assert Notification.objects.get(user=jtj).text.startswith(
        "市发改委在商贸物流产业集群2025年9月月度进展中@了贵单位"
    )
    assert Notification.objects.get(user=users["swj"]).link.endswith("#comments")
    assert not Notification.objects.filter(user=users["drc"]).exists()  # not its own
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_add(user=users["swj"], target=update, text="已补充")
    assert Notification.objects.filter(user=users["swj"]).count() == 1  # the owner's own reply


def test_an_empty_comment_or_a_section_of_nothing_is_refused(update, users):
    with pytest.raises(ValidationError, match="请填写评论内容"):
        comments.comment_add(user=users["swj"], target=update, text="  ")
    with pytest.raises(ValidationError, match="栏目不存在"):
        comments.comment_add(user=users["swj"], target=update, text="x", section="nonsense")
    assert not Comment.objects.exists()


def test_the_thread_on_the_update_page_and_the_returned_section_links_to_it(update, users, client):
    services.update_submit(update=update, user=users["swj"], expected_version=update.version)
    update.refresh_from_db()
    services.update_return(
        update=update,
        user=users["drc"],
        reason="请补充",
        section_reasons={"projects": "重点项目缺少投资额"},
    )
    client.force_login(users["drc"])
    client.post(
        reverse("reporting:comment_new"),
        {
            "target": "update",
            "pk": update.pk,
            "text": "投资额请按亿元填写",
            "section": "projects",
            "next": reverse("reporting:update", args=[update.pk]),
        },
    )
    client.force_login(users["swj"])
    html = client.get(
        reverse("reporting:update", args=[update.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert f"{reverse('reporting:update', args=[update.pk])}?section=projects#comments" in html
    assert 'data-section="projects"' in html and "投资额请按亿元填写" in html
    assert 'id="comment-form"' in html  # the lead unit answers in the thread
    client.force_login(users["leader_huang_yt"])  # a leader reads, and instructs instead
    html = client.get(reverse("reporting:update", args=[update.pk])).content.decode()
    assert "投资额请按亿元填写" in html and 'id="comment-form"' not in html


def test_a_unit_that_does_not_take_part_is_not_told(
    update, users, django_capture_on_commit_callbacks
):
    """市海洋局 takes no part in 商贸物流: named, it is not told (nor shown the text)."""
    with django_capture_on_commit_callbacks(execute=True):
        comment = comments.comment_add(
            user=users["drc"], target=update, text="请@市海洋局 和@市商务局 核实"
        )
    assert list(comment.mentions.values_list("name", flat=True)) == ["市商务局"]
    assert comment.dropped_mentions == ["市海洋局"]
    assert not Notification.objects.filter(user=users["hyj"]).exists()
