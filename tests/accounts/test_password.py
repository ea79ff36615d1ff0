"""Every signed-in user changes their own password on a Chinese page; weak passwords are refused
with Chinese reasons; the change keeps the session and is recorded."""

import logging
import random
import secrets
import string

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.choices import Role
from accounts.models import User

OLD = "a-long-test-password"
NEW = "Gulangyu-tea-2027!"
URL = reverse("accounts:password_change")


def login(client, username, password=OLD):
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]


def change(client, old=OLD, new=NEW, confirm=None):
    return client.post(
        URL,
        {"old_password": old, "new_password1": new, "new_password2": confirm or new},
        follow=True,
    )


@pytest.mark.parametrize("who", ["gxj", "siming", "drc", "stats", "leader_huang_yt", "admin"])
def test_every_role_changes_its_own_password_and_stays_signed_in(users, client, caplog, who):
    user = users[who]
    login(client, user.username)
    with caplog.at_level(logging.INFO, logger="accounts.security"):
        response = change(client)
    # home, or for city leaders and the DRC the cockpit home sends them to
    landing = reverse("cockpit") if who in ("drc", "leader_huang_yt") else reverse("home")
    assert response.redirect_chain[-1][0] == landing
    assert "密码已修改。" in response.content.decode()
    # The session that made the change is still valid.
    assert client.get(landing).status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(OLD)
    entry = LogEntry.objects.get(object_id=str(user.pk))
    assert (entry.user_id, entry.action_flag) == (user.pk, CHANGE)
    with translation.override("zh-hans"):
        assert "密码" in entry.get_change_message()
    assert f"Password changed by the user {user.username}" in caplog.text


def test_other_sessions_are_signed_out(users, client):
    other = Client()
    login(other, "gxj")
    login(client, "gxj")
    change(client)
    assert other.get(reverse("home")).status_code == 302  # back to the login page


def test_the_page_is_in_chinese_and_linked_from_every_page(users, client):
    login(client, "gxj")
    html = client.get(URL).content.decode()
    for text in [
        "修改密码",
        "旧密码",
        "新密码",
        "你的密码必须包含至少 12 个字符",
        "不能包含你的用户名",
    ]:
        assert text in html, text
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()


def test_admin_admin_admin_is_refused_for_admin_in_chinese(matrix, make_user, client):
    make_user("admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    login(client, "admin")
    html = change(client, new="admin-admin-admin").content.decode()
    assert "密码不能包含你的用户名。" in html
    assert "密码不能由一小段字符重复组成。" in html
    assert User.objects.get(username="admin").check_password(OLD)
    assert not LogEntry.objects.exists()


def test_validator_messages_are_chinese_not_english(users, client):
    login(client, "gxj")
    html = change(client, new="Xm-short").content.decode()
    assert "密码太短：至少需要 12 个字符。" in html
    assert "This password is too short" not in html


def test_a_wrong_old_password_is_refused(users, client):
    login(client, "gxj")
    html = change(client, old="not-my-password").content.decode()
    assert "你的旧密码不正确" in html
    assert User.objects.get(username="gxj").check_password(OLD)


def test_anonymous_users_are_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    ("password", "username", "message"),
    [
        ("admin-admin-admin", "admin", "用户名"),
        ("my-gxj-password-2026", "gxj", "用户名"),
        ("abcabcabcabcabc", "someone", "重复"),
        ("Xy7Xy7Xy7Xy7", "someone", "重复"),
        ("aaaaaaaaaab1", "someone", "不同的字符"),
    ],
)
def test_weak_passwords_are_refused(db, password, username, message):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password(password, User(username=username))
    assert any(message in m for m in refused.value.messages), refused.value.messages


def test_a_sound_password_passes(db):
    validate_password(NEW, User(username="admin"))
    validate_password("Xiamen-446-demo", User(username="gxj"))  # the demo password


def test_a_password_longer_than_128_characters_is_refused_before_any_check(users, client):
    """A sound but 200-character password is refused by its length alone, so megabytes sent to
    this page never reach the hashing or the validators."""
    login(client, "gxj")
    long_password = "".join(
        secrets.choice(string.ascii_letters + string.digits) for _ in range(200)
    )
    response = change(client, new=long_password)
    assert response.status_code == 200
    assert "不超过 128 字符" in response.content.decode()
    assert User.objects.get(username="gxj").check_password(OLD)
    html = change(client, old="x" * 5_000_000).content.decode()
    assert "不超过 128 字符" in html


def test_the_repetition_rule_agrees_with_the_definition():
    """The linear check finds exactly the texts that repeat a piece of at most half their
    length, as comparing every period would."""
    from accounts.password_validation import _is_periodic

    def by_definition(text):
        n = len(text)
        return n > 1 and any(
            all(text[i] == text[i - p] for i in range(p, n)) for p in range(1, n // 2 + 1)
        )

    rng = random.Random(12)
    texts = ["", "a", "aa", "ab", "aba", "abab", "abcab", "admin-admin-admin", "Xy7Xy7Xy7Xy7"]
    texts += ["".join(rng.choice("ab") for _ in range(rng.randint(1, 14))) for _ in range(3000)]
    for text in texts:
        assert _is_periodic(text) == by_definition(text), text
